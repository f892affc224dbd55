#pragma once
// A keyed window join run on several threads (`vlac run --threads N`, LANGUAGE.md §11): its
// rows are dealt out by a hash of their join key to N partitions, each an ordinary
// HostedWindowJoin (runtime/ops/window_join.h: the partition adds no second copy of its rules).
// Partition 0 is the run's own thread's; each other one has a thread of its own, fed through a
// bounded lock-free queue of row batches (batch_queue.h), as for a partitioned aggregate
// (partitioned_aggregate.h). A row whose key is NULL matches nothing but is still held (a LEFT
// join emits it with NULLs): it goes to partition 0.
//
// Each row goes with its arrival number and its side's watermark when it arrived, so that the
// partition drops it as late exactly when one thread would. A window joins only rows of one
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
// Partitioned: window joins with a key and no capacity limits (can_partition()); not the
// interval and as-of joins (docs/decisions.md, "Issue 16: window joins in partitions").

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/packed_rows.h"
#include "runtime/parallel/partition_set.h"
#include "runtime/parallel/partition_trial.h"
#include "runtime/parallel/partitioned_operator.h"

namespace vlac::rt {

class PartitionedWindowJoin final : public StatefulOperator, public PartitionedOperator {
 public:
  /// Whether a window join so configured is partitioned: it has a key to deal rows out by, and
  /// no capacity (which counts the rows and keys of the whole join).
  static bool can_partition(const JoinConfig& config);

  /// `out_layout`: the rows it emits. Starts `partitions` - 1 threads.
  PartitionedWindowJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels, const RowLayout* out_layout,
                        int partitions, const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedWindowJoin() override;

  /// Takes a row of `port` (the runtime's push function sends the rows of target() here).
  void push(int port, const uint8_t* row);

  void advance(int64_t w) override;
  void advance_ports(const int64_t* w, int ports) override;
  const OperatorStats& stats() const override;
  void save_state(StateWriter& w) const override;
  bool load_state(StateReader& r) override;
  void* target() override { return &front_; }

  std::vector<uint64_t> partition_rows() const override;
  uint64_t rows_gathered() const override { return rows_gathered_; }
  std::string placement() const override { return trial_.placement(gathered()); }
  bool gathered() const { return single_ != nullptr; }

 private:
  struct Partition;
  /// A partition's ExecContext: the kernels it calls get it, and its emit kernel (capture)
  /// finds the partition through it.
  struct Context : ExecContext {
    const PartitionedWindowJoin* owner = nullptr;
    Partition* part = nullptr;
  };
  /// A row a partition holds: its arrival number and window.
  struct Held {
    int64_t seq, start, end;
  };
  struct Partition : PartitionQueue {
    HostedWindowJoin join;
    Context ctx;
    std::vector<Held> held[2];  // by the join's slot, per side
  };

  /// The kernel partitions emit through: packs the row, placed by the left row being joined.
  static void capture(ExecContext* ctx, const uint8_t* row);
  void work(Partition& part);
  /// Pushes a row into the partition's join (on its thread, or the run's for partition 0).
  void hold(Partition& part, int port, const uint8_t* row, int64_t seq, int64_t watermark) const;
  /// Its join fires what the watermarks fire_w_ complete, into part.fired.
  void fire_partition(Partition& part) const;
  void fire();
  /// Makes `n` empty partitions and starts the threads of 1..n-1.
  void start_partitions(size_t n);
  /// Pushes every partition's held rows, each side in arrival order, into `merged` (init()ed),
  /// with the counters and watermarks of the whole.
  void merge_into(HostedWindowJoin& merged) const;
  /// Deals the held rows of `merged` out to the partitions by key, in arrival order.
  void deal_out(HostedWindowJoin& merged);
  uint32_t partition_of(int port, const uint8_t* row);
  void gather();
  void split();
  void step();
  uint64_t rows_pushed() const;

  ExecContext* ctx_;
  JoinConfig config_;
  JoinKernels kernels_;            // the generated ones: the merged rows are emitted with kernels_.emit
  JoinKernels partition_kernels_;  // the same, emitting through capture()
  HostedWindowJoin front_;         // what generated code pushes at (it routes here); computes keys
  KeyRows keys_;
  std::vector<uint8_t> key_;
  PackedRows in_packer_[2];
  PackedRows out_packer_;
  int64_t watermark_[2] = {INT64_MIN, INT64_MIN};
  int64_t fire_w_[2] = {INT64_MIN, INT64_MIN};  // a firing's watermarks (read by the partitions)
  int64_t next_fire_ = INT64_MAX;               // no held row's window ends before this
  int64_t seq_ = 0;
  uint64_t held_ = 0, peak_ = 0;  // the rows the partitions hold together (as of the last firing, plus those since), and the most
  OperatorStats restored_;  // the counters of a restored snapshot, before the partitions
  mutable OperatorStats stats_;
  PartitionTrial trial_;
  size_t partitions_;
  std::unique_ptr<HostedWindowJoin> single_;  // while gathered: the join, run as on one thread
  uint64_t rows_gathered_ = 0;  // rows pushed while gathered onto the run's thread
  PartitionSet<Partition> parts_;  // last: its threads stop before what they use goes
};

}  // namespace vlac::rt
