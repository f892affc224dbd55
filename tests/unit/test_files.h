#pragma once
// Finds the files a data-driven test runs over, relative to the source tree.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vlac::test {

inline std::string source_dir() { return VLAC_SOURCE_DIR; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Paths (relative to the source tree) of the files in `dir` ending in `ext`, sorted.
inline std::vector<std::string> files_in(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  std::filesystem::path root = std::filesystem::path(source_dir()) / dir;
  if (!std::filesystem::exists(root)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(root))
    if (entry.path().extension() == ext) out.push_back(dir + "/" + entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string full_path(const std::string& relative) { return source_dir() + "/" + relative; }

/// The ```vsql blocks of a Markdown file: complete programs that must check cleanly.
inline std::vector<std::string> vsql_blocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream in(markdown);
  std::string line, current;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line.rfind("```vsql", 0) == 0) {
      inside = true;
      current.clear();
    } else if (inside && line.rfind("```", 0) == 0) {
      inside = false;
      blocks.push_back(current);
    } else if (inside) {
      current += line + "\n";
    }
  }
  return blocks;
}

}  // namespace vlac::test
