#pragma once
// How large an expression would grow when column references are replaced by the expressions
// they name (merging projections, pushing a filter through a projection or below an aggregate).
// Substituting is not free: a chain of `SELECT x + x AS x` streams doubles the expression at
// each step, and a long chain of `x + 1` makes it as deep as the chain.

#include <algorithm>
#include <vector>

#include "parse/nesting_limit.h"
#include "plan/scalar_expr.h"

namespace vlac {

/// A substituted expression may be at most as deep as a statement may nest, and all of a
/// rewrite's substituted expressions together at most this many nodes.
constexpr size_t kMaxSubstitutedNodes = 4096;

/// The size of an expression tree: its nodes and its depth.
struct ExprShape {
  size_t nodes = 0;
  int depth = 0;
};

/// The shape of `e`, or with `by` the shape it would have with expressions of those shapes
/// substituted for its column references, without building it.
inline ExprShape expr_shape(const ScalarExpr& e, const std::vector<ExprShape>* by = nullptr) {
  if (by && e.op == ExprOp::Column) return (*by)[e.column];
  ExprShape s{1, 1};
  for (const auto& a : e.args) {
    ExprShape c = expr_shape(*a, by);
    s.nodes += c.nodes;
    s.depth = std::max(s.depth, c.depth + 1);
  }
  return s;
}

/// Whether substituting `by` for the column references of every expression in `outer` keeps
/// them within the bounds above.
inline bool substitution_keeps_small(const std::vector<const ScalarExpr*>& outer, const std::vector<ScalarExprPtr>& by) {
  std::vector<ExprShape> shapes;
  for (const auto& e : by) shapes.push_back(expr_shape(*e));
  size_t nodes = 0;
  for (const ScalarExpr* e : outer) {
    ExprShape s = expr_shape(*e, &shapes);
    nodes += s.nodes;
    if (s.depth > kMaxNestingDepth || nodes > kMaxSubstitutedNodes) return false;
  }
  return true;
}

}  // namespace vlac
