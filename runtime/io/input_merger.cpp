#include "runtime/io/input_merger.h"

#include <cstring>

namespace vlac::rt {

void InputMerger::add(int stream, RowReader* reader, uint32_t row_size, int32_t time_offset) {
  cursors_.push_back({stream, reader, time_offset, std::vector<uint8_t>(row_size), false, INT64_MIN});
}

bool InputMerger::next_merged(int* stream, const uint8_t** row, int64_t* time) {
  if (!started_) {
    started_ = true;
    for (Cursor& c : cursors_) refill(c);
  } else if (last_ >= 0) {
    refill(cursors_[last_]);
  }
  last_ = -1;
  for (size_t i = 0; i < cursors_.size(); ++i)
    if (cursors_[i].has_row && (last_ < 0 || cursors_[i].time < cursors_[last_].time)) last_ = static_cast<int>(i);
  if (last_ < 0) return false;
  const Cursor& c = cursors_[last_];
  *stream = c.stream;
  *row = c.row.data();
  *time = c.time;
  return true;
}

}  // namespace vlac::rt
