#pragma once
// Per-row analytics (LANGUAGE.md §4), once for every backend: `agg(x) OVER (PARTITION BY k
// ORDER BY ts <frame>)` and LAG. A row waits until the watermark has passed it (ts < W), when
// all its peers are in; rows then leave in (ts, arrival) order with their frame values. Each
// call keeps, per partition, an incremental frame (runtime/ops/over_frame.h: a two-stack queue
// of mergeable moments, a monotonic deque for MIN/MAX, a ring for LAG), so a row costs O(1)
// amortised, not O(frame). Header-only C++17: no exceptions, RTTI or virtual calls, and no heap
// unless the storage policy has one (runtime/ops/storage.h).
//
// Values are numbers (integers, floats, timestamps, booleans). Kernel policy K, called as
// k_.f(...) (a struct of static functions in generated C++, of function pointers in the JIT):
//   void key(Ctx*, const uint8_t* row, uint8_t* key);          // key zeroed before
//   void args(Ctx*, const uint8_t* row, uint8_t* args);        // args zeroed before
//   void finish(Ctx*, const uint8_t* row, const uint8_t* results, uint8_t* out);  // out zeroed before
//   void emit(Ctx*, const uint8_t* row);
//
// Capacities: max_keys partitions (a partition is never forgotten: a row of a new partition
// beyond max_keys is dropped, capacity_dropped). max_buffered_rows bounds
//   * the rows waiting for the watermark: a row arriving when they are full is dropped;
//   * each call's bounded frame per partition (ROWS n / RANGE x PRECEDING: the values in the
//     frame): when the watermark releases a row whose frame would then hold more values, the
//     row is dropped before it takes a position in its partition, so it is not emitted and does
//     not count in other rows' frames;
//   * LAG's offset: LAG(x, n) with n > max_buffered_rows drops every row.
// UNBOUNDED PRECEDING frames keep only running values, so they never fill up. LAG(x, n) with
// n < 1 gives NULL. Hosted limits are the WITH options (unbounded by default); fixed storage
// takes both capacities and every row size from its Dims.

#include <cstddef>
#include <cstdint>
#if !defined(VLAC_FIRMWARE)
#include <vector>
#endif

#include "runtime/ops/late_rows.h"
#include "runtime/ops/operator_stats.h"
#include "runtime/ops/over_frame.h"
#include "runtime/ops/over_spec.h"
#include "runtime/ops/state_io.h"
#include "runtime/ops/storage.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

struct OverConfig {
  int32_t time_offset = 0;  // byte offset of the INT64 event time (ORDER BY) in input rows
  uint32_t in_size = 0, key_size = 0, args_size = 0, results_size = 0, out_size = 0;  // row sizes (bytes)
  const RowLayout* input_layout = nullptr;  // hosted: pending rows and keys hold strings by reference
  const RowLayout* key_layout = nullptr;
  const OverCallSpec* calls = nullptr;  // num_calls, in the order of the result row's fields (init copies them)
  uint32_t num_calls = 0;
  uint64_t max_keys = UINT64_MAX;           // partitions
  uint64_t max_buffered_rows = UINT64_MAX;  // rows waiting for the watermark, values per frame
};

template <class Ctx, class K, class S>
class Over {
  using D = typename S::Dims;

 public:
  void init(Ctx* ctx, const OverConfig& config, const K& kernels = K{}) {
    ctx_ = ctx;
    config_ = config;
    if (D::in_size) {  // fixed storage: its buffers have the Dims' sizes and capacities
      config_.in_size = static_cast<uint32_t>(D::in_size);
      config_.key_size = static_cast<uint32_t>(D::key_size);
      config_.args_size = static_cast<uint32_t>(D::args_size);
      config_.results_size = static_cast<uint32_t>(D::results_size);
      config_.out_size = static_cast<uint32_t>(D::out_size);
      config_.max_keys = D::max_keys;
      config_.max_buffered_rows = D::max_buffered_rows;
    }
    k_ = kernels;
    stats_ = OperatorStats{};
    watermark_ = INT64_MIN;
    seq_ = 0;
    calls_.clear();
    has_range_ = lag_beyond_ = false;
    for (uint32_t c = 0; c < config_.num_calls; ++c) {
      const OverCallSpec& spec = config_.calls[c];
      calls_.push_back(spec);
      if (spec.function == OverFunction::Lag) {
        if (spec.lag > 0 && static_cast<uint64_t>(spec.lag) > config_.max_buffered_rows) lag_beyond_ = true;
      } else if (!spec.rows) {
        has_range_ = true;
      }
    }
    config_.calls = nullptr;  // the caller's array need not outlive init
    // Growing frames without a limit never fill up (ROWS n holds n + 1 values at most).
    check_frames_ = D::in_size != 0 || config_.max_buffered_rows != UINT64_MAX;
    rows_.init(config_.input_layout, config_.max_buffered_rows);
    pending_.clear();
    partitions_index_.init(config_.key_layout, 0, config_.max_keys);
    partitions_.clear();
    key_buf_.assign(config_.key_size, 0);
    out_buf_.assign(config_.out_size, 0);
  }

  void push(const uint8_t* row) {
    ++stats_.rows_in;
    int64_t t;
    __builtin_memcpy(&t, row + config_.time_offset, sizeof t);
    if (t < watermark_) {  // the watermark has passed it: its frame values are already out
      late_.drop(&stats_.late_dropped, 0, row, watermark_);
      return;
    }
    const uint32_t slot = rows_.add(row);
    if (slot == kDropped) {  // max_buffered_rows are waiting
      ++stats_.capacity_dropped;
      return;
    }
    pending_.push({t, seq_++, slot});  // holds as many as rows_
    stats_.buffered = rows_.size();
    if (stats_.buffered > stats_.peak_buffered) stats_.peak_buffered = stats_.buffered;
  }

  void advance(int64_t w) {
    if (w <= watermark_) return;
    watermark_ = w;
    // Rows with time < w leave, one group of equal times at a time: a RANGE frame holds all of
    // a row's peers, so the group's values enter the RANGE frames before any result is taken.
    while (!pending_.empty() && pending_.top().time < w) release(pending_.top().time);
    stats_.buffered = rows_.size();
  }
  void advance_ports(const int64_t* w, int) { advance(w[0]); }
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  const OperatorStats& stats() const { return stats_; }
#if !defined(VLAC_FIRMWARE)
  /// `--late`: where this operator reports the rows it drops as late (runtime/ops/late_rows.h).
  void set_late_rows(const LateRows& late) { late_ = late; }

  // Hosted `--threads`. The runtime's push function sends the rows pushed at an operator with a
  // partitioned() one there: a parser thread's copy in a dealt run (runtime/parallel/dealt_run.h)
  // only computes keys and hands its rows to its dealer (dealing()); the front of a
  // PartitionedOver (runtime/parallel/partitioned_over.h) admits rows for it. A partition's copy
  // takes rows with their arrival numbers and emits its results through its kernels, which read
  // the time and arrival number of the row emitted.
  void* partitioned() const { return partitioned_; }
  bool dealing() const { return dealing_; }
  void set_partitioned(void* p) { partitioned_ = p; }
  void set_dealer(void* dealer) {
    partitioned_ = dealer;
    dealing_ = true;
  }
  /// The row's partition key, as the operator computes it (valid until the next call).
  const uint8_t* key_of(const uint8_t* row) {
    __builtin_memset(key_buf_.data(), 0, config_.key_size);
    k_.key(ctx_, row, key_buf_.data());
    return key_buf_.data();
  }
  /// Adds a row that arrived `seq`-th at the operator (its watermark was told by advance()).
  void push_dealt(const uint8_t* row, int64_t seq) {
    seq_ = seq;
    push(row);
  }
  /// While a result is being emitted: the time and arrival number of its row.
  int64_t emitting_time() const { return emitting_time_; }
  int64_t emitting_seq() const { return emitting_seq_; }

  // What a PartitionedOver asks of its front and its partitions, as a partitioned join asks of
  // its joins (runtime/parallel/partitioned_join.h; one port, told twice where a join has two).
  /// push(), as a join's (one port).
  void push(int, const uint8_t* row) { push(row); }
  /// Counts the row and drops it (counted, reported under --late) when late; else its time.
  bool admit_for_partition(int, const uint8_t* row, int64_t* t) {
    ++stats_.rows_in;
    __builtin_memcpy(t, row + config_.time_offset, sizeof *t);
    if (*t >= watermark_) return true;
    late_.drop(&stats_.late_dropped, 0, row, watermark_);
    return false;
  }
  /// The row's partition key into `key` (key_size bytes); true: a NULL key is a partition too.
  bool key_for_partition(int, const uint8_t* row, uint8_t* key) {
    __builtin_memcpy(key, key_of(row), config_.key_size);
    return true;
  }
  /// The watermark, as a join's pair.
  const int64_t* watermarks() const {
    both_watermarks_[0] = both_watermarks_[1] = watermark_;
    return both_watermarks_;
  }
  /// The counters, watermark and next arrival number of an operator whose rows and partitions
  /// were (or are to be) held again: a partitioned OVER gathered into one, or dealt out.
  void restore_progress(const OperatorStats& stats, int64_t watermark, int64_t seq) {
    stats_ = stats;
    watermark_ = watermark;
    seq_ = seq;
    stats_.buffered = rows_.size();
  }
  int64_t next_seq() const { return seq_; }
  /// Calls f(row, time, arrival number) for every row waiting for the watermark (in no order).
  template <class F>
  void for_each_waiting(F&& f) const {
    for (size_t i = 0; i < pending_.size(); ++i) {
      const PendingItem& it = pending_.item(i);
      f(rows_.row(it.slot), it.time, it.seq);
    }
  }
  /// Holds a waiting row again, with its arrival number.
  void hold_again(const uint8_t* row, int64_t time, int64_t seq) {
    pending_.push({time, seq, rows_.add(row)});  // never full: a partitioned OVER has no capacities
    stats_.buffered = rows_.size();
    if (stats_.buffered > stats_.peak_buffered) stats_.peak_buffered = stats_.buffered;
  }
  /// The partition keys it holds, with ids 0..keys()-1.
  uint32_t keys() const { return partitions_index_.size(); }
  const uint8_t* key(uint32_t id) const { return partitions_index_.key(id); }
  /// Takes partition `id` of `from` (its key, row count and frames) as a new partition.
  void copy_key(const Over& from, uint32_t id) {
    bool inserted;
    partitions_index_.find_or_insert(from.key(id), &inserted);
    partitions_.push_back(from.partitions_[id]);
  }
#endif

  /// Its whole state (LANGUAGE.md §10): counters, watermark and arrival number, the waiting rows
  /// with their strings and their heap (exact order), the partition keys (ids as they are), and
  /// per partition its row count and each call's frame. The calls and flags come from init();
  /// the group being released is scratch (release() fills it and empties it again).
  void save_state(StateWriter& w) const {
    w.put(stats_);
    w.put(watermark_);
    w.put(seq_);
    rows_.save(w);
    pending_.save(w);
    partitions_index_.save(w, nullptr);  // no accumulators
    save_items(w, partitions_, PartitionState{this});
  }
  /// Into an operator init()ed with the same configuration and kernels; false when malformed.
  bool load_state(StateReader& r) {
    r.get(&stats_);
    r.get(&watermark_);
    r.get(&seq_);
    if (!r.ok() || !rows_.load(r) || !pending_.load(r) || !partitions_index_.load(r, nullptr) ||
        !load_items(r, partitions_, partitions_index_.size(), PartitionState{this}))
      return false;
    // Every waiting row is in the heap; a partition per key of the index.
    if (pending_.size() != rows_.size() || partitions_.size() != partitions_index_.size()) r.fail();
    return r.ok();
  }

 private:
  static constexpr uint32_t kDropped = UINT32_MAX;

  // Call I's frame: fixed storage gives each queue the entries the call needs (Dims, from
  // over_frame_sizes), hosted storage growing queues (one frame type for every call).
  template <size_t I>
  using FrameAt = OverFrame<typename S::template Queue<OverEntry, D::frame_values[I]>,
                            typename S::template Queue<OverEntry, D::frame_extreme[I]>,
                            typename S::template Queue<Moments, D::frame_moments[I]>>;
  struct Partition {
    int64_t rows;  // rows emitted so far
    typename S::template Items<FrameAt, D::calls> frames;  // one per call
  };

  /// How a partition is saved: its row count, then each call's frame (OverFrame::save).
  struct PartitionState {
    const Over* over;
    void save(StateWriter& w, const Partition& p) const {
      w.put(p.rows);
      p.frames.save(w, FrameState{});
    }
    bool load(StateReader& r, Partition& p) const {
      r.get(&p.rows);
      p.frames.resize(over->calls_.size());
      if (!p.frames.load(r, FrameState{})) return false;
      size_t frames = 0;  // one per call
      p.frames.for_each([&](size_t, auto&) { ++frames; });
      if (frames != over->calls_.size()) r.fail();
      return r.ok();
    }
  };
  struct FrameState {
    template <class F>
    void save(StateWriter& w, const F& f) const {
      f.save(w);
    }
    template <class F>
    bool load(StateReader& r, F& f) const {
      f.reset();
      return f.load(r);
    }
  };

  uint8_t* args_of(size_t g) { return group_args_.data() + g * config_.args_size; }
  uint8_t* results_of(size_t g) { return group_results_.data() + g * config_.results_size; }
  /// Whether the value of call `spec` for row g is non-NULL (COUNT(*): always, with no value).
  bool value_of(const OverCallSpec& spec, size_t g, OverEntry* e) {
    return spec.function == OverFunction::CountStar || over_read_value(args_of(g), spec.arg, e);
  }
  /// Row g's entry in call `spec`'s frame, before its value is read: where the frame compares it.
  OverEntry entry(const OverCallSpec& spec, size_t g, int64_t t) {
    return OverEntry{spec.rows || spec.function == OverFunction::Lag ? index_[g] : t, 0};
  }

  /// The rows of time t leave: partitions and positions, frames, then results in arrival order.
  void release(int64_t t) {
    group_.clear();
#if !defined(VLAC_FIRMWARE)
    group_seq_.clear();
#endif
    while (!pending_.empty() && pending_.top().time == t) {
      const PendingItem row = pending_.pop();
      group_.push_back(row.slot);
#if !defined(VLAC_FIRMWARE)
      group_seq_.push_back(row.seq);
#endif
    }
    const size_t n = group_.size();
    group_args_.assign(n * config_.args_size, 0);
    group_results_.assign(n * config_.results_size, 0);
    __builtin_memset(group_args_.data(), 0, n * config_.args_size);
    __builtin_memset(group_results_.data(), 0, n * config_.results_size);
    part_.clear();
    index_.clear();
    for (size_t g = 0; g < n; ++g) admit(g, t);
    // ROWS frames and LAG: row by row in arrival order (peers are ordered by arrival).
    for (size_t g = 0; g < n; ++g) {
      if (part_[g] == kDropped) continue;
      partitions_[part_[g]].frames.for_each([&](size_t c, auto& f) {
        const OverCallSpec& spec = calls_[c];
        OverEntry e = entry(spec, g, t);
        if (spec.function == OverFunction::Lag) {
          const bool has = over_read_value(args_of(g), spec.arg, &e);
          f.write_result(spec, results_of(g));
          f.push_lag(spec, e, has);
          return;
        }
        if (!spec.rows) return;
        f.evict(spec, t, index_[g]);
        if (value_of(spec, g, &e)) f.add(spec, e);
        f.write_result(spec, results_of(g));
      });
    }
    // RANGE frames: every peer in (evicting for time t again is a no-op), then the results.
    // (Each call's frame sees the peers in arrival order; calls do not share frames.)
    for (int pass = 0; pass < (has_range_ ? 2 : 0); ++pass) {
      for (size_t g = 0; g < n; ++g) {
        if (part_[g] == kDropped) continue;
        partitions_[part_[g]].frames.for_each([&](size_t c, auto& f) {
          const OverCallSpec& spec = calls_[c];
          if (spec.rows || spec.function == OverFunction::Lag) return;
          if (pass == 1) {
            f.write_result(spec, results_of(g));
            return;
          }
          f.evict(spec, t, index_[g]);
          OverEntry e = entry(spec, g, t);
          if (value_of(spec, g, &e)) f.add(spec, e);
        });
      }
    }
    for (size_t g = 0; g < n; ++g) {
      if (part_[g] != kDropped) {
        __builtin_memset(out_buf_.data(), 0, config_.out_size);
        k_.finish(ctx_, rows_.row(group_[g]), results_of(g), out_buf_.data());
        ++stats_.rows_out;
#if !defined(VLAC_FIRMWARE)
        emitting_time_ = t;
        emitting_seq_ = group_seq_[g];
#endif
        k_.emit(ctx_, out_buf_.data());
      }
      rows_.remove(group_[g]);
    }
  }

  /// The first pass over a group of equal times: partition, position and arguments of row g
  /// (part_[g] kDropped when its partition or one of its frames is full).
  void admit(size_t g, int64_t t) {
    part_.push_back(kDropped);
    index_.push_back(0);
    const uint8_t* row = rows_.row(group_[g]);
    __builtin_memset(key_buf_.data(), 0, config_.key_size);
    k_.key(ctx_, row, key_buf_.data());
    bool inserted;
    uint32_t p = partitions_index_.find_or_insert(key_buf_.data(), &inserted);
    if (p == kDropped) {  // more partitions than max_keys
      ++stats_.capacity_dropped;
      return;
    }
    if (inserted) {
      Partition& fresh = partitions_.emplace_back();
      fresh.rows = 0;
      fresh.frames.resize(calls_.size());
      fresh.frames.for_each([](size_t, auto& f) { f.reset(); });
    }
    Partition& part = partitions_[p];
    k_.args(ctx_, row, args_of(g));
    const int64_t index = part.rows;
    bool fits = !lag_beyond_;  // LAG(x, n) further back than a frame may hold drops every row
    if (check_frames_) part.frames.for_each([&](size_t c, auto& f) {
      const OverCallSpec& spec = calls_[c];
      if (!fits || spec.unbounded || spec.function == OverFunction::Lag) return;  // LAG's ring drops its oldest
      // The entries the frame would store: those still in it, earlier peers of this group in
      // the same partition with a value (they enter first), and this one.
      uint64_t cap = over_frame_capacity(spec, config_.max_buffered_rows);
      if (f.capacity(spec) < cap) cap = f.capacity(spec);
      if (f.stored(spec) + g + 1 <= cap) return;
      OverEntry e{};
      if (!value_of(spec, g, &e)) return;
      size_t peers = 0;
      for (size_t h = 0; h < g; ++h) {
        if (part_[h] != p) continue;
        if (spec.rows && index_[h] < index - spec.preceding) continue;
        if (value_of(spec, h, &e)) ++peers;
      }
      if (f.kept(spec, t, index) + peers + 1 > cap) fits = false;
    });
    if (!fits) {
      ++stats_.capacity_dropped;
      return;
    }
    part_[g] = p;
    index_[g] = part.rows++;
  }

  Ctx* ctx_ = nullptr;
  OverConfig config_;
  K k_;
  OperatorStats stats_;
#if !defined(VLAC_FIRMWARE)
  LateRows late_;
  void* partitioned_ = nullptr;  // hosted --threads: see partitioned()
  bool dealing_ = false;
  mutable int64_t both_watermarks_[2] = {INT64_MIN, INT64_MIN};  // watermarks()
  std::vector<int64_t> group_seq_;  // arrival numbers of group_, for emitting_seq()
  int64_t emitting_time_ = 0, emitting_seq_ = 0;
#else
  static constexpr LateRows late_{};
#endif
  int64_t watermark_ = INT64_MIN;
  int64_t seq_ = 0;
  typename S::template Vector<OverCallSpec, D::calls> calls_;
  bool has_range_ = false;     // a RANGE frame (not LAG) among the calls
  bool lag_beyond_ = false;    // a LAG further back than max_buffered_rows: every row is dropped
  bool check_frames_ = false;  // frames may fill up
  typename S::template Rows<D::in_size, D::max_buffered_rows> rows_;
  typename S::template Heap<D::max_buffered_rows> pending_;  // by (time, arrival)
  typename S::template GroupTable<D::key_size, 0, D::max_keys> partitions_index_;  // ids 0, 1, 2, ...
  typename S::template Vector<Partition, D::max_keys> partitions_;                 // by id
  // The group of equal times being released: slots, partitions, positions, arguments, results.
  typename S::template Vector<uint32_t, D::max_buffered_rows> group_, part_;
  typename S::template Vector<int64_t, D::max_buffered_rows> index_;
  typename S::template Bytes<D::max_buffered_rows * D::args_size> group_args_;
  typename S::template Bytes<D::max_buffered_rows * D::results_size> group_results_;
  typename S::template Bytes<D::key_size> key_buf_;
  typename S::template Bytes<D::out_size> out_buf_;
};

}  // namespace vlac::rt
