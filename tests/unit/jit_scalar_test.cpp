// The generated code for every scalar rule of LANGUAGE.md §2 and §4, run through the JIT over
// one row. Each expected value is worked out by hand from the spec (CSV text as vlac prints it).
#include <gtest/gtest.h>

#include "run_harness.h"

namespace vlac::test {
namespace {

constexpr const char* kStream = R"(CREATE STREAM s (
  ts TIMESTAMP NOT NULL, i INT32, n INT32, neg INT32, big INT64, f FLOAT64, g FLOAT32, u STRING, e STRING, b BOOL,
  WATERMARK FOR ts AS ts);
)";
constexpr const char* kRow =
    "ts,i,n,neg,big,f,g,u,e,b\n2026-11-24T06:31:29.5Z,7,,-7,9223372036854775807,2.5,0.1,Grüße,\"\",true\n";

struct Case {
  const char* expr;
  const char* expected;  // the CSV field
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.expr; }

class JitScalar : public testing::TestWithParam<Case> {};

TEST_P(JitScalar, Evaluates) {
  const Case& c = GetParam();
  RunResult r = run_program(std::string(kStream) + "SELECT " + c.expr + " AS x FROM s;", {kRow});
  ASSERT_TRUE(r.compiled) << c.expr << "\n" << r.diagnostics;
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0], std::string("x\n") + c.expected + "\n") << c.expr;
}

const Case kCases[] = {
    // Integer arithmetic: / truncates toward zero, % takes the dividend's sign, by zero is NULL,
    // overflow wraps.
    {"i + 1", "8"}, {"i / 2", "3"}, {"neg / 2", "-3"}, {"neg % 3", "-1"}, {"i % -3", "1"},
    {"i / 0", ""}, {"i % 0", ""}, {"f / 0", ""}, {"f % 0.0", ""},
    {"big + 1", "-9223372036854775808"}, {"i * 306783379", "-2147483643"}, {"-big - 2", "9223372036854775807"},
    {"big / -1", "-9223372036854775807"}, {"(big + 1) / -1", "-9223372036854775808"}, {"(big + 1) % -1", "0"},
    // Floats: promotion, shortest round-trip output, FLOAT32 in its float32 form.
    {"f * 2", "5"}, {"g", "0.1"}, {"g + 0", "0.1"}, {"g * 1.0", "0.10000000149011612"}, {"1.0 / 3", "0.3333333333333333"},
    {"1e-7", "1e-07"}, {"1e20 * 1.0", "1e+20"}, {"0.0 * -1.0", "-0"}, {"EXP(1000)", "Infinity"}, {"-EXP(1000)", "-Infinity"},
    // CAST: float to integer truncates toward zero; NaN or out of range is NULL.
    {"CAST(f AS INT32)", "2"}, {"CAST(-f AS INT32)", "-2"}, {"CAST(1e10 AS INT32)", ""}, {"CAST(f AS STRING)", "2.5"},
    {"CAST('42' AS INT64)", "42"}, {"CAST('x' AS INT64)", ""}, {"CAST(ts AS INT64)", "1795501889500000000"},
    {"CAST(TRUE AS INT32)", "1"}, {"CAST(big AS INT32)", ""}, {"CAST(i AS INT64) * 3", "21"},
    // NULL and three-valued logic.
    {"n IS NULL", "true"}, {"n + 1", ""}, {"n = 1 OR TRUE", "true"}, {"n = 1 AND FALSE", "false"},
    {"n = 1 AND TRUE", ""}, {"NOT (n = 1)", ""}, {"i > 3 AND b", "true"},
    {"i BETWEEN 1 AND 7", "true"}, {"i NOT BETWEEN 1 AND 6", "true"}, {"i IN (1, 7)", "true"}, {"i IN (1, n)", ""},
    {"i NOT IN (1, 2)", "true"}, {"COALESCE(n, i, 0)", "7"}, {"COALESCE(n, n)", ""},
    {"CASE WHEN i > 5 THEN 'big' ELSE 'small' END", "big"}, {"CASE n WHEN 1 THEN 'a' END", ""},
    {"CASE WHEN n > 1 THEN 1 WHEN i = 7 THEN 2 ELSE 3 END", "2"},
    // Strings: LENGTH counts UTF-8 characters, UPPER/LOWER change ASCII only, SUBSTRING is 1-based.
    {"u || '!'", "Grüße!"}, {"LENGTH(u)", "5"}, {"UPPER(u)", "GRüßE"}, {"LOWER('ABC')", "abc"},
    {"SUBSTRING(u FROM 2 FOR 3)", "rüß"}, {"SUBSTRING(u FROM 0 FOR 2)", "G"}, {"SUBSTRING(u FROM 4)", "ße"},
    {"u LIKE 'Gr%'", "true"}, {"u LIKE 'Gr_ße'", "true"}, {"u LIKE 'gr%'", "false"}, {"u NOT LIKE '%x%'", "true"},
    {"e", "\"\""}, {"e || u", "Grüße"}, {"u > 'Ga'", "true"}, {"'a,b'", "\"a,b\""},
    // The stdlib: outside the domain is NULL; ROUND is half away from zero on the decimal form.
    {"ABS(neg)", "7"}, {"SQRT(-1.0)", ""}, {"SQRT(16)", "4"}, {"LN(0)", ""}, {"LOG10(1000)", "3"},
    {"POWER(2, 10)", "1024"}, {"POWER(-8, 0.5)", ""}, {"ROUND(2.675, 2)", "2.68"}, {"ROUND(-2.5)", "-3"},
    // LEAST/GREATEST order NaN above every number, as MIN/MAX do, in any argument order.
    {"LEAST(CAST('NaN' AS FLOAT64), f)", "2.5"}, {"LEAST(f, CAST('NaN' AS FLOAT64))", "2.5"},
    {"GREATEST(CAST('NaN' AS FLOAT64), f)", "NaN"}, {"GREATEST(f, CAST('NaN' AS FLOAT64))", "NaN"},
    {"CLAMP(CAST('NaN' AS FLOAT64), 0, f)", "2.5"},
    // Digits and positions at their extremes (issue 11): no overflow in the arithmetic.
    {"ROUND(1.5, 2147483647)", "1.5"}, {"ROUND(f, -2147483648)", "0"}, {"ROUND(-f, -2147483648)", "-0"},
    {"ROUND(big, -19)", "-8446744073709551616"}, {"ROUND(big, -18)", "9000000000000000000"},
    {"ROUND(i, -2147483648)", "0"}, {"ROUND(g, 2147483647)", "0.1"},
    {"SUBSTRING(u FROM -5 FOR 9223372036854775807)", "Grüße"}, {"SUBSTRING(u FROM neg FOR 1)", "\"\""}, {"SUBSTRING(u FROM 2 FOR 9223372036854775807)", "rüße"},
    {"SUBSTRING(u FROM 9223372036854775807 FOR 9223372036854775807)", "\"\""},
    {"SUBSTRING(u FROM -9223372036854775807 - 1 FOR 9223372036854775807)", "\"\""},
    {"ROUND(1234, -2)", "1200"}, {"ROUND(1250, -2)", "1300"}, {"ROUND(f)", "3"}, {"FLOOR(-2.5)", "-3"}, {"CEIL(2.1)", "3"},
    {"SIGN(neg)", "-1"}, {"SIGN(f)", "1"}, {"LEAST(i, 3, 9)", "3"}, {"GREATEST(i, n)", ""}, {"CLAMP(i, 0, 5)", "5"},
    {"ASIN(2)", ""}, {"ATAN2(1, 1)", "0.7853981633974483"}, {"COS(0)", "1"},
    // POWER as Java's Math.pow (Flink's): a NaN propagates but x^0 is 1; 1^inf is undefined (NULL).
    {"POWER(1, CAST('NaN' AS FLOAT64))", "NaN"}, {"POWER(CAST('NaN' AS FLOAT64), 0)", "1"},
    {"POWER(-1, CAST('Infinity' AS FLOAT64))", ""}, {"POWER(CAST('-Infinity' AS FLOAT64), 0.5)", "Infinity"},
    // The sine, cosine and tangent of an infinity are outside their domain.
    {"SIN(CAST('Infinity' AS FLOAT64))", ""}, {"COS(CAST('-Infinity' AS FLOAT64))", ""}, {"TAN(CAST('Infinity' AS FLOAT64))", ""},
    {"SIN(CAST('NaN' AS FLOAT64))", "NaN"},
    // A NULL literal as a function's argument takes the type the function gives it (it crashed
    // the JIT: the argument kept the NULL type into code generation).
    {"ABS(NULL)", ""}, {"SIGN(NULL)", ""}, {"FLOOR(NULL)", ""}, {"CEIL(NULL)", ""}, {"ROUND(NULL)", ""},
    {"ROUND(NULL, 1)", ""}, {"ROUND(2.5, NULL)", ""}, {"LENGTH(NULL)", ""}, {"UPPER(NULL)", ""}, {"LOWER(NULL)", ""},
    {"COALESCE(UPPER(NULL), 'x')", "x"}, {"COALESCE(ABS(NULL), 1.5)", "1.5"},
    // Time: timestamp ± interval, timestamp − timestamp is an interval in nanoseconds.
    {"ts + INTERVAL '1' SECOND", "2026-11-24T06:31:30.5Z"}, {"ts - 500ms", "2026-11-24T06:31:29Z"},
    {"ts - TIMESTAMP '2026-11-24T06:31:29Z'", "500000000"}, {"ts + 1ns", "2026-11-24T06:31:29.500000001Z"},
    {"TIMESTAMP '1969-12-31T23:59:59.999999999Z'", "1969-12-31T23:59:59.999999999Z"},
};

INSTANTIATE_TEST_SUITE_P(Spec, JitScalar, testing::ValuesIn(kCases));

}  // namespace
}  // namespace vlac::test
