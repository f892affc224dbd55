#pragma once
// The numbers a runtime operator is configured with (window parameters, byte offsets of event
// times, join bounds, OVER frames, capacities), derived from the physical plan in one place:
// the executor builds runtime objects from them, and the C++ class writer writes them out for
// the hosted and the firmware operators.

#include <cstdint>
#include <optional>
#include <vector>

#include "physical/physical_plan.h"
#include "runtime/ops/over.h"
#include "runtime/ops/over_spec.h"
#include "runtime/ops/window_aggregate.h"
#include "runtime/ops/window_math.h"
// joins
#include "runtime/ops/join_core.h"

namespace vlac {

struct OperatorSettings {
  // Window aggregates and window assignment.
  rt::WindowMode mode = rt::WindowMode::Tumble;
  int64_t size = 0, slide = 0, gap = 0, offset = 0;
  int64_t slice = 0;                 // window aggregate: sliced HOP/CUMULATE (slice-windows)
  int32_t time_offset = -1;          // byte offset of the input's event time; -1: arrival order
  uint32_t window_start_offset = 0;  // window assignment: window_start in output rows (+8 end, +16 time)
  bool global = false;               // no keys, no window: one row even over no input
  // Joins: port 0 is the left input, port 1 the right; offsets are in each side's rows.
  bool left_outer = false;
  int32_t left_time = -1, right_time = -1;
  int64_t lower = 0, upper = 0;  // interval join: right.time - left.time in [lower, upper]
  int64_t hold_back = 0;         // interval join: output watermark = input - hold_back
  int32_t left_window_start = -1, left_window_end = -1, right_window_start = -1, right_window_end = -1;
  // OVER: one per call, in the order of the result row's fields.
  std::vector<rt::OverCallSpec> calls;
  // Capacities a WITH option gave (none: unbounded on hosts, the documented default on firmware).
  std::optional<int64_t> max_keys, max_open_windows, max_buffered_rows;
};

OperatorSettings operator_settings(const PhysicalOperator& op);

/// The runtime configuration of a window aggregate or a window table function: what every
/// backend instantiates it with (the executor directly, the C++ class writer as a literal).
/// Capacities are the WITH options, UINT64_MAX when none; under fixed storage they come from
/// the operator's Dims instead. key_layout points into `op`.
rt::WindowAggregateConfig window_aggregate_config(const PhysicalOperator& op);
rt::WindowAssignConfig window_assign_config(const PhysicalOperator& op);

// ---- joins ----
/// The runtime configuration of an interval, as-of or window join (as window_aggregate_config):
/// layouts point into `op`; capacities are the WITH options, UINT64_MAX when none.
rt::JoinConfig join_config(const PhysicalOperator& op);

/// The runtime configuration of an OVER operator, for every backend. `calls` are
/// operator_settings(op).calls; the configuration points at them (and layouts into `op`) until
/// the operator's init has copied them.
rt::OverConfig over_config(const PhysicalOperator& op, const std::vector<rt::OverCallSpec>& calls);

inline bool is_join(OperatorKind k) {
  return k == OperatorKind::IntervalJoin || k == OperatorKind::AsofJoin || k == OperatorKind::WindowJoin;
}

}  // namespace vlac
