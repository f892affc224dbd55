#include "runtime/engine.h"

#include <cstring>

#include "runtime/io/row_reader.h"

namespace vlac::rt {

void Engine::refill(Cursor& c) {
  c.has_row = c.reader->next(c.row.data());
  const EngineStream& s = streams_[c.stream];
  if (c.has_row && s.time_offset >= 0) std::memcpy(&c.time, c.row.data() + s.time_offset, sizeof c.time);
  else c.time = INT64_MIN;  // no event time: such rows come as soon as they are read
}

int64_t Engine::origin_watermark(const WatermarkOrigin& o) const {
  return o.is_stream ? streams_[o.index].watermark : operators_[o.index].input_watermark;
}

void Engine::propagate() {
  // Operators are in topological order, so one pass carries a watermark all the way down.
  // An operator forwards its input watermark unchanged once it has emitted what it completes.
  for (EngineOperator& op : operators_) {
    int64_t w = INT64_MAX;
    for (const WatermarkOrigin& o : op.origins) w = std::min(w, origin_watermark(o));
    if (op.origins.empty() || w <= op.input_watermark) continue;
    op.input_watermark = w;
    if (w >= op.op->next_fire() || w == INT64_MAX) op.op->advance(w);
  }
}

bool Engine::run() {
  std::vector<Cursor> cursors;
  for (size_t s = 0; s < streams_.size(); ++s)
    for (RowReader* r : streams_[s].readers) cursors.push_back({static_cast<int>(s), r, std::vector<uint8_t>(streams_[s].row_size), false, INT64_MIN});
  for (Cursor& c : cursors) refill(c);

  while (true) {
    // The next row is the one with the smallest event time; ties go to the stream declared
    // first, then to the file given first (cursors are in that order).
    Cursor* next = nullptr;
    for (Cursor& c : cursors)
      if (c.has_row && (!next || c.time < next->time)) next = &c;
    if (!next) break;
    EngineStream& s = streams_[next->stream];
    ctx_->scratch.reset();
    s.entry(ctx_, next->row.data());
    if (s.time_offset >= 0 && next->time > s.max_time) {
      s.max_time = next->time;
      int64_t w = s.max_time < INT64_MIN + s.bound_ns ? INT64_MIN : s.max_time - s.bound_ns;
      if (w > s.watermark) {
        s.watermark = w;
        propagate();
      }
    }
    if (after_row_) after_row_();
    if (should_stop_ && should_stop_()) return false;
    refill(*next);
  }
  if (should_stop_ && should_stop_()) return false;
  // End of input: every watermark reaches +inf and every open window fires.
  for (EngineStream& s : streams_) s.watermark = INT64_MAX;
  propagate();
  return true;
}

}  // namespace vlac::rt
