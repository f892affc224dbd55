#pragma once
// The runtime half of the joins of LANGUAGE.md §6. Port 0 is the left input, port 1 the right.
// Generated kernels compute join keys and build output rows (and test a residual condition);
// these classes keep the buffers, match rows by key and time, and purge what can no longer match.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/operator.h"
#include "runtime/ops/row_store.h"
#include "runtime/scalar/time_math.h"

namespace vlac::rt {

struct JoinKernels {
  /// The key row of a left / right row, compared by bytes: a float key is canonical (NaN is a
  /// NULL key, -0 is stored as +0), so that bytes are equal exactly when `=` holds.
  void (*left_key)(ExecContext* ctx, const uint8_t* row, uint8_t* key);
  void (*right_key)(ExecContext* ctx, const uint8_t* row, uint8_t* key);
  /// Writes left ++ right (right may be null: NULLs) to `out`; 0 when a residual condition fails
  /// (ignored for right = null: an unmatched LEFT row is output whatever the residual says).
  int32_t (*combine)(ExecContext* ctx, const uint8_t* left, const uint8_t* right, uint8_t* out);
  void (*emit)(ExecContext* ctx, const uint8_t* row);
};

struct JoinConfig {
  const RowLayout* left_layout = nullptr;
  const RowLayout* right_layout = nullptr;
  const RowLayout* key_layout = nullptr;
  uint32_t out_size = 0;
  int32_t left_time = -1, right_time = -1;  // byte offsets of the event times
  bool left_outer = false;
  int64_t lower = 0, upper = 0;             // interval join: right.time - left.time in [lower, upper]
  int64_t hold_back = 0;                    // interval join: output watermark = input - hold_back
  int32_t left_window_start = -1, left_window_end = -1, right_window_start = -1, right_window_end = -1;
  uint64_t max_buffered_rows = UINT64_MAX;  // per input
};

/// Shared parts: keys, output buffer, watermarks, counters.
class JoinBase : public StatefulOperator {
 public:
  JoinBase(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels);
  void advance(int64_t w) override { int64_t both[2] = {w, w}; advance_ports(both, 2); }
  const OperatorStats& stats() const override { return stats_; }

 protected:
  /// Computes the key of a row of `port` into key_buf_; false when a key column is NULL
  /// (NULL keys never match; nor does a NaN key, which the key kernel stores as NULL).
  bool key_of(int port, const uint8_t* row);
  /// Builds and emits the output row; false (nothing emitted) when the residual condition fails.
  bool emit(const uint8_t* left, const uint8_t* right);
  int64_t time_of(int port, const uint8_t* row) const;
  /// Counts an arriving row; false (and counted late) when it is behind its side's watermark.
  bool admit(int port, const uint8_t* row, int64_t* time);
  void note_buffered(uint64_t now);

  ExecContext* ctx_;
  JoinConfig config_;
  JoinKernels kernels_;
  OperatorStats stats_;
  int64_t watermark_[2] = {INT64_MIN, INT64_MIN};
  std::vector<uint8_t> key_buf_, out_buf_;
  GroupTable keys_;  // key -> key id, shared by both sides
};

/// Pairs with right.time - left.time in [lower, upper]: a pair is emitted as soon as its second
/// row arrives; a buffered row is purged once the other side's watermark rules out any match.
class IntervalJoinOp final : public JoinBase {
 public:
  IntervalJoinOp(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels);
  void push(int port, const uint8_t* row);
  void advance_ports(const int64_t* w, int ports) override;
  int64_t output_watermark(int64_t w) const override { return held_back_watermark(w, config_.hold_back); }

 private:
  struct Held {
    int64_t time;
    uint32_t slot;
    uint32_t key;  // key id; UINT32_MAX for a NULL key (kept only by a LEFT join's left side)
  };
  bool can_match_later(int port, int64_t t) const;
  void purge();

  std::unique_ptr<RowStore> rows_[2];
  std::deque<Held> arrival_[2];  // held rows, in arrival order
  std::vector<std::deque<std::pair<int64_t, uint32_t>>> by_key_[2];  // key id -> (time, slot), arrival order
  std::vector<uint8_t> matched_;  // by left slot: has the row met a right row (LEFT join)
};

/// Each left row meets the right row with the greatest right.time <= left.time (ties: the later
/// arrival). Left rows wait until both watermarks pass their time, then leave in time order.
class AsofJoinOp final : public JoinBase {
 public:
  AsofJoinOp(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels);
  void push(int port, const uint8_t* row);
  void advance_ports(const int64_t* w, int ports) override;

 private:
  /// A key's right rows by time (one per time: the later arrival replaces). Rows arrive nearly
  /// in time order, so inserting from the back is cheap; purging pops from the front. A deque
  /// allocates in blocks, not per row.
  using Versions = std::deque<std::pair<int64_t, uint32_t>>;

  void release(int64_t upto);
  void purge_right();
  void purge_key(Versions& versions);

  RowStore left_rows_, right_rows_;
  // Left rows waiting to be released: a min-heap by (time, arrival) in a vector.
  std::vector<std::tuple<int64_t, int64_t, uint32_t>> pending_;
  std::vector<int8_t> pending_has_key_;  // by left slot
  std::vector<uint32_t> pending_key_;    // by left slot
  std::vector<Versions> right_by_key_;   // key id -> versions
  int64_t seq_ = 0;
  static constexpr uint64_t kPurgeEvery = 1024;  // full sweeps, for keys that went quiet
  uint64_t advances_since_purge_ = 0;
};

/// Joins rows of equal windows (window_start, window_end) and keys when the window fires.
class WindowJoinOp final : public JoinBase {
 public:
  WindowJoinOp(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels);
  void push(int port, const uint8_t* row);
  void advance_ports(const int64_t* w, int ports) override;

 private:
  RowStore rows_[2];
  std::map<std::pair<int64_t, int64_t>, std::vector<uint32_t>> windows_[2];  // (end, start) -> slots
};

}  // namespace vlac::rt
