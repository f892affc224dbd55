#pragma once
// The windowed (or grouped) aggregate and the window table function (LANGUAGE.md §5), once for
// every backend. WindowAggregate assigns rows to windows and groups, keeps their accumulators,
// drops late rows, and fires windows in the order §5 prescribes; WindowAssign copies a row once
// per window it belongs to. Header-only C++17: no exceptions, RTTI or virtual calls, and no
// heap unless the storage policy has one (runtime/ops/storage.h).
//
// Kernel policy K: the per-row work on values, generated for the program. A struct of static
// functions (the C++ backend: inlined) or of function pointers (the JIT), called as k_.f(...):
//   void key(Ctx*, const uint8_t* in, uint8_t* key);           // key zeroed before
//   void update(Ctx*, uint8_t* acc, const uint8_t* in, int64_t time, int64_t seq, S::Arena*);
//   void merge(Ctx*, uint8_t* acc, const uint8_t* other, S::Arena*);   // SESSION merges
//   void finalize(Ctx*, const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out);
//   void emit(Ctx*, const uint8_t* row);
//
// Capacities: max_open_windows windows open at once (SESSION: open sessions per key), each
// with at most max_keys groups (SESSION: keys held at once; a key leaves when its last open
// session fires). A row that misses
// any of its windows because a window or group table is full is counted capacity_dropped (a
// HOP row may still be in its other windows); one whose windows have all fired, late_dropped.
// Fixed state: windowed max_open_windows * max_keys * (key + acc + ~12) bytes; sliced about
// (2 * max_open_windows + 2) * max_keys * (key + acc + ~20) (slices, FIFO suffixes, back and
// scratch: runtime/ops/slice_fifo.h); SESSION
// max_keys * (key + max_open_windows * (acc + 32) + ~70) bytes (Dims::session picks one).

#include <cstddef>
#include <cstdint>

#include "runtime/ops/container_state.h"
#include "runtime/ops/late_rows.h"
#include "runtime/ops/operator_stats.h"
#include "runtime/ops/slice_fifo.h"
#include "runtime/ops/slice_store.h"
#include "runtime/ops/sort.h"
#include "runtime/ops/storage.h"
#include "runtime/ops/window_math.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

struct WindowAggregateConfig {
  WindowMode mode = WindowMode::Tumble;  // which windows (EndOfInput: GROUP BY without a window)
  int64_t size = 0;          // TUMBLE/HOP size, CUMULATE max size (ns)
  int64_t slide = 0;         // HOP slide, CUMULATE step (ns)
  int64_t gap = 0;           // SESSION gap (ns)
  int64_t offset = 0;        // window alignment offset (ns)
  int64_t slice = 0;         // HOP/CUMULATE: > 0 computes windows from slices this long (below)
  int32_t time_offset = -1;  // byte offset of the INT64 event time in input rows; -1: arrival order
  bool global = false;       // EndOfInput with no keys: exactly one row even over no input
  uint32_t key_size = 0, acc_size = 0, out_size = 0;  // row sizes (bytes)
  const RowLayout* key_layout = nullptr;  // hosted: keys hold strings by reference
  const RowLayout* acc_layout = nullptr;  // hosted: accumulators too (MIN/MAX of strings); null: none
  uint64_t max_keys = UINT64_MAX;          // groups per window (SESSION: keys); hosted limits,
  uint64_t max_open_windows = UINT64_MAX;  // fixed storage takes both from its Dims
  // Hosted `--threads` (runtime/parallel/partitioned_aggregate.h): each group also keeps the
  // arrival number of its first row, as when sliced, so that partitions' groups merge in §5's order.
  bool first_seq = false;
};

/// Whether an operator so configured computes its windows from slices (fixed storage also
/// needs Dims sized for it).
constexpr bool computes_from_slices(const WindowAggregateConfig& c) {
  return c.slice > 0 && (c.mode == WindowMode::Tumble || c.mode == WindowMode::Hop || c.mode == WindowMode::Cumulate);
}

template <class Ctx, class K, class S>
class WindowAggregate {
  using D = typename S::Dims;
  using Arena = typename S::Arena;
  // Sliced, each group also keeps the arrival number of its first row (kSeqBytes after its
  // accumulator): a window's groups are emitted in the order they first appeared in it.
  static constexpr size_t kSeqBytes = 8;
  using Groups = typename S::template GroupTable<D::key_size, D::acc_size + (D::sliced ? kSeqBytes : 0), D::max_keys>;
  using FireGroups = typename S::template GroupTable<D::key_size, D::acc_size + kSeqBytes, (D::sliced ? D::max_keys : 1)>;
  // Sliced: how this operator combines the slices of its windows (runtime/ops/slice_fifo.h);
  // its front holds at most as many suffixes as the store holds slices.
  using Fifo = SliceFifo<FireGroups, typename S::template Vector<SliceSuffix<FireGroups>, (D::sliced ? D::max_open_windows : 0)>>;

 public:
  void init(Ctx* ctx, const WindowAggregateConfig& config, const K& kernels = K{}) {
    ctx_ = ctx;
    config_ = config;
    if (D::key_size) {  // fixed storage: its buffers have the Dims' sizes
      config_.key_size = static_cast<uint32_t>(D::key_size);
      config_.acc_size = static_cast<uint32_t>(D::acc_size);
      config_.out_size = static_cast<uint32_t>(D::out_size);
    }
    k_ = kernels;
    stats_ = OperatorStats{};
    watermark_ = INT64_MIN;
    next_fire_ = INT64_MAX;
    seq_ = 0;
    key_buf_.assign(config_.key_size, 0);
    acc_buf_.assign(config_.acc_size, 0);
    out_buf_.assign(config_.out_size, 0);
    // Fixed storage sizes its groups for slicing only when its Dims say so (the generator
    // writes both from one plan, so they agree).
    sliced_ = computes_from_slices(config_) && (D::key_size == 0 || D::sliced);
    group_acc_size_ = config_.acc_size + (sliced_ || config_.first_seq ? static_cast<uint32_t>(kSeqBytes) : 0);
    windows_.init(config_.key_layout, group_acc_size_, config_.max_open_windows, config_.max_keys);
    // A window's combined groups obey max_keys like a slice's (fixed tables hold max_keys).
    fire_.init(config_.key_layout, group_acc_size_, config_.max_keys);
    fifo_.init(config_.key_layout, config_.acc_size, config_.max_keys);
    fired_end_ = fired_start_ = INT64_MIN;
    own_store_.reset(&windows_);
    store_ = &own_store_;
    seen_opened_ = 0;
    reader_ = sliced_ ? store_->add_reader(slice_reader(), &fifo_) : -1;
    session_keys_.init(config_.key_layout, config_.max_keys);
    sessions_.init(config_.max_open_windows);
    session_due_.clear();
    last_groups_ = nullptr;
    forget_hot_slice();
    last_start_ = last_end_ = INT64_MIN;
    if (config_.mode == WindowMode::EndOfInput) windows_.open(INT64_MIN, INT64_MAX);
  }

  /// Adds one input row.
  void push(const uint8_t* row) {
    compute_key(row);
    push_keyed(row);
  }

  /// The input watermark is now w (INT64_MAX at end of input): fires what it completes.
  void advance(int64_t w) {
    if (w <= watermark_) return;
    const int64_t before = watermark_;
    watermark_ = w;
    if (sliced_) note_new_slices(before);
    if (w < next_fire_) {  // nothing completes yet: the usual case, one compare per row
      if (sliced_) {
        store_->readers[reader_].fired_to = w;
        sync_stats();
      }
      return;
    }
    if (config_.mode == WindowMode::Session) fire_sessions(w);
    else if (sliced_) fire_sliced(before, w);
    else fire_windows(w);
    recompute_next_fire();
  }
  void advance_ports(const int64_t* w, int) { advance(w[0]); }
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  const OperatorStats& stats() const { return stats_; }

  /// Its whole state (runtime/ops/state_io.h): counters, watermark and arrival numbers, the
  /// open windows or slices with their groups (strings by value), the slice store it owns and
  /// its own FIFO, the SESSION keys, sessions, hints and heap. Not saved: scratch buffers, the
  /// TUMBLE last-window cache (a lookup finds the same window) and the window-merging wiring,
  /// which construction makes (a reader of another's slices: the owner saves the store).
  void save_state(StateWriter& w) const {
    save_shape_of_config(w);
    w.put(stats_);
    w.i64(watermark_);
    w.i64(next_fire_);
    w.i64(seq_);
    w.i64(fired_end_);
    w.i64(fired_start_);
    w.u64(seen_opened_);
    windows_.save(w, config_.acc_layout);
    own_store_.save(w);
    // Only the FIFO's tables a window will read again: the others may hold strings of slices
    // the store has closed (they are saved as empty tables, never read before being reused).
    fifo_.save(w, config_.acc_layout, [this](int64_t start) { return store_->readers[reader_].live(start); });
    fire_.save_shape(w);
    session_keys_.save(w);
    sessions_.save(w, SessionState{config_.acc_size, config_.acc_layout, nullptr});
    hint_end_.save(w);
    session_due_.save(w);
  }
  /// Loads save_state's bytes into an operator init()ed (and wired) the same way; false when
  /// they are malformed or were saved by an operator of another configuration.
  bool load_state(StateReader& r) {
    last_groups_ = nullptr;
    forget_hot_slice();
    last_start_ = last_end_ = INT64_MIN;
    if (!load_shape_of_config(r)) return false;
    r.get(&stats_);
    watermark_ = r.i64();
    next_fire_ = r.i64();
    seq_ = r.i64();
    fired_end_ = r.i64();
    fired_start_ = r.i64();
    seen_opened_ = r.u64();
    return r.ok() && windows_.load(r, config_.acc_layout) && own_store_.load(r) && fifo_.load(r, config_.acc_layout) &&
           fire_.load_shape(r) && session_keys_.load(r) &&
           sessions_.load(r, SessionState{config_.acc_size, config_.acc_layout, &session_arena_}) && hint_end_.load(r) &&
           session_due_.load(r) && r.ok();
  }

  /// Window merging: the slice store this operator owns (the first of a shared group).
  using Store = SliceStore<typename S::template OpenWindows<Groups, (D::session ? 0 : D::max_open_windows)>, Fifo>;
  Store* slice_store() { return &own_store_; }
  /// Window merging: reads its windows from `owner`'s slices instead of its own, after init.
  /// It then receives no rows: the owner updates the slices once for every reader. False when
  /// the store has kMaxSliceReaders readers already or this operator is not sliced.
  bool read_slices_of(Store* owner) {
    if (!sliced_) return false;
    int r = owner->add_reader(slice_reader(), &fifo_);
    if (r < 0) return false;
    store_ = owner;
    reader_ = r;
    seen_opened_ = 0;
    forget_hot_slice();
    fifo_.invalidate();
    return true;
  }

  /// Sliced: the slice that time t falls in.
  void slice_of(int64_t t, int64_t* start, int64_t* end) const {
    const int64_t back = window_phase(t, config_.slice, config_.offset);
    *start = sat_sub(t, back);
    *end = sat_add(t, config_.slice - back);
  }

#if !defined(VLAC_FIRMWARE)  // hosted only: row layouts, threads, late rows
  /// `--late`: where this operator reports the rows it drops as late (a sliced reader's are
  /// dropped by the store's owner, which reports them through the reader's record).
  void set_late_rows(const LateRows& late) {
    late_ = late;
    if (sliced_ && reader_ >= 0) store_->readers[reader_].late = late;
  }

  /// Hosted `--threads`: the partitioned operator (runtime/parallel/partitioned_aggregate.h)
  /// that takes the rows pushed at this one, which the runtime's push function checks; null
  /// when this operator does its own work.
  void* partitioned() const { return partitioned_; }
  void set_partitioned(void* p) { partitioned_ = p; }
  /// Hosted `--threads`, a parser thread's copy in a dealt run (runtime/parallel/dealt_run.h):
  /// the rows pushed at it go to `dealer` (partitioned() returns it), which deals them out by key.
  void set_dealer(void* dealer) {
    partitioned_ = dealer;
    dealing_ = true;
  }
  bool dealing() const { return dealing_; }

  // ---- one partition of a partitioned operator (hosted `--threads`) ----------------------------
  // The partition's thread pushes rows with push_partitioned() and, when told to, fires its
  // windows or sessions through the rest, finalizing their groups without emitting them
  // (runtime/parallel/partitioned_aggregate.h). Sliced operators also take the slices other
  // partitions' rows open (open_slice_of(), below).

  /// Adds a row that arrived `seq`-th at the operator, whose watermark was then `watermark`
  /// (its windows up to there have been fired by the run's thread): late is decided as on one thread.
  /// `key_computed`: key_of(row) was the last call, so the key is known already.
  void push_partitioned(const uint8_t* row, int64_t seq, int64_t watermark, bool key_computed = false) {
    if (watermark > watermark_) watermark_ = watermark;
    seq_ = seq;
    if (!key_computed) compute_key(row);
    push_keyed(row);
  }
  /// The row's key, as push() computes it (valid until the next call).
  const uint8_t* key_of(const uint8_t* row) {
    compute_key(row);
    return key_buf_.data();
  }
  /// The open window that fires first; false when none is open.
  bool first_window(int64_t* start, int64_t* end) {
    Groups* groups;
    return windows_.first(start, end, &groups);
  }
  /// Calls f(key, acc, first arrival number) for each group of first_window() (config.first_seq).
  template <class F>
  void for_each_group_of_first(F&& f) {
    int64_t start, end;
    Groups* groups;
    if (!windows_.first(&start, &end, &groups)) return;
    for (uint32_t g = 0; g < groups->size(); ++g) f(groups->key(g), groups->acc(g), first_seq(groups->acc(g)));
  }
  /// Forgets first_window() once its groups are finalized.
  void close_first_window() {
    windows_.close_first();
    last_groups_ = nullptr;
    forget_hot_slice();
  }
  /// The windows ending at or before w have been fired: the watermark is now w.
  void fired_to(int64_t w) {
    if (w > watermark_) watermark_ = w;
    if (sliced_) {  // as advance() without a firing
      store_->readers[reader_].fired_to = watermark_;
      sync_stats();
    }
    recompute_next_fire();
  }
  /// The end of the earliest open window (INT64_MAX: none).
  int64_t next_fire() const { return next_fire_; }
  /// Finalizes one group of window [start, end) into `out` (out_size bytes, zeroed here)
  /// without emitting it: a partition's thread finalizes its groups itself.
  void finalize_group(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out) {
    __builtin_memset(out, 0, config_.out_size);
    k_.finalize(ctx_, key, acc, start, end, out);
  }
  /// Emits a row finalize_group() made (the partitioned operator's own instance, on the run's
  /// thread, in one thread's order).
  void emit_finalized(const uint8_t* out) {
    ++stats_.rows_out;
    k_.emit(ctx_, out);
  }

  /// SESSION: finds the sessions that end at or before w and calls f(key, acc, start, end,
  /// first arrival) for each in firing order (end, start, first arrival); retire_sessions(w)
  /// then forgets them.
  template <class F>
  void take_due_sessions(int64_t w, F&& f) {
    collect_due_sessions(w);
    for (size_t d = 0; d < due_.size(); ++d) {
      const Session& s = sessions_.at(due_[d].key, due_[d].index);
      f(session_keys_.key(due_[d].key), s.acc.data(), s.start, s.end, s.first_seq);
    }
  }
  /// Forgets the sessions take_due_sessions(w) gave, once they are finalized.
  void retire_sessions(int64_t w) { retire_due_sessions(w); }

  // The partitioned operator's checkpoints: its state merged into one operator, and dealt out.

  /// Calls f(start, end, key, acc, first arrival number) for every group of every open window,
  /// the windows in (end, start) order and each one's groups in the order they appeared.
  template <class F>
  void for_each_open_group(F&& f) {
    windows_.for_each_in_order([&](int64_t start, int64_t end, Groups* groups) {
      for (uint32_t g = 0; g < groups->size(); ++g) f(start, end, groups->key(g), groups->acc(g), first_seq(groups->acc(g)));
      return true;
    });
  }
  /// SESSION: calls f(key, start, end, first arrival, acc) for every open session, each key's
  /// sessions in the order they opened.
  template <class F>
  void for_each_open_session(F&& f) {
    for (uint32_t k = 0; k < session_keys_.high(); ++k)
      for (size_t i = 0; i < sessions_.size(k); ++i) {
        const Session& s = sessions_.at(k, i);
        f(session_keys_.key(k), s.start, s.end, s.first_seq, s.acc.data());
      }
  }
  /// What a partitioned operator's checkpoint keeps of this one besides its windows.
  struct Progress {
    OperatorStats stats;
    int64_t watermark, seq;
  };
  Progress progress() const {
    OperatorStats stats = stats_;
    if (sliced_) read_reader_counters(&stats);  // stats_ lags them
    return Progress{stats, watermark_, seq_};
  }
  /// Sets the counters, watermark and next arrival number of a restored (or merged) operator.
  void restore_progress(const Progress& p) {
    stats_ = p.stats;
    seq_ = p.seq;
    if (sliced_) {  // a sliced operator's row counters are its reader record's
      SliceReader& me = store_->readers[reader_];
      me.rows_in = p.stats.rows_in;
      me.late_dropped = p.stats.late_dropped;
      me.capacity_dropped = p.stats.capacity_dropped;
    }
    fired_to(p.watermark);
  }
  /// Zeroes the counters (a partition's share of a restored state: the partitioned operator
  /// keeps the snapshot's).
  void reset_counters() { restore_progress({OperatorStats{}, watermark_, seq_}); }
  /// Brings stats() up to date (a sliced operator's row counters are kept in its reader record).
  void refresh_stats() { sync_stats(); }

  // Sliced (HOP, CUMULATE) in partitions: every partition holds every slice one thread would
  // hold (its own rows open some, open_slice_of() the others), so that each partition's FIFO
  // has one thread's shape and merges each key's slices in one thread's order. Partitioned,
  // the run's thread lists the windows to fire from one partition (due_windows) and takes each
  // one's groups from every partition (take_window_groups), then sliced_fired_to(); dealt, each
  // partition lists its own (sliced_window_due, due_windows): they have the same slices.

  bool sliced() const { return sliced_; }
  /// TUMBLE, HOP, CUMULATE (sliced or not): whether a row at time t is late for every window by
  /// `watermark` (dropped as late; a sliced one opens no slice).
  bool late_for_all(int64_t t, int64_t watermark) const {
    if (sliced_) return store_->readers[reader_].last_end(t) <= watermark;
    const bool tumble = config_.mode == WindowMode::Tumble;  // a HOP whose slide is its size
    return last_window_end(tumble ? 1 : static_cast<int>(config_.mode), t, config_.size, tumble ? config_.size : config_.slide,
                           config_.offset) <= watermark;
  }
  /// SESSION: whether a row of `key` at time t is late by `watermark`: it overlaps none of the
  /// key's open sessions and its own would have fired (add_to_session's rule).
  bool session_late(const uint8_t* key, int64_t t, int64_t watermark) const {
    const int64_t end = sat_add(t, config_.gap);
    if (end > watermark) return false;
    const uint32_t k = session_keys_.find(key);
    return k == SessionKeys::kNone || first_overlap(k, t, end) == sessions_.size(k);
  }
  /// Whether the slice of time t is open.
  bool has_slice_of(int64_t t) {
    int64_t start, end;
    slice_of(t, &start, &end);
    return store_->slices->find(start, end) != nullptr;
  }
  /// Opens the slice of time t when it is not open (a row of another partition opened it on
  /// one thread), changing the FIFO as that row would have.
  void open_slice_of(int64_t t) {
    int64_t start, end;
    slice_of(t, &start, &end);
    if (store_->slices->find(start, end)) return;
    store_->slices->open(start, end);  // never full: a partitioned operator has no capacities
    ++store_->opened;
    const SliceReader& me = store_->readers[reader_];
    fifo_.slice_opened(start, [&me](int64_t s) { return me.live(s); });
  }
  /// Whether the watermark's move from `before` to w completes a window, counting the slices
  /// opened since the last call (a dealt partition fires on its own: runtime/parallel/dealt_run.h).
  bool sliced_window_due(int64_t before, int64_t w) {
    note_new_slices(before);
    return w >= next_fire_;
  }
  /// Calls f(ws, we) for each window that the watermark's move from `before` to w completes,
  /// in firing order.
  template <class F>
  void due_windows(int64_t before, int64_t w, F&& f) {
    for_each_due_sliced_window(before, w, f);
  }
  /// Calls f(key, acc, first arrival) for the groups of window [ws, we) (the next of
  /// due_windows), in the order they first appeared; the pointers hold until the next window.
  template <class F>
  void take_window_groups(int64_t ws, int64_t we, F&& f) {
    for_each_group_of_window(ws, we, [&](const uint8_t* key, const uint8_t* acc) { f(key, acc, first_seq(acc)); });
    fired_end_ = we;
    fired_start_ = ws;
  }
  /// The windows ending at or before w have been fired: closes the slices no window needs.
  void sliced_fired_to(int64_t w) {
    finish_sliced_firing(w);
    fired_to(w);
  }
  /// Calls f(table) for every table of its sliced state that a window may read again: the
  /// slices oldest first, then its FIFO's live tables (the partitioned operator merges and
  /// splits them by key; every partition has the same tables).
  template <class F>
  void for_each_sliced_table(F&& f) {
    windows_.for_each_in_order([&](int64_t, int64_t, Groups* g) {
      f(*g);
      return true;
    });
    const SliceReader& me = store_->readers[reader_];
    fifo_.for_each_live_table([&me](int64_t start) { return me.live(start); }, f);
  }
  /// Adds a copy of a group (key, accumulator with its first arrival, strings copied) to a
  /// table of for_each_sliced_table().
  template <class Table>
  void copy_group_into(Table& table, const uint8_t* key, const uint8_t* acc) {
    bool inserted;
    const uint32_t g = table.find_or_insert(key, &inserted);  // never full: no capacities
    __builtin_memcpy(table.acc(g), acc, group_acc_size_);
    own_acc_strings(table.acc(g), &table.arena());
  }
  /// The first arrival number kept after a group's accumulator.
  int64_t group_first_seq(const uint8_t* group_acc) const { return first_seq(group_acc); }
  /// Adds a group (its key, and its accumulator with the first arrival number after it) to
  /// window [start, end), opening it; the strings are copied. False when a table is full.
  bool restore_group(int64_t start, int64_t end, const uint8_t* key, const uint8_t* acc) {
    Groups* groups = windows_.find(start, end);
    if (!groups && !(groups = windows_.open(start, end))) return false;
    bool inserted;
    const uint32_t g = groups->find_or_insert(key, &inserted);
    if (g == Groups::kNone) return false;
    __builtin_memcpy(groups->acc(g), acc, group_acc_size_);
    own_acc_strings(groups->acc(g), &groups->arena());
    last_groups_ = nullptr;
    forget_hot_slice();
    return true;
  }
  /// SESSION: adds an open session of `key` after the key's others (strings copied). False
  /// when a table is full.
  bool restore_session(const uint8_t* key, int64_t start, int64_t end, int64_t first_seq, const uint8_t* acc) {
    bool inserted;
    const uint32_t k = session_keys_.find_or_insert(key, &inserted);
    if (k == SessionKeys::kNone) return false;
    sessions_.ensure(k);
    if (inserted) {
      hint_end_.ensure(static_cast<size_t>(k) + 1);
      hint_end_[k] = kNoHint;
    }
    Session* s = sessions_.push(k);
    if (!s) return false;
    s->start = start;
    s->end = end;
    s->first_seq = first_seq;
    s->acc.assign(config_.acc_size, 0);
    __builtin_memcpy(s->acc.data(), acc, config_.acc_size);
    own_acc_strings(s->acc.data(), &session_arena_);
    if (hint_end_[k] == kNoHint || end < hint_end_[k]) push_hint(k, end);
    return true;
  }
#endif

 private:
  /// The row's key in key_buf_ (compute_key: zeroed, then the key kernel's).
  void compute_key(const uint8_t* row) {
    clear_key();
    k_.key(ctx_, row, key_buf_.data());
  }
  /// Adds a row whose key is in key_buf_.
  void push_keyed(const uint8_t* row) {
    ++stats_.rows_in;
    int64_t seq = seq_++;
    int64_t t = seq;
    if (config_.time_offset >= 0) __builtin_memcpy(&t, row + config_.time_offset, sizeof t);
    if (config_.mode == WindowMode::Session) push_session(row, t, seq);
    else if (sliced_) push_sliced(row, t, seq);
    else push_windowed(row, t, seq);
  }
#if !defined(VLAC_FIRMWARE)
  /// Points the STRING fields of an accumulator copied from elsewhere at copies in `arena`.
  void own_acc_strings(uint8_t* acc, Arena* arena) {
    if (!config_.acc_layout) return;
    for (const Field& f : config_.acc_layout->fields) {
      if (f.type != FieldType::String || is_null(acc, f)) continue;
      StringRef text = get<StringRef>(acc, f);
      text.data = arena->copy(text.data, text.size);
      put(acc, f, text);
    }
  }
#endif
  struct Session {
    int64_t start, end, first_seq;
    typename S::template StateBytes<D::acc_size> acc;
  };
  /// How a session is saved: bounds, first arrival and accumulator (hosted strings by value,
  /// loaded into session_arena_).
  struct SessionState {
    uint32_t acc_size;
    const RowLayout* acc_layout;
    Arena* arena;  // where loaded strings go (null when saving)
    void save(StateWriter& w, const Session& s) const {
      w.i64(s.start);
      w.i64(s.end);
      w.i64(s.first_seq);
      save_row<Arena>(w, s.acc.data(), acc_size, acc_layout);
    }
    bool load(StateReader& r, Session& s) const {
      s.start = r.i64();
      s.end = r.i64();
      s.first_seq = r.i64();
      s.acc.assign(acc_size, 0);
      return load_row(r, s.acc.data(), acc_size, acc_layout, arena);
    }
  };
  /// What the state's layout depends on, checked on load.
  void save_shape_of_config(StateWriter& w) const {
    w.i64(static_cast<int64_t>(config_.mode));
    w.i64(config_.size);
    w.i64(config_.slide);
    w.i64(config_.gap);
    w.i64(config_.offset);
    w.i64(config_.slice);
    w.u64(config_.key_size);
    w.u64(config_.acc_size);
    w.u64(sliced_ ? 1 : 0);
  }
  bool load_shape_of_config(StateReader& r) {
    uint8_t buf[9 * 8];
    StateWriter w(buf, sizeof buf);
    save_shape_of_config(w);
    uint8_t theirs[sizeof buf];
    if (!r.bytes(theirs, sizeof theirs) || __builtin_memcmp(buf, theirs, sizeof buf) != 0) r.fail();
    return r.ok();
  }
  struct Due {  // a session to fire: key id and index in the key's list
    uint32_t key, index;
  };
  // SESSION: the key hint_end_[k] of the one current entry (time = hint, seq = slot = k) that
  // session_due_ holds for each key with open sessions; other entries are stale and skipped.
  // hint_end_[k] <= the end of every open session of k (ends only grow; a session that opens
  // earlier pushes a new entry), so the heap's top is never later than the next session end.
  static constexpr int64_t kNoHint = INT64_MIN;

  /// What adding a row to one window did.
  enum class Added { Ok, Late, Full };

  /// Adds the row to window [start, end), opening it when new.
  Added add_to_window(int64_t start, int64_t end, const uint8_t* row, int64_t t, int64_t seq) {
    if (end <= watermark_) return Added::Late;  // this window has fired: the row is late for it
    Groups* groups = last_groups_ && start == last_start_ && end == last_end_ ? last_groups_ : windows_.find(start, end);
    if (!groups) {
      groups = windows_.open(start, end);
      if (!groups) return Added::Full;
      if (end < next_fire_) next_fire_ = end;
    }
    last_start_ = start;
    last_end_ = end;
    last_groups_ = groups;
    bool inserted;
    uint32_t g = groups->find_or_insert(key_buf_.data(), &inserted);
    if (g == Groups::kNone) return Added::Full;
    if (inserted && config_.first_seq) __builtin_memcpy(groups->acc(g) + config_.acc_size, &seq, sizeof seq);
    k_.update(ctx_, groups->acc(g), row, t, seq, &groups->arena());
    ++stats_.windows_updated;
    return Added::Ok;
  }

  void push_windowed(const uint8_t* row, int64_t t, int64_t seq) {
    // TUMBLE: a row in the window the previous row used (the usual case) needs no division
    // and no lookup. Only an open window is remembered (firing forgets it).
    if (config_.mode == WindowMode::Tumble && last_groups_ && t >= last_start_ && t < last_end_) {
      const Added a = add_to_window(last_start_, last_end_, row, t, seq);
      return count_added(a == Added::Full, a == Added::Ok, row);
    }
    bool accepted = false, full = false;
    auto add = [&](int64_t start, int64_t end) {
      Added a = add_to_window(start, end, row, t, seq);
      full |= a == Added::Full;
      accepted |= a == Added::Ok;
    };
    if (config_.mode == WindowMode::EndOfInput) add(INT64_MIN, INT64_MAX);
    else for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset, add);
    count_added(full, accepted, row);
  }

  /// A row that lost a window to a full table is counted over capacity, even when other
  /// windows took it (HOP, CUMULATE): a drop is never silent. One late for all its windows is
  /// counted late.
  void count_added(bool full, bool accepted, const uint8_t* row) {
    if (full) ++stats_.capacity_dropped;
    else if (!accepted) late_.drop(&stats_.late_dropped, 0, row, watermark_);
  }

  void push_session(const uint8_t* row, int64_t t, int64_t seq) {
    const int64_t end = sat_add(t, config_.gap);  // clamped: a session ending at INT64_MAX fires at the end
    bool inserted;
    uint32_t k = session_keys_.find_or_insert(key_buf_.data(), &inserted);
    if (k == SessionKeys::kNone) {
      ++stats_.capacity_dropped;
      return;
    }
    sessions_.ensure(k);
    if (inserted) {
      hint_end_.ensure(static_cast<size_t>(k) + 1);
      hint_end_[k] = kNoHint;
    }
    add_to_session(k, row, t, end, seq);
    if (sessions_.size(k) == 0) session_keys_.remove(k);  // a new key whose row was dropped
  }

  void add_to_session(uint32_t k, const uint8_t* row, int64_t t, int64_t end, int64_t seq) {
    // Sessions [start, end) that the new event's [t, t + gap) overlaps merge with it: into the
    // first, the others from the last back.
    const size_t first = first_overlap(k, t, end);
    if (first == sessions_.size(k)) {
      if (end <= watermark_) {  // its own session would already have fired
        late_.drop(&stats_.late_dropped, 0, row, watermark_);
        return;
      }
      Session* s = sessions_.push(k);
      if (!s) {
        ++stats_.capacity_dropped;
        return;
      }
      s->start = t;
      s->end = end;
      s->first_seq = seq;
      s->acc.assign(config_.acc_size, 0);
      __builtin_memset(s->acc.data(), 0, config_.acc_size);
      k_.update(ctx_, s->acc.data(), row, t, seq, &session_arena_);
      ++stats_.windows_updated;
      if (hint_end_[k] == kNoHint || end < hint_end_[k]) push_hint(k, end);
      if (end < next_fire_) next_fire_ = end;
      return;
    }
    for (size_t h = sessions_.size(k); h-- > first + 1;) {
      Session& other = sessions_.at(k, h);
      if (!overlaps(other, t, end)) continue;
      Session& into = sessions_.at(k, first);
      k_.merge(ctx_, into.acc.data(), other.acc.data(), &session_arena_);
      into.start = into.start < other.start ? into.start : other.start;
      into.end = into.end > other.end ? into.end : other.end;
      into.first_seq = into.first_seq < other.first_seq ? into.first_seq : other.first_seq;
      sessions_.erase(k, h);
    }
    Session& into = sessions_.at(k, first);
    into.start = into.start < t ? into.start : t;
    into.end = into.end > end ? into.end : end;
    k_.update(ctx_, into.acc.data(), row, t, seq, &session_arena_);
    ++stats_.windows_updated;
  }

  /// Zeroes the key buffer before the key kernel fills it; the usual keys (up to 32 bytes) by
  /// plain stores instead of a memset call of a run-time size.
  void clear_key() {
    uint8_t* k = key_buf_.data();
    switch (config_.key_size) {
      case 8: __builtin_memset(k, 0, 8); break;
      case 16: __builtin_memset(k, 0, 16); break;
      case 24: __builtin_memset(k, 0, 24); break;
      case 32: __builtin_memset(k, 0, 32); break;
      default: __builtin_memset(k, 0, config_.key_size);
    }
  }

  /// Whether an event's [t, end) overlaps the session (ends clamped at INT64_MAX).
  static bool overlaps(const Session& s, int64_t t, int64_t end) { return before_end(s.start, end) && before_end(t, s.end); }
  /// The first of key k's sessions that an event's [t, end) overlaps; sessions_.size(k): none.
  size_t first_overlap(uint32_t k, int64_t t, int64_t end) const {
    for (size_t i = 0; i < sessions_.size(k); ++i)
      if (overlaps(sessions_.at(k, i), t, end)) return i;
    return sessions_.size(k);
  }

  void fire(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end) {
    __builtin_memset(out_buf_.data(), 0, config_.out_size);
    k_.finalize(ctx_, key, acc, start, end, out_buf_.data());
    ++stats_.rows_out;
    k_.emit(ctx_, out_buf_.data());
  }

  void fire_windows(int64_t w) {
    int64_t start, end;
    Groups* groups;
    while (windows_.first(&start, &end, &groups) && end <= w) {
      if (config_.mode == WindowMode::EndOfInput && config_.global && groups->size() == 0) {
        __builtin_memset(acc_buf_.data(), 0, config_.acc_size);
        __builtin_memset(key_buf_.data(), 0, config_.key_size);
        fire(key_buf_.data(), acc_buf_.data(), start, end);
      }
      for (uint32_t g = 0; g < groups->size(); ++g) fire(groups->key(g), groups->acc(g), start, end);
      windows_.close_first();
      last_groups_ = nullptr;
    }
  }

  // Window slicing (HOP, CUMULATE; TUMBLE too when it shares slices). The time axis is cut
  // into slices of config_.slice (HOP: gcd(size, slide); CUMULATE: the step; merged: the gcd
  // of all), aligned like the windows, so that every window is a run of whole slices. A row
  // updates the one slice it falls in; a window's firing combines its slices' groups (k_.merge,
  // in time order, through a two-stack FIFO of slice merges, runtime/ops/slice_fifo.h, so each
  // slice is merged O(1) times whatever the window's length) and emits them in the order the
  // keys first appeared in the window (the least first-row arrival number over its slices). A
  // slice lives until every window holding it has fired, so state follows slices, not windows:
  // HOP(1 us, 10 s) keeps one slice (and one FIFO entry) per microsecond that has rows. The
  // slices are in a SliceStore (runtime/ops/slice_store.h), this operator's own or, when window
  // merging shares one, its owner's.

  /// The reader record of this operator's windows in a slice store.
  SliceReader slice_reader() const {
    SliceReader r;
    r.kind = config_.mode == WindowMode::Cumulate ? 2 : 1;
    r.size = config_.size;
    r.slide = config_.mode == WindowMode::Tumble ? config_.size : config_.slide;
    r.offset = config_.offset;
#if !defined(VLAC_FIRMWARE)
    r.late = late_;
#endif
    return r;
  }

  void push_sliced(const uint8_t* row, int64_t t, int64_t seq) {
    // A row in the slice the row before went to (the usual case) needs no division and no
    // lookup: hot_ remembers it while no slice of the store has opened or closed since.
    const bool hot = t >= hot_.start && t < hot_.end && hot_.opened == store_->opened && hot_.closed == store_->closed;
    // Late for one reader when all its windows holding t have fired; dropped when late for all.
    bool wanted = false;
    for (int r = 0; r < store_->reader_count; ++r) {
      SliceReader& reader = store_->readers[r];
      ++reader.rows_in;
      if ((hot ? hot_.last_end[r] : reader.last_end(t)) <= watermark_) reader.late.drop(&reader.late_dropped, 0, row, watermark_);
      else wanted = true;
    }
    if (!wanted) return;
    Groups* slice = hot ? hot_.groups : nullptr;
    int64_t start = hot_.start;
    if (!slice) {
      int64_t end;
      slice_of(t, &start, &end);
      slice = store_->slices->find(start, end);
      if (!slice) {
        slice = store_->slices->open(start, end);
        if (!slice) return drop_over_capacity();
        ++store_->opened;
      }
      remember_hot_slice(start, end, slice, t);
    }
    bool inserted;
    uint32_t g = slice->find_or_insert(key_buf_.data(), &inserted);
    if (g == Groups::kNone) return drop_over_capacity();
    if (inserted) __builtin_memcpy(slice->acc(g) + config_.acc_size, &seq, sizeof seq);
    k_.update(ctx_, slice->acc(g), row, t, seq, &slice->arena());
    ++stats_.windows_updated;
    // A row behind the watermark may land in a slice that readers have merged already.
    store_->row_added(start, key_buf_.data(), seq, [&](uint8_t* acc, Arena* arena) { k_.update(ctx_, acc, row, t, seq, arena); });
  }

  void drop_over_capacity() {
    for (int r = 0; r < store_->reader_count; ++r) ++store_->readers[r].capacity_dropped;
  }

  /// Remembers the slice [start, end) that a row at time t went to. Every time in a slice has
  /// the same windows (a window is a run of whole slices), so the same last window end for each
  /// reader; a slice clamped at the ends of time is not remembered (its times need not).
  void remember_hot_slice(int64_t start, int64_t end, Groups* slice, int64_t t) {
    if (sat_sub(end, start) != config_.slice) return forget_hot_slice();
    hot_.start = start;
    hot_.end = end;
    hot_.groups = slice;
    hot_.opened = store_->opened;
    hot_.closed = store_->closed;
    for (int r = 0; r < store_->reader_count; ++r) hot_.last_end[r] = store_->readers[r].last_end(t);
  }
  void forget_hot_slice() {
    hot_.start = 1;  // holds no time
    hot_.end = 0;
    hot_.groups = nullptr;
  }

  /// This operator's counters: a sliced reader's row counts are kept by the store's owner.
  void sync_stats() {
    if (!sliced_ || reader_ < 0) return;
    read_reader_counters(&stats_);
  }
  /// A sliced reader's row counters, from the store's record of it.
  void read_reader_counters(OperatorStats* stats) const {
    const SliceReader& r = store_->readers[reader_];
    stats->rows_in = r.rows_in;
    stats->late_dropped = r.late_dropped;
    stats->capacity_dropped = r.capacity_dropped;
  }

  /// Fires this operator's windows that end in (before, w], in (end, start) order. All windows
  /// holding a slice fire before any window that does not hold it or an earlier slice (a later
  /// window starts, so ends, later), so the windows to fire are found slice by slice from the
  /// oldest, up to the first slice with a window still open.
  void fire_sliced(int64_t before, int64_t w) {
    for_each_due_sliced_window(before, w, [&](int64_t ws, int64_t we) { fire_window(ws, we); });
    finish_sliced_firing(w);
  }

  /// Calls f(ws, we) for each window of this operator that ends in (before, w], in (end,
  /// start) order, noting each as fired (fired_end_, fired_start_) once f returns.
  template <class F>
  void for_each_due_sliced_window(int64_t before, int64_t w, F&& f) {
    const SliceReader me = slice_reader();
    store_->slices->for_each_in_order([&](int64_t start, int64_t, Groups*) {
      for_each_window_after(me.kind, start, me.size, me.slide, me.offset, fired_floor(before), [&](int64_t ws, int64_t we) {
        if (we > w) return false;
        if (we == fired_end_ && ws <= fired_start_) return true;  // ends clamped to INT64_MAX tie
        f(ws, we);
        fired_end_ = we;
        fired_start_ = ws;
        return true;
      });
      return me.last_end(start) <= w;
    });
  }

  /// After the windows ending at or before w fired: closes the slices no window needs.
  void finish_sliced_firing(int64_t w) {
    store_->readers[reader_].fired_to = w;
    store_->template release<Groups>();
    sync_stats();
  }

  /// Windows ending at or before this have fired (or passed the watermark with no rows).
  int64_t fired_floor(int64_t before) const {
    int64_t floor = before;
    if (fired_end_ != INT64_MIN && fired_end_ - 1 > floor) floor = fired_end_ - 1;
    return floor;
  }

  /// Lowers next_fire_ to the windows of slices opened since it was last brought up to date
  /// (perhaps by the store's owner, or by open_slice_of()).
  void note_new_slices(int64_t before) {
    if (seen_opened_ == store_->opened) return;
    seen_opened_ = store_->opened;
    const int64_t next = next_sliced_end(before);
    if (next < next_fire_) next_fire_ = next;
  }

  /// The end of the next window of this operator to fire after `before`; INT64_MAX for none.
  int64_t next_sliced_end(int64_t before) {
    const SliceReader me = slice_reader();
    int64_t next = INT64_MAX;
    store_->slices->for_each_in_order([&](int64_t start, int64_t, Groups*) {
      for_each_window_after(me.kind, start, me.size, me.slide, me.offset, fired_floor(before), [&](int64_t ws, int64_t we) {
        if (we == fired_end_ && ws <= fired_start_) return true;
        next = we;
        return false;
      });
      return next == INT64_MAX;
    });
    return next;
  }

  /// Emits window [ws, we): its slices' groups combined (by this operator's SliceFifo, so in
  /// O(1) amortised merges per group), in the order the groups first appeared in the window.
  void fire_window(int64_t ws, int64_t we) {
    for_each_group_of_window(ws, we, [&](const uint8_t* key, const uint8_t* acc) { fire(key, acc, ws, we); });
  }

  /// Calls f(key, acc) for the groups of window [ws, we): its slices' groups combined (by this
  /// operator's SliceFifo), in the order they first appeared in the window. The pointers hold
  /// until the next window.
  template <class F>
  void for_each_group_of_window(int64_t ws, int64_t we, F&& f) {
    auto merge = [this](uint8_t* into, const uint8_t* from, Arena* arena) { k_.merge(ctx_, into, from, arena); };
    fifo_.fire(ws, we, store_->slices, fire_, merge, [&](auto& groups, bool in_order) {
      if (in_order) {
        for (uint32_t g = 0; g < groups.size(); ++g) f(groups.key(g), groups.acc(g));
        return;
      }
      sort_by_first_seq(groups);
      for (size_t i = 0; i < fire_order_.size(); ++i) {
        const uint32_t g = static_cast<uint32_t>(fire_order_[i]);
        f(groups.key(g), groups.acc(g));
      }
    });
    // Groups a combined table had no room for (more than max_keys across the window's
    // slices) are counted over capacity, never dropped silently.
    store_->readers[reader_].capacity_dropped += fifo_.take_refused();  // sync_stats() reports it
  }

  /// Fills fire_order_ with the groups of `groups` in first-arrival order (their low 32 bits).
  /// A combined table holds its slices' groups slice by slice, so it is rarely in order. Each
  /// group is sorted as one integer, (first arrival - the least) << 32 | its index, so that a
  /// comparison loads nothing from the table (comparing through it cost q5 a fifth of its run);
  /// a window whose arrivals span 2^32 or more (never, in practice) is sorted through the table.
  template <class Table>
  void sort_by_first_seq(Table& groups) {
    fire_order_.clear();
    const uint32_t n = groups.size();
    int64_t least = INT64_MAX, most = INT64_MIN;
    bool sorted = true;
    for (uint32_t g = 0; g < n; ++g) {
      const int64_t s = first_seq(groups.acc(g));
      sorted = sorted && s > most;
      least = s < least ? s : least;
      most = s > most ? s : most;
      fire_order_.push_back(g);
    }
    if (sorted) return;
    if (static_cast<uint64_t>(most) - static_cast<uint64_t>(least) < (uint64_t{1} << 32)) {
      for (uint32_t g = 0; g < n; ++g)
        fire_order_[g] |= (static_cast<uint64_t>(first_seq(groups.acc(g))) - static_cast<uint64_t>(least)) << 32;
      heap_sort(fire_order_.data(), fire_order_.size(), [](uint64_t a, uint64_t b) { return a < b; });
      return;
    }
    heap_sort(fire_order_.data(), fire_order_.size(), [&](uint64_t a, uint64_t b) {
      return first_seq(groups.acc(static_cast<uint32_t>(a))) < first_seq(groups.acc(static_cast<uint32_t>(b)));
    });
  }

  int64_t first_seq(const uint8_t* group_acc) const {
    int64_t seq;
    __builtin_memcpy(&seq, group_acc + config_.acc_size, sizeof seq);
    return seq;
  }

  void fire_sessions(int64_t w) {
    collect_due_sessions(w);
    for (size_t d = 0; d < due_.size(); ++d) {
      const Session& s = sessions_.at(due_[d].key, due_[d].index);
      fire(session_keys_.key(due_[d].key), s.acc.data(), s.start, s.end);
    }
    retire_due_sessions(w);
  }

  /// The sessions that end at or before w, into due_ in the order they fire.
  void collect_due_sessions(int64_t w) {
    // The keys with a session that ends at or before w: those whose current heap entry is due
    // (its hint is at most their sessions' ends). due_keys_ lists each once: its hint is
    // cleared as it is taken.
    due_keys_.clear();
    while (!session_due_.empty() && session_due_.top().time <= w) {
      const auto entry = session_due_.pop();
      if (hint_end_[entry.slot] != entry.time) continue;  // stale
      hint_end_[entry.slot] = kNoHint;
      due_keys_.push_back(entry.slot);
    }
    // Their sessions that end at or before w, by end, start, then first appearance (first_seq
    // is unique, so the order is total and does not depend on key ids).
    due_.clear();
    for (size_t d = 0; d < due_keys_.size(); ++d) {
      const uint32_t k = due_keys_[d];
      for (size_t i = 0; i < sessions_.size(k); ++i)
        if (sessions_.at(k, i).end <= w) due_.push_back(Due{k, static_cast<uint32_t>(i)});
    }
    heap_sort(due_.data(), due_.size(), [this](const Due& a, const Due& b) {
      const Session& x = sessions_.at(a.key, a.index);
      const Session& y = sessions_.at(b.key, b.index);
      if (x.end != y.end) return x.end < y.end;
      if (x.start != y.start) return x.start < y.start;
      return x.first_seq < y.first_seq;
    });
  }

  /// After the sessions of collect_due_sessions(w) fired: they leave; a key with none open
  /// leaves too, the others get a new heap entry.
  void retire_due_sessions(int64_t w) {
    for (size_t d = 0; d < due_keys_.size(); ++d) {
      const uint32_t k = due_keys_[d];
      int64_t next = INT64_MAX;
      for (size_t i = sessions_.size(k); i-- > 0;) {
        const int64_t end = sessions_.at(k, i).end;
        if (end <= w) sessions_.erase(k, i);
        else if (end < next) next = end;
      }
      if (sessions_.size(k) == 0) session_keys_.remove(k);
      else push_hint(k, next);
    }
  }

  /// Makes `end` key k's hint, with a heap entry for it. A full fixed heap (stale entries) is
  /// rebuilt from the hints, one entry per key held, which always fits.
  void push_hint(uint32_t k, int64_t end) {
    hint_end_[k] = end;
    if (session_due_.push({end, static_cast<int64_t>(k), k})) return;
    session_due_.clear();
    for (uint32_t id = 0; id < session_keys_.high(); ++id)
      if (sessions_.size(id) != 0 && hint_end_[id] != kNoHint) session_due_.push({hint_end_[id], static_cast<int64_t>(id), id});
  }

  void recompute_next_fire() {
    next_fire_ = INT64_MAX;
    if (config_.mode == WindowMode::Session) {
      while (!session_due_.empty() && hint_end_[session_due_.top().slot] != session_due_.top().time) session_due_.pop();
      if (!session_due_.empty()) next_fire_ = session_due_.top().time;
      return;
    }
    if (sliced_) {
      next_fire_ = next_sliced_end(watermark_);
      return;
    }
    int64_t start, end;
    Groups* groups;
    if (windows_.first(&start, &end, &groups)) next_fire_ = end;
  }

  using SessionKeys = typename S::template Keys<D::key_size, (D::session ? D::max_keys : 1)>;

  Ctx* ctx_ = nullptr;
#if !defined(VLAC_FIRMWARE)
  void* partitioned_ = nullptr;  // hosted --threads: see partitioned()
  bool dealing_ = false;         // partitioned_ is a dealt run's dealer (set_dealer)
  LateRows late_;                // hosted --late: see set_late_rows()
#else
  static constexpr LateRows late_{};
#endif
  WindowAggregateConfig config_;
  K k_;
  OperatorStats stats_;
  int64_t watermark_ = INT64_MIN;
  // The open window the last row went to (not sliced, not SESSION); null when none is known.
  int64_t last_start_ = INT64_MIN, last_end_ = INT64_MIN;
  Groups* last_groups_ = nullptr;
  // Sliced: the slice the last row went to, valid while the store's counts of opened and
  // closed slices are those seen then (push_sliced).
  struct HotSlice {
    int64_t start = 1, end = 0;  // none
    Groups* groups = nullptr;
    uint64_t opened = 0, closed = 0;
    int64_t last_end[kMaxSliceReaders] = {};  // each reader's last window holding the slice
  } hot_;
  int64_t next_fire_ = INT64_MAX;  // the earliest end of an open window: advance() returns below it
  int64_t seq_ = 0;
  bool sliced_ = false;
  uint32_t group_acc_size_ = 0;  // a group's accumulator, and its first arrival when sliced
  int64_t fired_end_ = INT64_MIN, fired_start_ = INT64_MIN;  // sliced: the last window fired
  Store own_store_;            // sliced: the slices in windows_ and who reads them
  Store* store_ = nullptr;     // sliced: own_store_, or the owner's when merged
  int reader_ = -1;            // sliced: this operator's reader index in *store_
  uint64_t seen_opened_ = 0;   // sliced: store_->opened when next_fire_ was last brought up to date
  Fifo fifo_;                    // sliced: the slices of this operator's windows, combined
  FireGroups fire_;              // sliced: the window being fired, when fifo_ combines two tables
  typename S::template Vector<uint64_t, (D::sliced ? D::max_keys : 0)> fire_order_;  // sliced: sort_by_first_seq
  typename S::template Bytes<D::key_size> key_buf_;
  typename S::template Bytes<D::acc_size> acc_buf_;
  typename S::template Bytes<D::out_size> out_buf_;
  // TUMBLE, HOP, CUMULATE and end-of-input: open windows, fired in (end, start) order.
  typename S::template OpenWindows<Groups, (D::session ? 0 : D::max_open_windows)> windows_;
  // SESSION: the keys held (those with open sessions; ids are reused), each key's open
  // sessions in the order they opened, and the keys by the earliest end of their sessions.
  SessionKeys session_keys_;
  typename S::template Lists<Session, (D::session ? D::max_keys : 0), D::max_open_windows> sessions_;
  typename S::template Array<int64_t, (D::session ? D::max_keys : 1)> hint_end_;
  typename S::template Heap<(D::session ? 2 * D::max_keys : 0)> session_due_;
  typename S::template Vector<uint32_t, (D::session ? D::max_keys : 0)> due_keys_;
  typename S::template Vector<Due, (D::session ? D::max_keys * D::max_open_windows : 0)> due_;
  Arena session_arena_;
};

struct WindowAssignConfig {
  WindowMode mode = WindowMode::Tumble;  // Tumble, Hop or Cumulate
  int64_t size = 0, slide = 0, offset = 0;  // as WindowAggregateConfig
  int32_t time_offset = 0;                  // byte offset of the INT64 event time in input rows
  uint32_t in_size = 0, out_size = 0;
  uint32_t window_start_offset = 0;  // of window_start in output rows (window_end +8, window_time +16)
};

/// A window table function whose rows are not aggregated: copies each row once per window it
/// belongs to, with window_start, window_end and window_time appended. K: emit only.
template <class Ctx, class K, class S>
class WindowAssign {
  using D = typename S::Dims;

 public:
  void init(Ctx* ctx, const WindowAssignConfig& config, const K& kernels = K{}) {
    ctx_ = ctx;
    config_ = config;
    if (D::out_size) config_.out_size = static_cast<uint32_t>(D::out_size);  // fixed storage
    k_ = kernels;
    stats_ = OperatorStats{};
    out_.assign(config_.out_size, 0);
  }

  void push(const uint8_t* row) {
    ++stats_.rows_in;
    int64_t t;
    __builtin_memcpy(&t, row + config_.time_offset, sizeof t);
    // The output row is the input row (same leading layout) followed by the window columns.
    uint8_t* out = out_.data();
    __builtin_memcpy(out, row, config_.in_size < config_.out_size ? config_.in_size : config_.out_size);
    for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset, [&](int64_t start, int64_t end) {
      int64_t time = end - 1;  // end > t >= INT64_MIN: no overflow
      __builtin_memcpy(out + config_.window_start_offset, &start, 8);
      __builtin_memcpy(out + config_.window_start_offset + 8, &end, 8);
      __builtin_memcpy(out + config_.window_start_offset + 16, &time, 8);
      ++stats_.rows_out;
      k_.emit(ctx_, out);
    });
  }
  void advance(int64_t) {}
  void advance_ports(const int64_t*, int) {}
  void set_late_rows(const LateRows&) {}  // never drops a row
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  const OperatorStats& stats() const { return stats_; }
  /// Its state is its counters: a row is copied out as it comes.
  void save_state(StateWriter& w) const { w.put(stats_); }
  bool load_state(StateReader& r) { return r.get(&stats_); }

 private:
  Ctx* ctx_ = nullptr;
  WindowAssignConfig config_;
  K k_;
  OperatorStats stats_;
  typename S::template Bytes<D::out_size> out_;
};

}  // namespace vlac::rt
