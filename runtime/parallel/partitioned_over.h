#pragma once
// A keyed OVER fed by the run's thread and run on several threads (`vlac run --threads N`,
// LANGUAGE.md §11): its rows are dealt out by a hash of their PARTITION BY key to N partitions,
// each an ordinary HostedOver (runtime/ops/over.h: the partition adds no second copy of its
// rules), partition 0 on the run's own thread, the others on threads of their own
// (partition_set.h). A program whose only operator is an OVER over one file deals its rows from
// the parser threads instead (dealt_run.h); this is every other OVER with a key and no
// capacities: behind a join or an aggregate, over several files, under checkpoints.
//
// OVER releases rows at every watermark step, so, as the as-of join's (partitioned_asof_join.h),
// its results come out in rounds (join_in_rounds.h): the partitions release on their own, told
// the watermark every few rows, and every `rows_per_round` rows (and at the end of the input,
// before a checkpoint, when a run stops: settle()) the run's thread marks them, waits, and emits
// the round's rows merged by (time, arrival). That is one thread's order over the whole run: a
// release at watermark W emits the rows before W in that order, and a row arriving later before
// W is late. A key's rows reach its partition in arrival order and leave it in (time, arrival)
// order, so its frames and LAG see what they see on one thread; a partition's watermark is
// never ahead of one thread's at the same row, and at a round's end it has released what one
// thread has. Only an OVER whose results nothing else is ordered against runs so (the executor
// decides, as for the interval and as-of joins).
//
// The run's thread admits each row (rows in; a late row is counted and dropped there, in arrival
// order) and keeps the watermark. The rows waiting are the partitions': their sum, and the sum
// of their peaks (`--stats` says "summed over N partitions", as a dealt OVER's).
//
// Gathered onto the run's thread, tried there, or split, as the other partitioned operators
// (partition_trial.h). Gathering, and a checkpoint, put every partition's keys (with their
// frames) and waiting rows (with their arrival numbers) into one HostedOver; restoring, and a
// split, deal such an operator's keys and rows out again by key. The merged operator's key ids
// and heap are made afresh, so its bytes differ from one thread's; what it goes on to emit does
// not.

#include <cstdint>
#include <vector>

#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/join_in_rounds.h"
#include "runtime/parallel/key_partition.h"

namespace vlac::rt {

class PartitionedOver;

/// A partition: its OVER.
struct OverPartition : PartitionQueue {
  HostedOver join;  // the name every partitioned operator's partition gives its operator
  PartitionContext<PartitionedOver, OverPartition> ctx;
  join_rounds::PartitionWatermarks watermarks;  // partitions 1..N-1: the watermark they were told (twice)
};

class PartitionedOver final : public JoinInRounds<HostedOver, OverPartition, OverConfig, OverKernels> {
 public:
  /// Whether an OVER so configured is partitioned: it has a PARTITION BY key, and no capacity
  /// (which counts the keys and rows of the whole operator).
  static bool can_partition(const OverConfig& c) {
    return has_key(c.key_layout) && c.max_keys == UINT64_MAX && c.max_buffered_rows == UINT64_MAX;
  }
  /// `out_layout`: the rows it emits. Starts `partitions` - 1 threads.
  PartitionedOver(ExecContext* ctx, const OverConfig& config, const OverKernels& kernels, const RowLayout* out_layout,
                  int partitions, const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedOver() override;

  /// Takes a row (the runtime's push function sends the rows of target() here).
  void push(const uint8_t* row);
  const OperatorStats& stats() const override;
  bool peak_summed() const override { return true; }

 private:
  using Partition = OverPartition;

  /// The kernel partitions emit through: packs the row with its row's time and arrival number.
  static void capture(ExecContext* ctx, const uint8_t* row);
  void init_partition(Partition&) override {}
  void after_advance() override {}
  void take_row(Partition& part, int port, const uint8_t* row, int64_t tag, int64_t value) const override;
  void merge_round() override;
  /// Puts every partition's keys and waiting rows into `merged` (init()ed), with the counters
  /// and watermark of the whole (after the round's end).
  void merge_into(HostedOver& merged) const override;
  /// Deals the keys and waiting rows of `merged` out to the partitions by key.
  void deal_out(HostedOver& merged) override;

  std::vector<OverCallSpec> calls_;  // config_.calls: the caller's array need not outlive the constructor
};

}  // namespace vlac::rt
