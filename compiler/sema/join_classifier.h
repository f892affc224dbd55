#pragma once
// Decides what kind of join a JOIN is (LANGUAGE.md §6) from its condition, and builds its node:
//   interval join: key equalities and bounds on right.time - left.time on both sides;
//   as-of join:    ASOF JOIN with key equalities and exactly `left.time >= right.time`;
//   window join:   two windows of the same kind and size, equal on window_start and window_end.
// A join that is none of them is an error that says what is missing.

#include "ast/ast.h"
#include "plan/logical_plan.h"
#include "sema/scope.h"

namespace vlac {

/// Where the window columns of a windowed join input are, when it is one.
struct JoinSide {
  PlanNodePtr plan;
  bool windowed = false;
  WindowSpec window;
  int window_start = -1, window_end = -1;  // in the side's own columns
};

/// `condition` is bound over `scope`, whose first `left.plan->schema.size()` columns are the
/// left side's. Returns null after reporting an error.
PlanNodePtr classify_join(const ast::Join& join, ScalarExprPtr condition, const JoinSide& left,
                          const JoinSide& right, const Scope& scope, Diagnostics& diags);

}  // namespace vlac
