#pragma once
// The joins of LANGUAGE.md §6 (interval_join.h, asof_join.h, window_join.h), once for every
// backend: what they share. Port 0 is the left input, port 1 the right. Generated kernels
// compute join keys and build output rows (and test a residual condition); the joins keep the
// rows, match them by key and time, and purge what can no longer match. Header-only C++17: no
// exceptions, RTTI or virtual calls, and no heap unless the storage policy has one
// (runtime/ops/storage.h).
//
// Kernel policy K (a struct of static functions, or of function pointers for the JIT):
//   void left_key(Ctx*, const uint8_t* row, uint8_t* key);   // key zeroed before; a float key is
//   void right_key(Ctx*, const uint8_t* row, uint8_t* key);  // canonical (NaN NULL, -0 as +0), so
//                                                            // equal keys are equal rows
//   int32_t combine(Ctx*, const uint8_t* left, const uint8_t* right /* nullptr: NULLs */,
//                   uint8_t* out);                           // out zeroed before; 0: residual failed
//   void emit(Ctx*, const uint8_t* row);
//
// Capacities: max_buffered_rows rows held per input, max_keys distinct non-NULL join keys held
// at once. A key is forgotten when no held row has it (on an endless stream keys come and go).
// A row that should be held but does not fit (its side is full, or its key is new and the key
// table is full) is dropped and counted capacity_dropped; a LEFT join's left row is then
// emitted with NULLs unless it already matched. Fixed state: about
// max_buffered_rows * (left + right + ~40) + max_keys * (key + ~40) bytes.

#include <cstddef>
#include <cstdint>

#include "runtime/ops/late_rows.h"
#include "runtime/ops/operator_stats.h"
#include "runtime/ops/state_io.h"
#include "runtime/ops/storage.h"
#include "runtime/row_layout.h"
#include "runtime/scalar/time_math.h"

namespace vlac::rt {

/// The configuration of every join, filled from the physical plan by join_config()
/// (compiler/physical/operator_settings).
struct JoinConfig {
  int32_t left_time = -1, right_time = -1;  // byte offsets of the INT64 event times (interval, as-of)
  bool left_outer = false;                  // LEFT join: unmatched left rows come out with NULLs
  int64_t lower = 0, upper = 0;             // interval join: right.time - left.time in [lower, upper]
  int64_t hold_back = 0;                    // interval join: output watermark = input - hold_back
  // window join: byte offsets of the INT64 window_start / window_end in left and right rows
  int32_t left_window_start = -1, left_window_end = -1, right_window_start = -1, right_window_end = -1;
  uint32_t key_size = 0, out_size = 0;  // row sizes (bytes)
  uint32_t key_null_bytes = 0;          // of the key row's null bitmap: a NULL key column never matches
  const RowLayout* left_layout = nullptr;   // hosted: rows hold strings by reference
  const RowLayout* right_layout = nullptr;
  const RowLayout* key_layout = nullptr;
  uint64_t max_keys = UINT64_MAX;           // hosted limits; fixed storage takes both
  uint64_t max_buffered_rows = UINT64_MAX;  // from its Dims (per input)
  // interval join: a side's held rows go into the key table only once the other side's rows,
  // probing them by a scan in arrival order, have looked at more than scan_grace + scan_ratio
  // of them per row the side has held; scan_ratio 0: always. Only without a key limit (hosted,
  // no max_keys), where which rows are kept cannot depend on the key table.
  uint32_t scan_ratio = 4;
  uint32_t scan_grace = 4096;
};

/// No per-key data beyond the reference count (the as-of join).
struct NoKeyData {};

/// The shared parts: held rows, keys, output buffer, watermarks, counters. KeyData: what a join
/// keeps per key besides its reference count, in the same record (with many keys held, each
/// array indexed by key id costs a cache miss per row).
template <class Ctx, class K, class S, class KeyData = NoKeyData>
class JoinCore {
 public:
  const OperatorStats& stats() const { return stats_; }
#if !defined(VLAC_FIRMWARE)
  /// `--late`: where this join reports the rows it drops as late (runtime/ops/late_rows.h).
  void set_late_rows(const LateRows& late) { late_ = late; }

  // ---- hosted `--threads`: what every partitioned join asks of its joins
  // (runtime/parallel/partitioned_join.h; each join adds its own below).
  /// The partitioned operator that takes the rows pushed at this join (the runtime's push
  /// function checks); null when this join does its own work.
  void* partitioned() const { return partitioned_; }
  void set_partitioned(void* p) { partitioned_ = p; }
  /// admit(): counts the row and drops it (counted, reported under --late) when late; else its time.
  bool admit_for_partition(int port, const uint8_t* row, int64_t* t) { return admit(port, row, t); }
  /// The row's key, as push() computes it, into `key` (config key_size bytes); false when NULL.
  bool key_for_partition(int port, const uint8_t* row, uint8_t* key) { return key_into(port, row, key); }
  /// Sets the counters and watermarks of a join whose held rows were (or are to be) held again:
  /// a partitioned join's state gathered into one join, or dealt out to partitions.
  void restore_progress(const OperatorStats& stats, const int64_t* watermarks) {
    stats_ = stats;
    for (int p = 0; p < 2; ++p) watermark_[p] = watermarks[p];
    note_buffered();
  }
  /// The watermarks of each side.
  const int64_t* watermarks() const { return watermark_; }
#endif

 protected:
  using D = typename S::Dims;
  using Keys = typename S::template Keys<D::key_size, D::max_keys>;
  template <class T>
  using PerRow = typename S::template Array<T, D::max_buffered_rows>;
  template <class T>
  using PerKey = typename S::template Array<T, D::max_keys>;
  static constexpr uint32_t kNil = UINT32_MAX;
  struct KeyState : KeyData {
    uint32_t refs;  // held rows (and as-of right versions) with the key
  };

  void init_core(Ctx* ctx, const JoinConfig& config, const K& kernels) {
    ctx_ = ctx;
    config_ = config;
    if (D::key_size) {  // fixed storage: its buffers have the Dims' sizes
      config_.key_size = static_cast<uint32_t>(D::key_size);
      config_.out_size = static_cast<uint32_t>(D::out_size);
    }
    k_ = kernels;
    stats_ = OperatorStats{};
    watermark_[0] = watermark_[1] = INT64_MIN;
    key_buf_.assign(config_.key_size, 0);
    out_buf_.assign(config_.out_size, 0);
    left_rows_.init(config_.left_layout, config_.max_buffered_rows);
    right_rows_.init(config_.right_layout, config_.max_buffered_rows);
    keys_.init(config_.key_layout, config_.max_keys);
  }

  /// The shared state (LANGUAGE.md §10): counters, watermarks, held rows with their strings,
  /// keys and per-key records, each container as it is (slots, free lists, ids). The key and
  /// output buffers are scratch and the configuration comes from init().
  void save_core(StateWriter& w) const {
    w.put(stats_);
    w.put(watermark_);
    left_rows_.save(w);
    right_rows_.save(w);
    keys_.save(w);
    per_key_.save(w);
  }
  /// Into a join init()ed with the same configuration; false when the bytes are malformed.
  bool load_core(StateReader& r) {
    r.get(&stats_);
    r.get(&watermark_);
    return r.ok() && left_rows_.load(r) && right_rows_.load(r) && keys_.load(r) && per_key_.load(r);
  }

  /// Computes the key of a row of `port` into key_buf_; false when a key column is NULL
  /// (NULL keys never match; nor does a NaN key, which the key kernel stores as NULL).
  bool key_of(int port, const uint8_t* row) { return key_into(port, row, key_buf_.data()); }
  /// The same into `key` (config_.key_size bytes).
  bool key_into(int port, const uint8_t* row, uint8_t* key) {
    __builtin_memset(key, 0, config_.key_size);
    if (port == 0) k_.left_key(ctx_, row, key);
    else k_.right_key(ctx_, row, key);
    for (uint32_t i = 0; i < config_.key_null_bytes && i < config_.key_size; ++i)
      if (key[i] != 0) return false;
    return true;
  }

  /// The id of the key in key_buf_ with one more reference (a held row that has it); kNil when
  /// it is new and the key table is full.
  uint32_t hold_key() {
    bool inserted;
    uint32_t key = keys_.find_or_insert(key_buf_.data(), &inserted);
    if (key == Keys::kNone) return kNil;
    if (inserted) {
      per_key_.ensure(key + 1);
      per_key_[key] = KeyState{};
    }
    ++per_key_[key].refs;
    return key;
  }
  /// Drops a reference to `key`; returns whether the key was forgotten (no held row has it).
  bool release_key(uint32_t key) {
    if (--per_key_[key].refs != 0) return false;
    keys_.remove(key);
    return true;
  }

  /// Builds and emits the output row; false (nothing emitted) when the residual condition fails.
  bool emit(const uint8_t* left, const uint8_t* right) {
    __builtin_memset(out_buf_.data(), 0, config_.out_size);
    // The residual condition is part of ON: it decides whether a pair matches, never whether a
    // LEFT join's unmatched row (right = NULLs, where it would be NULL or false) is output.
    if (!k_.combine(ctx_, left, right, out_buf_.data()) && right) return false;
    ++stats_.rows_out;
    k_.emit(ctx_, out_buf_.data());
    return true;
  }

  static int64_t load_time(const uint8_t* row, int32_t offset) {
    int64_t t;
    __builtin_memcpy(&t, row + offset, sizeof t);
    return t;
  }
  /// Counts an arriving row; false (and counted late) when it is behind its side's watermark.
  bool admit(int port, const uint8_t* row, int64_t* time) {
    ++stats_.rows_in;
    *time = load_time(row, port == 0 ? config_.left_time : config_.right_time);
    if (*time >= watermark_[port]) return true;
    drop_late(port, row);
    return false;
  }
  /// Counts and reports a row of `port` behind that side's watermark.
  /// A row late against `watermark`: its side's (the default), or the window join's, the lower of both.
  void drop_late(int port, const uint8_t* row, int64_t watermark) { late_.drop(&stats_.late_dropped, port, row, watermark); }
  void drop_late(int port, const uint8_t* row) { drop_late(port, row, watermark_[port]); }
  /// Raises the watermarks to w[0], w[1]; returns whether either moved.
  bool raise_watermarks(const int64_t* w) {
    bool moved = false;
    for (int p = 0; p < 2; ++p)
      if (w[p] > watermark_[p]) {
        watermark_[p] = w[p];
        moved = true;
      }
    return moved;
  }
  int64_t lower_watermark() const { return watermark_[0] < watermark_[1] ? watermark_[0] : watermark_[1]; }

  // Held rows of either side.
  /// Copies the row in; its slot, kNil (counted capacity_dropped) when its side is full.
  uint32_t add_row(int port, const uint8_t* row) {
    const uint32_t slot = port == 0 ? left_rows_.add(row) : right_rows_.add(row);
    if (slot == kNil) ++stats_.capacity_dropped;
    return slot;
  }
  void remove_row(int port, uint32_t slot) {
    if (port == 0) left_rows_.remove(slot);
    else right_rows_.remove(slot);
  }
  const uint8_t* row_of(int port, uint32_t slot) { return port == 0 ? left_rows_.row(slot) : right_rows_.row(slot); }
  void note_buffered() {
    stats_.buffered = left_rows_.size() + right_rows_.size();
    if (stats_.buffered > stats_.peak_buffered) stats_.peak_buffered = stats_.buffered;
  }

  Ctx* ctx_ = nullptr;
  JoinConfig config_;
  K k_;
  OperatorStats stats_;
#if !defined(VLAC_FIRMWARE)
  LateRows late_;
  void* partitioned_ = nullptr;  // hosted --threads: see partitioned()
#else
  static constexpr LateRows late_{};
#endif
  int64_t watermark_[2] = {INT64_MIN, INT64_MIN};
  typename S::template Bytes<D::key_size> key_buf_;
  typename S::template Bytes<D::out_size> out_buf_;
  typename S::template Rows<D::left_size, D::max_buffered_rows> left_rows_;
  typename S::template Rows<D::right_size, D::max_buffered_rows> right_rows_;
  Keys keys_;
  PerKey<KeyState> per_key_;  // by key id
};

}  // namespace vlac::rt
