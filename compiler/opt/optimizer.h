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

/// What one pass did: `vlac explain` names the passes that fired, `--verbose` adds their times.
struct PassRun {
  std::string name;
  bool ran = false;   // false: disabled by name
  int rewrites = 0;   // how many rewrites it made (0: it did not fire)
  double micros = 0;  // wall time
};
struct OptimizerReport {
  std::vector<PassRun> passes;  // every pass, in the order they run
};

/// One line naming the passes that fired and how often, for `vlac explain`:
/// "rules fired: merge-projections (2), slice-windows (1)", "rules fired: none", or, for a
/// program compiled without the optimizer, "rules fired: none (not optimised)".
std::string fired_rules_text(const OptimizerReport& report, bool optimised);

/// `vlac explain --verbose`: one line per pass, in the order they ran, with its rewrites and
/// wall time, e.g. "  merge-filters                  1 rewrite     3.2 us", or "disabled";
/// for a program compiled without the optimizer, one line saying so.
std::string pass_times_text(const OptimizerReport& report, bool optimised);

/// The pass names, in the order they run.
std::vector<std::string> optimizer_pass_names();

/// Rewrites the program in place.
OptimizerReport optimize(LogicalProgram& program, const OptimizerOptions& options);

/// Checks the plan's internal invariants (column indices in range, operand types); aborts with
/// a message naming the pass when one is broken, since that is a compiler bug, not a user error.
void verify_plan(const LogicalProgram& program, const std::string& after);

}  // namespace vlac
