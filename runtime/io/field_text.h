#pragma once
// Text → typed row value, shared by the CSV reader (every field is text) and the JSON Lines
// reader (strings, numbers), so that both accept the same spellings (value_format.h) and give
// the same reasons for a malformed value (LANGUAGE.md §7).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/row_layout.h"
#include "runtime/value_format.h"

namespace vlac::rt {

/// Appends the language's spelling of f's type: BOOL, INT32, INT64, FLOAT32, FLOAT64,
/// TIMESTAMP, INTERVAL, STRING(n), or STRING when unbounded.
void append_type_name(std::string* out, const Field& f);

enum class TextValue : uint8_t { Ok, Unreadable, TooLong, BadUtf8 };

/// store_text_value's STRING case (out of line: the numbers are the readers' inner loop).
TextValue store_string_value(uint8_t* row, const Field& f, const char* s, size_t n);

/// Stores the text s[0..n) of a non-NULL value as field f of `row`. A STRING is stored by
/// reference, so s must stay valid as long as the row is used. Does not allocate.
inline TextValue store_text_value(uint8_t* row, const Field& f, const char* s, size_t n) {
  switch (f.type) {
    case FieldType::Bool: {
      bool v = false;
      if (!parse_bool(s, n, &v)) return TextValue::Unreadable;
      put(row, f, v);
      return TextValue::Ok;
    }
    case FieldType::Int32: {
      int32_t v = 0;
      if (!parse_int32(s, n, &v)) return TextValue::Unreadable;
      put(row, f, v);
      return TextValue::Ok;
    }
    case FieldType::Int64:
    case FieldType::Interval: {  // an INTERVAL is read as integer nanoseconds
      int64_t v = 0;
      if (!parse_int64(s, n, &v)) return TextValue::Unreadable;
      put(row, f, v);
      return TextValue::Ok;
    }
    case FieldType::Float32: {
      float v = 0;
      if (!parse_float(s, n, &v)) return TextValue::Unreadable;
      put(row, f, v);
      return TextValue::Ok;
    }
    case FieldType::Float64: {
      double v = 0;
      if (!parse_double(s, n, &v)) return TextValue::Unreadable;
      put(row, f, v);
      return TextValue::Ok;
    }
    case FieldType::Timestamp: {
      int64_t v = 0;
      if (!parse_timestamp(s, n, &v)) return TextValue::Unreadable;
      put(row, f, v);
      return TextValue::Ok;
    }
    case FieldType::String: return store_string_value(row, f, s, n);
  }
  return TextValue::Unreadable;
}

/// Fills field f of a zeroed row for a column nothing reads (SourceSpec::read_columns): NULL
/// when nullable, else its zero value; a NOT NULL STRING is the empty string (a valid pointer).
void store_unread_value(uint8_t* row, const Field& f);

/// Appends the reason for a result other than Ok of store_text_value:
///   column 'brightness': cannot read 'abc' as FLOAT32
///   column 'name': 23 bytes do not fit STRING(16)
///   column 'name': invalid UTF-8
void append_value_reason(std::string* out, std::string_view column, const Field& f, TextValue result,
                         const char* s, size_t n);

/// Appends `column 'x': ` (the name made printable).
void append_column_prefix(std::string* out, std::string_view column);

/// Appends s so that a message stays one readable line: control characters and bytes that are
/// not UTF-8 become escapes (\n, \t, \r, \xNN), and text beyond max_bytes is cut with "...".
void append_printable(std::string* out, std::string_view s, size_t max_bytes = 48);

/// Length of the valid UTF-8 sequence at s (1-4), or 0 if s[0..n) does not start with one
/// (overlong forms, surrogates and code points above U+10FFFF are invalid). n >= 1.
size_t utf8_sequence_length(const unsigned char* s, size_t n);

bool is_valid_utf8(const char* s, size_t n);

}  // namespace vlac::rt
