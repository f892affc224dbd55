#pragma once
// Which windows an event belongs to (LANGUAGE.md §5), aligned to the epoch plus an offset.
// Header-only and allocation-free: shared by the hosted and the firmware runtime. Time
// arithmetic wraps instead of overflowing, so extreme times are never undefined behaviour.

#include <cstdint>

#include "runtime/scalar/wrapping.h"

namespace vlac::rt {

/// How an aggregate assigns rows to windows; TUMBLE, HOP and CUMULATE are for_each_window's
/// kinds 0, 1 and 2. EndOfInput: a GROUP BY without a window, one window fired at the end.
enum class WindowMode { Tumble = 0, Hop = 1, Cumulate = 2, Session = 3, EndOfInput = 4 };

/// The most windows one event may belong to (HOP: size / slide, CUMULATE: max size / step).
/// `vlac check` rejects definitions above it (each window of an event is a separate aggregate
/// state; window slicing would lift the limit) and warns above kWarnWindowsPerEvent.
constexpr int64_t kMaxWindowsPerEvent = 100000;
constexpr int64_t kWarnWindowsPerEvent = 1000;

/// How many windows of kind `kind` (as for_each_window) one event belongs to, at most.
constexpr int64_t windows_per_event(int kind, int64_t size, int64_t slide) {
  return kind == 0 || size <= 0 || slide <= 0 ? 1 : size / slide;
}

/// floor(a / b) for b > 0, correct for negative a.
inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// The start of the TUMBLE window of `size` (and HOP's or CUMULATE's alignment) holding t.
inline int64_t tumble_start(int64_t t, int64_t size, int64_t offset) {
  return wrap_add(wrap_mul(floor_div(wrap_sub(t, offset), size), size), offset);
}

/// Calls f(start, end) for every window of kind `kind` that contains t, in increasing end order.
///   kind 0 TUMBLE(size), 1 HOP(slide, size), 2 CUMULATE(step = slide, max = size).
/// A size (or, for HOP and CUMULATE, a slide) that is not positive gives no windows. The loops
/// count windows instead of comparing times, so they end even where times wrap.
template <typename F>
inline void for_each_window(int kind, int64_t t, int64_t size, int64_t slide, int64_t offset, F&& f) {
  if (size <= 0) return;
  if (kind == 0) {
    int64_t s = tumble_start(t, size, offset);
    f(s, wrap_add(s, size));
  } else if (kind == 1) {
    if (slide <= 0 || size < slide) return;
    // Windows [k*slide + offset, +size) containing t: the latest start is at or before t.
    int64_t last = tumble_start(t, slide, offset);
    int64_t first = wrap_add(wrap_sub(last, size), slide);
    int64_t n = (size - slide) / slide + 1;
    for (int64_t k = 0; k < n; ++k) {
      int64_t s = wrap_add(first, wrap_mul(k, slide));
      if (t < wrap_add(s, size)) f(s, wrap_add(s, size));
    }
  } else {
    if (slide <= 0) return;
    int64_t s = tumble_start(t, size, offset);
    int64_t n = size / slide;
    for (int64_t k = 1; k <= n; ++k) {
      int64_t e = wrap_add(s, wrap_mul(k, slide));
      if (t < e) f(s, e);
    }
  }
}

}  // namespace vlac::rt
