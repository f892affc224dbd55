#include "runtime/parallel/partitioned_asof_join.h"

#include <algorithm>
#include <cstring>


namespace vlac::rt {

PartitionedAsofJoin::PartitionedAsofJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels,
                                         const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : JoinInRounds(ctx, config, kernels, out_layout, partitions, policy, &PartitionedAsofJoin::capture) {
  start_partitions(partitions_);
}

PartitionedAsofJoin::~PartitionedAsofJoin() { parts_.stop(); }

void PartitionedAsofJoin::init_partition(Partition& part) {
  part.join.set_walks_keys(false);  // when the run's thread says (purge_keys())
}

void PartitionedAsofJoin::take_row(Partition& part, int port, const uint8_t* row, int64_t tag, int64_t) const {
  join_in(part, port, row, tag >> 1);
}

void PartitionedAsofJoin::walk_keys(Partition& part) const { part.join.purge_keys(); }

void PartitionedAsofJoin::join_in(Partition& part, int port, const uint8_t* row, int64_t seq) const {
  const int64_t t = row_time(port, row);
  const uint32_t slot = part.join.push_partitioned(port, row, t);
  if (slot == UINT32_MAX) return;  // a right row, or (never: no capacity) a left row not held
  set_by_slot(part.left, slot, Left{seq, t});
}

void PartitionedAsofJoin::capture(ExecContext* ctx, const uint8_t* row) {
  auto* c = static_cast<decltype(Partition::ctx)*>(ctx);
  Partition& part = *c->part;
  const Left& left = part.left[part.join.releasing_left()];
  c->owner->out_packer_.append(part.fired, row, left.seq, left.time);
  ctx->scratch.reset();  // packed: the next row's strings may reuse it
}

void PartitionedAsofJoin::push(int port, const uint8_t* row) {
  Arrival a;
  if (!arrive(port, row, &a)) return;
  if (port == 1 && !a.has_key) return;  // a right row with a NULL key is never met
  if (a.part == 0) {
    before_row_at_0();
    return join_in(parts_[0], port, row, a.seq);
  }
  send(parts_[a.part], port, row, 2 * a.seq + port, 0);
}

void PartitionedAsofJoin::after_advance() {
  if (front_.key_purges() == key_walks_) return;
  key_walks_ = front_.key_purges();
  // Where one thread walks its keys: every partition does, after the watermarks one thread has.
  for (size_t p = 1; p < parts_.size(); ++p) {
    join_rounds::send_watermarks(parts_, parts_[p], front_.watermarks());
    PackedRows::append_marker(parts_.filling(parts_[p]).bytes, join_rounds::kPurgeKeys, 0);
    parts_.added(parts_[p]);
  }
  parts_[0].join.advance_ports(front_.watermarks(), 2);
  parts_[0].join.purge_keys();
}

void PartitionedAsofJoin::merge_round() { emit_in_time_order(); }  // by (left time, left arrival): capture()

const OperatorStats& PartitionedAsofJoin::stats() const { return summed_stats(); }

void PartitionedAsofJoin::merge_into(HostedAsofJoin& merged) const {
  parts_.drain();
  merged.restore_progress(stats(), front_.watermarks(), front_.advances_since_purge());
  // The left rows of every partition in arrival order (ties in time leave in that order).
  struct Row {
    int64_t seq, time;
    const uint8_t* row;
  };
  std::vector<Row> lefts;
  for (const auto& part : parts_.all())
    part->join.for_each_held([&](uint32_t slot, const uint8_t* row, int64_t time, int64_t) { lefts.push_back({part->left[slot].seq, time, row}); },
                             [&](const uint8_t* row, int64_t time) { merged.hold_again(1, row, time); });
  std::sort(lefts.begin(), lefts.end(), [](const Row& a, const Row& b) { return a.seq < b.seq; });
  for (const Row& r : lefts) merged.hold_again(0, r.row, r.time);
}

void PartitionedAsofJoin::deal_out(HostedAsofJoin& merged) {
  const OperatorStats restored = merged.stats();
  front_.restore_progress(restored, merged.watermarks(), merged.advances_since_purge());
  restored_peak_ = restored.peak_buffered;
  for (const auto& part : parts_.all()) part->join.restore_progress(OperatorStats{}, merged.watermarks(), 0);
  struct Row {
    int64_t seq, time;
    const uint8_t* row;
  };
  std::vector<Row> lefts;
  merged.for_each_held([&](uint32_t, const uint8_t* row, int64_t time, int64_t seq) { lefts.push_back({seq, time, row}); },
                       [&](const uint8_t* row, int64_t time) {
                         bool has_key;
                         join_in(parts_[partition_of(1, row, &has_key)], 1, row, seq_++);
                         (void)time;
                       });
  // In arrival order; the arrival numbers start again, which keeps that order.
  std::sort(lefts.begin(), lefts.end(), [](const Row& a, const Row& b) { return a.seq < b.seq; });
  for (const Row& r : lefts) {
    bool has_key;
    join_in(parts_[partition_of(0, r.row, &has_key)], 0, r.row, seq_++);
  }
  key_walks_ = front_.key_purges();
  new_round(merged.watermarks());
}

}  // namespace vlac::rt
