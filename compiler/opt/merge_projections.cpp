// merge-projections: Project(a) over Project(b) => Project(a with b's expressions substituted),
// so a derived stream read by one query costs no copy of its row; only when nothing else reads
// the inner projection.
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {

void merge_projections(LogicalProgram& program) {
  auto readers = reader_counts(program);
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::Project) continue;
    auto& outer = static_cast<ProjectNode&>(*n);
    while (outer.inputs[0]->kind == PlanKind::Project && readers[outer.inputs[0].get()] == 1) {
      auto& inner = static_cast<ProjectNode&>(*outer.inputs[0]);
      for (auto& e : outer.exprs) e = substitute_columns(*e, inner.exprs);
      PlanNodePtr below = inner.inputs[0];
      outer.inputs[0] = below;
    }
  }
}

}  // namespace vlac
