#include "repl/table.h"

#include <algorithm>

namespace vlac::repl {

// ---- CSV records ----

void CsvRecordParser::end_field() {
  if (quoted_ || !field_.empty()) record_.push_back(std::move(field_));
  else record_.push_back(std::nullopt);
  field_.clear();
  quoted_ = in_quotes_ = quote_seen_ = field_started_ = false;
}

void CsvRecordParser::end_record() {
  end_field();
  on_record_(std::move(record_));
  record_.clear();
}

void CsvRecordParser::feed(std::string_view chunk) {
  for (char c : chunk) {
    if (in_quotes_) {
      if (quote_seen_) {
        quote_seen_ = false;
        if (c == '"') {
          field_ += '"';
          continue;
        }
        in_quotes_ = false;  // the quote closed the field; c follows it
      } else if (c == '"') {
        quote_seen_ = true;
        continue;
      } else {
        field_ += c;
        continue;
      }
    }
    if (c == ',') {
      end_field();
    } else if (c == '\n') {
      if (!field_.empty() && field_.back() == '\r' && !quoted_) field_.pop_back();
      end_record();
    } else if (c == '"' && !field_started_) {
      quoted_ = in_quotes_ = field_started_ = true;
    } else if (c == '\r' && quoted_) {
      // CRLF after a quoted field: dropped with the '\n'.
    } else {
      field_ += c;
      field_started_ = true;
    }
  }
}

void CsvRecordParser::finish() {
  if (in_quotes_ && quote_seen_) in_quotes_ = quote_seen_ = false;
  if (field_started_ || !record_.empty()) end_record();
}

// ---- layout ----

std::string displayed(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7F) {
      out += ch;
      continue;
    }
    out += '\\';
    switch (c) {
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      case '\t': out += 't'; break;
      default:
        out += 'x';
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  return out;
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

namespace {

std::string cell_text(const Record& r, size_t c, const TableStyle& style) {
  if (c >= r.size() || !r[c]) return displayed(style.null_text);
  return displayed(*r[c]);
}

/// Appends one cell padded to `width`; a left-aligned last cell gets no trailing blanks.
void append_cell(std::string& line, const std::string& text, size_t width, bool right, bool first, bool last) {
  if (!first) line += "  ";
  const size_t w = display_width(text);
  const size_t pad = width > w ? width - w : 0;
  if (right) {
    line.append(pad, ' ');
    line += text;
  } else {
    line += text;
    if (!last) line.append(pad, ' ');
  }
}

std::string trim_right(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string render_table(const std::vector<std::string>& header, const std::vector<bool>& right_aligned,
                         const std::vector<Record>& rows, const TableStyle& style) {
  const size_t ncols = header.size();
  std::vector<std::string> head(ncols);
  std::vector<size_t> widths(ncols, 0);
  for (size_t c = 0; c < ncols; ++c) {
    head[c] = displayed(header[c]);
    widths[c] = display_width(head[c]);
  }
  std::vector<std::vector<std::string>> cells(rows.size(), std::vector<std::string>(ncols));
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < ncols; ++c) {
      cells[r][c] = cell_text(rows[r], c, style);
      widths[c] = std::max(widths[c], display_width(cells[r][c]));
    }
  auto right = [&](size_t c) { return c < right_aligned.size() && right_aligned[c]; };
  std::string out, line;
  for (size_t c = 0; c < ncols; ++c) append_cell(line, head[c], widths[c], right(c), c == 0, c + 1 == ncols);
  out += trim_right(line) + "\n";
  line.clear();
  for (size_t c = 0; c < ncols; ++c) {
    if (c > 0) line += "  ";
    line.append(widths[c], '-');
  }
  out += line + "\n";
  for (const auto& row : cells) {
    line.clear();
    for (size_t c = 0; c < ncols; ++c) append_cell(line, row[c], widths[c], right(c), c == 0, c + 1 == ncols);
    out += trim_right(line) + "\n";
  }
  return out;
}

std::string row_count_text(uint64_t total, uint64_t shown) {
  std::string s = "(";
  s += std::to_string(total);
  s += total == 1 ? " row" : " rows";
  if (shown < total) s += ", first " + std::to_string(shown) + " shown";
  return s + ")";
}

// ---- collectors ----

TableCollector::TableCollector(uint64_t limit)
    : parser_([this](Record&& r) {
        if (!header_seen_) {
          header_seen_ = true;
          return;
        }
        ++count_;
        if (limit_ == 0 || rows_.size() < limit_) rows_.push_back(std::move(r));
      }),
      limit_(limit) {}

LiveTable::LiveTable(std::FILE* out, std::vector<std::string> header, std::vector<bool> right_aligned, TableStyle style)
    : out_(out),
      header_(std::move(header)),
      right_(std::move(right_aligned)),
      style_(std::move(style)),
      parser_([this](Record&& r) {
        if (!header_seen_) {
          header_seen_ = true;
          return;
        }
        row(r);
      }) {
  std::string line, dashes;
  for (size_t c = 0; c < header_.size(); ++c) {
    std::string h = displayed(header_[c]);
    widths_.push_back(display_width(h));
    append_cell(line, h, widths_[c], c < right_.size() && right_[c], c == 0, c + 1 == header_.size());
    if (c > 0) dashes += "  ";
    dashes.append(widths_[c], '-');
  }
  std::fprintf(out_, "%s\n%s\n", trim_right(line).c_str(), dashes.c_str());
  std::fflush(out_);
}

void LiveTable::row(const Record& r) {
  ++count_;
  std::string line;
  for (size_t c = 0; c < header_.size(); ++c) {
    std::string text = cell_text(r, c, style_);
    widths_[c] = std::max(widths_[c], display_width(text));
    append_cell(line, text, widths_[c], c < right_.size() && right_[c], c == 0, c + 1 == header_.size());
  }
  std::fprintf(out_, "%s\n", trim_right(line).c_str());
  std::fflush(out_);
}

}  // namespace vlac::repl
