#include "runtime/io/line_input.h"

#include <poll.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "runtime/io/stop_signals.h"

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

/// Writes all n bytes of p to fd; false with errno set when it cannot.
bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t put = ::write(fd, p, n);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      if (put == 0) errno = EIO;
      return false;
    }
    p += put;
    n -= static_cast<size_t>(put);
  }
  return true;
}

}  // namespace

LineInput::LineInput(std::FILE* in, size_t block_size)
    : in_(in), fd_(in ? ::fileno(in) : -1), block_(std::max<size_t>(block_size, 1)) {}

LineInput::LineInput(std::FILE* in, const ReadOptions& options)
    : LineInput(in, options.read_block_size > 0 ? options.read_block_size : kDefaultBlockSize) {
  prefix_ = options.prefix;
  replay_fd_ = options.replay_fd;
  tee_fd_ = options.tee_fd;
  streamed_ = options.streamed();
  may_map_ = !streamed_ && options.read_block_size == 0;  // a small block (tests) reads
  read_to_end_after_stop_ = options.read_to_end_after_stop;
  // The prefix is whole lines that were consumed (a header): a bare CR that ends it was a line
  // end, so the input it came from was read with CR line ends, whatever comes next now.
  const size_t first_end = prefix_.find_first_of("\r\n");
  if (first_end != std::string::npos && first_end + 1 == prefix_.size() && prefix_[first_end] == '\r')
    ends_ = Ends::Cr;
}

bool LineInput::wait_live() {
  const int wake = StopSignals::wake_fd();
  if (wake < 0) return true;
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake, POLLIN, 0}};
  for (;;) {
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;  // the signal: the wake pipe says so next time
    if (fds[1].revents != 0 && !read_to_end_after_stop_) return false;  // ends at the signal
    if (ready < 0 || fds[0].revents != 0) return true;  // input (or its end, or an error) to read
    if (fds[1].revents != 0) return false;
  }
}

namespace {

/// Whether [b, e), from a CSV record's start, holds a line end outside double quotes (an
/// escaped quote "" toggles twice).
bool record_end_in(const char* b, const char* e) {
  bool quoted = false;
  for (const char* p = b; p < e; ++p) {
    if (*p == '"') quoted = !quoted;
    else if (!quoted && (*p == '\n' || *p == '\r')) return true;
  }
  return false;
}

}  // namespace

int LineInput::wait_fd(bool quoted_records) {
  if (fd_ < 0 || at_end_ || failed() || phase_ != Phase::File) return -1;
  if (regular_file_ < 0) {
    struct stat st {};
    regular_file_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) ? 1 : 0;
  }
  if (regular_file_ == 1) return -1;
  if (data_) {
    const char *b = data_ + begin_, *e = data_ + end_;
    if (quoted_records ? record_end_in(b, e) : find_byte(b, e, '\n') || find_byte(b, e, '\r')) return -1;  // a line (a record) is there
  }
#if defined(__GLIBC__)
  if (!stdio_drained_ && stdio_buffered(in_) > 0) return -1;
#endif
  return fd_;
}

long LineInput::read_some(char* dst, size_t n) {
  if (phase_ == Phase::Prefix) {
    if (prefix_used_ < prefix_.size()) {
      const size_t k = std::min(n, prefix_.size() - prefix_used_);
      std::memcpy(dst, prefix_.data() + prefix_used_, k);
      prefix_used_ += k;
      return static_cast<long>(k);
    }
    phase_ = Phase::Replay;
  }
  if (phase_ == Phase::Replay) {
    if (replay_fd_ >= 0) {
      ssize_t got;
      do got = ::read(replay_fd_, dst, n);
      while (got < 0 && errno == EINTR);
      if (got < 0) {
        error_ = std::string("cannot read the journal: ") + std::strerror(errno);
        return -1;
      }
      if (got > 0) return static_cast<long>(got);
    }
    phase_ = Phase::File;
  }
  errno = 0;
  const long got = read_file(dst, n);
  if (got < 0) {
    error_ = std::string("cannot read: ") + std::strerror(errno != 0 ? errno : EIO);
    return -1;
  }
  // Into the journal before anything parses it: a byte a snapshot counts is a byte replayed.
  if (got > 0 && tee_fd_ >= 0 && !write_all(tee_fd_, dst, static_cast<size_t>(got))) {
    error_ = std::string("cannot copy the input to the journal: ") + std::strerror(errno);
    return -1;
  }
  return got;
}

long LineInput::read_file(char* dst, size_t n) {
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
  if (wait_fd() >= 0 && !wait_live()) return 0;  // a stop signal ends live input
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
  if (mapping_.mapped()) {
    if (widen_mapped()) return true;
    if (!leave_mapping()) return false;
  } else if (may_map_ && map_rest()) {
    return true;
  }
  if (begin_ > 0) {  // move the partial line to the front
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) {  // one line fills the buffer: grow it
    const size_t cap = cap_ * 2;
    auto grown = allocate(cap);
    std::memcpy(grown.get(), buf_.get(), end_);
    buf_ = std::move(grown);
    data_ = buf_.get();
    cap_ = cap;
  }
  const long n = read_some(buf_.get() + end_, std::min(cap_ - end_, block_));
  if (n > 0) {
    end_ += static_cast<size_t>(n);
    delivered_ += static_cast<uint64_t>(n);
  }
  // The buffer is not zeroed (allocate): lines are only ever returned from bytes a fill() put
  // there, so zeroing the padding after them here keeps what a vector load past a line's end
  // reads defined.
  std::memset(buf_.get() + end_, 0, kPadding);
  if (n < 0) return false;  // error_ says why
  if (n == 0) {
    at_end_ = true;
    return false;
  }
  return true;
}

std::unique_ptr<char[]> LineInput::allocate(size_t cap) {
  // Not zeroed: a reader of a few rows would otherwise touch the whole first block (1 MiB).
  // (new char[n], not make_unique_for_overwrite: this runtime also builds as C++17 for hosts.)
  return std::unique_ptr<char[]>(new char[cap + kPadding]);
}

bool LineInput::map_rest() {
#if defined(__GLIBC__)
  if (fd_ < 0) return false;
  if (!stdio_drained_) {
    if (stdio_buffered(in_) > 0) return false;  // read_file takes stdio's bytes first
    stdio_drained_ = true;
  }
  struct stat st;
  const off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || at < 0) {
    may_map_ = false;  // not a file that can be mapped: read it
    return false;
  }
  const auto size = static_cast<uint64_t>(st.st_size), next = static_cast<uint64_t>(at);
  const size_t unread = end_ - begin_;  // the bytes of the file just before `next`
  if (size <= next || unread > next || !mapping_.map(fd_, size)) return false;
  phase_ = Phase::File;  // may_map_: there is no prefix or replay to read first
  data_ = mapping_.data();
  mapped_from_ = next - unread;
  begin_ = static_cast<size_t>(mapped_from_);
  end_ = static_cast<size_t>(next);
  widen_mapped();
  return true;
#else
  return false;
#endif
}

bool LineInput::widen_mapped() {
  if (end_ >= mapping_.size()) return false;
  mapping_.release(mapped_from_, begin_);
  mapped_from_ = begin_;
  const uint64_t end = std::min<uint64_t>(mapping_.size(), end_ + kMapWindow);
  mapping_.populate(end_, end);
  delivered_ += end - end_;
  end_ = static_cast<size_t>(end);
  return true;
}

void LineInput::show_mapped(uint64_t at) {
  mapping_.release(mapped_from_, begin_);  // what was read before the seek
  mapped_from_ = at;
  begin_ = end_ = static_cast<size_t>(at);
  scanned_ = 0;
  at_end_ = false;
  delivered_ = at;
  widen_mapped();
}

bool LineInput::leave_mapping() {
  const size_t unread = end_ - begin_;
  if (cap_ < unread) {
    size_t cap = std::max(cap_, block_);
    while (cap < unread) cap *= 2;
    buf_ = allocate(cap);
    cap_ = cap;
  }
  std::memcpy(buf_.get(), data_ + begin_, unread);
  const uint64_t resume = mapping_.size();
  mapping_.unmap();
  data_ = buf_.get();
  begin_ = 0;
  end_ = unread;
  if (::lseek(fd_, static_cast<off_t>(resume), SEEK_SET) < 0) {
    error_ = std::string("cannot seek: ") + std::strerror(errno);
    return false;
  }
  return true;
}

const char* LineInput::find_line_end() {
  const char* b = data_ + begin_;
  const char* e = data_ + end_;
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
  if (!data_) {
    cap_ = block_;
    buf_ = allocate(cap_);
    data_ = buf_.get();
  }
  while (true) {
    const char* e = find_line_end();
    if (!e && at_end_) {
      if (begin_ == end_) return false;
      e = data_ + end_;  // a last line without a line end
      unterminated_ = true;
    }
    if (e) {
      const char* b = data_ + begin_;
      *line = std::string_view(b, static_cast<size_t>(e - b));
      begin_ = static_cast<size_t>(e - data_);
      scanned_ = 0;
      ++line_number_;
      return true;
    }
    if (!fill() && failed()) return false;
  }
}

void LineInput::drop_buffer() {
  if (mapping_.mapped()) {
    mapping_.unmap();
    data_ = buf_.get();
  }
  begin_ = end_ = scanned_ = 0;
  at_end_ = false;
}

bool LineInput::reposition(uint64_t at, std::string* error) {
  if (at > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
    *error = "cannot seek: " + std::string(std::strerror(EOVERFLOW));
    return false;
  }
#if defined(__GLIBC__)
  if (fd_ >= 0) {
    // read_file reads the descriptor itself once stdio's buffer is taken; from now on it is
    // the only source (stdio's buffer, if any is left, holds bytes of the old position).
    stdio_drained_ = true;
    if (::lseek(fd_, static_cast<off_t>(at), SEEK_SET) < 0) {
      *error = "cannot seek: " + std::string(std::strerror(errno));
      return false;
    }
    return true;
  }
#endif
  if (::fseeko(in_, static_cast<off_t>(at), SEEK_SET) != 0) {
    *error = "cannot seek: " + std::string(std::strerror(errno));
    return false;
  }
  std::clearerr(in_);
  return true;
}

bool LineInput::learn_line_ends(std::string* error) {
  if (!reposition(0, error)) return false;
  drop_buffer();
  std::string_view first;
  if (!read_slow(&first) && failed()) {
    *error = error_;
    return false;
  }
  return true;
}

bool LineInput::seek(uint64_t offset, uint64_t line, bool unterminated, std::string* error) {
  struct stat st;
  const bool regular = fd_ < 0 || (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode));
  if (in_ && !streamed_ && regular) {
    if (fd_ >= 0 && offset > static_cast<uint64_t>(st.st_size)) {
      *error = "the file has " + std::to_string(st.st_size) + " bytes, fewer than the " + std::to_string(offset) +
               " to go on after";
      return false;
    }
    // The first line end decides for the whole input: a reader that starts later must know it.
    if (ends_ == Ends::Unknown && offset > 0 && !learn_line_ends(error)) return false;
    if (mapping_.mapped() && offset <= mapping_.size()) {  // the mapping's bytes from `offset` on
      show_mapped(offset);
    } else {
      if (!reposition(offset, error)) return false;
      drop_buffer();
      delivered_ = offset;
    }
    error_.clear();
  } else {
    delivered_ = offset + (end_ - begin_);  // what is buffered comes next
  }
  line_number_ = line;
  unterminated_ = unterminated;
  return true;
}

std::string LineInput::check_readable() const {
  if (!in_) return "no input";
  struct stat st;
  if (::fstat(::fileno(in_), &st) == 0 && S_ISDIR(st.st_mode)) return std::strerror(EISDIR);
  return {};
}

}  // namespace vlac::rt
