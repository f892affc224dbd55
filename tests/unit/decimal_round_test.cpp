// ROUND and SUBSTRING at their argument extremes (issue 11 item 7), and the firmware's exact
// decimal conversions (runtime/scalar/decimal_round.h) against <charconv>: the hosted and the
// firmware ROUND run one rounding rule on these conversions, so equal conversions mean equal
// results, which the last tests check directly on random values and digits.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "runtime/scalar/decimal_round.h"
#include "runtime/scalar/math_functions.h"
#include "runtime/scalar/string_functions.h"

namespace vlac::rt {
namespace {

double from_bits(uint64_t b) {
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}

std::string digits_of(const DecimalForm& f) {
  return std::string(f.negative ? "-" : "") + std::string(f.digits, f.n) + "e" + std::to_string(f.exp10);
}

/// What the firmware ROUND computes (math_functions.h with VLAC_FIRMWARE).
double firmware_round(double x, int32_t digits, bool is_float32) {
  return round_decimal_with(x, digits, is_float32, shortest_decimal, nearest_binary);
}

bool same(double a, double b) { return std::memcmp(&a, &b, 8) == 0 || (std::isnan(a) && std::isnan(b)); }

TEST(DecimalRound, ShortestDigitsMatchToChars) {
  std::mt19937_64 rng(11);
  std::vector<double> values = {5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308,
                                1, 0.1, 0.3, 2.675, 1e23, 9007199254740993.0, 123456789012345680.0, 1e-7, 5e-1};
  for (int i = 0; i < 50000; ++i) {
    double d = from_bits(rng());
    if (std::isfinite(d) && d != 0) values.push_back(d);
  }
  for (int e = -1074; e <= 1023; ++e) values.push_back(std::ldexp(1.0, e));
  for (int e = -323; e <= 308; ++e) values.push_back(std::pow(10.0, e));
  for (double d : values) {
    DecimalForm mine, lib;
    shortest_decimal(d, false, &mine);
    shortest_decimal_charconv(d, false, &lib);
    ASSERT_EQ(digits_of(mine), digits_of(lib)) << d;
  }
  for (int i = 0; i < 50000; ++i) {
    uint32_t b = static_cast<uint32_t>(rng());
    float f;
    std::memcpy(&f, &b, 4);
    if (!std::isfinite(f) || f == 0) continue;
    DecimalForm mine, lib;
    shortest_decimal(f, true, &mine);
    shortest_decimal_charconv(f, true, &lib);
    ASSERT_EQ(digits_of(mine), digits_of(lib)) << f;
  }
}

TEST(DecimalRound, NearestBinaryMatchesFromChars) {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 50000; ++i) {
    uint64_t m = rng() % 1000000000000000000ull;
    if (i % 3 == 0) m %= 100000;
    int e = static_cast<int>(rng() % 700) - 360;
    bool f32 = i % 4 == 0;
    if (f32) e = static_cast<int>(rng() % 100) - 65;
    ASSERT_TRUE(same(nearest_binary(i % 2, m, e, f32), nearest_binary_charconv(i % 2, m, e, f32)))
        << m << "e" << e << (f32 ? " float" : "");
  }
  // Ties and the edges: halfway between DBL_MAX and 2^1024 rounds to infinity (odd mantissa).
  EXPECT_EQ(nearest_binary(false, 2, 308, false), HUGE_VAL);
  EXPECT_EQ(nearest_binary(true, 17976931348623159, 292, false), -HUGE_VAL);  // past DBL_MAX + ulp/2 = 1.79769313486231580793e308
  EXPECT_EQ(nearest_binary(true, 17976931348623158, 292, false), -1.7976931348623157e308);
  EXPECT_EQ(nearest_binary(false, 17976931348623157, 292, false), 1.7976931348623157e308);
  EXPECT_EQ(nearest_binary(false, 9007199254740993, 0, false), 9007199254740992.0);  // tie: even
  EXPECT_EQ(nearest_binary(false, 5, -324, false), 5e-324);
  EXPECT_EQ(nearest_binary(false, 2, -324, false), 0.0);  // below half the smallest subnormal
  EXPECT_EQ(nearest_binary(false, 4, 38, true), HUGE_VAL);
}

TEST(DecimalRound, FirmwareAndHostedRoundAgree) {
  std::mt19937_64 rng(13);
  for (int i = 0; i < 100000; ++i) {
    double x = i % 2 ? from_bits(rng()) : static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 1000.0;
    int32_t digits = static_cast<int32_t>(rng() % 50) - 25;
    if (i % 10 == 0) digits = static_cast<int32_t>(rng());
    bool f32 = i % 3 == 0;
    if (f32) x = static_cast<double>(static_cast<float>(x));
    ASSERT_TRUE(same(round_decimal(x, digits, f32), firmware_round(x, digits, f32))) << x << " " << digits;
  }
}

TEST(DecimalRound, ExtremeDigits) {
  // Worked by hand: 1.5 has one decimal, so any positive digits keep it; any digits below -1
  // round it to zero (|1.5| < 50); the shortest form of 2.675 is "2.675", so half away gives 2.68.
  for (auto round : {+[](double x, int32_t d, bool f) { return round_decimal(x, d, f); }, +firmware_round}) {
    EXPECT_EQ(round(1.5, 2147483647, false), 1.5);  // was 0: digits + exponent overflowed
    EXPECT_EQ(round(1.5, 2147483647, true), 1.5);
    EXPECT_EQ(round(1.5, -2147483648, false), 0.0);
    EXPECT_TRUE(std::signbit(round(-1.5, -2147483647 - 1, false)));
    EXPECT_EQ(round(1.5, 0, false), 2.0);
    EXPECT_EQ(round(-2.5, 0, false), -3.0);
    EXPECT_EQ(round(2.675, 2, false), 2.68);
    EXPECT_EQ(round(5e-324, 323, false), 1e-323);   // 5e-324 rounds up to one unit of 1e-323
    EXPECT_EQ(round(5e-324, 324, false), 5e-324);
    EXPECT_EQ(round(1.7976931348623157e308, -308, false), HUGE_VAL);  // 2e308: beyond DBL_MAX
    EXPECT_EQ(round(1.7976931348623157e308, -309, false), 0.0);
    EXPECT_EQ(round(3.4028234663852886e38, -38, true), static_cast<double>(3e38f));  // FLT_MAX: "3.4028235e38"
  }
}

TEST(IntegerRound, ExtremeDigits) {
  EXPECT_EQ(round_integer(1234, -2), 1200);
  EXPECT_EQ(round_integer(-1250, -2), -1300);
  EXPECT_EQ(round_integer(INT64_MAX, 2147483647), INT64_MAX);
  EXPECT_EQ(round_integer(INT64_MAX, -2147483647 - 1), 0);
  EXPECT_EQ(round_integer(INT64_MAX, -18), 9000000000000000000);
  // 9223372036854775808 / 10 = 922337203685477580 rest 8: up to ...5810, which wraps (−2^64).
  EXPECT_EQ(round_integer(INT64_MIN, -1), 9223372036854775806);
  // 10^19 does not fit: wrapped, 10^19 − 2^64 = −8446744073709551616.
  EXPECT_EQ(round_integer(INT64_MAX, -19), -8446744073709551616);
  EXPECT_EQ(round_integer(INT64_MIN, -19), 8446744073709551616);
  EXPECT_EQ(round_integer(4999999999999999999, -19), 0);
  EXPECT_EQ(round_integer(INT64_MIN, -20), 0);
}

std::string substring(const char* s, int64_t from, int64_t count, bool has_count) {
  const char* out;
  uint32_t n;
  if (!utf8_substring(s, static_cast<uint32_t>(std::strlen(s)), from, count, has_count, &out, &n)) return "NULL";
  return std::string(out, n);
}

TEST(Substring, ExtremePositions) {
  // SQL: characters at positions [from, from + count) ∩ [1, len].
  EXPECT_EQ(substring("hello", -5, INT64_MAX, true), "hello");  // was a signed overflow (UB)
  EXPECT_EQ(substring("hello", INT64_MIN, INT64_MAX, true), "");  // [MIN, -1): nothing
  EXPECT_EQ(substring("hello", INT64_MIN, 0, true), "");
  EXPECT_EQ(substring("hello", INT64_MAX, INT64_MAX, true), "");
  EXPECT_EQ(substring("hello", 2, INT64_MAX, true), "ello");
  EXPECT_EQ(substring("hello", INT64_MIN, 0, false), "hello");
  EXPECT_EQ(substring("hello", INT64_MAX, 0, false), "");
  EXPECT_EQ(substring("hello", -1, 3, true), "h");  // positions -1, 0, 1
  EXPECT_EQ(substring("hello", 1, INT64_MIN, true), "NULL");
}

}  // namespace
}  // namespace vlac::rt
