#pragma once
// Which windows an event belongs to (LANGUAGE.md §5), aligned to the epoch plus an offset.
// Header-only and allocation-free: shared by the hosted and the firmware runtime. Windows are
// computed relative to the event's own time, so nothing overflows; a window whose start or end
// lies beyond the INT64 range is clamped to INT64_MIN or INT64_MAX (docs/decisions.md): the
// event still belongs to it, and an end of INT64_MAX fires at the end of the input.

#include <cstdint>

#include "runtime/scalar/time_math.h"

namespace vlac::rt {

/// How an aggregate assigns rows to windows; TUMBLE, HOP and CUMULATE are for_each_window's
/// kinds 0, 1 and 2. EndOfInput: a GROUP BY without a window, one window fired at the end.
enum class WindowMode { Tumble = 0, Hop = 1, Cumulate = 2, Session = 3, EndOfInput = 4 };

/// The most windows one event may belong to (HOP: size / slide, CUMULATE: max size / step)
/// when each window is a separate aggregate state: without window slicing, lowering rejects
/// definitions above it. `vlac check` warns above kWarnWindowsPerEvent.
constexpr int64_t kMaxWindowsPerEvent = 100000;
constexpr int64_t kWarnWindowsPerEvent = 1000;

/// How many windows of kind `kind` (as for_each_window) one event belongs to, at most.
constexpr int64_t windows_per_event(int kind, int64_t size, int64_t slide) {
  return kind == 0 || size <= 0 || slide <= 0 ? 1 : size / slide;
}

/// How far t lies after the start of its TUMBLE window of `size` (aligned to the epoch plus
/// `offset`): (t - offset) mod size, in [0, size), computed without overflow.
inline int64_t window_phase(int64_t t, int64_t size, int64_t offset) {
  int64_t r = floor_mod(t, size) - floor_mod(offset, size);
  return r < 0 ? r + size : r;
}

/// The start of the TUMBLE window of `size` holding t, clamped to INT64_MIN.
inline int64_t tumble_start(int64_t t, int64_t size, int64_t offset) {
  return sat_sub(t, window_phase(t, size, offset));
}

/// Calls f(start, end) for every window of kind `kind` that contains t, in increasing end order.
///   kind 0 TUMBLE(size), 1 HOP(slide, size), 2 CUMULATE(step = slide, max = size).
/// A size (or, for HOP and CUMULATE, a slide) that is not positive gives no windows. Each
/// window is found by its distance back to its start and ahead to its end (both within
/// [0, size]), so membership is exact; start and end are then clamped to the INT64 range, and
/// windows whose clamped bounds coincide (CUMULATE's ends beyond INT64_MAX) are one window.
template <typename F>
inline void for_each_window(int kind, int64_t t, int64_t size, int64_t slide, int64_t offset, F&& f) {
  if (size <= 0) return;
  if (kind == 0) {
    int64_t back = window_phase(t, size, offset);
    f(sat_sub(t, back), sat_add(t, size - back));
  } else if (kind == 1) {
    if (slide <= 0 || size < slide) return;
    // Windows [k*slide + offset, +size): the latest start is `phase` before t, the others
    // whole slides earlier; the earliest first (increasing ends).
    int64_t phase = window_phase(t, slide, offset);
    for (int64_t k = (size - 1 - phase) / slide; k >= 0; --k) {
      int64_t back = phase + k * slide;  // < size: no overflow
      f(sat_sub(t, back), sat_add(t, size - back));
    }
  } else {
    if (slide <= 0) return;
    int64_t back = window_phase(t, size, offset);
    int64_t n = size / slide;
    for (int64_t k = 1; k <= n; ++k) {
      int64_t ahead = k * slide - back;  // k * slide <= size: no overflow
      if (ahead <= 0) continue;
      int64_t end = sat_add(t, ahead);
      f(sat_sub(t, back), end);
      // The longer windows of this start end beyond INT64_MAX too: clamped, they are this one.
      if (end == INT64_MAX) break;
    }
  }
}

/// The end of the last window (the largest end) of kind 1 (HOP) or 2 (CUMULATE) that contains
/// t: for_each_window's last call. A row is late for all its windows when it is <= the watermark.
inline int64_t last_window_end(int kind, int64_t t, int64_t size, int64_t slide, int64_t offset) {
  if (kind == 1) return sat_add(t, size - window_phase(t, slide, offset));
  int64_t back = window_phase(t, size, offset);
  return sat_add(t, (size / slide) * slide - back);
}

/// Calls f(start, end) for every window of kind 1 (HOP) or 2 (CUMULATE) that contains t and
/// ends after `after_end`, in increasing end order, as for_each_window does, until f returns
/// false. The windows ending at or before `after_end` are skipped without being visited, so
/// that a firing visits only the windows it fires (HOP(1 us, 10 s) has 10^7 per event).
template <typename F>
inline void for_each_window_after(int kind, int64_t t, int64_t size, int64_t slide, int64_t offset, int64_t after_end, F&& f) {
  if (size <= 0 || slide <= 0 || after_end == INT64_MAX) return;
  // Every window holding t ends after t: only ends `ahead` > after_end - t need visiting.
  // `skip` = after_end - t when positive (as unsigned: it may exceed INT64_MAX), else 0.
  uint64_t skip = after_end > t ? static_cast<uint64_t>(after_end) - static_cast<uint64_t>(t) : 0;
  if (kind == 1) {
    if (size < slide) return;
    int64_t phase = window_phase(t, slide, offset);
    // Window k (0 = latest start) ends `size - phase - k * slide` ahead of t.
    int64_t k = (size - 1 - phase) / slide;
    if (skip > 0) {
      if (skip >= static_cast<uint64_t>(size - phase)) return;  // even the last window ends too early
      int64_t most = (size - phase - static_cast<int64_t>(skip) - 1) / slide;  // ahead > skip
      if (most < k) k = most;
    }
    for (; k >= 0; --k) {
      int64_t back = phase + k * slide;
      if (!f(sat_sub(t, back), sat_add(t, size - back))) return;
    }
  } else {
    int64_t back = window_phase(t, size, offset);
    int64_t n = size / slide;
    // Window k (1..n) ends `k * slide - back` ahead of t: the first to visit has it > skip.
    int64_t k = back / slide + 1;
    if (skip > 0) {
      if (skip >= static_cast<uint64_t>(n * slide - back)) return;
      int64_t least = (back + static_cast<int64_t>(skip)) / slide + 1;
      if (least > k) k = least;
    }
    for (; k <= n; ++k) {
      int64_t end = sat_add(t, k * slide - back);
      if (!f(sat_sub(t, back), end)) return;
      if (end == INT64_MAX) return;  // longer windows of this start are this one, clamped
    }
  }
}

}  // namespace vlac::rt
