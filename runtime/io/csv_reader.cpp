// CSV input (LANGUAGE.md §7): a header row matched by name, RFC 4180 quoting, LF, CRLF or CR
// line ends (line_input.h), an optional UTF-8 BOM. Each record is checked completely before it is accepted: a malformed
// record is never half-read into a row.

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "runtime/io/field_text.h"
#include "runtime/io/line_input.h"
#include "runtime/io/reader_position.h"
#include "runtime/io/row_reader.h"
#include "runtime/nearest_name.h"
#include "runtime/value_format.h"

namespace vlac::rt {
namespace {

enum class FieldKind : uint8_t {
  Unquoted,
  Quoted,         // the text between the quotes is the value
  QuotedEscaped,  // ... after turning each `""` into `"`
};

/// Where one field's text lies in the record, as offsets (the record buffer may move while a
/// multi-line record is being read).
struct RawField {
  size_t begin, end;
  FieldKind kind;
};

/// Bit i of *commas (*quotes) is set if p[i] is ',' ('"'), for i < 16.
inline void byte_masks16(const char* p, uint32_t* commas, uint32_t* quotes) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  *commas = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(','))));
  *quotes = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
#else
  uint32_t c = 0, q = 0;
  for (int i = 0; i < 16; ++i) {
    c |= static_cast<uint32_t>(p[i] == ',') << i;
    q |= static_cast<uint32_t>(p[i] == '"') << i;
  }
  *commas = c;
  *quotes = q;
#endif
}

/// Quoting mistakes that leave the record's extent clear but its fields unreadable.
enum class Syntax : uint8_t { None, QuoteInUnquoted, TextAfterQuote };

/// Where the record scanner stands, kept across the physical lines of one record.
enum class ScanState : uint8_t { FieldStart, Unquoted, Quoted, QuoteInQuoted, AfterQuoted };

class CsvReader final : public RowReader {
 public:
  CsvReader(std::string name, std::FILE* in, SourceSpec spec, RejectSink& rejects, const ReadOptions& options)
      : name_(std::move(name)), lines_(in, options), spec_(std::move(spec)), rejects_(rejects) {}

  bool open(std::string* error) override;
  bool next(uint8_t* row) override;
  int wait_fd() override { return lines_.wait_fd(/*quoted_records=*/true); }
  const InputStats& stats() const override { return stats_; }
  const std::string& read_error() const override { return read_error_; }
  InputPosition position() const override { return reader_position(lines_, stats_); }
  InputPosition before_last_row() const override;
  bool seek(const InputPosition& p, std::string* error) override;
  bool seek_range(const InputPosition& from, uint64_t stop_at, std::string* error) override {
    if (!seek(from, error)) return false;
    stop_at_ = stop_at;
    return true;
  }
  const std::string& header_text() const override { return header_text_; }

 private:
  bool read_record();
  inline bool next_line(std::string_view* line);
  [[gnu::noinline]] std::string_view before_header(std::string_view line);
  bool end_of_lines();
  static size_t content_size(std::string_view line);
  bool split_unquoted(const char* d, size_t n);
  void scan(const char* d, size_t from, size_t to);
  std::string_view text(const RawField& f);
  bool decode(uint8_t* row);
  void append_field_prefix(size_t field);
  std::string header_error(const char* what) const;

  std::string name_;
  LineInput lines_;
  SourceSpec spec_;
  RejectSink& rejects_;
  InputStats stats_;
  std::string read_error_;
  bool opened_ = false;
  bool ended_ = false;
  uint64_t stop_at_ = UINT64_MAX;  // seek_range: no record that begins here or later is read
  bool at_start_ = true;  // no byte read yet: a BOM may come (open() reads the header)
  bool returned_row_ = false;  // the last next() returned a row: record_text_ is its text
  std::string header_text_;    // the bytes open() consumed

  // From the header.
  std::vector<std::string> header_;
  std::vector<uint8_t> blank_row_;          // a row before its read columns are stored
  struct Conversion {
    size_t field;  // in the record
    Field column;  // where its value goes
  };
  std::vector<Conversion> conversions_;     // the fields whose values are read, in record order

  // The current record; every buffer is reused, so the steady state does not allocate.
  // The raw text, line ends included (what goes to --rejects): in LineInput's buffer, or in
  // record_ when it spans lines.
  std::string_view record_text_;
  std::string record_;
  uint64_t record_line_ = 0;
  std::vector<RawField> fields_;
  ScanState state_ = ScanState::FieldStart;
  size_t field_begin_ = 0, field_end_ = 0;
  FieldKind field_kind_ = FieldKind::Unquoted;
  Syntax syntax_ = Syntax::None;
  size_t syntax_field_ = 0;
  bool unterminated_ = false;
  std::string unescaped_;  // values of QuotedEscaped fields; only grows, so pointers stay put
  size_t unescaped_used_ = 0;
  std::string reason_;
};

// Reads one record: physical lines until a line end outside quotes, skipping empty lines
// (but see below for one-column files). A record of one line is split where LineInput holds
// it; only a record whose quoted value spans lines is copied, line by line, into record_.
// Returns false at end of input (or on a read error) with nothing read.
bool CsvReader::read_record() {
  fields_.clear();
  state_ = ScanState::FieldStart;
  syntax_ = Syntax::None;
  unterminated_ = false;
  std::string_view line;
  size_t content_end = 0;
  while (true) {
    if (!next_line(&line)) return false;
    record_line_ = lines_.line_number();
    if (!opened_) [[unlikely]] line = before_header(line);
    content_end = content_size(line);
    // An empty line is no record and is skipped, except in a one-column file, where it is a
    // row whose only field is NULL (that is how a writer writes such a row).
    if (content_end > 0 || header_.size() == 1) break;
  }
  record_text_ = line;
  if (split_unquoted(line.data(), content_end)) return true;
  fields_.clear();
  scan(line.data(), 0, content_end);
  if (state_ == ScanState::Quoted) {  // the line end belongs to a quoted value
    record_.assign(line);
    while (state_ == ScanState::Quoted) {
      if (!next_line(&line)) {
        if (!read_error_.empty()) return false;
        // End of input inside a quoted field: the rest of the input is this one bad record.
        unterminated_ = true;
        record_text_ = record_;
        return true;
      }
      const size_t base = record_.size();
      record_.append(line);
      content_end = base + content_size(line);
      scan(record_.data(), base, content_end);
    }
    record_text_ = record_;
  }
  // The record ends here: close its last field.
  switch (state_) {
    case ScanState::FieldStart: fields_.push_back({content_end, content_end, FieldKind::Unquoted}); break;
    case ScanState::Unquoted: fields_.push_back({field_begin_, content_end, FieldKind::Unquoted}); break;
    default: fields_.push_back({field_begin_, field_end_, field_kind_}); break;
  }
  return true;
}

// A line up to the header's first: notes its bytes, and skips a BOM at the input's start.
std::string_view CsvReader::before_header(std::string_view line) {
  if (at_start_) {
    at_start_ = false;
    if (line.substr(0, 3) == "\xEF\xBB\xBF") {
      line.remove_prefix(3);
      header_text_ = "\xEF\xBB\xBF";
    }
  }
  if (content_size(line) == 0) header_text_.append(line);  // an empty line before the header
  return line;
}

bool CsvReader::next_line(std::string_view* line) {
  if (lines_.read(line)) [[likely]] return true;
  return end_of_lines();
}

bool CsvReader::end_of_lines() {
  ended_ = true;
  if (lines_.failed()) read_error_ = name_ + ": " + lines_.error();
  return false;
}

// The line without its line end.
size_t CsvReader::content_size(std::string_view line) {
  size_t n = line.size();
  if (n > 0 && line[n - 1] == '\n') --n;
  if (n > 0 && line[n - 1] == '\r') --n;
  return n;
}

// The common record, one line without quotes: its fields lie between its commas, found 16
// bytes at a time (the line is followed by LineInput::kPadding readable bytes). False, with
// fields_ partly filled, if d[0, n) holds a quote: then the state machine reads it.
bool CsvReader::split_unquoted(const char* d, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; i += 16) {
    uint32_t commas = 0, quotes = 0;
    byte_masks16(d + i, &commas, &quotes);
    if (n - i < 16) {
      const uint32_t in_record = (uint32_t{1} << (n - i)) - 1;
      commas &= in_record;
      quotes &= in_record;
    }
    if (quotes != 0) return false;
    for (; commas != 0; commas &= commas - 1) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(commas));
      fields_.push_back({start, at, FieldKind::Unquoted});
      start = at + 1;
    }
  }
  fields_.push_back({start, n, FieldKind::Unquoted});
  return true;
}

// The RFC 4180 state machine over d[from, to). A quote opens a quoted value only at the
// start of a field; inside one, `""` is a quote and a lone `"` closes it. The states inside a
// value skip ahead to the next byte that matters rather than switching on every byte.
void CsvReader::scan(const char* d, size_t from, size_t to) {
  auto note = [this](Syntax s) {
    if (syntax_ == Syntax::None) {
      syntax_ = s;
      syntax_field_ = fields_.size();
    }
  };
  size_t i = from;
  while (i < to) {
    switch (state_) {
      case ScanState::FieldStart:
        if (d[i] == '"') {
          state_ = ScanState::Quoted;
          field_begin_ = i + 1;
          field_kind_ = FieldKind::Quoted;
          ++i;
        } else if (d[i] == ',') {
          fields_.push_back({i, i, FieldKind::Unquoted});
          ++i;
        } else {
          state_ = ScanState::Unquoted;  // this byte is the value's first
          field_begin_ = i;
        }
        break;
      case ScanState::Unquoted:
        while (i < to && d[i] != ',' && d[i] != '"') ++i;
        if (i == to) break;
        if (d[i] == ',') {
          fields_.push_back({field_begin_, i, FieldKind::Unquoted});
          state_ = ScanState::FieldStart;
        } else {
          note(Syntax::QuoteInUnquoted);
        }
        ++i;
        break;
      case ScanState::Quoted: {
        const void* q = std::memchr(d + i, '"', to - i);
        if (!q) {
          i = to;
          break;
        }
        i = static_cast<size_t>(static_cast<const char*>(q) - d);
        state_ = ScanState::QuoteInQuoted;
        field_end_ = i++;
        break;
      }
      case ScanState::QuoteInQuoted:
        if (d[i] == '"') {
          field_kind_ = FieldKind::QuotedEscaped;
          state_ = ScanState::Quoted;
        } else if (d[i] == ',') {
          fields_.push_back({field_begin_, field_end_, field_kind_});
          state_ = ScanState::FieldStart;
        } else {
          note(Syntax::TextAfterQuote);
          state_ = ScanState::AfterQuoted;
        }
        ++i;
        break;
      case ScanState::AfterQuoted:
        while (i < to && d[i] != ',') ++i;
        if (i == to) break;
        fields_.push_back({field_begin_, field_end_, field_kind_});
        state_ = ScanState::FieldStart;
        ++i;
        break;
    }
  }
}

std::string_view CsvReader::text(const RawField& f) {
  const char* d = record_text_.data();
  if (f.kind != FieldKind::QuotedEscaped) return std::string_view(d + f.begin, f.end - f.begin);
  // unescaped_ holds at least record_text_.size() bytes (see decode), and a value is never longer
  // than its raw text, so this never reallocates under an earlier field's StringRef.
  char* out = unescaped_.data() + unescaped_used_;
  size_t n = 0;
  for (size_t i = f.begin; i < f.end; ++i) {
    out[n++] = d[i];
    if (d[i] == '"') ++i;  // the second quote of a `""` pair
  }
  unescaped_used_ += n;
  return std::string_view(out, n);
}

void CsvReader::append_field_prefix(size_t field) {
  if (field < header_.size()) {
    append_column_prefix(&reason_, header_[field]);
  } else {
    char num[kValueFormatBufSize];
    reason_ += "field ";
    reason_.append(num, format_int64(static_cast<int64_t>(field + 1), num));
    reason_ += ": ";
  }
}

// Checks the record read last and fills `row`; false with reason_ set if it is malformed.
bool CsvReader::decode(uint8_t* row) {
  reason_.clear();
  if (unterminated_) {
    reason_ = "unterminated quoted field";
    return false;
  }
  if (syntax_ != Syntax::None) {
    append_field_prefix(syntax_field_);
    reason_ += syntax_ == Syntax::QuoteInUnquoted ? "quote inside an unquoted field" : "text after the closing quote";
    return false;
  }
  if (fields_.size() != header_.size()) {
    char num[kValueFormatBufSize];
    reason_ += "expected ";
    reason_.append(num, format_int64(static_cast<int64_t>(header_.size()), num));
    reason_ += header_.size() == 1 ? " field, found " : " fields, found ";
    reason_.append(num, format_int64(static_cast<int64_t>(fields_.size()), num));
    return false;
  }
  const RowLayout& layout = spec_.layout;
  std::memcpy(row, blank_row_.data(), layout.size);
  if (unescaped_.size() < record_text_.size()) unescaped_.resize(record_text_.size());
  unescaped_used_ = 0;
  for (const Conversion& c : conversions_) {
    const RawField& raw = fields_[c.field];
    const Field& f = c.column;
    if (raw.kind == FieldKind::Unquoted && raw.begin == raw.end) {  // unquoted empty: NULL
      if (!f.nullable) {
        append_column_prefix(&reason_, header_[c.field]);
        reason_ += "NULL in a NOT NULL column";
        return false;
      }
      set_null(row, f, true);
      continue;
    }
    const std::string_view t = text(raw);
    const TextValue r = store_text_value(row, f, t.data(), t.size());
    if (r != TextValue::Ok) {
      append_value_reason(&reason_, header_[c.field], f, r, t.data(), t.size());
      return false;
    }
  }
  return true;
}

std::string CsvReader::header_error(const char* what) const {
  char num[kValueFormatBufSize];
  return name_ + ":" + std::string(num, format_int64(static_cast<int64_t>(record_line_), num)) +
         ": malformed header: " + what;
}

bool CsvReader::open(std::string* error) {
  if (opened_) return true;
  if (std::string why = lines_.check_readable(); !why.empty()) {
    *error = name_ + ": cannot read: " + why;
    return false;
  }
  if (!read_record()) {
    *error = read_error_.empty() ? name_ + ": empty input, expected a header row" : read_error_;
    return false;
  }
  header_text_.append(record_text_);
  if (unterminated_) {
    *error = header_error("unterminated quoted field");
    return false;
  }
  if (syntax_ != Syntax::None) {
    reason_.clear();
    append_field_prefix(syntax_field_);  // header_ is still empty: names the field by number
    reason_ += syntax_ == Syntax::QuoteInUnquoted ? "quote inside an unquoted field" : "text after the closing quote";
    *error = header_error(reason_.c_str());
    return false;
  }
  if (unescaped_.size() < record_text_.size()) unescaped_.resize(record_text_.size());
  unescaped_used_ = 0;
  const size_t ncols = spec_.column_names.size();
  std::vector<bool> present(ncols, false);
  std::vector<std::string_view> unknown_names;
  std::string unknown, missing;
  size_t missing_count = 0;
  // What every row starts as: zero, NULL in the columns the header lacks, and the fixed value
  // of the columns nothing reads (their fields are split and counted, never converted).
  blank_row_.assign(spec_.layout.size, 0);
  header_.reserve(fields_.size());  // unknown_names points into its strings: they must not move
  for (const RawField& raw : fields_) {
    header_.emplace_back(text(raw));
    int col = -1;
    for (size_t c = 0; c < ncols; ++c) {
      if (spec_.column_names[c] == header_.back()) {
        col = static_cast<int>(c);
        break;
      }
    }
    if (col >= 0 && present[static_cast<size_t>(col)]) {
      reason_.clear();
      append_printable(&reason_, header_.back(), 64);
      *error = name_ + ": column '" + reason_ + "' appears twice in the header";
      return false;
    }
    if (col >= 0) {
      present[static_cast<size_t>(col)] = true;
    } else if (std::find(unknown_names.begin(), unknown_names.end(), header_.back()) == unknown_names.end()) {
      unknown += unknown_names.empty() ? "'" : ", '";
      append_printable(&unknown, header_.back(), 64);
      unknown += '\'';
      unknown_names.push_back(header_.back());
    }
    if (col >= 0 && spec_.reads(static_cast<size_t>(col)))
      conversions_.push_back({header_.size() - 1, spec_.layout.fields[static_cast<size_t>(col)]});
  }
  if (!unknown_names.empty()) {
    rejects_.warn(name_, 0, (unknown_names.size() == 1 ? "ignoring unknown column " : "ignoring unknown columns ") + unknown);
  }
  const std::vector<std::string> unknown_list(unknown_names.begin(), unknown_names.end());
  std::string near;  // "'ts' for the header's 'tss'", for each missing column a header name resembles
  for (size_t c = 0; c < ncols; ++c) {
    if (present[c]) {
      if (!spec_.reads(c)) store_unread_value(blank_row_.data(), spec_.layout.fields[c]);
      continue;
    }
    if (spec_.layout.fields[c].nullable) {
      set_null(blank_row_.data(), spec_.layout.fields[c], true);
    } else {
      missing += missing_count++ ? ", '" : "'";
      append_printable(&missing, spec_.column_names[c], 64);
      missing += '\'';
      if (auto n = nearest_name(spec_.column_names[c], unknown_list)) {
        near += near.empty() ? "'" : ", '";
        append_printable(&near, spec_.column_names[c], 64);
        near += "' for the header's '";
        append_printable(&near, *n, 64);
        near += '\'';
      }
    }
  }
  if (missing_count > 0) {
    *error = name_ + (missing_count == 1 ? ": missing column " + missing + ", which is NOT NULL"
                                         : ": missing columns " + missing + ", which are NOT NULL");
    if (!near.empty()) *error += " (did you mean " + near + "?)";
    return false;
  }
  opened_ = true;
  return true;
}

bool CsvReader::next(uint8_t* row) {
  returned_row_ = false;
  if (!opened_) return false;
  while (!ended_ && !rejects_.should_stop()) {
    if (lines_.offset() >= stop_at_) [[unlikely]] {
      ended_ = true;
      return false;
    }
    if (!read_record()) return false;
    ++stats_.read;
    if (decode(row)) {
      ++stats_.accepted;
      returned_row_ = true;
      return true;
    }
    ++stats_.rejected;
    rejects_.reject(name_, record_line_, reason_, record_text_);
  }
  return false;
}

// The row's record is the last one read and record_text_ holds all its lines, so the position
// before it is derived here rather than noted for every record.
InputPosition CsvReader::before_last_row() const {
  if (!returned_row_) return position();
  return position_before_row(lines_, stats_, record_text_.size(), record_line_);
}

bool CsvReader::seek(const InputPosition& p, std::string* error) {
  if (!opened_) {
    *error = name_ + ": cannot go on from a position before the header is read";
    return false;
  }
  if (p.offset < header_text_.size()) {
    *error = name_ + ": cannot go on from byte " + std::to_string(p.offset) + ", inside the header";
    return false;
  }
  if (!seek_lines(&lines_, name_, p, error)) return false;
  stats_ = p.stats;
  ended_ = false;
  stop_at_ = UINT64_MAX;
  returned_row_ = false;
  read_error_.clear();
  return true;
}

}  // namespace

std::unique_ptr<RowReader> open_csv_reader(std::string display_name, std::FILE* in, SourceSpec spec,
                                           RejectSink& rejects, const ReadOptions& options) {
  return std::make_unique<CsvReader>(std::move(display_name), in, std::move(spec), rejects, options);
}

std::unique_ptr<RowReader> open_csv_reader(std::string display_name, std::FILE* in, SourceSpec spec,
                                           RejectSink& rejects, size_t read_block_size) {
  ReadOptions options;
  options.read_block_size = read_block_size;
  return open_csv_reader(std::move(display_name), in, std::move(spec), rejects, options);
}

}  // namespace vlac::rt
