// push-filters-below-windows: the conjuncts of a Filter over a WindowAssign that read no window
// column move below it, so rows are filtered once before HOP and CUMULATE copy them into several
// windows: a row that fails such a conjunct fails it in every copy. The window's input columns
// keep their positions, so the predicate needs no rewriting. Only when nothing else reads the
// window; conjuncts on window_start/window_end/window_time stay above it.
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {

int push_filters_below_windows(LogicalProgram& program) {
  int pushed = 0;
  auto owners = node_owners(program);
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::Filter || n->inputs[0]->kind != PlanKind::WindowAssign || readers[n->inputs[0].get()] != 1)
      continue;
    auto& filter = static_cast<FilterNode&>(*n);
    PlanNode& window = *filter.inputs[0];
    const int input_columns = window.inputs[0]->schema.size();
    if (!move_conjuncts_below(
            program, readers, filter, window.inputs[0], [&](const ScalarExpr& c) { return reads_only(c, 0, input_columns); },
            [](ScalarExprPtr c) { return c; }))
      continue;
    ++pushed;
  }
  (void)owners;  // keeps a bypassed filter alive while the walk still holds its address
  return pushed;
}

}  // namespace vlac
