// merge-projections: Project(a) over Project(b) => Project(a with b's expressions substituted),
// so a derived stream read by one query costs no copy of its row; only when nothing else reads
// the inner projection.
#include "opt/passes.h"
#include "opt/plan_walk.h"
#include "parse/nesting_limit.h"

#include <algorithm>

namespace vlac {

namespace {

/// The size of an expression tree: its nodes and its depth.
struct Shape {
  size_t nodes = 0;
  int depth = 0;
};

/// The shape of `e`, or with `inner` the shape it would have with the inner projection's
/// expressions (of those shapes) substituted for its column references, without building it.
Shape shape(const ScalarExpr& e, const std::vector<Shape>* inner = nullptr) {
  if (inner && e.op == ExprOp::Column) return (*inner)[e.column];
  Shape s{1, 1};
  for (const auto& a : e.args) {
    Shape c = shape(*a, inner);
    s.nodes += c.nodes;
    s.depth = std::max(s.depth, c.depth + 1);
  }
  return s;
}

/// Substituting is not free: a chain of `SELECT x + x AS x` streams doubles the expression at
/// each step, and a long chain of `x + 1` makes it as deep as the chain. Merging stops where
/// the result would be deeper than a statement may nest or larger than this many nodes.
constexpr size_t kMaxMergedNodes = 4096;

bool merge_keeps_small(const ProjectNode& outer, const ProjectNode& inner) {
  std::vector<Shape> shapes;
  for (const auto& e : inner.exprs) shapes.push_back(shape(*e));
  size_t nodes = 0;
  for (const auto& e : outer.exprs) {
    Shape s = shape(*e, &shapes);
    nodes += s.nodes;
    if (s.depth > kMaxNestingDepth || nodes > kMaxMergedNodes) return false;
  }
  return true;
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
