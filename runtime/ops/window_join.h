#pragma once
// The window join (LANGUAGE.md §6): rows of equal windows (window_start, window_end) and keys
// are joined when the window fires, i.e. when both watermarks reach its end. Windows fire in
// (end, start) order; per window, left rows in arrival order, each with its right matches in
// arrival order (a LEFT join's unmatched left row alone, with NULLs). Each row's key is computed
// when it arrives and held in the key table, so that keys compare by id. Kernels, capacities and
// configuration: join_core.h.
//
// A firing takes each side's rows whose window ended out of its arrival list in one pass, sorts
// them stably by window, and joins window by window through per-key chains of the window's right
// rows: O(n log n) in the rows fired, not a scan of every held row per window nor of every right
// row per left row. The scratch lists are sized like the held rows (max_buffered_rows each).

#include "runtime/ops/join_core.h"
#include "runtime/ops/sort.h"

namespace vlac::rt {

/// Per key, while a window fires: its first right row in the window's chain (index + 1; 0 none).
struct WindowKeyChain {
  uint32_t chain;
};

template <class Ctx, class K, class S>
class WindowJoin : public JoinCore<Ctx, K, S, WindowKeyChain> {
  using Core = JoinCore<Ctx, K, S, WindowKeyChain>;
  using D = typename Core::D;
  using Core::config_;
  using Core::kNil;
  using Core::per_key_;
  using Core::watermark_;

 public:
  void init(Ctx* ctx, const JoinConfig& config, const K& kernels = K{}) {
    this->init_core(ctx, config, kernels);
    for (int p = 0; p < 2; ++p) order_[p].clear();
    next_end_ = INT64_MAX;
  }

  /// Takes a row of `port`; returns the slot it is held in, or kNil when it is not (late, or
  /// dropped for capacity).
  uint32_t push(int port, const uint8_t* row) {
    ++this->stats_.rows_in;
    const int64_t start = this->load_time(row, port == 0 ? config_.left_window_start : config_.right_window_start);
    const int64_t end = window_end(port, row);
    // Late when its window has fired: windows fire at the lower of the two watermarks (§5: an
    // operator with several inputs uses the minimum), so that, not the row's side's, decides.
    const int64_t fired = this->lower_watermark();
    if (end <= fired) {
      this->drop_late(port, row, fired);
      return kNil;
    }
    const uint32_t slot = this->add_row(port, row);
    if (slot == kNil) return kNil;
    uint32_t key = kNil;  // a NULL key matches nothing
    if (this->key_of(port, row)) {
      key = this->hold_key();
      if (key == kNil) {
        this->remove_row(port, slot);
        ++this->stats_.capacity_dropped;
        return kNil;
      }
    }
    meta_[port].ensure(slot + 1);
    meta_[port][slot] = Meta{start, end, key};
    order_[port].push_back(slot);
    if (end < next_end_) next_end_ = end;
    this->note_buffered();
    return slot;
  }

  /// The end of the window of a row of `port`: the row is late when both watermarks have
  /// reached it.
  int64_t window_end(int port, const uint8_t* row) const {
    return this->load_time(row, port == 0 ? config_.left_window_end : config_.right_window_end);
  }

  void advance(int64_t w) {
    const int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    this->raise_watermarks(w);
    const int64_t fire = this->lower_watermark();
    if (fire < next_end_) return;  // nothing completes yet: the usual case, one compare
    // (An end of INT64_MAX fires at the end of the input.) take_due lowers next_end_ again to
    // the earliest end of the rows that stay.
    next_end_ = INT64_MAX;
    for (int p = 0; p < 2; ++p) take_due(p, fire);
    // Both sides' due rows are now in (end, start) order: fire their windows in that order.
    size_t i = 0, j = 0;
    const size_t left_n = due_[0].size(), right_n = due_[1].size();
    while (i < left_n || j < right_n) {
      const Meta* l = i < left_n ? &meta_[0][due_[0][i].slot] : nullptr;
      const Meta* r = j < right_n ? &meta_[1][due_[1][j].slot] : nullptr;
      const Meta& m = !r || (l && !before(*r, *l)) ? *l : *r;
      const int64_t start = m.start, end = m.end;
      size_t i_end = i, j_end = j;
      while (i_end < left_n && same_window(meta_[0][due_[0][i_end].slot], start, end)) ++i_end;
      while (j_end < right_n && same_window(meta_[1][due_[1][j_end].slot], start, end)) ++j_end;
      fire_window(i, i_end, j, j_end);
      forget(0, i, i_end);
      forget(1, j, j_end);
      i = i_end;
      j = j_end;
    }
    this->note_buffered();
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }

#if !defined(VLAC_FIRMWARE)
  // ---- hosted `--threads` (runtime/parallel/partitioned_window_join.h) -------------------------
  // The partitioned join routes the rows pushed at its front join (partitioned()) to partitions
  // by key; each partition is a join like this one, told each row's side's watermark with the
  // row (push_partitioned) and to fire when the run's thread fires; while it fires, the left
  // row it joins (firing_left) places each result in one thread's order.

  /// push() of a row that arrived while its side's watermark was `watermark`: late is decided
  /// as on one thread, and nothing fires.
  uint32_t push_partitioned(int port, const uint8_t* row, int64_t watermark) {
    if (watermark > watermark_[port]) watermark_[port] = watermark;
    return push(port, row);
  }
  /// During a firing's emits: the slot of the left row being joined.
  uint32_t firing_left() const { return firing_left_; }
  /// The earliest window end of a held row (INT64_MAX: none).
  int64_t next_fire() const { return next_end_; }
  /// Calls f(slot, row) for each row `port` holds, in arrival order.
  template <class F>
  void for_each_held(int port, F f) {
    Order& order = order_[port];
    for (size_t i = 0; i < order.size(); ++i) f(order[i], this->row_of(port, order[i]));
  }
#endif

  /// Its whole state (LANGUAGE.md §10): join_core's, each side's held slots in arrival order with
  /// their windows and key ids, and the earliest end. (due_ and links_ are a firing's scratch;
  /// each key's chain is 0 between firings.)
  void save_state(StateWriter& w) const {
    this->save_core(w);
    for (int p = 0; p < 2; ++p) {
      meta_[p].save(w, MetaState{});
      order_[p].save(w);
    }
    w.put(next_end_);
  }
  /// Into a join init()ed with the same configuration and kernels; false when malformed.
  bool load_state(StateReader& r) {
    if (!this->load_core(r)) return false;
    for (int p = 0; p < 2; ++p)
      if (!meta_[p].load(r, MetaState{}) || !order_[p].load(r)) return false;
    r.get(&next_end_);
    // Every held row is in its side's arrival order.
    if (order_[0].size() != this->left_rows_.size() || order_[1].size() != this->right_rows_.size()) r.fail();
    return r.ok();
  }

 private:
  struct Meta {
    int64_t start, end;
    uint32_t key;  // key id; kNil for a NULL key
  };
  /// A Meta field by field: its padding bytes are no state.
  struct MetaState {
    void save(StateWriter& w, const Meta& m) const {
      w.i64(m.start);
      w.i64(m.end);
      w.put(m.key);
    }
    bool load(StateReader& r, Meta& m) const {
      m.start = r.i64();
      m.end = r.i64();
      return r.get(&m.key);
    }
  };
  using Order = typename S::template Fifo<uint32_t, D::max_buffered_rows>;
  /// A held row whose window has ended, and its place in its side's arrival order.
  struct Due {
    uint32_t slot, arrival;
  };

  static bool before(const Meta& a, const Meta& b) { return a.end != b.end ? a.end < b.end : a.start < b.start; }
  static bool same_window(const Meta& m, int64_t start, int64_t end) { return m.end == end && m.start == start; }

  /// Moves port's held rows whose window ends at or before `fire` to due_[port], in (end, start)
  /// order and arrival order within a window; the others stay in order_ in arrival order, and
  /// next_end_ becomes at most the earliest end among them.
  void take_due(int port, int64_t fire) {
    Order& order = order_[port];
    auto& due = due_[port];
    due.clear();
    bool sorted = true;
    for (size_t n = order.size(); n > 0; --n) {
      const uint32_t slot = order.front();
      order.pop_front();
      const Meta& m = meta_[port][slot];
      if (m.end > fire) {
        order.push_back(slot);
        if (m.end < next_end_) next_end_ = m.end;
        continue;
      }
      if (due.size() && before(m, meta_[port][due[due.size() - 1].slot])) sorted = false;
      due.push_back(Due{slot, static_cast<uint32_t>(due.size())});  // fits: due_ holds as many as order_
    }
    // By window, and within a window in arrival order: a total order, so the unstable sort
    // keeps each window's rows as they came.
    const auto& meta = meta_[port];
    if (!sorted)
      heap_sort(due.data(), due.size(), [&meta](const Due& a, const Due& b) {
        return before(meta[a.slot], meta[b.slot]) || (!before(meta[b.slot], meta[a.slot]) && a.arrival < b.arrival);
      });
  }

  /// Joins one window: the left rows due_[0][i, i_end) with the right rows due_[1][j, j_end).
  void fire_window(size_t i, size_t i_end, size_t j, size_t j_end) {
    // Chain the window's right rows by key, each chain in arrival order (built from the back).
    const size_t links = j_end - j;
    links_.resize(links);
    for (size_t x = j_end; x > j; --x) {
      const uint32_t slot = due_[1][x - 1].slot;
      const uint32_t key = meta_[1][slot].key;
      if (key == kNil) continue;  // a NULL key matches nothing
      uint32_t& head = per_key_[key].chain;
      links_[x - 1 - j] = Link{slot, head};
      head = static_cast<uint32_t>(x - j);  // index + 1
    }
    for (size_t x = i; x < i_end; ++x) {
      const uint32_t left = due_[0][x].slot;
#if !defined(VLAC_FIRMWARE)
      firing_left_ = left;
#endif
      const uint32_t key = meta_[0][left].key;
      bool matched = false;
      // (at <= links: a chain restored from a snapshot can only be 0, but is not trusted.)
      for (uint32_t at = key == kNil ? 0 : per_key_[key].chain; at != 0 && at <= links; at = links_[at - 1].next)
        // As in the other joins, a pair that fails the residual condition is no match.
        if (this->emit(this->row_of(0, left), this->row_of(1, links_[at - 1].slot))) matched = true;
      if (!matched && config_.left_outer) this->emit(this->row_of(0, left), nullptr);
    }
    for (size_t x = j; x < j_end; ++x) {
      const uint32_t key = meta_[1][due_[1][x].slot].key;
      if (key != kNil) per_key_[key].chain = 0;
    }
  }

  /// Releases the rows due_[port][from, to) and their keys.
  void forget(int port, size_t from, size_t to) {
    for (size_t x = from; x < to; ++x) {
      const uint32_t slot = due_[port][x].slot;
      const uint32_t key = meta_[port][slot].key;
      if (key != kNil) this->release_key(key);
      this->remove_row(port, slot);
    }
  }

  struct Link {
    uint32_t slot;  // a right row
    uint32_t next;  // the next right row of its key in the window (index + 1; 0 none)
  };
  typename Core::template PerRow<Meta> meta_[2];  // by slot
  Order order_[2];  // held slots, in arrival order
  int64_t next_end_ = INT64_MAX;  // the earliest end of a held row's window
#if !defined(VLAC_FIRMWARE)
  uint32_t firing_left_ = kNil;  // hosted --threads: see firing_left()
#endif
  // Scratch of a firing: each side's due rows, the right rows' chains.
  typename S::template Vector<Due, D::max_buffered_rows> due_[2];
  typename S::template Vector<Link, D::max_buffered_rows> links_;
};

}  // namespace vlac::rt
