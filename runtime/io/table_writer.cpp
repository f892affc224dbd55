// `--format table`: for people reading a terminal. Columns are aligned, so nothing can be
// printed before the widest value is known: every cell is kept until finish(). Numbers are
// right-aligned, other values left-aligned; NULL is shown as `NULL`; control characters in
// strings are shown escaped so that a value never breaks the layout.
//
//   cam_id  frames  window_start
//   ------  ------  ------------------------
//        1      10  2026-11-24T06:31:29Z
//   (1 row)

#include <algorithm>

#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {
namespace {

/// Appends s with control characters escaped (\n, \r, \t, \xNN).
void append_displayed(std::string* out, const char* s, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != 0x7F) {
      *out += static_cast<char>(c);
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

/// Columns on a terminal: one per code point (UTF-8 continuation bytes take none). Wide East
/// Asian characters would need a table of widths; vlac's data is mostly ASCII.
size_t display_width(const char* s, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n; ++i) w += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return w;
}

bool right_aligned(FieldType t) {
  return t == FieldType::Int32 || t == FieldType::Int64 || t == FieldType::Float32 || t == FieldType::Float64 ||
         t == FieldType::Interval;
}

class TableWriter final : public BufferedWriter {
 public:
  TableWriter(std::FILE* out, std::vector<std::string> names, RowLayout layout, WriterOptions options)
      : BufferedWriter(out, std::move(names), std::move(layout), options) {}

  void write(const uint8_t* row) override {
    if (finished_) return;
    for (const Field& f : layout_.fields) {
      if (is_null(row, f)) {
        cells_ += "NULL";
      } else if (f.type == FieldType::String) {
        const StringRef s = get<StringRef>(row, f);
        append_displayed(&cells_, s.data, s.size);
      } else {
        append_value_text(&cells_, row, f, options_.timestamps_ns);
      }
      cell_ends_.push_back(cells_.size());
    }
    ++rows_;
  }

  void flush() override {}  // a table cannot be printed in part

  void finish() override {
    if (finished_) return;
    finished_ = true;
    const size_t ncols = layout_.fields.size();
    std::vector<std::string> headers(ncols);
    std::vector<size_t> widths(ncols), cell_widths(cell_ends_.size());
    for (size_t c = 0; c < ncols; ++c) {
      append_displayed(&headers[c], names_[c].data(), names_[c].size());
      widths[c] = display_width(headers[c].data(), headers[c].size());
    }
    for (size_t i = 0; i < cell_ends_.size(); ++i) {
      const size_t begin = i == 0 ? 0 : cell_ends_[i - 1];
      cell_widths[i] = display_width(cells_.data() + begin, cell_ends_[i] - begin);
      widths[i % ncols] = std::max(widths[i % ncols], cell_widths[i]);
    }
    auto cell = [&](size_t c, const char* s, size_t n, size_t w) {
      if (c > 0) buf_ += "  ";
      const size_t pad = widths[c] - w;
      if (right_aligned(layout_.fields[c].type)) {
        buf_.append(pad, ' ');
        buf_.append(s, n);
      } else {
        buf_.append(s, n);
        if (c + 1 < ncols) buf_.append(pad, ' ');  // no trailing blanks at the line's end
      }
    };
    for (size_t c = 0; c < ncols; ++c) cell(c, headers[c].data(), headers[c].size(), display_width(headers[c].data(), headers[c].size()));
    buf_ += '\n';
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) buf_ += "  ";
      buf_.append(widths[c], '-');
    }
    buf_ += '\n';
    for (size_t r = 0; r < rows_; ++r) {
      for (size_t c = 0; c < ncols; ++c) {
        const size_t i = r * ncols + c;
        const size_t begin = i == 0 ? 0 : cell_ends_[i - 1];
        cell(c, cells_.data() + begin, cell_ends_[i] - begin, cell_widths[i]);
      }
      buf_ += '\n';
      spill_if_full();
    }
    char num[kValueFormatBufSize];
    buf_ += '(';
    buf_.append(num, format_int64(static_cast<int64_t>(rows_), num));
    buf_ += rows_ == 1 ? " row)\n" : " rows)\n";
    BufferedWriter::flush();
    cells_ = {};
    cell_ends_ = {};
  }

 private:
  std::string cells_;               // every cell's display text, one after another
  std::vector<size_t> cell_ends_;   // where each cell ends in cells_, row-major
  uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<RowWriter> make_table_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options) {
  return std::make_unique<TableWriter>(out, std::move(names), std::move(layout), options);
}

}  // namespace vlac::rt
