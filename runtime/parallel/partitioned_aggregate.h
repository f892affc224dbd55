#pragma once
// A keyed window aggregate run on several threads (`vlac run --threads N`, LANGUAGE.md §11):
// its groups are dealt out by a hash of their key to N partitions, each an ordinary
// HostedWindowAggregate. Partition 0 is the run's own thread's; each other one has a thread of
// its own, fed through a bounded lock-free queue of row batches. The run's thread computes each
// row's key and picks the partition: its own takes the row at once, another gets it packed
// (with its arrival number and the watermark it arrived under, to which its windows have fired).
//
// An operator that fires so often that the waiting costs more than the partitions save is
// gathered back onto the run's thread after its first firings (gather()): from then on it is the
// operator of one thread, with the state the partitions had. Otherwise it is tried both ways:
// its rows per second over its last probe steps in partitions against over as many steps
// gathered on the run's thread; if the partitions were more than 5 % faster they take it back
// (split()). A step is a firing, or 131,072 rows for GROUP BY without windows (it fires once,
// at the end).
// Either way the rows and their order are one thread's: only the speed differs.
//
// Late rows are dropped by the run's thread, before dealing, so that `--late` reports them in
// arrival order among every operator's drops (LANGUAGE.md §12): the partitions never see one.
//
// Firing: when the watermark reaches the end of an open window, every partition finalizes its
// groups of the windows that end on its own thread at once (a marker after its rows tells it
// to), into packed rows; the run's thread waits for them and emits them merged by (window end,
// window start, first arrival number of the group, config.first_seq): the rows and order of
// one thread (§5). Downstream operators therefore see one sequence, on one thread.
//
// A checkpoint waits for the partitions too and saves the operator as one thread would have
// (its groups merged by arrival), so a snapshot taken with N threads restores with M.
//
// Partitioned: keyed TUMBLE, HOP and CUMULATE windows, SESSION windows (a key's sessions are
// all in its partition; they fire merged by end, start and first arrival), and GROUP BY with
// keys, without capacity limits (can_partition()), that share no slices with another operator
// (window merging). Sliced windows (HOP, CUMULATE): every partition holds every slice, opened
// by its own rows or by a marker the run's thread sends when another partition's row opens
// one, so that each partition's FIFO of slice merges has one thread's shape and merges each
// key's slices in one thread's order (runtime/ops/slice_fifo.h); partition 0 lists the windows
// to fire. Window joins: partitioned_window_join.h, on the same PartitionSet; OVER: dealt runs only
// (dealt_run.h); not (yet) the interval and as-of joins (docs/decisions.md, "Issue 16").

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/batch_queue.h"
#include "runtime/parallel/fired_groups.h"
#include "runtime/parallel/packed_rows.h"
#include "runtime/parallel/partition_set.h"
#include "runtime/parallel/partition_trial.h"
#include "runtime/parallel/partitioned_operator.h"

namespace vlac::rt {

class PartitionedWindowAggregate final : public StatefulOperator, public PartitionedOperator {
 public:
  /// Whether an aggregate so configured gives one thread's rows when partitioned (and is worth
  /// it: it has keys to deal out).
  static bool can_partition(const WindowAggregateConfig& config);

  /// `config.first_seq` is set by the caller (as for the same operator on one thread, so that
  /// their snapshots agree). `in_layout`, `out_layout`: the input and output rows. Starts
  /// `partitions` - 1 threads.
  /// `policy`: when it is gathered onto the run's thread.
  PartitionedWindowAggregate(ExecContext* ctx, const WindowAggregateConfig& config, const WindowAggregateKernels& kernels,
                             const RowLayout* in_layout, const RowLayout* out_layout, int partitions,
                             const PartitionPolicy& policy = PartitionPolicy::from_environment());
  ~PartitionedWindowAggregate() override;

  /// Takes a row (the runtime's push function sends the rows of target() here).
  void push(const uint8_t* row);

  void advance(int64_t w) override;
  const OperatorStats& stats() const override;
  /// `--late`: the run's thread drops the late rows (push()), in arrival order, as one thread
  /// does; a partition never does.
  bool set_late_rows(const LateRows& late) override;
  void save_state(StateWriter& w) const override;
  bool load_state(StateReader& r) override;
  /// What generated code pushes rows into: the operator that emits the results, which sends
  /// its rows here.
  void* target() override { return &front_; }

  std::vector<uint64_t> partition_rows() const override;
  uint64_t rows_gathered() const override { return rows_gathered_; }
  /// Whether it runs gathered on the run's thread now (above).
  bool gathered() const { return single_ != nullptr; }
  /// Whether it was gathered for the trial and then taken back by its partitions.
  bool split_after_trial() const { return trial_.split(); }
  std::string placement() const override { return trial_.placement(gathered()); }

 private:
  struct Partition : PartitionQueue {
    HostedWindowAggregate op;
    ExecContext ctx;  // a partition thread's own scratch for the key kernel
    // A firing: the groups of a window, the row being finalized.
    std::vector<FiredGroup> groups;
    std::vector<uint8_t> out;
  };

  void work(Partition& part);
  /// Sliced: opens the row's slice in every partition when it is new.
  void open_slice_everywhere(const uint8_t* row);
  /// Emits the windows (sessions) of every partition that end at or before w (the watermark
  /// was `before`), in one thread's order.
  void fire(int64_t before, int64_t w);
  /// Finalizes the partition's groups of the windows (sessions) that end at or before
  /// fire_to_ (sliced: of the windows due_ lists) into part.fired, in one thread's order for
  /// its keys (on the partition's own thread, or the run's for partition 0, whose `ctx` it is).
  void fire_partition(Partition& part, ExecContext* ctx) const;
  uint32_t partition_of(const uint8_t* key) const;
  /// Whether a row at time t, of `key` (which goes to `part`), is late: counted and reported,
  /// on the run's thread. A SESSION row whose own session would have fired waits for the
  /// partition to tell whether the key's sessions take it.
  bool dropped_late(const uint8_t* row, int64_t t, const uint8_t* key, const Partition& part);
  /// Puts every partition's groups, in one thread's order, and the counters into `merged`.
  void merge_into(HostedWindowAggregate& merged) const;
  void merge_sliced_into(HostedWindowAggregate& merged) const;
  /// Sliced: gives every partition one thread's state `merged` with its own keys' groups.
  void split_sliced(const HostedWindowAggregate& merged);
  /// Makes `n` empty partitions and starts the threads of 1..n-1.
  void start_partitions(size_t n);
  /// Runs the operator as one thread does: its state merged into single_, the partitions'
  /// threads stopped.
  void gather();
  /// The trial kept the partitions: single_'s state dealt out to them again, their threads
  /// started.
  void split();
  /// Gives the partitions the state of one thread's operator `merged` (each its own keys').
  bool deal_out(HostedWindowAggregate& merged);
  /// A step (above) ended: gathers, tries or splits as the policy says.
  void step();
  /// Rows pushed so far in this run, in partitions or gathered.
  uint64_t rows_pushed() const;

  ExecContext* ctx_;
  WindowAggregateConfig config_;
  WindowAggregateKernels kernels_;
  HostedWindowAggregate front_;  // finalizes and emits, on the run's thread
  KeyRows keys_;
  PackedRows packer_;
  bool sliced_ = false;
  int64_t fire_to_ = INT64_MIN;                     // a firing: the watermark it fires under
  std::vector<std::pair<int64_t, int64_t>> due_;  // sliced: the windows it fires (start, end)
  PackedRows out_packer_;                           // finalized rows
  int64_t slice_start_ = 0, slice_end_ = 0;  // sliced: a slice open in every partition
  int64_t watermark_ = INT64_MIN;
  int64_t next_fire_ = INT64_MAX;  // no window of any partition ends before this
  int64_t seq_ = 0;
  OperatorStats restored_;  // the counters of a restored snapshot, before this run
  uint64_t dropped_late_ = 0;  // rows dropped as late on the run's thread (each a row in and a late row)
  LateRows late_;           // --late: where the late rows go
  mutable OperatorStats stats_;
  PartitionTrial trial_;
  size_t partitions_;
  std::unique_ptr<HostedWindowAggregate> single_;  // while gathered: the operator, run as on one thread
  uint64_t rows_gathered_ = 0;  // rows pushed while gathered onto the run's thread
  uint64_t step_rows_ = 0;  // GROUP BY without windows: rows in this step
  PartitionSet<Partition> parts_;  // last: its threads stop before what they use goes
};

}  // namespace vlac::rt
