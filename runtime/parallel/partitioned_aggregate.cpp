#include "runtime/parallel/partitioned_aggregate.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace vlac::rt {
namespace {

// A batch is handed over when it holds this many rows or bytes: big enough that the queue's
// synchronisation is rare, small enough that a partition starts soon.
constexpr uint32_t kBatchRows = 512;
constexpr size_t kBatchBytes = 256 * 1024;

// Each firing waits for every partition, a round trip between threads. An operator whose first
// kProbeFirings firings came less than kRowsPerFiring rows apart on average (short windows, few
// keys: the §1 program fires every 240 rows) is gathered back onto the run's thread, where it
// runs as on one thread: the same rows either way, and waiting would cost more than the
// partitions save.
constexpr uint64_t kProbeFirings = 16;
constexpr uint64_t kRowsPerFiring = 65536;

void add(OperatorStats& to, const OperatorStats& s) {
  to.rows_in += s.rows_in;
  to.rows_out += s.rows_out;
  to.late_dropped += s.late_dropped;
  to.capacity_dropped += s.capacity_dropped;
  to.windows_updated += s.windows_updated;
}

}  // namespace

uint64_t PartitionedWindowAggregate::default_gather_rows() {
  // The test hook VLAC_TEST_NEVER_GATHER keeps every operator in partitions, so that the tests
  // of small inputs run them partitioned to the end.
  return std::getenv("VLAC_TEST_NEVER_GATHER") ? 0 : kRowsPerFiring;
}

bool PartitionedWindowAggregate::can_partition(const WindowAggregateConfig& c) {
  const bool windows = c.mode == WindowMode::Tumble || c.mode == WindowMode::Hop || c.mode == WindowMode::Cumulate;
  const bool others = c.mode == WindowMode::Session || c.mode == WindowMode::EndOfInput;
  // A capacity counts groups and windows per operator: partitions would hold more than one
  // thread does, and drop other rows.
  return c.key_layout && c.key_size > 0 && !c.global && (windows || others) &&
         c.max_keys == UINT64_MAX && c.max_open_windows == UINT64_MAX;
}

PartitionedWindowAggregate::PartitionedWindowAggregate(ExecContext* ctx, const WindowAggregateConfig& config,
                                                       const WindowAggregateKernels& kernels, const RowLayout* in_layout,
                                                       int partitions, uint64_t gather_rows)
    : ctx_(ctx), config_(config), kernels_(kernels), packer_(in_layout), gather_rows_(gather_rows) {
  front_.init(ctx, config_, kernels_);
  front_.set_partitioned(this);
  keys_.init(config_.key_layout);
  for (int p = 0; p < partitions; ++p) {
    parts_.push_back(std::make_unique<Partition>());
    Partition& part = *parts_.back();
    part.op.init(p == 0 ? ctx_ : &part.ctx, config_, kernels_);  // partition 0: the run's thread
  }
  sliced_ = parts_[0]->op.sliced();
  for (size_t p = 1; p < parts_.size(); ++p) parts_[p]->thread = std::thread([this, part = parts_[p].get()] { work(*part); });
}

PartitionedWindowAggregate::~PartitionedWindowAggregate() { stop_threads(); }

void PartitionedWindowAggregate::work(Partition& part) {
  while (BatchQueue::Batch* batch = part.queue.take(stop_)) {
    uint8_t* at = batch->bytes.data();
    for (uint32_t i = 0; i < batch->rows; ++i) {
      uint8_t* row;
      int64_t seq, watermark;
      at = packer_.unpack(at, &row, &seq, &watermark);
      if (!row) {  // sliced: a slice another partition's row opened (its time in `watermark`)
        part.op.open_slice_of(watermark);
        continue;
      }
      part.ctx.scratch.reset();
      part.op.push_partitioned(row, seq, watermark);
    }
    part.queue.release();
  }
}

uint32_t PartitionedWindowAggregate::partition_of(const uint8_t* key) const {
  // GroupTable places a key by the top bits of the same hash: mixed again, so that the keys of
  // one partition still spread over its tables' slots.
  const uint64_t h = keys_.hash(key) * 0xD6E8FEB86659FD93ull;
  return static_cast<uint32_t>((h >> 32) % parts_.size());
}

void PartitionedWindowAggregate::push(const uint8_t* row) {
  if (single_) {
    ++rows_gathered_;
    return single_->push(row);
  }
  const int64_t seq = seq_++;
  // The key is computed by the run's own partition, which then needs it no more if it takes the row.
  const uint32_t p = partition_of(parts_[0]->op.key_of(row));
  Partition& part = *parts_[p];
  // The earliest window the row opens lowers the next firing (a late window opens nothing); a
  // session it opens or extends ends no earlier than its time plus the gap.
  if (config_.mode != WindowMode::EndOfInput) {
    int64_t t;
    std::memcpy(&t, row + config_.time_offset, sizeof t);
    auto lower = [&](int64_t, int64_t end) {
      if (end > watermark_ && end < next_fire_) next_fire_ = end;
    };
    if (config_.mode == WindowMode::Session) lower(t, sat_add(t, config_.gap));
    else for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset, lower);
  }
  if (sliced_) open_slice_everywhere(row);
  ++part.rows;
  if (p == 0) return part.op.push_partitioned(row, seq, watermark_, /*key_computed=*/true);
  packer_.append(filling(part).bytes, row, seq, watermark_);
  added(part);
}

BatchQueue::Batch& PartitionedWindowAggregate::filling(Partition& part) {
  if (!part.filling) part.filling = &part.queue.open();
  return *part.filling;
}

void PartitionedWindowAggregate::added(Partition& part) {
  BatchQueue::Batch& batch = *part.filling;
  if (++batch.rows >= kBatchRows || batch.bytes.size() >= kBatchBytes) publish(part);
}

void PartitionedWindowAggregate::open_slice_everywhere(const uint8_t* row) {
  // One thread opens a slice with the first row that falls in it; every partition must open
  // it then too (slice_opened in runtime/ops/slice_fifo.h says why). Partition 0, the run's
  // thread's, holds every slice, so it tells whether the slice is new. Rows mostly fall in the
  // slice of the row before.
  int64_t t;
  std::memcpy(&t, row + config_.time_offset, sizeof t);
  if (t >= slice_start_ && t < slice_end_) return;
  HostedWindowAggregate& own = parts_[0]->op;
  if (own.late_for_all(t, watermark_)) return;  // dropped: opens nothing
  if (!own.has_slice_of(t)) {
    own.open_slice_of(t);
    for (size_t p = 1; p < parts_.size(); ++p) {
      packer_.append_marker(filling(*parts_[p]).bytes, t);
      added(*parts_[p]);
    }
  }
  own.slice_of(t, &slice_start_, &slice_end_);
}

void PartitionedWindowAggregate::publish(Partition& part) const {
  if (!part.filling) return;
  part.filling = nullptr;
  part.queue.publish();
}

void PartitionedWindowAggregate::drain() const {
  for (const auto& part : parts_) publish(*part);
  for (const auto& part : parts_) part->queue.wait_empty();
}

void PartitionedWindowAggregate::advance(int64_t w) {
  if (single_) return single_->advance(w);
  if (w <= watermark_) return;
  const int64_t before = watermark_;
  watermark_ = w;
  if (w < next_fire_) return;  // nothing ends yet: the usual case, no waiting
  drain();
  fire(before, w);
}

template <class F>
void PartitionedWindowAggregate::take_windows(int64_t until, F&& f) {
  for (;;) {
    bool any = false;
    int64_t start = 0, end = 0;
    for (const auto& part : parts_) {
      int64_t s, e;
      if (part->op.first_window(&s, &e) && e <= until && (!any || e < end || (e == end && s < start))) {
        any = true;
        start = s;
        end = e;
      }
    }
    if (!any) return;
    groups_.clear();
    for (const auto& part : parts_) {
      int64_t s, e;
      if (!part->op.first_window(&s, &e) || s != start || e != end) continue;
      const size_t from = groups_.size();
      part->op.for_each_group_of_first([&](const uint8_t* key, const uint8_t* acc, int64_t seq) { groups_.push_back({seq, key, acc}); });
      merge_run(from);
    }
    f(start, end, groups_);
    for (const auto& part : parts_) {
      int64_t s, e;
      if (part->op.first_window(&s, &e) && s == start && e == end) part->op.close_first_window();
    }
  }
}

void PartitionedWindowAggregate::merge_run(size_t from) {
  // A partition's groups come in arrival order (a table keeps them in the order they came)
  // but for a window combined from slices: sorted, then merged with the runs before, all are.
  auto by_seq = [](const Group& a, const Group& b) { return a.seq < b.seq; };
  if (!std::is_sorted(groups_.begin() + from, groups_.end(), by_seq)) std::sort(groups_.begin() + from, groups_.end(), by_seq);
  if (from == 0) return;
  // Into a buffer kept from firing to firing (std::inplace_merge would allocate one each time).
  merged_.resize(groups_.size());
  std::merge(groups_.begin(), groups_.begin() + from, groups_.begin() + from, groups_.end(), merged_.begin(), by_seq);
  groups_.swap(merged_);
}

void PartitionedWindowAggregate::fire_sliced(int64_t before, int64_t w) {
  // Every partition has the same slices, so partition 0 lists the windows to fire; each is
  // taken from every partition before the next (a partition's groups hold until then).
  due_.clear();
  parts_[0]->op.due_windows(before, w, [&](int64_t ws, int64_t we) { due_.push_back({ws, we}); });
  for (const auto& [ws, we] : due_) {
    groups_.clear();
    for (const auto& part : parts_) {
      const size_t from = groups_.size();
      part->op.take_window_groups(ws, we, [&](const uint8_t* key, const uint8_t* acc, int64_t seq) { groups_.push_back({seq, key, acc}); });
      merge_run(from);
    }
    for (const Group& g : groups_) front_.emit_group(g.key, g.acc, ws, we);
  }
}

void PartitionedWindowAggregate::fire(int64_t before, int64_t w) {
  if (config_.mode == WindowMode::Session) fire_sessions(w);
  else if (sliced_) fire_sliced(before, w);
  else
    take_windows(w, [&](int64_t start, int64_t end, const std::vector<Group>& groups) {
      for (const Group& g : groups) front_.emit_group(g.key, g.acc, start, end);
    });
  next_fire_ = INT64_MAX;
  for (const auto& part : parts_) {
    if (sliced_) part->op.sliced_fired_to(w);
    else part->op.fired_to(w);
    next_fire_ = std::min(next_fire_, part->op.next_fire());
  }
  uint64_t dealt = 0;  // in this run (a restored one counts from its snapshot)
  for (const auto& part : parts_) dealt += part->rows;
  if (++firings_ == kProbeFirings && dealt < gather_rows_ * kProbeFirings) gather();
}

void PartitionedWindowAggregate::fire_sessions(int64_t w) {
  // Every partition's due sessions, each partition's in firing order already: merged by
  // (end, start, first arrival), the order of one thread.
  sessions_.clear();
  auto fires_before = [](const DueSession& a, const DueSession& b) {
    if (a.end != b.end) return a.end < b.end;
    if (a.start != b.start) return a.start < b.start;
    return a.seq < b.seq;
  };
  for (const auto& part : parts_) {
    const size_t from = sessions_.size();
    part->op.take_due_sessions(w, [&](const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, int64_t seq) {
      sessions_.push_back({end, start, seq, key, acc});
    });
    if (from == 0) continue;
    merged_sessions_.resize(sessions_.size());
    std::merge(sessions_.begin(), sessions_.begin() + from, sessions_.begin() + from, sessions_.end(), merged_sessions_.begin(),
               fires_before);
    sessions_.swap(merged_sessions_);
  }
  for (const DueSession& s : sessions_) front_.emit_group(s.key, s.acc, s.start, s.end);
  for (const auto& part : parts_) part->op.retire_sessions(w);
}

void PartitionedWindowAggregate::gather() {
  auto single = std::make_unique<HostedWindowAggregate>();
  single->init(ctx_, config_, kernels_);
  merge_into(*single);
  rows_at_gathering_ = partition_rows();
  stop_threads();
  parts_.clear();
  single_ = std::move(single);  // last: until here, stats() and partition_rows() read the partitions
}

void PartitionedWindowAggregate::stop_threads() {
  stop_.store(true, std::memory_order_release);
  for (size_t p = 1; p < parts_.size(); ++p) {
    if (!parts_[p]->thread.joinable()) continue;
    parts_[p]->queue.signal();
    parts_[p]->thread.join();
  }
}

const OperatorStats& PartitionedWindowAggregate::stats() const {
  if (single_) return single_->stats();
  drain();  // a run stopped early may leave rows in flight
  stats_ = restored_;
  stats_.rows_out += front_.stats().rows_out;
  for (const auto& part : parts_) {
    part->op.refresh_stats();
    OperatorStats s = part->op.stats();
    s.rows_out = 0;
    add(stats_, s);
  }
  return stats_;
}

std::vector<uint64_t> PartitionedWindowAggregate::partition_rows() const {
  if (single_) {
    std::vector<uint64_t> rows = rows_at_gathering_;
    rows[0] += rows_gathered_;  // the run's thread's partition takes every row once gathered
    return rows;
  }
  std::vector<uint64_t> rows;
  for (const auto& part : parts_) rows.push_back(part->rows);
  return rows;
}

void PartitionedWindowAggregate::merge_sliced_into(HostedWindowAggregate& merged) const {
  // Every partition has one thread's slices and FIFO with its own keys' groups: partition 0's
  // state, each of its tables then refilled with the groups of every partition's table in its
  // place, in first-arrival order (as one thread inserted them).
  std::vector<uint8_t> bytes;
  StateWriter w(&bytes);
  parts_[0]->op.save_state(w);
  StateReader r(bytes.data(), bytes.size());
  merged.load_state(r);  // the bytes of an operator of the same configuration
  std::vector<std::vector<GroupTable*>> tables(parts_.size());
  for (size_t p = 0; p < parts_.size(); ++p) parts_[p]->op.for_each_sliced_table([&](GroupTable& t) { tables[p].push_back(&t); });
  size_t i = 0;
  std::vector<Group> groups;
  merged.for_each_sliced_table([&](GroupTable& into) {
    groups.clear();
    for (const auto& part_tables : tables)
      for (uint32_t g = 0; g < part_tables[i]->size(); ++g) {
        const uint8_t* acc = part_tables[i]->acc(g);
        groups.push_back({parts_[0]->op.group_first_seq(acc), part_tables[i]->key(g), acc});
      }
    std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.seq < b.seq; });
    into.clear();
    for (const Group& g : groups) merged.copy_group_into(into, g.key, g.acc);
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
    HostedWindowAggregate& op = parts_[p]->op;
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
  drain();
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
  for (const auto& part : parts_)
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
  for (const auto& part : parts_)
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
  if (!merged.load_state(r)) return false;
  bool fits = true;
  if (sliced_) split_sliced(merged);
  else merged.for_each_open_group([&](int64_t start, int64_t end, const uint8_t* key, const uint8_t* acc, int64_t) {
    fits &= parts_[partition_of(key)]->op.restore_group(start, end, key, acc);
  });
  merged.for_each_open_session([&](const uint8_t* key, int64_t start, int64_t end, int64_t seq, const uint8_t* acc) {
    fits &= parts_[partition_of(key)]->op.restore_session(key, start, end, seq, acc);
  });
  const HostedWindowAggregate::Progress progress = merged.progress();
  restored_ = progress.stats;
  watermark_ = progress.watermark;
  seq_ = progress.seq;
  next_fire_ = INT64_MAX;
  for (const auto& part : parts_) {
    part->op.fired_to(watermark_);
    next_fire_ = std::min(next_fire_, part->op.next_fire());
  }
  return fits;
}

}  // namespace vlac::rt
