#pragma once
// The runtime's sources, embedded in vlac at build time (codegen/cpp/embed_files.cmake), so
// that generated C++ can be given the headers it includes, wherever vlac runs from.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace vlac::cpp {

struct EmbeddedFile {
  const char* path;  // relative to the source tree: "runtime/row_layout.h"
  const char* text;
};

const EmbeddedFile* embedded_files(size_t* count);

/// A digest of every embedded file (paths and texts): what generated code compiled against them
/// depends on.
const std::string& embedded_files_digest();

/// Writes every embedded file whose path starts with one of `prefixes` under `dir` (keeping
/// the relative path). Unchanged files are left alone. False with a message on an I/O error.
bool write_embedded_files(const std::filesystem::path& dir, const std::vector<std::string>& prefixes, std::string* error);

}  // namespace vlac::cpp
