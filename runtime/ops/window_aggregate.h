#pragma once
// The runtime half of a windowed (or grouped) aggregate: it assigns rows to windows and groups,
// keeps their accumulators, drops late rows, and fires windows in the order LANGUAGE.md §5
// prescribes. The per-row work on values (key extraction, accumulator update, results) is done
// by kernels the backend generates for the program, passed in as function pointers.

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/operator.h"
#include "runtime/ops/window_math.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

struct WindowAggregateKernels {
  void (*key)(ExecContext* ctx, const uint8_t* in, uint8_t* key);
  void (*update)(ExecContext* ctx, uint8_t* acc, const uint8_t* in, int64_t time, int64_t seq, StringArena* arena);
  void (*merge)(ExecContext* ctx, uint8_t* acc, const uint8_t* other, StringArena* arena);
  void (*finalize)(ExecContext* ctx, const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out);
  void (*emit)(ExecContext* ctx, const uint8_t* row);
};

struct WindowAggregateConfig {
  WindowMode mode = WindowMode::Tumble;
  int64_t size = 0, slide = 0, gap = 0, offset = 0;
  int32_t time_offset = -1;  // byte offset of the event time in input rows; -1: arrival order
  const RowLayout* key_layout = nullptr;
  uint32_t acc_size = 0;
  uint32_t out_size = 0;
  uint64_t max_keys = UINT64_MAX;          // groups per window (per session operator: keys)
  uint64_t max_open_windows = UINT64_MAX;  // open windows (sessions: per key)
  bool global = false;  // no keys, no window: one row even over no input
};

class WindowAggregateOp final : public StatefulOperator {
 public:
  WindowAggregateOp(ExecContext* ctx, WindowAggregateConfig config, WindowAggregateKernels kernels);

  /// Adds one input row. Called by generated code.
  void push(const uint8_t* row);
  void advance(int64_t w) override;
  const OperatorStats& stats() const override { return stats_; }

 private:
  struct Session {
    int64_t start, end, first_seq;
    std::vector<uint8_t> acc;
  };

  void push_windowed(const uint8_t* row, int64_t t, int64_t seq);
  void push_session(const uint8_t* row, int64_t t, int64_t seq);
  void fire(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end);
  void fire_sessions(int64_t w);
  void recompute_next_fire();

  ExecContext* ctx_;
  WindowAggregateConfig config_;
  WindowAggregateKernels kernels_;
  OperatorStats stats_;
  int64_t watermark_ = INT64_MIN;
  int64_t next_fire_ = INT64_MAX;  // the earliest end of an open window: advance() returns below it
  int64_t seq_ = 0;
  std::vector<uint8_t> key_buf_, out_buf_;

  // TUMBLE, HOP, CUMULATE and end-of-input: open windows by (end, start), the firing order.
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<GroupTable>> windows_;
  // SESSION: the keys, and each key's open sessions.
  std::unique_ptr<GroupTable> session_keys_;
  std::vector<std::vector<Session>> sessions_;
  StringArena session_arena_;
};

/// A window table function whose rows are not aggregated: copies each row once per window it
/// belongs to, with window_start, window_end and window_time appended.
class WindowAssignOp final : public StatefulOperator {
 public:
  WindowAssignOp(ExecContext* ctx, WindowMode mode, int64_t size, int64_t slide, int64_t offset, int32_t time_offset,
                 uint32_t in_size, uint32_t out_size, uint32_t window_start_offset,
                 void (*emit)(ExecContext*, const uint8_t*));
  void push(const uint8_t* row);
  void advance(int64_t) override {}
  const OperatorStats& stats() const override { return stats_; }

 private:
  ExecContext* ctx_;
  WindowMode mode_;
  int64_t size_, slide_, offset_;
  int32_t time_offset_;
  uint32_t in_size_, window_start_offset_;
  void (*emit_)(ExecContext*, const uint8_t*);
  std::vector<uint8_t> out_;
  OperatorStats stats_;
};

}  // namespace vlac::rt
