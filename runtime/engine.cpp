#include "runtime/engine.h"

#include <cstring>

#include "runtime/io/input_merger.h"
#include "runtime/scalar/time_math.h"

namespace vlac::rt {

int64_t Engine::origin_watermark(const WatermarkOrigin& o) const {
  return o.is_stream ? streams_[o.index].watermark : operators_[o.index].watermarks.out;
}

void Engine::propagate() {
  if (any_idle_) return propagate_with_idle();
  for (size_t i = 0; i < operators_.size(); ++i) {
    EngineOperator& op = operators_[i];
    if (const int64_t* origin = single_origin_[i]) {  // the usual case: one input, one origin
      advance_operator<1>(*op.op, op.watermarks, origin);
      continue;
    }
    if (op.ports.empty()) continue;
    int64_t port_w[kMaxPorts];
    const int ports = op.ports.size() >= 2 ? 2 : 1;  // the physical plan gives one or two
    for (int p = 0; p < ports; ++p) {
      port_w[p] = INT64_MAX;
      for (const WatermarkOrigin& o : op.ports[p]) port_w[p] = min_watermark(port_w[p], origin_watermark(o));
    }
    if (ports == 2) advance_operator<2>(*op.op, op.watermarks, port_w);
    else advance_operator<1>(*op.op, op.watermarks, port_w);
  }
}

void Engine::propagate_with_idle() {
  for (EngineOperator& op : operators_) {
    if (op.ports.empty()) continue;
    int64_t port_w[kMaxPorts];
    bool port_idle[kMaxPorts];
    const int ports = op.ports.size() >= 2 ? 2 : 1;
    int64_t active_min = INT64_MAX;
    bool any_active = false;
    for (int p = 0; p < ports; ++p) {
      port_w[p] = INT64_MAX;
      port_idle[p] = !op.ports[p].empty();
      for (const WatermarkOrigin& o : op.ports[p]) {
        if (origin_idle(o)) continue;
        port_idle[p] = false;
        port_w[p] = min_watermark(port_w[p], origin_watermark(o));
      }
      if (!port_idle[p]) {
        any_active = true;
        active_min = min_watermark(active_min, port_w[p]);
      }
    }
    op.idle = !any_active;
    if (op.idle) continue;  // nothing active feeds it: its watermark holds
    for (int p = 0; p < ports; ++p)
      if (port_idle[p]) port_w[p] = active_min;
    if (ports == 2) advance_operator<2>(*op.op, op.watermarks, port_w);
    else advance_operator<1>(*op.op, op.watermarks, port_w);
  }
}

bool Engine::update_idle() {
  bool changed = false;
  any_idle_ = false;
  for (size_t s = 0; s < streams_.size(); ++s) {
    const bool idle = inputs_.stream_idle(static_cast<int>(s));
    changed |= idle != streams_[s].idle;
    streams_[s].idle = idle;
    any_idle_ |= idle;
  }
  if (!any_idle_)
    for (EngineOperator& op : operators_) op.idle = false;
  return changed;
}

void Engine::prepare() {
  if (!restored_)
    for (EngineOperator& op : operators_) op.watermarks = OperatorWatermarks{};
  single_origin_.clear();
  for (const EngineOperator& op : operators_) {
    const bool single = op.ports.size() == 1 && op.ports[0].size() == 1;
    const WatermarkOrigin* o = single ? &op.ports[0][0] : nullptr;
    single_origin_.push_back(!o ? nullptr : o->is_stream ? &streams_[o->index].watermark : &operators_[o->index].watermarks.out);
  }
}

void Engine::raise_watermark(int stream, int64_t w) {
  EngineStream& s = streams_[static_cast<size_t>(stream)];
  if (w <= s.watermark) return;
  s.watermark = w;
  propagate();
}

void Engine::end_of_input() {
  // Every watermark reaches +inf and every open window fires.
  for (EngineStream& s : streams_) {
    s.watermark = INT64_MAX;
    s.idle = false;
  }
  any_idle_ = false;
  for (EngineOperator& op : operators_) op.idle = false;
  propagate();
}

bool Engine::run() {
  InputMerger& inputs = inputs_;
  inputs = InputMerger();
  for (size_t s = 0; s < streams_.size(); ++s)
    for (RowReader* r : streams_[s].readers) inputs.add(static_cast<int>(s), r, streams_[s].row_size, streams_[s].time_offset);
  inputs.set_idle_timeout(idle_timeout_ns_);
  prepare();

  int stream;
  const uint8_t* row;
  int64_t time;
  auto before_waiting = [&] {
    if (!settle_before_waiting_ || !inputs.may_wait()) return;
    settle();
    if (after_row_) after_row_();
  };
  before_waiting();
  while (inputs.next(&stream, &row, &time)) {
    // --idle-timeout: an input turned idle or active while the merger waited.
    if (idle_timeout_ns_ > 0 && inputs.take_idle_change() && update_idle()) propagate();
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
    if (stop_ && stop_->after_row()) {
      settle();
      return false;
    }
    before_waiting();
  }
  if (stop_ && stop_->now()) {
    settle();
    return false;
  }
  end_of_input();
  return true;
}

void Engine::settle() {
  // In topological order: what one operator emits reaches the next before it settles.
  for (EngineOperator& op : operators_) op.op->settle();
}

void Engine::save_state(StateWriter& w) const {
  w.u64(streams_.size());
  for (const EngineStream& s : streams_) {
    w.i64(s.max_time);
    w.i64(s.watermark);
  }
  w.u64(operators_.size());
  for (const EngineOperator& op : operators_) w.put(op.watermarks);
  for (const EngineOperator& op : operators_) op.op->save_state(w);
}

bool Engine::load_state(StateReader& r) {
  if (r.u64() != streams_.size()) return false;
  for (EngineStream& s : streams_) {
    s.max_time = r.i64();
    s.watermark = r.i64();
  }
  if (r.u64() != operators_.size()) return false;
  for (EngineOperator& op : operators_) r.get(&op.watermarks);
  for (EngineOperator& op : operators_)
    if (!op.op->load_state(r)) return false;
  restored_ = r.ok();
  return r.ok();
}

}  // namespace vlac::rt
