#pragma once
// The one variance algorithm (issue 12): STDDEV_*/VAR_* keep the count, and the mean and M2 of
// the values minus a pivot, a finite value near them (variance does not depend on it). Near the
// pivot the deviations are small and exact, so 1e9 + 0.1, + 0.2, + 0.3 lose nothing to the
// magnitude 1e9, as a running mean near 1e9 would. Used by the C++ backend's window and GROUP BY
// accumulators (codegen/cpp/kernel_writer.cpp), by the JIT's, which link these functions as LLVM
// bitcode (codegen/jit/inline/value_rules.cpp), and by OVER frames (runtime/ops/over_frame.h).
// Header-only, firmware-clean (<cmath>, <cstdint>).

#include <cmath>
#include <cstdint>

#include "runtime/scalar/wrapping.h"

namespace vlac::rt {

/// A variance accumulator: n values, their mean and M2 taken from `pivot`.
struct VarianceMoments {
  int64_t n;
  double pivot, mean, m2;
};

/// Whether x becomes the pivot: it is the first finite value. Before it the pivot is 0 and the
/// accumulator holds nothing, or only infinities and NaNs, whose mean is not finite (and stays
/// so, as does the NaN M2 they leave: their variance is NaN whatever the pivot; a finite value
/// there may re-take the pivot, which changes nothing).
inline bool variance_takes_pivot(int64_t n, double mean, double x) { return std::isfinite(x) & ((n == 0) | !std::isfinite(mean)); }

/// Welford's update by one value, on x - pivot. An infinite or NaN value leaves M2 NaN. For a
/// finite x a NaN increment is inf - inf: x - pivot overflowed ([DBL_MAX, -DBL_MAX]), and the
/// sum of squares is +Infinity.
inline VarianceMoments variance_add(VarianceMoments a, double x) {
  const double pivot = variance_takes_pivot(a.n, a.mean, x) ? x : a.pivot;
  const int64_t n = wrap_add<int64_t>(a.n, 1);
  const double d = x - pivot;
  const double delta = d - a.mean;
  const double mean = a.mean + delta / static_cast<double>(n);
  const double increment = delta * (d - mean);
  return VarianceMoments{n, pivot, mean, a.m2 + (std::isnan(increment) && std::isfinite(x) ? INFINITY : increment)};
}

/// Mean and M2 of two non-empty parts together (Chan et al.): a's mean is taken from pivot pa,
/// b's from pb, the result from pa. The pivots' difference is added to the small means' one, so
/// values near their pivots lose nothing to the pivots' magnitude.
struct MeanM2 {
  double mean, m2;
};
inline MeanM2 variance_combine(int64_t na, double mean_a, double m2_a, double pa, int64_t nb, double mean_b, double m2_b, double pb) {
  const double dn = static_cast<double>(wrap_add<int64_t>(na, nb)), dna = static_cast<double>(na), dnb = static_cast<double>(nb);
  const double delta = (pb - pa) + (mean_b - mean_a);
  return MeanM2{mean_a + delta * dnb / dn, (m2_a + m2_b) + delta * delta * (dna * dnb) / dn};
}

/// Two accumulators together, taken from a's pivot (b's pivot and values when a is empty).
inline VarianceMoments variance_merge(VarianceMoments a, VarianceMoments b) {
  if (b.n == 0) return a;
  if (a.n == 0) return b;
  const MeanM2 r = variance_combine(a.n, a.mean, a.m2, a.pivot, b.n, b.mean, b.m2, b.pivot);
  return VarianceMoments{wrap_add<int64_t>(a.n, b.n), a.pivot, r.mean, r.m2};
}

/// M2 / divisor (n, or n - 1 for a sample; 1 when not positive, where the result is NULL).
/// |M2|: Welford's increments are never negative, so a negative M2 is an overflow to -Infinity
/// (delta = -inf times d - mean = +inf); the sum of squares is +Infinity.
inline double variance_of(double m2, int64_t divisor) { return std::fabs(m2) / static_cast<double>(divisor <= 0 ? 1 : divisor); }

/// VAR_POP (n values), VAR_SAMP (n - 1), STDDEV_POP, STDDEV_SAMP (their square roots) of an
/// accumulator; NULL (*null) when the divisor is not positive.
inline double variance_finalize(int64_t n, double m2, bool sample, bool stddev, bool* null) {
  const int64_t divisor = sample ? wrap_sub<int64_t>(n, 1) : n;
  *null = divisor <= 0;
  const double v = variance_of(m2, divisor);
  return stddev ? std::sqrt(v) : v;
}

}  // namespace vlac::rt
