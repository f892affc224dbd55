#pragma once
// A keyed window aggregate whose rows are dealt out by the parser threads (`vlac run --threads
// N`, LANGUAGE.md §11): a "dealt run". PartitionedWindowAggregate deals rows out from the run's
// thread, which therefore still reads every row, runs the pipeline before the aggregate and
// waits for every partition at every firing. Here no row passes through the run's thread:
//
//   parser thread (chunk k)   parses a row, runs the source's pipeline (generated, on its own
//                             ExecContext); the row the pipeline pushes at the aggregate goes to
//                             KeyDealer::deal, which appends it to chunk k's list for its key's
//                             partition, with its arrival number in the chunk and the largest
//                             event time of the chunk's rows before it.
//   partition thread p        takes its lists chunk by chunk in order; a row's watermark is
//                             then known (the largest time of the chunks before, which the run's
//                             thread adds up, and of the rows before it in its chunk), so the
//                             partition drops late rows and fires its windows as one thread
//                             would, on its own, finalizing the rows it fires into a buffer.
//   run's thread              takes the chunks in order (rejects reported, starts checked:
//                             ParallelReader::next_visited), tells the partitions where each
//                             begins, and emits the partitions' fired rows merged by (window end,
//                             window start, first arrival): one thread's order.
//
// Why the partitions need not fire together: one thread fires a window when the watermark
// reaches its end, and every window a later row opens ends after that watermark (a row for an
// earlier one is late). So one thread's rows come, over the whole run, in (end, start, first
// arrival) order; SESSION's too (a session's end only grows, and a session that would end
// before the watermark is late). A row that every partition has fired past (each says how far
// its watermark went) is therefore safe to emit: no partition has an earlier one still to come.
//
// What it needs (DealtAggregate::can_deal and the executor): one input file, split; the
// aggregate is the program's only operator, fed by that input only, and writes only to outputs
// of its own; no sliced windows (their firing needs every partition's slices), no capacity
// limits, no checkpoints, --late, --on-error fail or live input. docs/decisions.md, "Issue 16:
// dealt runs".

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/run_stop.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/batch_queue.h"
#include "runtime/parallel/fired_groups.h"
#include "runtime/parallel/packed_rows.h"

namespace vlac::rt {

/// The source of a dealt run and the program around its aggregate.
struct DealtSource {
  void (*entry)(ExecContext*, const uint8_t*) = nullptr;  // generated: the source's pipeline
  int32_t time_offset = -1;  // of the event time in the source's rows; -1: none
  int64_t bound_ns = 0;      // the watermark's delay
  size_t operators = 1;      // the program's operators (what ExecContext::operators holds)
  size_t op_id = 0;          // the aggregate's
  size_t outputs = 0;        // the program's outputs
  size_t pipeline_counters = 0;  // 2 x pipelines when `--stats` counts them, else 0
};

/// A chunk's rows for each partition, and what the partitions need to know of the chunk.
struct DealtChunk {
  std::vector<BatchQueue::Bytes> lists;  // per partition: packed rows [local seq][max time before]
  int64_t max_time = INT64_MIN;          // of the chunk's source rows
  uint64_t pushes = 0;                   // rows pushed at the aggregate
  int64_t base_max = INT64_MIN;          // of the chunks before (set by the run's thread)
  uint64_t base_seq = 0;                 // rows pushed in the chunks before
  std::atomic<size_t> done{0};           // partitions done with it
};

/// A parser thread's end of the aggregate: the generated pipeline pushes the rows at it (the
/// runtime's push function sees `front.dealing()`), and it appends each to its key's list.
class KeyDealer {
 public:
  void deal(const uint8_t* row) {
    const uint8_t* key = front.key_of(row);
    // Mixed again, as PartitionedWindowAggregate does, so a partition's keys spread over its tables.
    const uint64_t h = keys.hash(key) * 0xD6E8FEB86659FD93ull;
    const uint64_t p = ((h >> 32) * partitions) >> 32;  // in [0, partitions) without a division
    packer->append(lists[p], row, seq++, max_before);
  }

  HostedWindowAggregate front;  // computes keys (on `ctx`)
  KeyRows keys;
  const PackedRows* packer = nullptr;
  DealtChunk* chunk = nullptr;  // the chunk being parsed
  BatchQueue::Bytes* lists = nullptr;  // its lists
  uint64_t partitions = 1;
  int64_t seq = 0;              // rows pushed in it so far
  int64_t max_before = INT64_MIN;  // the largest event time of its rows before this one
  ExecContext ctx;
  std::vector<void*> operators, outputs;
  std::vector<uint64_t> pipeline_rows;
};

class DealtAggregate final : public RowVisitor {
 public:
  /// Whether an aggregate so configured can be dealt out (keyed, unsliced, no capacities).
  static bool can_deal(const WindowAggregateConfig& config);

  /// `ctx`: the run's thread's, through which fired rows are emitted (config.first_seq set).
  DealtAggregate(ExecContext* ctx, const WindowAggregateConfig& config, const WindowAggregateKernels& kernels,
                 const RowLayout* in_layout, const RowLayout* out_layout, int partitions, const DealtSource& source);
  ~DealtAggregate() override;

  /// Reads `reader` (split: ParallelReader::split) to its end, then fires every window. False
  /// when `stop` (may be null) stopped it first.
  bool run(ParallelReader& reader, RunStop* stop);

  OperatorStats stats() const;
  std::vector<uint64_t> partition_rows() const;
  /// Adds what the parser threads counted for `--stats` to `counters` (pipeline_counters long).
  void add_pipeline_rows(uint64_t* counters) const;

  void begin_chunk(int worker, size_t slot) override;
  void row(int worker, size_t slot, const uint8_t* row) override;
  void end_chunk(int worker, size_t slot) override;

 private:
  struct Partition {
    size_t index = 0;
    HostedWindowAggregate op;
    ExecContext ctx;
    std::thread thread;
    uint64_t rows = 0;
    int64_t watermark = INT64_MIN;
    BatchQueue::Bytes out;  // fired rows not yet handed over: [first arrival][window end] rows,
                            // each window's after a marker with its start
    std::vector<uint8_t> out_row;
    std::vector<FiredGroup> groups;
    // Handed to the run's thread, under mu.
    std::mutex mu;
    std::deque<BatchQueue::Bytes> handed;
    std::vector<BatchQueue::Bytes> spare;  // buffers the run's thread is done with
    int64_t progress = INT64_MIN;          // every window ending at or before it has been handed
    // The run's thread's merge.
    std::deque<BatchQueue::Bytes> merging;
    size_t at = 0;                  // in merging.front()
    int64_t seen_progress = INT64_MIN;
    int64_t start = 0;              // of the window of the rows that follow
    bool has_head = false;
    uint8_t* head = nullptr;
    int64_t head_seq = 0, head_end = 0, head_start = 0;
  };

  void work(Partition& part);
  /// The partition's watermark is now w: fires what it completes.
  void advance(Partition& part, int64_t w);
  void hand_over(Partition& part);
  int64_t watermark_of(int64_t max_time) const;
  /// Emits every fired row that no partition can still precede; true when every partition has
  /// finished and everything is emitted.
  bool merge();
  bool load_head(Partition& part);
  void stop_partitions();

  ExecContext* ctx_;
  WindowAggregateConfig config_;
  WindowAggregateKernels kernels_;
  DealtSource source_;
  PackedRows in_packer_, out_packer_;
  HostedWindowAggregate front_;  // emits, on the run's thread
  std::vector<std::unique_ptr<Partition>> parts_;
  std::vector<std::unique_ptr<KeyDealer>> dealers_;  // per parser thread
  std::vector<std::unique_ptr<DealtChunk>> chunks_;  // per reader slot
  ParallelReader* reader_ = nullptr;
  // The chunks the partitions may take (chunk k once published_ > k), its top bit set once no
  // more come.
  std::atomic<uint64_t> published_{0};
  std::atomic<bool> abort_{false};
  std::atomic<uint32_t> events_{0};  // bumped when a partition hands rows over
};

}  // namespace vlac::rt
