#pragma once
// The optimizer: an ordered list of logical rewrites, each its own file. Every pass runs through
// one harness that can disable it by name and verifies the plan after it
// (`vlac explain --disable-pass=NAME` helps bisect a wrong rewrite).

#include <set>
#include <string>
#include <vector>

#include "plan/logical_plan.h"

namespace vlac {

struct OptimizerOptions {
  std::set<std::string> disabled;  // pass names
};

/// The pass names, in the order they run.
std::vector<std::string> optimizer_pass_names();

/// Rewrites the program in place.
void optimize(LogicalProgram& program, const OptimizerOptions& options);

/// Checks the plan's internal invariants (column indices in range, operand types); aborts with
/// a message naming the pass when one is broken, since that is a compiler bug, not a user error.
void verify_plan(const LogicalProgram& program, const std::string& after);

}  // namespace vlac
