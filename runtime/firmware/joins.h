#pragma once
// Firmware joins (LANGUAGE.md §6): fixed-capacity versions of rt::IntervalJoinOp, rt::AsofJoinOp
// and rt::WindowJoinOp (runtime/ops/joins.{h,cpp}), with the same rows, output order and
// counters. Port 0 is the left input, port 1 the right. See fw_common.h for the firmware rules.
//
// <Ctx, K, kLeftSize, kRightSize, kKeySize, kOutSize, kMaxKeys, kMaxBufferedRows>
//   kMaxBufferedRows: rows held per input (the hosted max_buffered_rows); a row that should be
//   held when its side is full is dropped, capacity_dropped (a LEFT join's left row is then
//   emitted with NULLs unless it already matched, as hosted).
//   kMaxKeys: distinct non-NULL join keys held at once (hosted: unbounded). A key is forgotten
//   when no held row has it. A row that should be held but whose new key does not fit is dropped
//   the same way, capacity_dropped. WindowJoin holds no key table (kMaxKeys is unused).
//
// K (all static):
//   void left_key(Ctx*, const uint8_t* row, uint8_t* key);    // key zeroed before; floats
//                                                              // canonical: NaN NULL, -0 as +0
//   void right_key(Ctx*, const uint8_t* row, uint8_t* key);
//   int32_t combine(Ctx*, const uint8_t* left, const uint8_t* right /* may be nullptr: NULLs */,
//                   uint8_t* out);                             // out zeroed before; 0: residual failed
//   void emit(Ctx*, const uint8_t* row);

#include <cstddef>
#include <cstdint>

#include "runtime/firmware/fw_common.h"

namespace vlac::fw {

/// The configuration of every join (the hosted rt::JoinConfig with layouts replaced by numbers).
struct JoinConfig {
  int32_t left_time = -1, right_time = -1;  // byte offsets of the INT64 event times (interval, as-of)
  uint32_t key_null_bytes = 0;  // bytes of the key row's null bitmap: a key with a bit set (a NULL
                                // key column) never matches
  bool left_outer = false;      // LEFT join: unmatched left rows are emitted with right = nullptr
  int64_t lower = 0, upper = 0; // interval join: right.time - left.time in [lower, upper]
  int64_t hold_back = 0;        // interval join: output watermark = input - hold_back
  // window join: byte offsets of the INT64 window_start / window_end in left and right rows
  int32_t left_window_start = -1, left_window_end = -1, right_window_start = -1, right_window_end = -1;
};

/// The shared parts: keys, output buffer, watermarks, counters (rt::JoinBase).
template <class Ctx, class K, size_t kKeySize, size_t kOutSize>
class JoinCore {
  static_assert(kKeySize > 0 && kOutSize > 0, "row sizes must be positive");

 public:
  using Config = JoinConfig;
  const Stats& stats() const { return stats_; }

 protected:
  void init_core(Ctx* ctx, const Config& config) {
    ctx_ = ctx;
    config_ = config;
    stats_ = Stats{};
    watermark_[0] = watermark_[1] = INT64_MIN;
  }
  /// Computes the key of a row of `port` into key_buf_; false when a key column is NULL (a NaN
  /// key is stored as NULL by the key kernel: it matches nothing).
  bool key_of(int port, const uint8_t* row) {
    __builtin_memset(key_buf_, 0, kKeySize);
    if (port == 0) K::left_key(ctx_, row, key_buf_);
    else K::right_key(ctx_, row, key_buf_);
    for (uint32_t i = 0; i < config_.key_null_bytes && i < kKeySize; ++i)
      if (key_buf_[i] != 0) return false;
    return true;
  }
  /// Builds and emits the output row; false (nothing emitted) when the residual condition fails.
  bool emit(const uint8_t* left, const uint8_t* right) {
    __builtin_memset(out_buf_, 0, kOutSize);
    // The residual condition decides whether a pair matches, never whether a LEFT join's
    // unmatched row (right = NULLs) is output (as hosted).
    if (!K::combine(ctx_, left, right, out_buf_) && right) return false;
    ++stats_.rows_out;
    K::emit(ctx_, out_buf_);
    return true;
  }
  int64_t time_of(int port, const uint8_t* row) const {
    return load_i64(row + (port == 0 ? config_.left_time : config_.right_time));
  }
  /// Counts an arriving row; false (and counted late) when it is behind its side's watermark.
  bool admit(int port, const uint8_t* row, int64_t* time) {
    ++stats_.rows_in;
    *time = time_of(port, row);
    if (*time >= watermark_[port]) return true;
    ++stats_.late_dropped;
    return false;
  }
  void note_buffered(uint64_t now) {
    stats_.buffered = now;
    if (now > stats_.peak_buffered) stats_.peak_buffered = now;
  }
  void raise_watermarks(const int64_t* w) {
    watermark_[0] = max64(watermark_[0], w[0]);
    watermark_[1] = max64(watermark_[1], w[1]);
  }

  static constexpr uint32_t kNil = UINT32_MAX;

  Ctx* ctx_ = nullptr;
  Config config_;
  Stats stats_;
  int64_t watermark_[2] = {INT64_MIN, INT64_MIN};
  alignas(8) uint8_t key_buf_[kKeySize] = {};
  alignas(8) uint8_t out_buf_[kOutSize] = {};
};

// ---- interval join ----------------------------------------------------------------------------

/// Pairs with right.time - left.time in [lower, upper]: a pair is emitted as soon as its second
/// row arrives; a held row is purged once the other side's watermark rules out any match.
template <class Ctx, class K, size_t kLeftSize, size_t kRightSize, size_t kKeySize, size_t kOutSize, size_t kMaxKeys,
          size_t kMaxBufferedRows>
class IntervalJoin : public JoinCore<Ctx, K, kKeySize, kOutSize> {
  using Core = JoinCore<Ctx, K, kKeySize, kOutSize>;
  using Core::config_;
  using Core::watermark_;
  using Core::key_buf_;
  using Core::kNil;
  static_assert(kLeftSize > 0 && kRightSize > 0 && kMaxKeys > 0 && kMaxBufferedRows > 0, "sizes must be positive");

 public:
  using Config = JoinConfig;

  void init(Ctx* ctx, const Config& config) {
    this->init_core(ctx, config);
    left_rows_.clear();
    right_rows_.clear();
    keys_.clear();
    for (int p = 0; p < 2; ++p) arrival_[p].clear();
  }

  void push(int port, const uint8_t* row) {
    int64_t t;
    if (!this->admit(port, row, &t)) return;
    const bool has_key = this->key_of(port, row);
    bool matched = false;
    uint32_t key = kNil;
    if (has_key) {
      key = keys_.find(key_buf_);
      const int other = 1 - port;
      if (key != kNil) {
        for (uint32_t s = head_[other][key]; s != kNil; s = next_[other][s]) {
          int64_t ot = time_[other][s];
          if (!rt::time_diff_within(port == 0 ? t : ot, port == 0 ? ot : t, config_.lower, config_.upper)) continue;
          // A pair that fails the rest of the ON condition is no match (as hosted).
          if (!(port == 0 ? this->emit(row, right_rows_.row(s)) : this->emit(left_rows_.row(s), row))) continue;
          if (port == 1) matched_[s] = 1;
          matched = true;
        }
      }
    }
    bool keep = (has_key || (port == 0 && config_.left_outer)) && can_match_later(port, t);
    if (keep && size(port) >= kMaxBufferedRows) {
      ++this->stats_.capacity_dropped;
      keep = false;
    }
    if (keep && has_key && key == kNil) {
      bool inserted;
      key = keys_.find_or_insert(key_buf_, &inserted);
      if (key == kNil) {
        ++this->stats_.capacity_dropped;
        keep = false;
      } else {
        head_[0][key] = tail_[0][key] = head_[1][key] = tail_[1][key] = kNil;
        refs_[key] = 0;
      }
    }
    if (!keep) {
      if (port == 0 && config_.left_outer && !matched) this->emit(row, nullptr);
      return;
    }
    uint32_t slot = port == 0 ? left_rows_.add(row) : right_rows_.add(row);
    if (port == 0) matched_[slot] = matched;
    time_[port][slot] = t;
    arrival_[port].push_back({t, slot, has_key ? key : kNil});
    if (has_key) {
      next_[port][slot] = kNil;
      if (tail_[port][key] == kNil) head_[port][key] = slot;
      else next_[port][tail_[port][key]] = slot;
      tail_[port][key] = slot;
      ++refs_[key];
    }
    this->note_buffered(left_rows_.size() + right_rows_.size());
  }

  void advance(int64_t w) {
    int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    bool moved = w[0] > watermark_[0] || w[1] > watermark_[1];
    this->raise_watermarks(w);
    if (moved) purge();
  }
  int64_t output_watermark(int64_t w) const { return rt::held_back_watermark(w, config_.hold_back); }

 private:
  struct Held {
    int64_t time;
    uint32_t slot;
    uint32_t key;  // key id; kNil for a NULL key (kept only by a LEFT join's left side)
  };

  size_t size(int port) const { return port == 0 ? left_rows_.size() : right_rows_.size(); }

  bool can_match_later(int port, int64_t t) const {
    // Later rows of the other side have time >= its watermark. A left row at t matches right
    // rows up to t + upper; a right row at s matches left rows down to s - lower.
    // Both computed exactly; at the end of the input nothing can match any more (as hosted).
    if (watermark_[1 - port] == rt::kEndOfInput) return false;
    if (port == 0) return rt::shifted_at_least(t, config_.upper, watermark_[1]);
    return rt::shifted_back_at_least(t, config_.lower, watermark_[0]);
  }

  void purge() {
    // Rows leave in arrival order, so each is at the front of its key's list too.
    for (int port = 0; port < 2; ++port) {
      auto& fifo = arrival_[port];
      while (!fifo.empty() && !can_match_later(port, fifo.front().time)) {
        Held h = fifo.front();
        fifo.pop_front();
        if (h.key != kNil) {
          head_[port][h.key] = next_[port][h.slot];
          if (head_[port][h.key] == kNil) tail_[port][h.key] = kNil;
          if (--refs_[h.key] == 0) keys_.remove(h.key);
        }
        if (port == 0) {
          if (config_.left_outer && !matched_[h.slot]) this->emit(left_rows_.row(h.slot), nullptr);
          left_rows_.remove(h.slot);
        } else {
          right_rows_.remove(h.slot);
        }
      }
    }
    this->note_buffered(left_rows_.size() + right_rows_.size());
  }

  RowSlots<kLeftSize, kMaxBufferedRows> left_rows_;
  RowSlots<kRightSize, kMaxBufferedRows> right_rows_;
  Ring<Held, kMaxBufferedRows> arrival_[2];  // held rows, in arrival order
  int64_t time_[2][kMaxBufferedRows] = {};
  uint32_t next_[2][kMaxBufferedRows] = {};  // by slot: the next held row of its key and side
  uint32_t head_[2][kMaxKeys] = {}, tail_[2][kMaxKeys] = {};  // by key id: its rows, arrival order
  uint32_t refs_[kMaxKeys] = {};             // by key id: held rows (both sides) with the key
  uint8_t matched_[kMaxBufferedRows] = {};   // by left slot: has the row met a right row
  KeyTable<kKeySize, kMaxKeys> keys_ = {};
};

// ---- as-of join -------------------------------------------------------------------------------

/// Each left row meets the right row with the greatest right.time <= left.time (ties: the later
/// arrival). Left rows wait until both watermarks pass their time, then leave in time order.
template <class Ctx, class K, size_t kLeftSize, size_t kRightSize, size_t kKeySize, size_t kOutSize, size_t kMaxKeys,
          size_t kMaxBufferedRows>
class AsofJoin : public JoinCore<Ctx, K, kKeySize, kOutSize> {
  using Core = JoinCore<Ctx, K, kKeySize, kOutSize>;
  using Core::config_;
  using Core::watermark_;
  using Core::key_buf_;
  using Core::kNil;
  static_assert(kLeftSize > 0 && kRightSize > 0 && kMaxKeys > 0 && kMaxBufferedRows > 0, "sizes must be positive");

 public:
  using Config = JoinConfig;

  void init(Ctx* ctx, const Config& config) {
    this->init_core(ctx, config);
    left_rows_.clear();
    right_rows_.clear();
    keys_.clear();
    pending_.clear();
    seq_ = 0;
    advances_since_purge_ = 0;
  }

  void push(int port, const uint8_t* row) {
    int64_t t;
    if (!this->admit(port, row, &t)) return;
    const bool has_key = this->key_of(port, row);
    if (port == 1) {
      if (!has_key) return;  // a NULL key never matches
      uint32_t key = keys_.find(key_buf_);
      // Find the place of t from the back (rows come nearly in time order): after `at`.
      uint32_t at = key == kNil ? kNil : tail_[key];
      while (at != kNil && rtime_[at] > t) at = prev_[at];
      if (at != kNil && rtime_[at] == t) {  // equal times: the later arrival wins
        __builtin_memcpy(right_rows_.row(at), row, kRightSize);
      } else {
        if (right_rows_.size() >= kMaxBufferedRows) {
          ++this->stats_.capacity_dropped;
          return;
        }
        if (key == kNil) {
          bool inserted;
          key = keys_.find_or_insert(key_buf_, &inserted);
          if (key == kNil) {
            ++this->stats_.capacity_dropped;
            return;
          }
          head_[key] = tail_[key] = kNil;
          versions_[key] = refs_[key] = 0;
        }
        uint32_t slot = right_rows_.add(row);
        rtime_[slot] = t;
        prev_[slot] = at;
        next_[slot] = at == kNil ? head_[key] : next_[at];
        if (next_[slot] == kNil) tail_[key] = slot;
        else prev_[next_[slot]] = slot;
        if (at == kNil) head_[key] = slot;
        else next_[at] = slot;
        ++versions_[key];
        ++refs_[key];
      }
      purge_key(key);
    } else {
      if (left_rows_.size() >= kMaxBufferedRows) {
        ++this->stats_.capacity_dropped;
        return;
      }
      uint32_t key = kNil;
      if (has_key) {
        bool inserted;
        key = keys_.find_or_insert(key_buf_, &inserted);
        if (key == kNil) {
          ++this->stats_.capacity_dropped;
          return;
        }
        if (inserted) {
          head_[key] = tail_[key] = kNil;
          versions_[key] = refs_[key] = 0;
        }
        ++refs_[key];
      }
      uint32_t slot = left_rows_.add(row);
      pending_key_[slot] = key;
      pending_.push({t, seq_++, slot});
    }
    this->note_buffered(left_rows_.size() + right_rows_.size());
  }

  void advance(int64_t w) {
    int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    this->raise_watermarks(w);
    release(min64(watermark_[0], watermark_[1]));
    // Purging walks every key: once in a while (as hosted), and at the end of the input.
    if (++advances_since_purge_ >= kPurgeEvery || watermark_[0] == INT64_MAX) {
      advances_since_purge_ = 0;
      for (uint32_t k = 0; k < keys_.high(); ++k)
        if (versions_[k] != 0) purge_key(k);
    }
    this->note_buffered(left_rows_.size() + right_rows_.size());
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }

 private:
  static constexpr uint64_t kPurgeEvery = 1024;  // the hosted period of full sweeps

  void release(int64_t upto) {
    // Left rows leave in time order (ties by arrival) once no earlier left row and no right row
    // at or before their time can still come: time < min(W_left, W_right).
    while (!pending_.empty() && (pending_.top().time < upto || upto == rt::kEndOfInput)) {
      auto item = pending_.pop();
      const uint8_t* left = left_rows_.row(item.slot);
      const uint8_t* right = nullptr;
      uint32_t key = pending_key_[item.slot];
      if (key != kNil) {
        uint32_t at = tail_[key];
        while (at != kNil && rtime_[at] > item.time) at = prev_[at];
        if (at != kNil) right = right_rows_.row(at);
      }
      if (right || config_.left_outer) this->emit(left, right);
      left_rows_.remove(item.slot);
      if (key != kNil) unref(key);
    }
  }

  void unref(uint32_t key) {
    if (--refs_[key] == 0) keys_.remove(key);
  }

  void purge_key(uint32_t key) {
    // Of a key's right rows before min(W_left, W_right) only the newest can still be met.
    const int64_t needed = min64(watermark_[0], watermark_[1]);
    while (versions_[key] >= 2 && rtime_[next_[head_[key]]] <= needed) {
      uint32_t front = head_[key];
      head_[key] = next_[front];
      prev_[head_[key]] = kNil;
      right_rows_.remove(front);
      --versions_[key];
      unref(key);  // the newest version keeps the key
    }
  }

  RowSlots<kLeftSize, kMaxBufferedRows> left_rows_;
  RowSlots<kRightSize, kMaxBufferedRows> right_rows_;
  PendingHeap<kMaxBufferedRows> pending_;        // left rows by (time, arrival)
  uint32_t pending_key_[kMaxBufferedRows] = {};  // by left slot: key id, kNil for a NULL key
  // A key's right rows by time (one per time), a doubly linked list over right slots.
  int64_t rtime_[kMaxBufferedRows] = {};
  uint32_t prev_[kMaxBufferedRows] = {}, next_[kMaxBufferedRows] = {};
  uint32_t head_[kMaxKeys] = {}, tail_[kMaxKeys] = {}, versions_[kMaxKeys] = {};
  uint32_t refs_[kMaxKeys] = {};  // by key id: pending left rows + right versions with the key
  KeyTable<kKeySize, kMaxKeys> keys_ = {};
  int64_t seq_ = 0;
  uint64_t advances_since_purge_ = 0;
};

// ---- window join ------------------------------------------------------------------------------

/// Joins rows of equal windows (window_start, window_end) and keys when the window fires: per
/// firing, left rows in arrival order, each with its right matches in arrival order. Each row's
/// key is computed when it arrives (hosted: when its window fires; the same for pure kernels).
template <class Ctx, class K, size_t kLeftSize, size_t kRightSize, size_t kKeySize, size_t kOutSize, size_t kMaxKeys,
          size_t kMaxBufferedRows>
class WindowJoin : public JoinCore<Ctx, K, kKeySize, kOutSize> {
  using Core = JoinCore<Ctx, K, kKeySize, kOutSize>;
  using Core::config_;
  using Core::watermark_;
  using Core::key_buf_;
  static_assert(kLeftSize > 0 && kRightSize > 0 && kMaxKeys > 0 && kMaxBufferedRows > 0, "sizes must be positive");

 public:
  using Config = JoinConfig;

  void init(Ctx* ctx, const Config& config) {
    this->init_core(ctx, config);
    left_rows_.clear();
    right_rows_.clear();
    count_[0] = count_[1] = 0;
  }

  void push(int port, const uint8_t* row) {
    ++this->stats_.rows_in;
    int64_t start = load_i64(row + (port == 0 ? config_.left_window_start : config_.right_window_start));
    int64_t end = load_i64(row + (port == 0 ? config_.left_window_end : config_.right_window_end));
    if (end <= watermark_[port]) {  // its window has fired
      ++this->stats_.late_dropped;
      return;
    }
    if ((port == 0 ? left_rows_.size() : right_rows_.size()) >= kMaxBufferedRows) {
      ++this->stats_.capacity_dropped;
      return;
    }
    uint32_t slot = port == 0 ? left_rows_.add(row) : right_rows_.add(row);
    Meta& m = meta_[port][slot];
    m.start = start;
    m.end = end;
    m.has_key = this->key_of(port, row);
    __builtin_memcpy(m.key, key_buf_, kKeySize);
    order_[port][count_[port]++] = slot;
    this->note_buffered(left_rows_.size() + right_rows_.size());
  }

  void advance(int64_t w) {
    int64_t both[2] = {w, w};
    advance_ports(both, 2);
  }
  void advance_ports(const int64_t* w, int) {
    this->raise_watermarks(w);
    const int64_t fire = min64(watermark_[0], watermark_[1]);
    // Windows fire in (end, start) order.
    while (true) {
      bool any = false;
      int64_t end = INT64_MAX, start = INT64_MAX;
      for (int p = 0; p < 2; ++p)
        for (size_t i = 0; i < count_[p]; ++i) {
          const Meta& m = meta_[p][order_[p][i]];
          if (!any || m.end < end || (m.end == end && m.start < start)) {
            end = m.end;
            start = m.start;
            any = true;
          }
        }
      if (!any || end > fire) break;  // an end of INT64_MAX fires at the end of the input
      for (size_t i = 0; i < count_[0]; ++i) {
        const Meta& l = meta_[0][order_[0][i]];
        if (l.end != end || l.start != start) continue;
        bool matched = false;
        for (size_t j = 0; l.has_key && j < count_[1]; ++j) {
          const Meta& r = meta_[1][order_[1][j]];
          if (r.end != end || r.start != start || !r.has_key) continue;
          if (__builtin_memcmp(r.key, l.key, kKeySize) != 0) continue;
          this->emit(left_rows_.row(order_[0][i]), right_rows_.row(order_[1][j]));
          matched = true;
        }
        if (!matched && config_.left_outer) this->emit(left_rows_.row(order_[0][i]), nullptr);
      }
      for (int p = 0; p < 2; ++p) {
        size_t kept = 0;
        for (size_t i = 0; i < count_[p]; ++i) {
          uint32_t slot = order_[p][i];
          const Meta& m = meta_[p][slot];
          if (m.end == end && m.start == start) {
            if (p == 0) left_rows_.remove(slot);
            else right_rows_.remove(slot);
          } else {
            order_[p][kept++] = slot;
          }
        }
        count_[p] = kept;
      }
    }
    this->note_buffered(left_rows_.size() + right_rows_.size());
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }

 private:
  struct Meta {
    int64_t start, end;
    bool has_key;
    alignas(8) uint8_t key[kKeySize];
  };
  RowSlots<kLeftSize, kMaxBufferedRows> left_rows_;
  RowSlots<kRightSize, kMaxBufferedRows> right_rows_;
  Meta meta_[2][kMaxBufferedRows] = {};              // by slot
  uint32_t order_[2][kMaxBufferedRows] = {};    // held slots in arrival order
  size_t count_[2] = {0, 0};
};

}  // namespace vlac::fw
