// remove-identity-projections: a projection that passes every input column through unchanged
// (`SELECT *`, or a derived stream that only renames nothing) is bypassed, so that the
// operators around it can meet (merge-filters, merge-projections). Output roots stay: every
// output is read through its own projection.
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

bool is_identity(const PlanNode& n) {
  if (n.kind != PlanKind::Project) return false;
  const auto& p = static_cast<const ProjectNode&>(n);
  const Schema& in = p.inputs[0]->schema;
  if (p.schema.size() != in.size()) return false;
  for (int i = 0; i < in.size(); ++i) {
    const Column &a = p.schema.columns[i], &b = in.columns[i];
    if (p.exprs[i]->op != ExprOp::Column || p.exprs[i]->column != i || a.name != b.name || !(a.type == b.type) ||
        a.hidden != b.hidden || a.resolvable != b.resolvable || a.time_attribute != b.time_attribute)
      return false;
  }
  return true;
}

}  // namespace

int remove_identity_projections(LogicalProgram& program) {
  int removed = 0;
  for (PlanNode* n : nodes_bottom_up(program))
    for (auto& in : n->inputs)
      while (is_identity(*in)) {
        in = in->inputs[0];
        ++removed;
      }
  return removed;
}

}  // namespace vlac
