#pragma once
// A program's text and the mapping from byte offsets to lines and columns.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlac {

/// A half-open byte range [begin, end) in one SourceFile.
struct SourceRange {
  uint32_t begin = 0;
  uint32_t end = 0;

  static SourceRange cover(SourceRange a, SourceRange b) {
    return {a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

/// A 1-based line and column (columns count bytes, as GCC's and Clang's do by default).
struct LineCol {
  uint32_t line = 1;
  uint32_t col = 1;
};

/// Holds a program's name (as the user gave it) and text.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  LineCol line_col(uint32_t offset) const;
  /// The text of a 1-based line, without its line terminator.
  std::string_view line_text(uint32_t line) const;
  std::string_view slice(SourceRange r) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

/// Reads the whole file at `path` (a program). nullopt with `*error` set to the system's reason
/// ("No such file or directory", "Is a directory", a read error) when it cannot: a directory or
/// an unreadable file is never taken for an empty program.
std::optional<std::string> read_source_text(const std::string& path, std::string* error);

}  // namespace vlac
