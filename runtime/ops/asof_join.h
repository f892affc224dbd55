#pragma once
// The as-of join (LANGUAGE.md §6): each left row meets the right row of its key with the
// greatest right.time <= left.time (ties: the later arrival). Left rows wait until both
// watermarks pass their time, then leave in time order (ties: arrival order). Kernels,
// capacities and configuration: join_core.h; a key is held by its waiting left rows and its
// right versions.

#include "runtime/ops/join_core.h"

namespace vlac::rt {

template <class Ctx, class K, class S>
class AsofJoin : public JoinCore<Ctx, K, S> {
  using Core = JoinCore<Ctx, K, S>;
  using D = typename Core::D;
  using Core::config_;
  using Core::keys_;
  using Core::key_buf_;
  using Core::kNil;
  using Core::watermark_;

 public:
  void init(Ctx* ctx, const JoinConfig& config, const K& kernels = K{}) {
    this->init_core(ctx, config, kernels);
    pending_.clear();
    seq_ = 0;
    advances_since_purge_ = 0;
  }

  void push(int port, const uint8_t* row) {
    int64_t t;
    if (!this->admit(port, row, &t)) return;
    join_row(port, row, t);
  }

  void advance(int64_t w) {
    const int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    this->raise_watermarks(w);
    release(this->lower_watermark());
    // Purging walks every key: once in a while, for keys that went quiet, and at the end.
    if (++advances_since_purge_ >= kPurgeEvery || watermark_[0] == kEndOfInput) {
      advances_since_purge_ = 0;
      ++key_purges_;
      if (purges_keys_) purge_keys();
    }
    this->note_buffered();
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  /// Walks every key, dropping the right versions no left row can meet any more.
  void purge_keys() {
    for (uint32_t k = 0; k < keys_.high(); ++k)
      if (versions_[k] != 0) purge_key(k);
    this->note_buffered();
  }

#if !defined(VLAC_FIRMWARE)
  // ---- hosted `--threads` (runtime/parallel/partitioned_asof_join.h) -------------------------
  // The partitioned join routes the rows pushed at its front join (partitioned()) to partitions
  // by key. The run's thread admits each row here (rows in, late drops) and keeps the
  // watermarks; each partition is a join like this one that takes its rows without that
  // (push_partitioned), releases when told the watermarks (advance_ports), and walks its keys
  // when the front join does (purge_keys), not on its own count.

  /// push() of an admitted row at time t; the slot of a left row held, else kNil.
  uint32_t push_partitioned(int port, const uint8_t* row, int64_t t) { return join_row(port, row, t); }
  /// How many times advance_ports() has walked every key (or would have: see walks_keys()).
  uint64_t key_purges() const { return key_purges_; }
  /// Whether advance_ports() walks every key on its own count (a partition's does not).
  void set_walks_keys(bool walks) { purges_keys_ = walks; }
  /// During a release's emit: the slot of the left row being released.
  uint32_t releasing_left() const { return releasing_left_; }
  /// Calls left(slot, row, time, arrival) for each waiting left row (in no particular order:
  /// arrival is this join's own count) and right(row, time) for each right version, per key in
  /// time order.
  template <class Left, class Right>
  void for_each_held(Left left, Right right) {
    for (size_t i = 0; i < pending_.size(); ++i) {
      const auto& it = pending_.item(i);
      left(it.slot, this->row_of(0, it.slot), it.time, it.seq);
    }
    for (uint32_t k = 0; k < keys_.high(); ++k)
      if (versions_[k] != 0)
        for (uint32_t at = head_[k]; at != kNil; at = next_[at]) right(this->row_of(1, at), rtime_[at]);
  }
  /// Holds a row again as it was held (for_each_held() of another join): a partitioned join's
  /// rows gathered into one join, or dealt out to partitions. Each side in arrival order, after
  /// restore_progress().
  uint32_t hold_again(int port, const uint8_t* row, int64_t t) { return join_row(port, row, t); }
  /// Sets the counters, watermarks and purge countdown of a join whose rows are to be held again.
  void restore_progress(const OperatorStats& stats, const int64_t* watermarks, uint64_t advances_since_purge) {
    Core::restore_progress(stats, watermarks);
    advances_since_purge_ = advances_since_purge;
  }
  uint64_t advances_since_purge() const { return advances_since_purge_; }
#endif

  /// Its whole state (LANGUAGE.md §10): join_core's, the waiting left rows in heap order (ties
  /// by their arrival numbers), the right versions' lists and the purge countdown.
  void save_state(StateWriter& w) const {
    this->save_core(w);
    pending_.save(w);
    pending_key_.save(w);
    rtime_.save(w);
    prev_.save(w);
    next_.save(w);
    head_.save(w);
    tail_.save(w);
    versions_.save(w);
    w.put(seq_);
    w.put(advances_since_purge_);
  }
  /// Into a join init()ed with the same configuration and kernels; false when malformed.
  bool load_state(StateReader& r) {
    if (!this->load_core(r) || !pending_.load(r) || !pending_key_.load(r) || !rtime_.load(r) || !prev_.load(r) ||
        !next_.load(r) || !head_.load(r) || !tail_.load(r) || !versions_.load(r))
      return false;
    r.get(&seq_);
    r.get(&advances_since_purge_);
    // Every held left row waits in the heap.
    if (pending_.size() != this->left_rows_.size()) r.fail();
    return r.ok();
  }

 private:
  static constexpr uint64_t kPurgeEvery = 1024;

  /// push() of an admitted row at time t; the slot of a left row held, else kNil.
  uint32_t join_row(int port, const uint8_t* row, int64_t t) {
    const bool has_key = this->key_of(port, row);
    uint32_t slot = kNil;
    if (port == 1) {
      if (!has_key) return kNil;  // a NULL key never matches
      push_right(row, t);
    } else {
      slot = push_left(row, t, has_key);
    }
    this->note_buffered();
    return slot;
  }

  /// A right row becomes a version of its key: its place by time is found from the back (rows
  /// come nearly in time order); an equal time replaces the version (the later arrival wins).
  void push_right(const uint8_t* row, int64_t t) {
    uint32_t key = keys_.find(key_buf_.data());
    uint32_t at = key == kNil ? kNil : tail_[key];  // the new version goes after `at`
    while (at != kNil && rtime_[at] > t) at = prev_[at];
    if (at != kNil && rtime_[at] == t) {
      this->right_rows_.replace(at, row);
      purge_key(key);
      return;
    }
    const uint32_t slot = this->add_row(1, row);
    if (slot == kNil) return;
    if (key == kNil) {
      key = new_key();
      if (key == kNil) return this->remove_row(1, slot);
    } else {
      ++this->per_key_[key].refs;
    }
    rtime_.ensure(slot + 1);
    prev_.ensure(slot + 1);
    next_.ensure(slot + 1);
    rtime_[slot] = t;
    prev_[slot] = at;
    next_[slot] = at == kNil ? head_[key] : next_[at];
    if (next_[slot] == kNil) tail_[key] = slot;
    else prev_[next_[slot]] = slot;
    if (at == kNil) head_[key] = slot;
    else next_[at] = slot;
    ++versions_[key];
    purge_key(key);  // amortised O(1): each version is purged once
  }

  /// Its slot, kNil when it did not fit.
  uint32_t push_left(const uint8_t* row, int64_t t, bool has_key) {
    const uint32_t slot = this->add_row(0, row);
    if (slot == kNil) return kNil;
    uint32_t key = kNil;
    if (has_key) {
      key = keys_.find(key_buf_.data());
      if (key == kNil) key = new_key();
      else ++this->per_key_[key].refs;
      if (key == kNil) {
        this->remove_row(0, slot);
        return kNil;
      }
    }
    pending_key_.ensure(slot + 1);
    pending_key_[slot] = key;
    pending_.push({t, seq_++, slot});
    return slot;
  }

  /// Holds the new key in key_buf_ (one reference) with no versions; kNil (counted
  /// capacity_dropped) when the table is full.
  uint32_t new_key() {
    const uint32_t key = this->hold_key();
    if (key == kNil) {
      ++this->stats_.capacity_dropped;
      return kNil;
    }
    head_.ensure(key + 1);
    tail_.ensure(key + 1);
    versions_.ensure(key + 1);
    head_[key] = tail_[key] = kNil;
    versions_[key] = 0;
    return key;
  }

  void release(int64_t upto) {
    // Left rows leave in time order (ties by arrival) once no earlier left row and no right row
    // at or before their time can still come: time < min(W_left, W_right).
    while (!pending_.empty() && (pending_.top().time < upto || upto == kEndOfInput)) {
      const auto item = pending_.pop();
      const uint8_t* left = this->row_of(0, item.slot);
      const uint8_t* right = nullptr;
      const uint32_t key = pending_key_[item.slot];
      if (key != kNil) {
        uint32_t at = tail_[key];
        while (at != kNil && rtime_[at] > item.time) at = prev_[at];
        if (at != kNil) right = this->row_of(1, at);
      }
#if !defined(VLAC_FIRMWARE)
      releasing_left_ = item.slot;
#endif
      if (right || config_.left_outer) this->emit(left, right);
      this->remove_row(0, item.slot);
      if (key != kNil) this->release_key(key);
    }
  }

  void purge_key(uint32_t key) {
    // Left rows still to be matched have time >= min(W_left, W_right): later ones are not late
    // (>= W_left), pending ones have not been released (>= the release point). Of a key's right
    // rows before that time only the newest can still be met.
    const int64_t needed = this->lower_watermark();
    while (versions_[key] >= 2 && rtime_[next_[head_[key]]] <= needed) {
      const uint32_t front = head_[key];
      head_[key] = next_[front];
      prev_[head_[key]] = kNil;
      this->remove_row(1, front);
      --versions_[key];
      this->release_key(key);  // the newest version keeps the key
    }
  }

  typename S::template Heap<D::max_buffered_rows> pending_;  // left rows by (time, arrival)
  typename Core::template PerRow<uint32_t> pending_key_;     // by left slot: key id, kNil for NULL
  // Each key's right versions by time: a doubly linked list through the right rows' slots.
  typename Core::template PerRow<int64_t> rtime_;
  typename Core::template PerRow<uint32_t> prev_, next_;
  typename Core::template PerKey<uint32_t> head_, tail_, versions_;
  int64_t seq_ = 0;
  uint64_t advances_since_purge_ = 0;
  uint64_t key_purges_ = 0;  // not state: a partitioned join's front counts them (hosted)
  bool purges_keys_ = true;
#if !defined(VLAC_FIRMWARE)
  uint32_t releasing_left_ = kNil;
#endif
};

}  // namespace vlac::rt
