// JSON Lines input (LANGUAGE.md §7): one flat object per line, fields by name, `null` or a
// missing field = NULL. Values must have the column's JSON type; nothing is converted by guess
// (a string "5" is not a number). Strings are decoded into reused buffers (simdjson's, or a
// per-line scratch buffer), so a row allocates nothing.
//
// Two parsers read each line. simdjson's On-Demand parser (fast_parse) takes the common case: a
// valid object whose values convert. Whenever it meets anything else (malformed JSON, a type
// mismatch, a duplicate, an escaped key, a value it does not convert itself), the line is read
// again by the hand-written parser (parse_checked, json_text.h), which decides and words every
// reject. So simdjson only ever accepts lines the hand-written parser accepts with the same
// values, and every message stays the same (docs/decisions.md, issue 14).

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runtime/io/field_text.h"
#include "runtime/io/json_text.h"
#include "runtime/io/line_input.h"
#include "runtime/io/reader_position.h"
#include "runtime/io/row_reader.h"
#include "runtime/value_format.h"

namespace vlac::rt {
namespace {

class JsonlReader final : public RowReader {
 public:
  JsonlReader(std::string name, std::FILE* in, SourceSpec spec, RejectSink& rejects, const ReadOptions& options)
      : name_(std::move(name)), lines_(in, options), spec_(std::move(spec)), rejects_(rejects),
        seen_(spec_.column_names.size(), 0) {
    for (const std::string& column : spec_.column_names) {
      bool plain = true;
      for (const char ch : column) plain &= static_cast<unsigned char>(ch) >= 0x20 && ch != '"' && ch != '\\';
      plain_name_.push_back(plain);
    }
    for (size_t c = 0; c < spec_.column_names.size(); ++c)
      if (!spec_.reads(c)) unread_.push_back(c);
  }

  bool open(std::string* error) override;
  bool next(uint8_t* row) override;
  int wait_fd() override { return lines_.wait_fd(); }
  const InputStats& stats() const override { return stats_; }
  const std::string& read_error() const override { return read_error_; }
  InputPosition position() const override { return reader_position(lines_, stats_); }
  InputPosition before_last_row() const override;
  bool seek(const InputPosition& p, std::string* error) override;  // header_text(): none
  bool seek_range(const InputPosition& from, uint64_t stop_at, std::string* error) override {
    if (!seek(from, error)) return false;
    stop_at_ = stop_at;
    return true;
  }

 private:
  bool parse(const char* b, const char* e, uint8_t* row);
  void begin_line(const char* b, const char* e, uint8_t* row);
  bool fast_parse(const char* b, const char* e, uint8_t* row);
  bool fast_value(simdjson::ondemand::value v, const char* p, const char* e, size_t col, uint8_t* row);
  bool parse_checked(const char* b, const char* e, uint8_t* row);
  bool finish_missing(uint8_t* row);
  const char* parse_value(const char* p, const char* e, size_t col, uint8_t* row);
  bool syntax_error(const json::Error& err);
  bool type_error(size_t col, const char* found_begin, const char* found_end, const char* found_word);
  bool store(size_t col, uint8_t* row, const char* s, size_t n);
  int find_column(std::string_view key);
  int find_plain_column(const char* k, const char* limit);
  void note_unknown(std::string_view key);

  std::string name_;
  LineInput lines_;
  SourceSpec spec_;
  RejectSink& rejects_;
  InputStats stats_;
  std::string read_error_;
  bool opened_ = false;
  bool ended_ = false;
  uint64_t stop_at_ = UINT64_MAX;  // seek_range: no line that begins here or later is read
  bool at_start_ = true;
  size_t row_line_bytes_ = 0;  // the line of the row next() returned last (0: it returned none)

  // Per line; every buffer is reused.
  const char* line_begin_ = nullptr;  // for byte positions in messages
  std::vector<uint8_t> seen_;         // which columns the object named
  size_t seen_count_ = 0;             // how many
  std::vector<size_t> unread_;        // the columns nothing reads
  std::string scratch_;               // decoded strings; only grows, so pointers stay put
  size_t scratch_used_ = 0;
  size_t hint_ = 0;                   // the column expected next: objects usually keep an order
  std::string reason_;

  // simdjson needs SIMDJSON_PADDING readable bytes after the text: each line is copied here.
  simdjson::ondemand::parser parser_;
  std::vector<char> padded_;
  std::vector<uint8_t> plain_name_;   // per column: its name needs no escape in JSON

  // Unknown fields are warned about once per input, listing those of the first accepted
  // object that had any (and only its own, so that a reader of one chunk of the file warns as
  // one reader of the whole file would: runtime/io/parallel_reader.h); the current object's
  // names are collected here.
  bool warned_unknown_ = false;
  std::vector<std::string> unknown_;
};

bool JsonlReader::open(std::string* error) {
  if (std::string why = lines_.check_readable(); !why.empty()) {
    *error = name_ + ": cannot read: " + why;
    return false;
  }
  opened_ = true;  // no header: a live input is not read before the first row is wanted
  return true;
}

bool JsonlReader::next(uint8_t* row) {
  row_line_bytes_ = 0;
  if (!opened_) return false;
  while (!ended_ && !rejects_.should_stop()) {
    if (lines_.offset() >= stop_at_) [[unlikely]] {
      ended_ = true;
      return false;
    }
    std::string_view line;
    if (!lines_.read(&line)) {
      ended_ = true;
      if (lines_.failed()) read_error_ = name_ + ": " + lines_.error();
      return false;
    }
    const size_t line_bytes = line.size();  // a BOM included
    if (at_start_) {
      at_start_ = false;
      if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    }
    std::string_view content = line;
    if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
    const char* b = content.data();
    const char* e = b + content.size();
    if (json::skip_ws(b, e) == e) continue;  // a blank line is no record
    ++stats_.read;
    if (!warned_unknown_) unknown_.clear();  // a rejected object's names are not listed
    if (parse(b, e, row)) {
      ++stats_.accepted;
      row_line_bytes_ = line_bytes;
      if (!warned_unknown_ && !unknown_.empty()) {
        std::string list = unknown_.size() == 1 ? "ignoring unknown field " : "ignoring unknown fields ";
        for (size_t i = 0; i < unknown_.size(); ++i) {
          list += i ? ", '" : "'";
          append_printable(&list, unknown_[i], 64);
          list += '\'';
        }
        rejects_.warn(name_, lines_.line_number(), list);
        warned_unknown_ = true;
        unknown_ = {};
      }
      return true;
    }
    ++stats_.rejected;
    rejects_.reject(name_, lines_.line_number(), reason_, line);
  }
  return false;
}

InputPosition JsonlReader::before_last_row() const {
  if (row_line_bytes_ == 0) return position();
  return position_before_row(lines_, stats_, row_line_bytes_, lines_.line_number());
}

// The warning about unknown fields is not part of a position: a restored run warns again.
bool JsonlReader::seek(const InputPosition& p, std::string* error) {
  if (!opened_) {
    *error = name_ + ": cannot go on from a position before the input is opened";
    return false;
  }
  if (!seek_lines(&lines_, name_, p, error)) return false;
  stats_ = p.stats;
  ended_ = false;
  stop_at_ = UINT64_MAX;
  at_start_ = p.offset == 0;  // a BOM may still come
  row_line_bytes_ = 0;
  read_error_.clear();
  return true;
}

bool JsonlReader::syntax_error(const json::Error& err) {
  char num[kValueFormatBufSize];
  reason_ = "invalid JSON at byte ";
  reason_.append(num, format_int64(err.at - line_begin_ + 1, num));
  reason_ += ": ";
  reason_ += err.what;
  return false;
}

// `column 'x': expected a number, found "abc"`: found_word names a value that is not shown
// (an object); otherwise the value's JSON text is shown.
bool JsonlReader::type_error(size_t col, const char* found_begin, const char* found_end, const char* found_word) {
  const Field& f = spec_.layout.fields[col];
  append_column_prefix(&reason_, spec_.column_names[col]);
  reason_ += "expected ";
  switch (f.type) {
    case FieldType::Bool: reason_ += "true or false"; break;
    case FieldType::Timestamp: reason_ += "a number or a string"; break;
    case FieldType::String: reason_ += "a string"; break;
    default: reason_ += "a number"; break;
  }
  reason_ += ", found ";
  if (found_word) reason_ += found_word;
  else append_printable(&reason_, std::string_view(found_begin, static_cast<size_t>(found_end - found_begin)));
  return false;
}

bool JsonlReader::store(size_t col, uint8_t* row, const char* s, size_t n) {
  const Field& f = spec_.layout.fields[col];
  const TextValue r = store_text_value(row, f, s, n);
  if (r == TextValue::Ok) return true;
  append_value_reason(&reason_, spec_.column_names[col], f, r, s, n);
  return false;
}

int JsonlReader::find_column(std::string_view key) {
  const size_t n = spec_.column_names.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t c = (hint_ + k) % n;
    if (spec_.column_names[c] == key) {
      hint_ = c + 1;
      return static_cast<int>(c);
    }
  }
  return -1;
}

// The column whose name (one that JSON writes without escapes) the text at k spells, followed
// by the key's closing quote (which, with no backslash in the name, cannot be escaped); -1 if none.
int JsonlReader::find_plain_column(const char* k, const char* limit) {
  const size_t n = spec_.column_names.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t c = hint_ + i < n ? hint_ + i : hint_ + i - n;
    const std::string& name = spec_.column_names[c];
    if (!plain_name_[c] || static_cast<size_t>(limit - k) <= name.size() || k[name.size()] != '"' ||
        std::memcmp(k, name.data(), name.size()) != 0)
      continue;
    hint_ = c + 1;
    return static_cast<int>(c);
  }
  return -1;
}

void JsonlReader::note_unknown(std::string_view key) {
  if (warned_unknown_) return;
  if (std::find(unknown_.begin(), unknown_.end(), key) == unknown_.end()) unknown_.emplace_back(key);
}

// Reads the value at p into column col; returns its end, or null with reason_ set.
const char* JsonlReader::parse_value(const char* p, const char* e, size_t col, uint8_t* row) {
  const Field& f = spec_.layout.fields[col];
  json::Error err;
  if (p >= e) return syntax_error({p, "expected a value"}), nullptr;
  const char c = *p;
  if (c == 'n' || c == 't' || c == 'f') {
    const char* word = c == 'n' ? "null" : c == 't' ? "true" : "false";
    const char* q = json::match_literal(p, e, word);
    if (!q) return syntax_error({p, "invalid literal"}), nullptr;
    if (c == 'n') {
      if (!f.nullable) {
        append_column_prefix(&reason_, spec_.column_names[col]);
        reason_ += "NULL in a NOT NULL column";
        return nullptr;
      }
      set_null(row, f, true);
    } else if (f.type == FieldType::Bool) {
      put(row, f, c == 't');
    } else {
      return type_error(col, p, q, nullptr), nullptr;
    }
    return q;
  }
  if (c == '"') {
    json::StringToken tok;
    const char* q = json::scan_string(p, e, &tok, &err);
    if (!q) return syntax_error(err), nullptr;
    const char* s = tok.begin;
    size_t n = static_cast<size_t>(tok.end - tok.begin);
    if (tok.escaped) {
      char* out = scratch_.data() + scratch_used_;
      n = json::decode_string(tok, out);
      if (n == SIZE_MAX) return syntax_error({p, "unpaired UTF-16 surrogate in \\u escape"}), nullptr;
      s = out;
      scratch_used_ += n;
    }
    switch (f.type) {
      case FieldType::String:
      case FieldType::Timestamp:  // ISO-8601 (or integer nanoseconds as text)
        return store(col, row, s, n) ? q : nullptr;
      case FieldType::Float32:
      case FieldType::Float64: {
        // The JSON writer spells non-finite floats as strings; read those back, nothing else.
        std::string_view v(s, n);
        if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
        if (detail::equals_ci(v.data(), v.size(), "nan") || detail::equals_ci(v.data(), v.size(), "inf") ||
            detail::equals_ci(v.data(), v.size(), "infinity"))
          return store(col, row, s, n) ? q : nullptr;
        return type_error(col, p, q, nullptr), nullptr;
      }
      default:
        return type_error(col, p, q, nullptr), nullptr;
    }
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    const char* q = json::scan_number(p, e);
    if (!q) return syntax_error({p, "invalid number"}), nullptr;
    if (f.type == FieldType::String || f.type == FieldType::Bool) return type_error(col, p, q, nullptr), nullptr;
    return store(col, row, p, static_cast<size_t>(q - p)) ? q : nullptr;
  }
  if (c == '{') return type_error(col, nullptr, nullptr, "an object"), nullptr;
  if (c == '[') return type_error(col, nullptr, nullptr, "an array"), nullptr;
  return syntax_error({p, "unexpected character"}), nullptr;
}

// Reads the object in [b, e) into row; false with reason_ set if the line is malformed.
bool JsonlReader::parse(const char* b, const char* e, uint8_t* row) {
  return fast_parse(b, e, row) || parse_checked(b, e, row);
}

// Resets what a line's parse fills in.
void JsonlReader::begin_line(const char* b, const char* e, uint8_t* row) {
  reason_.clear();
  line_begin_ = b;
  unknown_.clear();
  std::memset(row, 0, spec_.layout.size);
  std::fill(seen_.begin(), seen_.end(), 0);
  seen_count_ = 0;
  // Decoded text is never longer than its escaped form, so one line's worth of room suffices
  // for every string of the line, and the buffer never moves under a stored StringRef.
  const size_t len = static_cast<size_t>(e - b);
  if (scratch_.size() < len) scratch_.resize(len);
  scratch_used_ = 0;
  hint_ = 0;
}

// Whether the text at p, after blanks, goes on with the next field or the object's end: what
// the hand-written parser requires after a value.
static bool value_ends_at(const char* p, const char* e) {
  p = json::skip_ws(p, e);
  return p < e && (*p == ',' || *p == '}');
}

// The value of a known column that is read. Converted here only where simdjson gives exactly
// the hand-written parser's result; false means "not sure": the line is read again.
bool JsonlReader::fast_value(simdjson::ondemand::value v, const char* p, const char* e, size_t col, uint8_t* row) {
  const Field& f = spec_.layout.fields[col];
  simdjson::ondemand::json_type type;
  if (v.type().get(type)) return false;
  switch (type) {
    case simdjson::ondemand::json_type::number:
      switch (f.type) {
        case FieldType::Int32:
        case FieldType::Int64:
        case FieldType::Interval:
        case FieldType::Timestamp: {  // integer nanoseconds
          // get_int64 takes only JSON integers within int64 (not 1.0, 1e3, 01): all else goes
          // to the text conversion, which gives the same value or the reject.
          int64_t x;
          if (v.get_int64().get(x)) return false;
          if (f.type == FieldType::Int32) {
            if (x < INT32_MIN || x > INT32_MAX) return false;
            put(row, f, static_cast<int32_t>(x));
          } else {
            put(row, f, x);
          }
          return true;
        }
        case FieldType::Float64: {
          // Correctly rounded like from_chars; out of range (1e400) is an error here and
          // left to the text conversion, which rounds it to infinity or zero.
          double x;
          if (v.get_double().get(x)) return false;
          put(row, f, x);
          return true;
        }
        case FieldType::Float32: {
          // Rounding the correctly rounded double to float again gives from_chars<float>'s
          // result unless the double is exactly halfway between two floats (then the first
          // rounding may have decided the tie): those, and values near the float range's ends
          // (overflow, subnormals), go to the text conversion.
          double x;
          if (v.get_double().get(x)) return false;
          const double mag = x < 0 ? -x : x;
          if (mag != 0 && (mag < std::numeric_limits<float>::min() || mag > std::numeric_limits<float>::max()))
            return false;
          uint64_t bits;
          std::memcpy(&bits, &x, sizeof bits);
          if ((bits & ((uint64_t{1} << 29) - 1)) == uint64_t{1} << 28) return false;  // a float midpoint
          put(row, f, static_cast<float>(x));
          return true;
        }
        default: break;
      }
      break;
    case simdjson::ondemand::json_type::string:
      if (f.type == FieldType::String || f.type == FieldType::Timestamp) {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        return store(col, row, s.data(), s.size());
      }
      break;
    default: break;
  }
  const char* q = parse_value(p, e, col, row);
  return q && value_ends_at(q, e);
}

// The common case through simdjson: true when the line is a valid object whose values all
// convert (row filled), false when unsure (row to be filled again by parse_checked).
bool JsonlReader::fast_parse(const char* b, const char* e, uint8_t* row) {
  namespace od = simdjson::ondemand;
  const size_t len = static_cast<size_t>(e - b);
  if (padded_.size() < len + simdjson::SIMDJSON_PADDING) padded_.resize(len + simdjson::SIMDJSON_PADDING);
  char* text = padded_.data();
  std::memcpy(text, b, len);
  std::memset(text + len, 0, simdjson::SIMDJSON_PADDING);
  begin_line(b, e, row);

  // simdjson sizes its buffers to the longest line so far; grown geometrically here rather than
  // at every new longest line.
  if (parser_.capacity() < len && parser_.allocate(std::max({len, 2 * parser_.capacity(), size_t{4096}})))
    return false;
  od::document doc;
  if (parser_.iterate(text, len, padded_.size()).get(doc)) return false;
  od::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto field_result : obj) {
    od::field field;
    if (std::move(field_result).get(field)) return false;
    // The key's text after its opening quote: a column's name followed by the closing quote,
    // or else an unknown key (an escaped one is left to the other parser).
    const char* k = reinterpret_cast<const char*>(field.key().raw());
    const char* k_end = nullptr;
    int col = find_plain_column(k, text + len);
    if (col >= 0) {
      k_end = k + spec_.column_names[static_cast<size_t>(col)].size();
    } else {
      k_end = static_cast<const char*>(std::memchr(k, '"', static_cast<size_t>(text + len - k)));
      if (!k_end || std::memchr(k, '\\', static_cast<size_t>(k_end - k))) return false;
      col = find_column(std::string_view(k, static_cast<size_t>(k_end - k)));
      if (col >= 0) return false;  // a name that needs escapes
    }
    const std::string_view key(k, static_cast<size_t>(k_end - k));
    od::value v = field.value();
    const char* at;
    if (v.current_location().get(at)) return false;
    const char* p = b + (at - text);  // the value in the original line
    if (col >= 0 && seen_[static_cast<size_t>(col)]) return false;  // a duplicate: rejected there
    if (col < 0 || !spec_.reads(static_cast<size_t>(col))) {
      // Unknown or unread: checked as JSON, as the other parser does, never converted.
      json::Error err;
      const char* q = json::skip_value(p, e, &err);
      if (!q || !value_ends_at(q, e)) return false;
      for (const char* c = k; c < k_end; ++c)  // the hand-written scanner's check of the key
        if (static_cast<unsigned char>(*c) < 0x20) return false;
      if (col < 0) note_unknown(key);
      else seen_[static_cast<size_t>(col)] = 1, ++seen_count_;
      continue;
    }
    seen_[static_cast<size_t>(col)] = 1, ++seen_count_;
    if (!fast_value(v, p, e, static_cast<size_t>(col), row)) return false;
  }
  const char* rest;
  if (!doc.current_location().get(rest)) return false;  // a token after the object: text after it
  return finish_missing(row);
}

// Columns the object did not name are NULL (or rejected when NOT NULL); unread ones get NULL
// or a zero value.
bool JsonlReader::finish_missing(uint8_t* row) {
  const RowLayout& layout = spec_.layout;
  for (const size_t c : unread_) store_unread_value(row, layout.fields[c]);  // seen or not: NULL, or a zero value
  if (seen_count_ == seen_.size()) return true;  // the object named every column
  for (size_t c = 0; c < seen_.size(); ++c) {
    const Field& f = layout.fields[c];
    if (!spec_.reads(c) || seen_[c]) continue;
    if (!f.nullable) {
      reason_ = "missing column '";
      append_printable(&reason_, spec_.column_names[c], 64);
      reason_ += "', which is NOT NULL";
      return false;
    }
    set_null(row, f, true);
  }
  return true;
}

// The hand-written parser: decides every line simdjson's path was not sure of.
bool JsonlReader::parse_checked(const char* b, const char* e, uint8_t* row) {
  begin_line(b, e, row);
  json::Error err;
  const char* p = json::skip_ws(b, e);
  if (p == e || *p != '{') {
    reason_ = "not a JSON object";
    return false;
  }
  p = json::skip_ws(p + 1, e);
  if (p < e && *p == '}') {
    ++p;
  } else {
    while (true) {
      if (p >= e || *p != '"') return syntax_error({p, "expected a field name"});
      json::StringToken tok;
      const char* q = json::scan_string(p, e, &tok, &err);
      if (!q) return syntax_error(err);
      std::string_view key(tok.begin, static_cast<size_t>(tok.end - tok.begin));
      if (tok.escaped) {
        char* out = scratch_.data() + scratch_used_;
        const size_t n = json::decode_string(tok, out);
        if (n == SIZE_MAX) return syntax_error({p, "unpaired UTF-16 surrogate in \\u escape"});
        key = std::string_view(out, n);
        scratch_used_ += n;
      }
      p = json::skip_ws(q, e);
      if (p >= e || *p != ':') return syntax_error({p, "expected ':'"});
      p = json::skip_ws(p + 1, e);
      const int col = find_column(key);
      if (col < 0) {
        if (!(q = json::skip_value(p, e, &err))) return syntax_error(err);
        note_unknown(key);
      } else {
        const size_t c = static_cast<size_t>(col);
        if (seen_[c]) {
          append_column_prefix(&reason_, spec_.column_names[c]);
          reason_ += "appears twice in the object";
          return false;
        }
        seen_[c] = 1, ++seen_count_;
        if (!spec_.reads(c)) {  // nothing reads it: checked as JSON, never converted
          if (!(q = json::skip_value(p, e, &err))) return syntax_error(err);
        } else if (!(q = parse_value(p, e, c, row))) {
          return false;
        }
      }
      p = json::skip_ws(q, e);
      if (p < e && *p == ',') {
        p = json::skip_ws(p + 1, e);
      } else if (p < e && *p == '}') {
        ++p;
        break;
      } else {
        return syntax_error({p, "expected ',' or '}'"});
      }
    }
  }
  p = json::skip_ws(p, e);
  if (p != e) return syntax_error({p, "text after the object"});
  return finish_missing(row);
}

}  // namespace

std::unique_ptr<RowReader> open_jsonl_reader(std::string display_name, std::FILE* in, SourceSpec spec,
                                             RejectSink& rejects, const ReadOptions& options) {
  return std::make_unique<JsonlReader>(std::move(display_name), in, std::move(spec), rejects, options);
}

}  // namespace vlac::rt
