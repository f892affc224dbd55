#pragma once
// Physical lines from a FILE*, for the readers, read in large blocks into one reusable buffer;
// a line is handed out as a view into that buffer, copied only when it outgrows it.
//
// Live input (a pipe or terminal): read(2) returns what has arrived, and a new block is read
// only when the buffer holds no complete line, so a line is returned as soon as its line end
// has arrived and the input is never asked for more than that. Bytes the FILE's own stdio
// buffer already holds (a format sniffer's getc + ungetc) are taken over first. A FILE without
// a descriptor (fmemopen) is read with fread, which cannot block on memory.
//
// Line ends are LF or CRLF, or CR alone (old Mac files): the first line end of the input decides
// for the whole input. A CR followed by anything but LF makes every later line end a CR, so a
// file of CR-ended rows is read as rows, not as one long line (docs/decisions.md).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vlac::rt {

class LineInput {
 public:
  static constexpr size_t kDefaultBlockSize = size_t{1} << 20;
  /// Bytes after the end of every line returned that may be read (their values are
  /// unspecified): room for vector loads that run past the line end.
  static constexpr size_t kPadding = 64;

  /// `block_size` is the size of one read and the buffer's initial size (small in tests).
  explicit LineInput(std::FILE* in, size_t block_size = kDefaultBlockSize);
  LineInput(const LineInput&) = delete;
  LineInput& operator=(const LineInput&) = delete;

  /// The next physical line, its line end included ('\n', "\r\n", or '\r' in an input of CR
  /// line ends; absent on a last line without one). Valid until the next call, and followed
  /// by kPadding readable bytes. False at end of input or on a read error (then failed()).
  bool read(std::string_view* line) {
    // The common case, inline: the line end is known and a whole line is buffered.
    if (ends_ != Ends::Unknown && scanned_ == 0) {
      const char* b = buf_.get() + begin_;
      if (const char* e = find_byte(b, buf_.get() + end_, ends_ == Ends::Cr ? '\r' : '\n')) {
        *line = std::string_view(b, static_cast<size_t>(e + 1 - b));
        begin_ += line->size();
        ++line_number_;
        return true;
      }
    }
    return read_slow(line);
  }

  /// Lines returned so far: the physical number of the last line read.
  uint64_t line_number() const { return line_number_; }
  bool failed() const { return !error_.empty(); }
  /// The system's description of the read error, e.g. "Is a directory".
  const std::string& error() const { return error_; }

  /// Empty, or the reason why `in` is not readable input at all (a directory). Checked before
  /// the first read so that open() fails early without waiting for live input.
  std::string check_readable() const;

 private:
  enum class Ends : uint8_t { Unknown, Lf, Cr };
  /// The first c in [from, end), or nullptr; reads up to 15 bytes past end (the padding).
  static const char* find_byte(const char* from, const char* end, char c) {
#if defined(__SSE2__)
    const __m128i wanted = _mm_set1_epi8(c);
    for (const char* p = from; p < end; p += 16) {
      const auto hits = static_cast<uint32_t>(
          _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), wanted)));
      if (hits != 0) {
        const char* at = p + __builtin_ctz(hits);
        return at < end ? at : nullptr;
      }
    }
    return nullptr;
#else
    return static_cast<const char*>(std::memchr(from, c, static_cast<size_t>(end - from)));
#endif
  }
  bool read_slow(std::string_view* line);
  /// End of the line starting at begin_ if a whole one is buffered (and, for the first line,
  /// its line end is known to be CR, LF or CRLF), else nullptr.
  const char* find_line_end();
  /// Makes room and reads once more; false at end of input or on an error.
  bool fill();
  /// One read of at most n bytes into dst: >0 bytes read, 0 at end of input, -1 on an error.
  long read_some(char* dst, size_t n);

  std::FILE* in_;
  int fd_;
  bool stdio_drained_ = false;  // the FILE's own buffer is empty: read the descriptor directly
  bool at_end_ = false;
  Ends ends_ = Ends::Unknown;
  size_t block_;
  std::unique_ptr<char[]> buf_;  // cap_ + kPadding bytes
  size_t cap_ = 0;
  size_t begin_ = 0, end_ = 0;  // unread bytes
  size_t scanned_ = 0;          // bytes after begin_ known to hold no line end
  uint64_t line_number_ = 0;
  std::string error_;
};

}  // namespace vlac::rt
