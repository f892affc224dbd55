// merge-filters: Filter(a) over Filter(b) => Filter(b AND a), so one pass over the rows tests
// both; only when nothing else reads the inner filter.
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {

int merge_filters(LogicalProgram& program) {
  int merged = 0;
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::Filter) continue;
    auto& outer = static_cast<FilterNode&>(*n);
    while (outer.inputs[0]->kind == PlanKind::Filter && readers[outer.inputs[0].get()] == 1) {
      auto& inner = static_cast<FilterNode&>(*outer.inputs[0]);
      bool nullable = inner.predicate->type.nullable || outer.predicate->type.nullable;
      std::vector<ScalarExprPtr> both;
      both.push_back(std::move(inner.predicate));
      both.push_back(std::move(outer.predicate));
      outer.predicate = ScalarExpr::make(ExprOp::And, {Type::boolean(), nullable}, std::move(both), outer.range);
      PlanNodePtr below = inner.inputs[0];
      outer.inputs[0] = below;
      ++merged;
    }
  }
  return merged;
}

}  // namespace vlac
