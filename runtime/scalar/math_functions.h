#pragma once
// Numeric functions whose semantics need more than one instruction (LANGUAGE.md §2, §4).
// Header-only, shared by both backends.

#include <cmath>
#include <cstdint>

#if !defined(VLAC_FIRMWARE)
#include <charconv>
#endif

namespace vlac::rt {

/// ROUND(x, digits) for floats: half away from zero on the value's shortest decimal form, so
/// ROUND(2.675, 2) = 2.68 although the double nearest 2.675 is slightly below it.
inline double round_decimal(double x, int32_t digits, bool is_float32) {
  if (!std::isfinite(x)) return x;
#if !defined(VLAC_FIRMWARE)
  char buf[64];
  auto r = is_float32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(x), std::chars_format::scientific)
                      : std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  // buf = [-]d[.ddd]e[+-]XX: the shortest digits and the decimal exponent.
  const char* p = buf;
  bool negative = *p == '-';
  if (negative) ++p;
  char digits_buf[32];
  int n = 0;
  for (; p < r.ptr && *p != 'e'; ++p)
    if (*p != '.') digits_buf[n++] = *p;
  int exp10 = 0;
  std::from_chars(p + 1 + (p[1] == '+'), r.ptr, exp10);
  // The value is 0.d1d2...dn * 10^(exp10+1); keep the digits before position exp10+1+digits.
  int keep = exp10 + 1 + digits;
  if (keep >= n) return x;  // already short enough
  if (keep < 0) return negative ? -0.0 : 0.0;
  bool round_up = digits_buf[keep] >= '5';  // half away from zero on the decimal digits
  // Rebuild the kept digits as an integer mantissa, then scale.
  char out[80];
  int o = 0;
  if (negative) out[o++] = '-';
  out[o++] = '0';
  for (int i = 0; i < keep; ++i) out[o++] = digits_buf[i];
  // Propagate the carry through the kept digits.
  if (round_up) {
    int i = o - 1;
    while (out[i] == '9') out[i--] = '0';
    out[i] = static_cast<char>(out[i] + 1);
  }
  int e = exp10 + 1 - keep;
  out[o++] = 'e';
  auto er = std::to_chars(out + o, out + sizeof out, e);
  double result = 0;
  std::from_chars(out, er.ptr, result);
  return is_float32 ? static_cast<double>(static_cast<float>(result)) : result;
#else
  double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
#endif
}

/// ROUND(x, digits) for integers: digits >= 0 leaves x; negative digits round to tens, hundreds,
/// ... half away from zero (wrapping like all integer arithmetic).
inline int64_t round_integer(int64_t x, int32_t digits) {
  if (digits >= 0) return x;
  if (digits < -18) return 0;
  int64_t scale = 1;
  for (int32_t i = 0; i < -digits; ++i) scale *= 10;
  int64_t q = x / scale, r = x % scale;
  if (r >= 0 ? r * 2 >= scale : -r * 2 >= scale) q += x < 0 ? -1 : 1;
  uint64_t out = static_cast<uint64_t>(q) * static_cast<uint64_t>(scale);
  int64_t s;
  __builtin_memcpy(&s, &out, sizeof s);
  return s;
}

}  // namespace vlac::rt
