// `--format table`: for people reading a terminal (the layout: table_writer.h). Columns are
// aligned, so nothing can be printed before the widest value is known: the cells of the rows
// shown are kept until finish(). Streaming tables (live input) print each row at once instead,
// padded to the widths seen so far.

#include "runtime/io/table_writer.h"

#include <algorithm>

#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {

void append_displayed(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7F) {
      *out += ch;
      continue;
    }
    *out += '\\';
    switch (c) {
      case '\n': *out += 'n'; break;
      case '\r': *out += 'r'; break;
      case '\t': *out += 't'; break;
      default:
        *out += 'x';
        *out += kHex[c >> 4];
        *out += kHex[c & 15];
    }
  }
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (const char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

bool is_right_aligned(FieldType t) {
  return t == FieldType::Int32 || t == FieldType::Int64 || t == FieldType::Float32 || t == FieldType::Float64 ||
         t == FieldType::Interval;
}

void append_table_line(std::string* out, const std::vector<std::string_view>& cells, const std::vector<size_t>& widths,
                       const std::vector<bool>& right_aligned) {
  const size_t begin = out->size();
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) *out += "  ";
    const size_t w = display_width(cells[c]);
    const size_t pad = widths[c] > w ? widths[c] - w : 0;
    const bool right = c < right_aligned.size() && right_aligned[c];
    if (right) out->append(pad, ' ');
    *out += cells[c];
    if (!right) out->append(pad, ' ');
  }
  // No blanks at the end: not the last cell's padding, nor the separator before an empty cell.
  size_t end = out->size();
  while (end > begin && (*out)[end - 1] == ' ') --end;
  out->resize(end);
  *out += '\n';
}

void append_table_rule(std::string* out, const std::vector<size_t>& widths) {
  for (size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) *out += "  ";
    out->append(widths[c], '-');
  }
  *out += '\n';
}

std::string row_count_text(uint64_t total, uint64_t shown) {
  char num[kValueFormatBufSize];
  std::string s = "(";
  s.append(num, format_int64(static_cast<int64_t>(total), num));
  s += total == 1 ? " row" : " rows";
  if (shown < total) {
    s += ", first ";
    s.append(num, format_int64(static_cast<int64_t>(shown), num));
    s += " shown";
  }
  return s + ")";
}

std::string render_text_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                              const std::vector<bool>& right_aligned) {
  const size_t ncols = header.size();
  std::vector<std::vector<std::string>> shown(rows.size() + 1, std::vector<std::string>(ncols));
  std::vector<size_t> widths(ncols, 0);
  for (size_t r = 0; r <= rows.size(); ++r) {
    const std::vector<std::string>& from = r == 0 ? header : rows[r - 1];
    for (size_t c = 0; c < ncols && c < from.size(); ++c) {
      append_displayed(&shown[r][c], from[c]);
      widths[c] = std::max(widths[c], display_width(shown[r][c]));
    }
  }
  std::string out;
  std::vector<std::string_view> cells(ncols);
  for (size_t r = 0; r < shown.size(); ++r) {
    for (size_t c = 0; c < ncols; ++c) cells[c] = shown[r][c];
    append_table_line(&out, cells, widths, right_aligned);
    if (r == 0) append_table_rule(&out, widths);
  }
  return out;
}

namespace {

class TableWriter final : public BufferedWriter {
 public:
  TableWriter(std::FILE* out, std::vector<std::string> names, RowLayout layout, WriterOptions options)
      : BufferedWriter(out, std::move(names), std::move(layout), std::move(options)) {
    const size_t ncols = layout_.fields.size();
    for (const Field& f : layout_.fields) right_.push_back(is_right_aligned(f.type));
    headers_.resize(ncols);
    widths_.resize(ncols);
    for (size_t c = 0; c < ncols; ++c) {
      append_displayed(&headers_[c], names_[c]);
      widths_[c] = display_width(headers_[c]);
      // Streaming, the header is printed before any value is seen: a timestamp column starts as
      // wide as a timestamp with milliseconds, so that the first rows line up with it.
      if (options_.table.streaming && layout_.fields[c].type == FieldType::Timestamp)
        widths_[c] = std::max<size_t>(widths_[c], options_.timestamps_ns ? 19 : 24);
    }
    if (options_.table.streaming) {
      append_header();
      BufferedWriter::flush();
    }
  }

  void write(const uint8_t* row) override {
    if (finished_) return;
    ++rows_;
    const uint64_t limit = options_.table.row_limit;
    if (limit != 0 && rows_ > limit) return;  // counted, not shown
    const size_t first = cell_ends_.size();
    for (const Field& f : layout_.fields) {
      if (is_null(row, f)) {
        append_displayed(&cells_, options_.table.null_text);
      } else if (f.type == FieldType::String) {
        const StringRef s = get<StringRef>(row, f);
        append_displayed(&cells_, std::string_view(s.data, s.size));
      } else {
        append_value_text(&cells_, row, f, options_.timestamps_ns, iso_);
      }
      cell_ends_.push_back(cells_.size());
    }
    for (size_t i = first; i < cell_ends_.size(); ++i) {
      const size_t c = i - first;
      widths_[c] = std::max(widths_[c], display_width(cell(i)));
    }
    if (options_.table.streaming) {
      append_row(first);
      cells_.clear();
      cell_ends_.clear();
      spill_if_full();
    }
  }

  void flush() override {
    if (options_.table.streaming) BufferedWriter::flush();  // a whole table cannot be printed in part
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    if (!options_.table.streaming) {
      append_header();
      for (size_t first = 0; first < cell_ends_.size(); first += layout_.fields.size()) {
        append_row(first);
        spill_if_full();
      }
    }
    const uint64_t limit = options_.table.row_limit;
    buf_.append(row_count_text(rows_, limit != 0 && rows_ > limit ? limit : rows_));
    buf_.push('\n');
    BufferedWriter::flush();
    cells_ = {};
    cell_ends_ = {};
  }

 private:
  std::string_view cell(size_t i) const {
    const size_t begin = i == 0 ? 0 : cell_ends_[i - 1];
    return std::string_view(cells_).substr(begin, cell_ends_[i] - begin);
  }

  void append_header() {
    std::vector<std::string_view> cells(headers_.begin(), headers_.end());
    text_.clear();
    append_table_line(&text_, cells, widths_, right_);
    append_table_rule(&text_, widths_);
    buf_.append(text_);
  }

  /// The row whose first cell is cell `first`.
  void append_row(size_t first) {
    line_.clear();
    for (size_t c = 0; c < layout_.fields.size(); ++c) line_.push_back(cell(first + c));
    text_.clear();
    append_table_line(&text_, line_, widths_, right_);
    buf_.append(text_);
  }

  std::vector<std::string> headers_;      // displayed column names
  std::vector<bool> right_;               // per column: right-aligned
  std::vector<size_t> widths_;            // per column: the widest text so far
  std::string cells_;                     // the display text of the cells kept, one after another
  std::vector<size_t> cell_ends_;         // where each cell ends in cells_, row-major
  std::vector<std::string_view> line_;    // the cells of the row being laid out
  std::string text_;                      // the line being laid out
  uint64_t rows_ = 0;                     // every row written, shown or not
};

}  // namespace

std::unique_ptr<RowWriter> make_table_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options) {
  return std::make_unique<TableWriter>(out, std::move(names), std::move(layout), std::move(options));
}

}  // namespace vlac::rt
