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
// (partition_trial.h), a step being `rows_per_step` rows. Gathering, and a checkpoint, push every
// partition's held rows again into one join (left rows in arrival order, each key's right
// versions in time order); restoring, and a split, deal such a join's rows out again by key.
//
// Partitioned: as-of joins with a key and no capacity limits (can_partition()).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/join_rounds.h"
#include "runtime/parallel/packed_rows.h"
#include "runtime/parallel/partition_set.h"
#include "runtime/parallel/partition_trial.h"
#include "runtime/parallel/partitioned_operator.h"

namespace vlac::rt {

class PartitionedAsofJoin final : public StatefulOperator, public PartitionedOperator {
 public:
  /// Whether an as-of join so configured is partitioned: it has a key to deal rows out by, and
  /// no capacity (which counts the rows and keys of the whole join).
  static bool can_partition(const JoinConfig& config);

  /// `out_layout`: the rows it emits. Starts `partitions` - 1 threads.
  PartitionedAsofJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels, const RowLayout* out_layout,
                      int partitions, const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedAsofJoin() override;

  /// Takes a row of `port` (the runtime's push function sends the rows of target() here).
  void push(int port, const uint8_t* row);

  void advance(int64_t w) override;
  void advance_ports(const int64_t* w, int ports) override;
  int64_t output_watermark(int64_t input_w) const override;
  /// Ends the round: emits every row due for the rows pushed so far.
  void settle() override;
  const OperatorStats& stats() const override;
  /// After settle() (a checkpoint is taken between two rows, settled).
  void save_state(StateWriter& w) const override;
  bool load_state(StateReader& r) override;
  void* target() override { return &front_; }

  std::vector<uint64_t> partition_rows() const override;
  uint64_t rows_gathered() const override { return rows_gathered_; }
  std::string placement() const override { return trial_.placement(gathered()); }
  bool peak_summed() const override { return ran_in_partitions_; }
  bool gathered() const { return single_ != nullptr; }

 private:
  struct Partition;
  /// A partition's ExecContext: the kernels it calls get it, and its emit kernel (capture)
  /// finds the partition through it.
  struct Context : ExecContext {
    const PartitionedAsofJoin* owner = nullptr;
    Partition* part = nullptr;
  };
  /// A waiting left row's arrival number and time (by the partition's slot).
  struct Left {
    int64_t seq, time;
  };
  struct Partition : PartitionQueue {
    HostedAsofJoin join;
    Context ctx;
    std::vector<Left> left;                       // by the join's left slot
    join_rounds::PartitionWatermarks watermarks;  // partitions 1..N-1: the watermarks they were told
  };

  /// The kernel partitions emit through: packs the row, placed by the left row being released.
  static void capture(ExecContext* ctx, const uint8_t* row);
  void work(Partition& part);
  /// Pushes a row into the partition's join (on its thread, or the run's for partition 0).
  void join_in(Partition& part, int port, const uint8_t* row, int64_t seq) const;
  /// Tells every partition to walk its keys, under the watermarks now.
  void purge_keys();
  void end_round();
  /// Emits a round's rows in one thread's order.
  void merge_round();
  void start_partitions(size_t n);
  /// Pushes every partition's held rows again into `merged` (init()ed), with the counters and
  /// watermarks of the whole.
  void merge_into(HostedAsofJoin& merged) const;
  /// Deals the held rows of `merged` out to the partitions by key.
  void deal_out(HostedAsofJoin& merged);
  void gather();
  void split();
  void step();
  uint32_t partition_of(int port, const uint8_t* row, bool* has_key);
  int64_t row_time(int port, const uint8_t* row) const;

  ExecContext* ctx_;
  JoinConfig config_;
  JoinKernels kernels_;            // the generated ones: the merged rows are emitted with kernels_.emit
  JoinKernels partition_kernels_;  // the same, emitting through capture()
  // What generated code pushes at (it routes here). The run's thread's bookkeeping: it admits
  // each row, keys it, keeps the watermarks and counts the watermark steps (when to walk keys).
  HostedAsofJoin front_;
  KeyRows keys_;
  std::vector<uint8_t> key_;
  PackedRows in_packer_[2];
  PackedRows out_packer_;
  int64_t round_w_[2] = {INT64_MIN, INT64_MIN};  // the watermarks at a round's end (read by the partitions)
  int64_t merged_w_ = INT64_MIN;                 // the input watermark when the last round ended
  int64_t seq_ = 0;
  int64_t round_start_ = 0;  // the arrival number the round started at
  uint64_t pushed_ = 0, step_start_ = 0;  // rows pushed (partitioned or gathered), and at the last step
  uint64_t restored_peak_ = 0;            // the peak of a restored or split join's rows
  bool ran_in_partitions_ = true;
  mutable OperatorStats stats_;
  PartitionTrial trial_;
  size_t partitions_;
  std::unique_ptr<HostedAsofJoin> single_;  // while gathered: the join, run as on one thread
  uint64_t rows_gathered_ = 0;  // rows pushed while gathered onto the run's thread
  PartitionSet<Partition> parts_;  // last: its threads stop before what they use goes
};

}  // namespace vlac::rt
