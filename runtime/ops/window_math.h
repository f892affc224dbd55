#pragma once
// Which windows an event belongs to (LANGUAGE.md §5), aligned to the epoch plus an offset.
// Header-only and allocation-free: shared by every backend, firmware included.

#include <cstdint>

namespace vlac::rt {

/// floor(a / b) for b > 0, correct for negative a.
inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// The start of the TUMBLE window of `size` (and HOP's or CUMULATE's alignment) holding t.
inline int64_t tumble_start(int64_t t, int64_t size, int64_t offset) {
  return floor_div(t - offset, size) * size + offset;
}

/// Calls f(start, end) for every window of kind `kind` that contains t, in increasing end order.
///   kind 0 TUMBLE(size), 1 HOP(slide, size), 2 CUMULATE(step = slide, max = size).
template <typename F>
inline void for_each_window(int kind, int64_t t, int64_t size, int64_t slide, int64_t offset, F&& f) {
  if (kind == 0) {
    int64_t s = tumble_start(t, size, offset);
    f(s, s + size);
  } else if (kind == 1) {
    // Windows [k*slide + offset, +size) containing t: the latest start is at or before t.
    int64_t last = tumble_start(t, slide, offset);
    for (int64_t s = last - size + slide; s <= last; s += slide)
      if (t < s + size) f(s, s + size);
  } else {
    int64_t s = tumble_start(t, size, offset);
    for (int64_t e = s + slide; e <= s + size; e += slide)
      if (t < e) f(s, e);
  }
}

}  // namespace vlac::rt
