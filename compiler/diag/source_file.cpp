#include "diag/source_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

namespace vlac {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

LineCol SourceFile::line_col(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  return {line, offset - line_starts_[line - 1] + 1};
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  std::string_view s(text_.data() + begin, end - begin);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view SourceFile::slice(SourceRange r) const {
  uint32_t size = static_cast<uint32_t>(text_.size());
  uint32_t b = std::min(r.begin, size), e = std::min(std::max(r.end, b), size);
  return std::string_view(text_).substr(b, e - b);
}

std::optional<std::string> read_source_text(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  struct stat st {};
  int failure = ::fstat(::fileno(f), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
  char buf[65536];
  while (failure == 0) {
    size_t n = std::fread(buf, 1, sizeof buf, f);
    text.append(buf, n);
    if (n < sizeof buf) {
      if (std::ferror(f)) failure = errno != 0 ? errno : EIO;
      break;
    }
  }
  std::fclose(f);
  if (failure != 0) {
    *error = std::strerror(failure);
    return std::nullopt;
  }
  return text;
}

}  // namespace vlac
