#pragma once
// What every join run in partitions (`vlac run --threads N`, LANGUAGE.md §11) has, and OVER
// fed by the run's thread too: partitioned_window_join.h, partitioned_interval_join.h,
// partitioned_asof_join.h, partitioned_over.h. Join: the operator each partition is
// (HostedWindowJoin, ..., HostedOver), with its Config and Kernels; Part: a partition (a
// PartitionQueue with the operator as `join`, its Context, and what the operator keeps per
// partition). OVER has one port; what this asks of a join's two it asks of OVER's one.
//
// - The front join, which generated code pushes at (the runtime's push function routes its rows
//   here: target()): the run's thread keys each row with it (the join's own key kernel).
// - Dealing by key: a row's partition is key_partition() of its key's hash; a NULL key matches
//   nothing and goes to partition 0.
// - While gathered onto the run's thread (partition_trial.h), the join as one thread runs it.
// - A checkpoint, gathering, restoring and a split all go through one join holding what one
//   thread holds: merge_into() fills it from the partitions, deal_out() deals it out to them.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/key_partition.h"
#include "runtime/parallel/packed_rows.h"
#include "runtime/parallel/partition_set.h"
#include "runtime/parallel/partition_trial.h"
#include "runtime/parallel/partitioned_operator.h"

namespace vlac::rt {

/// v[slot] = value, growing v (by doubling) for a slot a partition's join has not handed out
/// before: what a partitioned join keeps per held row, by the row's slot.
template <class T>
void set_by_slot(std::vector<T>& v, uint32_t slot, const T& value) {
  if (v.size() <= slot) v.resize(std::max<size_t>(slot + 1, 2 * v.size()));
  v[slot] = value;
}

/// A partition's ExecContext: the kernels it calls get it, and the emit kernel a partitioned
/// join gives it finds the join and the partition through it.
template <class Owner, class Part>
struct PartitionContext : ExecContext {
  using OwnerType = Owner;
  const Owner* owner = nullptr;
  Part* part = nullptr;
};

/// The layout of a port's rows, and the offset of their event time.
inline const RowLayout* port_layout(const JoinConfig& c, int port) { return port == 0 ? c.left_layout : c.right_layout; }
inline int32_t port_time(const JoinConfig& c, int port) { return port == 0 ? c.left_time : c.right_time; }
inline const RowLayout* port_layout(const OverConfig& c, int) { return c.input_layout; }
inline int32_t port_time(const OverConfig& c, int) { return c.time_offset; }

template <class Join, class Part, class Config = JoinConfig, class Kernels = JoinKernels>
class PartitionedJoin : public StatefulOperator, public PartitionedOperator {
 public:
  /// Whether a join so configured is partitioned: it has a key to deal rows out by, and no
  /// capacity (which counts the rows and keys of the whole join).
  static bool can_partition(const JoinConfig& c) {
    return has_key(c.key_layout) && c.max_keys == UINT64_MAX && c.max_buffered_rows == UINT64_MAX;
  }

  void* target() override { return &front_; }
  std::vector<uint64_t> partition_rows() const override { return parts_.rows(); }
  uint64_t rows_gathered() const override { return rows_gathered_; }
  std::string placement() const override { return trial_.placement(gathered()); }
  bool gathered() const { return single_ != nullptr; }

  void save_state(StateWriter& w) const override {
    if (single_) return single_->save_state(w);
    Join merged;
    merged.init(ctx_, config_, kernels_);
    merge_into(merged);
    merged.save_state(w);
  }
  /// `--late`: the run's thread drops late rows (the derived push()), in arrival order among
  /// every operator's drops, as one thread does; a partition never does.
  bool set_late_rows(const LateRows& late) override {
    late_ = late;
    front_.set_late_rows(late);
    if (single_) single_->set_late_rows(late);
    return true;
  }
  bool load_state(StateReader& r) override {
    if (single_) return single_->load_state(r);
    Join merged;
    merged.init(ctx_, config_, kernels_);
    if (!merged.load_state(r)) return false;
    deal_out(merged);  // into partitions that hold nothing yet: a snapshot is loaded before the run
    return true;
  }

 protected:
  /// `capture`: the emit kernel of the partitions' joins. The derived constructor calls
  /// start_partitions() (its threads run the derived work()).
  PartitionedJoin(ExecContext* ctx, const Config& config, const Kernels& kernels, const RowLayout* out_layout,
                  int partitions, const PartitionPolicy& policy, void (*capture)(ExecContext*, const uint8_t*))
      : ctx_(ctx), config_(config), kernels_(kernels), out_packer_(out_layout), trial_(policy),
        partitions_(static_cast<size_t>(partitions)) {
    partition_kernels_ = kernels_;
    partition_kernels_.emit = capture;
    front_.init(ctx_, config_, kernels_);
    front_.set_partitioned(this);
    keys_.init(config_.key_layout);
    key_.assign(config_.key_size, 0);
    in_packer_[0].init(port_layout(config_, 0));
    in_packer_[1].init(port_layout(config_, 1));
  }

  /// Sets up a new partition's join (its kernels emit through capture).
  virtual void init_partition(Part& part) = 0;
  /// A partition thread's loop: takes its batches until stopped.
  virtual void work(Part& part) = 0;
  /// Fills `merged` (init()ed) with what one thread would hold, and the counters and watermarks
  /// of the whole.
  virtual void merge_into(Join& merged) const = 0;
  /// Deals the held rows of `merged` out to the partitions by key, in arrival order.
  virtual void deal_out(Join& merged) = 0;

  /// Makes `n` empty partitions and starts the threads of 1..n-1.
  void start_partitions(size_t n) {
    parts_.start(
        n,
        [this](Part& part, size_t) {
          part.ctx.owner = static_cast<const typename decltype(Part::ctx)::OwnerType*>(this);
          part.ctx.part = &part;
          part.join.init(&part.ctx, config_, partition_kernels_);
          init_partition(part);
        },
        [this](Part& part) { work(part); });
  }

  /// The partition of a row of `port` (0 for a NULL key: *has_key false).
  uint32_t partition_of(int port, const uint8_t* row, bool* has_key) {
    *has_key = front_.key_for_partition(port, row, key_.data());
    if (!*has_key) return 0;  // a NULL key matches nothing
    return key_partition(keys_.hash(key_.data()), parts_.size());
  }

  /// Onto the run's thread: one join holds what the partitions held.
  void gather_partitions() {
    auto single = std::make_unique<Join>();
    single->init(ctx_, config_, kernels_);
    merge_into(*single);
    single->set_late_rows(late_);
    parts_.clear();
    single_ = std::move(single);  // last: until here, stats() reads the partitions
  }
  /// Back into partitions, which take what the gathered join held.
  void split_partitions() {
    start_partitions(partitions_);
    deal_out(*single_);
    single_.reset();
  }

  ExecContext* ctx_;
  Config config_;
  Kernels kernels_;            // the generated ones: the merged rows are emitted with kernels_.emit
  Kernels partition_kernels_;  // the same, emitting through the capture kernel
  Join front_;                     // what generated code pushes at (it routes here); computes keys
  KeyRows keys_;
  std::vector<uint8_t> key_;
  PackedRows in_packer_[2];
  PackedRows out_packer_;
  PartitionTrial trial_;
  size_t partitions_;
  std::unique_ptr<Join> single_;  // while gathered: the join, run as on one thread
  uint64_t rows_gathered_ = 0;    // rows pushed while gathered onto the run's thread
  LateRows late_;                 // --late: where the late rows go
  PartitionSet<Part> parts_;      // last: its threads stop before what they use goes (the derived destructor stops them)
};

}  // namespace vlac::rt
