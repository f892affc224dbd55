#pragma once
// Physical lines from a FILE*, for the readers. getline(3) returns as soon as a line end has
// arrived (stdio's underflow takes what one read() delivers), so a live pipe or terminal is
// never asked for more than the current line; fread would block until its buffer was full.
//
// Line ends are LF or CRLF, or CR alone (old Mac files): the first line end of the input decides
// for the whole input. A CR followed by anything but LF makes every later line end a CR, so a
// file of CR-ended rows is read as rows, not as one long line (docs/decisions.md).

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace vlac::rt {

class LineInput {
 public:
  explicit LineInput(std::FILE* in) : in_(in) {}
  ~LineInput();
  LineInput(const LineInput&) = delete;
  LineInput& operator=(const LineInput&) = delete;

  /// The next physical line, its line end included ('\n', "\r\n", or '\r' in an input of CR
  /// line ends; absent on a last line without one). Valid until the next call. False at end of
  /// input or on a read error (then failed()).
  bool read(std::string_view* line);

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
  bool read_first(std::string_view* line);

  std::FILE* in_;
  Ends ends_ = Ends::Unknown;
  std::string first_;  // the first line, read byte by byte to learn the line ends
  char* buf_ = nullptr;  // getline's buffer, grown by getline and reused for every line
  size_t cap_ = 0;
  uint64_t line_number_ = 0;
  std::string error_;
};

}  // namespace vlac::rt
