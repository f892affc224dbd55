// Table-driven tests of LANGUAGE.md §2 (types, promotion, literals, nullability) and §4's
// result types. Each row is a query over one source stream and the type of its column x,
// taken from the spec by hand.
#include <gtest/gtest.h>

#include "frontend/frontend.h"

namespace vlac {
namespace {

constexpr const char* kStream = R"(
CREATE STREAM s (
  i32 INT32, i32n INT32 NOT NULL, i64 INT64, f32 FLOAT32, f64 FLOAT64, f64n FLOAT64 NOT NULL,
  b BOOL, ts TIMESTAMP NOT NULL, str STRING, s8 STRING(8),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
);
)";

struct TypeRow {
  const char* query;     // the statement after kStream
  const char* type;      // expected type of column x
  bool nullable;
};

void PrintTo(const TypeRow& r, std::ostream* os) { *os << r.query; }

class TypeRules : public testing::TestWithParam<TypeRow> {};

TEST_P(TypeRules, ColumnX) {
  const TypeRow& row = GetParam();
  Compilation c = compile_program("t.vsql", std::string(kStream) + row.query);
  ASSERT_FALSE(c.diags.has_errors()) << row.query << "\n" << render_report(*c.file, c.diags);
  ASSERT_EQ(c.program.outputs.size(), 1u);
  const Schema& s = c.program.outputs[0].plan->schema;
  const Column* x = nullptr;
  for (const Column& col : s.columns)
    if (col.name == "x") x = &col;
  ASSERT_NE(x, nullptr) << row.query;
  EXPECT_EQ(type_name(x->type.type), row.type) << row.query;
  EXPECT_EQ(x->type.nullable, row.nullable) << row.query;
}

const TypeRow kRows[] = {
    // Promotion: the wider of INT32 < INT64 < FLOAT32 < FLOAT64, except INT64 with FLOAT32.
    {"SELECT i32 + i32 AS x FROM s;", "INT32", true},
    {"SELECT i32n + i32n AS x FROM s;", "INT32", false},
    {"SELECT i32 + i64 AS x FROM s;", "INT64", true},
    {"SELECT i32 * f32 AS x FROM s;", "FLOAT32", true},
    {"SELECT i64 + f32 AS x FROM s;", "FLOAT64", true},
    {"SELECT f32 - f64 AS x FROM s;", "FLOAT64", true},
    {"SELECT i32n - 1 AS x FROM s;", "INT32", false},
    {"SELECT i32n + 3000000000 AS x FROM s;", "INT64", false},
    // Division and modulo by zero give NULL, so they are nullable unless the divisor is a
    // non-zero constant.
    {"SELECT i32n / 2 AS x FROM s;", "INT32", false},
    {"SELECT i32n / i32n AS x FROM s;", "INT32", true},
    {"SELECT i32n % 0 AS x FROM s;", "INT32", true},
    {"SELECT f64n / 0.0 AS x FROM s;", "FLOAT64", true},
    {"SELECT f64n / 2.0 AS x FROM s;", "FLOAT64", false},
    // Literals.
    {"SELECT 1 AS x FROM s;", "INT32", false},
    {"SELECT 2147483647 AS x FROM s;", "INT32", false},
    {"SELECT 2147483648 AS x FROM s;", "INT64", false},
    // A negative literal is typed by its value (Flink): INT32's and INT64's least values fit.
    {"SELECT -2147483648 AS x FROM s;", "INT32", false},
    {"SELECT -2147483649 AS x FROM s;", "INT64", false},
    {"SELECT -9223372036854775808 AS x FROM s;", "INT64", false},
    {"SELECT -2147483648 / CAST(4.875 AS FLOAT32) AS x FROM s;", "FLOAT32", true},  // / is nullable
    {"SELECT 0.05 AS x FROM s;", "FLOAT64", false},
    {"SELECT 1e3 AS x FROM s;", "FLOAT64", false},
    {"SELECT TRUE AS x FROM s;", "BOOL", false},
    {"SELECT 'it''s' AS x FROM s;", "STRING(4)", false},
    {"SELECT TIMESTAMP '2026-11-24T06:31:29.5Z' AS x FROM s;", "TIMESTAMP", false},
    {"SELECT INTERVAL '50' MILLISECOND AS x FROM s;", "INTERVAL", false},
    {"SELECT -50ms AS x FROM s;", "INTERVAL", false},
    // Comparisons compare in the promoted type; NULL propagates.
    {"SELECT f32 > 0.05 AS x FROM s;", "BOOL", true},
    {"SELECT i32n = 1 AS x FROM s;", "BOOL", false},
    {"SELECT i32n BETWEEN 1 AND 3 AS x FROM s;", "BOOL", false},
    {"SELECT i32n IN (1, 2, NULL) AS x FROM s;", "BOOL", true},
    {"SELECT i32 IS NULL AS x FROM s;", "BOOL", false},
    {"SELECT NOT b AS x FROM s;", "BOOL", true},
    {"SELECT b AND i32n > 0 AS x FROM s;", "BOOL", true},
    {"SELECT str LIKE 'cam%' AS x FROM s;", "BOOL", true},
    // Time arithmetic.
    {"SELECT ts + INTERVAL '1' SECOND AS x FROM s;", "TIMESTAMP", false},
    {"SELECT ts - 50ms AS x FROM s;", "TIMESTAMP", false},
    {"SELECT ts - ts AS x FROM s;", "INTERVAL", false},
    {"SELECT CAST(ts AS INT64) AS x FROM s;", "INT64", false},
    // CAST: float to integer can fail (NaN, out of range), so it is nullable.
    {"SELECT CAST(f64n AS INT32) AS x FROM s;", "INT32", true},
    {"SELECT CAST(i32n AS FLOAT64) AS x FROM s;", "FLOAT64", false},
    {"SELECT CAST(i32n AS STRING) AS x FROM s;", "STRING", false},
    {"SELECT CAST(NULL AS INT64) AS x FROM s;", "INT64", true},
    // CASE, COALESCE and the stdlib.
    {"SELECT CASE WHEN b THEN 1 ELSE 2.5 END AS x FROM s;", "FLOAT64", false},
    {"SELECT CASE WHEN b THEN 1 END AS x FROM s;", "INT32", true},
    {"SELECT CASE i32n WHEN 1 THEN 'one' ELSE 'many' END AS x FROM s;", "STRING(4)", false},
    {"SELECT COALESCE(i32, 0) AS x FROM s;", "INT32", false},
    {"SELECT COALESCE(i32, i64) AS x FROM s;", "INT64", true},
    {"SELECT LEAST(i32n, 2) AS x FROM s;", "INT32", false},
    {"SELECT GREATEST(i32, 2) AS x FROM s;", "INT32", true},
    {"SELECT CLAMP(f32, 0, 1) AS x FROM s;", "FLOAT32", true},
    {"SELECT SQRT(i32n) AS x FROM s;", "FLOAT64", true},
    {"SELECT LN(f64n) AS x FROM s;", "FLOAT64", true},
    {"SELECT SIN(f64n) AS x FROM s;", "FLOAT64", true},  // SIN of an infinity is NULL
    {"SELECT ATAN(f64n) AS x FROM s;", "FLOAT64", false},
    {"SELECT POWER(i32n, 2) AS x FROM s;", "FLOAT64", true},
    {"SELECT ABS(i32n) AS x FROM s;", "INT32", false},
    {"SELECT FLOOR(f32) AS x FROM s;", "FLOAT32", true},
    {"SELECT ROUND(f64n, 2) AS x FROM s;", "FLOAT64", false},
    {"SELECT SIGN(i64) AS x FROM s;", "INT64", true},
    {"SELECT LENGTH(str) AS x FROM s;", "INT32", true},
    {"SELECT UPPER(s8) AS x FROM s;", "STRING(8)", true},
    {"SELECT s8 || s8 AS x FROM s;", "STRING(16)", true},
    {"SELECT str || 'a' AS x FROM s;", "STRING", true},
    {"SELECT SUBSTRING(s8 FROM 2 FOR 3) AS x FROM s;", "STRING(8)", true},
    // Aggregates: COUNT and integer SUM give INT64; AVG, STDDEV, VAR and float SUM give
    // FLOAT64; MIN/MAX keep the type. Over no rows (a global aggregate) they are NULL.
    {"SELECT COUNT(*) AS x FROM s;", "INT64", false},
    {"SELECT COUNT(i32) AS x FROM s;", "INT64", false},
    {"SELECT SUM(i32n) AS x FROM s;", "INT64", true},
    {"SELECT SUM(i32n) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "INT64", false},
    {"SELECT SUM(f32) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "FLOAT64", true},
    {"SELECT AVG(i32n) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "FLOAT64", false},
    {"SELECT MIN(f32) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "FLOAT32", true},
    {"SELECT MAX(s8) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "STRING(8)", true},
    {"SELECT MAX(ts - ts) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "INTERVAL", false},
    {"SELECT STDDEV_SAMP(i32n) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "FLOAT64", true},
    {"SELECT VAR_POP(f64n) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "FLOAT64", false},
    {"SELECT FIRST_VALUE(str) AS x FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "STRING", true},
    {"SELECT i32n AS x, COUNT(*) AS n FROM s GROUP BY i32n;", "INT32", false},
    {"SELECT window_start AS x, COUNT(*) AS n FROM TUMBLE(s, ts, INTERVAL '1' SECOND);", "TIMESTAMP", false},
    // OVER and LAG.
    {"SELECT LAG(i32n) OVER (ORDER BY ts) AS x FROM s;", "INT32", true},
    {"SELECT SUM(i32n) OVER (PARTITION BY str ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS x FROM s;", "INT64", false},
    {"SELECT AVG(f32) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) AS x FROM s;", "FLOAT64", true},
};

INSTANTIATE_TEST_SUITE_P(Spec, TypeRules, testing::ValuesIn(kRows));

/// Expressions that §2 rejects.
class TypeErrors : public testing::TestWithParam<const char*> {};

TEST_P(TypeErrors, AreReported) {
  Compilation c = compile_program("t.vsql", std::string(kStream) + GetParam());
  EXPECT_TRUE(c.diags.has_errors()) << GetParam();
}

const char* kErrors[] = {
    "SELECT i32 + str AS x FROM s;",
    "SELECT ts + 1 AS x FROM s;",
    "SELECT b + 1 AS x FROM s;",
    "SELECT str > 1 AS x FROM s;",
    "SELECT ts > '2026-01-01' AS x FROM s;",
    "SELECT NULL AS x FROM s;",
    "SELECT CAST(ts AS BOOL) AS x FROM s;",
    "SELECT i32 || i32 AS x FROM s;",
    "SELECT ts * 2 AS x FROM s;",
    "SELECT ts + ts AS x FROM s;",
    "SELECT SUM(str) AS x FROM s;",
    "SELECT 9223372036854775808 AS x FROM s;",
    "SELECT i32 FROM s WHERE i32;",
    "SELECT ABS(str) AS x FROM s;",
    "SELECT LENGTH(i32) AS x FROM s;",
    "SELECT CASE WHEN b THEN 1 ELSE 'a' END AS x FROM s;",
    "SELECT TIMESTAMP '2026-02-30T00:00:00Z' AS x FROM s;",
};

INSTANTIATE_TEST_SUITE_P(Spec, TypeErrors, testing::ValuesIn(kErrors));

/// Every independent error of a statement is reported, and none that only echoes another.
struct ErrorCount {
  const char* program;  // after kStream
  size_t errors;
};

class IndependentErrors : public testing::TestWithParam<ErrorCount> {};

TEST_P(IndependentErrors, AreEachReportedOnce) {
  Compilation c = compile_program("t.vsql", std::string(kStream) + GetParam().program);
  EXPECT_EQ(c.diags.error_count(), GetParam().errors) << GetParam().program << "\n" << render_report(*c.file, c.diags);
}

const ErrorCount kErrorCounts[] = {
    // WHERE, the SELECT list and the window's size are checked independently.
    {"SELECT nope, COUNT(*) AS n FROM TUMBLE(s, ts, 0ms) WHERE i32 GROUP BY i32;", 3},
    // A failed GROUP BY key does not make every other column "not in GROUP BY".
    {"SELECT i32, f32, COUNT(*) AS n FROM s GROUP BY nope;", 1},
    // LAG without OVER does not make the query an aggregate query.
    {"SELECT i32, LAG(i32) AS x FROM s;", 1},
    // A derived stream with errors is not "used before it is declared" by its readers.
    {"CREATE STREAM d AS SELECT nope FROM s;\nSELECT * FROM d;", 1},
    // Each SELECT of a UNION ALL is checked.
    {"SELECT nope FROM s UNION ALL SELECT nada FROM s;", 2},
    // A window argument computed from a column is not constant (not an unknown column).
    {"SELECT COUNT(*) AS n FROM TUMBLE(s, ts, i32 * 1ms);", 1},
};

INSTANTIATE_TEST_SUITE_P(Spec, IndependentErrors, testing::ValuesIn(kErrorCounts));

}  // namespace
}  // namespace vlac
