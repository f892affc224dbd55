#pragma once
// A join whose results come out in rounds (`--threads`, LANGUAGE.md §11): the partitioned
// interval and as-of joins (partitioned_interval_join.h, partitioned_asof_join.h), which emit at
// nearly every row, so that waiting for the partitions at each row would cost a round trip per
// row. Their partitions work on their own, told the watermarks every few rows (join_rounds.h);
// every `rows_per_round` rows, at the end of the input, before a checkpoint and when a run stops
// (settle()), the run's thread ends the round: it marks every partition, waits, and emits the
// round's results merged in one thread's order (merge_round(), the join's own). The join's
// output watermark waits for the round.
//
// The run's thread admits each row with the front join (rows in; a late row is counted and
// dropped there, in arrival order, as one thread drops it) and keeps the watermarks there. A
// step of the trial (partition_trial.h) is 8 rounds' rows.

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "runtime/parallel/join_rounds.h"
#include "runtime/parallel/partitioned_join.h"

namespace vlac::rt {

template <class Join, class Part, class Config = JoinConfig, class Kernels = JoinKernels>
class JoinInRounds : public PartitionedJoin<Join, Part, Config, Kernels> {
  using Base = PartitionedJoin<Join, Part, Config, Kernels>;

 public:
  void advance(int64_t w) override {
    const int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) override {
    if (this->single_) {
      this->single_->advance_ports(w, 2);
      if (this->trial_.phase() == PartitionTrial::Phase::TrialGathered && step_due()) step();
      return;
    }
    this->front_.advance_ports(w, 2);  // holds nothing: keeps the watermarks (and counts)
    after_advance();
    const int64_t* now = this->front_.watermarks();
    const bool end = now[0] == kEndOfInput && now[1] == kEndOfInput;
    if (end || static_cast<uint64_t>(seq_ - round_start_) >= this->trial_.policy().rows_per_round) end_round();
  }
  int64_t output_watermark(int64_t input_w) const override {
    // Rows pushed since the last round may still come out: the watermark waits for the round.
    return this->front_.output_watermark(this->single_ ? input_w : std::min(input_w, merged_w_));
  }
  /// Ends the round: emits every row due for the rows pushed so far.
  void settle() override {
    if (!this->single_) end_round();
  }
  // save_state() comes after settle() (a checkpoint is taken between two rows, settled).

 protected:
  using Base::Base;

  /// A row that arrived: its arrival number, time, partition, and whether its key is not NULL.
  struct Arrival {
    int64_t seq, time;
    uint32_t part;
    bool has_key;
  };
  /// The start of push(): counts the row, pushes it into the join while gathered, admits it
  /// (a late one is counted and dropped, in partition 0's rows); false when that was all.
  bool arrive(int port, const uint8_t* row, Arrival* a) {
    ++pushed_;
    if (this->single_) {
      ++this->rows_gathered_;
      this->single_->push(port, row);
      return false;
    }
    a->seq = seq_++;
    if (!this->front_.admit_for_partition(port, row, &a->time)) {
      ++this->parts_[0].rows;
      return false;
    }
    a->part = this->partition_of(port, row, &a->has_key);
    ++this->parts_[a->part].rows;
    return true;
  }
  /// Catches partition 0 (on the run's thread) up with the watermarks before a row it takes.
  void before_row_at_0() {
    Part& part = this->parts_[0];
    part.ctx.scratch.reset();  // as a partition thread does before each row (a key may be a computed string)
    part.join.advance_ports(this->front_.watermarks(), 2);  // as one thread has by now
  }
  /// Sends a row to partition `part` (not 0) with its entry's tag (the side in its low bit) and
  /// value; then the watermarks, every few rows.
  void send(Part& part, int port, const uint8_t* row, int64_t tag, int64_t value) {
    this->in_packer_[port].append(this->parts_.filling(part).bytes, row, tag, value);
    this->parts_.added(part);
    join_rounds::after_row(this->parts_, part, this->front_.watermarks());
  }
  int64_t row_time(int port, const uint8_t* row) const {
    int64_t t;
    std::memcpy(&t, row + port_time(this->config_, port), sizeof t);
    return t;
  }

  /// After the front join took the watermarks (the run's thread's bookkeeping).
  virtual void after_advance() = 0;
  /// A row a partition takes: its entry's tag and value as send() gave them.
  virtual void take_row(Part& part, int port, const uint8_t* row, int64_t tag, int64_t value) const = 0;
  /// The join's kPurgeKeys marker (the as-of join's).
  virtual void walk_keys(Part&) const {}
  /// Emits a round's results in one thread's order (the partitions have stopped for it).
  virtual void merge_round() = 0;
  /// After the partitions were gathered onto the run's thread.
  virtual void after_gather() {}

  /// The counters of an operator whose partitions hold its rows (the as-of join's, OVER's): rows
  /// in and late from the front, rows out and held from the partitions; the peak their peaks
  /// added up (peak_summed()), which is at least one thread's, or a restored operator's peak.
  const OperatorStats& summed_stats() const {
    if (this->single_) return this->single_->stats();
    this->parts_.drain();  // a run stopped early may leave rows in flight
    summed_ = this->front_.stats();
    summed_.buffered = 0;  // the partitions hold the rows (the front's count is a restored operator's)
    uint64_t peaks = 0;
    for (const auto& part : this->parts_.all()) {
      const OperatorStats& s = part->join.stats();
      summed_.rows_out += s.rows_out;
      summed_.buffered += s.buffered;
      peaks += s.peak_buffered;
    }
    summed_.peak_buffered = std::max(restored_peak_, peaks);
    return summed_;
  }

  /// Emits the round's rows of every partition merged by (time, arrival): each partition's
  /// fired rows packed with the arrival number and time of the row releasing them (the as-of
  /// join's left row, OVER's row), in that order already. Then forgets them.
  void emit_in_time_order() {
    this->parts_.start_merge(this->out_packer_);  // a packed row's `window` is its time
    for (;;) {  // the least of their heads, row by row
      Part* first = nullptr;
      for (const auto& part : this->parts_.all())
        if (part->row && (!first || part->window < first->window || (part->window == first->window && part->seq < first->seq)))
          first = part.get();
      if (!first) break;
      this->kernels_.emit(this->ctx_, first->row);
      this->parts_.next_fired(this->out_packer_, *first);
    }
    for (const auto& part : this->parts_.all()) part->fired.clear();
  }

  void work(Part& part) override {
    while (BatchQueue::Batch* batch = this->parts_.take(part)) {
      uint8_t* at = batch->bytes.data();
      for (uint32_t i = 0; i < batch->rows; ++i) {
        int64_t tag;  // the row's tag, or a marker's kind
        std::memcpy(&tag, at, sizeof tag);
        const int port = tag < 0 ? 0 : static_cast<int>(tag & 1);
        uint8_t* row;
        int64_t value;
        at = this->in_packer_[port].unpack(at, &row, &tag, &value);
        if (!row) {  // a marker: its kind in tag
          if (tag == join_rounds::kPurgeKeys) walk_keys(part);
          else if (const int64_t* w = join_rounds::on_marker(part.watermarks, tag, value, round_w_)) part.join.advance_ports(w, 2);
          continue;
        }
        part.ctx.scratch.reset();
        take_row(part, port, row, tag, value);
      }
      part.queue.release();
    }
  }

  void end_round() {
    // Every partition acts under the watermarks now, on its own thread (the run's thread
    // partition 0's); a marker after its rows tells it to, and the queue's release makes
    // round_w_ visible to it. Then the run's thread emits the round's rows.
    round_w_[0] = this->front_.watermarks()[0];
    round_w_[1] = this->front_.watermarks()[1];
    this->parts_.mark_others(join_rounds::kRoundEnd, 0, /*hand_over=*/true);
    this->parts_[0].join.advance_ports(round_w_, 2);
    this->parts_.wait_others();
    merge_round();
    merged_w_ = std::min(round_w_[0], round_w_[1]);
    round_start_ = seq_;
    if (this->trial_.phase() == PartitionTrial::Phase::Probing && step_due()) step();
  }

  /// After a restore or a split: the rows pushed from now are a new round.
  void new_round(const int64_t* watermarks) {
    round_start_ = seq_;
    merged_w_ = std::min(watermarks[0], watermarks[1]);
  }

  int64_t round_w_[2] = {INT64_MIN, INT64_MIN};  // the watermarks at a round's end (read by the partitions)
  int64_t merged_w_ = INT64_MIN;                 // the input watermark when the last round ended
  int64_t seq_ = 0;                              // arrival numbers
  int64_t round_start_ = 0;                      // the arrival number the round started at
  uint64_t pushed_ = 0, step_start_ = 0;  // rows pushed (partitioned or gathered), and at the last step
  uint64_t restored_peak_ = 0;             // summed_stats(): the peak of a restored or split operator's rows
  mutable OperatorStats summed_;

 private:
  /// A step of the trial is kRoundsPerStep rounds' rows: long enough to measure, short enough
  /// that a join the partitions do not speed up leaves them soon (a step of 131,072 rows, the
  /// GROUP BY's, kept half of a 2 M-row run in partitions before the trial).
  static constexpr uint64_t kRoundsPerStep = 8;
  bool step_due() const { return pushed_ - step_start_ >= kRoundsPerStep * this->trial_.policy().rows_per_round; }
  void step() {
    step_start_ = pushed_;
    this->trial_.take_step(
        [this] { return pushed_; }, this->stats().rows_out, /*firings=*/false,
        [this] {
          end_round();  // every result is out, and the partitions hold what one thread holds
          this->gather_partitions();
          after_gather();
        },
        [this] { this->split_partitions(); });
  }
};

}  // namespace vlac::rt
