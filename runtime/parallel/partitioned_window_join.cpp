#include "runtime/parallel/partitioned_window_join.h"

#include <algorithm>
#include <cstring>


namespace vlac::rt {
namespace {

// The marker that tells a partition to fire (PackedRows::append_marker).
constexpr int64_t kFire = -1;

int64_t load_time(const uint8_t* row, int32_t offset) {
  int64_t t;
  std::memcpy(&t, row + offset, sizeof t);
  return t;
}

}  // namespace

PartitionedWindowJoin::PartitionedWindowJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels,
                                             const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : PartitionedJoin(ctx, config, kernels, out_layout, partitions, policy, &PartitionedWindowJoin::capture) {
  start_partitions(partitions_);
}

PartitionedWindowJoin::~PartitionedWindowJoin() { parts_.stop(); }

void PartitionedWindowJoin::work(Partition& part) {
  while (BatchQueue::Batch* batch = parts_.take(part)) {
    uint8_t* at = batch->bytes.data();
    for (uint32_t i = 0; i < batch->rows; ++i) {
      int64_t tag;  // the arrival number times two plus the side, or a marker's kind
      std::memcpy(&tag, at, sizeof tag);
      const int port = tag < 0 ? 0 : static_cast<int>(tag & 1);
      uint8_t* row;
      int64_t seq, watermark;
      at = in_packer_[port].unpack(at, &row, &seq, &watermark);
      if (!row) {  // the only marker: fire
        fire_partition(part);
        continue;
      }
      part.ctx.scratch.reset();
      hold(part, port, row, seq >> 1, watermark);
    }
    part.queue.release();
  }
}

void PartitionedWindowJoin::hold(Partition& part, int port, const uint8_t* row, int64_t seq, int64_t watermark) const {
  const uint32_t slot = part.join.push_partitioned(port, row, watermark);
  if (slot == UINT32_MAX) return;  // late (a partitioned join has no capacity to drop for)
  const bool left = port == 0;
  set_by_slot(part.held[port], slot,
              Held{seq, load_time(row, left ? config_.left_window_start : config_.right_window_start),
                   load_time(row, left ? config_.left_window_end : config_.right_window_end)});
}

void PartitionedWindowJoin::push(int port, const uint8_t* row) {
  if (single_) {
    ++rows_gathered_;
    single_->push(port, row);
    return;
  }
  const int64_t seq = seq_++;
  // A row whose window has fired (both watermarks at its end) is late (WindowJoin::push's rule):
  // dropped here, so that `--late` reports it in arrival order among every operator's drops. A
  // partition's own check then never drops more (its watermarks are at most these). Any other
  // row is held (a partitioned join has no capacity) and lowers the next firing to its window's
  // end. Counted here, the rows held give one thread's peak, which no partition sees.
  const int64_t end = front_.window_end(port, row);
  const int64_t fired = std::min(watermark_[0], watermark_[1]);
  if (end <= fired) {
    ++parts_[0].rows;
    late_.drop(&dropped_late_, port, row, fired);
    return;
  }
  next_fire_ = std::min(next_fire_, end);
  peak_ = std::max(peak_, ++held_);
  bool has_key;  // a NULL key matches nothing but is held: in partition 0
  Partition& part = parts_[partition_of(port, row, &has_key)];
  ++part.rows;
  if (&part == &parts_[0]) {
    part.ctx.scratch.reset();  // as a partition thread does before each row (a key may be a computed string)
    return hold(part, port, row, seq, watermark_[port]);
  }
  in_packer_[port].append(parts_.filling(part).bytes, row, 2 * seq + port, watermark_[port]);
  parts_.added(part);
}

void PartitionedWindowJoin::advance(int64_t w) {
  const int64_t both[2] = {w, w};
  advance_ports(both, 2);
}

void PartitionedWindowJoin::advance_ports(const int64_t* w, int) {
  if (single_) {
    if (trial_.phase() != PartitionTrial::Phase::TrialGathered) return single_->advance_ports(w, 2);
    // A firing that emitted rows is a step of the trial (as one in partitions, which emits them).
    const uint64_t out = single_->stats().rows_out;
    single_->advance_ports(w, 2);
    if (single_->stats().rows_out != out) step();
    return;
  }
  for (int p = 0; p < 2; ++p) watermark_[p] = std::max(watermark_[p], w[p]);
  if (std::min(watermark_[0], watermark_[1]) < next_fire_) return;  // nothing ends yet: the usual case
  fire();
}

void PartitionedWindowJoin::fire() {
  // Every partition fires on its own thread at once (the run's thread partition 0's); a marker
  // after its rows tells it to, and the queue's release makes fire_w_ visible to it. The run's
  // thread then emits their rows merged into one thread's order (a left row's matches are all
  // in its partition, one after the other).
  fire_w_[0] = watermark_[0];
  fire_w_[1] = watermark_[1];
  parts_.mark_others(kFire, 0, /*hand_over=*/true);
  fire_partition(parts_[0]);
  parts_.wait_others();
  parts_.emit_fired(out_packer_, [this](const uint8_t* row) { kernels_.emit(ctx_, row); });
  next_fire_ = INT64_MAX;
  held_ = 0;
  for (const auto& part : parts_.all()) {
    next_fire_ = std::min(next_fire_, part->join.next_fire());
    held_ += part->join.stats().buffered;
  }
  if (trial_.phase() == PartitionTrial::Phase::Probing) step();
}

void PartitionedWindowJoin::fire_partition(Partition& part) const {
  part.clear_fired();
  part.join.advance_ports(fire_w_, 2);  // its emits: capture()
}

void PartitionedWindowJoin::capture(ExecContext* ctx, const uint8_t* row) {
  auto* c = static_cast<decltype(Partition::ctx)*>(ctx);
  Partition& part = *c->part;
  const Held& left = part.held[0][part.join.firing_left()];
  c->owner->out_packer_.append(part.fired, row, left.seq, part.window_index(left.start, left.end));
  ctx->scratch.reset();  // packed: the next pair's strings may reuse it
}

uint64_t PartitionedWindowJoin::rows_pushed() const {
  return rows_gathered_ + parts_.total_rows();
}

void PartitionedWindowJoin::step() {
  trial_.take_step([this] { return rows_pushed(); }, stats().rows_out, /*firings=*/true, [this] { gather_partitions(); },
                   [this] { split_partitions(); });
}

const OperatorStats& PartitionedWindowJoin::stats() const {
  if (single_) return single_->stats();
  parts_.drain();  // a run stopped early may leave rows in flight
  stats_ = restored_;
  stats_.buffered = stats_.peak_buffered = 0;  // the partitions hold what it held; the peak is counted here
  for (const auto& part : parts_.all()) add_partition_stats(stats_, part->join.stats());
  stats_.rows_in += dropped_late_;
  stats_.late_dropped += dropped_late_;
  stats_.peak_buffered = peak_;
  return stats_;
}

void PartitionedWindowJoin::merge_into(HostedWindowJoin& merged) const {
  parts_.drain();
  // Each side's held rows of every partition, in arrival order: one thread's held rows.
  struct Row {
    int64_t seq;
    const uint8_t* row;
  };
  std::vector<Row> rows;
  for (int port = 0; port < 2; ++port) {
    rows.clear();
    for (const auto& part : parts_.all())
      part->join.for_each_held(port, [&](uint32_t slot, const uint8_t* row) { rows.push_back({part->held[port][slot].seq, row}); });
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.seq < b.seq; });
    for (const Row& r : rows) merged.push(port, r.row);  // never late: its watermarks come after
  }
  merged.restore_progress(stats(), watermark_);
}

void PartitionedWindowJoin::deal_out(HostedWindowJoin& merged) {
  // In arrival order within each side (one thread's order of the window's rows); the arrival
  // numbers start again, which keeps that order.
  for (int port = 0; port < 2; ++port)
    merged.for_each_held(port, [&](uint32_t, const uint8_t* row) {
      bool has_key;
      hold(parts_[partition_of(port, row, &has_key)], port, row, seq_++, INT64_MIN);
    });
  restored_ = merged.stats();  // with the rows dropped here before
  dropped_late_ = 0;
  held_ = restored_.buffered;
  peak_ = restored_.peak_buffered;
  for (int p = 0; p < 2; ++p) watermark_[p] = merged.watermarks()[p];
  next_fire_ = INT64_MAX;
  for (const auto& part : parts_.all()) {
    part->join.restore_progress(OperatorStats{}, watermark_);
    next_fire_ = std::min(next_fire_, part->join.next_fire());
  }
}

}  // namespace vlac::rt
