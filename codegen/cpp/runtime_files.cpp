#include "codegen/cpp/runtime_files.h"

#include <fstream>
#include <sstream>

#include "frontend/cache_dir.h"

namespace vlac::cpp {

const std::string& embedded_files_digest() {
  static const std::string digest = [] {
    size_t count = 0;
    const EmbeddedFile* files = embedded_files(&count);
    std::string all;
    for (size_t i = 0; i < count; ++i) all += std::string(files[i].path) + '\0' + files[i].text + '\0';
    return cache_key(all);
  }();
  return digest;
}

bool write_embedded_files(const std::filesystem::path& dir, const std::vector<std::string>& prefixes, std::string* error) {
  namespace fs = std::filesystem;
  size_t count = 0;
  const EmbeddedFile* files = embedded_files(&count);
  for (size_t i = 0; i < count; ++i) {
    std::string path = files[i].path;
    bool wanted = false;
    for (const std::string& p : prefixes) wanted |= path.rfind(p, 0) == 0;
    if (!wanted) continue;
    fs::path target = dir / path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      *error = "cannot create '" + target.parent_path().string() + "': " + ec.message();
      return false;
    }
    {
      std::ifstream existing(target, std::ios::binary);
      if (existing) {
        std::stringstream ss;
        ss << existing.rdbuf();
        if (ss.str() == files[i].text) continue;
      }
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out << files[i].text;
    out.close();  // a full disk may refuse the buffered bytes only here
    if (!out) {
      *error = "cannot write '" + target.string() + "'";
      return false;
    }
  }
  return true;
}

}  // namespace vlac::cpp
