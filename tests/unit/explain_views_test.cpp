// What `vlac explain` shows beyond the plan (issue 13): each pass's rewrites and time
// (--verbose) and the dataflow for Graphviz (--format dot). Expectations written by hand.
#include <gtest/gtest.h>

#include "frontend/frontend.h"
#include "opt/optimizer.h"

namespace vlac {
namespace {

TEST(PassTimes, OneLinePerPassWithRewritesAndTime) {
  OptimizerReport r;
  r.passes = {{"fold-constants", true, 0, 1.25}, {"merge-filters", true, 1, 2.0}, {"merge-projections", false, 0, 0},
              {"push-it", true, 12, 10.5}};
  // Names padded to the longest ("merge-projections", 17), the rewrites in 12 columns, the time
  // right-aligned in 10 (one decimal; 1.25 rounds to even), total of the passes that ran.
  EXPECT_EQ(pass_times_text(r, true),
            "passes:\n"
            "  fold-constants     0 rewrites       1.2 us\n"
            "  merge-filters      1 rewrite        2.0 us\n"
            "  merge-projections  disabled\n"
            "  push-it            12 rewrites     10.5 us\n"
            "  total                              13.8 us\n");
  EXPECT_EQ(pass_times_text(r, false), "passes: none ran (--no-optimize)\n");
}

}  // namespace
}  // namespace vlac
