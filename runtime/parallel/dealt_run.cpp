#include "runtime/parallel/dealt_run.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "runtime/ops/window_math.h"
#include "runtime/parallel/partitioned_aggregate.h"
#include "runtime/scalar/time_math.h"

namespace vlac::rt {
namespace {

// The marker before a window's results: its start (the rows carry its end).
constexpr int64_t kWindowStart = -1;

// Set in DealtRun::published_ once no more chunks come.
constexpr uint64_t kEnded = uint64_t{1} << 63;

// A formatted result: [int64 seq][int64 place][uint32 bytes per output, padded to 8 bytes]; a
// marker as in PackedRows ([negative kind][int64 value]).
size_t formatted_entry_size(size_t outputs) { return 16 + ((4 * outputs + 7) & ~size_t{7}); }

}  // namespace

bool DealtAggregateOp::can_deal(const WindowAggregateConfig& c) {
  return PartitionedWindowAggregate::can_partition(c);
}

void DealtAggregateOp::window_end_grid(const WindowAggregateConfig& c, int64_t* grid, int64_t* phase) {
  *phase = c.offset;
  switch (c.mode) {
    case WindowMode::Tumble: *grid = c.size; break;
    // HOP: ends are starts (offset + k * slide) plus the size; CUMULATE: starts (offset + k *
    // size) plus j steps. Both lie on the grid of their gcd.
    case WindowMode::Hop:
    case WindowMode::Cumulate: *grid = std::gcd(c.size, c.slide); break;
    case WindowMode::EndOfInput: *grid = 0; break;
    // A session ends wherever its last row's time and the gap put it: every nanosecond is on
    // the grid, so every move of the watermark is a crossing (replay_ready() skips those that
    // fire nothing).
    case WindowMode::Session: *grid = 1; *phase = 0; break;
  }
}

bool DealtOverOp::can_deal(const OverConfig& c) {
  // A capacity counts the rows and partitions of the whole operator, which partitions could not keep.
  return has_key(c.key_layout) && c.max_keys == UINT64_MAX && c.max_buffered_rows == UINT64_MAX;
}

template <class Traits>
DealtRun<Traits>::DealtRun(ExecContext* ctx, const typename Traits::Config& config, const typename Traits::Kernels& kernels,
                           const RowLayout* in_layout, const RowLayout* out_layout, int partitions, const DealtSource& source,
                           const ParallelReader& reader, const DealtFormatting* formatting)
    : ctx_(ctx), config_(config), kernels_(kernels), source_(source), in_packer_(in_layout), out_packer_(out_layout) {
  if (formatting) writers_ = formatting->writers;
  if (source_.replay) Traits::window_end_grid(config_, &end_grid_, &end_phase_);
  front_.init(ctx_, config_, kernels_);
  typename Traits::Kernels own = kernels_;
  own.emit = pack_result;  // OVER emits its results as it releases rows: they are packed
  for (int p = 0; p < partitions; ++p) {
    parts_.push_back(std::make_unique<Partition>());
    Partition& part = *parts_.back();
    part.index = static_cast<size_t>(p);
    part.run = this;
    part.ctx.outputs = part.outputs;
    part.out_row.assign(out_layout->size, 0);
    for (size_t i = 0; i < writers_.size(); ++i) {
      part.formatters.push_back(formatting->make_formatter(i));
      part.formatter_outputs.push_back(part.formatters.back()->writer());
    }
    part.out.text.resize(writers_.size());
    part.text_at.assign(writers_.size(), 0);
    part.size_before.assign(writers_.size(), 0);
    part.no_operators.assign(std::max<size_t>(source_.operators, 1), nullptr);  // none after the operator
    part.pipeline_rows.assign(std::max<size_t>(source_.pipeline_counters, 1), 0);
    part.fctx.operators = part.no_operators.data();
    part.fctx.outputs = part.formatter_outputs.data();
    part.fctx.pipeline_rows = source_.pipeline_counters ? part.pipeline_rows.data() : nullptr;
  }
  // Everything that reads the configuration is made here: OVER's calls are the caller's.
  for (int w = 0; w < reader.parser_threads(); ++w) {
    dealers_.push_back(std::make_unique<KeyDealer<Op>>());
    KeyDealer<Op>& d = *dealers_.back();
    d.front.init(&d.ctx, config_, kernels_);
    d.front.set_dealer(&d);
    d.keys.init(Traits::key_layout(config_));
    d.slice_time_offset = Traits::slice_time_offset(config_);
    d.packer = &in_packer_;
    d.operators.assign(source_.operators, nullptr);
    d.operators[source_.op_id] = &d.front;
    // Without formatting no output is the source's (dealable()).
    const std::vector<bool> none;
    const std::vector<bool>& from_source = formatting ? formatting->from_source : none;
    d.source_rows.init(
        source_.outputs, [&](size_t i) { return i < from_source.size() && from_source[i]; },
        [&](size_t i) { return formatting->make_formatter(i); });
    d.pipeline_rows.assign(std::max<size_t>(source_.pipeline_counters, 1), 0);
    d.ctx.operators = d.operators.data();
    d.ctx.outputs = d.source_rows.outputs();
    d.ctx.pipeline_rows = source_.pipeline_counters ? d.pipeline_rows.data() : nullptr;
  }
  for (size_t s = 0; s < reader.chunk_slots(); ++s) {
    chunks_.push_back(std::make_unique<DealtChunk>());
    chunks_.back()->lists.resize(parts_.size());
  }
  // Each partition's state is made by its own thread, in that thread's heap: made here, it
  // would lie among what the parser threads write on every row (runtime/cache_lines.h). The threads
  // then wait for the first chunk.
  for (auto& part : parts_)
    part->thread = std::thread([this, p = part.get(), own] {
      p->op.init(&p->ctx, config_, own);
      if (source_.late.report) p->op.set_late_rows(LateRows{&DealtRun::keep_late, p});
      made_.fetch_add(1, std::memory_order_release);
      made_.notify_one();
      work(*p);
    });
  for (size_t n; (n = made_.load(std::memory_order_acquire)) < parts_.size();) made_.wait(n, std::memory_order_acquire);
}

template <class Traits>
DealtRun<Traits>::~DealtRun() {
  stop_partitions();
}

template <class Traits>
void DealtRun<Traits>::stop_partitions() {
  abort_.store(true, std::memory_order_release);
  published_.fetch_or(kEnded, std::memory_order_release);
  published_.notify_all();
  for (auto& part : parts_)
    if (part->thread.joinable()) part->thread.join();
}

template <class Traits>
int64_t DealtRun<Traits>::watermark_of(int64_t max_time) const {
  // As the engine: the watermark follows the largest event time of the rows before (§5).
  return source_.time_offset < 0 ? INT64_MIN : source_watermark(max_time, source_.bound_ns);
}

// ---- the parser threads ---------------------------------------------------------------------

template <class Traits>
void DealtRun<Traits>::begin_chunk(int worker, size_t slot) {
  KeyDealer<Op>& d = *dealers_[static_cast<size_t>(worker)];
  DealtChunk& c = *chunks_[slot];
  for (DealtList& list : c.lists) list.rows.clear();
  c.crossings.clear();
  d.source_rows.begin_chunk();
  d.chunk = &c;
  d.lists = c.lists.data();
  d.partitions = c.lists.size();
  d.seq = 0;
  d.max_before = INT64_MIN;
  d.slice_start = 1;  // no slice known to be announced in this chunk
  d.slice_end = 0;
  if (source_.replay) d.next_window_end = next_window_end_after(watermark_of(INT64_MIN));
}

template <class Traits>
void DealtRun<Traits>::row(int worker, size_t, const uint8_t* row) {
  KeyDealer<Op>& d = *dealers_[static_cast<size_t>(worker)];
  d.ctx.scratch.reset();
  source_.entry(&d.ctx, row);  // pushes at d.front, which deals the row out (KeyDealer::deal)
  if (source_.time_offset >= 0) {
    int64_t t;
    std::memcpy(&t, row + source_.time_offset, sizeof t);
    if (t > d.max_before) {  // after the row: its own time is not in its watermark
      if (source_.replay) {
        const int64_t w = watermark_of(t);
        if (w >= d.next_window_end) {  // the watermark passes a window end
          d.chunk->crossings.push_back({d.max_before, t, d.seq});
          d.next_window_end = next_window_end_after(w);
        }
      }
      d.max_before = t;
    }
  }
}

template <class Traits>
int64_t DealtRun<Traits>::next_window_end_after(int64_t w) const {
  if (end_grid_ == 0) return INT64_MAX;  // every window ends at the end of input
  // The end of the grid step holding w.
  const int64_t start = tumble_start(w, end_grid_, end_phase_);
  return start <= INT64_MAX - end_grid_ ? start + end_grid_ : INT64_MAX;
}

template <class Traits>
void DealtRun<Traits>::end_chunk(int worker, size_t) {
  KeyDealer<Op>& d = *dealers_[static_cast<size_t>(worker)];
  d.chunk->max_time = d.max_before;
  d.chunk->pushes = static_cast<uint64_t>(d.seq);
  d.source_rows.end_chunk(&d.chunk->source_bytes);
}

// ---- the partitions -------------------------------------------------------------------------

template <class Traits>
void DealtRun<Traits>::work(Partition& part) {
  const size_t slots = chunks_.size();
  for (uint64_t k = 0;; ++k) {
    uint64_t n = published_.load(std::memory_order_acquire);
    while ((n & ~kEnded) <= k && !(n & kEnded)) {
      published_.wait(n, std::memory_order_acquire);
      n = published_.load(std::memory_order_acquire);
    }
    if (abort_.load(std::memory_order_acquire)) return;
    if ((n & ~kEnded) <= k) {  // the end of input: every watermark reaches +inf
      advance(part, INT64_MAX);
      hand_over(part, INT64_MAX);
      return;
    }
    DealtChunk& c = *chunks_[k % slots];
    BatchQueue::Bytes& rows = c.lists[part.index].rows;
    uint8_t* at = rows.data();
    uint8_t* const end = at + rows.size();
    while (at < end) {
      uint8_t* row;
      int64_t seq, max_before;
      at = in_packer_.unpack(at, &row, &seq, &max_before);
      if (!row) {  // a marker (KeyDealer::announce_slice): its kind in seq, its value in max_before
        if (seq == KeyDealer<Op>::kMaxBefore) advance(part, watermark_of(std::max(c.base_max, max_before)));
        else open_slice(part, max_before);
        continue;
      }
      advance(part, watermark_of(std::max(c.base_max, max_before)));
      part.ctx.scratch.reset();
      part.seq = static_cast<int64_t>(c.base_seq) + seq;
      push(part, row, part.seq);
      ++part.rows;
    }
    advance(part, watermark_of(std::max(c.base_max, c.max_time)));  // after the chunk's last row
    hand_over(part, static_cast<int64_t>(c.base_seq + c.pushes));
    if (c.done.fetch_add(1, std::memory_order_acq_rel) + 1 == parts_.size()) {
      c.done.store(0, std::memory_order_relaxed);
      reader_->release_visited(k % slots);
    }
  }
}

template <>
void DealtRun<DealtAggregateOp>::push(Partition& part, uint8_t* row, int64_t seq) {
  part.op.push_partitioned(row, seq, part.watermark);
}

template <>
void DealtRun<DealtOverOp>::push(Partition& part, uint8_t* row, int64_t seq) {
  part.op.push_dealt(row, seq);
}

template <>
void DealtRun<DealtAggregateOp>::open_slice(Partition& part, int64_t t) {
  // As PartitionedWindowAggregate::open_slice_everywhere: a row late for every window opens none.
  if (!part.op.late_for_all(t, part.watermark)) part.op.open_slice_of(t);
}

template <>
void DealtRun<DealtOverOp>::open_slice(Partition&, int64_t) {}  // never announced

template <>
void DealtRun<DealtAggregateOp>::fire_sliced(Partition& part, int64_t before, int64_t w) {
  // Every partition has one thread's slices (announce_slice), so it lists the windows to fire
  // itself; firing them merges its keys' slices in one thread's order.
  if (!part.op.sliced_window_due(before, w)) return;  // the usual case
  part.due.clear();
  part.op.due_windows(before, w, [&](int64_t ws, int64_t we) { part.due.emplace_back(ws, we); });
  for (const auto& [ws, we] : part.due) {
    PackedRows::append_marker(part.out.entries, kWindowStart, ws);
    part.op.take_window_groups(ws, we, [&, ws = ws, we = we](const uint8_t* key, const uint8_t* acc, int64_t seq) {
      part.op.finalize_group(key, acc, ws, we, part.out_row.data());
      result(part, part.out_row.data(), seq, we);
      part.ctx.scratch.reset();  // packed or formatted
    });
  }
  part.op.sliced_fired_to(w);
}

template <>
void DealtRun<DealtOverOp>::fire_sliced(Partition&, int64_t, int64_t) {}  // OVER has no slices

template <>
void DealtRun<DealtAggregateOp>::advance(Partition& part, int64_t w) {
  if (w <= part.watermark) return;
  const int64_t before = part.watermark;
  part.watermark = w;
  if (part.op.sliced()) return fire_sliced(part, before, w);
  if (w < part.op.next_fire()) return;  // nothing ends yet: the usual case
  int64_t window_start = 0, window_end = 0;
  take_fired_groups(
      part.op, config_.mode == WindowMode::Session, w, part.groups,
      [&](int64_t start, int64_t end) {
        PackedRows::append_marker(part.out.entries, kWindowStart, start);
        window_start = start;
        window_end = end;
      },
      [&](const uint8_t* key, const uint8_t* acc, int64_t seq) {
        part.op.finalize_group(key, acc, window_start, window_end, part.out_row.data());
        result(part, part.out_row.data(), seq, window_end);
        part.ctx.scratch.reset();  // packed or formatted
      });
}

template <>
void DealtRun<DealtOverOp>::advance(Partition& part, int64_t w) {
  if (w <= part.watermark) return;
  part.watermark = w;
  part.op.advance(w);  // releases the rows before w through pack_result
  part.ctx.scratch.reset();
}

template <class Traits>
void DealtRun<Traits>::pack_result(ExecContext* ctx, const uint8_t* row) {
  auto& part = *static_cast<Partition*>(ctx->outputs[0]);
  if constexpr (std::is_same_v<Traits, DealtOverOp>) part.run->result(part, row, part.op.emitting_seq(), part.op.emitting_time());
}

template <class Traits>
void DealtRun<Traits>::result(Partition& part, const uint8_t* row, int64_t seq, int64_t place) {
  if (writers_.empty()) return out_packer_.append(part.out.entries, row, seq, place);
  // What one thread does with the result on the run's thread (the emit kernel: the pipelines
  // after the operator, into the outputs), here into the formatters; the bytes each output got
  // are the result's.
  const size_t outputs = writers_.size();
  for (size_t i = 0; i < outputs; ++i) part.size_before[i] = static_cast<uint32_t>(part.formatters[i]->bytes().size());
  part.fctx.scratch.reset();
  kernels_.emit(&part.fctx, row);
  uint8_t* entry = part.out.entries.grow(formatted_entry_size(outputs));
  std::memcpy(entry, &seq, 8);
  std::memcpy(entry + 8, &place, 8);
  for (size_t i = 0; i < outputs; ++i) {
    const uint32_t n = static_cast<uint32_t>(part.formatters[i]->bytes().size()) - part.size_before[i];
    std::memcpy(entry + 16 + 4 * i, &n, 4);
  }
}

template <class Traits>
void DealtRun<Traits>::keep_late(void* p, int, const uint8_t* row, int64_t watermark) {
  auto& part = *static_cast<Partition*>(p);
  part.run->in_packer_.append(part.late, row, part.seq, watermark);
}

template <class Traits>
void DealtRun<Traits>::hand_over(Partition& part, int64_t late_done) {
  {
    std::lock_guard<std::mutex> lock(part.mu);
    if (source_.late.report) {
      if (part.late.size() > 0) {
        part.handed_late.push_back(std::move(part.late));
        part.late = BatchQueue::Bytes();
      }
      part.late_done = late_done;
    }
    if (part.out.entries.size() == 0 && part.progress == part.watermark) return;
    if (part.out.entries.size() > 0) {
      for (size_t i = 0; i < part.formatters.size(); ++i) {
        part.out.text[i].assign(part.formatters[i]->bytes());  // keeps the string's capacity
        part.formatters[i]->clear();
      }
      part.handed.push_back(std::move(part.out));
      part.out = Results();
      part.out.text.resize(writers_.size());
      if (!part.spare.empty()) {
        part.out = std::move(part.spare.back());
        part.spare.pop_back();
        part.out.entries.clear();
      }
    }
    part.progress = part.watermark;
  }
  events_.fetch_add(1, std::memory_order_release);
  events_.notify_one();
}

// ---- the run's thread -----------------------------------------------------------------------

template <class Traits>
bool DealtRun<Traits>::run(ParallelReader& reader, RunStop* stop) {
  reader_ = &reader;
  reader.set_visitor(this);

  int64_t max_time = INT64_MIN;  // of the chunks published so far
  uint64_t pushes = 0;
  VisitedChunk chunk;
  while (reader.next_visited(&chunk)) {
    DealtChunk& c = *chunks_[chunk.slot];
    // The rows the source wrote to outputs of its own: the chunk's, in order (before the
    // partitions may release the slot).
    ChunkFormatters::write(c.source_bytes, writers_);
    c.base_max = max_time;
    c.base_seq = pushes;
    if (source_.replay) queue_crossings(c);  // before the partitions may release the slot
    max_time = std::max(max_time, c.max_time);
    pushes += c.pushes;
    published_.store(chunk.index + 1, std::memory_order_release);
    published_.notify_all();
    if (source_.replay) replay_ready(collect());
    else merge();  // reports the late rows too
    if (stop && stop->now()) {
      stop_partitions();
      return false;
    }
  }
  published_.fetch_or(kEnded, std::memory_order_release);
  published_.notify_all();
  for (;;) {
    const uint32_t seen = events_.load(std::memory_order_acquire);
    if (source_.replay) {
      const int64_t progress = collect();
      replay_ready(progress);
      if (progress == INT64_MAX) break;  // every partition finished: the end of input emits the rest
    } else if (merge()) {
      break;
    }
    if (stop && stop->now()) {
      stop_partitions();
      return false;
    }
    events_.wait(seen, std::memory_order_acquire);
  }
  if (source_.replay) {
    if (source_.late.report) report_late(INT64_MAX);  // every row came before the end of input
    // As on one thread, the rest is at the last row's watermark when the end of input fires what is left.
    source_.replay->raise_watermark(watermark_of(max_time));
    source_.replay->end_of_input();
  }
  for (auto& part : parts_) part->thread.join();
  return true;
}

template <class Traits>
void DealtRun<Traits>::queue_crossings(DealtChunk& c) {
  // The chunk's list is taken whole (the slot is reused once the partitions are done with it),
  // and an empty one of the same capacity left in its place.
  if (c.crossings.empty()) return;
  CrossingBatch& b = crossing_batches_.emplace_back();
  b.base_max = c.base_max;
  b.base_seq = static_cast<int64_t>(c.base_seq);
  b.list.swap(c.crossings);
  if (!spare_crossings_.empty()) {
    c.crossings.swap(spare_crossings_.back());
    spare_crossings_.pop_back();
  }
}

template <class Traits>
size_t DealtRun<Traits>::first_reaching(const CrossingBatch& b, int64_t target) const {
  // Galloping from b.at: the one sought is mostly the next (OVER fires at nearly every move).
  const auto below = [&](size_t i) { return b.watermark(b.list[i].after, *this) < target; };
  size_t lo = b.at;
  const size_t n = b.list.size();
  if (lo == n || !below(lo)) return lo;
  size_t step = 1, hi = lo + 1;
  while (hi < n && below(hi)) {  // below(lo) holds
    lo = hi;
    step *= 2;
    hi = std::min(n, lo + step);
  }
  while (hi - lo > 1) {  // below(lo), and hi == n or !below(hi)
    const size_t mid = lo + (hi - lo) / 2;
    (below(mid) ? lo : hi) = mid;
  }
  return hi;
}

template <class Traits>
void DealtRun<Traits>::replay_ready(int64_t progress) {
  // `--late`: one thread reports a late row as it arrives, so before the firings of the rows
  // after it, and the rest's (if it had any) as they come. Every partition has handed the late
  // rows of the chunks it fired past (hand_over), so up to a crossing's row once it is ready; a
  // chunk not yet queued starts after late_done_.
  //
  // A crossing that fires nothing need not be replayed: with no row between, the rest moves to
  // the next one's watermarks at once as it would in steps (rt::DealtRun says why). Where every
  // move of the watermark is a crossing (SESSION, OVER) most fire nothing, so the next that
  // fires is searched for (first_reaching): a chunk's crossings are in the order of their times.
  while (!crossing_batches_.empty()) {
    CrossingBatch& b = crossing_batches_.front();
    if (b.at == b.list.size()) {
      b.list.clear();
      spare_crossings_.push_back(std::move(b.list));
      crossing_batches_.pop_front();
      continue;
    }
    // The least watermark that may fire something: the next result's (past it, for OVER), and
    // no crossing past `progress` (a result up to it may not be handed over yet).
    int64_t target = progress == INT64_MAX ? INT64_MAX : progress + 1;
    if (const Partition* next = next_result())
      target = std::min(target, Traits::kStrict && next->head_place < INT64_MAX ? next->head_place + 1 : next->head_place);
    b.at = first_reaching(b, target);
    if (b.at == b.list.size()) continue;
    const DealtCrossing& x = b.list[b.at];
    const int64_t from = b.watermark(x.before, *this), to = b.watermark(x.after, *this);
    if (to > progress) break;  // not ready
    ++b.at;
    if (to <= from) continue;  // the chunks before had passed it
    if (source_.late.report) report_late(std::min(late_done_, b.base_seq + x.pushes));
    source_.replay->raise_watermark(from);  // where the rest stands when the firing's results come
    source_.replay->raise_watermark(to);    // the stand-in emits them (emit_until), then the rest moves on
  }
  if (source_.late.report) {
    int64_t bound = late_done_;
    if (!crossing_batches_.empty()) {
      const CrossingBatch& b = crossing_batches_.front();
      if (b.at < b.list.size()) bound = std::min(bound, b.base_seq + b.list[b.at].pushes);
    }
    report_late(bound);
  }
}

template <class Traits>
void DealtRun<Traits>::emit_until(int64_t w) {
  emit_merged(std::min(collect(), w));
}

template <class Traits>
void DealtRun<Traits>::emit(Partition& part) {
  ++emitted_;
  if (writers_.empty()) {
    if constexpr (std::is_same_v<Traits, DealtAggregateOp>) front_.emit_finalized(part.head);
    else kernels_.emit(ctx_, part.head);
    return;
  }
  // The head is in the first of the partition's results: its bytes are next in each output's text.
  Results& r = part.merging.front();
  for (size_t i = 0; i < writers_.size(); ++i) {
    uint32_t n;
    std::memcpy(&n, part.head + 4 * i, 4);
    if (n == 0) continue;
    writers_[i]->write_formatted(std::string_view(r.text[i]).substr(part.text_at[i], n));
    part.text_at[i] += n;
  }
}

template <class Traits>
bool DealtRun<Traits>::merge() {
  return emit_merged(collect());
}

template <class Traits>
int64_t DealtRun<Traits>::collect() {
  int64_t progress = INT64_MAX;  // every partition has handed over every result placed up to here
  int64_t late_done = INT64_MAX;  // ... and every late row arriving before this
  for (auto& part : parts_) {
    std::lock_guard<std::mutex> lock(part->mu);
    for (Results& b : part->handed) part->merging.push_back(std::move(b));
    part->handed.clear();
    progress = std::min(progress, part->progress);
    for (BatchQueue::Bytes& b : part->handed_late) part->merging_late.push_back(std::move(b));
    part->handed_late.clear();
    late_done = std::min(late_done, part->late_done);
  }
  late_done_ = late_done;
  if (source_.late.report && !source_.replay) report_late(late_done);  // else replay_ready() does, between the firings
  return progress;
}

template <class Traits>
typename DealtRun<Traits>::Partition* DealtRun<Traits>::next_result() {
  Partition* first = nullptr;
  for (auto& part : parts_) {
    if (!part->has_head && !load_head(*part)) continue;
    const Partition* f = first;
    if (!f || part->head_place < f->head_place ||
        (part->head_place == f->head_place &&
         (part->head_start < f->head_start || (part->head_start == f->head_start && part->head_seq < f->head_seq))))
      first = part.get();
  }
  return first;
}

template <class Traits>
bool DealtRun<Traits>::emit_merged(int64_t up_to) {
  for (;;) {
    Partition* first = next_result();
    // OVER's row at time t is out once the watermark is past t; a window ending at W once it is W.
    const bool out = first && (up_to == INT64_MAX || (Traits::kStrict ? first->head_place < up_to : first->head_place <= up_to));
    if (!out) return !first && up_to == INT64_MAX;
    emit(*first);
    first->has_head = false;
  }
}

template <class Traits>
void DealtRun<Traits>::report_late(int64_t done) {
  for (;;) {  // the least arrival of the partitions' heads, row by row (a partition's are in arrival order)
    Partition* first = nullptr;
    for (auto& part : parts_)
      if ((part->late_head || load_late(*part)) && (!first || part->late_seq < first->late_seq)) first = part.get();
    if (!first || first->late_seq >= done) return;
    source_.late.report(source_.late.user, 0, first->late_head, first->late_watermark);  // counted by the partition
    first->late_head = nullptr;
  }
}

template <class Traits>
bool DealtRun<Traits>::load_late(Partition& part) {
  while (!part.merging_late.empty()) {
    BatchQueue::Bytes& b = part.merging_late.front();
    if (part.late_at == b.size()) {
      part.merging_late.pop_front();
      part.late_at = 0;
      continue;
    }
    uint8_t* const next = in_packer_.unpack(b.data() + part.late_at, &part.late_head, &part.late_seq, &part.late_watermark);
    part.late_at = static_cast<size_t>(next - b.data());
    return true;
  }
  return false;
}

template <class Traits>
bool DealtRun<Traits>::load_head(Partition& part) {
  while (!part.merging.empty()) {
    Results& r = part.merging.front();
    BatchQueue::Bytes& b = r.entries;
    if (part.at == b.size()) {
      std::lock_guard<std::mutex> lock(part.mu);
      part.spare.push_back(std::move(r));
      part.merging.pop_front();
      part.at = 0;
      std::fill(part.text_at.begin(), part.text_at.end(), 0);
      continue;
    }
    uint8_t* row;
    int64_t seq, value;
    uint8_t* const entry = b.data() + part.at;
    uint8_t* next;
    if (writers_.empty()) {
      next = out_packer_.unpack(entry, &row, &seq, &value);
    } else {  // formatted: the row is its byte counts
      std::memcpy(&seq, entry, 8);
      std::memcpy(&value, entry + 8, 8);
      row = seq < 0 ? nullptr : entry + 16;
      next = entry + (seq < 0 ? 16 : formatted_entry_size(writers_.size()));
    }
    part.at = static_cast<size_t>(next - b.data());
    if (!row) {  // a window's start
      part.start = value;
      continue;
    }
    part.head = row;
    part.head_seq = seq;
    part.head_place = value;
    part.head_start = part.start;
    part.has_head = true;
    return true;
  }
  return false;
}

template <class Traits>
OperatorStats DealtRun<Traits>::stats() const {
  OperatorStats s;
  for (const auto& part : parts_) {
    if constexpr (std::is_same_v<Traits, DealtAggregateOp>) part->op.refresh_stats();  // sliced: kept by its slice store
    add_partition_stats(s, part->op.stats());
  }
  if constexpr (std::is_same_v<Traits, DealtAggregateOp>) s.rows_out = emitted_;
  return s;
}

template <class Traits>
std::vector<uint64_t> DealtRun<Traits>::partition_rows() const {
  std::vector<uint64_t> rows;
  for (const auto& part : parts_) rows.push_back(part->rows);
  return rows;
}

template <class Traits>
void DealtRun<Traits>::add_pipeline_rows(uint64_t* counters) const {
  for (const auto& d : dealers_)
    for (size_t i = 0; i < source_.pipeline_counters; ++i) counters[i] += d->pipeline_rows[i];
  for (const auto& part : parts_)  // the pipelines after the operator, when they ran there (formatting)
    for (size_t i = 0; i < source_.pipeline_counters; ++i) counters[i] += part->pipeline_rows[i];
}

template class DealtRun<DealtAggregateOp>;
template class DealtRun<DealtOverOp>;

}  // namespace vlac::rt
