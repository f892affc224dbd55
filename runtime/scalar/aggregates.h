#pragma once
// Accumulator rules of the aggregates other than variance (runtime/scalar/variance.h), for both
// code generators: the C++ backend's kernels call these functions, the JIT links them as LLVM
// bitcode (codegen/jit/inline/value_rules.cpp). COUNT and SUM are a wrapping (integers) or IEEE
// (floats) addition, and MIN/MAX keep the value that less_ranked / greater_ranked prefer
// (runtime/scalar/arithmetic.h). Header-only, firmware-clean.

#include <cstdint>

namespace vlac::rt {

/// FIRST_VALUE / LAST_VALUE by event time, ties by arrival: whether the value at (time, seq)
/// replaces the one kept at (kept_time, kept_seq). Updates and merges use the same rule; an
/// update's seq is later than every kept one, so there a tie in time goes to LAST_VALUE.
inline bool first_value_replaces(int64_t time, int64_t seq, int64_t kept_time, int64_t kept_seq) {
  return time < kept_time || (time == kept_time && seq < kept_seq);
}
inline bool last_value_replaces(int64_t time, int64_t seq, int64_t kept_time, int64_t kept_seq) {
  return time > kept_time || (time == kept_time && seq > kept_seq);
}

/// AVG: the sum over the count, NULL (*null) for no values.
inline double average(double sum, int64_t n, bool* null) {
  *null = n == 0;
  return sum / static_cast<double>(n == 0 ? 1 : n);
}

}  // namespace vlac::rt
