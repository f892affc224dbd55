#pragma once
// Reads several inputs as one sequence of rows in event-time order (LANGUAGE.md §7): the next
// row is the one with the smallest event time among each input's next row; ties go to the input
// added first (the stream declared first, then the file given first). Within one input, rows
// keep their order. Used by the engine and by the main() of programs built for hosts.
//
// `--idle-timeout` (LANGUAGE.md §12, Flink's idleness): the merger waits for a live input's next
// row only until that input has given no row for the timeout (wall clock); it is then idle, the
// other inputs' rows go on without it, and the engine leaves it out of the watermarks
// (idle()). It is active again with its next row. Files are never idle.

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

  /// `--idle-timeout`: `ns` > 0 makes a live input idle after `ns` of wall-clock time without a
  /// row. Before the first next().
  void set_idle_timeout(int64_t ns) { idle_timeout_ns_ = ns; }
  /// Whether input `i` is idle now.
  bool idle(size_t i) const { return cursors_[i].idle; }
  /// Whether `stream` is idle: some input of it is, and none of its others has rows to give.
  bool stream_idle(int stream) const {
    bool any = false;
    for (const Cursor& c : cursors_) {
      if (c.stream != stream) continue;
      if (c.idle) any = true;
      else if (c.has_row || c.wanted) return false;
    }
    return any;
  }
  /// True once after an input became idle or active again since the last call.
  bool take_idle_change() {
    const bool changed = idle_changed_;
    idle_changed_ = false;
    return changed;
  }

  /// Whether next() may wait for live input: an input it reads first has no whole record
  /// buffered (RowReader::wait_fd). False for files.
  bool may_wait() {
    for (size_t i = 0; i < cursors_.size(); ++i) {
      Cursor& c = cursors_[i];
      // One input reads its next row at every call; merged inputs read all at the first call,
      // then the one whose row was returned (and, idling, those still wanted).
      const bool reads = cursors_.size() == 1 ? !ended_ : !started_ || static_cast<int>(i) == last_ || c.wanted;
      if (reads && c.reader->wait_fd() >= 0) return true;
    }
    return false;
  }

  /// The next row, its stream and its event time (INT64_MIN without one); false once every
  /// input has ended. The row stays valid until the next call.
  bool next(int* stream, const uint8_t** row, int64_t* time) {
    if (cursors_.size() != 1) return idle_timeout_ns_ > 0 ? next_idling(stream, row, time) : next_merged(stream, row, time);
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
    // --idle-timeout only:
    bool wanted = false;     // its next row is to be read (it has none, and has not ended)
    bool idle = false;
    int64_t last_row_ns = 0;  // wall clock of its last row (or of the start)
  };
  void refill(Cursor& c) {
    c.has_row = c.reader->next(c.row.data());
    if (c.has_row && c.time_offset >= 0) std::memcpy(&c.time, c.row.data() + c.time_offset, sizeof c.time);
    else c.time = INT64_MIN;
  }
  bool next_merged(int* stream, const uint8_t** row, int64_t* time);
  /// next_merged with --idle-timeout: reads the wanted rows, waiting for live inputs only until
  /// they turn idle; blocks only when no input has a row and some idle one may still give one.
  bool next_idling(int* stream, const uint8_t** row, int64_t* time);
  /// Reads the wanted rows: files at once, live inputs when they have one, waiting until the
  /// earliest moment one of them turns idle (`block`: for as long as it takes, when no input has
  /// a row to give meanwhile).
  void read_wanted(bool block);
  /// The cursor with the smallest time among those with a row (ties: the first), or -1.
  int earliest() const;

  std::vector<Cursor> cursors_;
  bool started_ = false;
  bool ended_ = false;  // one input: it has ended
  int last_ = -1;  // the cursor whose row next() returned last: read its next row first
  int64_t idle_timeout_ns_ = 0;
  bool idle_changed_ = false;
};

}  // namespace vlac::rt
