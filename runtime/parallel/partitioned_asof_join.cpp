#include "runtime/parallel/partitioned_asof_join.h"

#include <algorithm>
#include <cstring>

#include "runtime/parallel/key_partition.h"

namespace vlac::rt {
namespace {

using namespace join_rounds;

}  // namespace

bool PartitionedAsofJoin::can_partition(const JoinConfig& c) {
  return c.key_layout && c.key_size > 0 && c.max_keys == UINT64_MAX && c.max_buffered_rows == UINT64_MAX;
}

PartitionedAsofJoin::PartitionedAsofJoin(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels,
                                         const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : ctx_(ctx), config_(config), kernels_(kernels), out_packer_(out_layout), trial_(policy),
      partitions_(static_cast<size_t>(partitions)) {
  partition_kernels_ = kernels_;
  partition_kernels_.emit = &PartitionedAsofJoin::capture;
  front_.init(ctx_, config_, kernels_);
  front_.set_partitioned(this);
  keys_.init(config_.key_layout);
  key_.assign(config_.key_size, 0);
  in_packer_[0].init(config_.left_layout);
  in_packer_[1].init(config_.right_layout);
  start_partitions(partitions_);
}

PartitionedAsofJoin::~PartitionedAsofJoin() { parts_.stop(); }

void PartitionedAsofJoin::start_partitions(size_t n) {
  parts_.start(
      n,
      [this](Partition& part, size_t) {
        part.ctx.owner = this;
        part.ctx.part = &part;
        part.join.init(&part.ctx, config_, partition_kernels_);
        part.join.set_walks_keys(false);  // when the run's thread says (purge_keys())
      },
      [this](Partition& part) { work(part); });
}

void PartitionedAsofJoin::work(Partition& part) {
  while (BatchQueue::Batch* batch = parts_.take(part)) {
    uint8_t* at = batch->bytes.data();
    for (uint32_t i = 0; i < batch->rows; ++i) {
      int64_t tag;  // the arrival number times two plus the side, or a marker's kind
      std::memcpy(&tag, at, sizeof tag);
      const int port = tag < 0 ? 0 : static_cast<int>(tag & 1);
      uint8_t* row;
      int64_t value;
      at = in_packer_[port].unpack(at, &row, &tag, &value);
      if (!row) {  // a marker: its kind in tag
        if (tag == kPurgeKeys) part.join.purge_keys();
        else if (const int64_t* w = on_marker(part.watermarks, tag, value, round_w_)) part.join.advance_ports(w, 2);
        continue;
      }
      part.ctx.scratch.reset();
      join_in(part, port, row, tag >> 1);
    }
    part.queue.release();
  }
}

int64_t PartitionedAsofJoin::row_time(int port, const uint8_t* row) const {
  int64_t t;
  std::memcpy(&t, row + (port == 0 ? config_.left_time : config_.right_time), sizeof t);
  return t;
}

void PartitionedAsofJoin::join_in(Partition& part, int port, const uint8_t* row, int64_t seq) const {
  const int64_t t = row_time(port, row);
  const uint32_t slot = part.join.push_partitioned(port, row, t);
  if (slot == UINT32_MAX) return;  // a right row, or (never: no capacity) a left row not held
  if (part.left.size() <= slot) part.left.resize(std::max<size_t>(slot + 1, 2 * part.left.size()));
  part.left[slot] = Left{seq, t};
}

void PartitionedAsofJoin::capture(ExecContext* ctx, const uint8_t* row) {
  auto* c = static_cast<Context*>(ctx);
  Partition& part = *c->part;
  const Left& left = part.left[part.join.releasing_left()];
  c->owner->out_packer_.append(part.fired, row, left.seq, left.time);
  ctx->scratch.reset();  // packed: the next row's strings may reuse it
}

uint32_t PartitionedAsofJoin::partition_of(int port, const uint8_t* row, bool* has_key) {
  *has_key = front_.key_for_partition(port, row, key_.data());
  if (!*has_key) return 0;  // a NULL key matches nothing
  return key_partition(keys_.hash(key_.data()), parts_.size());
}

void PartitionedAsofJoin::push(int port, const uint8_t* row) {
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
  if (port == 1 && !has_key) return;  // a right row with a NULL key is never met
  if (p == 0) {
    part.ctx.scratch.reset();  // as a partition thread does before each row (a key may be a computed string)
    part.join.advance_ports(front_.watermarks(), 2);  // as one thread has by now
    return join_in(part, port, row, seq);
  }
  in_packer_[port].append(parts_.filling(part).bytes, row, 2 * seq + port, 0);
  parts_.added(part);
  after_row(parts_, part, front_.watermarks());
}

void PartitionedAsofJoin::advance(int64_t w) {
  const int64_t both[2] = {w, w};
  advance_ports(both, 2);
}

void PartitionedAsofJoin::advance_ports(const int64_t* w, int) {
  if (single_) {
    single_->advance_ports(w, 2);
    if (trial_.phase() == PartitionTrial::Phase::TrialGathered && pushed_ - step_start_ >= trial_.policy().rows_per_step) step();
    return;
  }
  const uint64_t purges = front_.key_purges();
  front_.advance_ports(w, 2);  // holds nothing: keeps the watermarks and counts the steps
  if (front_.key_purges() != purges) purge_keys();
  const int64_t* now = front_.watermarks();
  const bool end = now[0] == kEndOfInput && now[1] == kEndOfInput;
  if (end || static_cast<uint64_t>(seq_ - round_start_) >= trial_.policy().rows_per_round) end_round();
}

void PartitionedAsofJoin::purge_keys() {
  // Where one thread walks its keys: every partition does, after the watermarks one thread has.
  for (size_t p = 1; p < parts_.size(); ++p) {
    send_watermarks(parts_, parts_[p], front_.watermarks());
    PackedRows::append_marker(parts_.filling(parts_[p]).bytes, kPurgeKeys, 0);
    parts_.added(parts_[p]);
  }
  parts_[0].join.advance_ports(front_.watermarks(), 2);
  parts_[0].join.purge_keys();
}

void PartitionedAsofJoin::settle() {
  if (!single_) end_round();
}

void PartitionedAsofJoin::end_round() {
  // Every partition releases under the watermarks now, on its own thread (the run's thread
  // partition 0's); a marker after its rows tells it to, and the queue's release makes round_w_
  // visible to it. Then the run's thread emits the round's rows.
  round_w_[0] = front_.watermarks()[0];
  round_w_[1] = front_.watermarks()[1];
  parts_.mark_others(kRoundEnd, 0, /*hand_over=*/true);
  parts_[0].join.advance_ports(round_w_, 2);
  parts_.wait_others();
  merge_round();
  merged_w_ = std::min(round_w_[0], round_w_[1]);
  round_start_ = seq_;
  if (trial_.phase() == PartitionTrial::Phase::Probing && pushed_ - step_start_ >= trial_.policy().rows_per_step) step();
}

void PartitionedAsofJoin::merge_round() {
  auto next_row = [this](Partition& part) {
    if (part.next == part.fired.data() + part.fired.size()) part.row = nullptr;
    else part.next = out_packer_.unpack(part.next, &part.row, &part.seq, &part.window);  // window: the left row's time
  };
  for (const auto& part : parts_.all()) {
    part->next = part->fired.data();
    next_row(*part);
  }
  for (;;) {  // by (left time, left arrival): each partition's rows are in that order already
    Partition* first = nullptr;
    for (const auto& part : parts_.all())
      if (part->row && (!first || part->window < first->window || (part->window == first->window && part->seq < first->seq)))
        first = part.get();
    if (!first) break;
    kernels_.emit(ctx_, first->row);
    next_row(*first);
  }
  for (const auto& part : parts_.all()) part->fired.clear();
}

int64_t PartitionedAsofJoin::output_watermark(int64_t input_w) const {
  // Rows pushed since the last round may still come out: the watermark waits for the round.
  return single_ ? input_w : std::min(input_w, merged_w_);
}

void PartitionedAsofJoin::step() {
  step_start_ = pushed_;
  trial_.take_step([this] { return pushed_; }, stats().rows_out, /*firings=*/false, [this] { gather(); }, [this] { split(); });
}

std::vector<uint64_t> PartitionedAsofJoin::partition_rows() const { return parts_.rows(); }

const OperatorStats& PartitionedAsofJoin::stats() const {
  if (single_) return single_->stats();
  parts_.drain();  // a run stopped early may leave rows in flight
  stats_ = front_.stats();
  uint64_t peaks = 0;
  for (const auto& part : parts_.all()) {
    const OperatorStats& s = part->join.stats();
    stats_.rows_out += s.rows_out;
    stats_.buffered += s.buffered;
    peaks += s.peak_buffered;
  }
  stats_.peak_buffered = std::max(restored_peak_, peaks);
  return stats_;
}

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
  round_start_ = seq_;
  merged_w_ = std::min(merged.watermarks()[0], merged.watermarks()[1]);
}

void PartitionedAsofJoin::gather() {
  end_round();
  auto single = std::make_unique<HostedAsofJoin>();
  single->init(ctx_, config_, kernels_);
  merge_into(*single);
  parts_.clear();
  single_ = std::move(single);  // last: until here, stats() reads the partitions
}

void PartitionedAsofJoin::split() {
  start_partitions(partitions_);
  deal_out(*single_);
  single_.reset();
}

void PartitionedAsofJoin::save_state(StateWriter& w) const {
  if (single_) return single_->save_state(w);
  HostedAsofJoin merged;
  merged.init(ctx_, config_, kernels_);
  merge_into(merged);
  merged.save_state(w);
}

bool PartitionedAsofJoin::load_state(StateReader& r) {
  if (single_) return single_->load_state(r);
  HostedAsofJoin merged;
  merged.init(ctx_, config_, kernels_);
  if (!merged.load_state(r)) return false;
  deal_out(merged);  // into partitions that hold nothing yet: a snapshot is loaded before the run
  return true;
}

}  // namespace vlac::rt
