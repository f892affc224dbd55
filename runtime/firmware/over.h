#pragma once
// Firmware OVER: a fixed-capacity version of rt::OverOp (runtime/ops/over.{h,cpp}), with the same
// incremental frames (runtime/ops/over_frame.h, shared), results, emission order ((time,
// arrival) once ts < W) and counters. See
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
//   State: kMaxKeys * kCalls * (kMaxBufferedRows * (2 * 32 + 32) + ~200) bytes, plus
//   kMaxBufferedRows * (kInSize + kArgsSize + kResultsSize + ~48) bytes.
//
// K (all static):
//   void key(Ctx*, const uint8_t* row, uint8_t* key);          // key zeroed before
//   void args(Ctx*, const uint8_t* row, uint8_t* args);        // args zeroed before
//   void finish(Ctx*, const uint8_t* row, const uint8_t* results, uint8_t* out);  // out zeroed before
//   void emit(Ctx*, const uint8_t* row);

#include <cstddef>
#include <cstdint>

#include "runtime/firmware/fw_common.h"
#include "runtime/ops/over_frame.h"
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
          bool has = spec.function != OverFunction::CountStar && rt::over_read_value(group_args_[g], spec.arg, &e.i, &e.f);
          if (spec.function == OverFunction::Lag) {
            f.write_result(spec, group_results_[g]);
            f.push_lag(spec, e, has);
            continue;
          }
          if (!spec.rows) continue;
          f.evict(spec, t, index_[g]);
          if (has || spec.function == OverFunction::CountStar) f.add(spec, e);
          f.write_result(spec, group_results_[g]);
        }
      }
      // RANGE frames: every peer in (evicting for time t again is a no-op), then the results.
      for (size_t c = 0; c < kCalls; ++c) {
        const OverCall& spec = config_.calls[c];
        if (spec.rows || spec.function == OverFunction::Lag) continue;
        for (size_t g = 0; g < n; ++g) {
          if (part_[g] == kDropped) continue;
          Frame& f = partitions_[part_[g]].frames[c];
          f.evict(spec, t, index_[g]);
          Entry e{t, index_[g], 0, 0};
          bool has = spec.function != OverFunction::CountStar && rt::over_read_value(group_args_[g], spec.arg, &e.i, &e.f);
          if (has || spec.function == OverFunction::CountStar) f.add(spec, e);
        }
        for (size_t g = 0; g < n; ++g)
          if (part_[g] != kDropped) partitions_[part_[g]].frames[c].write_result(spec, group_results_[g]);
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

  using Entry = rt::OverEntry;
  template <class T>
  using Queue = Ring<T, kMaxBufferedRows>;
  using Frame = rt::OverFrame<Queue>;  // shared with the hosted OverOp
  struct Partition {
    int64_t rows;  // rows emitted so far
    Frame frames[kCalls];
  };

  /// Values of `c`'s frame in `f` that are still inside the frame of the row at (time, index).
  static size_t kept(const Frame& f, const OverCall& c, int64_t time, int64_t index) {
    size_t k = 0;
    for (size_t i = f.values.size(); i-- > 0;) {
      if (rt::over_outside(c, f.values[i], time, index)) break;
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
      for (size_t c = 0; c < kCalls; ++c) part.frames[c].reset();
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
      bool has = spec.function == OverFunction::CountStar || rt::over_read_value(group_args_[g], spec.arg, &i, &d);
      if (!has) continue;
      // Earlier peers of this group in the same partition with a value (they enter first).
      const Frame& f = part.frames[c];
      size_t peers = 0;
      if (f.values.size() + g + 1 > kMaxBufferedRows) {
        for (size_t h = 0; h < g; ++h) {
          if (part_[h] != p) continue;
          if (spec.rows && index_[h] < index - spec.preceding) continue;
          if (spec.function == OverFunction::CountStar || rt::over_read_value(group_args_[h], spec.arg, &i, &d)) ++peers;
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
