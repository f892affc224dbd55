#pragma once
// Firmware runtime (LANGUAGE.md §9): the shared parts of the fixed-capacity operators that
// generated firmware code uses. Header-only, C++17, no exceptions, no RTTI, no heap, no virtual
// functions, no guarded statics; only <cstdint>, <cstddef> and <cmath> (and row_layout.h with
// VLAC_FIRMWARE). Every capacity is a template parameter, so an operator's size is a constant.
//
// The operators mirror the hosted ones in runtime/ops (same rows, same order, same counters);
// where a hosted container grows, the firmware one is full: the row is dropped and counted in
// Stats::capacity_dropped, never written past the end.

#include <cstddef>
#include <cstdint>

#include "runtime/ops/operator_stats.h"
#include "runtime/ops/window_math.h"
#include "runtime/scalar/wrapping.h"

namespace vlac::fw {

/// The counters of one operator: the hosted operators' (rows in/out, late and capacity drops).
using Stats = rt::OperatorStats;

using rt::WindowMode;

// ---- integers and window math, shared with the hosted runtime ---------------------------------

using rt::sat_add;
using rt::sat_sub;
using rt::for_each_window;
using rt::tumble_start;
using rt::wrap_add;
using rt::wrap_mul;
using rt::wrap_sub;
inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

inline int64_t load_i64(const uint8_t* p) {
  int64_t v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store_i64(uint8_t* p, int64_t v) { __builtin_memcpy(p, &v, sizeof v); }

// ---- containers --------------------------------------------------------------------------------

/// A FIFO of at most N values (N >= 1), oldest at index 0. push_back on a full ring returns false.
template <typename T, size_t N>
class Ring {
 public:
  void clear() { head_ = count_ = 0; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == N; }
  static constexpr size_t capacity() { return N; }
  T& operator[](size_t i) { return items_[(head_ + i) % N]; }
  const T& operator[](size_t i) const { return items_[(head_ + i) % N]; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return (*this)[count_ - 1]; }
  const T& back() const { return (*this)[count_ - 1]; }
  bool push_back(const T& v) {
    if (count_ == N) return false;
    items_[(head_ + count_) % N] = v;
    ++count_;
    return true;
  }
  void pop_front() {
    if (count_ == 0) return;
    head_ = (head_ + 1) % N;
    --count_;
  }
  void pop_back() {
    if (count_ != 0) --count_;
  }

 private:
  T items_[N] = {};
  size_t head_ = 0, count_ = 0;
};

/// Fixed-size rows in N slots, reused through a free list (the hosted RowStore; firmware rows
/// hold their strings inline, so a row is plain bytes).
template <size_t kRowSize, size_t N>
class RowSlots {
 public:
  void clear() { count_ = nfree_ = high_ = 0; }
  size_t size() const { return count_; }
  bool full() const { return count_ == N; }
  /// Copies `row` in; UINT32_MAX when every slot is taken. Freed slots are reused last-freed
  /// first (as the hosted RowStore does).
  uint32_t add(const uint8_t* row) {
    uint32_t slot;
    if (nfree_ != 0) slot = free_[--nfree_];
    else if (high_ < N) slot = static_cast<uint32_t>(high_++);
    else return UINT32_MAX;
    __builtin_memcpy(this->row(slot), row, kRowSize);
    ++count_;
    return slot;
  }
  void remove(uint32_t slot) {
    free_[nfree_++] = slot;
    --count_;
  }
  uint8_t* row(uint32_t slot) { return data_ + static_cast<size_t>(slot) * kRowSize; }
  const uint8_t* row(uint32_t slot) const { return data_ + static_cast<size_t>(slot) * kRowSize; }

 private:
  alignas(8) uint8_t data_[kRowSize * N] = {};
  uint32_t free_[N] = {};
  size_t nfree_ = 0, count_ = 0, high_ = 0;  // slots at or above high_ were never used
};

/// A min-heap of (time, seq, slot) by (time, seq), at most N entries: the order in which
/// pending rows (OVER, as-of join) leave. seq is unique, so the order is total.
template <size_t N>
class PendingHeap {
 public:
  struct Item {
    int64_t time, seq;
    uint32_t slot;
  };
  void clear() { count_ = 0; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const Item& top() const { return items_[0]; }
  bool push(const Item& it) {
    if (count_ == N) return false;
    size_t i = count_++;
    items_[i] = it;
    while (i > 0) {
      size_t p = (i - 1) / 2;
      if (!less(items_[i], items_[p])) break;
      swap(i, p);
      i = p;
    }
    return true;
  }
  Item pop() {
    Item top = items_[0];
    items_[0] = items_[--count_];
    size_t i = 0;
    while (true) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < count_ && less(items_[l], items_[m])) m = l;
      if (r < count_ && less(items_[r], items_[m])) m = r;
      if (m == i) break;
      swap(i, m);
      i = m;
    }
    return top;
  }

 private:
  static bool less(const Item& a, const Item& b) { return a.time != b.time ? a.time < b.time : a.seq < b.seq; }
  void swap(size_t a, size_t b) {
    Item t = items_[a];
    items_[a] = items_[b];
    items_[b] = t;
  }
  Item items_[N] = {};
  size_t count_ = 0;
};

constexpr size_t pow2_at_least(size_t n) {
  size_t p = 2;
  while (p < n) p *= 2;
  return p;
}

/// Keys of kKeySize bytes (compared bytewise over the whole size) numbered by id, at most N.
/// Without remove(), ids are 0, 1, 2, ... in first-appearance order (the hosted GroupTable's
/// group numbers, the order results are emitted in). remove() frees an id for reuse.
/// Open addressing with linear probing over a power-of-two slot array at most half full.
template <size_t kKeySize, size_t N>
class KeyTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  void clear() {
    __builtin_memset(slots_, 0, sizeof slots_);
    live_ = high_ = nfree_ = 0;
  }
  /// Live keys.
  uint32_t size() const { return live_; }
  /// Ids handed out so far are below this (== size() when nothing was removed).
  uint32_t high() const { return high_; }
  uint8_t* key(uint32_t id) { return keys_ + static_cast<size_t>(id) * kKeySize; }
  const uint8_t* key(uint32_t id) const { return keys_ + static_cast<size_t>(id) * kKeySize; }

  uint32_t find(const uint8_t* key) const {
    for (size_t i = hash(key) & kMask;; i = (i + 1) & kMask) {
      uint32_t s = slots_[i];
      if (s == 0) return kNone;
      if (__builtin_memcmp(this->key(s - 1), key, kKeySize) == 0) return s - 1;
    }
  }

  /// The id of `key`, inserting it when new (then *inserted); kNone when new and full.
  uint32_t find_or_insert(const uint8_t* key, bool* inserted) {
    *inserted = false;
    size_t i = hash(key) & kMask;
    for (;; i = (i + 1) & kMask) {
      uint32_t s = slots_[i];
      if (s == 0) break;
      if (__builtin_memcmp(this->key(s - 1), key, kKeySize) == 0) return s - 1;
    }
    if (live_ >= N) return kNone;
    uint32_t id = nfree_ ? free_[--nfree_] : high_++;
    __builtin_memcpy(this->key(id), key, kKeySize);
    slots_[i] = id + 1;
    ++live_;
    *inserted = true;
    return id;
  }

  void remove(uint32_t id) {
    size_t i = hash(key(id)) & kMask;
    while (slots_[i] != id + 1) i = (i + 1) & kMask;
    // Backward-shift deletion: move later entries of the probe run into the hole.
    size_t j = i;
    while (true) {
      j = (j + 1) & kMask;
      if (slots_[j] == 0) break;
      size_t home = hash(key(slots_[j] - 1)) & kMask;
      bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = 0;
    free_[nfree_++] = id;
    --live_;
  }

 private:
  static constexpr size_t kSlots = pow2_at_least(2 * N);
  static constexpr size_t kMask = kSlots - 1;
  static uint64_t hash(const uint8_t* key) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < kKeySize; ++i) h = (h ^ key[i]) * 1099511628211ull;
    return h ^ (h >> 29);
  }
  // No member initializers: the table is trivially constructible, so that it can live in a
  // union (all zero is the empty table; clear() makes one).
  alignas(8) uint8_t keys_[kKeySize * N];
  uint32_t slots_[kSlots];  // id + 1; 0 = empty
  uint32_t free_[N];
  uint32_t live_, high_, nfree_;
};

}  // namespace vlac::fw
