#include "runtime/io/line_input.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vlac::rt {
namespace {

#if defined(__GLIBC__)
/// Bytes the FILE's stdio buffer holds and would hand out without reading: gnulib's
/// freadahead for glibc (including bytes pushed back with ungetc into the backup area).
size_t stdio_buffered(std::FILE* f) {
  constexpr int kInBackup = 0x100;  // glibc's _IO_IN_BACKUP
  if (f->_IO_write_ptr > f->_IO_write_base) return 0;
  size_t n = static_cast<size_t>(f->_IO_read_end - f->_IO_read_ptr);
  if (f->_flags & kInBackup) n += static_cast<size_t>(f->_IO_save_end - f->_IO_save_base);
  return n;
}
#endif

}  // namespace

LineInput::LineInput(std::FILE* in, size_t block_size)
    : in_(in), fd_(in ? ::fileno(in) : -1), block_(std::max<size_t>(block_size, 1)) {}

long LineInput::read_some(char* dst, size_t n) {
  errno = 0;
  if (fd_ < 0) {  // no descriptor (a memory stream): fread cannot block
    const size_t got = std::fread(dst, 1, n, in_);
    return got == 0 && std::ferror(in_) ? -1 : static_cast<long>(got);
  }
#if defined(__GLIBC__)
  if (!stdio_drained_) {
    // Take what stdio already holds first; fread of no more than that never reads the input.
    if (const size_t buffered = stdio_buffered(in_); buffered > 0) {
      const size_t got = std::fread(dst, 1, std::min(buffered, n), in_);
      return got == 0 && std::ferror(in_) ? -1 : static_cast<long>(got);
    }
    stdio_drained_ = true;
  }
  return static_cast<long>(::read(fd_, dst, n));  // EINTR (Ctrl-C) is an error: stop reading
#else
  // No way to see stdio's buffer: read through it, never past a line end, so live input stays live.
  size_t got = 0;
  int c;
  while (got < n && (c = std::getc(in_)) != EOF) {
    dst[got++] = static_cast<char>(c);
    if (c == '\n' || c == '\r') break;
  }
  return got == 0 && std::ferror(in_) ? -1 : static_cast<long>(got);
#endif
}

bool LineInput::fill() {
  if (begin_ > 0) {  // move the partial line to the front
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) {  // one line fills the buffer: grow it
    const size_t cap = cap_ * 2;
    auto grown = std::make_unique<char[]>(cap + kPadding);
    std::memcpy(grown.get(), buf_.get(), end_);
    buf_ = std::move(grown);
    cap_ = cap;
  }
  const long n = read_some(buf_.get() + end_, std::min(cap_ - end_, block_));
  if (n < 0) {
    error_ = std::strerror(errno != 0 ? errno : EIO);
    return false;
  }
  if (n == 0) {
    at_end_ = true;
    return false;
  }
  end_ += static_cast<size_t>(n);
  return true;
}

const char* LineInput::find_line_end() {
  const char* b = buf_.get() + begin_;
  const char* e = buf_.get() + end_;
  const char* from = b + scanned_;
  if (ends_ == Ends::Unknown) {
    // The first line end decides; after a CR, wait for one more byte to tell CRLF from CR.
    for (const char* p = from; p < e; ++p) {
      if (*p == '\n') {
        ends_ = Ends::Lf;
        return p + 1;
      }
      if (*p == '\r') {
        if (p + 1 == e) {
          scanned_ = static_cast<size_t>(p - b);
          return at_end_ ? p + 1 : nullptr;
        }
        ends_ = p[1] == '\n' ? Ends::Lf : Ends::Cr;
        return p[1] == '\n' ? p + 2 : p + 1;
      }
    }
  } else if (const char* p = find_byte(from, e, ends_ == Ends::Cr ? '\r' : '\n')) {
    return p + 1;
  }
  scanned_ = static_cast<size_t>(e - b);
  return nullptr;
}

bool LineInput::read_slow(std::string_view* line) {
  if (!in_ || failed()) return false;
  if (!buf_) {
    cap_ = block_;
    buf_ = std::make_unique<char[]>(cap_ + kPadding);  // zeroed: the padding is defined
  }
  while (true) {
    const char* e = find_line_end();
    if (!e && at_end_) {
      if (begin_ == end_) return false;
      e = buf_.get() + end_;  // a last line without a line end
    }
    if (e) {
      const char* b = buf_.get() + begin_;
      *line = std::string_view(b, static_cast<size_t>(e - b));
      begin_ = static_cast<size_t>(e - buf_.get());
      scanned_ = 0;
      ++line_number_;
      return true;
    }
    if (!fill() && failed()) return false;
  }
}

std::string LineInput::check_readable() const {
  if (!in_) return "no input";
  struct stat st;
  if (::fstat(::fileno(in_), &st) == 0 && S_ISDIR(st.st_mode)) return std::strerror(EISDIR);
  return {};
}

}  // namespace vlac::rt
