#include "runtime/parallel/partitioned_over.h"

#include <algorithm>
#include <vector>

namespace vlac::rt {

PartitionedOver::PartitionedOver(ExecContext* ctx, const OverConfig& config, const OverKernels& kernels,
                                 const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : JoinInRounds(ctx, config, kernels, out_layout, partitions, policy, &PartitionedOver::capture),
      calls_(config.calls, config.calls + config.num_calls) {
  config_.calls = calls_.data();  // every later init() (partitions, merged operators) reads them
  start_partitions(partitions_);
}

PartitionedOver::~PartitionedOver() { parts_.stop(); }

void PartitionedOver::take_row(Partition& part, int, const uint8_t* row, int64_t tag, int64_t) const {
  part.join.push_dealt(row, tag >> 1);
}

void PartitionedOver::capture(ExecContext* ctx, const uint8_t* row) {
  auto* c = static_cast<decltype(Partition::ctx)*>(ctx);
  const HostedOver& over = c->part->join;
  c->owner->out_packer_.append(c->part->fired, row, over.emitting_seq(), over.emitting_time());
  ctx->scratch.reset();  // packed: the next row's strings may reuse it
}

void PartitionedOver::push(const uint8_t* row) {
  Arrival a;
  if (!arrive(0, row, &a)) return;
  if (a.part == 0) {
    before_row_at_0();
    return parts_[0].join.push_dealt(row, a.seq);
  }
  send(parts_[a.part], 0, row, 2 * a.seq, 0);
}

void PartitionedOver::merge_round() { emit_in_time_order(); }  // by (time, arrival): capture()

const OperatorStats& PartitionedOver::stats() const { return summed_stats(); }

namespace {

struct Waiting {
  int64_t seq, time;
  const uint8_t* row;
};

/// The rows `over` holds waiting, appended to `rows`.
void add_waiting(const HostedOver& over, std::vector<Waiting>& rows) {
  over.for_each_waiting([&](const uint8_t* row, int64_t time, int64_t seq) { rows.push_back({seq, time, row}); });
}

/// In arrival order, as one thread took them (the heap's order is by time and arrival anyway).
void sort_by_arrival(std::vector<Waiting>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Waiting& a, const Waiting& b) { return a.seq < b.seq; });
}

}  // namespace

void PartitionedOver::merge_into(HostedOver& merged) const {
  parts_.drain();
  merged.restore_progress(stats(), front_.watermarks()[0], seq_);
  std::vector<Waiting> rows;
  for (const auto& part : parts_.all()) {
    for (uint32_t id = 0; id < part->join.keys(); ++id) merged.copy_key(part->join, id);
    add_waiting(part->join, rows);
  }
  sort_by_arrival(rows);
  for (const Waiting& r : rows) merged.hold_again(r.row, r.time, r.seq);
}

void PartitionedOver::deal_out(HostedOver& merged) {
  const OperatorStats restored = merged.stats();
  const int64_t w = merged.watermarks()[0];
  front_.restore_progress(restored, w, merged.next_seq());
  restored_peak_ = restored.peak_buffered;
  for (const auto& part : parts_.all()) part->join.restore_progress(OperatorStats{}, w, 0);
  for (uint32_t id = 0; id < merged.keys(); ++id)
    parts_[key_partition(keys_.hash(merged.key(id)), parts_.size())].join.copy_key(merged, id);
  std::vector<Waiting> rows;
  add_waiting(merged, rows);
  sort_by_arrival(rows);
  for (const Waiting& r : rows) {
    bool has_key;
    parts_[partition_of(0, r.row, &has_key)].join.hold_again(r.row, r.time, r.seq);
  }
  seq_ = merged.next_seq();
  new_round(merged.watermarks());
}

}  // namespace vlac::rt
