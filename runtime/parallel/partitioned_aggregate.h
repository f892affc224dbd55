#pragma once
// A keyed window aggregate run on several threads (`vlac run --threads N`, LANGUAGE.md §11):
// its groups are dealt out by a hash of their key to N partitions, each an ordinary
// HostedWindowAggregate on a thread of its own, fed through a bounded lock-free queue of row
// batches. The run's thread computes each row's key, picks the partition and packs the row
// (with its arrival number and the watermark it arrived under, so a partition drops late rows
// exactly as one thread would).
//
// Firing stays on the run's thread: when the watermark reaches the end of an open window, it
// waits until every partition has taken its rows, then emits the windows that end, in (end,
// start) order, each window's groups from every partition in the order they first appeared
// (their first arrival numbers, config.first_seq): the rows and order of one thread (§5).
// Downstream operators therefore see one sequence, on one thread.
//
// A checkpoint waits for the partitions too and saves the operator as one thread would have
// (its groups merged by arrival), so a snapshot taken with N threads restores with M.
//
// Partitioned: keyed TUMBLE, HOP and CUMULATE windows that are not sliced, and GROUP BY with
// keys, without capacity limits (can_partition()). Not (yet): SESSION, sliced windows, joins,
// OVER (docs/state-and-checkpoints.md).

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/batch_queue.h"
#include "runtime/parallel/packed_rows.h"

namespace vlac::rt {

class PartitionedWindowAggregate final : public StatefulOperator {
 public:
  /// Whether an aggregate so configured gives one thread's rows when partitioned (and is worth
  /// it: it has keys to deal out).
  static bool can_partition(const WindowAggregateConfig& config);

  /// `config.first_seq` is set by the caller (as for the same operator on one thread, so that
  /// their snapshots agree). `in_layout`: the input rows. Starts `partitions` threads.
  PartitionedWindowAggregate(ExecContext* ctx, const WindowAggregateConfig& config, const WindowAggregateKernels& kernels,
                             const RowLayout* in_layout, int partitions);
  ~PartitionedWindowAggregate() override;

  /// Takes a row (the runtime's push function sends the rows of target() here).
  void push(const uint8_t* row);

  void advance(int64_t w) override;
  const OperatorStats& stats() const override;
  void save_state(StateWriter& w) const override;
  bool load_state(StateReader& r) override;
  /// What generated code pushes rows into: the operator that emits the results, which sends
  /// its rows here.
  void* target() override { return &front_; }

  /// The rows each partition took (`--stats`).
  std::vector<uint64_t> partition_rows() const;

 private:
  struct Partition {
    HostedWindowAggregate op;
    ExecContext ctx;  // the partition's own scratch for the key kernel
    BatchQueue queue;
    BatchQueue::Batch* filling = nullptr;  // the batch the run's thread is filling, if any
    uint64_t rows = 0;
    std::thread thread;
  };
  struct Group {
    int64_t seq;
    const uint8_t* key;
    const uint8_t* acc;
  };

  void work(Partition& part);
  void publish(Partition& part) const;
  /// Publishes every partial batch and waits until every partition has pushed its rows.
  void drain() const;
  /// Emits the windows of every partition that end at or before w, in one thread's order.
  void fire(int64_t w);
  /// Calls f(start, end, groups in first-arrival order) for the open windows of every
  /// partition in (end, start) order up to `until`, closing each once f returns.
  template <class F>
  void take_windows(int64_t until, F&& f);
  uint32_t partition_of(const uint8_t* key) const;

  ExecContext* ctx_;
  WindowAggregateConfig config_;
  WindowAggregateKernels kernels_;
  HostedWindowAggregate front_;  // finalizes and emits, on the run's thread
  KeyRows keys_;
  PackedRows packer_;
  std::vector<std::unique_ptr<Partition>> parts_;
  std::vector<uint8_t> key_;
  std::vector<Group> groups_;  // the window being fired
  std::atomic<bool> stop_{false};
  int64_t watermark_ = INT64_MIN;
  int64_t next_fire_ = INT64_MAX;  // no window of any partition ends before this
  int64_t seq_ = 0;
  OperatorStats restored_;  // the counters of a restored snapshot, before this run
  mutable OperatorStats stats_;
};

}  // namespace vlac::rt
