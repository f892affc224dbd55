// The value rules of runtime/scalar/ (issue 12): one definition that the C++ backend calls and
// the JIT links as bitcode and inlines. The rules on values worked out by hand, then that the
// JIT's optimised code keeps no call to (nor body of) a linked rule: all are inlined.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include <llvm/Support/raw_ostream.h>

#include "codegen/jit/jit_engine.h"
#include "codegen/jit/program_codegen.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "runtime/scalar/aggregates.h"
#include "runtime/scalar/arithmetic.h"
#include "runtime/scalar/math_functions.h"
#include "runtime/scalar/variance.h"

namespace vlac {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ValueRules, CheckedDivisionWrapsAndIsNullByZero) {
  bool null = false;
  EXPECT_EQ(rt::checked_div<int32_t>(-7, 2, &null), -3);  // toward zero
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::checked_mod<int32_t>(-7, 3, &null), -1);  // the dividend's sign
  EXPECT_EQ(rt::checked_div<int64_t>(INT64_MIN, -1, &null), INT64_MIN);  // -INT64_MIN wraps to itself
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::checked_mod<int64_t>(INT64_MIN, -1, &null), 0);
  rt::checked_div<int32_t>(1, 0, &null);
  EXPECT_TRUE(null);
  rt::checked_mod(1.0, -0.0, &null);  // either zero
  EXPECT_TRUE(null);
  EXPECT_EQ(rt::checked_mod(7.5f, 2.0f, &null), 1.5f);
  EXPECT_FALSE(null);
}

TEST(ValueRules, FloatToIntegerTruncatesAndRangeIsNull) {
  bool null = false;
  EXPECT_EQ(rt::float_to_int32(-2.9, &null), -2);
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::float_to_int32(-2147483648.9, &null), INT32_MIN);  // truncates to INT32_MIN: fits
  EXPECT_FALSE(null);
  rt::float_to_int32(2147483648.0, &null);
  EXPECT_TRUE(null);
  rt::float_to_int64(9223372036854775808.0, &null);  // 2^63
  EXPECT_TRUE(null);
  rt::float_to_int64(kNaN, &null);
  EXPECT_TRUE(null);
  EXPECT_EQ(rt::narrow_int32(-2147483648LL, &null), INT32_MIN);
  EXPECT_FALSE(null);
  rt::narrow_int32(2147483648LL, &null);
  EXPECT_TRUE(null);
}

TEST(ValueRules, NaNRanksAboveEveryNumber) {
  EXPECT_TRUE(rt::less_ranked(1.0, kNaN));      // MIN prefers a number to NaN
  EXPECT_FALSE(rt::less_ranked(kNaN, 1.0));
  EXPECT_TRUE(rt::greater_ranked(kNaN, 1e308));  // MAX prefers NaN
  EXPECT_FALSE(rt::greater_ranked(1.0, kNaN));
  EXPECT_FALSE(rt::greater_ranked(kNaN, kNaN));  // strictly
  EXPECT_TRUE(rt::less_ranked(-1, 2));
  EXPECT_TRUE(std::isnan(rt::sign_of(kNaN)));
  EXPECT_EQ(rt::sign_of(-0.5f), -1.0f);
  EXPECT_EQ(rt::sign_of<int64_t>(-9), -1);
  EXPECT_EQ(rt::sign_of<int32_t>(0), 0);
  // A float zero keeps its sign, as Java's Math.signum (Flink): printed "-0" and "0".
  EXPECT_TRUE(std::signbit(rt::sign_of(-0.0)) && rt::sign_of(-0.0) == 0.0);
  EXPECT_TRUE(std::signbit(rt::sign_of(-0.0f)));
  EXPECT_FALSE(std::signbit(rt::sign_of(0.0)));
  EXPECT_EQ(rt::abs_of<int32_t>(INT32_MIN), INT32_MIN);  // wraps
  EXPECT_EQ(rt::abs_of(-0.0f), 0.0f);
}

TEST(ValueRules, OutsideTheDomainIsNull) {
  bool null = false;
  EXPECT_EQ(rt::sqrt_checked(6.25, &null), 2.5);
  EXPECT_FALSE(null);
  rt::sqrt_checked(-1, &null);
  EXPECT_TRUE(null);
  rt::ln_checked(0, &null);
  EXPECT_TRUE(null);
  EXPECT_EQ(rt::log10_checked(1000, &null), 3);
  EXPECT_FALSE(null);
  rt::power_checked(-8, 1.0 / 3, &null);  // a negative base to a fractional power
  EXPECT_TRUE(null);
  rt::power_checked(0, -1, &null);
  EXPECT_TRUE(null);
  EXPECT_EQ(rt::power_checked(-2, 3, &null), -8);
  EXPECT_FALSE(null);
  EXPECT_TRUE(std::isnan(rt::power_checked(kNaN, 2, &null)));  // NaN in, NaN out, not NULL
  EXPECT_FALSE(null);
  rt::asin_checked(1.5, &null);
  EXPECT_TRUE(null);
  // POWER as Java's Math.pow where C's pow differs: pow(1, NaN) and pow(-1, inf) are 1 in C.
  EXPECT_TRUE(std::isnan(rt::power_checked(1, kNaN, &null)));
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::power_checked(kNaN, -0.0, &null), 1);  // x^0 is 1 for every x
  EXPECT_FALSE(null);
  rt::power_checked(-1, -INFINITY, &null);
  EXPECT_TRUE(null);
  EXPECT_EQ(rt::power_checked(-INFINITY, 0.5, &null), INFINITY);  // C and Java agree
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::power_checked(-0.5, INFINITY, &null), 0);
  EXPECT_FALSE(null);
  for (auto* f : {rt::sin_checked, rt::cos_checked, rt::tan_checked}) {
    f(INFINITY, &null);
    EXPECT_TRUE(null);
    f(-INFINITY, &null);
    EXPECT_TRUE(null);
    EXPECT_TRUE(std::isnan(f(kNaN, &null)));
    EXPECT_FALSE(null);
  }
  EXPECT_EQ(rt::sin_checked(0, &null), 0);
  EXPECT_FALSE(null);
}

TEST(ValueRules, IntegerAverageSumsExactly) {
  // Two INT64 maxima: the wrapping sum is -2, the mean 2^63 - 1 (as a double, 2^63).
  int64_t high = 0, low = 0;
  bool null = true;
  rt::wide_sum_add(&high, &low, INT64_MAX);
  rt::wide_sum_add(&high, &low, INT64_MAX);
  EXPECT_EQ(low, -2);  // what SUM gives
  EXPECT_EQ(high, 0);
  EXPECT_EQ(rt::wide_average(high, low, 2, &null), 9223372036854775807.0);
  EXPECT_FALSE(null);
  // Two minima: -2^64, then a value leaving (OVER) brings the sum back into INT64.
  int64_t h2 = 0, l2 = 0;
  rt::wide_sum_add(&h2, &l2, INT64_MIN);
  rt::wide_sum_add(&h2, &l2, INT64_MIN);
  EXPECT_EQ(rt::wide_average(h2, l2, 2, &null), -9223372036854775808.0);
  rt::wide_sum_sub(&h2, &l2, INT64_MIN);
  EXPECT_EQ(h2, -1);
  EXPECT_EQ(l2, INT64_MIN);
  // Merging the two sums: 2^64 - 2 - 2^63 = 2^63 - 2, over 3 values.
  int64_t h3 = high, l3 = low;
  rt::wide_sum_merge(&h3, &l3, h2, l2);
  EXPECT_EQ(h3, 0);
  EXPECT_EQ(l3, INT64_MAX - 1);
  EXPECT_EQ(rt::wide_average(h3, l3, 3, &null), static_cast<double>(INT64_MAX - 1) / 3);
  // Small sums are the plain mean; no values is NULL.
  int64_t h4 = 0, l4 = 0;
  for (int64_t x : {1, -4, 6}) rt::wide_sum_add(&h4, &l4, x);
  EXPECT_EQ(rt::wide_average(h4, l4, 3, &null), 1.0);
  rt::wide_average(0, 0, 0, &null);
  EXPECT_TRUE(null);
}

TEST(ValueRules, VarianceFinalize) {
  // 1, 2, 3, 4: mean 2.5, M2 = 2.25 + 0.25 + 0.25 + 2.25 = 5.
  rt::VarianceMoments m{};
  for (double x : {1.0, 2.0, 3.0, 4.0}) m = rt::variance_add(m, x);
  bool null = true;
  EXPECT_EQ(rt::variance_finalize(m.n, m.m2, false, false, &null), 1.25);
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::variance_finalize(m.n, m.m2, true, true, &null), std::sqrt(5.0 / 3));
  rt::variance_finalize(1, 0, true, false, &null);  // VAR_SAMP of one value
  EXPECT_TRUE(null);
  rt::variance_finalize(0, 0, false, true, &null);
  EXPECT_TRUE(null);
}

TEST(ValueRules, FirstAndLastValueByTimeThenArrival) {
  EXPECT_TRUE(rt::first_value_replaces(5, 9, 6, 1));   // earlier time wins, whatever the arrival
  EXPECT_FALSE(rt::first_value_replaces(5, 9, 5, 1));  // a tie keeps the earlier arrival
  EXPECT_TRUE(rt::first_value_replaces(5, 0, 5, 1));
  EXPECT_TRUE(rt::last_value_replaces(5, 9, 5, 1));    // a tie goes to the later arrival
  EXPECT_FALSE(rt::last_value_replaces(4, 9, 5, 1));
  bool null = false;
  EXPECT_EQ(rt::average(7.0, 2, &null), 3.5);
  EXPECT_FALSE(null);
  rt::average(0.0, 0, &null);
  EXPECT_TRUE(null);
}

TEST(ValueRules, JoinKeysAreCanonicalFloats) {
  bool null = false;
  EXPECT_FALSE(std::signbit(rt::join_key_float(-0.0, &null)));  // -0 matches 0: stored as +0
  EXPECT_FALSE(null);
  EXPECT_EQ(rt::join_key_float(-1.5f, &null), -1.5f);
  rt::join_key_float(kNaN, &null);  // NaN equals nothing
  EXPECT_TRUE(null);
}

/// The line of `ir` that defines function `name`, or "".
std::string definition_of(const std::string& ir, const std::string& name) {
  for (size_t at = 0; at < ir.size();) {
    size_t end = ir.find('\n', at);
    if (end == std::string::npos) end = ir.size();
    const std::string line = ir.substr(at, end - at);
    if (line.rfind("define ", 0) == 0 && line.find("@" + name + "(") != std::string::npos) return line;
    at = end + 1;
  }
  return "";
}

TEST(ValueRules, JitInlinesEveryRuleItLinks) {
  const char* program = R"(CREATE STREAM s (ts TIMESTAMP NOT NULL, k INT32, i INT64, f FLOAT64, g FLOAT32,
  WATERMARK FOR ts AS ts);
CREATE STREAM o AS SELECT k, STDDEV_SAMP(f) AS sd, VAR_POP(g) AS v, MIN(g) AS lo, MAX(f / i) AS hi,
  SUM(i % k) AS m, MIN(SQRT(f) + LN(f) + POWER(f, g) + ASIN(g) + SIGN(f)) AS x, MAX(CAST(f AS INT32)) AS c,
  MAX(GREATEST(f, 1.0) + CLAMP(g, 0, 1)) AS y, SUM(ROUND(i, -2) + ABS(i) + SIGN(k)) AS r, AVG(f) AS a,
  FIRST_VALUE(f) AS fv, LAST_VALUE(g) AS lv
FROM TUMBLE(s, ts, INTERVAL '1' SECOND) GROUP BY k, window_start, window_end;
)";
  Compilation c = compile_program("t.vsql", program);
  ASSERT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
  Diagnostics lowering;
  PhysicalPlan plan = lower_to_physical(c.program, *c.file, lowering);
  ASSERT_FALSE(lowering.has_errors());
  const std::string ir = jit::emit_llvm_ir(plan);
  EXPECT_NE(ir.find("define void @vlac_operator_0_update"), std::string::npos);
  // Before optimisation the rules the program uses are linked in as internal, always-inlined
  // bodies; after, a call or a body left behind would name a symbol @vlac_rule_....
  llvm::LLVMContext context;
  std::string linked;
  llvm::raw_string_ostream os(linked);
  jit::generate_module(plan, context)->print(os, nullptr);
  for (const char* rule : {"vlac_rule_variance_add", "vlac_rule_variance_merge", "vlac_rule_variance_finalize", "vlac_rule_div_f64",
                           "vlac_rule_less_ranked_f32", "vlac_rule_sqrt", "vlac_rule_first_value_replaces", "vlac_rule_average"})
    EXPECT_EQ(definition_of(linked, rule).rfind("define internal ", 0), 0u) << rule << ": " << definition_of(linked, rule);
  const size_t left = ir.find("@vlac_rule_");
  EXPECT_EQ(left, std::string::npos) << ir.substr(left == std::string::npos ? 0 : left, 200);
}

}  // namespace
}  // namespace vlac
