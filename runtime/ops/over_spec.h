#pragma once
// What one OVER call computes (LANGUAGE.md §4): the function, its frame and where its argument
// and result live. Plain data, firmware-clean and constexpr-friendly (the generator sizes frames from it).

#include <cstdint>

#include "runtime/row_layout.h"

namespace vlac::rt {

enum class OverFunction { Count, CountStar, Sum, Avg, Min, Max, First, Last, VarPop, VarSamp, StddevPop, StddevSamp, Lag };

struct OverCallSpec {
  OverFunction function = OverFunction::Count;
  bool rows = false;       // ROWS frame (else RANGE)
  bool unbounded = true;   // UNBOUNDED PRECEDING
  int64_t preceding = 0;   // rows or nanoseconds
  int64_t lag = 1;
  Field arg{};             // in the argument row (unused for COUNT(*))
  Field result{};          // in the result row
};

}  // namespace vlac::rt
