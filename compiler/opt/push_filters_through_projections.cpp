// push-filters-through-projections: Filter over Project => Project over Filter, the predicate's
// column references replaced by the projection's expressions. Rows are dropped before they are
// copied, and the filter comes to meet what lies below the projection (a join, an aggregate, a
// window, another filter), where the other push-down passes take it further.
//
// Only when the projection has no other reader (it would lose rows another query sees) and the
// substituted predicate stays small: within expr_shape.h's bounds, and at most
// kMaxPredicateGrowth nodes larger than as written (a filter stops at the projection where it
// would grow more). The projection keeps its expressions and
// schema, so its readers see the same columns, hidden columns and time attributes as before; the
// filter takes its new input's schema. Both keep their input's watermark, so watermarks do not
// change. A projected expression may then be computed twice (in the filter and the projection);
// share-subexpressions does not reach across nodes, as in Flink, which pushes the same way.
#include "opt/expr_shape.h"
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

/// How many nodes a filter's predicate may gain, all pushes together, by taking the projected
/// expressions in. Each gained node is computed twice per row (in the filter and in the
/// projection), and a chain of derived streams (`SELECT x + 1 AS x ... WHERE x > 0`, 500 deep)
/// would otherwise give each filter the whole chain's expression: quadratic code.
constexpr size_t kMaxPredicateGrowth = 32;

size_t substituted_nodes(const ScalarExpr& predicate, const std::vector<ScalarExprPtr>& by) {
  std::vector<ExprShape> shapes;
  for (const auto& e : by) shapes.push_back(expr_shape(*e));
  return expr_shape(predicate, &shapes).nodes;
}

}  // namespace

int push_filters_through_projections(LogicalProgram& program) {
  int pushed = 0;
  auto owners = node_owners(program);
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::Filter) continue;
    auto& filter = static_cast<FilterNode&>(*n);
    // The counts stay right for the rest of the walk: the projection takes over the filter's
    // readers, the filter is read by the projection alone, and what the projection read is now
    // read by the filter instead.
    const size_t written_nodes = expr_shape(*filter.predicate).nodes;
    PlanNode* above = nullptr;  // after a first push, the filter's only reader: the projection it crossed
    while (filter.inputs[0]->kind == PlanKind::Project && readers[filter.inputs[0].get()] == 1) {
      PlanNodePtr project_node = filter.inputs[0];
      auto& project = static_cast<ProjectNode&>(*project_node);
      if (!substitution_keeps_small({filter.predicate.get()}, project.exprs) ||
          substituted_nodes(*filter.predicate, project.exprs) > written_nodes + kMaxPredicateGrowth)
        break;
      filter.predicate = substitute_columns(*filter.predicate, project.exprs);
      // Rewiring every reader walks the program; after the first push there is one, known.
      if (above) above->inputs[0] = project_node;
      else replace_readers(program, &filter, project_node);
      filter.inputs[0] = project.inputs[0];
      filter.schema = project.inputs[0]->schema;
      project.inputs[0] = owners.at(&filter);
      readers[project_node.get()] = readers[&filter];
      readers[&filter] = 1;
      above = &project;
      ++pushed;
    }
  }
  return pushed;
}

}  // namespace vlac
