#pragma once
// The interval join (LANGUAGE.md §6): pairs of equal keys with right.time - left.time in
// [lower, upper]. A pair is emitted as soon as its second row arrives; a held row is purged once
// the other side's watermark rules out any match (then a LEFT join's unmatched left row comes
// out with NULLs). Kernels, capacities and configuration: join_core.h.
//
// A side's held rows are found by key through the key table, or, until that pays, by a scan of
// the side's rows in arrival order (each one's key computed again and compared). Robots join a
// fast stream with a rare one (frames with instructions, Nexmark q7's bids with a window's
// maximum): the fast side's rows are probed seldom, and keying every one of them (a key-table
// lookup, reference counts and list links, each a cache miss once many keys are held) cost
// most of the join. A side is keyed once its scans have cost more than JoinConfig::scan_ratio
// rows looked at per row held, and stays keyed. Both ways visit a key's rows in arrival order,
// so the output is the same; only a key limit (which drops rows by key) keeps both sides keyed.

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
    for (int p = 0; p < 2; ++p) {
      arrival_[p].clear();
      keyed_[p] = may_scan() ? 0 : 1;
      scanned_[p] = held_[p] = 0;
    }
    probe_key_.assign(config_.key_size, 0);
  }

  void push(int port, const uint8_t* row) {
    int64_t t;
    if (!this->admit(port, row, &t)) return;
    join_row(port, row, t, nullptr);
  }

  /// Whether the held rows of `port` are found by key (else by a scan; above).
  bool keyed(int port) const { return keyed_[port] != 0; }

  void advance(int64_t w) {
    const int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    if (this->raise_watermarks(w)) purge();
  }
  // The output watermark is held back from the input's by the configuration: no state of its own.
  int64_t output_watermark(int64_t w) const { return held_back_watermark(w, config_.hold_back); }

  /// Whether push() holds a row of `port` at time t, with a key or not, under the watermarks now.
  bool holds(int port, bool has_key, int64_t t) const {
    return (has_key || (port == 0 && config_.left_outer)) && can_match_later(port, t);
  }
  /// A held row's purge time (Held::purge_time) when the last one held on its side had `last`.
  static int64_t purge_time_after(int64_t last, int64_t t) { return t > last ? t : last; }
  /// Whether a held row of `port` with that purge time is purged under the watermarks now.
  bool purges(int port, int64_t purge_time) const { return !can_match_later(port, purge_time); }

#if !defined(VLAC_FIRMWARE)
  // ---- hosted `--threads` (runtime/parallel/partitioned_interval_join.h) ----------------------
  // The partitioned join routes the rows pushed at its front join (partitioned()) to partitions
  // by key. The run's thread admits each row here (rows in, late drops) and decides, as
  // holds() and purge_time_after() say, whether it is held and by when it is purged; each
  // partition is a join like this one that takes those decisions with the row
  // (push_partitioned), purges when told the watermarks (advance_ports), and hands its
  // unmatched left rows to set_unmatched()'s function instead of emitting them.

  /// push() of an admitted row whose holding the run's thread decided; its slot if held, else kNil.
  uint32_t push_partitioned(int port, const uint8_t* row, int64_t t, bool hold, int64_t purge_time) {
    const Decided d{hold, purge_time};
    return join_row(port, row, t, &d);
  }
  /// From now on purge() hands each unmatched left row to f(ctx, slot, row) instead of emitting it.
  void set_unmatched(void (*f)(Ctx*, uint32_t slot, const uint8_t* row)) { unmatched_ = f; }
  /// Emits a left row with NULLs for the right side (an unmatched row a partition handed over).
  void emit_unmatched(const uint8_t* left) { this->emit(left, nullptr); }
  /// A held row as for_each_held() shows it.
  struct HeldRow {
    uint32_t slot;
    const uint8_t* row;
    int64_t time, purge_time;
    bool matched;
  };
  /// Calls f(HeldRow) for each row `port` holds, in arrival order.
  template <class F>
  void for_each_held(int port, F f) {
    auto& fifo = arrival_[port];
    for (size_t i = 0; i < fifo.size(); ++i) {
      const Held& h = fifo[i];
      f(HeldRow{h.slot, this->row_of(port, h.slot), h.time, h.purge_time, port == 0 && matched_[h.slot] != 0});
    }
  }
  /// Holds a row again as it was held (for_each_held() of another join), without matching it:
  /// a partitioned join's rows gathered into one join, or dealt out to partitions. Its slot.
  uint32_t hold_again(int port, const uint8_t* row, int64_t t, int64_t purge_time, bool matched) {
    const bool has_key = this->key_of(port, row);
    const uint32_t key = has_key && (keyed_[0] || keyed_[1]) ? keys_.find(key_buf_.data()) : kNil;
    return hold_row(port, row, t, purge_time, has_key, key, matched);
  }
#endif

  /// Its whole state (LANGUAGE.md §10): join_core's, then each side's rows in arrival order and
  /// the per-slot times, key lists and matched flags, then whether each side is keyed and its
  /// scan counters.
  void save_state(StateWriter& w) const {
    this->save_core(w);
    for (int p = 0; p < 2; ++p) {
      arrival_[p].save(w);
      time_[p].save(w);
      next_[p].save(w);
    }
    matched_.save(w);
    w.put(keyed_);
    w.put(scanned_);
    w.put(held_);
  }
  /// Into a join init()ed with the same configuration and kernels; false when malformed.
  bool load_state(StateReader& r) {
    if (!this->load_core(r)) return false;
    for (int p = 0; p < 2; ++p)
      if (!arrival_[p].load(r) || !time_[p].load(r) || !next_[p].load(r)) return false;
    if (!matched_.load(r)) return false;
    r.get(&keyed_);
    r.get(&scanned_);
    r.get(&held_);
    if (!r.ok()) return false;
    // Every held row is in its side's arrival FIFO; a side not keyed holds no key.
    if (arrival_[0].size() != this->left_rows_.size() || arrival_[1].size() != this->right_rows_.size()) r.fail();
    for (int p = 0; p < 2; ++p) {
      if (keyed_[p] > 1) r.fail();
      if (keyed_[p]) continue;
      if (!may_scan()) r.fail();
      for (size_t i = 0; i < arrival_[p].size(); ++i)
        if (arrival_[p][i].key != kNil) r.fail();
    }
    return r.ok();
  }

 private:
  struct Held {
    int64_t time;
    // The largest time of the rows held on its side up to it: it is purged once no row of the
    // other side can match a row at this time. That is when one thread purges it, the rows
    // leaving each side in arrival order; and a partition, which holds only some of the rows,
    // purges it at the same watermark.
    int64_t purge_time;
    uint32_t slot;
    uint32_t key;  // key id; kNil for a NULL key (kept only by a LEFT join's left side)
  };
  /// What the run's thread decided for a row pushed into a partition.
  struct Decided {
    bool hold;
    int64_t purge_time;
  };

  /// push() of an admitted row at time t: matches it, then holds it or (a LEFT join's unmatched
  /// left row that can match no more) emits it with NULLs. `decided`: whether to hold it and its
  /// purge time (a partition's); null: as the watermarks say. Its slot if held, else kNil.
  uint32_t join_row(int port, const uint8_t* row, int64_t t, const Decided* decided) {
    const int other = 1 - port;
    if (!keyed_[other] && scans_cost_more(other)) key_side(other);
    const bool has_key = this->key_of(port, row);
    bool matched = false;
    uint32_t key = kNil;  // the key's id, when a keyed side holds it
    if (has_key) {
      if (keyed_[0] || keyed_[1]) key = keys_.find(key_buf_.data());
      if (!keyed_[other]) {
        matched = scan(port, row, t);
      } else if (key != kNil) {
        for (uint32_t s = per_key_[key].head[other]; s != kNil; s = next_[other][s]) {
          const int64_t ot = time_[other][s];
          if (!time_diff_within(port == 0 ? t : ot, port == 0 ? ot : t, config_.lower, config_.upper)) continue;
          matched |= match(port, row, s);
        }
      }
    }
    const bool keep = decided ? decided->hold : holds(port, has_key, t);
    auto& fifo = arrival_[port];
    const int64_t purge_time = decided ? decided->purge_time
                               : fifo.empty() ? t
                                              : purge_time_after(fifo[fifo.size() - 1].purge_time, t);
    const uint32_t slot = keep ? hold_row(port, row, t, purge_time, has_key, key, matched) : kNil;
    if (slot == kNil && port == 0 && config_.left_outer && !matched) this->emit(row, nullptr);
    return slot;
  }

  /// Holds an admitted row (its key in key_buf_ when has_key, its id in `key` if a keyed side
  /// holds it already); its slot, kNil when it does not fit.
  uint32_t hold_row(int port, const uint8_t* row, int64_t t, int64_t purge_time, bool has_key, uint32_t key,
                    bool matched) {
    const uint32_t slot = hold(port, row, has_key, &key);
    if (slot == kNil) return kNil;
    time_[port].ensure(slot + 1);
    next_[port].ensure(slot + 1);
    time_[port][slot] = t;
    if (port == 0) {
      matched_.ensure(slot + 1);
      matched_[slot] = matched;
    }
    arrival_[port].push_back(Held{t, purge_time, slot, key});
    if (key != kNil) append_to_key(port, key, slot);
    this->note_buffered();
    return slot;
  }

  /// Emits the pair of `row` (of `port`) and the other side's held row in `slot` unless the
  /// rest of the ON condition fails (then it is no match: a LEFT join's left row stays
  /// unmatched); whether it matched.
  bool match(int port, const uint8_t* row, uint32_t slot) {
    const uint8_t* o = this->row_of(1 - port, slot);
    if (!(port == 0 ? this->emit(row, o) : this->emit(o, row))) return false;
    if (port == 1) matched_[slot] = 1;
    return true;
  }

  /// Matches `row` (of `port`, its key in key_buf_, its time t) against the other side's held
  /// rows by a scan in arrival order: the order of the key's list, had the side been keyed.
  bool scan(int port, const uint8_t* row, int64_t t) {
    const int other = 1 - port;
    auto& fifo = arrival_[other];
    scanned_[other] += fifo.size();
    bool matched = false;
    for (size_t i = 0; i < fifo.size(); ++i) {
      const Held h = fifo[i];
      if (!time_diff_within(port == 0 ? t : h.time, port == 0 ? h.time : t, config_.lower, config_.upper)) continue;
      if (!this->key_into(other, this->row_of(other, h.slot), probe_key_.data())) continue;  // a NULL key
      if (!keys_.equal(probe_key_.data(), key_buf_.data())) continue;
      matched |= match(port, row, h.slot);
    }
    return matched;
  }

  /// Whether a side may be found by scans: not always keyed (scan_ratio 0), and no key limit
  /// (fixed storage, D::key_size set, always has one).
  bool may_scan() const { return config_.scan_ratio != 0 && config_.max_keys == UINT64_MAX && D::key_size == 0; }

  /// Whether the scans of side p have looked at more rows than keying it would cost.
  bool scans_cost_more(int p) const {
    return scanned_[p] > config_.scan_grace + uint64_t{config_.scan_ratio} * held_[p];
  }

  /// From now on side p is found by key: its held rows, in arrival order, go into the key table
  /// and their keys' lists.
  void key_side(int p) {
    keyed_[p] = 1;
    auto& fifo = arrival_[p];
    for (size_t i = 0; i < fifo.size(); ++i) {
      Held& h = fifo[i];
      if (!this->key_of(p, this->row_of(p, h.slot))) continue;  // a NULL key is in no list
      h.key = hold_key_of_row();  // never kNil: a side is scanned only without a key limit
      if (h.key != kNil) append_to_key(p, h.key, h.slot);
    }
  }

  /// The id of the key in key_buf_, with one more reference (a new key gets empty lists); kNil
  /// when it is new and the key table is full.
  uint32_t hold_key_of_row() {
    const uint32_t key = this->hold_key();
    if (key != kNil && per_key_[key].refs == 1)
      per_key_[key].head[0] = per_key_[key].head[1] = per_key_[key].tail[0] = per_key_[key].tail[1] = kNil;
    return key;
  }

  void append_to_key(int port, uint32_t key, uint32_t slot) {
    next_[port][slot] = kNil;
    IntervalKeyLists& l = per_key_[key];
    if (l.tail[port] == kNil) l.head[port] = slot;
    else next_[port][l.tail[port]] = slot;
    l.tail[port] = slot;
  }

  /// Holds the row, and when its side is keyed a reference to its key (*key: its id, or kNil
  /// when no held row has it yet; set to the id held, kNil when the side is not keyed); its
  /// slot, kNil (counted capacity_dropped) when its side or the key table is full.
  uint32_t hold(int port, const uint8_t* row, bool has_key, uint32_t* key) {
    const uint32_t slot = this->add_row(port, row);
    if (slot == kNil) return slot;
    if (!keyed_[port]) ++held_[port];
    if (!keyed_[port] || !has_key) {
      *key = kNil;
      return slot;
    }
    if (*key != kNil) {
      ++per_key_[*key].refs;
      return slot;
    }
    *key = hold_key_of_row();  // a key no held row has
    if (*key == kNil) {
      this->remove_row(port, slot);
      ++this->stats_.capacity_dropped;
      return kNil;
    }
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
    // arrived early but can still match holds back the rows behind it (bounded by the disorder):
    // the purge time, the largest time up to a row, says so of each row by itself.
    for (int port = 0; port < 2; ++port) {
      auto& fifo = arrival_[port];
      while (!fifo.empty() && !can_match_later(port, fifo.front().purge_time)) {
        const Held h = fifo.front();
        fifo.pop_front();
        if (h.key != kNil) {
          IntervalKeyLists& l = per_key_[h.key];
          l.head[port] = next_[port][h.slot];
          if (l.head[port] == kNil) l.tail[port] = kNil;
          this->release_key(h.key);
        }
        if (port == 0 && config_.left_outer && !matched_[h.slot]) unmatched(h.slot);
        this->remove_row(port, h.slot);
      }
    }
    this->note_buffered();
  }

  /// A LEFT join's left row in `slot`, purged without a match: emitted with NULLs (or, in a
  /// partition, handed to the run's thread, which emits it in one thread's order).
  void unmatched(uint32_t slot) {
#if !defined(VLAC_FIRMWARE)
    if (unmatched_) return unmatched_(this->ctx_, slot, this->row_of(0, slot));
#endif
    this->emit(this->row_of(0, slot), nullptr);
  }

  typename S::template Fifo<Held, D::max_buffered_rows> arrival_[2];  // held rows, in arrival order
  // Each key's held rows per side, in arrival order: a list linked through the rows' slots
  // (heads and tails in per_key_).
  typename Core::template PerRow<int64_t> time_[2];    // by slot: the row's time
  typename Core::template PerRow<uint32_t> next_[2];   // by slot: the next held row of its key and side
  typename Core::template PerRow<uint8_t> matched_;    // by left slot: has the row met a right row
  // Per side: whether its held rows are in the key table; else the rows its scans looked at and
  // the rows it held since (scan_ratio).
  uint8_t keyed_[2] = {1, 1};  // bytes, not bool: loaded from a snapshot, then checked
  uint64_t scanned_[2] = {0, 0}, held_[2] = {0, 0};
  typename S::template Bytes<D::key_size> probe_key_;  // a scanned row's key
#if !defined(VLAC_FIRMWARE)
  void (*unmatched_)(Ctx*, uint32_t, const uint8_t*) = nullptr;  // a partition's: see set_unmatched()
#endif
};

}  // namespace vlac::rt
