#pragma once
// The interval join (LANGUAGE.md §6): pairs of equal keys with right.time - left.time in
// [lower, upper]. A pair is emitted as soon as its second row arrives; a held row is purged once
// the other side's watermark rules out any match (then a LEFT join's unmatched left row comes
// out with NULLs). Kernels, capacities and configuration: join_core.h.

#include "runtime/ops/join_core.h"

namespace vlac::rt {

/// Per key: the first and last held row of each side (lists linked through the rows' slots).
struct IntervalKeyLists {
  uint32_t head[2], tail[2];
};

template <class Ctx, class K, class S>
class IntervalJoin : public JoinCore<Ctx, K, S, IntervalKeyLists> {
  using Core = JoinCore<Ctx, K, S, IntervalKeyLists>;
  using D = typename Core::D;
  using Core::config_;
  using Core::keys_;
  using Core::key_buf_;
  using Core::kNil;
  using Core::per_key_;
  using Core::watermark_;

 public:
  void init(Ctx* ctx, const JoinConfig& config, const K& kernels = K{}) {
    this->init_core(ctx, config, kernels);
    for (int p = 0; p < 2; ++p) arrival_[p].clear();
  }

  void push(int port, const uint8_t* row) {
    int64_t t;
    if (!this->admit(port, row, &t)) return;
    const bool has_key = this->key_of(port, row);
    bool matched = false;
    uint32_t key = kNil;
    if (has_key) {
      key = keys_.find(key_buf_.data());
      const int other = 1 - port;
      if (key != kNil) {
        for (uint32_t s = per_key_[key].head[other]; s != kNil; s = next_[other][s]) {
          const int64_t ot = time_[other][s];
          if (!time_diff_within(port == 0 ? t : ot, port == 0 ? ot : t, config_.lower, config_.upper)) continue;
          // A pair that fails the rest of the ON condition is no match (a LEFT join's left row
          // stays unmatched).
          const uint8_t* o = this->row_of(other, s);
          if (!(port == 0 ? this->emit(row, o) : this->emit(o, row))) continue;
          if (port == 1) matched_[s] = 1;
          matched = true;
        }
      }
    }
    const bool keep = (has_key || (port == 0 && config_.left_outer)) && can_match_later(port, t);
    const uint32_t slot = keep ? hold(port, row, has_key, &key) : kNil;
    if (slot == kNil) {
      if (port == 0 && config_.left_outer && !matched) this->emit(row, nullptr);
      return;
    }
    time_[port].ensure(slot + 1);
    next_[port].ensure(slot + 1);
    time_[port][slot] = t;
    if (port == 0) {
      matched_.ensure(slot + 1);
      matched_[slot] = matched;
    }
    arrival_[port].push_back(Held{t, slot, key});
    if (has_key) {
      next_[port][slot] = kNil;
      IntervalKeyLists& l = per_key_[key];
      if (l.tail[port] == kNil) l.head[port] = slot;
      else next_[port][l.tail[port]] = slot;
      l.tail[port] = slot;
    }
    this->note_buffered();
  }

  void advance(int64_t w) {
    const int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    if (this->raise_watermarks(w)) purge();
  }
  // The output watermark is held back from the input's by the configuration: no state of its own.
  int64_t output_watermark(int64_t w) const { return held_back_watermark(w, config_.hold_back); }

  /// Its whole state (LANGUAGE.md §10): join_core's, then each side's rows in arrival order and
  /// the per-slot times, key lists and matched flags.
  void save_state(StateWriter& w) const {
    this->save_core(w);
    for (int p = 0; p < 2; ++p) {
      arrival_[p].save(w);
      time_[p].save(w);
      next_[p].save(w);
    }
    matched_.save(w);
  }
  /// Into a join init()ed with the same configuration and kernels; false when malformed.
  bool load_state(StateReader& r) {
    if (!this->load_core(r)) return false;
    for (int p = 0; p < 2; ++p)
      if (!arrival_[p].load(r) || !time_[p].load(r) || !next_[p].load(r)) return false;
    if (!matched_.load(r)) return false;
    // Every held row is in its side's arrival FIFO.
    if (arrival_[0].size() != this->left_rows_.size() || arrival_[1].size() != this->right_rows_.size()) r.fail();
    return r.ok();
  }

 private:
  struct Held {
    int64_t time;
    uint32_t slot;
    uint32_t key;  // key id; kNil for a NULL key (kept only by a LEFT join's left side)
  };

  /// Holds the row (and a reference to its key, *key: kNil when the key is not held yet); its
  /// slot, kNil (counted capacity_dropped) when its side or the key table is full.
  uint32_t hold(int port, const uint8_t* row, bool has_key, uint32_t* key) {
    const uint32_t slot = this->add_row(port, row);
    if (slot == kNil || !has_key) return slot;
    if (*key != kNil) {
      ++per_key_[*key].refs;
      return slot;
    }
    *key = this->hold_key();  // a key no held row has
    if (*key == kNil) {
      this->remove_row(port, slot);
      ++this->stats_.capacity_dropped;
      return kNil;
    }
    per_key_[*key].head[0] = per_key_[*key].head[1] = per_key_[*key].tail[0] = per_key_[*key].tail[1] = kNil;
    return slot;
  }

  bool can_match_later(int port, int64_t t) const {
    // Later rows of the other side have time >= its watermark. A left row at t matches right
    // rows up to t + upper; a right row at s matches left rows down to s - lower.
    // Both computed exactly; at the end of the input nothing can match any more.
    if (watermark_[1 - port] == kEndOfInput) return false;
    if (port == 0) return shifted_at_least(t, config_.upper, watermark_[1]);
    return shifted_back_at_least(t, config_.lower, watermark_[0]);
  }

  void purge() {
    // Rows leave in arrival order, so each is at the front of its key's list too. A row that
    // arrived early but can still match holds back the rows behind it: bounded by the disorder.
    for (int port = 0; port < 2; ++port) {
      auto& fifo = arrival_[port];
      while (!fifo.empty() && !can_match_later(port, fifo.front().time)) {
        const Held h = fifo.front();
        fifo.pop_front();
        if (h.key != kNil) {
          IntervalKeyLists& l = per_key_[h.key];
          l.head[port] = next_[port][h.slot];
          if (l.head[port] == kNil) l.tail[port] = kNil;
          this->release_key(h.key);
        }
        if (port == 0 && config_.left_outer && !matched_[h.slot]) this->emit(this->row_of(0, h.slot), nullptr);
        this->remove_row(port, h.slot);
      }
    }
    this->note_buffered();
  }

  typename S::template Fifo<Held, D::max_buffered_rows> arrival_[2];  // held rows, in arrival order
  // Each key's held rows per side, in arrival order: a list linked through the rows' slots
  // (heads and tails in per_key_).
  typename Core::template PerRow<int64_t> time_[2];    // by slot: the row's time
  typename Core::template PerRow<uint32_t> next_[2];   // by slot: the next held row of its key and side
  typename Core::template PerRow<uint8_t> matched_;    // by left slot: has the row met a right row
};

}  // namespace vlac::rt
