#pragma once
// The positions of the line-based readers (CSV, JSON Lines), shared by both: where LineInput
// stands, and where the record read last began (internal to runtime/io).

#include <string>

#include "runtime/io/line_input.h"
#include "runtime/io/row_reader.h"

namespace vlac::rt {

/// After every line `lines` has handed out.
inline InputPosition reader_position(const LineInput& lines, const InputStats& stats) {
  InputPosition p;
  p.offset = lines.offset();
  p.line = lines.line_number();
  p.stats = stats;
  p.ends_without_line_end = lines.ended_without_line_end();
  return p;
}

/// Before the accepted record read last, which began at line `first_line` and whose lines,
/// the last handed out, hold `bytes` bytes.
inline InputPosition position_before_row(const LineInput& lines, const InputStats& stats, size_t bytes,
                                         uint64_t first_line) {
  InputPosition p;
  p.offset = lines.offset() - bytes;
  p.line = first_line - 1;
  p.stats = {stats.read - 1, stats.accepted - 1, stats.rejected};
  return p;  // a line end precedes a record
}

/// LineInput::seek, with a message that names the input.
inline bool seek_lines(LineInput* lines, const std::string& name, const InputPosition& p, std::string* error) {
  std::string why;
  if (lines->seek(p.offset, p.line, p.ends_without_line_end, &why)) return true;
  *error = name + ": cannot go on from byte " + std::to_string(p.offset) + ": " + why;
  return false;
}

}  // namespace vlac::rt
