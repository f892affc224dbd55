#include "physical/operator_settings.h"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace vlac {
namespace {

rt::WindowMode mode_of(const PhysicalOperator& op) {
  if (!op.windowed) return rt::WindowMode::EndOfInput;
  switch (op.window.kind) {
    case WindowKind::Tumble: return rt::WindowMode::Tumble;
    case WindowKind::Hop: return rt::WindowMode::Hop;
    case WindowKind::Cumulate: return rt::WindowMode::Cumulate;
    case WindowKind::Session: return rt::WindowMode::Session;
  }
  return rt::WindowMode::Tumble;
}

rt::OverFunction over_function(AggregateFunction f) {
  switch (f) {
    case AggregateFunction::CountStar: return rt::OverFunction::CountStar;
    case AggregateFunction::Count: return rt::OverFunction::Count;
    case AggregateFunction::Sum: return rt::OverFunction::Sum;
    case AggregateFunction::Avg: return rt::OverFunction::Avg;
    case AggregateFunction::Min: return rt::OverFunction::Min;
    case AggregateFunction::Max: return rt::OverFunction::Max;
    case AggregateFunction::FirstValue: return rt::OverFunction::First;
    case AggregateFunction::LastValue: return rt::OverFunction::Last;
    case AggregateFunction::VarPop: return rt::OverFunction::VarPop;
    case AggregateFunction::VarSamp: return rt::OverFunction::VarSamp;
    case AggregateFunction::StddevPop: return rt::OverFunction::StddevPop;
    case AggregateFunction::StddevSamp: return rt::OverFunction::StddevSamp;
    case AggregateFunction::Lag: return rt::OverFunction::Lag;
  }
  return rt::OverFunction::Count;
}

}  // namespace

OperatorSettings operator_settings(const PhysicalOperator& op) {
  OperatorSettings s;
  s.mode = mode_of(op);
  s.size = op.window.size;
  s.slide = op.window.slide;
  s.gap = op.window.gap;
  s.offset = op.window.offset;
  if (op.kind == OperatorKind::WindowAggregate) s.slice = op.window.slice;
  s.global = op.global;
  s.max_keys = op.capacities.max_keys;
  s.max_open_windows = op.capacities.max_open_windows;
  s.max_buffered_rows = op.capacities.max_buffered_rows;
  if (op.time_field >= 0) s.time_offset = static_cast<int32_t>(op.input_layout.fields[op.time_field].offset);
  if (op.kind == OperatorKind::WindowAssign)
    s.window_start_offset = op.output_layout.fields[op.output_layout.fields.size() - 3].offset;

  if (is_join(op.kind)) {
    const JoinParams& j = op.join;
    auto offset = [&](int port, int field) { return static_cast<int32_t>(op.port_layouts[port].fields[field].offset); };
    s.left_outer = j.type == JoinType::Left;
    s.hold_back = op.hold_back_ns;
    if (op.kind == OperatorKind::IntervalJoin || op.kind == OperatorKind::AsofJoin) {
      s.left_time = offset(0, j.left_time);
      s.right_time = offset(1, j.right_time);
    }
    if (op.kind == OperatorKind::IntervalJoin) {
      s.lower = j.lower_ns;
      s.upper = j.upper_ns;
    }
    if (op.kind == OperatorKind::WindowJoin) {
      s.left_window_start = offset(0, j.left_window_start);
      s.left_window_end = offset(0, j.left_window_end);
      s.right_window_start = offset(1, j.right_window_start);
      s.right_window_end = offset(1, j.right_window_end);
    }
  }

  for (size_t c = 0; c < op.over_calls.size(); ++c) {
    const OverCall& call = op.over_calls[c];
    rt::OverCallSpec spec;
    spec.function = over_function(call.function);
    spec.rows = call.unit == FrameUnit::Rows;
    spec.unbounded = call.unbounded;
    spec.preceding = call.preceding;
    spec.lag = call.lag_offset;
    spec.arg = op.args_layout.fields[c];
    spec.result = op.results_layout.fields[c];
    s.calls.push_back(spec);
  }
  return s;
}

namespace {
uint64_t limit(const std::optional<int64_t>& capacity) { return capacity ? static_cast<uint64_t>(*capacity) : UINT64_MAX; }
}  // namespace

rt::WindowAggregateConfig window_aggregate_config(const PhysicalOperator& op) {
  const OperatorSettings s = operator_settings(op);
  rt::WindowAggregateConfig c;
  c.mode = s.mode;
  c.size = s.size;
  c.slide = s.slide;
  c.gap = s.gap;
  c.offset = s.offset;
  c.slice = s.slice;
  c.time_offset = s.time_offset;
  c.global = s.global;
  c.key_size = op.key_layout.size;
  c.acc_size = op.acc_layout.size;
  c.out_size = op.output_layout.size;
  c.key_layout = &op.key_layout;
  c.acc_layout = &op.acc_layout;
  c.max_keys = limit(s.max_keys);
  c.max_open_windows = limit(s.max_open_windows);
  return c;
}

rt::WindowAssignConfig window_assign_config(const PhysicalOperator& op) {
  const OperatorSettings s = operator_settings(op);
  rt::WindowAssignConfig c;
  c.mode = s.mode;
  c.size = s.size;
  c.slide = s.slide;
  c.offset = s.offset;
  c.time_offset = s.time_offset;
  c.in_size = op.input_layout.size;
  c.out_size = op.output_layout.size;
  c.window_start_offset = s.window_start_offset;
  return c;
}

// ---- joins ----

namespace {

/// Test hook VLAC_TEST_JOIN_SCANS: when an interval join keys its sides (JoinConfig::scan_ratio):
/// `keyed` from the start, `early` after the first scan, `never`. The rows are the same each way;
/// the tests' inputs are too small for the default to key a side, so they choose.
void set_join_scans_for_tests(rt::JoinConfig* c) {
  const char* v = std::getenv("VLAC_TEST_JOIN_SCANS");
  if (!v) return;
  const std::string how = v;
  if (how == "keyed") {
    c->scan_ratio = 0;
  } else if (how == "early") {
    c->scan_ratio = 1;
    c->scan_grace = 0;
  } else if (how == "never") {
    c->scan_ratio = c->scan_grace = UINT32_MAX;
  }
}

}  // namespace

rt::JoinConfig join_config(const PhysicalOperator& op) {
  const OperatorSettings s = operator_settings(op);
  rt::JoinConfig c;
  c.left_time = s.left_time;
  c.right_time = s.right_time;
  c.left_outer = s.left_outer;
  c.lower = s.lower;
  c.upper = s.upper;
  c.hold_back = s.hold_back;
  c.left_window_start = s.left_window_start;
  c.left_window_end = s.left_window_end;
  c.right_window_start = s.right_window_start;
  c.right_window_end = s.right_window_end;
  c.key_size = op.key_layout.size;
  c.out_size = op.output_layout.size;
  c.key_null_bytes = op.key_layout.null_bytes;
  c.left_layout = &op.port_layouts[0];
  c.right_layout = &op.port_layouts[1];
  c.key_layout = &op.key_layout;
  c.max_keys = limit(s.max_keys);
  c.max_buffered_rows = limit(s.max_buffered_rows);
  set_join_scans_for_tests(&c);
  return c;
}

rt::OverConfig over_config(const PhysicalOperator& op, const std::vector<rt::OverCallSpec>& calls) {
  const OperatorSettings s = operator_settings(op);
  rt::OverConfig c;
  c.time_offset = s.time_offset;
  c.in_size = op.input_layout.size;
  c.key_size = op.key_layout.size;
  c.args_size = op.args_layout.size;
  c.results_size = op.results_layout.size;
  c.out_size = op.output_layout.size;
  c.input_layout = &op.input_layout;
  c.key_layout = &op.key_layout;
  c.calls = calls.data();
  c.num_calls = static_cast<uint32_t>(calls.size());
  c.max_keys = limit(s.max_keys);
  c.max_buffered_rows = limit(s.max_buffered_rows);
  return c;
}

}  // namespace vlac
