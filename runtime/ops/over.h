#pragma once
// Per-row analytics (LANGUAGE.md §4): `agg(x) OVER (PARTITION BY k ORDER BY ts <frame>)` and
// LAG. A row waits until the watermark has passed it (ts < W), when all its peers are in; rows
// then leave in (ts, arrival) order with their frame values. Each call keeps, per partition, an
// incremental frame (runtime/ops/over_frame.h: a two-stack queue of mergeable moments, a
// monotonic deque for MIN/MAX, a ring for LAG), so a row costs O(1) amortised, not O(frame).
//
// Values are numbers (integers, floats, timestamps, booleans); generated kernels extract the
// partition key and the arguments, and build the output row.

#include <cstdint>
#include <deque>
#include <tuple>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/operator.h"
#include "runtime/ops/over_frame.h"
#include "runtime/ops/over_spec.h"
#include "runtime/ops/row_store.h"

namespace vlac::rt {

struct OverKernels {
  void (*key)(ExecContext* ctx, const uint8_t* row, uint8_t* key);
  void (*args)(ExecContext* ctx, const uint8_t* row, uint8_t* args);
  void (*finish)(ExecContext* ctx, const uint8_t* row, const uint8_t* results, uint8_t* out);
  void (*emit)(ExecContext* ctx, const uint8_t* row);
};

struct OverConfig {
  const RowLayout* input_layout = nullptr;
  const RowLayout* key_layout = nullptr;
  uint32_t args_size = 0, results_size = 0, out_size = 0;
  int32_t time_offset = 0;
  std::vector<OverCallSpec> calls;
  uint64_t max_keys = UINT64_MAX;           // partitions
  uint64_t max_buffered_rows = UINT64_MAX;  // rows waiting for the watermark
};

class OverOp final : public StatefulOperator {
 public:
  OverOp(ExecContext* ctx, OverConfig config, OverKernels kernels);
  void push(const uint8_t* row);
  void advance(int64_t w) override;
  const OperatorStats& stats() const override { return stats_; }

 private:
  template <class T>
  using Queue = std::deque<T>;
  using Frame = OverFrame<Queue>;
  struct Partition {
    int64_t rows = 0;  // rows emitted so far
    std::vector<Frame> frames;  // one per call
  };

  ExecContext* ctx_;
  OverConfig config_;
  OverKernels kernels_;
  OperatorStats stats_;
  int64_t watermark_ = INT64_MIN;
  int64_t seq_ = 0;
  RowStore rows_;
  // Rows waiting for the watermark: a min-heap by (time, arrival) in a vector.
  std::vector<std::tuple<int64_t, int64_t, uint32_t>> pending_;
  // Per group of equal times, reused: slots, partitions, positions, argument and result rows.
  std::vector<uint32_t> group_, group_part_;
  std::vector<int64_t> group_index_;
  std::vector<uint8_t> group_args_, group_results_;
  GroupTable partitions_index_;
  std::vector<Partition> partitions_;
  std::vector<uint8_t> key_buf_, args_buf_, out_buf_;
};

}  // namespace vlac::rt
