#pragma once
// Numeric functions whose semantics need more than one instruction (LANGUAGE.md §2, §4).
// Header-only, shared by both backends.

#include <cmath>
#include <cstdint>

#include "runtime/scalar/decimal_round.h"

#if !defined(VLAC_FIRMWARE)
#include <charconv>
#include <system_error>
#endif

namespace vlac::rt {

#if !defined(VLAC_FIRMWARE)
/// shortest_decimal() by std::to_chars (the same digits, faster).
inline void shortest_decimal_charconv(double x, bool is_float32, DecimalForm* out) {
  char buf[64];
  auto r = is_float32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(x), std::chars_format::scientific)
                      : std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  // buf = [-]d[.ddd]e[+-]XX: the shortest digits and the decimal exponent.
  const char* p = buf;
  out->negative = *p == '-';
  if (out->negative) ++p;
  out->n = 0;
  for (; p < r.ptr && *p != 'e'; ++p)
    if (*p != '.') out->digits[out->n++] = *p;
  out->exp10 = 0;
  std::from_chars(p + 1 + (p[1] == '+'), r.ptr, out->exp10);
}

/// nearest_binary() by std::from_chars (the same value, faster).
inline double nearest_binary_charconv(bool negative, uint64_t mantissa, int exp10, bool is_float32) {
  char text[48];
  auto m = std::to_chars(text, text + 24, mantissa);
  *m.ptr++ = 'e';
  auto end = std::to_chars(m.ptr, text + sizeof text, exp10).ptr;
  const double sign = negative ? -1.0 : 1.0;
  if (is_float32) {
    float f = 0;
    if (std::from_chars(text, end, f).ec == std::errc::result_out_of_range) return sign * (exp10 > 0 ? HUGE_VAL : 0.0);
    return sign * static_cast<double>(f);
  }
  double d = 0;
  // Out of range: beyond the largest finite value (infinity) or below half the smallest (zero).
  if (std::from_chars(text, end, d).ec == std::errc::result_out_of_range) return sign * (exp10 > 0 ? HUGE_VAL : 0.0);
  return sign * d;
}
#endif

/// ROUND(x, digits) for floats: half away from zero on the value's shortest decimal form, so
/// ROUND(2.675, 2) = 2.68 although the double nearest 2.675 is slightly below it. One rule
/// (round_decimal_with, decimal_round.h) on <charconv> hosted and on exact heap-free
/// conversions on firmware; any digits (INT32_MIN .. INT32_MAX) are fine.
inline double round_decimal(double x, int32_t digits, bool is_float32) {
#if !defined(VLAC_FIRMWARE)
  return round_decimal_with(x, digits, is_float32, shortest_decimal_charconv, nearest_binary_charconv);
#else
  return round_decimal_with(x, digits, is_float32, shortest_decimal, nearest_binary);
#endif
}

/// A stdlib function outside its domain is NULL (*null), not NaN or a pole's infinity
/// (LANGUAGE.md §2): a negative SQRT, a logarithm of zero or less, a negative base to a
/// fractional power or zero to a negative one, an arc sine or cosine beyond [-1, 1], the sine,
/// cosine or tangent of an infinity. A NaN argument gives NaN (but x^0 is 1, docs/decisions.md).
inline double sqrt_checked(double x, bool* null) {
  *null = x < 0;
  return std::sqrt(x);
}
inline double ln_checked(double x, bool* null) {
  *null = x <= 0;
  return std::log(x);
}
inline double log10_checked(double x, bool* null) {
  *null = x <= 0;
  return std::log10(x);
}
/// POWER as Java's Math.pow (Flink's): x^±0 is 1 for every x, NaN otherwise propagates (C's pow
/// gives pow(1, NaN) = 1), and ±1 to ±infinity is undefined (C's pow gives 1), so NULL here, as
/// is every other NaN that non-NaN arguments give (a finite negative base, a finite fractional
/// exponent) and zero to a negative power.
inline double power_checked(double x, double y, bool* null) {
  *null = false;
  if (y == 0) return 1.0;
  if (x != x || y != y) return x + y;  // NaN
  if (std::fabs(x) == 1 && std::isinf(y)) {
    *null = true;
    return 0.0;
  }
  const double p = std::pow(x, y);
  *null = p != p || (x == 0 && y < 0);
  return p;
}
inline double asin_checked(double x, bool* null) {
  *null = std::fabs(x) > 1;
  return std::asin(x);
}
inline double acos_checked(double x, bool* null) {
  *null = std::fabs(x) > 1;
  return std::acos(x);
}
inline double sin_checked(double x, bool* null) {
  *null = std::isinf(x);
  return std::sin(x);
}
inline double cos_checked(double x, bool* null) {
  *null = std::isinf(x);
  return std::cos(x);
}
inline double tan_checked(double x, bool* null) {
  *null = std::isinf(x);
  return std::tan(x);
}

/// ROUND(x, digits) for integers: digits >= 0 leaves x; negative digits round to tens, hundreds,
/// ... half away from zero, on |x| in 64 unsigned bits (10^19 fits), the result wrapping like all
/// integer arithmetic: ROUND(INT64_MAX, -19) is 10^19 wrapped.
inline int64_t round_integer(int64_t x, int32_t digits) {
  if (digits >= 0) return x;
  if (digits < -19) return 0;  // |x| < 9.3e18 < 10^20 / 2
  uint64_t scale = 1;
  for (int32_t i = 0; i < -digits; ++i) scale *= 10;
  const uint64_t magnitude = x < 0 ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  uint64_t q = magnitude / scale;
  const uint64_t r = magnitude % scale;
  if (r >= scale - r) ++q;  // 2r >= scale, without overflow
  uint64_t out = q * scale;
  if (x < 0) out = uint64_t{0} - out;
  int64_t s;
  __builtin_memcpy(&s, &out, sizeof s);
  return s;
}

}  // namespace vlac::rt
