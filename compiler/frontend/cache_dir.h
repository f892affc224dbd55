#pragma once
#include <filesystem>
#include <string>

namespace vlac {

/// Where compiled programs are kept between runs: $VLAC_CACHE_DIR, else
/// $XDG_CACHE_HOME/vlac, else ~/.cache/vlac; empty (no cache) when none can be made.
/// `VLAC_CACHE_DIR=` (empty) turns caching off.
std::filesystem::path cache_dir();

/// A cache entry's name for everything that determines it (FNV-1a, 16 hex digits).
std::string cache_key(const std::string& determinants);

}  // namespace vlac
