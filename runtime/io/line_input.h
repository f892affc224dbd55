#pragma once
// Physical lines from a FILE*, for the readers, read in large blocks into one reusable buffer;
// a line is handed out as a view into that buffer, copied only when it outgrows it.
//
// A regular file read with ReadOptions (no prefix, replay or tee, the default block size) is
// mapped instead (mapped_file.h): its lines are views into the mapping, and nothing is copied.
// The mapping is shown 1 MiB at a time, and the pages read are given back at each step, so the
// resident size stays that of a buffer. What is appended to the file after it was mapped is
// read on with read(2).
//
// Live input (a pipe or terminal): read(2) returns what has arrived, and a new block is read
// only when the buffer holds no complete line, so a line is returned as soon as its line end
// has arrived and the input is never asked for more than that. Before it waits, it polls its
// input together with StopSignals::wake_fd(): after SIGINT/SIGTERM, live input ends (an MQTT
// source's pipe once what had arrived is read; LANGUAGE.md §10, §12). Bytes the FILE's own stdio
// buffer already holds (a format sniffer's getc + ungetc) are taken over first. A FILE without
// a descriptor (fmemopen) is read with fread, which cannot block on memory.
//
// Line ends are LF or CRLF, or CR alone (old Mac files): the first line end of the input decides
// for the whole input. A CR followed by anything but LF makes every later line end a CR, so a
// file of CR-ended rows is read as rows, not as one long line (docs/decisions.md).
//
// Positions (LANGUAGE.md §10): offset() counts the bytes of the lines handed out, not the bytes
// read ahead into the buffer, so a reader can say where it stands and seek() back there. With
// ReadOptions, the bytes are a prefix, then a replayed descriptor, then the FILE, whose bytes
// are also copied to a tee descriptor as they are read (standard input and its journal).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/io/mapped_file.h"
#include "runtime/io/read_options.h"

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
  /// `options.read_block_size` 0 is kDefaultBlockSize.
  LineInput(std::FILE* in, const ReadOptions& options);
  LineInput(const LineInput&) = delete;
  LineInput& operator=(const LineInput&) = delete;

  /// The next physical line, its line end included ('\n', "\r\n", or '\r' in an input of CR
  /// line ends; absent on a last line without one). Valid until the next call, and followed
  /// by kPadding readable bytes. False at end of input or on a read error (then failed()).
  bool read(std::string_view* line) {
    // The common case, inline: the line end is known and a whole line is buffered.
    if (ends_ != Ends::Unknown && scanned_ == 0) {
      const char* b = data_ + begin_;
      if (const char* e = find_byte(b, data_ + end_, ends_ == Ends::Cr ? '\r' : '\n')) {
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
  /// Bytes of the lines returned so far (of the prefix, the replay and the FILE, in order).
  uint64_t offset() const { return delivered_ - (end_ - begin_); }
  /// The last line returned was a last line without a line end.
  bool ended_without_line_end() const { return unterminated_; }

  /// Goes on as if `offset` bytes and `line` lines had been returned (the last without a line
  /// end if `unterminated`). A seekable FILE read without prefix, replay or tee is repositioned
  /// to byte `offset` and the buffered bytes are dropped; any other input (a pipe, a replayed
  /// standard input) only has its counters set: the caller arranged that the bytes that come
  /// next are those after `offset`. False with *error (a reason, without the input's name)
  /// when the file is shorter than `offset` or cannot be repositioned.
  bool seek(uint64_t offset, uint64_t line, bool unterminated, std::string* error);

  /// Live input (not a regular file) with no whole line buffered: the descriptor whose
  /// readability says that read() has something new to look at; else -1 (read() would not wait
  /// for input, or the input is a file, which never waits long). `quoted_records` (CSV, read
  /// from a record's start): a line end inside double quotes does not end a record, so a record
  /// whose quoted line break has arrived without the rest of it is not whole either.
  int wait_fd(bool quoted_records = false);

  bool failed() const { return !error_.empty(); }
  /// What went wrong, e.g. "cannot read: Is a directory" or "cannot copy the input to the
  /// journal: No space left on device".
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
  /// A regular file whose bytes up to its end are all that is left to read: maps it, and the
  /// unread bytes become views into the mapping. False (nothing changed) when it cannot.
  bool map_rest();
  /// The mapped bytes are used up: the unread ones move to the buffer, and the file is read
  /// on from the mapping's end with read(2). False on an error (error_ set).
  bool leave_mapping();
  /// Mapped: the bytes from the mapping's `at` on, kMapWindow of them at a time (the pages
  /// read before are given back at each step); as drop_buffer, nothing buffered is scanned.
  void show_mapped(uint64_t at);
  /// Mapped: widens the bytes shown by kMapWindow; false at the mapping's end.
  bool widen_mapped();
  /// One read of at most n bytes into dst, from the prefix, the replay or the FILE (teed):
  /// >0 bytes read, 0 at end of input, -1 on an error (error_ set).
  long read_some(char* dst, size_t n);
  /// One read of the FILE itself.
  long read_file(char* dst, size_t n);
  /// Live input: waits until it has bytes (or its end) to read: true; or until SIGINT/SIGTERM
  /// came (StopSignals::wake_fd): false, and the input ends there (ReadOptions::
  /// read_to_end_after_stop: once what had arrived is read).
  bool wait_live();
  /// Forgets the buffered bytes, mapped or read (after the FILE was repositioned).
  void drop_buffer();
  /// Decides the line ends from the start of a seekable FILE, as reading it from there would.
  bool learn_line_ends(std::string* error);
  /// Repositions the FILE (its descriptor, or the stream when it has none) to byte `at`.
  bool reposition(uint64_t at, std::string* error);

  std::FILE* in_;
  int fd_;
  bool stdio_drained_ = false;  // the FILE's own buffer is empty: read the descriptor directly
  int8_t regular_file_ = -1;    // wait_fd(): the descriptor is a regular file (1), is not (0), unknown (-1)
  bool at_end_ = false;
  Ends ends_ = Ends::Unknown;
  size_t block_;
  /// A buffer of cap + kPadding bytes, not zeroed (fill() zeroes the padding after what it read).
  static std::unique_ptr<char[]> allocate(size_t cap);

  std::unique_ptr<char[]> buf_;  // cap_ + kPadding bytes
  size_t cap_ = 0;
  bool may_map_ = false;        // a regular file's rest may be mapped (map_rest)
  MappedFile mapping_;
  // A mapped file is shown kMapWindow bytes at a time: at each step the pages read so far,
  // from mapped_from_ on, are given back, so that the resident size stays small.
  static constexpr uint64_t kMapWindow = uint64_t{1} << 20;  // as a read(2) block
  uint64_t mapped_from_ = 0;
  const char* data_ = nullptr;  // buf_.get(), or the mapping's bytes (file offsets)
  size_t begin_ = 0, end_ = 0;  // unread bytes of data_
  size_t scanned_ = 0;          // bytes after begin_ known to hold no line end
  uint64_t line_number_ = 0;
  uint64_t delivered_ = 0;     // bytes put into the buffer so far, counted from the input's start
  bool unterminated_ = false;  // the last line returned had no line end
  std::string error_;

  // ReadOptions: the prefix, then replay_fd_ to its end, then the FILE (copied to tee_fd_).
  enum class Phase : uint8_t { Prefix, Replay, File };
  Phase phase_ = Phase::Prefix;
  std::string prefix_;
  size_t prefix_used_ = 0;
  int replay_fd_ = -1;
  int tee_fd_ = -1;
  bool streamed_ = false;
  bool read_to_end_after_stop_ = false;
};

}  // namespace vlac::rt
