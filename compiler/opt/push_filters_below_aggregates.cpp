// push-filters-below-aggregates: a conjunct of a Filter over a WindowAggregate or a
// GroupAggregate (HAVING, or a WHERE over a grouped derived stream) that reads only group-key
// output columns moves below the aggregate, as a filter on the key expressions. A group is
// decided by its key alone, so a group whose key fails is one whose every input row fails:
// never creating it removes exactly the output rows the filter would have removed, and the
// other groups see the same rows in the same order (their first appearance, hence the output
// order, is unchanged). Sessions are per key too, so SESSION windows are no exception.
//
// Never for a conjunct that reads window_start/window_end/window_time or an aggregate, nor for
// a global aggregate (no keys: it emits one row even over empty input), nor when the aggregate
// has another reader. The substituted key expressions are bounded as merge-projections bounds
// its own (expr_shape.h). Watermarks are unchanged (a filter keeps its input's); `--stats` may
// count fewer late rows at the aggregate, and a key capacity (max_keys) is reached later, so a
// program that dropped groups over capacity may drop fewer: the groups that remain are exact.
#include "opt/expr_shape.h"
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

const std::vector<ScalarExprPtr>* keys_of(PlanNode& n) {
  if (n.kind == PlanKind::WindowAggregate) return &static_cast<WindowAggregateNode&>(n).keys;
  if (n.kind == PlanKind::GroupAggregate) return &static_cast<GroupAggregateNode&>(n).keys;
  return nullptr;
}

/// Whether conjunct `c` over the aggregate's output may move below it: it reads only key columns,
/// none of them a float (grouping and a predicate may disagree about 0.0 and -0.0: a group of
/// both holds one key value, the rows below each their own), and substituting stays small.
bool moves_below(const ScalarExpr& c, const std::vector<ScalarExprPtr>& keys) {
  const int key_count = static_cast<int>(keys.size());
  if (!reads_only(c, 0, key_count)) return false;
  bool float_key = false;
  for_each_column(c, [&](int k) { float_key |= keys[k]->type.type.is_float(); });
  return !float_key && substitution_keeps_small({&c}, keys);
}

}  // namespace

int push_filters_below_aggregates(LogicalProgram& program) {
  int pushed = 0;
  auto owners = node_owners(program);
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::Filter || readers[n->inputs[0].get()] != 1) continue;
    auto& filter = static_cast<FilterNode&>(*n);
    PlanNode& aggregate = *filter.inputs[0];
    const std::vector<ScalarExprPtr>* keys = keys_of(aggregate);
    if (!keys || keys->empty()) continue;
    if (!move_conjuncts_below(
            program, readers, filter, aggregate.inputs[0], [&](const ScalarExpr& c) { return moves_below(c, *keys); },
            [&](ScalarExprPtr c) { return substitute_columns(*c, *keys); }))
      continue;
    ++pushed;
  }
  (void)owners;  // keeps a bypassed filter alive while the walk still holds its address
  return pushed;
}

}  // namespace vlac
