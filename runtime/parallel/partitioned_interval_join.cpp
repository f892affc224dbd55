#include "runtime/parallel/partitioned_interval_join.h"

#include <algorithm>
#include <cstring>

#include "runtime/parallel/join_rounds.h"
#include "runtime/parallel/key_partition.h"
#include "runtime/scalar/time_math.h"

namespace vlac::rt {
namespace {

using namespace join_rounds;

// A row's entry tag: its arrival number, whether it is held, and its side.
int64_t row_tag(int64_t seq, bool hold, int port) { return seq * 4 + (hold ? 2 : 0) + port; }

}  // namespace

bool PartitionedIntervalJoin::can_partition(const JoinConfig& c) {
  return c.key_layout && c.key_size > 0 && c.max_keys == UINT64_MAX && c.max_buffered_rows == UINT64_MAX;
}

PartitionedIntervalJoin::PartitionedIntervalJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels,
                                                 const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : ctx_(ctx), config_(config), kernels_(kernels), out_packer_(out_layout), trial_(policy),
      partitions_(static_cast<size_t>(partitions)) {
  partition_kernels_ = kernels_;
  partition_kernels_.emit = &PartitionedIntervalJoin::capture;
  front_.init(ctx_, config_, kernels_);
  front_.set_partitioned(this);
  keys_.init(config_.key_layout);
  key_.assign(config_.key_size, 0);
  in_packer_[0].init(config_.left_layout);
  in_packer_[1].init(config_.right_layout);
  start_partitions(partitions_);
}

PartitionedIntervalJoin::~PartitionedIntervalJoin() { parts_.stop(); }

void PartitionedIntervalJoin::start_partitions(size_t n) {
  parts_.start(
      n,
      [this](Partition& part, size_t) {
        part.ctx.owner = this;
        part.ctx.part = &part;
        part.join.init(&part.ctx, config_, partition_kernels_);
        part.join.set_unmatched(&PartitionedIntervalJoin::capture_unmatched);
      },
      [this](Partition& part) { work(part); });
}

void PartitionedIntervalJoin::work(Partition& part) {
  while (BatchQueue::Batch* batch = parts_.take(part)) {
    uint8_t* at = batch->bytes.data();
    for (uint32_t i = 0; i < batch->rows; ++i) {
      int64_t tag;  // row_tag(), or a marker's kind
      std::memcpy(&tag, at, sizeof tag);
      const int port = tag < 0 ? 0 : static_cast<int>(tag & 1);
      uint8_t* row;
      int64_t purge_time;
      at = in_packer_[port].unpack(at, &row, &tag, &purge_time);
      if (!row) {  // a marker: its kind in tag, its value in purge_time
        if (const int64_t* w = on_marker(part.watermarks, tag, purge_time, round_w_)) purge_partition(part, w);
        continue;
      }
      part.ctx.scratch.reset();
      join_in(part, port, row, tag >> 2, (tag & 2) != 0, purge_time);
    }
    part.queue.release();
  }
}

int64_t PartitionedIntervalJoin::row_time(int port, const uint8_t* row) const {
  int64_t t;
  std::memcpy(&t, row + (port == 0 ? config_.left_time : config_.right_time), sizeof t);
  return t;
}

void PartitionedIntervalJoin::join_in(Partition& part, int port, const uint8_t* row, int64_t seq, bool hold,
                                      int64_t purge_time) const {
  part.pushing = seq;
  const uint32_t slot = part.join.push_partitioned(port, row, row_time(port, row), hold, purge_time);
  if (slot == UINT32_MAX) return;
  std::vector<int64_t>& seqs = part.held_seq[port];
  if (seqs.size() <= slot) seqs.resize(std::max<size_t>(slot + 1, 2 * seqs.size()));
  seqs[slot] = seq;
}

void PartitionedIntervalJoin::purge_partition(Partition& part, const int64_t* w) const { part.join.advance_ports(w, 2); }

void PartitionedIntervalJoin::capture(ExecContext* ctx, const uint8_t* row) {
  auto* c = static_cast<Context*>(ctx);
  // The scratch is not reset here: the pushed row's key (a computed string) may live there.
  c->owner->out_packer_.append(c->part->fired, row, c->part->pushing, 0);
}

void PartitionedIntervalJoin::capture_unmatched(ExecContext* ctx, uint32_t slot, const uint8_t* row) {
  auto* c = static_cast<Context*>(ctx);
  Partition& part = *c->part;
  c->owner->in_packer_[0].append(part.unmatched, row, part.held_seq[0][slot], 0);
}

uint32_t PartitionedIntervalJoin::partition_of(int port, const uint8_t* row, bool* has_key) {
  *has_key = front_.key_for_partition(port, row, key_.data());
  if (!*has_key) return 0;  // a NULL key matches nothing
  return key_partition(keys_.hash(key_.data()), parts_.size());
}

void PartitionedIntervalJoin::push(int port, const uint8_t* row) {
  ++pushed_;
  if (single_) {
    ++rows_gathered_;
    return single_->push(port, row);
  }
  const int64_t seq = seq_++;
  int64_t t;
  if (!front_.admit_for_partition(port, row, &t)) {  // late: counted and reported here, in arrival order
    ++parts_[0].rows;
    return;
  }
  bool has_key;
  const uint32_t p = partition_of(port, row, &has_key);
  Partition& part = parts_[p];
  ++part.rows;
  // A row with a NULL key matches nothing: only a LEFT join's left row comes out (with NULLs).
  if (!has_key && !(port == 0 && config_.left_outer)) return;
  const bool hold = front_.holds(port, has_key, t);
  int64_t purge_time = t;
  if (hold) {
    std::deque<Shadow>& shadow = shadow_[port];
    if (!shadow.empty()) purge_time = HostedIntervalJoin::purge_time_after(shadow.back().purge_time, t);
    shadow.push_back({purge_time, seq, p});
    peak_ = std::max<uint64_t>(peak_, shadow_[0].size() + shadow_[1].size());
  }
  if (p == 0) {
    part.ctx.scratch.reset();  // as a partition thread does before each row (a key may be a computed string)
    purge_partition(part, front_.watermarks());  // as one thread has by now
    return join_in(part, port, row, seq, hold, purge_time);
  }
  in_packer_[port].append(parts_.filling(part).bytes, row, row_tag(seq, hold, port), purge_time);
  parts_.added(part);
  after_row(parts_, part, front_.watermarks());
}

void PartitionedIntervalJoin::advance(int64_t w) {
  const int64_t both[2] = {w, w};
  advance_ports(both, 2);
}

void PartitionedIntervalJoin::advance_ports(const int64_t* w, int) {
  if (single_) {
    single_->advance_ports(w, 2);
    if (trial_.phase() == PartitionTrial::Phase::TrialGathered && pushed_ - step_start_ >= trial_.policy().rows_per_step) step();
    return;
  }
  front_.advance_ports(w, 2);
  purge_shadow();
  const int64_t* now = front_.watermarks();
  const bool end = now[0] == kEndOfInput && now[1] == kEndOfInput;
  if (end || static_cast<uint64_t>(seq_ - round_start_) >= trial_.policy().rows_per_round) end_round();
}

void PartitionedIntervalJoin::purge_shadow() {
  for (int port = 0; port < 2; ++port) {
    std::deque<Shadow>& shadow = shadow_[port];
    while (!shadow.empty() && front_.purges(port, shadow.front().purge_time)) {
      if (port == 0 && config_.left_outer) purged_.push_back({seq_, shadow.front().seq, shadow.front().part});
      shadow.pop_front();
    }
  }
}

void PartitionedIntervalJoin::settle() {
  if (!single_) end_round();
}

void PartitionedIntervalJoin::end_round() {
  // Every partition purges under the watermarks now, on its own thread (the run's thread
  // partition 0's); a marker after its rows tells it to, and the queue's release makes round_w_
  // visible to it. Then the run's thread emits the round's rows.
  round_w_[0] = front_.watermarks()[0];
  round_w_[1] = front_.watermarks()[1];
  parts_.mark_others(kRoundEnd, 0, /*hand_over=*/true);
  purge_partition(parts_[0], round_w_);
  parts_.wait_others();
  merge_round();
  merged_w_ = std::min(round_w_[0], round_w_[1]);
  round_start_ = seq_;
  if (trial_.phase() == PartitionTrial::Phase::Probing && pushed_ - step_start_ >= trial_.policy().rows_per_step) step();
}

void PartitionedIntervalJoin::merge_round() {
  auto next_row = [this](Partition& part) {
    int64_t unused;
    if (part.next == part.fired.data() + part.fired.size()) part.row = nullptr;
    else part.next = out_packer_.unpack(part.next, &part.row, &part.seq, &unused);
  };
  auto next_unmatched = [this](Partition& part) {
    int64_t unused;
    if (part.next_unmatched == part.unmatched.data() + part.unmatched.size()) part.unmatched_row = nullptr;
    else part.next_unmatched = in_packer_[0].unpack(part.next_unmatched, &part.unmatched_row, &part.unmatched_seq, &unused);
  };
  for (const auto& part : parts_.all()) {
    part->next = part->fired.data();
    next_row(*part);
    part->next_unmatched = part->unmatched.data();
    next_unmatched(*part);
  }
  // The pairs and unmatched rows of each pushed row in arrival order (a row's are all in its
  // partition, in the order they were made), and after each row the unmatched left rows one
  // thread purged then, in arrival order.
  size_t purged = 0;
  for (;;) {
    Partition* first = nullptr;
    for (const auto& part : parts_.all())
      if (part->row && (!first || part->seq < first->seq)) first = part.get();
    if (purged < purged_.size() && (!first || purged_[purged].after <= first->seq)) {
      const Purged& p = purged_[purged++];
      Partition& part = parts_[p.part];
      // Handed over unless it matched: the partition purged it under the same watermarks.
      if (part.unmatched_row && part.unmatched_seq == p.seq) {
        front_.emit_unmatched(part.unmatched_row);
        next_unmatched(part);
      }
      continue;
    }
    if (!first) break;
    kernels_.emit(ctx_, first->row);
    next_row(*first);
  }
  purged_.clear();
  for (const auto& part : parts_.all()) {
    part->fired.clear();
    part->unmatched.clear();
  }
}

int64_t PartitionedIntervalJoin::output_watermark(int64_t input_w) const {
  // Rows pushed since the last round may still come out: the watermark waits for the round.
  return held_back_watermark(single_ ? input_w : std::min(input_w, merged_w_), config_.hold_back);
}

void PartitionedIntervalJoin::step() {
  step_start_ = pushed_;
  trial_.take_step([this] { return pushed_; }, stats().rows_out, /*firings=*/false, [this] { gather(); }, [this] { split(); });
}

std::vector<uint64_t> PartitionedIntervalJoin::partition_rows() const { return parts_.rows(); }

const OperatorStats& PartitionedIntervalJoin::stats() const {
  if (single_) return single_->stats();
  parts_.drain();  // a run stopped early may leave rows in flight
  stats_ = front_.stats();
  for (const auto& part : parts_.all()) stats_.rows_out += part->join.stats().rows_out;
  stats_.buffered = shadow_[0].size() + shadow_[1].size();
  stats_.peak_buffered = peak_;
  return stats_;
}

void PartitionedIntervalJoin::merge_into(HostedIntervalJoin& merged) const {
  parts_.drain();
  // Each side's held rows of every partition, in arrival order: one thread's held rows.
  struct Row {
    int64_t seq;
    HostedIntervalJoin::HeldRow held;
  };
  std::vector<Row> rows;
  for (int port = 0; port < 2; ++port) {
    rows.clear();
    for (const auto& part : parts_.all())
      part->join.for_each_held(port, [&](const HostedIntervalJoin::HeldRow& h) { rows.push_back({part->held_seq[port][h.slot], h}); });
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.seq < b.seq; });
    for (const Row& r : rows) merged.hold_again(port, r.held.row, r.held.time, r.held.purge_time, r.held.matched);
  }
  merged.restore_progress(stats(), front_.watermarks());
}

void PartitionedIntervalJoin::deal_out(HostedIntervalJoin& merged) {
  const OperatorStats restored = merged.stats();
  front_.restore_progress(restored, merged.watermarks());
  peak_ = restored.peak_buffered;
  for (int port = 0; port < 2; ++port) {
    // In arrival order within each side; the arrival numbers start again, which keeps that order.
    merged.for_each_held(port, [&](const HostedIntervalJoin::HeldRow& h) {
      bool has_key;
      const uint32_t p = partition_of(port, h.row, &has_key);
      Partition& part = parts_[p];
      const int64_t seq = seq_++;
      const uint32_t slot = part.join.hold_again(port, h.row, h.time, h.purge_time, h.matched);
      std::vector<int64_t>& seqs = part.held_seq[port];
      if (seqs.size() <= slot) seqs.resize(std::max<size_t>(slot + 1, 2 * seqs.size()));
      seqs[slot] = seq;
      shadow_[port].push_back({h.purge_time, seq, p});
    });
  }
  for (const auto& part : parts_.all()) part->join.restore_progress(OperatorStats{}, merged.watermarks());
  round_start_ = seq_;
  merged_w_ = std::min(merged.watermarks()[0], merged.watermarks()[1]);
}

void PartitionedIntervalJoin::gather() {
  end_round();
  auto single = std::make_unique<HostedIntervalJoin>();
  single->init(ctx_, config_, kernels_);
  merge_into(*single);
  parts_.clear();
  for (auto& shadow : shadow_) shadow.clear();
  single_ = std::move(single);  // last: until here, stats() reads the partitions
}

void PartitionedIntervalJoin::split() {
  start_partitions(partitions_);
  deal_out(*single_);
  single_.reset();
}

void PartitionedIntervalJoin::save_state(StateWriter& w) const {
  if (single_) return single_->save_state(w);
  HostedIntervalJoin merged;
  merged.init(ctx_, config_, kernels_);
  merge_into(merged);
  merged.save_state(w);
}

bool PartitionedIntervalJoin::load_state(StateReader& r) {
  if (single_) return single_->load_state(r);
  HostedIntervalJoin merged;
  merged.init(ctx_, config_, kernels_);
  if (!merged.load_state(r)) return false;
  deal_out(merged);  // into partitions that hold nothing yet: a snapshot is loaded before the run
  return true;
}

}  // namespace vlac::rt
