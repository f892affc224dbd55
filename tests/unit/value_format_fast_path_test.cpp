// The fast paths of value_format.h's parsers (issue 14) against independent references:
// integers against a 128-bit accumulation, decimals against std::from_chars (correctly
// rounded), on random texts of the shapes each fast path takes and the shapes just outside it.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "runtime/value_format.h"

namespace {

using namespace vlac::rt;

/// [sign]digits read with __int128 (no overflow below 39 digits): the reference for
/// parse_int64 / parse_timestamp's integer form. False if not of that form or outside int64.
bool reference_int64(const std::string& s, bool allow_plus, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || (allow_plus && s[0] == '+'))) negative = s[i++] == '-';
  if (i == s.size() || s.size() - i > 38) return false;
  __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  if (negative) v = -v;
  if (v < INT64_MIN || v > INT64_MAX) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

template <typename T>
uint64_t bits(T v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof v);
  return b;
}

std::string random_digits(std::mt19937_64& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

TEST(ValueFormatFastPath, IntegersAtTheLimits) {
  int64_t v = 0;
  EXPECT_TRUE(parse_int64("9223372036854775807", 19, &v));  // INT64_MAX, 19 digits
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(parse_int64("9223372036854775808", 19, &v));  // INT64_MAX + 1
  EXPECT_TRUE(parse_int64("-9223372036854775808", 20, &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(parse_int64("-9223372036854775809", 20, &v));  // INT64_MIN - 1
  EXPECT_FALSE(parse_int64("18446744073709551616", 20, &v));  // 2^64: would wrap a uint64_t to 0
  EXPECT_FALSE(parse_int64("99999999999999999999", 20, &v));  // 20 digits
  const std::string zeros = "000000000000000000000000009223372036854775807";  // leading zeros count for nothing
  EXPECT_TRUE(parse_int64(zeros.data(), zeros.size(), &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(parse_int64("-0000", 5, &v));
  EXPECT_EQ(v, 0);
  // A non-digit in any position of an eight-digit block: ':' and '/' border the digits.
  for (size_t at = 0; at < 16; ++at) {
    for (char bad : {':', '/', ' ', 'a', '\0', '\xB0'}) {
      std::string s = "1234567812345678";
      s[at] = bad;
      EXPECT_FALSE(parse_int64(s.data(), s.size(), &v)) << at << " " << static_cast<int>(bad);
    }
  }
  int32_t w = 0;
  EXPECT_TRUE(parse_int32("2147483647", 10, &w));
  EXPECT_FALSE(parse_int32("2147483648", 10, &w));
  EXPECT_TRUE(parse_int32("-2147483648", 11, &w));
  EXPECT_EQ(w, INT32_MIN);
  EXPECT_FALSE(parse_int32("-2147483649", 11, &w));
}

TEST(ValueFormatFastPath, NineteenDigitTimestamps) {
  int64_t ns = 0;
  EXPECT_TRUE(parse_timestamp("1795501799964688985", 19, &ns));
  EXPECT_EQ(ns, 1795501799964688985);
  EXPECT_TRUE(parse_timestamp("-9223372036854775808", 20, &ns));
  EXPECT_EQ(ns, INT64_MIN);
  ns = 42;
  EXPECT_FALSE(parse_timestamp("9223372036854775808", 19, &ns));  // one past the largest
  EXPECT_FALSE(parse_timestamp("+1", 2, &ns));                      // no '+' on timestamps
  EXPECT_EQ(ns, 42);                                                // left unchanged
  EXPECT_TRUE(parse_timestamp("1970-01-01T00:00:01Z", 20, &ns));    // ISO still after the integer try
  EXPECT_EQ(ns, 1000000000);
}

TEST(ValueFormatFastPath, RandomIntegersMatchA128BitReference) {
  std::mt19937_64 rng(14);
  for (int i = 0; i < 300000; ++i) {
    std::string s;
    switch (rng() % 4) {
      case 0: s += '-'; break;
      case 1: s += '+'; break;
      default: break;
    }
    s += std::string(rng() % 3 == 0 ? rng() % 6 : 0, '0');
    s += random_digits(rng, rng() % 22);
    if (rng() % 8 == 0 && !s.empty()) s[rng() % s.size()] = "x:/ .e"[rng() % 6];
    int64_t want = 0, got = 0;
    const bool ok = reference_int64(s, true, &want);
    ASSERT_EQ(parse_int64(s.data(), s.size(), &got), ok) << s;
    if (ok) ASSERT_EQ(got, want) << s;
    const bool ts_ok = reference_int64(s, false, &want);
    if (ts_ok || s.find_first_of("x:/ .e") == std::string::npos) {  // texts that cannot be ISO-8601
      ASSERT_EQ(parse_timestamp(s.data(), s.size(), &got), ts_ok) << s;
      if (ts_ok) ASSERT_EQ(got, want) << s;
    }
  }
}

template <typename T>
void expect_same_as_from_chars(const std::string& s) {
  T want{}, got{};
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  const auto r = std::from_chars(first, s.data() + s.size(), want);
  ASSERT_TRUE(r.ec == std::errc() && r.ptr == s.data() + s.size()) << s;
  bool ok;
  if constexpr (sizeof(T) == sizeof(float)) ok = parse_float(s.data(), s.size(), &got);
  else ok = parse_double(s.data(), s.size(), &got);
  ASSERT_TRUE(ok) << s;
  ASSERT_EQ(bits(got), bits(want)) << s;
}

TEST(ValueFormatFastPath, DecimalsAtTheFastPathsEdges) {
  for (const char* s : {"16777216", "16777217", "1677721.7", "0.16777217", "-0.0", "-0", "0.0000000001",
                        "0.00000000001", "1.2345678901", "9007199254740992", "9007199254740993",
                        "900719925474099.3", "0.0000000000000000000001", "0.00000000000000000000001", "1.",
                        ".5", "0.1", "0.3", "3.4028235", "123456.7"}) {
    SCOPED_TRACE(s);
    if (std::string(s) == "1." || std::string(s) == ".5") {  // not the fast path's form: from_chars's
      float f;
      double d;
      EXPECT_EQ(parse_float(s, std::strlen(s), &f), parse_double(s, std::strlen(s), &d));
      continue;
    }
    expect_same_as_from_chars<float>(s);
    expect_same_as_from_chars<double>(s);
  }
}

TEST(ValueFormatFastPath, RandomDecimalsMatchFromChars) {
  std::mt19937_64 rng(1414);
  for (int i = 0; i < 400000; ++i) {
    std::string s;
    switch (rng() % 3) {
      case 0: s += '-'; break;
      case 1: s += '+'; break;
      default: break;
    }
    s += random_digits(rng, 1 + rng() % 17);
    if (rng() % 4 != 0) s += '.' + random_digits(rng, 1 + rng() % 24);
    expect_same_as_from_chars<float>(s);
    expect_same_as_from_chars<double>(s);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
