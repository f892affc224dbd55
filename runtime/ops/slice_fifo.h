#pragma once
// How one reader of a slice store (runtime/ops/slice_store.h) combines the slices of the
// windows it fires: a two-stack FIFO of slice aggregates, so that a firing costs O(1)
// amortised merges per group instead of one per slice of the window. Header-only C++17; no
// heap but its tables' (hosted), none at all under fixed storage.
//
//   front  the slices [ws at the last rebuild, back_from) oldest first, each entry holding the
//          merge of its slice and every later front slice (a suffix);
//   back   the slices [back_from, back_to) merged into one table.
//
// A reader fires windows [ws, we) whose starts and ends never decrease. Firing one drops the
// front entries that start before ws; if the front is then empty, it is rebuilt from the
// store's slices in [ws, we) (newest first, each merged with the suffix after it) and the back
// emptied; else the slices in [back_to, we) are merged into the back. The window is then the
// oldest front suffix merged with the back. A slice enters the back at most once and the
// front at most once, so merges per firing are O(1) amortised per group.
//
// Tables are group tables whose accumulators carry, `seq_at` bytes in, the arrival number of
// the group's first row (8 bytes): a merge keeps the least. Merges always take the earlier
// slices as `into` and the later as `from`, as a merge in time order does.
//
// Late rows: a row may land in a slice the FIFO has already taken in (behind the watermark,
// but in a window still open). late_row() then applies it to the back, or to every front
// suffix that holds the slice; a slice the front should hold but does not (opened by that
// row after the rebuild) empties the FIFO, so the next firing rebuilds it. Entries that no
// window of the reader will use again (`live` false: the store may already have closed their
// slices) are never touched: they leave at the next firing.

#include <cstddef>
#include <cstdint>

#include "runtime/ops/container_state.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

/// A front entry: the slice starting at `start` merged with every later front slice.
template <class Table>
struct SliceSuffix {
  int64_t start;
  Table table;
};

/// Entries: a vector of SliceSuffix<Table> (std::vector or FixedVector: size, emplace_back,
/// operator[], clear) able to hold as many entries as the store holds slices.
template <class Table, class Entries>
class SliceFifo {
 public:
  /// max_keys: the most groups a table holds (hosted: the WITH limit; fixed tables hold their
  /// Dims' max_keys), so that both policies leave out the same groups.
  void init(const RowLayout* key_layout, uint32_t seq_at, uint64_t max_keys) {
    key_layout_ = key_layout;
    seq_at_ = seq_at;
    max_keys_ = max_keys;
    refused_ = 0;
    back_.init(key_layout, seq_at + 8, max_keys);
    entries_.clear();
    used_ = 0;
    invalidate();
  }

  /// Forgets everything: the next firing rebuilds the front from the store.
  void invalidate() {
    head_ = count_ = 0;
    back_.clear();
    back_from_ = back_to_ = INT64_MIN;
  }

  /// Brings the FIFO to window [ws, we), which holds at least one of `slices`' slices (an
  /// OpenWindows: for_each_from), and calls emit(groups, in_order) with its groups: a front
  /// table, `scratch` holding the oldest front suffix merged with the back, or (in_order true:
  /// already in first-appearance order) the window's only slice. merge(into, from, arena)
  /// merges accumulators.
  template <class Slices, class Merge, class Emit>
  void fire(int64_t ws, int64_t we, Slices* slices, Table& scratch, Merge&& merge, Emit&& emit) {
    while (head_ < count_ && entries_[head_].start < ws) ++head_;
    if (head_ == count_) {
      // A window of one slice (a TUMBLE sharing slices, a CUMULATE's first step, sparse rows)
      // is that slice: nothing to build. The next window rebuilds the front.
      int n = 0;
      slices->for_each_from(ws, [&](int64_t s, int64_t, auto*) { return s < ws || (s < we && ++n < 2); });
      if (n == 1) {
        invalidate();
        slices->for_each_from(ws, [&](int64_t s, int64_t, auto* slice) { return s < ws || (emit(*slice, true), false); });
        return;
      }
      rebuild(ws, we, slices, merge);
    } else {
      slices->for_each_from(back_to_, [&](int64_t s, int64_t, auto* slice) {
        if (s >= we) return false;
        if (s >= back_to_) merge_groups(back_, *slice, merge);
        return true;
      });
      back_to_ = we;
    }
    if (head_ == count_) return emit(back_, false);  // not reached: the window holds a slice
    Table& front = entries_[head_].table;
    if (back_.size() == 0) return emit(front, false);
    scratch.clear();
    merge_groups(scratch, front, merge);
    merge_groups(scratch, back_, merge);
    emit(scratch, false);
  }

  /// A row with key `key` and arrival `seq` was added to the slice starting at `start`.
  /// live(start): whether a window of this reader holding that slice is still to fire.
  /// update(acc, arena) applies the row to an accumulator.
  template <class Live, class Update>
  void late_row(int64_t start, const uint8_t* key, int64_t seq, Live&& live, Update&& update) {
    if (start >= back_to_ || !live(start)) return;  // not taken in yet (the usual case), or never used again
    if (start >= back_from_) {
      // A back holding a slice no window will use is rebuilt at the next firing: left alone.
      if (live(back_from_) && !add(back_, key, seq, update)) invalidate();
      return;
    }
    bool held = false;
    for (size_t i = head_; i < count_ && entries_[i].start <= start; ++i) {
      if (!live(entries_[i].start)) continue;
      if (!add(entries_[i].table, key, seq, update)) return invalidate();
      held = held || entries_[i].start == start;
    }
    if (!held) invalidate();  // a slice opened by this row after the front was built
  }

  /// Hosted `--threads` (runtime/parallel/partitioned_aggregate.h): the slice starting at
  /// `start` was opened by a row of another partition. The FIFO changes as late_row() would
  /// have changed it for that row here, so that every partition's FIFO keeps the shape of one
  /// thread's and merges each key's slices in the same order: a slice the front should hold but
  /// does not empties it (a row for a slice of the back only changes the back's values).
  template <class Live>
  void slice_opened(int64_t start, Live&& live) {
    if (start < back_to_ && start < back_from_ && live(start)) invalidate();
  }

  /// Calls f(table) for every table a window may read again (live(start) as for late_row):
  /// the front's entries, then the back. Hosted `--threads` merges and splits them by key.
  template <class Live, class F>
  void for_each_live_table(Live&& live, F&& f) {
    for (size_t i = head_; i < count_; ++i)
      if (live(entries_[i].start)) f(entries_[i].table);
    if (back_to_ != INT64_MIN && live(back_from_)) f(back_);
  }

  /// Groups left out of a full table since the last call (the operator counts them over
  /// capacity: a group refused by several tables of one firing counts once per table).
  uint64_t take_refused() {
    uint64_t n = refused_;
    refused_ = 0;
    return n;
  }

  /// Everything but the store's slices: the bounds and the tables. live(start) as for
  /// late_row: a table that no window will read again (a spent entry, or one whose slice no
  /// window of this reader uses any more, whose strings may be gone with the slice) is saved
  /// as its shape alone and loaded empty; it is cleared before it is read again.
  /// `acc_layout`: the accumulators' (the first arrival after it is plain bytes).
  template <class Live>
  void save(StateWriter& w, const RowLayout* acc_layout, Live&& live) const {
    w.u64(refused_);
    w.u64(used_);
    w.u64(head_);
    w.u64(count_);
    w.i64(back_from_);
    w.i64(back_to_);
    for (size_t i = 0; i < used_; ++i) {
      w.i64(entries_[i].start);
      save_table(w, entries_[i].table, acc_layout, i >= head_ && i < count_ && live(entries_[i].start));
    }
    save_table(w, back_, acc_layout, back_to_ != INT64_MIN && live(back_from_));
  }
  /// Into a FIFO init()ed with the same layout and capacity.
  bool load(StateReader& r, const RowLayout* acc_layout) {
    refused_ = r.u64();
    uint64_t used, head, count;
    // In save's order: used, head, count (head <= count <= used).
    if (!load_count(r, &used, r.remaining() / 8) || !load_count(r, &head, used) || !load_count(r, &count, used) || head > count) {
      r.fail();
      return false;
    }
    back_from_ = r.i64();
    back_to_ = r.i64();
    entries_.clear();
    entries_.resize(static_cast<size_t>(used));
    if (entries_.size() != used) r.fail();
    used_ = count_ = head_ = 0;
    for (size_t i = 0; r.ok() && i < used; ++i) {
      entries_[i].table.init(key_layout_, seq_at_ + 8, max_keys_);
      entries_[i].start = r.i64();
      load_table(r, entries_[i].table, acc_layout);
    }
    if (!r.ok() || !load_table(r, back_, acc_layout)) {
      init(key_layout_, seq_at_, max_keys_);
      r.fail();
      return false;
    }
    used_ = static_cast<size_t>(used);
    head_ = static_cast<size_t>(head);
    count_ = static_cast<size_t>(count);
    return true;
  }

  /// Merges `from`'s groups into `into` (`from` later in time), keeping the least first
  /// arrival. A group that a full table (max_keys) refuses is left out and counted.
  template <class Into, class From, class Merge>
  void merge_groups(Into& into, From& from, Merge&& merge) {
    for (uint32_t g = 0; g < from.size(); ++g) {
      bool inserted;
      uint32_t f = into.find_or_insert(from.key(g), &inserted);
      if (f == Into::kNone) {
        ++refused_;
        continue;
      }
      uint8_t* to = into.acc(f);
      const uint8_t* acc = from.acc(g);
      if (inserted) {
        __builtin_memcpy(to, acc, seq_at_ + 8);
        continue;
      }
      merge(to, acc, &into.arena());
      if (seq_of(acc) < seq_of(to)) __builtin_memcpy(to + seq_at_, acc + seq_at_, 8);
    }
  }

 private:
  template <class Slices, class Merge>
  void rebuild(int64_t ws, int64_t we, Slices* slices, Merge&& merge) {
    head_ = count_ = 0;
    slices->for_each_from(ws, [&](int64_t s, int64_t, auto* slice) {
      if (s >= we) return false;
      if (s < ws) return true;
      SliceSuffix<Table>& e = next_entry();
      e.start = s;
      merge_groups(e.table, *slice, merge);
      return true;
    });
    for (size_t i = count_; i-- > 1;) merge_groups(entries_[i - 1].table, entries_[i].table, merge);
    back_.clear();
    back_from_ = back_to_ = we;
  }

  /// The next front entry, empty (tables are kept and reused).
  SliceSuffix<Table>& next_entry() {
    if (count_ == used_) {
      entries_.emplace_back();
      entries_[used_++].table.init(key_layout_, seq_at_ + 8, max_keys_);
    }
    SliceSuffix<Table>& e = entries_[count_++];
    e.table.clear();
    return e;
  }

  static void save_table(StateWriter& w, const Table& t, const RowLayout* acc_layout, bool whole) {
    w.put(static_cast<uint8_t>(whole));
    if (whole) t.save(w, acc_layout);
    else t.save_shape(w);
  }
  static bool load_table(StateReader& r, Table& t, const RowLayout* acc_layout) {
    uint8_t whole = 2;
    r.get(&whole);
    if (whole > 1) r.fail();
    if (!r.ok()) return false;
    return whole ? t.load(r, acc_layout) : t.load_shape(r);
  }

  template <class Update>
  bool add(Table& t, const uint8_t* key, int64_t seq, Update&& update) {
    bool inserted;
    uint32_t g = t.find_or_insert(key, &inserted);
    if (g == Table::kNone) return false;
    if (inserted) __builtin_memcpy(t.acc(g) + seq_at_, &seq, 8);
    update(t.acc(g), &t.arena());
    return true;
  }

  int64_t seq_of(const uint8_t* acc) const {
    int64_t seq;
    __builtin_memcpy(&seq, acc + seq_at_, 8);
    return seq;
  }

  const RowLayout* key_layout_ = nullptr;
  uint32_t seq_at_ = 0;
  uint64_t max_keys_ = UINT64_MAX;
  uint64_t refused_ = 0;  // groups full tables left out, for take_refused()
  Entries entries_;
  size_t used_ = 0;              // entries_ made so far (their tables are reused)
  size_t head_ = 0, count_ = 0;  // the front: entries_[head_, count_)
  Table back_;
  int64_t back_from_ = INT64_MIN, back_to_ = INT64_MIN;  // INT64_MIN: nothing taken in
};

}  // namespace vlac::rt
