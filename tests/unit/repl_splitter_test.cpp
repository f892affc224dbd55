// The REPL's statement splitter (tools/repl/statement_splitter.h): a ';' ends a statement
// only outside string literals, quoted names and comments, across lines.
#include <gtest/gtest.h>

#include "repl/statement_splitter.h"

namespace vlac::repl {
namespace {

std::vector<std::string> split(const std::vector<std::string>& lines, StatementSplitter* s = nullptr) {
  StatementSplitter local;
  StatementSplitter& sp = s ? *s : local;
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    sp.feed(l);
    for (const SplitStatement& st : sp.take()) out.push_back(st.text);
  }
  return out;
}

TEST(ReplSplitter, OneStatementPerSemicolon) {
  EXPECT_EQ(split({"SELECT a FROM s; SELECT b FROM s;\n"}),
            (std::vector<std::string>{"SELECT a FROM s;", "SELECT b FROM s;"}));
}

TEST(ReplSplitter, StatementSpansLines) {
  StatementSplitter s;
  EXPECT_TRUE(split({"SELECT a,\n", "  b\n"}, &s).empty());
  EXPECT_TRUE(s.in_statement());
  EXPECT_EQ(split({"FROM s;\n"}, &s), (std::vector<std::string>{"SELECT a,\n  b\nFROM s;"}));
  EXPECT_FALSE(s.in_statement());
}

TEST(ReplSplitter, SemicolonInStringLiteral) {
  EXPECT_EQ(split({"SELECT 'a;b' AS x FROM s;\n"}), (std::vector<std::string>{"SELECT 'a;b' AS x FROM s;"}));
  // A doubled quote stays inside the string.
  EXPECT_EQ(split({"SELECT 'it''s; fine' FROM s;\n"}), (std::vector<std::string>{"SELECT 'it''s; fine' FROM s;"}));
}

TEST(ReplSplitter, StringSpansLines) {
  StatementSplitter s;
  EXPECT_TRUE(split({"SELECT 'one;\n"}, &s).empty());
  EXPECT_TRUE(s.in_statement());
  EXPECT_EQ(s.mode(), LexMode::String);
  EXPECT_EQ(split({"two' FROM s;\n"}, &s), (std::vector<std::string>{"SELECT 'one;\ntwo' FROM s;"}));
}

TEST(ReplSplitter, SemicolonInQuotedName) {
  EXPECT_EQ(split({"SELECT \"we;ird\"\"x\" FROM s;\n"}), (std::vector<std::string>{"SELECT \"we;ird\"\"x\" FROM s;"}));
}

TEST(ReplSplitter, SemicolonInComments) {
  EXPECT_EQ(split({"SELECT a -- not; the end\n", "FROM s;\n"}),
            (std::vector<std::string>{"SELECT a -- not; the end\nFROM s;"}));
  EXPECT_EQ(split({"SELECT a /* not; \n", " the; end */ FROM s;\n"}),
            (std::vector<std::string>{"SELECT a /* not; \n the; end */ FROM s;"}));
}

TEST(ReplSplitter, QuotesInCommentsAndDashesInStrings) {
  EXPECT_EQ(split({"SELECT a -- it's\n", "FROM s;\n"}), (std::vector<std::string>{"SELECT a -- it's\nFROM s;"}));
  EXPECT_EQ(split({"SELECT '--;' FROM s;\n"}), (std::vector<std::string>{"SELECT '--;' FROM s;"}));
  EXPECT_EQ(split({"SELECT a - 1 FROM s; SELECT a/2 FROM s;\n"}),
            (std::vector<std::string>{"SELECT a - 1 FROM s;", "SELECT a/2 FROM s;"}));
}

TEST(ReplSplitter, BlankAndCommentOnlyTextIsNoStatement) {
  StatementSplitter s;
  EXPECT_TRUE(split({"  \n", "-- just a note;\n", "/* and; this */\n"}, &s).empty());
  EXPECT_FALSE(s.in_statement());
  EXPECT_TRUE(split({";\n", " ; ;\n"}, &s).empty());  // empty statements are dropped
  EXPECT_FALSE(s.in_statement());
}

TEST(ReplSplitter, OpenBlockCommentKeepsTheStatementOpen) {
  StatementSplitter s;
  split({"/* a comment\n"}, &s);
  EXPECT_TRUE(s.in_statement());
  split({"ends here */\n"}, &s);
  EXPECT_FALSE(s.in_statement());
}

TEST(ReplSplitter, TrailingCommentAfterStatementIsNotPending) {
  StatementSplitter s;
  EXPECT_EQ(split({"SELECT a FROM s; -- done\n"}, &s), (std::vector<std::string>{"SELECT a FROM s;"}));
  EXPECT_FALSE(s.in_statement());
}

TEST(ReplSplitter, LinesAndOffsetsForDiagnostics) {
  StatementSplitter s;
  s.feed("SELECT a FROM s; SELECT\n");
  s.feed("  b FROM s;\n");
  std::vector<SplitStatement> st = s.take();
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].first_line, 1u);
  EXPECT_EQ(st[0].lines, "SELECT a FROM s; SELECT");
  EXPECT_EQ(st[0].offset_in_lines, 0u);
  // The second statement is shown with the whole lines it was typed on.
  EXPECT_EQ(st[1].text, "SELECT\n  b FROM s;");
  EXPECT_EQ(st[1].lines, "SELECT a FROM s; SELECT\n  b FROM s;");
  EXPECT_EQ(st[1].offset_in_lines, 17u);
  EXPECT_EQ(st[1].begin, 17u);
}

TEST(ReplSplitter, PendingStatementAtEndOfInput) {
  StatementSplitter s;
  s.feed("SELECT a\n");
  s.feed("FROM s\n");
  EXPECT_TRUE(s.take().empty());
  SplitStatement p = s.pending();
  EXPECT_EQ(p.text, "SELECT a\nFROM s");
}

TEST(ReplSplitter, Helpers) {
  EXPECT_TRUE(is_blank("  -- x\n /* y */ "));
  EXPECT_FALSE(is_blank(" a "));
  EXPECT_EQ(lex_mode_at_end("SELECT 'abc"), LexMode::String);
  EXPECT_EQ(lex_mode_at_end("SELECT 'abc'"), LexMode::Code);
  EXPECT_EQ(lex_mode_at_end("SELECT /* x"), LexMode::BlockComment);
  EXPECT_EQ(lex_mode_at_end("SELECT -- x"), LexMode::LineComment);
  EXPECT_EQ(first_word("  -- c\n create stream x (a INT);"), "CREATE");
  EXPECT_EQ(first_word("/* q */ (SELECT 1)"), "(");
  EXPECT_EQ(first_word("-- only a comment"), "");
}

TEST(ReplSplitter, HistoryForm) {
  EXPECT_EQ(history_form("SELECT a,   -- the a\n       b\nFROM s;"), "SELECT a, b FROM s;");
  EXPECT_EQ(history_form("SELECT a\n;"), "SELECT a ;");
  // A line break inside a string must stay: the statement is kept as it is.
  EXPECT_EQ(history_form("SELECT 'x\ny' FROM s;"), "SELECT 'x\ny' FROM s;");
  EXPECT_EQ(history_form("SELECT '--' FROM s;"), "SELECT '--' FROM s;");
}

}  // namespace
}  // namespace vlac::repl
