#pragma once
// String operations of the language (LANGUAGE.md §4), on (pointer, length) pairs. Header-only,
// no heap: results either point into the argument or are written to a caller-given buffer.
// Shared by the JIT (through runtime symbols) and the C++ backend.

#include <cstdint>

namespace vlac::rt {

/// Three-way comparison of byte strings (memcmp order, then length): <0, 0, >0.
inline int string_compare(const char* a, uint32_t alen, const char* b, uint32_t blen) {
  uint32_t n = alen < blen ? alen : blen;
  int c = n ? __builtin_memcmp(a, b, n) : 0;
  if (c != 0) return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/// The byte length of the UTF-8 character that starts with byte c (1 for stray bytes).
inline uint32_t utf8_char_bytes(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

/// LENGTH: the number of UTF-8 characters.
inline int32_t utf8_length(const char* s, uint32_t len) {
  int32_t n = 0;
  for (uint32_t i = 0; i < len; ++n) i += utf8_char_bytes(static_cast<unsigned char>(s[i]));
  return n;
}

/// SUBSTRING(s FROM start [FOR count]), 1-based, in characters, SQL's rules: positions before 1
/// count toward `count` but select nothing. Returns false (NULL) for a negative count; the
/// result points into `s`.
inline bool utf8_substring(const char* s, uint32_t len, int64_t start, int64_t count, bool has_count,
                           const char** out, uint32_t* out_len) {
  if (has_count && count < 0) return false;
  // start + count, saturating: only a positive start can push it past INT64_MAX (count >= 0).
  int64_t end = !has_count ? INT64_MAX : start > 0 && count > INT64_MAX - start ? INT64_MAX : start + count;
  if (start < 1) start = 1;
  uint32_t i = 0;
  int64_t pos = 1;
  while (i < len && pos < start) {
    i += utf8_char_bytes(static_cast<unsigned char>(s[i]));
    ++pos;
  }
  uint32_t from = i < len ? i : len;
  while (i < len && pos < end) {
    i += utf8_char_bytes(static_cast<unsigned char>(s[i]));
    ++pos;
  }
  uint32_t to = i < len ? i : len;
  *out = s + from;
  *out_len = end <= start ? 0 : to - from;
  return true;
}

/// LIKE with `%` (any run) and `_` (one UTF-8 character); no escape character.
inline bool like_match(const char* s, uint32_t slen, const char* p, uint32_t plen) {
  uint32_t si = 0, pi = 0, star_p = UINT32_MAX, star_s = 0;
  while (si < slen) {
    if (pi < plen && p[pi] == '_') {
      si += utf8_char_bytes(static_cast<unsigned char>(s[si]));
      ++pi;
    } else if (pi < plen && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
    } else if (pi < plen && p[pi] == s[si]) {
      ++si;
      ++pi;
    } else if (star_p != UINT32_MAX) {  // let the last % swallow one more character
      star_s += utf8_char_bytes(static_cast<unsigned char>(s[star_s]));
      si = star_s;
      pi = star_p;
    } else {
      return false;
    }
  }
  while (pi < plen && p[pi] == '%') ++pi;
  return pi == plen;
}

/// UPPER / LOWER change ASCII letters only; `out` has room for `len` bytes.
inline void ascii_upper(const char* s, uint32_t len, char* out) {
  for (uint32_t i = 0; i < len; ++i) out[i] = s[i] >= 'a' && s[i] <= 'z' ? static_cast<char>(s[i] - 32) : s[i];
}
inline void ascii_lower(const char* s, uint32_t len, char* out) {
  for (uint32_t i = 0; i < len; ++i) out[i] = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] + 32) : s[i];
}

}  // namespace vlac::rt
