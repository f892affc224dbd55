#pragma once
// Result tables for the REPL. A query's rows arrive as CSV text (the runtime's writer, so values
// look exactly as `vlac run` writes them); CsvRecordParser cuts that text into records as it
// comes, TableCollector keeps the first rows and counts all of them, and render_table lays them
// out for people:
//
//   cam_id  frames  mean_brightness
//   ------  ------  ---------------
//        1      10  0.5
//        2       9
//   (2 rows)
//
// Numbers are right-aligned, other values left-aligned; NULL is shown as the null text (empty
// by default); control characters in values are shown escaped (\n, \t, \xNN) so that a value
// never breaks the layout.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlac::repl {

/// A CSV field: nullopt for NULL (an unquoted empty field); `""` is the empty string.
using Cell = std::optional<std::string>;
using Record = std::vector<Cell>;

/// Cuts RFC 4180 CSV text into records, across any split of the text into chunks.
class CsvRecordParser {
 public:
  explicit CsvRecordParser(std::function<void(Record&&)> on_record) : on_record_(std::move(on_record)) {}
  void feed(std::string_view chunk);
  /// End of the text: a last record without a line end is delivered.
  void finish();

 private:
  void end_field();
  void end_record();

  std::function<void(Record&&)> on_record_;
  Record record_;
  std::string field_;
  bool quoted_ = false;      // the current field began with a quote
  bool in_quotes_ = false;   // inside the quotes
  bool quote_seen_ = false;  // a quote inside the quotes: the end, or the first of ""
  bool field_started_ = false;
};

struct TableStyle {
  std::string null_text = "NULL";  // how NULL is shown
};

/// Aligned table text: header, a line of dashes, the rows, and nothing else (the caller adds
/// the count). `right_aligned[c]` for numeric columns.
std::string render_table(const std::vector<std::string>& header, const std::vector<bool>& right_aligned,
                         const std::vector<Record>& rows, const TableStyle& style);

/// "(1 row)", "(0 rows)", "(123 rows, first 20 shown)".
std::string row_count_text(uint64_t total, uint64_t shown);

/// Shows a value on one line: control characters escaped.
std::string displayed(std::string_view s);
/// Terminal columns of UTF-8 text (one per code point).
size_t display_width(std::string_view s);

/// Receives CSV text (header first), keeps the first `limit` records (all when limit is 0) and
/// counts every record.
class TableCollector {
 public:
  explicit TableCollector(uint64_t limit);
  void feed(std::string_view chunk) { parser_.feed(chunk); }
  void finish() { parser_.finish(); }
  const std::vector<Record>& rows() const { return rows_; }
  uint64_t count() const { return count_; }

 private:
  CsvRecordParser parser_;
  uint64_t limit_;
  bool header_seen_ = false;
  std::vector<Record> rows_;
  uint64_t count_ = 0;
};

/// Prints rows as they arrive (live input): a header sized by the column names, then each row
/// at once, padded to the widths seen so far (a wider value widens its column from then on).
class LiveTable {
 public:
  LiveTable(std::FILE* out, std::vector<std::string> header, std::vector<bool> right_aligned, TableStyle style);
  void feed(std::string_view chunk) { parser_.feed(chunk); }
  void finish() { parser_.finish(); }
  uint64_t count() const { return count_; }

 private:
  void row(const Record& r);

  std::FILE* out_;
  std::vector<std::string> header_;
  std::vector<bool> right_;
  TableStyle style_;
  std::vector<size_t> widths_;
  CsvRecordParser parser_;
  bool header_seen_ = false;
  uint64_t count_ = 0;
};

}  // namespace vlac::repl
