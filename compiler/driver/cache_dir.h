#pragma once
#include <filesystem>

namespace vlac {

/// Where compiled programs are kept between runs: $VLAC_CACHE_DIR, else
/// $XDG_CACHE_HOME/vlac, else ~/.cache/vlac; empty (no cache) when none can be made.
/// `VLAC_CACHE_DIR=` (empty) turns caching off.
std::filesystem::path cache_dir();

}  // namespace vlac
