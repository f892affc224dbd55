#pragma once
// The value rules of arithmetic, casts and order (LANGUAGE.md §2): division and modulo (by zero
// is NULL; integers wrap), float -> integer and INT64 -> INT32 casts (out of range is NULL), ABS
// and SIGN, MIN/MAX's order, and a join's float keys. One definition for both code generators: the C++ backend calls these functions, the
// JIT links them as LLVM bitcode (codegen/jit/inline/value_rules.cpp). A NULL result is reported
// in *null; the value is then 0. Header-only, firmware-clean.

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "runtime/scalar/wrapping.h"

namespace vlac::rt {

/// Integer division truncating toward zero; by zero is NULL, by -1 is negation (wrapping), so
/// INT_MIN / -1 does not trap.
template <typename T>
inline T checked_div(T a, T b, bool* null) {
  *null = b == 0;
  if (b == 0) return T{0};
  return b == -1 ? wrap_neg(a) : static_cast<T>(a / b);
}
/// Integer remainder with the dividend's sign; by zero is NULL, by -1 is 0.
template <typename T>
inline T checked_mod(T a, T b, bool* null) {
  *null = b == 0;
  if (b == 0 || b == -1) return T{0};
  return static_cast<T>(a % b);
}
/// Float division and remainder (fmod): by zero (either sign) is NULL; NaN and infinities
/// otherwise follow IEEE 754.
inline double checked_div(double a, double b, bool* null) {
  *null = b == 0;
  return a / b;
}
inline float checked_div(float a, float b, bool* null) {
  *null = b == 0;
  return a / b;
}
inline double checked_mod(double a, double b, bool* null) {
  *null = b == 0;
  return std::fmod(a, b);
}
inline float checked_mod(float a, float b, bool* null) {
  *null = b == 0;
  return std::fmod(a, b);
}

/// Float to integer: truncates toward zero; NaN or out of range is NULL.
inline int32_t float_to_int32(double x, bool* null) {
  bool ok = x > -2147483649.0 && x < 2147483648.0;
  *null = !ok;
  return ok ? static_cast<int32_t>(x) : 0;
}
inline int64_t float_to_int64(double x, bool* null) {
  bool ok = x >= -9223372036854775808.0 && x < 9223372036854775808.0;
  *null = !ok;
  return ok ? static_cast<int64_t>(x) : 0;
}
/// Narrowing INT64 -> INT32: a value that does not fit is NULL.
inline int32_t narrow_int32(int64_t x, bool* null) {
  int32_t r = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(x)));
  *null = static_cast<int64_t>(r) != x;
  return r;
}

/// ABS: integers wrap (ABS of the least integer is itself), floats lose the sign (NaN stays NaN).
template <typename T>
inline T abs_of(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
  else return x < 0 ? wrap_neg(x) : x;
}
/// SIGN: -1, 0 or 1 in the argument's type; NaN for NaN, and a float zero keeps its sign
/// (SIGN(-0.0) is -0.0, as Java's Math.signum gives it in Flink).
template <typename T>
inline T sign_of(T x) {
  if (x != x || x == T(0)) return x;
  return static_cast<T>((x > T(0)) - (x < T(0)));
}

/// MIN/MAX's order, also LEAST/GREATEST/CLAMP's: whether x should replace cur as the least
/// (greatest) value. Floats rank NaN above every number, whatever the argument order.
template <typename T>
inline bool less_ranked(T x, T cur) {
  return x < cur || (cur != cur && x == x);
}
template <typename T>
inline bool greater_ranked(T x, T cur) {
  return x > cur || (x != x && cur == cur);
}

/// A float key of a join's `=`, which matches keys by bytes but compares as IEEE does
/// (docs/decisions.md): NaN equals nothing, so it is a NULL key (*null), and -0 equals 0, so it
/// is +0 (x + 0 is +0 for either zero and x for every other number).
template <typename T>
inline T join_key_float(T x, bool* null) {
  *null = x != x;
  return x + T(0);
}

}  // namespace vlac::rt
