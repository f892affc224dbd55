// The lexer and parser: every statement form of LANGUAGE.md §3-§6 parses to the AST it means,
// and syntax errors point at the offending token.
#include <gtest/gtest.h>

#include "parse/parser.h"

namespace vlac {
namespace {

using namespace vlac::ast;

struct Parsed {
  std::unique_ptr<SourceFile> file;
  Diagnostics diags;
  Program program;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.file = std::make_unique<SourceFile>("t.vsql", text);
  p.program = parse_program(*p.file, p.diags);
  return p;
}

const Select& first_select(const Parsed& p, size_t statement = 0) {
  return *p.program.statements.at(statement).query->selects.at(0);
}

TEST(Parser, SourceStreamWithWatermarkAndOptions) {
  Parsed p = parse(
      "CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT, name STRING(16), b BIGINT,\n"
      "  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND) WITH (max_keys = 10);");
  ASSERT_FALSE(p.diags.has_errors());
  const Statement& st = p.program.statements.at(0);
  EXPECT_EQ(st.kind, StatementKind::CreateSource);
  EXPECT_EQ(st.name.name, "camera");
  ASSERT_EQ(st.columns.size(), 4u);
  EXPECT_TRUE(st.columns[0].not_null);
  EXPECT_EQ(st.columns[0].type.type.kind, TypeKind::Timestamp);
  EXPECT_EQ(st.columns[1].type.type.kind, TypeKind::Int32);
  EXPECT_EQ(st.columns[2].type.type, Type::string(16));
  EXPECT_EQ(st.columns[3].type.type.kind, TypeKind::Int64);
  ASSERT_EQ(st.watermarks.size(), 1u);
  EXPECT_EQ(st.watermarks[0].column.name, "ts");
  ASSERT_EQ(st.options.size(), 1u);
  EXPECT_EQ(st.options[0].name.name, "max_keys");
  EXPECT_EQ(st.options[0].text, "10");
}

TEST(Parser, DerivedStreamAndBareQuery) {
  Parsed p = parse("CREATE STREAM d WITH (max_keys = 4) AS SELECT a FROM s; SELECT * FROM d;");
  ASSERT_FALSE(p.diags.has_errors());
  ASSERT_EQ(p.program.statements.size(), 2u);
  EXPECT_EQ(p.program.statements[0].kind, StatementKind::CreateDerived);
  EXPECT_EQ(p.program.statements[1].kind, StatementKind::Query);
  EXPECT_EQ(first_select(p, 1).items[0].kind, SelectItemKind::Star);
}

TEST(Parser, KeywordsAreCaseInsensitiveIdentifiersAreNot) {
  Parsed p = parse("sElEcT Cam, \"from\", \"a\"\"b\" FrOm Camera;");
  ASSERT_FALSE(p.diags.has_errors());
  const Select& s = first_select(p);
  EXPECT_EQ(static_cast<const ColumnExpr&>(*s.items[0].expr).name.name, "Cam");
  EXPECT_EQ(static_cast<const ColumnExpr&>(*s.items[1].expr).name.name, "from");
  EXPECT_EQ(static_cast<const ColumnExpr&>(*s.items[2].expr).name.name, "a\"b");
  EXPECT_EQ(s.from->stream.name, "Camera");
}

TEST(Parser, CommentsOfBothForms) {
  Parsed p = parse("-- line\nSELECT /* inline */ a -- end\nFROM s; /* tail\n comment */");
  ASSERT_FALSE(p.diags.has_errors());
  EXPECT_EQ(p.program.statements.size(), 1u);
}

TEST(Parser, IntervalLiteralsInBothForms) {
  Parsed p = parse("SELECT INTERVAL '50' MILLISECOND, 50ms, INTERVAL '-8' HOUR, -50ms, INTERVAL '1.5' SECONDS, 2min, 1d, 3us, 7ns, 1h, 10s FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  const Select& s = first_select(p);
  auto ns = [&](size_t i) { return static_cast<const LiteralExpr&>(*s.items[i].expr).interval_ns; };
  EXPECT_EQ(ns(0), 50'000'000);
  EXPECT_EQ(ns(1), 50'000'000);
  EXPECT_EQ(ns(2), -8LL * 3600 * 1'000'000'000);
  EXPECT_EQ(s.items[3].expr->kind, ExprKind::Unary);  // -50ms is a negation of 50ms
  EXPECT_EQ(ns(4), 1'500'000'000);
  EXPECT_EQ(ns(5), 120'000'000'000);
  EXPECT_EQ(ns(6), 86'400'000'000'000);
  EXPECT_EQ(ns(7), 3'000);
  EXPECT_EQ(ns(8), 7);
  EXPECT_EQ(ns(9), 3'600'000'000'000);
  EXPECT_EQ(ns(10), 10'000'000'000);
}

TEST(Parser, OperatorPrecedence) {
  // a + b * c = d AND NOT e OR f  parses as  ((a + (b * c)) = d AND (NOT e)) OR f
  Parsed p = parse("SELECT a + b * c = d AND NOT e OR f FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  const auto& top = static_cast<const BinaryExpr&>(*first_select(p).items[0].expr);
  EXPECT_EQ(top.op, BinaryOp::Or);
  const auto& land = static_cast<const BinaryExpr&>(*top.left);
  EXPECT_EQ(land.op, BinaryOp::And);
  EXPECT_EQ(land.right->kind, ExprKind::Unary);
  const auto& eq = static_cast<const BinaryExpr&>(*land.left);
  EXPECT_EQ(eq.op, BinaryOp::Eq);
  const auto& add = static_cast<const BinaryExpr&>(*eq.left);
  EXPECT_EQ(add.op, BinaryOp::Add);
  EXPECT_EQ(static_cast<const BinaryExpr&>(*add.right).op, BinaryOp::Mul);
}

TEST(Parser, BetweenBindsTighterThanAnd) {
  Parsed p = parse("SELECT x BETWEEN 1 AND 2 AND y FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  const auto& top = static_cast<const BinaryExpr&>(*first_select(p).items[0].expr);
  EXPECT_EQ(top.op, BinaryOp::And);
  EXPECT_EQ(top.left->kind, ExprKind::Between);
}

TEST(Parser, PredicatesCaseCastSubstring) {
  Parsed p = parse(
      "SELECT x NOT IN (1, 2), s LIKE 'a%', s NOT LIKE '_', x IS NOT NULL, x NOT BETWEEN 1 AND 2,\n"
      " CASE x WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN x > 1 THEN 1 END, CAST(x AS DOUBLE),\n"
      " SUBSTRING(s FROM 2 FOR 3), COALESCE(a, b), 'it''s', TIMESTAMP '2026-11-24T06:31:29.5Z' FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  const Select& s = first_select(p);
  EXPECT_TRUE(static_cast<const InListExpr&>(*s.items[0].expr).negated);
  EXPECT_FALSE(static_cast<const LikeExpr&>(*s.items[1].expr).negated);
  EXPECT_TRUE(static_cast<const LikeExpr&>(*s.items[2].expr).negated);
  EXPECT_TRUE(static_cast<const IsNullExpr&>(*s.items[3].expr).negated);
  EXPECT_TRUE(static_cast<const BetweenExpr&>(*s.items[4].expr).negated);
  EXPECT_NE(static_cast<const CaseExpr&>(*s.items[5].expr).operand, nullptr);
  EXPECT_EQ(static_cast<const CaseExpr&>(*s.items[6].expr).else_result, nullptr);
  EXPECT_EQ(static_cast<const CastExpr&>(*s.items[7].expr).target.type.kind, TypeKind::Float64);
  EXPECT_NE(static_cast<const SubstringExpr&>(*s.items[8].expr).length, nullptr);
  EXPECT_EQ(static_cast<const CallExpr&>(*s.items[9].expr).args.size(), 2u);
  EXPECT_EQ(static_cast<const LiteralExpr&>(*s.items[10].expr).text, "it's");
  EXPECT_EQ(static_cast<const LiteralExpr&>(*s.items[11].expr).literal, LiteralKind::Timestamp);
}

TEST(Parser, WindowFunctionsJoinsAndGrouping) {
  Parsed p = parse(
      "SELECT k, COUNT(*) FROM HOP(s, ts, 1s, 5s, 100ms) w GROUP BY k, window_start HAVING COUNT(*) > 1;\n"
      "SELECT * FROM a LEFT ASOF JOIN b ON a.k = b.k AND a.ts >= b.ts JOIN c ON TRUE;\n"
      "SELECT * FROM a ASOF JOIN b ON TRUE LEFT OUTER JOIN c ON TRUE INNER JOIN d ON TRUE;\n"
      "SELECT * FROM (SELECT * FROM a UNION ALL SELECT * FROM b) u;");
  ASSERT_FALSE(p.diags.has_errors());
  const Select& s0 = first_select(p, 0);
  ASSERT_EQ(s0.from->kind, RelationKind::Window);
  EXPECT_EQ(s0.from->window->kind, WindowKind::Hop);
  EXPECT_EQ(s0.from->window->args.size(), 3u);
  EXPECT_EQ(s0.from->alias->name, "w");
  EXPECT_EQ(s0.group_by.size(), 2u);
  EXPECT_NE(s0.having, nullptr);
  const Select& s1 = first_select(p, 1);
  ASSERT_EQ(s1.joins.size(), 2u);
  EXPECT_EQ(s1.joins[0].kind, JoinKind::LeftAsof);
  EXPECT_EQ(s1.joins[1].kind, JoinKind::Inner);
  const Select& s2 = first_select(p, 2);
  EXPECT_EQ(s2.joins[0].kind, JoinKind::Asof);
  EXPECT_EQ(s2.joins[1].kind, JoinKind::Left);
  EXPECT_EQ(s2.joins[2].kind, JoinKind::Inner);
  const Select& s3 = first_select(p, 3);
  ASSERT_EQ(s3.from->kind, RelationKind::Subquery);
  EXPECT_EQ(s3.from->subquery->selects.size(), 2u);
}

TEST(Parser, OverClauses) {
  Parsed p = parse(
      "SELECT AVG(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),\n"
      " SUM(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW),\n"
      " COUNT(*) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), LAG(x, 2) OVER (ORDER BY ts) FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  const Select& s = first_select(p);
  const auto& c0 = static_cast<const CallExpr&>(*s.items[0].expr);
  ASSERT_NE(c0.over, nullptr);
  EXPECT_EQ(c0.over->partition_by.size(), 1u);
  EXPECT_EQ(c0.over->frame->kind, FrameKind::Rows);
  const auto& c1 = static_cast<const CallExpr&>(*s.items[1].expr);
  EXPECT_EQ(c1.over->frame->kind, FrameKind::Range);
  const auto& c2 = static_cast<const CallExpr&>(*s.items[2].expr);
  EXPECT_TRUE(c2.star);
  EXPECT_TRUE(c2.over->frame->unbounded);
  const auto& c3 = static_cast<const CallExpr&>(*s.items[3].expr);
  EXPECT_FALSE(c3.over->frame.has_value());
}

TEST(Parser, SourceRangesAreBytes) {
  Parsed p = parse("SELECT brightness FROM camera;");
  const Select& s = first_select(p);
  EXPECT_EQ(p.file->slice(s.items[0].expr->range), "brightness");
  EXPECT_EQ(p.file->slice(s.from->range), "camera");
}

TEST(Parser, RangesStayBytesAfterNonAsciiText) {
  Parsed p = parse("SELECT 'größe', x FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  EXPECT_EQ(p.file->slice(first_select(p).items[1].expr->range), "x");
}

/// Each syntax error is reported at its token, and one bad statement leaves the others alone.
struct SyntaxCase {
  const char* text;
  uint32_t line, col;
  const char* message_part;
};

class SyntaxErrors : public testing::TestWithParam<SyntaxCase> {};

TEST_P(SyntaxErrors, PointAtTheToken) {
  const SyntaxCase& c = GetParam();
  Parsed p = parse(c.text);
  ASSERT_TRUE(p.diags.has_errors()) << c.text;
  const Diagnostic d = p.diags.sorted().front();
  LineCol at = p.file->line_col(d.range.begin);
  EXPECT_EQ(at.line, c.line) << c.text << ": " << d.message;
  EXPECT_EQ(at.col, c.col) << c.text << ": " << d.message;
  EXPECT_NE(d.message.find(c.message_part), std::string::npos) << d.message;
}

const SyntaxCase kSyntaxCases[] = {
    {"SELECT a FROM s WHERE;", 1, 22, "unexpected ';'"},
    {"SELECT a b c FROM s;", 1, 12, "unexpected 'c'"},
    {"SELECT a FROM s", 1, 16, "missing ';'"},
    {"CREATE STREAM s (a INT32 b INT32);", 1, 26, "unexpected 'b'"},
    {"SELECT range FROM s;", 1, 8, "reserved word"},
    {"SELECT 'open FROM s;", 1, 8, "unterminated string"},
    {"SELECT a FROM s; /* open", 1, 18, "unterminated block comment"},
    {"SELECT a # b FROM s;", 1, 10, "unexpected character '#'"},
    {"SELECT a FROM s;\nSELECT FROM s;", 2, 8, "unexpected 'FROM'"},
    {"SELECT INTERVAL '5' FORTNIGHT FROM s;", 1, 21, "unknown interval unit"},
    {"CREATE STREAM s (a INTEGRAL);", 1, 20, "unknown type"},
    {"SELECT a FROM s \xff;", 1, 17, "not valid UTF-8"},
    {"SELECT a FROM s\nSELECT b FROM s;", 1, 16, "missing ';'"},
    {"SELECT a FROM TUMBLE(s, ts, 2sec);", 1, 29, "unknown duration unit 'sec'"},
    {"SELECT a, FROM s;", 1, 11, "unexpected 'FROM'"},
};

INSTANTIATE_TEST_SUITE_P(Cases, SyntaxErrors, testing::ValuesIn(kSyntaxCases));

TEST(Parser, NumbersRunIntoWordsAreOneToken) {
  Parsed p = parse("SELECT 1e5, 1.5e3, 50ms, 2min FROM s;");
  ASSERT_FALSE(p.diags.has_errors());
  const Select& s = first_select(p);
  ASSERT_EQ(s.items.size(), 4u);
  EXPECT_EQ(static_cast<const LiteralExpr&>(*s.items[0].expr).literal, LiteralKind::Decimal);
  EXPECT_EQ(static_cast<const LiteralExpr&>(*s.items[1].expr).literal, LiteralKind::Decimal);
  EXPECT_EQ(static_cast<const LiteralExpr&>(*s.items[2].expr).interval_ns, 50'000'000);
  EXPECT_EQ(static_cast<const LiteralExpr&>(*s.items[3].expr).interval_ns, 120'000'000'000);
  // `2sec` is one bad token (not `2s` followed by `ec`), with the unit that was meant.
  Parsed bad = parse("SELECT 2sec FROM s;");
  ASSERT_EQ(bad.diags.error_count(), 1u);
  EXPECT_EQ(bad.diags.all()[0].message, "unknown duration unit 'sec'");
  EXPECT_NE(bad.diags.all()[0].hint.find("2s?"), std::string::npos) << bad.diags.all()[0].hint;
}

TEST(Parser, MissingSemicolonBetweenStatementsKeepsBoth) {
  Parsed p = parse("CREATE STREAM s (ts TIMESTAMP NOT NULL)\nSELECT ts FROM s\nSELECT ts FROM s;");
  EXPECT_EQ(p.diags.error_count(), 2u);
  ASSERT_EQ(p.program.statements.size(), 3u);
  EXPECT_EQ(p.program.statements[0].kind, StatementKind::CreateSource);
}

TEST(Parser, StreamWithAnInvalidIntervalIsRememberedAsBroken) {
  Parsed p = parse("CREATE STREAM s (ts TIMESTAMP NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '5' MILISECOND);\n"
                   "CREATE STREAM \"q s\" (ts TIMESTAMP NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.5' NANOSECOND);");
  EXPECT_EQ(p.diags.error_count(), 2u);
  EXPECT_EQ(p.program.broken_streams, (std::vector<std::string>{"s", "q s"}));
  EXPECT_NE(p.diags.all()[0].hint.find("did you mean MILLISECOND?"), std::string::npos) << p.diags.all()[0].hint;
}

TEST(Parser, EveryBrokenStatementIsReportedAndTheRestParse) {
  Parsed p = parse("SELECT FROM a;\nSELECT x FROM b;\nSELECT y FROM;\nSELECT z FROM c;");
  EXPECT_EQ(p.diags.error_count(), 2u);
  EXPECT_EQ(p.program.statements.size(), 2u);
}

}  // namespace
}  // namespace vlac
