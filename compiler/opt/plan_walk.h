#pragma once
// Walks over a logical program's DAG, for the optimizer's passes.

#include <functional>
#include <map>
#include <set>

#include "plan/logical_plan.h"

namespace vlac {

/// Every node once, inputs before the nodes that read them.
inline std::vector<PlanNode*> nodes_bottom_up(const LogicalProgram& p) {
  std::vector<PlanNode*> order;
  std::set<const PlanNode*> seen;
  std::function<void(PlanNode*)> visit = [&](PlanNode* n) {
    if (!seen.insert(n).second) return;
    for (auto& in : n->inputs) visit(in.get());
    order.push_back(n);
  };
  for (const ProgramOutput& o : p.outputs) visit(o.plan.get());
  return order;
}

/// How many nodes and outputs read each node: a node read twice must not be rewritten for one
/// of its readers alone.
inline std::map<const PlanNode*, int> reader_counts(const LogicalProgram& p) {
  std::map<const PlanNode*, int> counts;
  for (PlanNode* n : nodes_bottom_up(p))
    for (auto& in : n->inputs) ++counts[in.get()];
  for (const ProgramOutput& o : p.outputs) ++counts[o.plan.get()];
  return counts;
}

/// Replaces column references by the expressions they name (for merging projections).
inline ScalarExprPtr substitute_columns(const ScalarExpr& e, const std::vector<ScalarExprPtr>& by) {
  if (e.op == ExprOp::Column) {
    ScalarExprPtr out = by[e.column]->clone();
    out->range = e.range;
    return out;
  }
  ScalarExprPtr out = e.clone();
  for (size_t i = 0; i < e.args.size(); ++i) out->args[i] = substitute_columns(*e.args[i], by);
  return out;
}

/// Calls f on every scalar expression a node holds.
void for_each_expr(PlanNode& n, const std::function<void(ScalarExprPtr&)>& f);

}  // namespace vlac
