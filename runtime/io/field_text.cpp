#include "runtime/io/field_text.h"

#include <cstring>

#include "runtime/value_format.h"

namespace vlac::rt {

void append_type_name(std::string* out, const Field& f) {
  switch (f.type) {
    case FieldType::Bool: *out += "BOOL"; return;
    case FieldType::Int32: *out += "INT32"; return;
    case FieldType::Int64: *out += "INT64"; return;
    case FieldType::Float32: *out += "FLOAT32"; return;
    case FieldType::Float64: *out += "FLOAT64"; return;
    case FieldType::Timestamp: *out += "TIMESTAMP"; return;
    case FieldType::Interval: *out += "INTERVAL"; return;
    case FieldType::String:
      *out += "STRING";
      if (f.max_bytes > 0) {
        char num[kValueFormatBufSize];
        *out += '(';
        out->append(num, format_int64(f.max_bytes, num));
        *out += ')';
      }
      return;
  }
}

void store_unread_value(uint8_t* row, const Field& f) {
  if (f.nullable) set_null(row, f, true);
  else if (f.type == FieldType::String) store_text_value(row, f, "", 0);
}

TextValue store_string_value(uint8_t* row, const Field& f, const char* s, size_t n) {
  // StringRef sizes are 32-bit; longer text cannot be held even when unbounded.
  if ((f.max_bytes > 0 && n > f.max_bytes) || n > UINT32_MAX) return TextValue::TooLong;
  // Text that is not UTF-8 would make LENGTH and the JSON writer's output wrong later;
  // rejecting it here keeps every STRING value valid.
  if (!is_valid_utf8(s, n)) return TextValue::BadUtf8;
  put(row, f, StringRef{s, static_cast<uint32_t>(n)});
  return TextValue::Ok;
}

void append_column_prefix(std::string* out, std::string_view column) {
  *out += "column '";
  append_printable(out, column, 64);
  *out += "': ";
}

void append_value_reason(std::string* out, std::string_view column, const Field& f, TextValue result,
                         const char* s, size_t n) {
  append_column_prefix(out, column);
  switch (result) {
    case TextValue::Ok:
    case TextValue::Unreadable:
      *out += "cannot read '";
      append_printable(out, std::string_view(s, n));
      *out += "' as ";
      append_type_name(out, f);
      return;
    case TextValue::TooLong: {
      char num[kValueFormatBufSize];
      out->append(num, format_int64(static_cast<int64_t>(n), num));
      *out += " bytes do not fit ";  // n > max_bytes >= 1, so always plural
      append_type_name(out, f);
      return;
    }
    case TextValue::BadUtf8:
      *out += "invalid UTF-8";
      return;
  }
}

size_t utf8_sequence_length(const unsigned char* s, size_t n) {
  const unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;       // no overlong 3-byte forms
    else if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;       // no overlong 4-byte forms
    else if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; ++i)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return len;
}

bool is_valid_utf8(const char* s, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  size_t i = 0;
  while (i < n) {
    // Most text is ASCII: skip eight such bytes at a time.
    if (n - i >= 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const size_t len = utf8_sequence_length(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void append_printable(std::string* out, std::string_view s, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    if (i >= max_bytes) {
      *out += "...";
      return;
    }
    const unsigned char c = p[i];
    if (c >= 0x20 && c < 0x7F) {
      *out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t len = utf8_sequence_length(p + i, s.size() - i);
      if (len > 0) {
        out->append(s.data() + i, len);
        i += len;
        continue;
      }
    }
    switch (c) {
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        *out += "\\x";
        *out += kHex[c >> 4];
        *out += kHex[c & 15];
    }
    ++i;
  }
}

}  // namespace vlac::rt
