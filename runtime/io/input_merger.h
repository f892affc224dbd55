#pragma once
// Reads several inputs as one sequence of rows in event-time order (LANGUAGE.md §7): the next
// row is the one with the smallest event time among each input's next row; ties go to the input
// added first (the stream declared first, then the file given first). Within one input, rows
// keep their order. Used by the engine and by the main() of programs built for hosts.

#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/io/row_reader.h"

namespace vlac::rt {

class InputMerger {
 public:
  /// `time_offset`: the byte offset of the event time in the reader's rows of `row_size` bytes;
  /// -1 when there is none (those rows come as soon as they are read). Add every input before
  /// the first next().
  void add(int stream, RowReader* reader, uint32_t row_size, int32_t time_offset);

  /// Where input `i` (in add() order) stands for a checkpoint taken after the row next() returned
  /// last was processed: a row read ahead but not yet returned is not consumed (the input's
  /// position before it), everything else read is (LANGUAGE.md §10).
  InputPosition position(size_t i) const {
    const Cursor& c = cursors_[i];
    const bool read_ahead = cursors_.size() > 1 && c.has_row && static_cast<int>(i) != last_;
    return read_ahead ? c.reader->before_last_row() : c.reader->position();
  }

  /// The next row, its stream and its event time (INT64_MIN without one); false once every
  /// input has ended. The row stays valid until the next call.
  bool next(int* stream, const uint8_t** row, int64_t* time) {
    if (cursors_.size() != 1) return next_merged(stream, row, time);
    // One input (the usual case): its rows in order, nothing to choose.
    Cursor& c = cursors_[0];
    if (ended_) return false;  // a reader is not asked again after its end
    refill(c);
    if (!c.has_row) {
      ended_ = true;
      return false;
    }
    *stream = c.stream;
    *row = c.row.data();
    *time = c.time;
    return true;
  }

 private:
  struct Cursor {
    int stream;
    RowReader* reader;
    int32_t time_offset;
    std::vector<uint8_t> row;
    bool has_row = false;
    int64_t time = INT64_MIN;
  };
  void refill(Cursor& c) {
    c.has_row = c.reader->next(c.row.data());
    if (c.has_row && c.time_offset >= 0) std::memcpy(&c.time, c.row.data() + c.time_offset, sizeof c.time);
    else c.time = INT64_MIN;
  }
  bool next_merged(int* stream, const uint8_t** row, int64_t* time);

  std::vector<Cursor> cursors_;
  bool started_ = false;
  bool ended_ = false;  // one input: it has ended
  int last_ = -1;  // the cursor whose row next() returned last: read its next row first
};

}  // namespace vlac::rt
