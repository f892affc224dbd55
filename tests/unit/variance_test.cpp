// The one variance algorithm (runtime/scalar/variance.h, issue 12), on values whose exact
// moments are worked out by hand. Near 2^52 the spacing of doubles is 1, so a running mean
// 2^52 + 1/2 or + 2/3 rounds: plain Welford gave M2 = 3 for 2^52, 2^52 + 1, 2^52 + 2 (true 2);
// taken from the pivot 2^52 the deviations 0, 1, 2 are exact.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "runtime/scalar/variance.h"

namespace vlac::rt {
namespace {

constexpr double kTwo52 = 4503599627370496.0;  // 2^52
constexpr double kInf = std::numeric_limits<double>::infinity();

VarianceMoments of(std::initializer_list<double> xs) {
  VarianceMoments m{};
  for (double x : xs) m = variance_add(m, x);
  return m;
}

TEST(Variance, WelfordRelativeToThePivotIsExactNear2To52) {
  // d = 0, 1, 2: mean 0 -> 1/2 -> 1; M2 0 -> 1 * (1 - 1/2) = 1/2 -> 1/2 + 3/2 * (2 - 1) = 2.
  const VarianceMoments m = of({kTwo52, kTwo52 + 1, kTwo52 + 2});
  EXPECT_EQ(m.n, 3);
  EXPECT_EQ(m.pivot, kTwo52);
  EXPECT_EQ(m.mean, 1.0);
  EXPECT_EQ(m.m2, 2.0);
  EXPECT_EQ(variance_of(m.m2, 3), 2.0 / 3.0);
}

TEST(Variance, MergeAddsThePivotsDifferenceToTheMeansOne) {
  // a = {0, 1} from 2^52 and b = {0, 1} from 2^52 + 2: mean 1/2 and M2 1/2 each; delta = 2 + 0,
  // mean = 1/2 + 2 * 2 / 4 = 3/2, M2 = 1/2 + 1/2 + 4 * 4 / 4 = 5 (values 0..3: 9/4 + 1/4 + 1/4 + 9/4).
  const VarianceMoments m = variance_merge(of({kTwo52, kTwo52 + 1}), of({kTwo52 + 2, kTwo52 + 3}));
  EXPECT_EQ(m.n, 4);
  EXPECT_EQ(m.pivot, kTwo52);
  EXPECT_EQ(m.mean, 1.5);
  EXPECT_EQ(m.m2, 5.0);
}

TEST(Variance, MergeWithAnEmptySideTakesTheOther) {
  const VarianceMoments b = of({kTwo52 + 2, kTwo52 + 3});
  const VarianceMoments m = variance_merge(VarianceMoments{}, b);
  EXPECT_EQ(m.n, 2);
  EXPECT_EQ(m.pivot, b.pivot);
  EXPECT_EQ(m.mean, b.mean);
  EXPECT_EQ(m.m2, b.m2);
  const VarianceMoments same = variance_merge(b, VarianceMoments{});
  EXPECT_EQ(same.pivot, b.pivot);
  EXPECT_EQ(same.m2, b.m2);
}

TEST(Variance, ThePivotIsTheFirstFiniteValueAndNonFiniteValuesLeaveNaN) {
  EXPECT_EQ(of({1, 2, 3}).pivot, 1.0);
  EXPECT_TRUE(std::isnan(of({1, kInf, 2}).m2));
  EXPECT_TRUE(std::isnan(of({1, std::nan(""), 2}).m2));
  const VarianceMoments first_inf = of({kInf, 1, 2});  // pivot 0, then a finite one
  EXPECT_EQ(first_inf.n, 3);
  EXPECT_TRUE(std::isfinite(first_inf.pivot));
  EXPECT_TRUE(std::isnan(first_inf.m2));
}

TEST(Variance, AnOverflowingDeviationIsAnInfiniteSumOfSquares) {
  // DBL_MAX - (-DBL_MAX) overflows: the true variance of [DBL_MAX, -DBL_MAX] is +Infinity
  // (difftest regression variance_overflow_is_positive), not NaN (inf - inf) or negative.
  constexpr double kMax = std::numeric_limits<double>::max();
  EXPECT_EQ(variance_of(of({kMax, -kMax}).m2, 2), kInf);
  EXPECT_EQ(variance_of(of({kMax, -kMax, 1}).m2, 3), kInf);
}

TEST(Variance, FinalizeTakesTheMagnitudeAndNeverDividesByZero) {
  EXPECT_EQ(variance_of(-kInf, 2), kInf);  // only an overflow makes M2 negative
  EXPECT_EQ(variance_of(3.0, 0), 3.0);     // divisor 0: the result is NULL, the value unused
}

}  // namespace
}  // namespace vlac::rt
