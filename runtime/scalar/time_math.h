#pragma once
// Event-time arithmetic that stays exact near the INT64 limits (docs/decisions.md, "Defects of
// issue 11: joins and event time"): sums and differences of times saturate instead of wrapping,
// comparisons of a difference are exact, and the watermark INT64_MAX means "end of input".
// Header-only, firmware-clean (no __int128: 32-bit targets have none). Shared by the hosted
// runtime (engine, joins, windows), the firmware runtime and the C++ backend's generated code.

#include <cstdint>

namespace vlac::rt {

/// a + b, clamped to [INT64_MIN, INT64_MAX].
inline int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

/// a - b, clamped to [INT64_MIN, INT64_MAX].
inline int64_t sat_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

/// Whether `later - earlier`, computed exactly, lies in [lower, upper]. A difference that does
/// not fit in INT64 is outside every INT64 range.
inline bool time_diff_within(int64_t earlier, int64_t later, int64_t lower, int64_t upper) {
  int64_t d;
  if (__builtin_sub_overflow(later, earlier, &d)) return false;
  return d >= lower && d <= upper;
}

/// Whether t + offset, computed exactly, is >= w.
inline bool shifted_at_least(int64_t t, int64_t offset, int64_t w) {
  int64_t r;
  if (__builtin_add_overflow(t, offset, &r)) return offset > 0;
  return r >= w;
}

/// Whether t - offset, computed exactly, is >= w.
inline bool shifted_back_at_least(int64_t t, int64_t offset, int64_t w) {
  int64_t r;
  if (__builtin_sub_overflow(t, offset, &r)) return offset < 0;
  return r >= w;
}

/// Whether t lies before `end`, the (clamped) end of a window or session: an end of INT64_MAX
/// stands for every end beyond it, so every time lies before it.
inline bool before_end(int64_t t, int64_t end) { return t < end || end == INT64_MAX; }

/// The watermark INT64_MAX is reserved for the end of the input (every window fires, every
/// buffered row is final). Before that, a source's W = max(time) - bound is at most
/// INT64_MAX - 1, so a row at INT64_MAX is never late and never made final too soon.
constexpr int64_t kEndOfInput = INT64_MAX;

/// w - hold_back (hold_back >= 0) for an operator that holds its output watermark back,
/// without wrapping; the end of the input stays the end.
inline int64_t held_back_watermark(int64_t w, int64_t hold_back) {
  return w == kEndOfInput ? w : sat_sub(w, hold_back);
}

/// A source's watermark: max_time - bound (bound >= 0), without wrapping, below kEndOfInput.
inline int64_t source_watermark(int64_t max_time, int64_t bound) {
  int64_t w = sat_sub(max_time, bound);
  return w == kEndOfInput ? kEndOfInput - 1 : w;
}

/// a - b * floor(a / b), in [0, b), for b > 0, correct for negative a.
inline int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

}  // namespace vlac::rt
