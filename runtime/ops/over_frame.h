#pragma once
// One OVER call's frame in one partition (LANGUAGE.md §4), for rt::Over (runtime/ops/over.h):
// its queues are std::deque under hosted storage, fixed rings under fixed storage, sized per
// call (over_frame_sizes). Header-only, firmware-clean (<cstdint>, <cmath>, row_layout.h).
//
// A frame's aggregate is the one computed afresh over the rows in the frame: floats are never
// subtracted. A bounded frame keeps its values in a two-stack queue of mergeable moments (count,
// sum, mean, M2; Chan et al.): new values merge into `back`; when the oldest value leaves and
// the front stack is empty, every value in the frame moves to the front stack, which keeps for
// each position the moments of it and every newer front value. The frame's moments are then
// front.front() merged with back: O(1) amortised per row, each value merged into a running sum
// at most twice, no drift, and a value that left (a NaN, an infinity, a 1e16) is gone.
// Integer SUM keeps a wrapping running sum (subtraction is exact there); only the functions that
// need moments keep them. MIN/MAX keep a monotonic deque (bounded; no values) or the best value
// (unbounded); NaN counts as larger than every number (as in
// window aggregates), and among equal values the earliest wins.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "runtime/ops/over_spec.h"
#include "runtime/ops/state_io.h"
#include "runtime/row_layout.h"
#include "runtime/scalar/arithmetic.h"
#include "runtime/scalar/aggregates.h"
#include "runtime/scalar/variance.h"

namespace vlac::rt {

/// One value in a frame, 16 bytes (a bounded frame holds up to max_buffered_rows of them): where
/// it is, as its frame compares it (ROWS and LAG: its position in the partition, LAG -1 for a
/// NULL; RANGE: its time), and the number (an integer, or a double's bits).
struct OverEntry {
  int64_t pos;
  int64_t bits;
  int64_t i() const { return bits; }
  double f() const {
    double d;
    __builtin_memcpy(&d, &bits, sizeof d);
    return d;
  }
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

constexpr bool over_is_float(FieldType t) { return t == FieldType::Float32 || t == FieldType::Float64; }

/// Reads a numeric argument into e's number (false when NULL).
inline bool over_read_value(const uint8_t* args, const Field& f, OverEntry* e) {
  if (is_null(args, f)) return false;
  double d;
  switch (f.type) {
    case FieldType::Bool: e->bits = get<uint8_t>(args, f); return true;
    case FieldType::Int32: e->bits = get<int32_t>(args, f); return true;
    case FieldType::Float32: d = get<float>(args, f); break;
    case FieldType::Float64: d = get<double>(args, f); break;
    default: e->bits = get<int64_t>(args, f); return true;
  }
  __builtin_memcpy(&e->bits, &d, sizeof d);
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
  if (!over_is_float(c.arg.type)) return a.i() < b.i();
  return less_ranked(a.f(), b.f());  // the value rule of MIN/MAX, LEAST and GREATEST
}

/// Whether MIN/MAX prefer `e` to `cur` (strictly: among equal values the earlier stays).
inline bool over_better(const OverCallSpec& c, const OverEntry& e, const OverEntry& cur) {
  return c.function == OverFunction::Min ? over_less(c, e, cur) : over_less(c, cur, e);
}

/// An entry outside the frame of the row at (time, index). ROWS n: positions index-n .. index;
/// RANGE x: times time-x .. time (the boundary row is in), compared without overflow.
inline bool over_outside(const OverCallSpec& c, const OverEntry& e, int64_t time, int64_t index) {
  if (c.rows) return e.pos < index - c.preceding;   // index >= 0, preceding >= 0: no overflow
  if (time < INT64_MIN + c.preceding) return false;  // time - preceding is below every time
  return e.pos < time - c.preceding;
}

constexpr bool over_is_extreme(const OverCallSpec& c) { return c.function == OverFunction::Min || c.function == OverFunction::Max; }

/// Whether a frame of `c` needs the values' moments: float SUM and AVG, STDDEV_*, VAR_* (integer
/// SUM and AVG keep an exact wrapping sum; the others count or pick values).
constexpr bool over_needs_moments(const OverCallSpec& c) {
  switch (c.function) {
    case OverFunction::Sum:
    case OverFunction::Avg: return over_is_float(c.arg.type);
    case OverFunction::VarPop:
    case OverFunction::VarSamp:
    case OverFunction::StddevPop:
    case OverFunction::StddevSamp: return true;
    default: return false;
  }
}

/// The most entries call c's frame stores in one partition, max_rows being max_buffered_rows:
/// a bounded frame's values (ROWS n: n + 1 at most), its MIN/MAX candidates (a subset of them),
/// LAG's last `lag` values (0 when lag < 1: NULL; and when lag > max_rows: every row is dropped).
/// An unbounded frame stores none. A row whose frame would store more is dropped.
constexpr uint64_t over_frame_capacity(const OverCallSpec& c, uint64_t max_rows) {
  if (c.function == OverFunction::Lag) return c.lag >= 1 && static_cast<uint64_t>(c.lag) <= max_rows ? static_cast<uint64_t>(c.lag) : 0;
  if (c.unbounded) return 0;
  if (c.rows && static_cast<uint64_t>(c.preceding) < max_rows) return static_cast<uint64_t>(c.preceding) + 1;  // preceding >= 0
  return max_rows;
}

/// What a frame of c keeps, in entries of each of OverFrame's queues: the fixed storage's sizes
/// (the generator writes them into an operator's Dims, one per call).
struct OverFrameSizes {
  uint64_t values, extreme, moments;
};
constexpr OverFrameSizes over_frame_sizes(const OverCallSpec& c, uint64_t max_rows) {
  const uint64_t n = over_frame_capacity(c, max_rows);
  if (over_is_extreme(c)) return {0, n, 0};
  return {n, 0, over_needs_moments(c) && !c.unbounded ? n : 0};
}

/// How many entries a queue can hold: a fixed ring its capacity, a growing one any number.
template <class Q, class = void>
struct OverQueueCapacity {
  static constexpr uint64_t value = UINT64_MAX;
};
template <class Q>
struct OverQueueCapacity<Q, decltype(void(Q::capacity()))> {
  static constexpr uint64_t value = Q::capacity();
};

/// One call's frame in one partition. Values, Extreme and Front are queues (std::deque or a
/// fixed Ring) of OverEntry, OverEntry and Moments; a call uses only those its function needs
/// (over_frame_sizes), so fixed storage gives the others no room.
template <class Values, class Extreme, class Front>
struct OverFrame {
  // Bounded frames but MIN/MAX: the non-NULL values in the frame, oldest first. LAG: the last
  // `lag` values, NULLs included (pos < 0).
  Values values;
  Extreme extreme;  // bounded MIN/MAX: monotonic deque, best first (they keep no values)
  Front front;      // bounded, with moments: front[k] = moments of values[k .. front.size())
  Moments back{};   // the moments of the values after the front stack (all, unbounded)
  // Each stack's means are taken from its own pivot, a finite value near its values: the front's
  // is the newest value at the flip, the back's its first finite value. One shared pivot went
  // stale: 0 and -6.375 pushed after a 1.8e308 vanished into it (difftest seed 3).
  double front_pivot = 0, back_pivot = 0;
  bool has_back_pivot = false;
  int64_t count = 0;  // non-NULL values in the frame (bounded MIN/MAX: unused)
  int64_t isum = 0;   // integer SUM, wrapping
  int64_t ihigh = 0;  // integer AVG: the word above isum, for the exact sum (wide_sum_add)
  OverEntry first{}, last{}, best{};  // the first (unbounded), last and extreme (unbounded) value

  void reset() {
    values.clear();
    extreme.clear();
    front.clear();
    back = Moments{};
    front_pivot = back_pivot = 0;
    has_back_pivot = false;
    count = isum = ihigh = 0;
    first = last = best = OverEntry{};
  }

  /// Its state (LANGUAGE.md §10): each queue as it is (its entries oldest first), then the
  /// running values. Entries are numbers and positions (OVER takes no STRING values): plain bytes.
  void save(StateWriter& w) const {
    values.save(w);
    extreme.save(w);
    front.save(w);
    w.put(back);
    w.put(front_pivot);
    w.put(back_pivot);
    w.put(static_cast<uint8_t>(has_back_pivot));
    w.put(count);
    w.put(isum);
    w.put(ihigh);
    w.put(first);
    w.put(last);
    w.put(best);
  }
  /// Into a frame of the same call; false when malformed (e.g. a queue longer than it holds).
  bool load(StateReader& r) {
    if (!values.load(r) || !extreme.load(r) || !front.load(r)) return false;
    r.get(&back);
    r.get(&front_pivot);
    r.get(&back_pivot);
    uint8_t has = 0;
    r.get(&has);
    if (has > 1) r.fail();
    has_back_pivot = has != 0;
    r.get(&count);
    r.get(&isum);
    r.get(&ihigh);
    r.get(&first);
    r.get(&last);
    r.get(&best);
    return r.ok();
  }

  /// The most entries this frame can store for c (its queue's capacity).
  uint64_t capacity(const OverCallSpec& c) const {
    if (over_is_extreme(c)) return OverQueueCapacity<Extreme>::value;
    const uint64_t v = OverQueueCapacity<Values>::value;
    if (!over_needs_moments(c) || c.unbounded) return v;
    const uint64_t f = OverQueueCapacity<Front>::value;
    return v < f ? v : f;
  }
  /// The entries it stores now (values, or MIN/MAX candidates).
  size_t stored(const OverCallSpec& c) const { return over_is_extreme(c) ? extreme.size() : values.size(); }
  /// The stored entries that are still inside the frame of the row at (time, index).
  size_t kept(const OverCallSpec& c, int64_t time, int64_t index) const {
    return over_is_extreme(c) ? kept_of(extreme, c, time, index) : kept_of(values, c, time, index);
  }

  /// A value joins the frame (call after evict(), so a fixed ring never holds more than the frame).
  void add(const OverCallSpec& c, const OverEntry& e) {
    const bool is_extreme = over_is_extreme(c);
    if (c.unbounded) {
      if (count == 0) first = e;
      if (is_extreme && (count == 0 || over_better(c, e, best))) best = e;
    }
    last = e;
    ++count;
    wide_sum_add(&ihigh, &isum, e.i());  // (read for integers only; isum alone is SUM's wrapping sum)
    if (over_needs_moments(c)) {
      const double x = over_is_float(c.arg.type) ? e.f() : static_cast<double>(e.i());
      if (back.n == 0) has_back_pivot = false;
      if (!has_back_pivot && std::isfinite(x)) {  // NaN/inf minus any finite pivot stay NaN/inf
        back = Moments::merge(Moments{}, x, back, back_pivot);  // re-taken from x (back holds no finite value)
        back_pivot = x;
        has_back_pivot = true;
      }
      back = Moments::merge(back, Moments::of(x, back_pivot));
    }
    if (c.unbounded) return;
    if (is_extreme) {
      while (!extreme.empty() && over_better(c, e, extreme.back())) extreme.pop_back();
      extreme.push_back(e);
      return;
    }
    values.push_back(e);
  }

  /// The values that are outside the frame of the row at (time, index) leave.
  void evict(const OverCallSpec& c, int64_t time, int64_t index) {
    if (c.unbounded) return;
    if (over_is_extreme(c)) {
      while (!extreme.empty() && over_outside(c, extreme.front(), time, index)) extreme.pop_front();
      return;
    }
    const bool moments = over_needs_moments(c);
    const bool is_float = over_is_float(c.arg.type);
    while (!values.empty() && over_outside(c, values.front(), time, index)) {
      if (moments && front.empty()) {  // every value moves to the front stack, newest first
        auto value = [&](size_t k) { return is_float ? values[k].f() : static_cast<double>(values[k].i()); };
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
      wide_sum_sub(&ihigh, &isum, values.front().i());
      values.pop_front();
      if (moments) front.pop_front();
    }
  }

  /// LAG: the row's value (or NULL) takes its place after the result was taken.
  void push_lag(const OverCallSpec& c, OverEntry e, bool has) {
    if (c.lag < 1) return;
    if (!has) e.pos = -1;
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
        if (any) over_write_number(results, r, isum, is_float ? moments().sum : 0);
        return;
      case OverFunction::Avg:
        if (any) {
          bool none;
          over_write_number(results, r, 0, is_float ? moments().sum / static_cast<double>(count) : wide_average(ihigh, isum, count, &none));
        }
        return;
      case OverFunction::VarPop:
      case OverFunction::VarSamp:
      case OverFunction::StddevPop:
      case OverFunction::StddevSamp: {
        const bool sample = c.function == OverFunction::VarSamp || c.function == OverFunction::StddevSamp;
        const bool stddev = c.function == OverFunction::StddevPop || c.function == OverFunction::StddevSamp;
        bool null;  // no row, or one for a sample: NULL (the window aggregates' rule)
        const double v = variance_finalize(count, moments().m2, sample, stddev, &null);
        if (!null) over_write_number(results, r, 0, v);
        return;
      }
      case OverFunction::Min:
      case OverFunction::Max: {
        if (c.unbounded ? !any : extreme.empty()) return;
        const OverEntry& e = c.unbounded ? best : extreme.front();
        over_write_number(results, r, e.i(), e.f());
        return;
      }
      case OverFunction::First:
        if (any) {
          const OverEntry& e = c.unbounded ? first : values.front();
          over_write_number(results, r, e.i(), e.f());
        }
        return;
      case OverFunction::Last:
        if (any) over_write_number(results, r, last.i(), last.f());
        return;
      case OverFunction::Lag:
        if (c.lag >= 1 && static_cast<int64_t>(values.size()) == c.lag && values.front().pos >= 0)
          over_write_number(results, r, values.front().i(), values.front().f());
        return;
    }
  }

 private:
  template <class Q>
  static size_t kept_of(const Q& q, const OverCallSpec& c, int64_t time, int64_t index) {
    size_t k = 0;
    for (size_t i = q.size(); i-- > 0;) {
      if (over_outside(c, q[i], time, index)) break;
      ++k;
    }
    return k;
  }
};

}  // namespace vlac::rt
