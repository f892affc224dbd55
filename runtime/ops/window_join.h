#pragma once
// The window join (LANGUAGE.md §6): rows of equal windows (window_start, window_end) and keys
// are joined when the window fires, i.e. when both watermarks reach its end. Windows fire in
// (end, start) order; per window, left rows in arrival order, each with its right matches in
// arrival order (a LEFT join's unmatched left row alone, with NULLs). Each row's key is computed
// when it arrives and held in the key table, so that keys compare by id. Kernels, capacities and
// configuration: join_core.h.

#include "runtime/ops/join_core.h"

namespace vlac::rt {

template <class Ctx, class K, class S>
class WindowJoin : public JoinCore<Ctx, K, S> {
  using Core = JoinCore<Ctx, K, S>;
  using D = typename Core::D;
  using Core::config_;
  using Core::kNil;
  using Core::watermark_;

 public:
  void init(Ctx* ctx, const JoinConfig& config, const K& kernels = K{}) {
    this->init_core(ctx, config, kernels);
    for (int p = 0; p < 2; ++p) order_[p].clear();
    next_end_ = INT64_MAX;
  }

  void push(int port, const uint8_t* row) {
    ++this->stats_.rows_in;
    const int64_t start = this->load_time(row, port == 0 ? config_.left_window_start : config_.right_window_start);
    const int64_t end = this->load_time(row, port == 0 ? config_.left_window_end : config_.right_window_end);
    if (end <= watermark_[port]) {  // its window has fired
      this->drop_late(port, row);
      return;
    }
    const uint32_t slot = this->add_row(port, row);
    if (slot == kNil) return;
    uint32_t key = kNil;  // a NULL key matches nothing
    if (this->key_of(port, row)) {
      key = this->hold_key();
      if (key == kNil) {
        this->remove_row(port, slot);
        ++this->stats_.capacity_dropped;
        return;
      }
    }
    meta_[port].ensure(slot + 1);
    meta_[port][slot] = Meta{start, end, key};
    order_[port].push_back(slot);
    if (end < next_end_) next_end_ = end;
    this->note_buffered();
  }

  void advance(int64_t w) {
    const int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    this->raise_watermarks(w);
    const int64_t fire = this->lower_watermark();
    if (fire < next_end_) return;  // nothing completes yet: the usual case, one compare
    int64_t start = 0, end = 0;
    bool any;
    while ((any = first_window(&start, &end)) && end <= fire) {  // an end of INT64_MAX fires at the end of the input
      fire_window(start, end);
      for (int p = 0; p < 2; ++p) forget_window(p, start, end);
    }
    next_end_ = any ? end : INT64_MAX;
    this->note_buffered();
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }

  /// Its whole state (LANGUAGE.md §10): join_core's, each side's held slots in arrival order with
  /// their windows and key ids, and the earliest end. (window_right_ is fire_window's scratch.)
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
  struct Held {
    uint32_t key, slot;
  };
  using Order = typename S::template Fifo<uint32_t, D::max_buffered_rows>;

  /// The held window with the smallest (end, start); false when no row is held.
  bool first_window(int64_t* start, int64_t* end) {
    bool any = false;
    for (int p = 0; p < 2; ++p)
      for (size_t i = 0; i < order_[p].size(); ++i) {
        const Meta& m = meta_[p][order_[p][i]];
        if (!any || m.end < *end || (m.end == *end && m.start < *start)) {
          *start = m.start;
          *end = m.end;
          any = true;
        }
      }
    return any;
  }

  void fire_window(int64_t start, int64_t end) {
    // The window's right rows with a key, in arrival order: what each left row is matched against.
    window_right_.clear();
    for (size_t j = 0; j < order_[1].size(); ++j) {
      const Meta& r = meta_[1][order_[1][j]];
      if (r.end == end && r.start == start && r.key != kNil) window_right_.push_back(Held{r.key, order_[1][j]});
    }
    Order& left = order_[0];
    for (size_t i = 0; i < left.size(); ++i) {
      const Meta& l = meta_[0][left[i]];
      if (l.end != end || l.start != start) continue;
      bool matched = false;
      for (size_t j = 0; l.key != kNil && j < window_right_.size(); ++j) {
        if (window_right_[j].key != l.key) continue;
        // As in the other joins, a pair that fails the residual condition is no match.
        if (this->emit(this->row_of(0, left[i]), this->row_of(1, window_right_[j].slot))) matched = true;
      }
      if (!matched && config_.left_outer) this->emit(this->row_of(0, left[i]), nullptr);
    }
  }

  /// Removes port's rows of the window, keeping the others in arrival order.
  void forget_window(int port, int64_t start, int64_t end) {
    Order& order = order_[port];
    for (size_t n = order.size(); n > 0; --n) {
      const uint32_t slot = order.front();
      order.pop_front();
      const Meta& m = meta_[port][slot];
      if (m.end != end || m.start != start) {
        order.push_back(slot);
        continue;
      }
      if (m.key != kNil) this->release_key(m.key);
      this->remove_row(port, slot);
    }
  }

  typename Core::template PerRow<Meta> meta_[2];  // by slot
  Order order_[2];                                // held slots, in arrival order
  int64_t next_end_ = INT64_MAX;                  // the earliest end of a held row's window
  typename S::template Vector<Held, D::max_buffered_rows> window_right_;  // scratch of fire_window
};

}  // namespace vlac::rt
