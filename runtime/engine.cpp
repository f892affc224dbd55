#include "runtime/engine.h"

#include <cstring>

#include "runtime/io/input_merger.h"
#include "runtime/scalar/time_math.h"

namespace vlac::rt {

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
  InputMerger inputs;
  for (size_t s = 0; s < streams_.size(); ++s)
    for (RowReader* r : streams_[s].readers) inputs.add(static_cast<int>(s), r, streams_[s].row_size, streams_[s].time_offset);
  for (EngineOperator& op : operators_) op.port_watermarks.assign(op.ports.size(), INT64_MIN);

  int stream;
  const uint8_t* row;
  int64_t time;
  while (inputs.next(&stream, &row, &time)) {
    EngineStream& s = streams_[stream];
    ctx_->scratch.reset();
    s.entry(ctx_, row);
    if (s.time_offset >= 0 && time > s.max_time) {
      s.max_time = time;
      int64_t w = source_watermark(s.max_time, s.bound_ns);
      if (w > s.watermark) {
        s.watermark = w;
        propagate();
      }
    }
    if (after_row_) after_row_();
    if (should_stop_ && should_stop_()) return false;
  }
  if (should_stop_ && should_stop_()) return false;
  // End of input: every watermark reaches +inf and every open window fires.
  for (EngineStream& s : streams_) s.watermark = INT64_MAX;
  propagate();
  return true;
}

}  // namespace vlac::rt
