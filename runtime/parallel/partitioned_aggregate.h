#pragma once
// A keyed window aggregate run on several threads (`vlac run --threads N`, LANGUAGE.md §11):
// its groups are dealt out by a hash of their key to N partitions, each an ordinary
// HostedWindowAggregate. Partition 0 is the run's own thread's; each other one has a thread of
// its own, fed through a bounded lock-free queue of row batches. The run's thread computes each
// row's key and picks the partition: its own takes the row at once, another gets it packed
// (with its arrival number and the watermark it arrived under, so that it drops late rows
// exactly as one thread would).
//
// An operator that fires so often that the waiting costs more than the partitions save is
// gathered back onto the run's thread after its first firings (gather()): from then on it is the
// operator of one thread, with the state the partitions had.
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
// Partitioned: keyed TUMBLE, HOP and CUMULATE windows, SESSION windows (a key's sessions are
// all in its partition; they fire merged by end, start and first arrival), and GROUP BY with
// keys, without capacity limits (can_partition()), that share no slices with another operator
// (window merging). Sliced windows (HOP, CUMULATE): every partition holds every slice, opened
// by its own rows or by a marker the run's thread sends when another partition's row opens
// one, so that each partition's FIFO of slice merges has one thread's shape and merges each
// key's slices in one thread's order (runtime/ops/slice_fifo.h); partition 0 lists the windows
// to fire. Not (yet): joins, OVER (docs/decisions.md, "Issue 16").

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>
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
  /// their snapshots agree). `in_layout`: the input rows. Starts `partitions` - 1 threads.
  /// `gather_rows`: it is gathered onto the run's thread when its first firings come fewer
  /// rows apart than this on average (0: never).
  PartitionedWindowAggregate(ExecContext* ctx, const WindowAggregateConfig& config, const WindowAggregateKernels& kernels,
                             const RowLayout* in_layout, int partitions, uint64_t gather_rows = default_gather_rows());
  /// 65,536 rows per firing, or 0 (never) under the test hook VLAC_TEST_NEVER_GATHER.
  static uint64_t default_gather_rows();
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
  /// Whether it was gathered back onto the run's thread (below), and after how many firings.
  bool gathered() const { return single_ != nullptr; }
  uint64_t firings_before_gathering() const { return firings_; }

 private:
  struct Partition {
    HostedWindowAggregate op;
    ExecContext ctx;  // a partition thread's own scratch for the key kernel
    BatchQueue queue;  // partitions 1..N-1: their rows
    BatchQueue::Batch* filling = nullptr;  // the batch the run's thread is filling, if any
    uint64_t rows = 0;
    std::thread thread;
  };
  struct Group {
    int64_t seq;
    const uint8_t* key;
    const uint8_t* acc;
  };
  struct DueSession {
    int64_t end, start, seq;
    const uint8_t* key;
    const uint8_t* acc;
  };

  void work(Partition& part);
  void publish(Partition& part) const;
  /// Publishes every partial batch and waits until every partition has pushed its rows.
  void drain() const;
  BatchQueue::Batch& filling(Partition& part);
  /// One more entry in part's filling batch: published when full.
  void added(Partition& part);
  /// Sliced: opens the row's slice in every partition when it is new.
  void open_slice_everywhere(const uint8_t* row);
  /// Emits the windows of every partition that end at or before w (the watermark was
  /// `before`), in one thread's order.
  void fire(int64_t before, int64_t w);
  void fire_sliced(int64_t before, int64_t w);
  /// Sorts groups_[from, end) by first arrival and merges it with groups_[0, from).
  void merge_run(size_t from);
  /// Calls f(start, end, groups in first-arrival order) for the open windows of every
  /// partition in (end, start) order up to `until`, closing each once f returns.
  template <class F>
  void take_windows(int64_t until, F&& f);
  /// SESSION: emits every partition's sessions that end at or before w, in one thread's order.
  void fire_sessions(int64_t w);
  uint32_t partition_of(const uint8_t* key) const;
  /// Puts every partition's groups, in one thread's order, and the counters into `merged`.
  void merge_into(HostedWindowAggregate& merged) const;
  void merge_sliced_into(HostedWindowAggregate& merged) const;
  /// Sliced: gives every partition one thread's state `merged` with its own keys' groups.
  void split_sliced(const HostedWindowAggregate& merged);
  /// Runs the operator as one thread does from now on: its state merged into single_, the
  /// partitions' threads stopped (see kRowsPerFiring).
  void gather();
  void stop_threads();

  ExecContext* ctx_;
  WindowAggregateConfig config_;
  WindowAggregateKernels kernels_;
  HostedWindowAggregate front_;  // finalizes and emits, on the run's thread
  KeyRows keys_;
  PackedRows packer_;
  std::vector<std::unique_ptr<Partition>> parts_;
  std::vector<Group> groups_, merged_;  // the window being fired
  bool sliced_ = false;
  std::vector<std::pair<int64_t, int64_t>> due_;  // sliced: the windows being fired
  int64_t slice_start_ = 0, slice_end_ = 0;  // sliced: a slice open in every partition
  std::vector<DueSession> sessions_, merged_sessions_;  // SESSION: the sessions being fired
  std::atomic<bool> stop_{false};
  int64_t watermark_ = INT64_MIN;
  int64_t next_fire_ = INT64_MAX;  // no window of any partition ends before this
  int64_t seq_ = 0;
  OperatorStats restored_;  // the counters of a restored snapshot, before this run
  mutable OperatorStats stats_;
  uint64_t gather_rows_;
  uint64_t firings_ = 0;
  std::unique_ptr<HostedWindowAggregate> single_;  // once gathered: the operator, run as on one thread
  std::vector<uint64_t> rows_at_gathering_;
  uint64_t rows_gathered_ = 0;  // rows since
};

}  // namespace vlac::rt
