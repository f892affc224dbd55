// The REPL's result tables (tools/repl/table.h): CSV records back from the runtime's writer,
// the aligned layout, and the row count.
#include <gtest/gtest.h>

#include "repl/table.h"

namespace vlac::repl {
namespace {

std::vector<Record> parse(const std::vector<std::string>& chunks) {
  std::vector<Record> out;
  CsvRecordParser p([&](Record&& r) { out.push_back(std::move(r)); });
  for (const std::string& c : chunks) p.feed(c);
  p.finish();
  return out;
}

TEST(ReplTable, CsvNullEmptyAndQuoted) {
  std::vector<Record> r = parse({"a,b,c\n1,,\"\"\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1][0], Cell("1"));
  EXPECT_EQ(r[1][1], std::nullopt);  // unquoted empty: NULL
  EXPECT_EQ(r[1][2], Cell(""));      // quoted empty: the empty string
  EXPECT_EQ(r[2][0], Cell("x,y"));
  EXPECT_EQ(r[2][1], Cell("say \"hi\""));
  EXPECT_EQ(r[2][2], Cell("two\nlines"));
}

TEST(ReplTable, CsvAcrossChunks) {
  // Split everywhere, including between the two quotes of "" and inside a quoted line break.
  const std::string text = "h1,h2\n\"a\"\"b\",2\n\"c\nd\",\n";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    std::vector<Record> r = parse({text.substr(0, cut), text.substr(cut)});
    ASSERT_EQ(r.size(), 3u) << cut;
    EXPECT_EQ(r[1][0], Cell("a\"b")) << cut;
    EXPECT_EQ(r[2][0], Cell("c\nd")) << cut;
    EXPECT_EQ(r[2][1], std::nullopt) << cut;
  }
}

TEST(ReplTable, CsvLastLineWithoutLineEnd) {
  std::vector<Record> r = parse({"a\n1\n2"});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[2][0], Cell("2"));
}

TEST(ReplTable, Layout) {
  std::vector<Record> rows = {{Cell("1"), Cell("camera one"), Cell("0.5")}, {Cell("22"), std::nullopt, Cell("10")}};
  EXPECT_EQ(render_table({"id", "name", "v"}, {true, false, true}, rows, {""}),  // `.nullvalue ''`
            "id  name          v\n"
            "--  ----------  ---\n"
            " 1  camera one  0.5\n"
            "22               10\n");
}

TEST(ReplTable, NullIsShownAsNullByDefault) {  // as `vlac run --format table` shows it
  std::vector<Record> rows = {{Cell("1"), std::nullopt}};
  EXPECT_EQ(render_table({"id", "name"}, {true, false}, rows, TableStyle{}),
            "id  name\n"
            "--  ----\n"
            " 1  NULL\n");
}

TEST(ReplTable, LayoutNullTextAndNoTrailingBlanks) {
  std::vector<Record> rows = {{Cell("a"), std::nullopt}, {Cell("bbbb"), Cell("x")}};
  EXPECT_EQ(render_table({"k", "label"}, {false, false}, rows, {"NULL"}),
            "k     label\n"
            "----  -----\n"
            "a     NULL\n"
            "bbbb  x\n");
}

TEST(ReplTable, LayoutEscapesControlCharactersAndCountsCodePoints) {
  std::vector<Record> rows = {{Cell("a\nb")}, {Cell("\xC3\xA9t\xC3\xA9")}};  // "été": 3 columns
  EXPECT_EQ(render_table({"s"}, {false}, rows, {}),
            "s\n"
            "----\n"
            "a\\nb\n"
            "\xC3\xA9t\xC3\xA9\n");
}

TEST(ReplTable, LayoutWithNoRows) {
  EXPECT_EQ(render_table({"cam_id", "frames"}, {true, true}, {}, {}),
            "cam_id  frames\n"
            "------  ------\n");
}

TEST(ReplTable, RowCounts) {
  EXPECT_EQ(row_count_text(0, 0), "(0 rows)");
  EXPECT_EQ(row_count_text(1, 1), "(1 row)");
  EXPECT_EQ(row_count_text(123, 20), "(123 rows, first 20 shown)");
}

TEST(ReplTable, CollectorKeepsTheFirstRowsAndCountsAll) {
  TableCollector c(2);
  c.feed("x\n1\n2\n3\n");
  c.feed("4\n");
  c.finish();
  EXPECT_EQ(c.count(), 4u);
  ASSERT_EQ(c.rows().size(), 2u);
  EXPECT_EQ(c.rows()[1][0], Cell("2"));
  TableCollector all(0);
  all.feed("x\n1\n2\n3\n");
  all.finish();
  EXPECT_EQ(all.rows().size(), 3u);
}

TEST(ReplTable, LiveTablePrintsRowsAsTheyCome) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  {
    LiveTable t(f, {"cam_id", "name"}, {true, false}, {});
    t.feed("cam_id,name\n1,a\n");
    std::fflush(f);
    EXPECT_EQ(std::string(buf, size), "cam_id  name\n------  ----\n     1  a\n");
    t.feed("1234567,longer name\n");
    t.finish();
    EXPECT_EQ(t.count(), 2u);
  }
  std::fclose(f);
  EXPECT_EQ(std::string(buf, size), "cam_id  name\n------  ----\n     1  a\n1234567  longer name\n");
  std::free(buf);
}

}  // namespace
}  // namespace vlac::repl
