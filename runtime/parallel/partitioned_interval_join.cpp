#include "runtime/parallel/partitioned_interval_join.h"

#include <algorithm>
#include <cstring>

namespace vlac::rt {
namespace {

// A row's entry tag: its arrival number, whether it is held, and its side.
int64_t row_tag(int64_t seq, bool hold, int port) { return seq * 4 + (hold ? 2 : 0) + port; }

}  // namespace

PartitionedIntervalJoin::PartitionedIntervalJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels,
                                                 const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : JoinInRounds(ctx, config, kernels, out_layout, partitions, policy, &PartitionedIntervalJoin::capture) {
  start_partitions(partitions_);
}

PartitionedIntervalJoin::~PartitionedIntervalJoin() { parts_.stop(); }

void PartitionedIntervalJoin::init_partition(Partition& part) {
  part.join.set_unmatched(&PartitionedIntervalJoin::capture_unmatched);
}

void PartitionedIntervalJoin::take_row(Partition& part, int port, const uint8_t* row, int64_t tag,
                                       int64_t purge_time) const {
  join_in(part, port, row, tag >> 2, (tag & 2) != 0, purge_time);
}

void PartitionedIntervalJoin::join_in(Partition& part, int port, const uint8_t* row, int64_t seq, bool hold,
                                      int64_t purge_time) const {
  part.pushing = seq;
  const uint32_t slot = part.join.push_partitioned(port, row, row_time(port, row), hold, purge_time);
  if (slot != UINT32_MAX) set_by_slot(part.held_seq[port], slot, seq);
}

void PartitionedIntervalJoin::capture(ExecContext* ctx, const uint8_t* row) {
  auto* c = static_cast<decltype(Partition::ctx)*>(ctx);
  // The scratch is not reset here: the pushed row's key (a computed string) may live there.
  c->owner->out_packer_.append(c->part->fired, row, c->part->pushing, 0);
}

void PartitionedIntervalJoin::capture_unmatched(ExecContext* ctx, uint32_t slot, const uint8_t* row) {
  auto* c = static_cast<decltype(Partition::ctx)*>(ctx);
  Partition& part = *c->part;
  c->owner->in_packer_[0].append(part.unmatched, row, part.held_seq[0][slot], 0);
}

void PartitionedIntervalJoin::push(int port, const uint8_t* row) {
  Arrival a;
  if (!arrive(port, row, &a)) return;
  // A row with a NULL key matches nothing: only a LEFT join's left row comes out (with NULLs).
  if (!a.has_key && !(port == 0 && config_.left_outer)) return;
  const bool hold = front_.holds(port, a.has_key, a.time);
  int64_t purge_time = a.time;
  if (hold) {
    std::deque<Shadow>& shadow = shadow_[port];
    if (!shadow.empty()) purge_time = HostedIntervalJoin::purge_time_after(shadow.back().purge_time, a.time);
    shadow.push_back({purge_time, a.seq, a.part});
    peak_ = std::max<uint64_t>(peak_, shadow_[0].size() + shadow_[1].size());
  }
  if (a.part == 0) {
    before_row_at_0();
    return join_in(parts_[0], port, row, a.seq, hold, purge_time);
  }
  send(parts_[a.part], port, row, row_tag(a.seq, hold, port), purge_time);
}

void PartitionedIntervalJoin::after_advance() {
  for (int port = 0; port < 2; ++port) {
    std::deque<Shadow>& shadow = shadow_[port];
    while (!shadow.empty() && front_.purges(port, shadow.front().purge_time)) {
      if (port == 0 && config_.left_outer) purged_.push_back({seq_, shadow.front().seq, shadow.front().part});
      shadow.pop_front();
    }
  }
}

void PartitionedIntervalJoin::merge_round() {
  auto next_unmatched = [this](Partition& part) {
    int64_t unused;
    if (part.next_unmatched == part.unmatched.data() + part.unmatched.size()) part.unmatched_row = nullptr;
    else part.next_unmatched = in_packer_[0].unpack(part.next_unmatched, &part.unmatched_row, &part.unmatched_seq, &unused);
  };
  parts_.start_merge(out_packer_);
  for (const auto& part : parts_.all()) {
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
    parts_.next_fired(out_packer_, *first);
  }
  purged_.clear();
  for (const auto& part : parts_.all()) {
    part->fired.clear();
    part->unmatched.clear();
  }
}

void PartitionedIntervalJoin::after_gather() {
  for (auto& shadow : shadow_) shadow.clear();
}

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
      set_by_slot(part.held_seq[port], part.join.hold_again(port, h.row, h.time, h.purge_time, h.matched), seq);
      shadow_[port].push_back({h.purge_time, seq, p});
    });
  }
  for (const auto& part : parts_.all()) part->join.restore_progress(OperatorStats{}, merged.watermarks());
  new_round(merged.watermarks());
}

}  // namespace vlac::rt
