#pragma once
// A keyed window join run on several threads (`vlac run --threads N`, LANGUAGE.md §11): its
// rows are dealt out by a hash of their join key to N partitions, each an ordinary
// HostedWindowJoin (runtime/ops/window_join.h: the partition adds no second copy of its rules).
// Partition 0 is the run's own thread's; each other one has a thread of its own, fed through a
// bounded lock-free queue of row batches (batch_queue.h), as for a partitioned aggregate
// (partitioned_aggregate.h). A row whose key is NULL matches nothing but is still held (a LEFT
// join emits it with NULLs): it goes to partition 0.
//
// The run's thread drops late rows (their window has fired), so that `--late` reports them in
// arrival order among every operator's drops (LANGUAGE.md §12). Each other row goes with its
// arrival number and its side's watermark when it arrived. A window joins only rows of one
// key, so each partition joins its keys' rows of every window completely.
//
// Firing: when both watermarks reach the end of a held row's window, every partition fires on
// its own thread at once (a marker after its rows tells it to): its join emits into packed rows
// instead of downstream, each placed by the window and the arrival number of the left row it
// joins (WindowJoin::firing_left). The run's thread waits for them and emits the rows merged by
// (window end, window start, left arrival): one thread's order (§6: windows in (end, start)
// order, per window left rows in arrival order, each with its right matches in arrival order,
// which are all in the left row's partition). Downstream operators see one sequence, on one
// thread.
//
// Gathered onto the run's thread when firings are frequent or small, else tried there, as the
// partitioned aggregate (partition_trial.h). Gathering, and a checkpoint, push every partition's
// held rows again, each side in arrival order, into one join with the counters and watermarks
// of the whole: it then holds what one thread holds and goes on to emit what one thread emits
// (its slots and key ids may differ from one thread's, so its bytes may too). Restoring, and a
// split after the trial, deal such a join's rows out again by key.
//
// Partitioned: window joins with a key and no capacity limits (can_partition(); what every
// partitioned join shares: partitioned_join.h).

#include <cstdint>
#include <vector>

#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/partitioned_join.h"

namespace vlac::rt {

class PartitionedWindowJoin;

/// A partition: its join, and each held row's arrival number and window.
struct WindowJoinPartition : PartitionQueue {
  struct Held {
    int64_t seq, start, end;
  };
  HostedWindowJoin join;
  PartitionContext<PartitionedWindowJoin, WindowJoinPartition> ctx;
  std::vector<Held> held[2];  // by the join's slot, per side
};

class PartitionedWindowJoin final : public PartitionedJoin<HostedWindowJoin, WindowJoinPartition> {
 public:
  /// `out_layout`: the rows it emits. Starts `partitions` - 1 threads.
  PartitionedWindowJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels, const RowLayout* out_layout,
                        int partitions, const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedWindowJoin() override;

  /// Takes a row of `port` (the runtime's push function sends the rows of target() here).
  void push(int port, const uint8_t* row);

  void advance(int64_t w) override;
  void advance_ports(const int64_t* w, int ports) override;
  const OperatorStats& stats() const override;

 private:
  using Partition = WindowJoinPartition;
  using Held = WindowJoinPartition::Held;

  /// The kernel partitions emit through: packs the row, placed by the left row being joined.
  static void capture(ExecContext* ctx, const uint8_t* row);
  void init_partition(Partition&) override {}
  void work(Partition& part) override;
  /// Pushes a row into the partition's join (on its thread, or the run's for partition 0).
  void hold(Partition& part, int port, const uint8_t* row, int64_t seq, int64_t watermark) const;
  /// Its join fires what the watermarks fire_w_ complete, into part.fired.
  void fire_partition(Partition& part) const;
  void fire();
  /// Pushes every partition's held rows, each side in arrival order, into `merged` (init()ed),
  /// with the counters and watermarks of the whole.
  void merge_into(HostedWindowJoin& merged) const override;
  /// Deals the held rows of `merged` out to the partitions by key, in arrival order.
  void deal_out(HostedWindowJoin& merged) override;
  void step();
  uint64_t rows_pushed() const;

  int64_t watermark_[2] = {INT64_MIN, INT64_MIN};
  int64_t fire_w_[2] = {INT64_MIN, INT64_MIN};  // a firing's watermarks (read by the partitions)
  int64_t next_fire_ = INT64_MAX;               // no held row's window ends before this
  int64_t seq_ = 0;
  uint64_t held_ = 0, peak_ = 0;  // the rows the partitions hold together (as of the last firing, plus those since), and the most
  OperatorStats restored_;  // the counters of a restored snapshot, before the partitions
  uint64_t dropped_late_ = 0;  // rows dropped as late on the run's thread (each a row in and a late row)
  mutable OperatorStats stats_;
};

}  // namespace vlac::rt
