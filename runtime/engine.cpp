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
  return o.is_stream ? streams_[o.index].watermark : operators_[o.index].output_watermark;
}

void Engine::propagate() {
  // Operators are in topological order, so one pass carries a watermark all the way down.
  // An operator emits what its input watermarks complete, then forwards its output watermark.
  for (EngineOperator& op : operators_) {
    if (op.ports.empty()) continue;
    bool changed = false;
    int64_t lowest = INT64_MAX;
    for (size_t p = 0; p < op.ports.size(); ++p) {
      int64_t w = INT64_MAX;
      for (const WatermarkOrigin& o : op.ports[p]) w = std::min(w, origin_watermark(o));
      if (w > op.port_watermarks[p]) {
        op.port_watermarks[p] = w;
        changed = true;
      }
      lowest = std::min(lowest, op.port_watermarks[p]);
    }
    if (!changed) continue;
    if (op.ports.size() > 1) {
      op.op->advance_ports(op.port_watermarks.data(), static_cast<int>(op.ports.size()));
    } else {
      // Always told, even when nothing fires: lateness is judged against this watermark.
      op.op->advance(lowest);
    }
    op.output_watermark = op.op->output_watermark(lowest);
  }
}

bool Engine::run() {
  std::vector<Cursor> cursors;
  for (size_t s = 0; s < streams_.size(); ++s)
    for (RowReader* r : streams_[s].readers) cursors.push_back({static_cast<int>(s), r, std::vector<uint8_t>(streams_[s].row_size), false, INT64_MIN});
  for (Cursor& c : cursors) refill(c);
  for (EngineOperator& op : operators_) op.port_watermarks.assign(op.ports.size(), INT64_MIN);

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
