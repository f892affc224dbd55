// Value formatting and parsing shared by the hosted runtime (CSV / JSON Lines readers and
// writers, LANGUAGE.md §7) and the firmware runtime headers that generated code copies.
//
// Constraints, because the firmware target compiles this file too (LANGUAGE.md §9):
//   * C++17, header-only, no heap allocation, no exceptions, no RTTI, no libc time functions.
//   * Only <cstdint>, <cstddef> and <cmath> are needed by the firmware subset. The floating-
//     point formatters and parsers need <charconv> and exist only on hosted builds, i.e. when
//     VLAC_FIRMWARE is not defined.
//
// No function here NUL-terminates its output; formatters return the number of bytes written.
// Every formatter needs a buffer of at least kValueFormatBufSize bytes.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#if !defined(VLAC_FIRMWARE)
#include <charconv>
#include <system_error>
#endif

namespace vlac::rt {

/// Buffer size that is enough for every formatter in this file. The longest outputs are a
/// double (24 bytes, e.g. `-2.2250738585072014e-308`) and a timestamp (30 bytes,
/// `2262-04-11T23:47:16.854775807Z`).
inline constexpr size_t kValueFormatBufSize = 40;

namespace detail {

inline constexpr int64_t kNanosPerSecond = 1000000000;
inline constexpr int64_t kSecondsPerDay = 86400;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Case-insensitive comparison of s[0..n) with a lower-case literal.
inline bool equals_ci(const char* s, size_t n, const char* lower) {
  size_t i = 0;
  for (; i < n; ++i) {
    if (lower[i] == '\0' || to_lower_ascii(s[i]) != lower[i]) return false;
  }
  return lower[i] == '\0';
}

inline size_t copy_literal(const char* lit, char* buf) {
  size_t n = 0;
  while (lit[n] != '\0') {
    buf[n] = lit[n];
    ++n;
  }
  return n;
}

/// Parses exactly `count` decimal digits at s into *out (count <= 9, so no overflow).
inline bool parse_fixed_digits(const char* s, int count, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < count; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + static_cast<uint32_t>(s[i] - '0');
  }
  *out = v;
  return true;
}

/// "00" "01" ... "99": formatters write two digits per division.
inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/// Writes v < 100 as two digits.
inline void write_two_digits(uint32_t v, char* buf) {
  buf[0] = kDigitPairs[2 * v];
  buf[1] = kDigitPairs[2 * v + 1];
}

/// Writes v as exactly `width` decimal digits, zero-padded (v must fit).
inline void write_fixed_digits(uint32_t v, int width, char* buf) {
  int i = width;
  for (; i >= 2; i -= 2) {
    write_two_digits(v % 100, buf + i - 2);
    v /= 100;
  }
  if (i == 1) buf[0] = static_cast<char>('0' + v);
}

/// Writes the decimal digits of v ending just before `end`, two per step; returns their start.
inline char* write_digits_backward(uint64_t v, char* end) {
  while (v >= 100) {
    end -= 2;
    write_two_digits(static_cast<uint32_t>(v % 100), end);
    v /= 100;
  }
  if (v >= 10) {
    end -= 2;
    write_two_digits(static_cast<uint32_t>(v), end);
  } else {
    *--end = static_cast<char>('0' + v);
  }
  return end;
}

/// How many decimal digits v has.
inline size_t count_digits(uint64_t v) {
  size_t n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

/// The eight bytes at s as a little-endian word, whatever the machine's byte order.
inline uint64_t load_le64(const char* s) {
  uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  __builtin_memcpy(&w, s, 8);
#else
  for (int j = 0; j < 8; ++j) w |= static_cast<uint64_t>(static_cast<unsigned char>(s[j])) << (8 * j);
#endif
  return w;
}

/// Parses exactly eight decimal digits at s, all at once (the SWAR method of simdjson):
/// false if any byte is not a digit.
inline bool parse_eight_digits(const char* s, uint32_t* out) {
  uint64_t w = load_le64(s);
  // Every byte is 0x30-0x39: its high nibble is 3, and still 3 after adding 6.
  if (((w & 0xF0F0F0F0F0F0F0F0u) | (((w + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) !=
      0x3333333333333333u) {
    return false;
  }
  w -= 0x3030303030303030u;
  w = w * 10 + (w >> 8);  // byte pairs -> two-digit values in every other byte
  w = (((w & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
       (((w >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >>
      32;
  *out = static_cast<uint32_t>(w);
  return true;
}

/// Parses [sign]digits into a signed integer within [min, max]. After the leading zeros, at
/// most 19 digits are accumulated as uint64_t (10^19 - 1 < 2^64, so it never overflows) and the
/// magnitude is then compared with the limit; more digits are out of range for any int64. The
/// negative limit is |min| = max + 1, which lets INT64_MIN parse.
inline bool parse_signed(const char* s, size_t n, bool allow_plus, int64_t min, int64_t max, int64_t* out) {
  if (n == 0) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
  } else if (s[0] == '+' && allow_plus) {
    i = 1;
  }
  if (i == n) return false;  // a sign alone
  while (i < n && s[i] == '0') ++i;
  if (n - i > 19) return false;  // >= 10^19 (or not a number at all)
  uint64_t mag = 0;
  for (uint32_t eight = 0; n - i >= 8; i += 8) {
    if (!parse_eight_digits(s + i, &eight)) return false;
    mag = mag * 100000000 + eight;
  }
  for (; i < n; ++i) {
    const uint32_t d = static_cast<uint32_t>(static_cast<unsigned char>(s[i])) - '0';
    if (d > 9) return false;
    mag = mag * 10 + d;
  }
  const uint64_t limit = negative ? static_cast<uint64_t>(-(min + 1)) + 1 : static_cast<uint64_t>(max);
  if (mag > limit) return false;
  if (negative) {
    // -(mag) computed without signed overflow: mag may be 2^63 for INT64_MIN.
    *out = mag == 0 ? 0 : -static_cast<int64_t>(mag - 1) - 1;
  } else {
    *out = static_cast<int64_t>(mag);
  }
  return true;
}

inline bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline uint32_t days_in_month(int64_t y, uint32_t m) {
  static constexpr uint8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap_year(y)) ? 29u : kDays[m - 1];
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
/// Uses uint32_t rather than unsigned because `unsigned` is 16 bits on some microcontrollers
/// and the day-of-era reaches 146096.
inline int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const uint32_t yoe = static_cast<uint32_t>(y - era * 400);                   // [0, 399]
  const uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;        // [0, 365]
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

/// Inverse of days_from_civil (Hinnant's civil_from_days).
inline void civil_from_days(int64_t z, int64_t* year, uint32_t* month, uint32_t* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const uint32_t doe = static_cast<uint32_t>(z - era * 146097);                 // [0, 146096]
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   // [0, 399]
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 // [0, 365]
  const uint32_t mp = (5 * doy + 2) / 153;                                      // [0, 11]
  *day = doy - (153 * mp + 2) / 5 + 1;                                          // [1, 31]
  *month = mp < 10 ? mp + 3 : mp - 9;                                           // [1, 12]
  *year = y + (*month <= 2 ? 1 : 0);
}

/// seconds * 1e9 + frac_ns (0 <= frac_ns < 1e9) with an int64 overflow check. Written out by
/// hand because __int128 does not exist on 32-bit microcontrollers.
inline bool combine_seconds_nanos(int64_t seconds, int64_t frac_ns, int64_t* out) {
  // INT64_MAX = 9223372036'854775807, INT64_MIN = -9223372037 s + 145224192 ns.
  constexpr int64_t kMaxSec = INT64_MAX / kNanosPerSecond;      // 9223372036
  constexpr int64_t kMaxFrac = INT64_MAX % kNanosPerSecond;     // 854775807
  constexpr int64_t kMinSec = -kMaxSec - 1;                     // -9223372037
  constexpr int64_t kMinFrac = kNanosPerSecond - kMaxFrac - 1;  // 145224192
  if (seconds > kMaxSec || (seconds == kMaxSec && frac_ns > kMaxFrac)) return false;
  if (seconds < kMinSec || (seconds == kMinSec && frac_ns < kMinFrac)) return false;
  if (seconds == kMinSec) {
    // seconds * 1e9 alone would overflow; add the fraction first.
    *out = (seconds + 1) * kNanosPerSecond - (kNanosPerSecond - frac_ns);
  } else {
    *out = seconds * kNanosPerSecond + frac_ns;
  }
  return true;
}

#if !defined(VLAC_FIRMWARE)

/// Called only when std::from_chars reported result_out_of_range for the decimal text s[0..n)
/// (sign, digits, optional '.', optional exponent, already validated). Then the correctly
/// rounded value is ±infinity or ±0; this tells which from the text's decimal magnitude.
inline bool decimal_text_is_tiny(const char* s, size_t n) {
  size_t i = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  bool seen_nonzero = false;
  bool after_point = false;
  int64_t int_digits = 0;  // significant integer digits (after leading zeros)
  int64_t frac_zeros = 0;  // zeros after the point before the first non-zero digit
  for (; i < n; ++i) {
    const char c = s[i];
    if (c == '.') {
      after_point = true;
    } else if (is_digit(c)) {
      if (!after_point) {
        if (c != '0' || seen_nonzero) {
          seen_nonzero = true;
          ++int_digits;
        }
      } else if (!seen_nonzero) {
        if (c == '0') {
          ++frac_zeros;
        } else {
          seen_nonzero = true;
        }
      }
    } else {
      break;  // 'e' or 'E'
    }
  }
  // Decimal exponent of the first significant digit, before the written exponent.
  const int64_t lead_exp = int_digits > 0 ? int_digits - 1 : -(frac_zeros + 1);
  int64_t exp = 0;
  if (i < n) {
    ++i;  // the 'e'
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    for (; i < n && is_digit(s[i]); ++i) {
      if (exp < 100000000) exp = exp * 10 + (s[i] - '0');  // saturate; only the sign matters
    }
    if (neg) exp = -exp;
  }
  return lead_exp + exp < 0;
}

/// The common decimal spelling, digits[.digits] without sign or exponent, when its digits
/// read as an integer m are at most 2^(mantissa bits) and it has k fraction digits with 10^k
/// exact in T: then m and 10^k are exact in T and one IEEE division gives the correctly rounded
/// value of m / 10^k, exactly what from_chars returns (Clinger's fast path). False for any
/// other text, which from_chars then reads.
template <typename T>
inline bool parse_plain_decimal(const char* s, size_t n, T* out) {
  constexpr bool kFloat = sizeof(T) == sizeof(float);
  constexpr uint64_t kMaxMantissa = uint64_t{1} << (kFloat ? 24 : 53);
  constexpr size_t kMaxFraction = kFloat ? 10 : 22;  // 10^k = 2^k 5^k is exact while 5^k < 2^24 (2^53)
  static constexpr T kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (n > 19) return false;  // so that at most 19 digits are accumulated: no uint64_t overflow
  uint64_t m = 0;
  size_t i = 0;
  for (; i < n && is_digit(s[i]); ++i) m = m * 10 + static_cast<uint64_t>(s[i] - '0');
  if (i == 0) return false;
  size_t fraction = 0;
  if (i < n) {
    if (s[i] != '.') return false;
    const size_t first = ++i;
    for (; i < n && is_digit(s[i]); ++i) m = m * 10 + static_cast<uint64_t>(s[i] - '0');
    fraction = i - first;
    if (fraction == 0 || i != n) return false;
  }
  if (m > kMaxMantissa || fraction > kMaxFraction) return false;
  *out = static_cast<T>(m) / kPow10[fraction];
  return true;
}

/// Shared body of parse_double / parse_float: T is read directly (no double rounding for float).
template <typename T>
inline bool parse_floating(const char* s, size_t n, T* out) {
  if (n == 0) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  const char* body = s + i;
  const size_t body_n = n - i;
  if (body_n == 0) return false;
  if (!(is_digit(body[0]) || body[0] == '.')) {
    // Non-finite spellings are handled here so that from_chars's other ones (`nan(...)`) are
    // not accepted by accident.
    if (equals_ci(body, body_n, "nan")) {
      *out = negative ? static_cast<T>(-NAN) : static_cast<T>(NAN);
      return true;
    }
    if (equals_ci(body, body_n, "inf") || equals_ci(body, body_n, "infinity")) {
      *out = negative ? static_cast<T>(-HUGE_VAL) : static_cast<T>(HUGE_VAL);
      return true;
    }
    return false;
  }
  if (parse_plain_decimal(body, body_n, out)) {
    if (negative) *out = -*out;
    return true;
  }
  // from_chars does not accept '+', so skip it; it does accept '-'.
  const char* first = negative ? s : body;
  const char* last = s + n;
  T value{};
  const std::from_chars_result r = std::from_chars(first, last, value, std::chars_format::general);
  if (r.ptr != last) return false;  // trailing garbage (or nothing parsed)
  if (r.ec == std::errc::result_out_of_range) {
    // Round like IEEE (and Java, which Flink uses): overflow gives ±infinity, underflow ±0.
    const bool tiny = decimal_text_is_tiny(first, static_cast<size_t>(last - first));
    const T mag = tiny ? T(0) : static_cast<T>(HUGE_VAL);
    value = negative ? -mag : mag;
  } else if (r.ec != std::errc()) {
    return false;
  }
  *out = value;
  return true;
}

template <typename T>
inline size_t format_floating(T v, char* buf) {
  if (std::isnan(v)) return copy_literal("NaN", buf);
  if (std::isinf(v)) return copy_literal(v < 0 ? "-Infinity" : "Infinity", buf);
  // Shortest round-trip form, exactly std::to_chars's default (plain or scientific,
  // whichever is shorter). It cannot fail with kValueFormatBufSize bytes.
  const std::to_chars_result r = std::to_chars(buf, buf + kValueFormatBufSize, v);
  return static_cast<size_t>(r.ptr - buf);
}

#endif  // !VLAC_FIRMWARE

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Integers

/// Decimal form of v; at most 20 bytes.
inline size_t format_int64(int64_t v, char* buf) {
  // Magnitude as unsigned so that INT64_MIN needs no special case.
  const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const size_t len = (v < 0 ? 1 : 0) + detail::count_digits(mag);
  if (v < 0) buf[0] = '-';
  detail::write_digits_backward(mag, buf + len);
  return len;
}

/// CSV INT64 field: optional '+' or '-', then one or more decimal digits, nothing else
/// (no spaces, no '0x', no '.'). Out of range is an error, not a clamp.
inline bool parse_int64(const char* s, size_t n, int64_t* out) {
  return detail::parse_signed(s, n, /*allow_plus=*/true, INT64_MIN, INT64_MAX, out);
}

/// CSV INT32 field: as parse_int64, range-checked to int32_t.
inline bool parse_int32(const char* s, size_t n, int32_t* out) {
  int64_t v = 0;
  if (!detail::parse_signed(s, n, /*allow_plus=*/true, INT32_MIN, INT32_MAX, &v)) return false;
  *out = static_cast<int32_t>(v);
  return true;
}

/// CSV BOOL field: `true`/`false` in any case, or `1`/`0` (LANGUAGE.md §7).
inline bool parse_bool(const char* s, size_t n, bool* out) {
  if ((n == 1 && s[0] == '1') || detail::equals_ci(s, n, "true")) {
    *out = true;
    return true;
  }
  if ((n == 1 && s[0] == '0') || detail::equals_ci(s, n, "false")) {
    *out = false;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Timestamps (int64 nanoseconds since 1970-01-01T00:00:00Z)

namespace detail {
inline bool parse_timestamp_text(const char* s, size_t n, int64_t* out_ns);
}  // namespace detail

/// Reads a TIMESTAMP field (LANGUAGE.md §7). Accepts
///   * integer nanoseconds since the epoch: optional '-', decimal digits, fitting int64;
///   * ISO-8601 `YYYY-MM-DD(T|t| )HH:MM:SS[.f{1,9}][Z|z|±hh:mm]`; no zone means UTC.
/// Fields are fixed-width; ranges are checked (real calendar days, leap years, no leap second
/// :60, offsets up to ±23:59). A '.' must be followed by 1-9 digits (more than nanosecond
/// precision is rejected rather than silently truncated). Anything else, including trailing
/// characters or a result outside int64 nanoseconds (before 1677-09-21T00:12:43.145224192Z or
/// after 2262-04-11T23:47:16.854775807Z), returns false and leaves *out_ns unchanged.
inline bool parse_timestamp(const char* s, size_t n, int64_t* out_ns) {
  // Integer form: every character after an optional '-' is a digit. Tried first (the common
  // case, inline); when it fails, only text that is not all digits may still be ISO-8601.
  if (detail::parse_signed(s, n, /*allow_plus=*/false, INT64_MIN, INT64_MAX, out_ns)) return true;
  return detail::parse_timestamp_text(s, n, out_ns);
}

namespace detail {

/// parse_timestamp for text that is not an int64: ISO-8601, or false.
inline bool parse_timestamp_text(const char* s, size_t n, int64_t* out_ns) {
  if (n == 0) return false;
  {
    size_t i = s[0] == '-' ? 1 : 0;
    bool all_digits = i < n;
    for (; i < n && all_digits; ++i) all_digits = is_digit(s[i]);
    if (all_digits) return false;  // out of int64 range
  }
  // ISO-8601. Minimum length: "YYYY-MM-DDTHH:MM:SS" = 19.
  if (n < 19) return false;
  uint32_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_fixed_digits(s, 4, &year) || s[4] != '-' || !parse_fixed_digits(s + 5, 2, &month) ||
      s[7] != '-' || !parse_fixed_digits(s + 8, 2, &day) ||
      !(s[10] == 'T' || s[10] == 't' || s[10] == ' ') || !parse_fixed_digits(s + 11, 2, &hour) ||
      s[13] != ':' || !parse_fixed_digits(s + 14, 2, &minute) || s[16] != ':' ||
      !parse_fixed_digits(s + 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  size_t i = 19;
  int64_t frac_ns = 0;
  if (i < n && s[i] == '.') {
    ++i;
    int digits = 0;
    int64_t frac = 0;
    while (i < n && is_digit(s[i])) {
      if (++digits > 9) return false;
      frac = frac * 10 + (s[i] - '0');
      ++i;
    }
    if (digits == 0) return false;
    for (int k = digits; k < 9; ++k) frac *= 10;
    frac_ns = frac;
  }
  int64_t offset_seconds = 0;  // local time = UTC + offset
  if (i < n) {
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
      ++i;
    } else if ((s[i] == '+' || s[i] == '-') && n - i == 6) {
      uint32_t oh = 0, om = 0;
      if (!parse_fixed_digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
          !parse_fixed_digits(s + i + 4, 2, &om) || oh > 23 || om > 59) {
        return false;
      }
      offset_seconds = static_cast<int64_t>(oh) * 3600 + static_cast<int64_t>(om) * 60;
      if (s[i] == '-') offset_seconds = -offset_seconds;
      i = n;
    } else {
      return false;
    }
  }
  const int64_t days = days_from_civil(static_cast<int64_t>(year), month, day);
  // |days| < 3.7e6 for 4-digit years, so this cannot overflow.
  const int64_t seconds = days * kSecondsPerDay + static_cast<int64_t>(hour) * 3600 +
                          static_cast<int64_t>(minute) * 60 + static_cast<int64_t>(second) - offset_seconds;
  return combine_seconds_nanos(seconds, frac_ns, out_ns);
}

/// A timestamp as whole days since 1970-01-01, second of the day and nanoseconds, flooring
/// toward the earlier second: -1 ns is 1969-12-31T23:59:59.999999999Z.
inline void split_timestamp(int64_t ns, int64_t* days, uint32_t* second_of_day, uint32_t* frac_ns) {
  int64_t seconds = ns / kNanosPerSecond;
  int64_t frac = ns % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    seconds -= 1;
  }
  int64_t d = seconds / kSecondsPerDay;
  int64_t sod = seconds % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    d -= 1;
  }
  *days = d;
  *second_of_day = static_cast<uint32_t>(sod);
  *frac_ns = static_cast<uint32_t>(frac);
}

/// `YYYY-MM-DDT` of a day since 1970-01-01: 11 bytes. int64 nanoseconds only reach years
/// 1677..2262, so the year is always four digits.
inline void write_iso_date(int64_t days, char* buf) {
  int64_t year = 0;
  uint32_t month = 0, day = 0;
  civil_from_days(days, &year, &month, &day);
  write_fixed_digits(static_cast<uint32_t>(year), 4, buf);
  buf[4] = '-';
  write_two_digits(month, buf + 5);
  buf[7] = '-';
  write_two_digits(day, buf + 8);
  buf[10] = 'T';
}

/// `HH:MM:SS[.fraction]Z`, the fraction without trailing zeros; returns the bytes written.
inline size_t write_iso_time(uint32_t s, uint32_t frac, char* buf) {
  write_two_digits(s / 3600, buf);
  buf[2] = ':';
  write_two_digits(s / 60 % 60, buf + 3);
  buf[5] = ':';
  write_two_digits(s % 60, buf + 6);
  size_t len = 8;
  if (frac != 0) {
    int width = 9;
    while (frac % 10 == 0) {
      frac /= 10;
      --width;
    }
    buf[len++] = '.';
    write_fixed_digits(frac, width, buf + len);
    len += static_cast<size_t>(width);
  }
  buf[len++] = 'Z';
  return len;
}

}  // namespace detail

/// ISO-8601 UTC form of a TIMESTAMP, e.g. `2026-11-24T06:31:29.5Z`: the fraction's trailing
/// zeros are dropped and there is no '.' when it is zero. Correct for the whole int64 range
/// (pre-1970 values floor toward the earlier second). At most 30 bytes.
inline size_t format_timestamp_iso(int64_t ns, char* buf) {
  int64_t days = 0;
  uint32_t sod = 0, frac = 0;
  detail::split_timestamp(ns, &days, &sod, &frac);
  detail::write_iso_date(days, buf);
  return 11 + detail::write_iso_time(sod, frac, buf + 11);
}

/// format_timestamp_iso for a stream of timestamps (a writer's): the date of the last one is
/// remembered, so the many timestamps of one day skip the calendar arithmetic. Same text.
class IsoTimestampFormat {
 public:
  size_t operator()(int64_t ns, char* buf) {
    int64_t days = 0;
    uint32_t sod = 0, frac = 0;
    detail::split_timestamp(ns, &days, &sod, &frac);
    if (days != days_) {
      detail::write_iso_date(days, date_);
      days_ = days;
    }
    for (int i = 0; i < 11; ++i) buf[i] = date_[i];
    return 11 + detail::write_iso_time(sod, frac, buf + 11);
  }

 private:
  int64_t days_ = INT64_MIN;  // no day: INT64_MIN ns is day -106752
  char date_[11] = {};
};

// ---------------------------------------------------------------------------------------------
// Floating point (hosted only: needs <charconv>)

#if !defined(VLAC_FIRMWARE)

/// Shortest form that reads back to the same double, exactly as C++17 std::to_chars(first,
/// last, v) writes it (`2`, `0.1`, `1e-07`, `1e+20`, `-0`); `NaN` (any sign), `Infinity`,
/// `-Infinity` for non-finite values. At most 24 bytes.
inline size_t format_double(double v, char* buf) { return detail::format_floating(v, buf); }

/// As format_double, but the shortest float32 form (0.1f prints `0.1`). At most 15 bytes.
inline size_t format_float(float v, char* buf) { return detail::format_floating(v, buf); }

/// CSV FLOAT64 field: optional '+'/'-', then std::from_chars general format (digits with an
/// optional '.' and exponent; no hex, no spaces) covering the whole field; or `NaN`, `Inf`,
/// `Infinity` in any case with an optional sign. Values beyond the type's range round as IEEE
/// does (and Java/Flink's parser): overflow gives ±Infinity, underflow ±0.
inline bool parse_double(const char* s, size_t n, double* out) { return detail::parse_floating(s, n, out); }

/// CSV FLOAT32 field: as parse_double, read directly as float (no double rounding).
inline bool parse_float(const char* s, size_t n, float* out) { return detail::parse_floating(s, n, out); }

#endif  // !VLAC_FIRMWARE

}  // namespace vlac::rt
