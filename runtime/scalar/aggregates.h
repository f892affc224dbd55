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

/// AVG of integers sums exactly, in 128 bits kept as two 64-bit words: `low` is the wrapping
/// sum SUM gives, `high` the word above it. A wrapped sum divided would give the mean of two
/// INT64 values near the maximum as -1 (or of six nanosecond timestamps of this century as a
/// negative number). Unsigned arithmetic throughout: wrapping, never undefined.
inline void wide_sum_add(int64_t* high, int64_t* low, int64_t x) {
  const uint64_t lo = static_cast<uint64_t>(*low), sum = lo + static_cast<uint64_t>(x);
  const uint64_t x_high = x < 0 ? ~uint64_t{0} : 0;  // x sign-extended to 128 bits
  *high = static_cast<int64_t>(static_cast<uint64_t>(*high) + x_high + (sum < lo ? 1 : 0));
  *low = static_cast<int64_t>(sum);
}
/// The 128-bit sum less x (a value leaving an OVER frame).
inline void wide_sum_sub(int64_t* high, int64_t* low, int64_t x) {
  const uint64_t lo = static_cast<uint64_t>(*low), ux = static_cast<uint64_t>(x);
  const uint64_t x_high = x < 0 ? ~uint64_t{0} : 0;
  *high = static_cast<int64_t>(static_cast<uint64_t>(*high) - x_high - (lo < ux ? 1 : 0));
  *low = static_cast<int64_t>(lo - ux);
}
/// Adds another 128-bit sum (slices, partial aggregates).
inline void wide_sum_merge(int64_t* high, int64_t* low, int64_t other_high, int64_t other_low) {
  const uint64_t lo = static_cast<uint64_t>(*low), sum = lo + static_cast<uint64_t>(other_low);
  *high = static_cast<int64_t>(static_cast<uint64_t>(*high) + static_cast<uint64_t>(other_high) + (sum < lo ? 1 : 0));
  *low = static_cast<int64_t>(sum);
}
/// The mean of a 128-bit sum: exact and rounded once while the sum fits INT64, as before.
inline double wide_average(int64_t high, int64_t low, int64_t n, bool* null) {
  *null = n == 0;
  const double count = static_cast<double>(n == 0 ? 1 : n);
  if (high == (low < 0 ? -1 : 0)) return static_cast<double>(low) / count;
  return (static_cast<double>(high) * 18446744073709551616.0 + static_cast<double>(static_cast<uint64_t>(low))) / count;
}

}  // namespace vlac::rt
