#pragma once
// One OVER call's frame in one partition (LANGUAGE.md §4), shared by the hosted rt::OverOp
// (runtime/ops/over.cpp, Queue = std::deque) and the firmware fw::Over (runtime/firmware/over.h,
// Queue = a fixed ring). Header-only, firmware-clean (<cstdint>, <cmath>, row_layout.h).
//
// A frame's aggregate is the one computed afresh over the rows in the frame: floats are never
// subtracted. A bounded frame keeps its values in a two-stack queue of mergeable moments (count,
// sum, mean, M2; Chan et al.): new values merge into `back`; when the oldest value leaves and
// the front stack is empty, every value in the frame moves to the front stack, which keeps for
// each position the moments of it and every newer front value. The frame's moments are then
// front.front() merged with back: O(1) amortised per row, each value merged into a running sum
// at most twice, no drift, and a value that left (a NaN, an infinity, a 1e16) is gone.
// Integer SUM keeps a wrapping running sum (subtraction is exact there). MIN/MAX keep a monotonic
// deque (bounded) or the best value (unbounded); NaN counts as larger than every number (as in
// window aggregates), and among equal values the earliest wins.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "runtime/ops/over_spec.h"
#include "runtime/row_layout.h"
#include "runtime/scalar/variance.h"

namespace vlac::rt {

/// One value in a frame: its time, its position in the partition, and the number.
struct OverEntry {
  int64_t time;
  int64_t index;  // LAG: < 0 for a NULL
  int64_t i;
  double f;
};

/// Moments of a multiset of numbers, merged without cancellation (Chan et al.,
/// runtime/scalar/variance.h, as window aggregates): the count, the sum, and the mean and M2 of
/// the values minus a pivot (variance does not depend on it; a pivot near the values keeps their
/// deviations exact, so 1e9 + 0.1, + 0.2, + 0.3 lose nothing).
struct Moments {
  int64_t n;
  double sum, mean, m2;

  /// One value. Its M2 is 0, or NaN for an infinite or NaN value (x - x), as Welford's update
  /// in the window aggregates gives, so a frame holding one has a NaN variance. A finite value
  /// whose deviation overflows (-DBL_MAX from the pivot DBL_MAX) keeps M2 0: the merge's
  /// delta^2 makes the frame's M2 +Infinity, as in the window aggregates (variance_add).
  static Moments of(double x, double pivot) {
    const double d = x - pivot;
    return Moments{1, x, d, x - x};
  }
  static Moments merge(const Moments& a, const Moments& b) { return merge(a, 0, b, 0); }
  /// Merges a (its mean taken from pivot pa) and b (from pb); the result is taken from pa. The
  /// pivots' difference is added to the small means' one, so values near their pivots lose
  /// nothing to the pivots' magnitude.
  static Moments merge(const Moments& a, double pa, const Moments& b, double pb) {
    if (b.n == 0) return a;
    if (a.n == 0) return Moments{b.n, b.sum, (pb - pa) + b.mean, b.m2};
    const MeanM2 r = variance_combine(a.n, a.mean, a.m2, pa, b.n, b.mean, b.m2, pb);  // as window aggregates
    return Moments{wrap_add<int64_t>(a.n, b.n), a.sum + b.sum, r.mean, r.m2};
  }
};

inline bool over_is_float(FieldType t) { return t == FieldType::Float32 || t == FieldType::Float64; }

/// Reads a numeric argument (false when NULL).
inline bool over_read_value(const uint8_t* args, const Field& f, int64_t* i, double* d) {
  if (is_null(args, f)) return false;
  switch (f.type) {
    case FieldType::Bool: *i = get<uint8_t>(args, f); break;
    case FieldType::Int32: *i = get<int32_t>(args, f); break;
    case FieldType::Float32: *d = get<float>(args, f); break;
    case FieldType::Float64: *d = get<double>(args, f); break;
    default: *i = get<int64_t>(args, f); break;
  }
  return true;
}

inline void over_write_number(uint8_t* row, const Field& f, int64_t i, double d) {
  switch (f.type) {
    case FieldType::Bool: put<uint8_t>(row, f, static_cast<uint8_t>(i != 0)); break;
    case FieldType::Int32: put<int32_t>(row, f, static_cast<int32_t>(i)); break;
    case FieldType::Float32: put<float>(row, f, static_cast<float>(d)); break;
    case FieldType::Float64: put<double>(row, f, d); break;
    default: put<int64_t>(row, f, i); break;
  }
  set_null(row, f, false);
}

/// a < b in MIN/MAX's order: floats with NaN above every number (all NaNs equal).
inline bool over_less(const OverCallSpec& c, const OverEntry& a, const OverEntry& b) {
  if (!over_is_float(c.arg.type)) return a.i < b.i;
  return a.f < b.f || (std::isnan(b.f) && !std::isnan(a.f));
}

/// Whether MIN/MAX prefer `e` to `cur` (strictly: among equal values the earlier stays).
inline bool over_better(const OverCallSpec& c, const OverEntry& e, const OverEntry& cur) {
  return c.function == OverFunction::Min ? over_less(c, e, cur) : over_less(c, cur, e);
}

/// An entry outside the frame of the row at (time, index). ROWS n: positions index-n .. index;
/// RANGE x: times time-x .. time (the boundary row is in), compared without overflow.
inline bool over_outside(const OverCallSpec& c, const OverEntry& e, int64_t time, int64_t index) {
  if (c.rows) return e.index < index - c.preceding;  // index >= 0, preceding >= 0: no overflow
  if (time < INT64_MIN + c.preceding) return false;  // time - preceding is below every time
  return e.time < time - c.preceding;
}

template <template <class> class Queue>
struct OverFrame {
  // Bounded frames: the non-NULL values in the frame, oldest first. LAG: the last `lag` values,
  // NULLs included (index < 0).
  Queue<OverEntry> values;
  Queue<OverEntry> extreme;  // bounded MIN/MAX: monotonic deque, best first
  Queue<Moments> front;      // bounded: front[k] = moments of values[k .. front.size())
  Moments back{};            // the moments of the values after the front stack (all, unbounded)
  // Each stack's means are taken from its own pivot, a finite value near its values: the front's
  // is the newest value at the flip, the back's its first finite value. One shared pivot went
  // stale: 0 and -6.375 pushed after a 1.8e308 vanished into it (difftest seed 3).
  double front_pivot = 0, back_pivot = 0;
  bool has_back_pivot = false;
  int64_t count = 0;         // non-NULL values in the frame
  int64_t isum = 0;          // integer SUM, wrapping
  OverEntry first{}, last{}, best{};  // UNBOUNDED: the first, last and extreme value (when count)

  void reset() {
    values.clear();
    extreme.clear();
    front.clear();
    back = Moments{};
    front_pivot = back_pivot = 0;
    has_back_pivot = false;
    count = isum = 0;
    first = last = best = OverEntry{};
  }

  static bool is_extreme(const OverCallSpec& c) { return c.function == OverFunction::Min || c.function == OverFunction::Max; }

  /// A value joins the frame (call after evict(), so a fixed ring never holds more than the frame).
  void add(const OverCallSpec& c, const OverEntry& e) {
    const bool is_float = over_is_float(c.arg.type);
    if (count == 0) first = e;
    last = e;
    if (is_extreme(c) && c.unbounded && (count == 0 || over_better(c, e, best))) best = e;
    ++count;
    isum = static_cast<int64_t>(static_cast<uint64_t>(isum) + static_cast<uint64_t>(e.i));
    const double x = is_float ? e.f : static_cast<double>(e.i);
    if (back.n == 0) has_back_pivot = false;
    if (!has_back_pivot && std::isfinite(x)) {  // NaN/inf minus any finite pivot stay NaN/inf
      back = Moments::merge(Moments{}, x, back, back_pivot);  // re-taken from x (back holds no finite value)
      back_pivot = x;
      has_back_pivot = true;
    }
    back = Moments::merge(back, Moments::of(x, back_pivot));
    if (c.unbounded) return;
    values.push_back(e);
    if (is_extreme(c)) {
      while (!extreme.empty() && over_better(c, e, extreme.back())) extreme.pop_back();
      extreme.push_back(e);
    }
  }

  /// The values that are outside the frame of the row at (time, index) leave.
  void evict(const OverCallSpec& c, int64_t time, int64_t index) {
    if (c.unbounded) return;
    const bool is_float = over_is_float(c.arg.type);
    while (!values.empty() && over_outside(c, values.front(), time, index)) {
      if (front.empty()) {  // every value moves to the front stack, newest first
        auto value = [&](size_t k) { return is_float ? values[k].f : static_cast<double>(values[k].i); };
        const size_t n = values.size();
        front_pivot = 0;  // the newest finite value: near the values that stay longest
        for (size_t k = n; k-- > 0;) {
          if (std::isfinite(value(k))) {
            front_pivot = value(k);
            break;
          }
        }
        for (size_t k = 0; k < n; ++k) front.push_back(Moments{});
        Moments acc{};
        for (size_t k = n; k-- > 0;) {
          acc = Moments::merge(Moments::of(value(k), front_pivot), acc);
          front[k] = acc;
        }
        back = Moments{};
        has_back_pivot = false;
      }
      --count;
      isum = static_cast<int64_t>(static_cast<uint64_t>(isum) - static_cast<uint64_t>(values.front().i));
      values.pop_front();
      front.pop_front();
    }
    while (!extreme.empty() && over_outside(c, extreme.front(), time, index)) extreme.pop_front();
  }

  /// LAG: the row's value (or NULL) takes its place after the result was taken.
  void push_lag(const OverCallSpec& c, OverEntry e, bool has) {
    if (c.lag < 1) return;
    if (!has) e.index = -1;
    if (static_cast<int64_t>(values.size()) >= c.lag) values.pop_front();
    values.push_back(e);
  }

  Moments moments() const { return front.empty() ? back : Moments::merge(front.front(), front_pivot, back, back_pivot); }

  void write_result(const OverCallSpec& c, uint8_t* results) const {
    const Field& r = c.result;
    set_null(results, r, true);
    const bool is_float = over_is_float(c.arg.type);
    const bool any = count != 0;
    switch (c.function) {
      case OverFunction::Count:
      case OverFunction::CountStar: over_write_number(results, r, count, 0); return;
      case OverFunction::Sum:
        if (any) over_write_number(results, r, isum, moments().sum);
        return;
      case OverFunction::Avg:
        if (any) over_write_number(results, r, 0, (is_float ? moments().sum : static_cast<double>(isum)) / static_cast<double>(count));
        return;
      case OverFunction::VarPop:
      case OverFunction::VarSamp:
      case OverFunction::StddevPop:
      case OverFunction::StddevSamp: {
        const bool sample = c.function == OverFunction::VarSamp || c.function == OverFunction::StddevSamp;
        if (count == 0 || (sample && count < 2)) return;
        const double var = variance_of(moments().m2, sample ? count - 1 : count);
        const bool stddev = c.function == OverFunction::StddevPop || c.function == OverFunction::StddevSamp;
        over_write_number(results, r, 0, stddev ? std::sqrt(var) : var);
        return;
      }
      case OverFunction::Min:
      case OverFunction::Max: {
        if (!any) return;
        const OverEntry& e = c.unbounded ? best : extreme.front();
        over_write_number(results, r, e.i, e.f);
        return;
      }
      case OverFunction::First:
        if (any) over_write_number(results, r, c.unbounded ? first.i : values.front().i, c.unbounded ? first.f : values.front().f);
        return;
      case OverFunction::Last:
        if (any) over_write_number(results, r, last.i, last.f);
        return;
      case OverFunction::Lag:
        if (c.lag >= 1 && static_cast<int64_t>(values.size()) == c.lag && values.front().index >= 0)
          over_write_number(results, r, values.front().i, values.front().f);
        return;
    }
  }
};

}  // namespace vlac::rt
