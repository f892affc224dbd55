#pragma once
// The OVER calls the threaded OVER tests run (dealt_aggregate_test, partitioned_over_test):
// `OVER (PARTITION BY k ORDER BY t)` with SUM(v) over ROWS 2 PRECEDING, COUNT(*) over RANGE 5
// PRECEDING (peers), and LAG(v). Arguments: v, a nullable INT64; results: three nullable INT64.

#include <vector>

#include "runtime/ops/over_spec.h"
#include "runtime/row_layout.h"

namespace vlac::test {

inline const rt::RowLayout& over_args_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::Int64, true, 0}});
  return l;
}
inline const rt::RowLayout& over_results_layout() {
  static const rt::RowLayout l = rt::RowLayout::make(
      {{rt::FieldType::Int64, true, 0}, {rt::FieldType::Int64, true, 0}, {rt::FieldType::Int64, true, 0}});
  return l;
}
inline const std::vector<rt::OverCallSpec>& over_calls() {
  static const std::vector<rt::OverCallSpec> calls = [] {
    std::vector<rt::OverCallSpec> c(3);
    c[0].function = rt::OverFunction::Sum;
    c[0].rows = true;
    c[0].unbounded = false;
    c[0].preceding = 2;
    c[1].function = rt::OverFunction::CountStar;
    c[1].unbounded = false;
    c[1].preceding = 5;
    c[2].function = rt::OverFunction::Lag;
    for (size_t i = 0; i < c.size(); ++i) {
      c[i].arg = over_args_layout().fields[0];
      c[i].result = over_results_layout().fields[i];
    }
    return c;
  }();
  return calls;
}

}  // namespace vlac::test
