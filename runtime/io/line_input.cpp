#include "runtime/io/line_input.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vlac::rt {

LineInput::~LineInput() { std::free(buf_); }

// getc returns each byte as soon as it has arrived, so this waits for no more than the first
// line, and after a CR for one more byte (to tell CRLF from CR).
bool LineInput::read_first(std::string_view* line) {
  ends_ = Ends::Lf;
  errno = 0;
  int c;
  while ((c = std::getc(in_)) != EOF) {
    first_ += static_cast<char>(c);
    if (c == '\n') break;
    if (c == '\r') {
      const int next = std::getc(in_);
      if (next == '\n') {
        first_ += '\n';
      } else if (next != EOF) {
        std::ungetc(next, in_);
        ends_ = Ends::Cr;
      }
      break;
    }
  }
  if (std::ferror(in_)) {
    error_ = std::strerror(errno != 0 ? errno : EIO);
    return false;
  }
  if (first_.empty()) return false;
  ++line_number_;
  *line = first_;
  return true;
}

bool LineInput::read(std::string_view* line) {
  if (!in_ || !error_.empty()) return false;
  if (ends_ == Ends::Unknown) return read_first(line);
  errno = 0;
  const ssize_t n = ::getdelim(&buf_, &cap_, ends_ == Ends::Cr ? '\r' : '\n', in_);
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
