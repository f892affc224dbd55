// The REPL's result tables: the runtime's table writer (runtime/io/table_writer.h, the one
// `vlac run --format table` uses) with the options the session gives it (repl/query_output.h):
// the layout, NULL, escapes, the row count, `.limit`, and live input shown as it comes.
// Expected tables are written by hand: two blanks between columns, numbers right-aligned, no
// blanks at a line's end.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "repl/query_output.h"
#include "runtime/io/row_writer.h"
#include "runtime/io/table_writer.h"

namespace vlac::repl {
namespace {

using rt::FieldType;

/// A cell of a test row: NULL, an integer, a double or a string (a literal: it must outlive the row).
using Cell = std::variant<std::monostate, int64_t, double, std::string_view>;

std::vector<uint8_t> make_row(const rt::RowLayout& layout, const std::vector<Cell>& cells) {
  std::vector<uint8_t> row(layout.size, 0);
  for (size_t c = 0; c < cells.size(); ++c) {
    const rt::Field& f = layout.fields[c];
    if (std::holds_alternative<std::monostate>(cells[c])) {
      rt::set_null(row.data(), f, true);
    } else if (f.type == FieldType::Int32) {
      rt::put(row.data(), f, static_cast<int32_t>(std::get<int64_t>(cells[c])));
    } else if (f.type == FieldType::Int64) {
      rt::put(row.data(), f, std::get<int64_t>(cells[c]));
    } else if (f.type == FieldType::Float64) {
      rt::put(row.data(), f, std::get<double>(cells[c]));
    } else {
      const std::string_view s = std::get<std::string_view>(cells[c]);
      rt::put(row.data(), f, rt::StringRef{s.data(), static_cast<uint32_t>(s.size())});
    }
  }
  return row;
}

rt::RowLayout layout_of(const std::vector<FieldType>& types) {
  std::vector<rt::RowLayout::ColumnSpec> cs;
  for (FieldType t : types) cs.push_back({t, true, 0});
  return rt::RowLayout::make(cs);
}

/// An in-memory FILE and what was written to it.
class Memory {
 public:
  Memory() : f_(open_memstream(&buf_, &size_)) {}
  ~Memory() {
    std::fclose(f_);
    std::free(buf_);
  }
  std::FILE* file() const { return f_; }
  std::string text() {
    std::fflush(f_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  std::FILE* f_;
};

/// The table a query with these columns and rows prints under `settings` (not live).
std::string table(const std::vector<std::string>& names, const std::vector<FieldType>& types,
                  const std::vector<std::vector<Cell>>& rows, const Settings& settings = {}) {
  const rt::RowLayout layout = layout_of(types);
  Memory out;
  auto w = rt::make_row_writer(out.file(), names, layout, result_writer_options(settings, false));
  for (const auto& r : rows) w->write(make_row(layout, r).data());
  w->finish();
  return out.text();
}

Settings with_null_text(std::string text) {
  Settings s;
  s.null_text = std::move(text);
  return s;
}

TEST(ReplTable, Layout) {
  EXPECT_EQ(table({"id", "name", "v"}, {FieldType::Int32, FieldType::String, FieldType::Float64},
                  {{int64_t{1}, "camera one", 0.5}, {int64_t{22}, {}, 10.0}}, with_null_text("")),  // `.nullvalue ''`
            "id  name          v\n"
            "--  ----------  ---\n"
            " 1  camera one  0.5\n"
            "22               10\n"
            "(2 rows)\n");
}

TEST(ReplTable, NullIsShownAsNullByDefault) {  // as `vlac run --format table` shows it
  EXPECT_EQ(table({"id", "name"}, {FieldType::Int32, FieldType::String}, {{int64_t{1}, {}}}),
            "id  name\n"
            "--  ----\n"
            " 1  NULL\n"
            "(1 row)\n");
}

TEST(ReplTable, LayoutNullTextAndNoTrailingBlanks) {
  EXPECT_EQ(table({"k", "label"}, {FieldType::String, FieldType::String}, {{"a", {}}, {"bbbb", "x"}}, with_null_text("NULL")),
            "k     label\n"
            "----  -----\n"
            "a     NULL\n"
            "bbbb  x\n"
            "(2 rows)\n");
}

TEST(ReplTable, NoBlanksAfterAnEmptyLastCell) {
  // `.nullvalue ''`: a NULL last cell is empty, and the line ends after "a", not after the
  // padding of "a" and the separator.
  EXPECT_EQ(table({"k", "note"}, {FieldType::String, FieldType::String}, {{"a", {}}, {"bb", "x"}}, with_null_text("")),
            "k   note\n"
            "--  ----\n"
            "a\n"
            "bb  x\n"
            "(2 rows)\n");
}

TEST(ReplTable, LayoutEscapesControlCharactersAndCountsCodePoints) {
  EXPECT_EQ(table({"s"}, {FieldType::String}, {{"a\nb"}, {"\xC3\xA9t\xC3\xA9"}}),  // "été": 3 columns
            "s\n"
            "----\n"
            "a\\nb\n"
            "\xC3\xA9t\xC3\xA9\n"
            "(2 rows)\n");
}

TEST(ReplTable, LayoutWithNoRows) {
  EXPECT_EQ(table({"cam_id", "frames"}, {FieldType::Int32, FieldType::Int64}, {}),
            "cam_id  frames\n"
            "------  ------\n"
            "(0 rows)\n");
}

TEST(ReplTable, RowCounts) {
  EXPECT_EQ(rt::row_count_text(0, 0), "(0 rows)");
  EXPECT_EQ(rt::row_count_text(1, 1), "(1 row)");
  EXPECT_EQ(rt::row_count_text(123, 20), "(123 rows, first 20 shown)");
}

TEST(ReplTable, LimitShowsTheFirstRowsAndCountsAll) {
  Settings two;
  two.limit = 2;
  // The rows not shown do not widen the column: 4444 would make it 4 wide.
  EXPECT_EQ(table({"x"}, {FieldType::Int64}, {{int64_t{1}}, {int64_t{2}}, {int64_t{333}}, {int64_t{4444}}}, two),
            "x\n"
            "-\n"
            "1\n"
            "2\n"
            "(4 rows, first 2 shown)\n");
  Settings all;
  all.limit = 0;
  EXPECT_EQ(table({"x"}, {FieldType::Int64}, {{int64_t{1}}, {int64_t{2}}, {int64_t{3}}}, all),
            "x\n-\n1\n2\n3\n(3 rows)\n");
}

TEST(ReplTable, LiveTablePrintsRowsAsTheyCome) {
  const rt::RowLayout layout = layout_of({FieldType::Int32, FieldType::String});
  Settings settings;
  settings.limit = 1;  // a live table shows every row anyway
  Memory out;
  auto w = rt::make_row_writer(out.file(), {"cam_id", "name"}, layout, result_writer_options(settings, true));
  EXPECT_EQ(out.text(), "cam_id  name\n------  ----\n") << "the header comes before any row";
  w->write(make_row(layout, {int64_t{1}, "a"}).data());
  w->flush();
  EXPECT_EQ(out.text(), "cam_id  name\n------  ----\n     1  a\n");
  w->write(make_row(layout, {int64_t{1234567}, "longer name"}).data());
  w->flush();
  w->finish();
  EXPECT_EQ(out.text(), "cam_id  name\n------  ----\n     1  a\n1234567  longer name\n(2 rows)\n");
}

TEST(ReplTable, Listings) {  // .schema and .input lay out text the same way
  EXPECT_EQ(rt::render_text_table({"column", "type", "notes"}, {{"ts", "TIMESTAMP", "event time"}, {"cam_id", "INT32", ""}}),
            "column  type       notes\n"
            "------  ---------  ----------\n"
            "ts      TIMESTAMP  event time\n"
            "cam_id  INT32\n");
}

TEST(ReplTable, WriterOptionsFollowTheSettings) {
  Settings s;
  s.format = ResultFormat::Jsonl;
  s.timestamps_ns = true;
  s.limit = 7;
  s.null_text = "-";
  rt::WriterOptions w = result_writer_options(s, false);
  EXPECT_EQ(w.format, rt::OutputFormat::Jsonl);
  EXPECT_TRUE(w.timestamps_ns);
  EXPECT_EQ(w.table.row_limit, 7u);
  EXPECT_EQ(w.table.null_text, "-");
  EXPECT_FALSE(w.table.streaming);
  s.format = ResultFormat::Table;
  w = result_writer_options(s, true);
  EXPECT_EQ(w.format, rt::OutputFormat::Table);
  EXPECT_TRUE(w.table.streaming);
  EXPECT_EQ(w.table.row_limit, 0u);
}

}  // namespace
}  // namespace vlac::repl
