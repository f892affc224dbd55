#include "runtime/parallel/partitioned_aggregate.h"

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <cstring>

#include "runtime/parallel/fired_groups.h"
#include "runtime/parallel/key_partition.h"
#include "runtime/parallel/trial.h"

namespace vlac::rt {
namespace {

// Each firing waits for every partition, a round trip between threads, and what partitions
// save is mostly a firing's work (combining slices, finalizing), which grows with its groups:
// dealing rows out costs the run's thread about what a row's update saves. So an operator is
// gathered back onto the run's thread at once, where it runs as on one thread (the same rows
// either way), when its first probe_steps firings came fewer than PartitionPolicy::gather_rows
// rows apart on average (short windows: the §1 program fires every 240 rows) or emitted fewer
// than gather_rows_out rows each (few keys); otherwise the trial (step()) decides. Measured:
// docs/benchmarks.md, "Threads".

// The markers of a partition's queue (PackedRows::append_marker): a slice to open (its value a
// time in it), and a firing (of the windows in due_, when sliced).
constexpr int64_t kOpenSlice = -1;
constexpr int64_t kFireWindows = -2;

}  // namespace

bool PartitionedWindowAggregate::can_partition(const WindowAggregateConfig& c) {
  const bool windows = c.mode == WindowMode::Tumble || c.mode == WindowMode::Hop || c.mode == WindowMode::Cumulate;
  const bool others = c.mode == WindowMode::Session || c.mode == WindowMode::EndOfInput;
  // A capacity counts groups and windows per operator: partitions would hold more than one
  // thread does, and drop other rows.
  return has_key(c.key_layout) && !c.global && (windows || others) &&
         c.max_keys == UINT64_MAX && c.max_open_windows == UINT64_MAX;
}

PartitionedWindowAggregate::PartitionedWindowAggregate(ExecContext* ctx, const WindowAggregateConfig& config,
                                                       const WindowAggregateKernels& kernels, const RowLayout* in_layout,
                                                       const RowLayout* out_layout, int partitions, const PartitionPolicy& policy)
    : ctx_(ctx), config_(config), kernels_(kernels), packer_(in_layout), out_packer_(out_layout), trial_(policy),
      partitions_(static_cast<size_t>(partitions)) {
  front_.init(ctx, config_, kernels_);
  front_.set_partitioned(this);
  keys_.init(config_.key_layout);
  sliced_ = front_.sliced();
  start_partitions(partitions_);
}

void PartitionedWindowAggregate::start_partitions(size_t n) {
  parts_.start(
      n, [this](Partition& part, size_t p) { part.op.init(p == 0 ? ctx_ : &part.ctx, config_, kernels_); },  // partition 0: the run's thread
      [this](Partition& part) { work(part); });
}

PartitionedWindowAggregate::~PartitionedWindowAggregate() { parts_.stop(); }

void PartitionedWindowAggregate::work(Partition& part) {
  while (BatchQueue::Batch* batch = parts_.take(part)) {
    uint8_t* at = batch->bytes.data();
    for (uint32_t i = 0; i < batch->rows; ++i) {
      uint8_t* row;
      int64_t seq, watermark;
      at = packer_.unpack(at, &row, &seq, &watermark);
      if (!row) {  // a marker: its kind in seq, its value in watermark
        if (seq == kOpenSlice) part.op.open_slice_of(watermark);  // another partition's row opened it
        else fire_partition(part, &part.ctx);
        continue;
      }
      part.ctx.scratch.reset();
      part.op.push_partitioned(row, seq, watermark);
    }
    part.queue.release();
  }
}

uint32_t PartitionedWindowAggregate::partition_of(const uint8_t* key) const {
  return key_partition(keys_.hash(key), parts_.size());
}

void PartitionedWindowAggregate::push(const uint8_t* row) {
  if (config_.mode == WindowMode::EndOfInput && trial_.phase() != PartitionTrial::Phase::Decided &&
      ++step_rows_ == trial_.policy().rows_per_step) {
    step_rows_ = 0;
    step();  // it fires only at the end: a step is so many rows
  }
  if (single_) {
    ++rows_gathered_;
    return single_->push(row);
  }
  const int64_t seq = seq_++;
  // The key is computed by the run's own partition, which then needs it no more if it takes the row.
  const uint8_t* key = parts_[0].op.key_of(row);
  const uint32_t p = partition_of(key);
  Partition& part = parts_[p];
  // The earliest window the row opens lowers the next firing (a late window opens nothing); a
  // session it opens or extends ends no earlier than its time plus the gap.
  if (config_.mode != WindowMode::EndOfInput) {
    int64_t t;
    std::memcpy(&t, row + config_.time_offset, sizeof t);
    if (dropped_late(row, t, key, part)) return;
    auto lower = [&](int64_t, int64_t end) {
      if (end > watermark_ && end < next_fire_) next_fire_ = end;
    };
    if (config_.mode == WindowMode::Session) lower(t, sat_add(t, config_.gap));
    else for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset, lower);
  }
  if (sliced_) open_slice_everywhere(row);
  ++part.rows;
  if (p == 0) return part.op.push_partitioned(row, seq, watermark_, /*key_computed=*/true);
  packer_.append(parts_.filling(part).bytes, row, seq, watermark_);
  parts_.added(part);
}

bool PartitionedWindowAggregate::dropped_late(const uint8_t* row, int64_t t, const uint8_t* key, const Partition& part) {
  if (config_.mode == WindowMode::Session) {
    // Rare (a row behind the watermark by more than the gap): the partition must have taken
    // every row before this one for its sessions to be one thread's.
    if (sat_add(t, config_.gap) > watermark_) return false;
    parts_.drain();
    if (!part.op.session_late(key, t, watermark_)) return false;
  } else if (t >= watermark_ || !parts_[0].op.late_for_all(t, watermark_)) {  // (its windows end after t)
    return false;
  }
  ++parts_[0].rows;  // as a partitioned join counts its late rows
  late_.drop(&dropped_late_, 0, row, watermark_);
  return true;
}

bool PartitionedWindowAggregate::set_late_rows(const LateRows& late) {
  late_ = late;
  if (single_) single_->set_late_rows(late);
  return true;
}

void PartitionedWindowAggregate::open_slice_everywhere(const uint8_t* row) {
  // One thread opens a slice with the first row that falls in it; every partition must open
  // it then too (slice_opened in runtime/ops/slice_fifo.h says why). Partition 0, the run's
  // thread's, holds every slice, so it tells whether the slice is new. Rows mostly fall in the
  // slice of the row before.
  int64_t t;
  std::memcpy(&t, row + config_.time_offset, sizeof t);
  if (t >= slice_start_ && t < slice_end_) return;
  HostedWindowAggregate& own = parts_[0].op;  // (a late row was dropped before: it opens nothing)
  if (!own.has_slice_of(t)) {
    own.open_slice_of(t);
    parts_.mark_others(kOpenSlice, t, /*hand_over=*/false);
  }
  own.slice_of(t, &slice_start_, &slice_end_);
}

void PartitionedWindowAggregate::advance(int64_t w) {
  if (single_) {
    if (trial_.phase() != PartitionTrial::Phase::TrialGathered || config_.mode == WindowMode::EndOfInput) return single_->advance(w);
    // A firing that emitted rows is a step of the trial (as one in partitions, which emits them).
    const uint64_t out = single_->stats().rows_out;
    single_->advance(w);
    if (single_->stats().rows_out != out) step();
    return;
  }
  if (w <= watermark_) return;
  const int64_t before = watermark_;
  watermark_ = w;
  if (w < next_fire_) return;  // nothing ends yet: the usual case, no waiting
  fire(before, w);
}

void PartitionedWindowAggregate::fire(int64_t before, int64_t w) {
  // Every partition fires on its own thread at once (the run's thread partition 0's): each
  // finalizes its due windows' groups (or sessions) into packed rows, in one thread's order
  // for its keys. A marker after its rows tells a partition to, and the queue's release makes
  // fire_to_ and due_ visible to it. The run's thread then emits all of them merged by (window
  // end, window start, first arrival): one thread's order (§5).
  fire_to_ = w;
  if (sliced_) {  // every partition has the same slices: partition 0 lists the windows
    due_.clear();
    parts_[0].op.due_windows(before, w, [&](int64_t ws, int64_t we) { due_.push_back({ws, we}); });
  }
  parts_.mark_others(kFireWindows, 0, /*hand_over=*/true);
  fire_partition(parts_[0], ctx_);
  parts_.wait_others();
  parts_.emit_fired(out_packer_, [this](const uint8_t* row) { front_.emit_finalized(row); });
  next_fire_ = INT64_MAX;
  for (const auto& part : parts_.all()) next_fire_ = std::min(next_fire_, part->op.next_fire());
  if (trial_.phase() == PartitionTrial::Phase::Probing && config_.mode != WindowMode::EndOfInput) step();
}

uint64_t PartitionedWindowAggregate::rows_pushed() const {
  return rows_gathered_ + parts_.total_rows();  // in this run (a restored one counts from its snapshot)
}

void PartitionedWindowAggregate::step() {
  // With windows the steps are its firings; without, so many rows.
  trial_.take_step([this] { return rows_pushed(); }, front_.stats().rows_out, config_.mode != WindowMode::EndOfInput, [this] { gather(); }, [this] { split(); });
}

void PartitionedWindowAggregate::fire_partition(Partition& part, ExecContext* ctx) const {
  part.clear_fired();
  part.out.resize(config_.out_size);
  // Finalizes a group of the last window in part.windows and packs it (with its strings).
  auto finalize = [&](const uint8_t* key, const uint8_t* acc, int64_t seq) {
    const FiredWindow& window = part.windows.back();
    part.op.finalize_group(key, acc, window.start, window.end, part.out.data());
    out_packer_.append(part.fired, part.out.data(), seq, static_cast<int64_t>(part.windows.size() - 1));
    if (ctx != ctx_) ctx->scratch.reset();  // packed (the run's scratch may hold its current row's strings)
  };
  if (sliced_) {
    for (const auto& [ws, we] : due_) {
      part.windows.push_back({we, ws});
      part.op.take_window_groups(ws, we, finalize);  // in first-arrival order
    }
    part.op.sliced_fired_to(fire_to_);
    return;
  }
  take_fired_groups(
      part.op, config_.mode == WindowMode::Session, fire_to_, part.groups,
      [&](int64_t start, int64_t end) { part.windows.push_back({end, start}); }, finalize);
}

void PartitionedWindowAggregate::gather() {
  auto single = std::make_unique<HostedWindowAggregate>();
  single->init(ctx_, config_, kernels_);
  merge_into(*single);
  single->set_late_rows(late_);
  parts_.clear();
  single_ = std::move(single);  // last: until here, stats() reads the partitions
}

void PartitionedWindowAggregate::split() {
  start_partitions(partitions_);
  deal_out(*single_);  // never full: a partitioned operator has no capacity limits
  // Its counters hold the rows emitted in partitions before, which front_ counts too.
  restored_.rows_out -= front_.stats().rows_out;
  // (The slice known to be open in every partition, slice_start_, still is: each has all of
  // single_'s slices, and one that single_ let go takes only late rows.)
  single_.reset();
}

const OperatorStats& PartitionedWindowAggregate::stats() const {
  if (single_) return single_->stats();
  parts_.drain();  // a run stopped early may leave rows in flight
  stats_ = restored_;
  stats_.rows_out += front_.stats().rows_out;
  stats_.rows_in += dropped_late_;
  stats_.late_dropped += dropped_late_;
  for (const auto& part : parts_.all()) {
    part->op.refresh_stats();
    OperatorStats s = part->op.stats();
    s.rows_out = 0;
    add_partition_stats(stats_, s);
  }
  return stats_;
}

std::vector<uint64_t> PartitionedWindowAggregate::partition_rows() const { return parts_.rows(); }

void PartitionedWindowAggregate::merge_sliced_into(HostedWindowAggregate& merged) const {
  // Every partition has one thread's slices and FIFO with its own keys' groups: partition 0's
  // state, each of its tables then refilled with the groups of every partition's table in its
  // place, in first-arrival order (as one thread inserted them).
  std::vector<uint8_t> bytes;
  StateWriter w(&bytes);
  parts_[0].op.save_state(w);
  StateReader r(bytes.data(), bytes.size());
  merged.load_state(r);  // the bytes of an operator of the same configuration
  std::vector<std::vector<GroupTable*>> tables(parts_.size());
  for (size_t p = 0; p < parts_.size(); ++p) parts_[p].op.for_each_sliced_table([&](GroupTable& t) { tables[p].push_back(&t); });
  size_t i = 0;
  std::vector<FiredGroup> groups;
  merged.for_each_sliced_table([&](GroupTable& into) {
    groups.clear();
    for (const auto& part_tables : tables)
      for (uint32_t g = 0; g < part_tables[i]->size(); ++g) {
        const uint8_t* acc = part_tables[i]->acc(g);
        groups.push_back({parts_[0].op.group_first_seq(acc), part_tables[i]->key(g), acc});
      }
    std::sort(groups.begin(), groups.end(), FiredGroup::arrived_before);
    into.clear();
    for (const FiredGroup& g : groups) merged.copy_group_into(into, g.key, g.acc);
    ++i;
  });
}

void PartitionedWindowAggregate::split_sliced(const HostedWindowAggregate& merged) {
  // Every partition takes one thread's state whole, then keeps its own keys' groups.
  std::vector<uint8_t> bytes;
  StateWriter w(&bytes);
  merged.save_state(w);
  GroupTable kept;
  for (size_t p = 0; p < parts_.size(); ++p) {
    HostedWindowAggregate& op = parts_[p].op;
    StateReader r(bytes.data(), bytes.size());
    op.load_state(r);
    op.reset_counters();
    op.for_each_sliced_table([&](GroupTable& table) {
      kept.init(config_.key_layout, config_.acc_size + 8, UINT64_MAX);  // a sliced group: its first arrival after it
      for (uint32_t g = 0; g < table.size(); ++g)
        if (partition_of(table.key(g)) == p) op.copy_group_into(kept, table.key(g), table.acc(g));
      table.clear();
      for (uint32_t g = 0; g < kept.size(); ++g) op.copy_group_into(table, kept.key(g), kept.acc(g));
      kept.clear();
    });
  }
}

void PartitionedWindowAggregate::merge_into(HostedWindowAggregate& merged) const {
  // The operator one thread would have: every partition's windows and groups, merged by
  // window and arrival (a group is inserted where it first appeared), then its counters.
  parts_.drain();
  if (sliced_) {
    merge_sliced_into(merged);
    return merged.restore_progress({stats(), watermark_, seq_});
  }
  struct Held {
    int64_t start, end, seq;
    const uint8_t* key;
    const uint8_t* acc;
  };
  std::vector<Held> held;
  for (const auto& part : parts_.all())
    part->op.for_each_open_group([&](int64_t start, int64_t end, const uint8_t* key, const uint8_t* acc, int64_t seq) {
      held.push_back({start, end, seq, key, acc});
    });
  std::sort(held.begin(), held.end(), [](const Held& a, const Held& b) {
    if (a.end != b.end) return a.end < b.end;
    if (a.start != b.start) return a.start < b.start;
    return a.seq < b.seq;
  });
  // Never full: a partitioned operator has no capacity limits (can_partition).
  for (const Held& h : held) merged.restore_group(h.start, h.end, h.key, h.acc);
  // SESSION: a key's sessions are all in one partition, in the order they opened there.
  for (const auto& part : parts_.all())
    part->op.for_each_open_session([&](const uint8_t* key, int64_t start, int64_t end, int64_t seq, const uint8_t* acc) {
      merged.restore_session(key, start, end, seq, acc);
    });
  merged.restore_progress({stats(), watermark_, seq_});
}

void PartitionedWindowAggregate::save_state(StateWriter& w) const {
  if (single_) return single_->save_state(w);
  HostedWindowAggregate merged;
  merged.init(ctx_, config_, kernels_);
  merge_into(merged);
  merged.save_state(w);
}

bool PartitionedWindowAggregate::load_state(StateReader& r) {
  HostedWindowAggregate merged;
  merged.init(ctx_, config_, kernels_);
  return merged.load_state(r) && deal_out(merged);
}

bool PartitionedWindowAggregate::deal_out(HostedWindowAggregate& merged) {
  bool fits = true;
  if (sliced_) split_sliced(merged);
  else merged.for_each_open_group([&](int64_t start, int64_t end, const uint8_t* key, const uint8_t* acc, int64_t) {
    fits &= parts_[partition_of(key)].op.restore_group(start, end, key, acc);
  });
  merged.for_each_open_session([&](const uint8_t* key, int64_t start, int64_t end, int64_t seq, const uint8_t* acc) {
    fits &= parts_[partition_of(key)].op.restore_session(key, start, end, seq, acc);
  });
  const HostedWindowAggregate::Progress progress = merged.progress();
  restored_ = progress.stats;  // with the rows dropped here before
  dropped_late_ = 0;
  watermark_ = progress.watermark;
  seq_ = progress.seq;
  next_fire_ = INT64_MAX;
  for (const auto& part : parts_.all()) {
    part->op.fired_to(watermark_);
    next_fire_ = std::min(next_fire_, part->op.next_fire());
  }
  return fits;
}

}  // namespace vlac::rt
