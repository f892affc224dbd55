// push-filters-below-windows: Filter over WindowAssign => WindowAssign over Filter when the
// predicate reads no window column. The window's input columns keep their positions, so the
// predicate needs no rewriting.
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {

int push_filters_below_windows(LogicalProgram& program) {
  int pushed = 0;
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    for (auto& input : n->inputs) {
      if (input->kind != PlanKind::Filter || readers[input.get()] != 1) continue;
      auto& filter = static_cast<FilterNode&>(*input);
      PlanNodePtr window = filter.inputs[0];
      if (window->kind != PlanKind::WindowAssign || readers[window.get()] != 1) continue;
      int input_columns = window->inputs[0]->schema.size();
      bool reads_window = false;
      for_each_column(*filter.predicate, [&](int c) { reads_window |= c >= input_columns; });
      if (reads_window) continue;
      // Rewire: n -> window -> filter -> window's input.
      PlanNodePtr filter_node = input;
      filter.inputs[0] = window->inputs[0];
      filter.schema = window->inputs[0]->schema;
      window->inputs[0] = filter_node;
      input = window;
      ++pushed;
    }
  }
  return pushed;
}

}  // namespace vlac
