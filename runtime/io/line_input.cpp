#include "runtime/io/line_input.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vlac::rt {

LineInput::~LineInput() { std::free(buf_); }

bool LineInput::read(std::string_view* line) {
  if (!in_ || !error_.empty()) return false;
  errno = 0;
  const ssize_t n = ::getline(&buf_, &cap_, in_);
  if (n < 0) {
    if (std::ferror(in_)) error_ = std::strerror(errno != 0 ? errno : EIO);
    return false;
  }
  ++line_number_;
  *line = std::string_view(buf_, static_cast<size_t>(n));
  return true;
}

std::string LineInput::check_readable() const {
  if (!in_) return "no input";
  struct stat st;
  if (::fstat(::fileno(in_), &st) == 0 && S_ISDIR(st.st_mode)) return std::strerror(EISDIR);
  return {};
}

}  // namespace vlac::rt
