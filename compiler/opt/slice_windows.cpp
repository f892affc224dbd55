// slice-windows: a HOP or CUMULATE aggregate is computed from non-overlapping slices instead
// of one aggregate state per window: slices of gcd(size, slide) for HOP, of the step for
// CUMULATE, aligned like the windows (offsets included). A row then updates one slice, not
// size / slide windows, and a firing merges the window's slices (runtime/ops/window_aggregate.h).
//
// Every aggregate merges (COUNT, SUM, AVG, MIN, MAX, FIRST/LAST_VALUE by event time and
// arrival, STDDEV/VAR by their moments), so every HOP and CUMULATE aggregate is sliced. What
// changes is only how float sums associate: each slice sums its rows in arrival order and the
// slices are then added in time order (docs/decisions.md, "Issue 13: window slicing").
// A CUMULATE whose max size is not a whole number of steps is left as it is.
#include <numeric>

#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {

/// The slice length for a window aggregate's windows, or 0 when slicing would not pay.
int64_t slice_length(const WindowSpec& w) {
  if (w.size <= 0 || w.slide <= 0) return 0;
  if (w.kind == WindowKind::Hop) {
    if (w.size < w.slide) return 0;  // gaps between windows: every row is in at most one
    return std::gcd(w.size, w.slide);
  }
  if (w.kind == WindowKind::Cumulate) return w.size % w.slide == 0 && w.size > w.slide ? w.slide : 0;
  return 0;
}

int slice_windows(LogicalProgram& program) {
  int sliced = 0;
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::WindowAggregate) continue;
    auto& agg = static_cast<WindowAggregateNode&>(*n);
    int64_t slice = slice_length(agg.window);
    if (slice == 0 || agg.window.slice == slice) continue;
    agg.window.slice = slice;
    ++sliced;
  }
  return sliced;
}

}  // namespace vlac
