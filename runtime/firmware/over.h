#pragma once
// Firmware OVER: a fixed-capacity version of rt::OverOp (runtime/ops/over.{h,cpp}), with the same
// incremental frames, results, emission order ((time, arrival) once ts < W) and counters. See
// fw_common.h for the firmware rules.
//
// Over<Ctx, K, kInSize, kKeySize, kArgsSize, kResultsSize, kOutSize, kCalls, kMaxKeys, kMaxBufferedRows>
//   kMaxKeys partitions (as hosted, a partition is never forgotten: rows of a new partition beyond
//   kMaxKeys are dropped, capacity_dropped). kMaxBufferedRows bounds
//     * the rows waiting for the watermark (the hosted max_buffered_rows): a row arriving when
//       they are full is dropped, capacity_dropped;
//     * each call's bounded frame per partition (ROWS n / RANGE x PRECEDING: the values in the
//       frame, and the MIN/MAX monotonic deque, a subset of them): when the watermark releases a
//       row whose frame would then hold more than kMaxBufferedRows values, the row is dropped
//       (capacity_dropped) before it takes a position in its partition, so it is not emitted and
//       does not count in other rows' frames;
//     * LAG's offset: LAG(x, n) with n > kMaxBufferedRows drops every row (capacity_dropped).
//   UNBOUNDED PRECEDING frames keep only running values (count, sums, first, last, extreme), so
//   they never fill up. LAG(x, n) with n < 1 gives NULL.
//   State: kMaxKeys * kCalls * (2 * kMaxBufferedRows * 32 + ~150) bytes, plus
//   kMaxBufferedRows * (kInSize + kArgsSize + kResultsSize + ~48) bytes.
//
// K (all static):
//   void key(Ctx*, const uint8_t* row, uint8_t* key);          // key zeroed before
//   void args(Ctx*, const uint8_t* row, uint8_t* args);        // args zeroed before
//   void finish(Ctx*, const uint8_t* row, const uint8_t* results, uint8_t* out);  // out zeroed before
//   void emit(Ctx*, const uint8_t* row);

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "runtime/firmware/fw_common.h"
#include "runtime/ops/over_spec.h"
#include "runtime/row_layout.h"

namespace vlac::fw {

using rt::OverFunction;
using OverCall = rt::OverCallSpec;

template <class Ctx, class K, size_t kInSize, size_t kKeySize, size_t kArgsSize, size_t kResultsSize, size_t kOutSize,
          size_t kCalls, size_t kMaxKeys, size_t kMaxBufferedRows>
class Over {
  static_assert(kInSize > 0 && kKeySize > 0 && kArgsSize > 0 && kResultsSize > 0 && kOutSize > 0, "row sizes must be positive");
  static_assert(kCalls > 0 && kMaxKeys > 0 && kMaxBufferedRows > 0, "capacities must be positive");

 public:
  struct Config {
    int32_t time_offset = 0;  // byte offset of the INT64 event time (ORDER BY) in input rows
    OverCall calls[kCalls];   // the calls, in the order of the result row's fields
  };

  void init(Ctx* ctx, const Config& config) {
    ctx_ = ctx;
    config_ = config;
    stats_ = Stats{};
    watermark_ = INT64_MIN;
    seq_ = 0;
    rows_.clear();
    pending_.clear();
    partitions_index_.clear();
  }

  void push(const uint8_t* row) {
    ++stats_.rows_in;
    int64_t t = load_i64(row + config_.time_offset);
    if (t < watermark_) {  // the watermark has passed it: its frame values are already out
      ++stats_.late_dropped;
      return;
    }
    if (rows_.full()) {
      ++stats_.capacity_dropped;
      return;
    }
    uint32_t slot = rows_.add(row);
    pending_.push({t, seq_++, slot});
    stats_.buffered = rows_.size();
    if (stats_.buffered > stats_.peak_buffered) stats_.peak_buffered = stats_.buffered;
  }

  void advance(int64_t w) {
    if (w <= watermark_) return;
    watermark_ = w;
    // Rows with time < w leave, one group of equal times at a time: a RANGE frame holds all of
    // a row's peers, so the group's values enter the RANGE frames before any result is taken.
    while (!pending_.empty() && pending_.top().time < w) {
      const int64_t t = pending_.top().time;
      size_t n = 0;
      while (!pending_.empty() && pending_.top().time == t) group_[n++] = pending_.pop().slot;
      __builtin_memset(group_args_, 0, n * kArgsSize);
      __builtin_memset(group_results_, 0, n * kResultsSize);
      for (size_t g = 0; g < n; ++g) admit(g, t);
      // ROWS frames and LAG: row by row in arrival order (peers are ordered by arrival).
      for (size_t g = 0; g < n; ++g) {
        if (part_[g] == kDropped) continue;
        for (size_t c = 0; c < kCalls; ++c) {
          const OverCall& spec = config_.calls[c];
          Frame& f = partitions_[part_[g]].frames[c];
          Entry e{t, index_[g], 0, 0};
          bool has = spec.function != OverFunction::CountStar && read_value(group_args_[g], spec.arg, &e.i, &e.f);
          if (spec.function == OverFunction::Lag) {
            write_result(f, spec, group_results_[g]);
            if (spec.lag < 1) continue;
            if (!has) e.index = -1;  // a NULL still takes its place in the lag
            if (static_cast<int64_t>(f.values.size()) >= spec.lag) f.values.pop_front();
            f.values.push_back(e);
            continue;
          }
          if (!spec.rows) continue;
          if (has || spec.function == OverFunction::CountStar) add_sums(f, spec, e);
          evict(f, spec, t, index_[g]);
          if (has || spec.function == OverFunction::CountStar) add_entry(f, spec, e);
          write_result(f, spec, group_results_[g]);
          if (spec.function == OverFunction::CountStar) write_number(group_results_[g], spec.result, f.count, 0);
        }
      }
      // RANGE frames: every peer in first, then the results.
      for (size_t c = 0; c < kCalls; ++c) {
        const OverCall& spec = config_.calls[c];
        if (spec.rows || spec.function == OverFunction::Lag) continue;
        for (size_t g = 0; g < n; ++g) {
          if (part_[g] == kDropped) continue;
          Frame& f = partitions_[part_[g]].frames[c];
          Entry e{t, index_[g], 0, 0};
          bool has = spec.function != OverFunction::CountStar && read_value(group_args_[g], spec.arg, &e.i, &e.f);
          if (has || spec.function == OverFunction::CountStar) add_sums(f, spec, e);
        }
        // The first peer's eviction is the group's (all have time t); then the peers enter.
        for (size_t g = 0; g < n; ++g) {
          if (part_[g] == kDropped) continue;
          Frame& f = partitions_[part_[g]].frames[c];
          if (!f.evicted) {
            evict(f, spec, t, index_[g]);
            f.evicted = true;
          }
          Entry e{t, index_[g], 0, 0};
          bool has = spec.function != OverFunction::CountStar && read_value(group_args_[g], spec.arg, &e.i, &e.f);
          if (has || spec.function == OverFunction::CountStar) add_entry(f, spec, e);
        }
        for (size_t g = 0; g < n; ++g) {
          if (part_[g] == kDropped) continue;
          Frame& f = partitions_[part_[g]].frames[c];
          f.evicted = false;
          write_result(f, spec, group_results_[g]);
          if (spec.function == OverFunction::CountStar) write_number(group_results_[g], spec.result, f.count, 0);
        }
      }
      for (size_t g = 0; g < n; ++g) {
        if (part_[g] != kDropped) {
          __builtin_memset(out_buf_, 0, kOutSize);
          K::finish(ctx_, rows_.row(group_[g]), group_results_[g], out_buf_);
          ++stats_.rows_out;
          K::emit(ctx_, out_buf_);
        }
        rows_.remove(group_[g]);
      }
    }
    stats_.buffered = rows_.size();
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  const Stats& stats() const { return stats_; }

 private:
  static constexpr uint32_t kDropped = UINT32_MAX;

  /// One value in a frame: its time, its position in the partition, and the number.
  struct Entry {
    int64_t time;
    int64_t index;
    int64_t i;
    double f;
  };
  struct Frame {
    // Bounded frames: the non-NULL values in the frame, oldest first. LAG: the last `lag` values,
    // NULLs included (index < 0).
    Ring<Entry, kMaxBufferedRows> values;
    Ring<Entry, kMaxBufferedRows> extreme;  // bounded MIN/MAX: monotonic deque
    int64_t count;                          // non-NULL values in the frame
    int64_t isum;
    double fsum, fsum2;
    Entry first, last, best;                // UNBOUNDED: the first, last and extreme value
    bool any;                               // UNBOUNDED: first/last/best are set
    bool evicted;                           // RANGE: evicted for the current group
  };
  struct Partition {
    int64_t rows;  // rows emitted so far
    Frame frames[kCalls];
  };

  static bool is_float_type(rt::FieldType t) { return t == rt::FieldType::Float32 || t == rt::FieldType::Float64; }

  /// Reads a numeric argument (false when NULL).
  static bool read_value(const uint8_t* args, const rt::Field& f, int64_t* i, double* d) {
    if (rt::is_null(args, f)) return false;
    switch (f.type) {
      case rt::FieldType::Bool: *i = rt::get<uint8_t>(args, f); break;
      case rt::FieldType::Int32: *i = rt::get<int32_t>(args, f); break;
      case rt::FieldType::Float32: *d = rt::get<float>(args, f); break;
      case rt::FieldType::Float64: *d = rt::get<double>(args, f); break;
      default: *i = rt::get<int64_t>(args, f); break;
    }
    return true;
  }

  static void write_number(uint8_t* row, const rt::Field& f, int64_t i, double d) {
    switch (f.type) {
      case rt::FieldType::Bool: rt::put<uint8_t>(row, f, static_cast<uint8_t>(i != 0)); break;
      case rt::FieldType::Int32: rt::put<int32_t>(row, f, static_cast<int32_t>(i)); break;
      case rt::FieldType::Float32: rt::put<float>(row, f, static_cast<float>(d)); break;
      case rt::FieldType::Float64: rt::put<double>(row, f, d); break;
      default: rt::put<int64_t>(row, f, i); break;
    }
    rt::set_null(row, f, false);
  }

  static bool is_extreme(OverFunction fn) { return fn == OverFunction::Min || fn == OverFunction::Max; }

  /// Whether `e` makes `back` useless for MIN/MAX (the hosted deque's rule).
  static bool dominated(const OverCall& c, const Entry& back, const Entry& e) {
    bool min = c.function == OverFunction::Min;
    if (is_float_type(c.arg.type)) return min ? !(back.f < e.f) : !(back.f > e.f);
    return min ? !(back.i < e.i) : !(back.i > e.i);
  }

  /// An entry outside the frame of the row at (time, index).
  static bool outside(const OverCall& c, const Entry& e, int64_t time, int64_t index) {
    if (c.rows) return e.index < index - c.preceding;
    if (time < INT64_MIN + c.preceding) return false;  // time - preceding is below every time
    return e.time < time - c.preceding;
  }

  // The hosted add() is split in two: the running sums first (so that floating-point sums see
  // the same operations in the same order: + new values, then - evicted ones), then the entry
  // joins the rings after the eviction, so that a ring never holds more than the frame.
  void add_sums(Frame& f, const OverCall& c, const Entry& e) {
    ++f.count;
    if (is_float_type(c.arg.type)) {
      f.fsum += e.f;
      f.fsum2 += e.f * e.f;
    } else {
      f.isum = static_cast<int64_t>(static_cast<uint64_t>(f.isum) + static_cast<uint64_t>(e.i));
      f.fsum += static_cast<double>(e.i);
      f.fsum2 += static_cast<double>(e.i) * static_cast<double>(e.i);
    }
  }

  void add_entry(Frame& f, const OverCall& c, const Entry& e) {
    if (c.unbounded) {
      if (!f.any) f.first = e;
      f.last = e;
      if (is_extreme(c.function) && (!f.any || dominated(c, f.best, e))) f.best = e;
      f.any = true;
      return;
    }
    f.values.push_back(e);  // room checked by admit()
    if (is_extreme(c.function)) {
      while (!f.extreme.empty() && dominated(c, f.extreme.back(), e)) f.extreme.pop_back();
      f.extreme.push_back(e);
    }
  }

  void evict(Frame& f, const OverCall& c, int64_t time, int64_t index) {
    if (c.unbounded) return;
    // ROWS n: positions index-n .. index; RANGE x: times time-x .. time (the boundary row is in).
    while (!f.values.empty() && outside(c, f.values.front(), time, index)) {
      const Entry& e = f.values.front();
      --f.count;
      if (is_float_type(c.arg.type)) {
        f.fsum -= e.f;
        f.fsum2 -= e.f * e.f;
      } else {
        f.isum = static_cast<int64_t>(static_cast<uint64_t>(f.isum) - static_cast<uint64_t>(e.i));
        f.fsum -= static_cast<double>(e.i);
        f.fsum2 -= static_cast<double>(e.i) * static_cast<double>(e.i);
      }
      f.values.pop_front();
    }
    while (!f.extreme.empty() && outside(c, f.extreme.front(), time, index)) f.extreme.pop_front();
  }

  void write_result(const Frame& f, const OverCall& c, uint8_t* results) const {
    const rt::Field& r = c.result;
    rt::set_null(results, r, true);
    bool float_arg = is_float_type(c.arg.type);
    bool any = f.count != 0;
    switch (c.function) {
      case OverFunction::Count: write_number(results, r, f.count, 0); return;
      case OverFunction::CountStar: return;  // written by the caller
      case OverFunction::Sum:
        if (any) write_number(results, r, f.isum, f.fsum);
        return;
      case OverFunction::Avg:
        if (any) write_number(results, r, 0, (float_arg ? f.fsum : static_cast<double>(f.isum)) / static_cast<double>(f.count));
        return;
      case OverFunction::VarPop:
      case OverFunction::VarSamp:
      case OverFunction::StddevPop:
      case OverFunction::StddevSamp: {
        bool sample = c.function == OverFunction::VarSamp || c.function == OverFunction::StddevSamp;
        int64_t n = f.count;
        if (n == 0 || (sample && n < 2)) return;
        double mean = f.fsum / static_cast<double>(n);
        double m2 = f.fsum2 - mean * f.fsum;
        if (m2 < 0) m2 = 0;
        double var = m2 / static_cast<double>(sample ? n - 1 : n);
        bool stddev = c.function == OverFunction::StddevPop || c.function == OverFunction::StddevSamp;
        write_number(results, r, 0, stddev ? std::sqrt(var) : var);
        return;
      }
      case OverFunction::Min:
      case OverFunction::Max:
        if (c.unbounded) {
          if (any) write_number(results, r, f.best.i, f.best.f);
        } else if (!f.extreme.empty()) {
          write_number(results, r, f.extreme.front().i, f.extreme.front().f);
        }
        return;
      case OverFunction::First:
        if (any) write_number(results, r, c.unbounded ? f.first.i : f.values.front().i, c.unbounded ? f.first.f : f.values.front().f);
        return;
      case OverFunction::Last:
        if (any) write_number(results, r, c.unbounded ? f.last.i : f.values.back().i, c.unbounded ? f.last.f : f.values.back().f);
        return;
      case OverFunction::Lag:
        if (c.lag >= 1 && static_cast<int64_t>(f.values.size()) == c.lag && f.values.front().index >= 0)
          write_number(results, r, f.values.front().i, f.values.front().f);
        return;
    }
  }

  /// Values of `c`'s frame in `f` that are still inside the frame of the row at (time, index).
  static size_t kept(const Frame& f, const OverCall& c, int64_t time, int64_t index) {
    size_t k = 0;
    for (size_t i = f.values.size(); i-- > 0;) {
      if (outside(c, f.values[i], time, index)) break;
      ++k;
    }
    return k;
  }

  /// The first pass over a group of equal times: partition, position and arguments of row g,
  /// or kDropped when its partition or one of its frames is full.
  void admit(size_t g, int64_t t) {
    part_[g] = kDropped;
    const uint8_t* row = rows_.row(group_[g]);
    __builtin_memset(key_buf_, 0, kKeySize);
    K::key(ctx_, row, key_buf_);
    bool inserted;
    uint32_t p = partitions_index_.find_or_insert(key_buf_, &inserted);
    if (p == KeyTable<kKeySize, kMaxKeys>::kNone) {  // more partitions than kMaxKeys
      ++stats_.capacity_dropped;
      return;
    }
    Partition& part = partitions_[p];
    if (inserted) {
      part.rows = 0;
      for (size_t c = 0; c < kCalls; ++c) {
        Frame& f = part.frames[c];
        f.values.clear();
        f.extreme.clear();
        f.count = f.isum = 0;
        f.fsum = f.fsum2 = 0;
        f.first = f.last = f.best = Entry{0, 0, 0, 0};
        f.any = f.evicted = false;
      }
    }
    K::args(ctx_, row, group_args_[g]);
    const int64_t index = part.rows;
    for (size_t c = 0; c < kCalls; ++c) {
      const OverCall& spec = config_.calls[c];
      if (spec.function == OverFunction::Lag) {
        if (spec.lag > static_cast<int64_t>(kMaxBufferedRows)) {
          ++stats_.capacity_dropped;
          return;
        }
        continue;
      }
      if (spec.unbounded) continue;
      int64_t i;
      double d;
      bool has = spec.function == OverFunction::CountStar || read_value(group_args_[g], spec.arg, &i, &d);
      if (!has) continue;
      // Earlier peers of this group in the same partition with a value (they enter first).
      const Frame& f = part.frames[c];
      size_t peers = 0;
      if (f.values.size() + g + 1 > kMaxBufferedRows) {
        for (size_t h = 0; h < g; ++h) {
          if (part_[h] != p) continue;
          if (spec.rows && index_[h] < index - spec.preceding) continue;
          if (spec.function == OverFunction::CountStar || read_value(group_args_[h], spec.arg, &i, &d)) ++peers;
        }
        if (kept(f, spec, t, index) + peers + 1 > kMaxBufferedRows) {
          ++stats_.capacity_dropped;
          return;
        }
      }
    }
    part_[g] = p;
    index_[g] = part.rows++;
  }

  Ctx* ctx_ = nullptr;
  Config config_;
  Stats stats_;
  int64_t watermark_ = INT64_MIN;
  int64_t seq_ = 0;
  RowSlots<kInSize, kMaxBufferedRows> rows_;
  PendingHeap<kMaxBufferedRows> pending_;  // rows waiting for the watermark, by (time, arrival)
  // The group of equal times being released: slots, partitions, positions, arguments, results.
  uint32_t group_[kMaxBufferedRows] = {};
  uint32_t part_[kMaxBufferedRows] = {};
  int64_t index_[kMaxBufferedRows] = {};
  alignas(8) uint8_t group_args_[kMaxBufferedRows][kArgsSize] = {};
  alignas(8) uint8_t group_results_[kMaxBufferedRows][kResultsSize] = {};
  KeyTable<kKeySize, kMaxKeys> partitions_index_ = {};
  Partition partitions_[kMaxKeys] = {};
  alignas(8) uint8_t key_buf_[kKeySize] = {};
  alignas(8) uint8_t out_buf_[kOutSize] = {};
};

}  // namespace vlac::fw
