#pragma once
// The pieces of JSON (RFC 8259) that JSON Lines needs: scanning tokens of a flat object in
// place, decoding strings into a caller's buffer, skipping values of unknown fields, and
// escaping strings for output. Hand-written so that reading a row allocates nothing.

#include <cstddef>
#include <string>

namespace vlac::rt::json {

/// Where and why a line is not valid JSON.
struct Error {
  const char* at = nullptr;
  const char* what = nullptr;
};

/// A string token: the text between its quotes, still escaped when `escaped`.
struct StringToken {
  const char* begin = nullptr;
  const char* end = nullptr;
  bool escaped = false;
};

inline const char* skip_ws(const char* p, const char* e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
  return p;
}

/// Scans the string whose opening quote is at p; returns the position after its closing
/// quote, or null with *err set (raw control characters, bad escapes, no closing quote).
const char* scan_string(const char* p, const char* e, StringToken* tok, Error* err);

/// Decodes a scanned token into out, which has room for tok.end - tok.begin bytes (decoded
/// text is never longer). \uXXXX escapes become UTF-8, surrogate pairs one code point. Returns
/// the bytes written, or SIZE_MAX for an unpaired surrogate, which UTF-8 cannot represent.
size_t decode_string(const StringToken& tok, char* out);

/// Scans a number (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`) at p; returns its
/// end, or null if p does not start one.
const char* scan_number(const char* p, const char* e);

/// Skips one value of any kind (nesting up to 64 levels); returns its end, or null with *err.
const char* skip_value(const char* p, const char* e, Error* err, int depth = 0);

/// If [p, e) starts with the literal `word`, returns its end, else null.
const char* match_literal(const char* p, const char* e, const char* word);

/// Appends s[0..n) as a JSON string literal: `"` and `\` escaped, control characters as
/// \u00XX, every other byte (UTF-8 included) as is.
void append_string(std::string* out, const char* s, size_t n);

/// The most bytes write_string writes for n bytes of text: each as \u00XX, and the quotes.
constexpr size_t max_string_bytes(size_t n) { return 6 * n + 2; }

/// As append_string, written at out (room for max_string_bytes(n)); returns the end.
char* write_string(char* out, const char* s, size_t n);

}  // namespace vlac::rt::json
