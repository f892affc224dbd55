#pragma once
// A keyed interval join run on several threads (`vlac run --threads N`, LANGUAGE.md §11): its
// rows are dealt out by a hash of their join key to N partitions, each an ordinary
// HostedIntervalJoin (runtime/ops/interval_join.h: the partition adds no second copy of its
// rules). Partition 0 is the run's own thread's; each other one has a thread of its own, fed
// through a bounded lock-free queue of row batches (partition_set.h), as for the partitioned
// window join (partitioned_window_join.h).
//
// An interval join emits at nearly every row (a pair when its second row arrives), so waiting
// for the partitions at each row would cost a round trip per row. Instead its results come out
// in rounds: the partitions work on their own, each output row packed with the arrival number
// of the row that made it; every `rows_per_round` rows (and at the end of the input, before a
// checkpoint, when a run stops: settle()) the run's thread waits for them and emits the round's
// rows in arrival order. That is one thread's order (LANGUAGE.md §5: a pair comes out when its
// second row arrives), and the same rows come out a little later. So only a join whose results
// nothing else is ordered against may run so (the executor decides: its rows reach outputs of
// their own, no operator, and no input is live, where rows are due as they arrive).
//
// What the partitions cannot know, the run's thread decides with the join's own rules, as one
// thread would, and sends with each row:
// - whether the row is late (then it is counted and dropped there: `--late` order is kept);
// - whether the row is held, which depends on the other side's watermark when it arrives;
// - its purge time (the largest time held on its side up to it), by which one thread purges it
//   (IntervalJoin's Held::purge_time).
// It keeps a shadow of each side's held rows (their purge times), and so knows when one thread
// purges each row: for `--stats` (the rows held, and their peak) and for a LEFT join's unmatched
// left rows. A partition purges as it is told the watermarks, which the run's thread sends after
// every few rows it deals to it (its rows scan its held rows, so they must stay few) and at the
// end of each round: then it holds exactly the rows of its keys that one thread holds. It hands
// each unmatched left row it purges to the run's thread, which emits it where one thread's purge
// would have.
//
// Gathered onto the run's thread (a plain join that emits as it goes), tried there, or split,
// as the other partitioned operators (partition_trial.h); a step is 8 rounds (join_in_rounds.h).
// Gathering, and a checkpoint, hold every partition's rows again, each side in arrival order
// with its purge time and matched flag, in one join: that join holds what one thread holds.
// Restoring, and a split after the trial, deal such a join's rows out again by key.
//
// Partitioned: interval joins with a key and no capacity limits (can_partition(); what every
// partitioned join shares: partitioned_join.h).

#include <cstdint>
#include <deque>
#include <vector>

#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/join_in_rounds.h"
#include "runtime/parallel/join_rounds.h"

namespace vlac::rt {

class PartitionedIntervalJoin;

/// A partition: its join, each held row's arrival number, and the unmatched left rows it hands
/// over.
struct IntervalJoinPartition : PartitionQueue {
  HostedIntervalJoin join;
  PartitionContext<PartitionedIntervalJoin, IntervalJoinPartition> ctx;
  std::vector<int64_t> held_seq[2];  // by the join's slot, per side: the held row's arrival number
  int64_t pushing = 0;               // the arrival number of the row being pushed: its results' place
  join_rounds::PartitionWatermarks watermarks;  // partitions 1..N-1: the watermarks they were told
  // The unmatched left rows it purged this round, packed, each with its arrival number (in
  // arrival order); and the merge's place in them.
  BatchQueue::Bytes unmatched;
  uint8_t* next_unmatched = nullptr;
  uint8_t* unmatched_row = nullptr;
  int64_t unmatched_seq = 0;
};

class PartitionedIntervalJoin final : public JoinInRounds<HostedIntervalJoin, IntervalJoinPartition> {
 public:
  /// `out_layout`: the rows it emits. Starts `partitions` - 1 threads.
  PartitionedIntervalJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels,
                          const RowLayout* out_layout, int partitions,
                          const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedIntervalJoin() override;

  /// Takes a row of `port` (the runtime's push function sends the rows of target() here).
  void push(int port, const uint8_t* row);
  const OperatorStats& stats() const override;

 private:
  using Partition = IntervalJoinPartition;
  /// A row one thread holds (the run's thread's shadow of each side).
  struct Shadow {
    int64_t purge_time, seq;
    uint32_t part;
  };
  /// A LEFT join's left row that one thread purges after the row before `after`: emitted then
  /// with NULLs if its partition hands it over unmatched.
  struct Purged {
    int64_t after, seq;
    uint32_t part;
  };

  /// The kernel partitions emit through: packs the row, placed by the row being pushed.
  static void capture(ExecContext* ctx, const uint8_t* row);
  /// Where partitions' joins hand their unmatched left rows (IntervalJoin::set_unmatched).
  static void capture_unmatched(ExecContext* ctx, uint32_t slot, const uint8_t* row);
  void init_partition(Partition& part) override;
  /// The shadow purges what one thread purges under the watermarks now.
  void after_advance() override;
  void take_row(Partition& part, int port, const uint8_t* row, int64_t tag, int64_t purge_time) const override;
  /// Pushes a row into the partition's join (on its thread, or the run's for partition 0).
  void join_in(Partition& part, int port, const uint8_t* row, int64_t seq, bool hold, int64_t purge_time) const;
  void merge_round() override;
  void after_gather() override;
  /// Holds every partition's rows again, each side in arrival order, in `merged` (init()ed),
  /// with the counters and watermarks of the whole (after the round's end).
  void merge_into(HostedIntervalJoin& merged) const override;
  /// Deals the held rows of `merged` out to the partitions by key, in arrival order.
  void deal_out(HostedIntervalJoin& merged) override;

  // front_ (partitioned_join.h) also counts what the partitions do not (rows in, late rows,
  // unmatched rows emitted) and emits the unmatched rows.
  std::deque<Shadow> shadow_[2];
  std::vector<Purged> purged_;  // this round's
  uint64_t peak_ = 0;           // of the rows one thread holds
  mutable OperatorStats stats_;
};

}  // namespace vlac::rt
