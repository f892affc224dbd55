// merge-projections: Project(a) over Project(b) => Project(a with b's expressions substituted),
// so a derived stream read by one query costs no copy of its row; only when nothing else reads
// the inner projection.
#include "opt/passes.h"
#include "opt/plan_walk.h"
#include "opt/expr_shape.h"

namespace vlac {

namespace {

bool merge_keeps_small(const ProjectNode& outer, const ProjectNode& inner) {
  std::vector<const ScalarExpr*> exprs;
  for (const auto& e : outer.exprs) exprs.push_back(e.get());
  return substitution_keeps_small(exprs, inner.exprs);
}

}  // namespace

int merge_projections(LogicalProgram& program) {
  int merged = 0;
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::Project) continue;
    auto& outer = static_cast<ProjectNode&>(*n);
    while (outer.inputs[0]->kind == PlanKind::Project && readers[outer.inputs[0].get()] == 1) {
      auto& inner = static_cast<ProjectNode&>(*outer.inputs[0]);
      if (!merge_keeps_small(outer, inner)) break;
      for (auto& e : outer.exprs) e = substitute_columns(*e, inner.exprs);
      PlanNodePtr below = inner.inputs[0];
      outer.inputs[0] = below;
      ++merged;
    }
  }
  return merged;
}

}  // namespace vlac
