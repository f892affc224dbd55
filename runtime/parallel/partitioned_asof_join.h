#pragma once
// A keyed as-of join run on several threads (`vlac run --threads N`, LANGUAGE.md §11): its rows
// are dealt out by a hash of their join key to N partitions, each an ordinary HostedAsofJoin
// (runtime/ops/asof_join.h: the partition adds no second copy of its rules), partition 0 on the
// run's own thread, the others on threads of their own (partition_set.h).
//
// An as-of join releases left rows at nearly every watermark step, so, as the interval join's
// (partitioned_interval_join.h), its results come out in rounds (join_rounds.h): the partitions
// release on their own, told the watermarks every few rows, and every `rows_per_round` rows (and
// at the end of the input, before a checkpoint, when a run stops: settle()) the run's thread marks
// them, waits, and emits the round's rows merged by (left time, left arrival). That is one
// thread's order: a left row waits until both watermarks pass its time, and a left row arriving
// later is not behind its own side's watermark, so one thread releases them in (time, arrival)
// order over the whole run. A partition's watermarks are never ahead of one thread's at the same
// row, so it releases no row before every right row it may meet has arrived; at a round's end it
// has released what one thread has. Only a join whose results nothing else is ordered against
// runs so (the executor decides, as for the interval join).
//
// The run's thread admits each row (rows in; a late row is counted and dropped there, in arrival
// order) and keeps the watermarks. The rows held are the partitions': their sum, and the sum of
// their peaks (`--stats` says "summed over N partitions"), which is at least one thread's peak:
// a partition releases and purges no earlier than one thread, and walks its keys (dropping right
// versions that quiet keys no longer need) exactly when one thread does, when the run's thread's
// own count of watermark steps says so.
//
// Gathered onto the run's thread, tried there, or split, as the other partitioned operators
// (partition_trial.h), a step being 8 rounds (join_in_rounds.h). Gathering, and a checkpoint, push every
// partition's held rows again into one join (left rows in arrival order, each key's right
// versions in time order); restoring, and a split, deal such a join's rows out again by key.
//
// Partitioned: as-of joins with a key and no capacity limits (can_partition(); what every
// partitioned join shares: partitioned_join.h).

#include <cstdint>
#include <vector>

#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/join_in_rounds.h"
#include "runtime/parallel/join_rounds.h"

namespace vlac::rt {

class PartitionedAsofJoin;

/// A partition: its join, and each waiting left row's arrival number and time.
struct AsofJoinPartition : PartitionQueue {
  struct Left {
    int64_t seq, time;
  };
  HostedAsofJoin join;
  PartitionContext<PartitionedAsofJoin, AsofJoinPartition> ctx;
  std::vector<Left> left;                       // by the join's left slot
  join_rounds::PartitionWatermarks watermarks;  // partitions 1..N-1: the watermarks they were told
};

class PartitionedAsofJoin final : public JoinInRounds<HostedAsofJoin, AsofJoinPartition> {
 public:
  /// `out_layout`: the rows it emits. Starts `partitions` - 1 threads.
  PartitionedAsofJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels, const RowLayout* out_layout,
                      int partitions, const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedAsofJoin() override;

  /// Takes a row of `port` (the runtime's push function sends the rows of target() here).
  void push(int port, const uint8_t* row);
  const OperatorStats& stats() const override;
  bool peak_summed() const override { return true; }

 private:
  using Partition = AsofJoinPartition;
  using Left = AsofJoinPartition::Left;

  /// The kernel partitions emit through: packs the row, placed by the left row being released.
  static void capture(ExecContext* ctx, const uint8_t* row);
  void init_partition(Partition& part) override;
  /// When the front join walked its keys (one thread would have), every partition walks its own.
  void after_advance() override;
  void take_row(Partition& part, int port, const uint8_t* row, int64_t tag, int64_t value) const override;
  void walk_keys(Partition& part) const override;
  /// Pushes a row into the partition's join (on its thread, or the run's for partition 0).
  void join_in(Partition& part, int port, const uint8_t* row, int64_t seq) const;
  void merge_round() override;
  /// Pushes every partition's held rows again into `merged` (init()ed), with the counters and
  /// watermarks of the whole (after the round's end).
  void merge_into(HostedAsofJoin& merged) const override;
  /// Deals the held rows of `merged` out to the partitions by key.
  void deal_out(HostedAsofJoin& merged) override;

  uint64_t key_walks_ = 0;       // the front join's key_purges() when the partitions last walked theirs
};

}  // namespace vlac::rt
