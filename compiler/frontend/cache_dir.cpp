#include "frontend/cache_dir.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace vlac {

std::filesystem::path cache_dir() {
  namespace fs = std::filesystem;
  fs::path dir;
  if (const char* v = std::getenv("VLAC_CACHE_DIR")) {
    if (std::string(v).empty()) return {};  // VLAC_CACHE_DIR= turns the cache off
    dir = v;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    dir = fs::path(x) / "vlac";
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    dir = fs::path(h) / ".cache" / "vlac";
  } else {
    return {};
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  return ec ? fs::path() : dir;
}

std::string cache_key(const std::string& determinants) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : determinants) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace vlac
