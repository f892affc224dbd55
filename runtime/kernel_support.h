#pragma once
// What the C++ backend's generated code calls: field loads and stores at fixed offsets of a row
// (runtime/row_layout.h), NULL bits, and integer arithmetic that wraps (LANGUAGE.md §2) without
// signed overflow in C++. The LLVM backend emits the loads, stores and wrapping arithmetic as IR
// instructions; the value rules of runtime/scalar/ it links as bitcode (codegen/jit/value_rules.h).
//
// Firmware-clean: only <cstdint>, <cstddef>, <cmath>. Under VLAC_FIRMWARE a STRING(n) field is
// stored inline ([uint32 size][n bytes]); on hosts it is a StringRef to bytes owned elsewhere.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "runtime/row_layout.h"
#include "runtime/scalar/aggregates.h"
#include "runtime/scalar/arithmetic.h"
#include "runtime/scalar/math_functions.h"
#include "runtime/scalar/string_functions.h"
#include "runtime/scalar/time_math.h"
#include "runtime/scalar/variance.h"
#include "runtime/scalar/wrapping.h"
// CAST(string AS BOOL | INT | TIMESTAMP) parses on firmware too; floats parse on hosts only
// (<charconv>: the firmware target refuses CAST(string AS FLOAT*) at compile time).
#include "runtime/value_format.h"

#if !defined(VLAC_FIRMWARE)
#include "runtime/exec_context.h"
#include "runtime/ops/string_arena.h"
#endif

namespace vlac::cg {

template <typename T>
inline T load(const uint8_t* row, uint32_t offset) {
  T v;
  __builtin_memcpy(&v, row + offset, sizeof v);
  return v;
}
template <typename T>
inline void store(uint8_t* row, uint32_t offset, T v) {
  __builtin_memcpy(row + offset, &v, sizeof v);
}
inline bool load_bool(const uint8_t* row, uint32_t offset) { return (row[offset] & 1) != 0; }
inline void store_bool(uint8_t* row, uint32_t offset, bool v) { row[offset] = v ? 1 : 0; }

inline bool is_null(const uint8_t* row, uint32_t bit) { return ((row[bit >> 3] >> (bit & 7)) & 1) != 0; }
inline void set_null(uint8_t* row, uint32_t bit, bool null) {
  uint8_t mask = static_cast<uint8_t>(1u << (bit & 7));
  row[bit >> 3] = null ? static_cast<uint8_t>(row[bit >> 3] | mask) : static_cast<uint8_t>(row[bit >> 3] & ~mask);
}

/// A string value while an expression is evaluated.
struct Str {
  const char* data;
  uint32_t size;
};

/// A STRING(n) column in a generated firmware row struct: the bytes, not a pointer.
template <uint32_t N>
struct FixedString {
  uint32_t size;
  char data[N];
};

#if defined(VLAC_FIRMWARE)
inline Str load_string(const uint8_t* row, uint32_t offset) {
  return {reinterpret_cast<const char*>(row + offset + 4), load<uint32_t>(row, offset)};
}
/// Copies into the field's inline buffer of `capacity` bytes (a longer value was already
/// rejected by the type rules; it is cut rather than overflow).
inline void store_string(uint8_t* row, uint32_t offset, uint32_t capacity, Str s) {
  uint32_t n = s.size < capacity ? s.size : capacity;
  store<uint32_t>(row, offset, n);
  if (n) __builtin_memcpy(row + offset + 4, s.data, n);
}
#else
inline Str load_string(const uint8_t* row, uint32_t offset) {
  return {load<const char*>(row, offset), load<uint32_t>(row, offset + 8)};
}
inline void store_string(uint8_t* row, uint32_t offset, uint32_t /*capacity*/, Str s) {
  store<const char*>(row, offset, s.data);
  store<uint32_t>(row, offset + 8, s.size);
}
#endif

// Wrapping integer arithmetic (runtime/scalar/wrapping.h).
using rt::wrap_add;
using rt::wrap_mul;
using rt::wrap_neg;
using rt::wrap_sub;

inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

#if !defined(VLAC_FIRMWARE)
// Computed strings live in the per-row scratch arena of the execution context.
inline Str concat(rt::ExecContext* ctx, Str a, Str b) {
  char* out = ctx->scratch.alloc(a.size + b.size);
  if (a.size) __builtin_memcpy(out, a.data, a.size);
  if (b.size) __builtin_memcpy(out + a.size, b.data, b.size);
  return {out, a.size + b.size};
}
inline Str upper(rt::ExecContext* ctx, Str s) {
  char* out = ctx->scratch.alloc(s.size);
  rt::ascii_upper(s.data, s.size, out);
  return {out, s.size};
}
inline Str lower(rt::ExecContext* ctx, Str s) {
  char* out = ctx->scratch.alloc(s.size);
  rt::ascii_lower(s.data, s.size, out);
  return {out, s.size};
}
inline Str format_int(rt::ExecContext* ctx, int64_t v) {
  char* buf = ctx->scratch.alloc(rt::kValueFormatBufSize);
  return {buf, static_cast<uint32_t>(rt::format_int64(v, buf))};
}
inline Str format_real(rt::ExecContext* ctx, double v, bool is_float32) {
  char* buf = ctx->scratch.alloc(rt::kValueFormatBufSize);
  size_t n = is_float32 ? rt::format_float(static_cast<float>(v), buf) : rt::format_double(v, buf);
  return {buf, static_cast<uint32_t>(n)};
}
inline Str format_bool(bool v) { return v ? Str{"true", 4} : Str{"false", 5}; }
inline Str format_timestamp(rt::ExecContext* ctx, int64_t v) {
  char* buf = ctx->scratch.alloc(rt::kValueFormatBufSize);
  return {buf, static_cast<uint32_t>(rt::format_timestamp_iso(v, buf))};
}
/// Copies a string into an operator's arena, so that it outlives the input row.
inline Str keep(rt::StringArena* arena, Str s) { return {arena->copy(s.data, s.size), s.size}; }
#endif

}  // namespace vlac::cg
