// Tests for runtime/value_format.h: the CSV field readers and value writers of LANGUAGE.md §7.
// Expected timestamps were computed independently with Python's datetime module.
#include "runtime/value_format.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace {

using namespace vlac::rt;

// ------------------------------------------------------------------------------------------
// Helpers: call the (pointer, length) API with std::string arguments.

bool ts(const std::string& s, int64_t* out) { return parse_timestamp(s.data(), s.size(), out); }

int64_t ts_ok(const std::string& s) {
  int64_t v = 0x5a5a5a5a;
  EXPECT_TRUE(parse_timestamp(s.data(), s.size(), &v)) << "input: " << s;
  return v;
}

bool ts_rejects(const std::string& s) {
  int64_t v = 0x5a5a5a5a;
  const bool ok = parse_timestamp(s.data(), s.size(), &v);
  EXPECT_EQ(v, 0x5a5a5a5a) << "output must be untouched on failure: " << s;
  return !ok;
}

std::string iso(int64_t ns) {
  char buf[kValueFormatBufSize];
  const size_t n = format_timestamp_iso(ns, buf);
  EXPECT_LE(n, 30u);
  return std::string(buf, n);
}

std::string i64(int64_t v) {
  char buf[kValueFormatBufSize];
  return std::string(buf, format_int64(v, buf));
}

std::string dbl(double v) {
  char buf[kValueFormatBufSize];
  return std::string(buf, format_double(v, buf));
}

std::string flt(float v) {
  char buf[kValueFormatBufSize];
  return std::string(buf, format_float(v, buf));
}

bool pi64(const std::string& s, int64_t* out) { return parse_int64(s.data(), s.size(), out); }
bool pi32(const std::string& s, int32_t* out) { return parse_int32(s.data(), s.size(), out); }
bool pdbl(const std::string& s, double* out) { return parse_double(s.data(), s.size(), out); }
bool pflt(const std::string& s, float* out) { return parse_float(s.data(), s.size(), out); }
bool pbool(const std::string& s, bool* out) { return parse_bool(s.data(), s.size(), out); }

uint64_t bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// ------------------------------------------------------------------------------------------
// parse_timestamp

TEST(ValueFormatTimestampParse, SpecExample) {
  // Python: (datetime(2026,11,24,6,31,29,500000,tzinfo=utc) - epoch) in ns.
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5Z"), 1795501889500000000);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.500000000Z"), 1795501889500000000);
}

TEST(ValueFormatTimestampParse, ZoneSpellings) {
  const int64_t utc = 1795501889500000000;
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5"), utc);         // no zone = UTC
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5z"), utc);        // lower-case z
  EXPECT_EQ(ts_ok("2026-11-24 06:31:29.5Z"), utc);        // space instead of T
  EXPECT_EQ(ts_ok("2026-11-24t06:31:29.5Z"), utc);        // lower-case t
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5+00:00"), utc);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5-00:00"), utc);
  // Local time 06:31:29.5 at +02:00 is 04:31:29.5 UTC: two hours earlier.
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5+02:00"), utc - 2 * 3600 * 1000000000LL);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.5+02:00"), 1795494689500000000);
  // -05:30 is five and a half hours later in UTC.
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29-05:30"), 1795521689000000000);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29+23:59"), 1795501889000000000 - (23 * 3600 + 59 * 60) * 1000000000LL);
}

TEST(ValueFormatTimestampParse, Fractions) {
  const int64_t base = 1795501889000000000;  // 2026-11-24T06:31:29Z
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29Z"), base);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.0Z"), base);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.1Z"), base + 100000000);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.05Z"), base + 50000000);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.123Z"), base + 123000000);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.000001Z"), base + 1000);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.123456789Z"), base + 123456789);
  EXPECT_EQ(ts_ok("2026-11-24T06:31:29.999999999"), base + 999999999);
  EXPECT_TRUE(ts_rejects("2026-11-24T06:31:29.Z"));             // '.' needs a digit
  EXPECT_TRUE(ts_rejects("2026-11-24T06:31:29."));
  EXPECT_TRUE(ts_rejects("2026-11-24T06:31:29.1234567891Z"));   // 10 digits
  EXPECT_TRUE(ts_rejects("2026-11-24T06:31:29,5Z"));            // comma separator
}

TEST(ValueFormatTimestampParse, KnownDates) {
  EXPECT_EQ(ts_ok("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ts_ok("1970-01-01T00:00:00.000000001Z"), 1);
  EXPECT_EQ(ts_ok("1969-12-31T23:59:59.999999999Z"), -1);
  EXPECT_EQ(ts_ok("1969-12-31T23:59:59Z"), -1000000000);
  EXPECT_EQ(ts_ok("1969-07-20T20:17:40Z"), -14182940000000000);
  EXPECT_EQ(ts_ok("1900-01-01T00:00:00Z"), -2208988800000000000);
  EXPECT_EQ(ts_ok("2024-12-31T23:59:59.123456789Z"), 1735689599123456789);
  // Offsets may cross the epoch and day boundaries.
  EXPECT_EQ(ts_ok("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ts_ok("1969-12-31T19:00:00-05:00"), 0);
}

TEST(ValueFormatTimestampParse, LeapYears) {
  EXPECT_EQ(ts_ok("2024-02-29T00:00:00Z"), 1709164800000000000);
  EXPECT_EQ(ts_ok("2000-02-29T12:00:00Z"), 951825600000000000);   // divisible by 400
  EXPECT_TRUE(ts_rejects("2023-02-29T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("1900-02-29T00:00:00Z"));                // divisible by 100 only
  EXPECT_TRUE(ts_rejects("2024-02-30T00:00:00Z"));
  EXPECT_EQ(ts_ok("2023-02-28T00:00:00Z") + 86400LL * 1000000000, ts_ok("2023-03-01T00:00:00Z"));
  EXPECT_EQ(ts_ok("2024-02-28T00:00:00Z") + 2 * 86400LL * 1000000000, ts_ok("2024-03-01T00:00:00Z"));
}

TEST(ValueFormatTimestampParse, FieldRanges) {
  EXPECT_TRUE(ts_rejects("2026-00-10T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-13-10T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-01-00T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-01-32T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-04-31T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-06-31T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-11-31T00:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-11-24T24:00:00Z"));
  EXPECT_TRUE(ts_rejects("2026-11-24T23:60:00Z"));
  EXPECT_TRUE(ts_rejects("2026-11-24T23:59:60Z"));   // no leap seconds
  EXPECT_TRUE(ts_rejects("2026-11-24T06:31:29+24:00"));
  EXPECT_TRUE(ts_rejects("2026-11-24T06:31:29+02:60"));
  // Every valid month-end is accepted.
  EXPECT_EQ(ts_ok("2026-01-31T00:00:00Z") + 86400LL * 1000000000, ts_ok("2026-02-01T00:00:00Z"));
  EXPECT_EQ(ts_ok("2026-12-31T23:59:59Z") + 1000000000, ts_ok("2027-01-01T00:00:00Z"));
}

TEST(ValueFormatTimestampParse, Malformed) {
  for (const char* bad : {
           "", "-", "Z", "abc", "2026-11-24", "2026-11-24T06:31", "2026-11-24T06:31:29Zx",
           "2026-11-24T06:31:29.5Z ", " 2026-11-24T06:31:29Z", "2026-11-24T06:31:29ZZ",
           "2026-1-24T06:31:29Z", "2026-11-24T6:31:29Z", "26-11-24T06:31:29Z", "2026/11/24T06:31:29Z",
           "2026-11-24X06:31:29Z", "2026-11-24T06-31-29Z", "2026-11-24T06:31:29+0200",
           "2026-11-24T06:31:29+02", "2026-11-24T06:31:29+02:00Z", "2026-11-24T06:31:29 +02:00",
           "+2026-11-24T06:31:29Z", "-2026-11-24T06:31:29Z", "12a", "1.5", "+5", "--5", "1e9",
       }) {
    EXPECT_TRUE(ts_rejects(bad)) << "accepted: '" << bad << "'";
  }
  // Length is honoured: a valid prefix followed by garbage beyond n is fine.
  const char s[] = "2026-11-24T06:31:29.5Zgarbage";
  int64_t v = 0;
  EXPECT_TRUE(parse_timestamp(s, 22, &v));
  EXPECT_EQ(v, 1795501889500000000);
  EXPECT_FALSE(parse_timestamp(s, 23, &v));
}

TEST(ValueFormatTimestampParse, IntegerNanoseconds) {
  EXPECT_EQ(ts_ok("0"), 0);
  EXPECT_EQ(ts_ok("-1"), -1);
  EXPECT_EQ(ts_ok("1795501889500000000"), 1795501889500000000);
  EXPECT_EQ(ts_ok("0001795501889500000000"), 1795501889500000000);
  EXPECT_EQ(ts_ok("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ts_ok("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ts_rejects("9223372036854775808"));
  EXPECT_TRUE(ts_rejects("-9223372036854775809"));
  EXPECT_TRUE(ts_rejects("99999999999999999999999"));
}

TEST(ValueFormatTimestampParse, Int64Limits) {
  EXPECT_EQ(ts_ok("2262-04-11T23:47:16.854775807Z"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ts_ok("1677-09-21T00:12:43.145224192Z"), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ts_rejects("2262-04-11T23:47:16.854775808Z"));
  EXPECT_TRUE(ts_rejects("2262-04-11T23:47:17Z"));
  EXPECT_TRUE(ts_rejects("1677-09-21T00:12:43.145224191Z"));
  EXPECT_TRUE(ts_rejects("1677-09-21T00:12:43Z"));
  EXPECT_TRUE(ts_rejects("9999-12-31T23:59:59Z"));
  EXPECT_TRUE(ts_rejects("0000-01-01T00:00:00Z"));
  // An offset can bring an out-of-range local time back into range, and vice versa.
  EXPECT_EQ(ts_ok("2262-04-12T00:47:16.854775807+01:00"), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(ts_rejects("2262-04-11T23:47:16.854775807-00:01"));
  EXPECT_EQ(ts_ok("1677-09-20T23:12:43.145224192-01:00"), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ts_rejects("1677-09-21T00:12:43.145224192+00:01"));
}

// ------------------------------------------------------------------------------------------
// format_timestamp_iso

TEST(ValueFormatTimestampFormat, SpecExampleAndFractions) {
  EXPECT_EQ(iso(1795501889500000000), "2026-11-24T06:31:29.5Z");
  EXPECT_EQ(iso(1795501889000000000), "2026-11-24T06:31:29Z");
  EXPECT_EQ(iso(1795501889120000000), "2026-11-24T06:31:29.12Z");
  EXPECT_EQ(iso(1795501889000001000), "2026-11-24T06:31:29.000001Z");
  EXPECT_EQ(iso(1735689599123456789), "2024-12-31T23:59:59.123456789Z");
  EXPECT_EQ(iso(1709164800000000000), "2024-02-29T00:00:00Z");
  EXPECT_EQ(iso(951825600000000000), "2000-02-29T12:00:00Z");
}

TEST(ValueFormatTimestampFormat, AroundTheEpoch) {
  EXPECT_EQ(iso(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso(1), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ(iso(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(iso(-1000000000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(iso(-999999999), "1969-12-31T23:59:59.000000001Z");
  EXPECT_EQ(iso(-500000000), "1969-12-31T23:59:59.5Z");
  EXPECT_EQ(iso(-86400LL * 1000000000), "1969-12-31T00:00:00Z");
  EXPECT_EQ(iso(-86400LL * 1000000000 - 1), "1969-12-30T23:59:59.999999999Z");
  EXPECT_EQ(iso(-14182940000000000), "1969-07-20T20:17:40Z");
  EXPECT_EQ(iso(-2208988800000000000), "1900-01-01T00:00:00Z");
}

TEST(ValueFormatTimestampFormat, Int64Limits) {
  EXPECT_EQ(iso(std::numeric_limits<int64_t>::max()), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(iso(std::numeric_limits<int64_t>::min()), "1677-09-21T00:12:43.145224192Z");
}

TEST(ValueFormatTimestampFormat, RandomValuesMatchPython) {
  // Random int64 values and their ISO forms, computed with Python's datetime.
  EXPECT_EQ(iso(4292285838037326215), "2106-01-07T05:37:18.037326215Z");
  EXPECT_EQ(iso(6551146165133617474), "2177-08-06T10:49:25.133617474Z");
  EXPECT_EQ(iso(-5650950641291792112), "1790-12-05T11:29:18.708207888Z");
  EXPECT_EQ(iso(-1176378139645449915), "1932-09-21T12:17:40.354550085Z");
  EXPECT_EQ(iso(-5777353454584339015), "1786-12-03T11:35:45.415660985Z");
  EXPECT_EQ(iso(-6150644412704495462), "1775-02-03T23:39:47.295504538Z");
}

TEST(ValueFormatTimestampFormat, RandomRoundTrips) {
  std::mt19937_64 rng(20261124);
  for (int i = 0; i < 100000; ++i) {
    int64_t v = static_cast<int64_t>(rng());
    if (i % 4 == 1) v /= 1000000000;            // whole seconds near the epoch
    if (i % 4 == 2) v = v / 1000000 * 1000000;  // millisecond precision
    const std::string s = iso(v);
    int64_t back = 0;
    ASSERT_TRUE(ts(s, &back)) << s;
    ASSERT_EQ(back, v) << s;
  }
  // Every day boundary across 1600 years of the calendar (4 full 400-year cycles), both ways.
  const int64_t day = 86400LL * 1000000000;
  for (int64_t d = -106000; d <= 106000; ++d) {
    const int64_t v = d * day;
    const std::string s = iso(v);
    int64_t back = 0;
    ASSERT_TRUE(ts(s, &back)) << s;
    ASSERT_EQ(back, v) << s;
  }
}

TEST(ValueFormatTimestampFormat, StreamFormatRemembersOnlyTheDate) {
  // IsoTimestampFormat keeps the last date: moving within a day, across midnight, back to an
  // earlier day and to the int64 limits must give format_timestamp_iso's text (checked above
  // against Python) every time. 86400 s = 1 day.
  IsoTimestampFormat stream;
  const int64_t day = 86400LL * 1000000000;
  const std::vector<int64_t> values = {0, 1, day - 1, day, -1, 0, 1795501889500000000, 1795501889500000001,
                                       std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                                       946684800000000000, 946684800000000000 - 1};
  const std::vector<std::string> expected = {
      "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000001Z", "1970-01-01T23:59:59.999999999Z",
      "1970-01-02T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
      "2026-11-24T06:31:29.5Z", "2026-11-24T06:31:29.500000001Z", "1677-09-21T00:12:43.145224192Z",
      "2262-04-11T23:47:16.854775807Z", "2000-01-01T00:00:00Z", "1999-12-31T23:59:59.999999999Z"};
  for (size_t i = 0; i < values.size(); ++i) {
    char buf[kValueFormatBufSize];
    EXPECT_EQ(std::string(buf, stream(values[i], buf)), expected[i]) << values[i];
  }
}

// ------------------------------------------------------------------------------------------
// Integers

TEST(ValueFormatInt, Format) {
  EXPECT_EQ(i64(0), "0");
  EXPECT_EQ(i64(7), "7");
  EXPECT_EQ(i64(-7), "-7");
  EXPECT_EQ(i64(10), "10");
  EXPECT_EQ(i64(1234567890123), "1234567890123");
  EXPECT_EQ(i64(std::numeric_limits<int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(i64(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

TEST(ValueFormatInt, EveryDigitCount) {
  // Two digits are written per step: 10^k - 1, 10^k and 10^k + 1 for every k, both signs,
  // against std::to_string.
  for (uint64_t p = 1; p <= 1000000000000000000ULL; p *= 10) {
    for (const int64_t v : {static_cast<int64_t>(p) - 1, static_cast<int64_t>(p), static_cast<int64_t>(p) + 1}) {
      EXPECT_EQ(i64(v), std::to_string(v));
      EXPECT_EQ(i64(-v), std::to_string(-v));
    }
  }
}

TEST(ValueFormatInt, ParseInt64) {
  int64_t v = 0;
  EXPECT_TRUE(pi64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(pi64("-0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(pi64("+42", &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(pi64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(pi64("007", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(pi64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(pi64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  v = 99;
  for (const char* bad : {"", "-", "+", "9223372036854775808", "-9223372036854775809",
                          "18446744073709551616", "99999999999999999999", " 1", "1 ", "1.0", "1e3",
                          "0x10", "--1", "+-1", "1,000", "abc", "١"}) {
    EXPECT_FALSE(pi64(bad, &v)) << "accepted: '" << bad << "'";
  }
  EXPECT_EQ(v, 99);
}

TEST(ValueFormatInt, ParseInt32) {
  int32_t v = 0;
  EXPECT_TRUE(pi32("2147483647", &v));
  EXPECT_EQ(v, 2147483647);
  EXPECT_TRUE(pi32("-2147483648", &v));
  EXPECT_EQ(v, std::numeric_limits<int32_t>::min());
  EXPECT_TRUE(pi32("-17", &v));
  EXPECT_EQ(v, -17);
  v = 5;
  EXPECT_FALSE(pi32("2147483648", &v));
  EXPECT_FALSE(pi32("-2147483649", &v));
  EXPECT_FALSE(pi32("9223372036854775807", &v));
  EXPECT_FALSE(pi32("", &v));
  EXPECT_FALSE(pi32("1.5", &v));
  EXPECT_EQ(v, 5);
}

TEST(ValueFormatInt, RandomRoundTrips) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 100000; ++i) {
    int64_t v = static_cast<int64_t>(rng());
    v >>= (i % 64);  // all magnitudes, both signs
    const std::string s = i64(v);
    ASSERT_EQ(s, std::to_string(v));
    int64_t back = 0;
    ASSERT_TRUE(pi64(s, &back)) << s;
    ASSERT_EQ(back, v);
    if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
      int32_t b32 = 0;
      ASSERT_TRUE(pi32(s, &b32)) << s;
      ASSERT_EQ(b32, v);
    } else {
      int32_t b32 = 0;
      ASSERT_FALSE(pi32(s, &b32)) << s;
    }
  }
}

TEST(ValueFormatBool, Parse) {
  bool b = false;
  for (const char* t : {"true", "TRUE", "True", "tRuE", "1"}) {
    b = false;
    EXPECT_TRUE(pbool(t, &b)) << t;
    EXPECT_TRUE(b) << t;
  }
  for (const char* f : {"false", "FALSE", "False", "fAlSe", "0"}) {
    b = true;
    EXPECT_TRUE(pbool(f, &b)) << f;
    EXPECT_FALSE(b) << f;
  }
  b = true;
  for (const char* bad : {"", "t", "f", "yes", "no", "2", "01", "00", "-1", " true", "true ", "truee",
                          "tru", "on"}) {
    EXPECT_FALSE(pbool(bad, &b)) << "accepted: '" << bad << "'";
  }
  EXPECT_TRUE(b);
}

// ------------------------------------------------------------------------------------------
// Floating point

TEST(ValueFormatFloat, DoubleShortestForms) {
  EXPECT_EQ(dbl(2.0), "2");
  EXPECT_EQ(dbl(0.1), "0.1");
  EXPECT_EQ(dbl(1e-7), "1e-07");
  EXPECT_EQ(dbl(1e20), "1e+20");
  EXPECT_EQ(dbl(-0.0), "-0");
  EXPECT_EQ(dbl(0.0), "0");
  EXPECT_EQ(dbl(-2.5), "-2.5");
  EXPECT_EQ(dbl(100.0), "100");
  EXPECT_EQ(dbl(10000.0), "10000");       // tie in length: plain form
  EXPECT_EQ(dbl(0.001), "0.001");         // tie in length: plain form
  EXPECT_EQ(dbl(0.0001), "1e-04");        // scientific is shorter
  EXPECT_EQ(dbl(123456789.0), "123456789");
  EXPECT_EQ(dbl(1.5e-5), "1.5e-05");
  EXPECT_EQ(dbl(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(dbl(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(dbl(static_cast<double>(0.1f)), "0.10000000149011612");
  EXPECT_EQ(dbl(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(dbl(std::numeric_limits<double>::min()), "2.2250738585072014e-308");
  EXPECT_EQ(dbl(-std::numeric_limits<double>::min()), "-2.2250738585072014e-308");
  EXPECT_EQ(dbl(std::numeric_limits<double>::denorm_min()), "5e-324");
}

TEST(ValueFormatFloat, FloatShortestForms) {
  EXPECT_EQ(flt(0.1f), "0.1");
  EXPECT_EQ(flt(2.0f), "2");
  EXPECT_EQ(flt(-0.0f), "-0");
  EXPECT_EQ(flt(1e-7f), "1e-07");
  EXPECT_EQ(flt(1e20f), "1e+20");
  EXPECT_EQ(flt(1.0f / 3.0f), "0.33333334");
  EXPECT_EQ(flt(16777217.0f), "16777216");
  EXPECT_EQ(flt(std::numeric_limits<float>::max()), "3.4028235e+38");
  EXPECT_EQ(flt(std::numeric_limits<float>::denorm_min()), "1e-45");
  EXPECT_EQ(flt(-std::numeric_limits<float>::min()), "-1.1754944e-38");
}

TEST(ValueFormatFloat, NonFinite) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(dbl(nan), "NaN");
  EXPECT_EQ(dbl(-nan), "NaN");
  EXPECT_EQ(dbl(inf), "Infinity");
  EXPECT_EQ(dbl(-inf), "-Infinity");
  EXPECT_EQ(flt(std::numeric_limits<float>::quiet_NaN()), "NaN");
  EXPECT_EQ(flt(std::numeric_limits<float>::infinity()), "Infinity");
  EXPECT_EQ(flt(-std::numeric_limits<float>::infinity()), "-Infinity");
}

TEST(ValueFormatFloat, ParseDouble) {
  double d = 0;
  EXPECT_TRUE(pdbl("0.1", &d));
  EXPECT_EQ(d, 0.1);
  EXPECT_TRUE(pdbl("2", &d));
  EXPECT_EQ(d, 2.0);
  EXPECT_TRUE(pdbl("-2.5e3", &d));
  EXPECT_EQ(d, -2500.0);
  EXPECT_TRUE(pdbl("+1.5", &d));
  EXPECT_EQ(d, 1.5);
  EXPECT_TRUE(pdbl(".5", &d));
  EXPECT_EQ(d, 0.5);
  EXPECT_TRUE(pdbl("-.5", &d));
  EXPECT_EQ(d, -0.5);
  EXPECT_TRUE(pdbl("5.", &d));
  EXPECT_EQ(d, 5.0);
  EXPECT_TRUE(pdbl("1E-07", &d));
  EXPECT_EQ(d, 1e-7);
  EXPECT_TRUE(pdbl("-0", &d));
  EXPECT_EQ(d, 0.0);
  EXPECT_TRUE(std::signbit(d));
  EXPECT_TRUE(pdbl("5e-324", &d));
  EXPECT_EQ(d, std::numeric_limits<double>::denorm_min());
  EXPECT_TRUE(pdbl("1.7976931348623157e308", &d));
  EXPECT_EQ(d, std::numeric_limits<double>::max());
  EXPECT_TRUE(pdbl("0.30000000000000004", &d));
  EXPECT_EQ(d, 0.1 + 0.2);
}

TEST(ValueFormatFloat, ParseNonFinite) {
  double d = 0;
  for (const char* s : {"NaN", "nan", "NAN", "nAn", "-NaN"}) {
    d = 0;
    EXPECT_TRUE(pdbl(s, &d)) << s;
    EXPECT_TRUE(std::isnan(d)) << s;
  }
  for (const char* s : {"Infinity", "infinity", "INFINITY", "inf", "Inf", "INF", "+inf"}) {
    d = 0;
    EXPECT_TRUE(pdbl(s, &d)) << s;
    EXPECT_EQ(d, std::numeric_limits<double>::infinity()) << s;
  }
  for (const char* s : {"-Infinity", "-infinity", "-inf", "-INF"}) {
    d = 0;
    EXPECT_TRUE(pdbl(s, &d)) << s;
    EXPECT_EQ(d, -std::numeric_limits<double>::infinity()) << s;
  }
  float f = 0;
  EXPECT_TRUE(pflt("NaN", &f));
  EXPECT_TRUE(std::isnan(f));
  EXPECT_TRUE(pflt("-Infinity", &f));
  EXPECT_EQ(f, -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(pflt("inf", &f));
  EXPECT_EQ(f, std::numeric_limits<float>::infinity());
}

TEST(ValueFormatFloat, ParseRejects) {
  double d = 7;
  float f = 7;
  for (const char* bad : {"", "-", "+", ".", "-.", "e5", "1e", "1e+", "1.5x", "1.5 ", " 1.5", "1,5",
                          "0x1p3", "0x10", "nan(abc)", "nan()", "infinit", "infinityy", "in", "na",
                          "--1", "+-1", "-+1", "++1", "1..2", "1e5.5", "Infinity ", "true"}) {
    EXPECT_FALSE(pdbl(bad, &d)) << "accepted: '" << bad << "'";
    EXPECT_FALSE(pflt(bad, &f)) << "accepted: '" << bad << "'";
  }
  EXPECT_EQ(d, 7);
  EXPECT_EQ(f, 7);
}

TEST(ValueFormatFloat, ParseOutOfRangeRoundsLikeIeee) {
  double d = 0;
  EXPECT_TRUE(pdbl("1e400", &d));
  EXPECT_EQ(d, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(pdbl("-1e400", &d));
  EXPECT_EQ(d, -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(pdbl("123456789012345678901234567890e300", &d));
  EXPECT_EQ(d, std::numeric_limits<double>::infinity());
  d = 1;
  EXPECT_TRUE(pdbl("1e-400", &d));
  EXPECT_EQ(d, 0.0);
  EXPECT_FALSE(std::signbit(d));
  EXPECT_TRUE(pdbl("-1e-400", &d));
  EXPECT_EQ(d, 0.0);
  EXPECT_TRUE(std::signbit(d));
  d = 1;
  EXPECT_TRUE(pdbl("0.000000000000000000000000000000000000000000000000000000000000000000000000"
                   "000000000000000000000000000000000000000000000000000000000000000000000000000"
                   "000000000000000000000000000000000000000000000000000000000000000000000000000"
                   "000000000000000000000000000000000000000000000000000000000000000000000000000"
                   "00000000000000000000000000001",
                   &d));
  EXPECT_EQ(d, 0.0);
  EXPECT_TRUE(pdbl("1000e-330", &d));  // 1e-327: far below half of denorm_min (4.9e-324)
  EXPECT_EQ(d, 0.0);

  float f = 0;
  EXPECT_TRUE(pflt("1e39", &f));
  EXPECT_EQ(f, std::numeric_limits<float>::infinity());
  EXPECT_TRUE(pflt("-3.5e38", &f));
  EXPECT_EQ(f, -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(pflt("3.4028235e38", &f));
  EXPECT_EQ(f, std::numeric_limits<float>::max());
  f = 1;
  EXPECT_TRUE(pflt("7e-46", &f));  // just under half of float denorm_min (7.006e-46)
  EXPECT_EQ(f, 0.0f);
  EXPECT_TRUE(pflt("8e-46", &f));  // just over half: rounds up to denorm_min
  EXPECT_EQ(f, std::numeric_limits<float>::denorm_min());
  EXPECT_TRUE(pflt("-1e-50", &f));
  EXPECT_EQ(f, 0.0f);
  EXPECT_TRUE(std::signbit(f));
}

TEST(ValueFormatFloat, Float32ReadDirectlyNotViaDouble) {
  float f = 0;
  EXPECT_TRUE(pflt("0.1", &f));
  EXPECT_EQ(f, 0.1f);
  EXPECT_TRUE(pflt("16777217", &f));
  EXPECT_EQ(f, 16777216.0f);
  // Just above the midpoint 1 + 2^-24 between 1.0f and its successor. Read as double it rounds
  // to exactly the midpoint, which then rounds to even (1.0f); read directly it is the successor.
  const char* s = "1.00000005960464478";
  EXPECT_EQ(static_cast<float>(std::strtod(s, nullptr)), 1.0f);
  EXPECT_TRUE(pflt(s, &f));
  EXPECT_EQ(f, std::nextafter(1.0f, 2.0f));
}

TEST(ValueFormatFloat, RandomDoubleRoundTrips) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t b = rng();
    double v;
    std::memcpy(&v, &b, sizeof v);
    const std::string s = dbl(v);
    if (std::isnan(v)) {
      ASSERT_EQ(s, "NaN");
      continue;
    }
    // Exactly what std::to_chars writes for finite values.
    char ref[64];
    const auto r = std::to_chars(ref, ref + sizeof ref, v);
    if (std::isfinite(v)) {
      ASSERT_EQ(s, std::string(ref, r.ptr));
    }
    double back = 0;
    ASSERT_TRUE(pdbl(s, &back)) << s;
    ASSERT_EQ(bits(back), bits(v)) << s;
  }
}

TEST(ValueFormatFloat, RandomFloatRoundTrips) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint32_t b = rng();
    float v;
    std::memcpy(&v, &b, sizeof v);
    const std::string s = flt(v);
    if (std::isnan(v)) {
      ASSERT_EQ(s, "NaN");
      continue;
    }
    char ref[64];
    const auto r = std::to_chars(ref, ref + sizeof ref, v);
    if (std::isfinite(v)) {
      ASSERT_EQ(s, std::string(ref, r.ptr));
    }
    ASSERT_LE(s.size(), 15u);
    float back = 0;
    ASSERT_TRUE(pflt(s, &back)) << s;
    ASSERT_EQ(bits(back), bits(v)) << s;
  }
}

}  // namespace
