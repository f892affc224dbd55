#pragma once
// Fixed-capacity containers: the storage of operators instantiated with FixedStorage
// (runtime/ops/storage.h), i.e. generated firmware classes. Header-only C++17 with no heap, no
// exceptions, no RTTI and no virtual functions; every capacity is a template parameter, so an
// operator's size is a constant. A full container refuses (returns false / kNone): the operator
// drops the row and counts it, never writes past the end.
//
// Types here are trivially constructible where they may sit in zero-initialised state.

#include <cstddef>
#include <cstdint>

#include "runtime/ops/container_state.h"

namespace vlac::rt {

/// Firmware rows hold their strings inline: operator state needs no string arena. Kernels that
/// take an arena (hosted MIN/MAX of strings copy into one) get a pointer to this instead.
struct NoArena {};

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

  /// Where it starts and its items, oldest first (the same slots when loaded).
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    w.u64(head_);
    w.u64(count_);
    for (size_t i = 0; i < count_; ++i) item.save(w, (*this)[i]);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    uint64_t head, count;
    if (!load_count(r, &head, N - 1) || !load_count(r, &count, N)) return false;
    head_ = static_cast<size_t>(head);
    count_ = static_cast<size_t>(count);
    for (size_t i = 0; i < count_; ++i)
      if (!item.load(r, (*this)[i])) return false;
    return true;
  }

 private:
  T items_[N] = {};
  size_t head_ = 0, count_ = 0;
};

/// A ring of no entries (a queue an OVER frame does not use): always empty, refuses every push.
/// Its accessors are never called on it; they return one shared value instead of reading past.
template <typename T>
class Ring<T, 0> {
 public:
  void clear() {}
  size_t size() const { return 0; }
  bool empty() const { return true; }
  bool full() const { return true; }
  static constexpr size_t capacity() { return 0; }
  T& operator[](size_t) { return none_; }
  const T& operator[](size_t) const { return none_; }
  T& front() { return none_; }
  const T& front() const { return none_; }
  T& back() { return none_; }
  const T& back() const { return none_; }
  bool push_back(const T&) { return false; }
  void pop_front() {}
  void pop_back() {}
  template <class Item = RawItem>
  void save(StateWriter&, const Item& = Item{}) const {}
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& = Item{}) {
    return r.ok();
  }

 private:
  inline static T none_{};
};

/// Fixed-size rows in N slots, reused through a free list (the hosted RowStore; firmware rows
/// hold their strings inline, so a row is plain bytes).
template <size_t kRowSize, size_t N>
class RowSlots {
 public:
  void init(const void*, uint64_t) { clear(); }  // the hosted RowStore's; sized by N
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
  /// Overwrites the row in `slot`; returns the slot.
  uint32_t replace(uint32_t slot, const uint8_t* row) {
    __builtin_memcpy(this->row(slot), row, kRowSize);
    return slot;
  }
  void remove(uint32_t slot) {
    free_[nfree_++] = slot;
    --count_;
  }
  uint8_t* row(uint32_t slot) { return data_ + static_cast<size_t>(slot) * kRowSize; }
  const uint8_t* row(uint32_t slot) const { return data_ + static_cast<size_t>(slot) * kRowSize; }

  /// The slots ever used (rows as bytes: inline strings) and the free list. The hosted
  /// RowStore's save takes a layout; this one ignores it.
  void save(StateWriter& w, const void* = nullptr) const {
    w.u64(high_);
    w.u64(count_);
    w.u64(nfree_);
    w.bytes(data_, high_ * kRowSize);
    w.bytes(free_, nfree_ * sizeof free_[0]);
  }
  bool load(StateReader& r, const void* = nullptr) {
    uint64_t high, count, nfree;
    if (!load_count(r, &high, N) || !load_count(r, &count, high) || !load_count(r, &nfree, high - count)) return false;
    high_ = static_cast<size_t>(high);
    count_ = static_cast<size_t>(count);
    nfree_ = static_cast<size_t>(nfree);
    return r.bytes(data_, high_ * kRowSize) && r.bytes(free_, nfree_ * sizeof free_[0]);
  }

 private:
  alignas(8) uint8_t data_[kRowSize * N] = {};
  uint32_t free_[N] = {};
  size_t nfree_ = 0, count_ = 0, high_ = 0;  // slots at or above high_ were never used
};

/// An entry of a pending heap: a waiting row's event time, arrival number and slot.
struct PendingItem {
  int64_t time, seq;
  uint32_t slot;
};

/// The pending heaps' order and moves, one algorithm for both storages (PendingHeap here,
/// HostedPendingHeap growing), so that both keep the same array. By (time, seq); seq is unique,
/// so the order is total. Bitwise, not short-circuit: the compare is unpredictable, and this
/// way it is a flag, not a branch.
inline bool pending_before(const PendingItem& a, const PendingItem& b) {
  return (a.time < b.time) | ((a.time == b.time) & (a.seq < b.seq));
}
/// a[0, i) is a heap: moves a[i] up until a[0, i] is one.
inline void pending_sift_up(PendingItem* a, size_t i) {
  const PendingItem it = a[i];
  while (i > 0) {
    const size_t p = (i - 1) / 2;
    if (!pending_before(it, a[p])) break;
    a[i] = a[p];
    i = p;
  }
  a[i] = it;
}
/// Takes the top of the heap a[0, n) (n > 0); a[0, n - 1) is a heap after. Bottom-up (Floyd):
/// the top's hole goes down to a leaf by the smaller child, picked without a branch, and the
/// last entry then goes up from there (rarely far: it was a leaf). About half the compares of
/// sifting the last entry down from the top, and none of them a mispredicted branch.
inline PendingItem pending_pop(PendingItem* a, size_t n) {
  const PendingItem top = a[0];
  const size_t last = n - 1;  // a[last] moves into the hole; the heap is a[0, last) after
  size_t i = 0;
  for (size_t c = 1; c + 1 < last; c = 2 * i + 1) {
    c += pending_before(a[c + 1], a[c]);
    a[i] = a[c];
    i = c;
  }
  if (2 * i + 1 < last) {  // one child left, the last leaf
    a[i] = a[2 * i + 1];
    i = 2 * i + 1;
  }
  a[i] = a[last];
  pending_sift_up(a, i);
  return top;
}

/// A min-heap of pending rows by (time, seq), at most N entries: the order in which pending
/// rows (OVER, as-of join) leave.
template <size_t N>
class PendingHeap {
 public:
  using Item = PendingItem;
  void clear() { count_ = 0; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const Item& top() const { return items_[0]; }
  bool push(const Item& it) {
    if (count_ == N) return false;
    items_[count_] = it;
    pending_sift_up(items_, count_++);
    return true;
  }
  Item pop() { return pending_pop(items_, count_--); }

  /// The heap array as it is (the same order when loaded).
  void save(StateWriter& w) const {
    w.u64(count_);
    for (size_t i = 0; i < count_; ++i) save_pending_item(w, items_[i]);
  }
  bool load(StateReader& r) {
    uint64_t count;
    if (!load_count(r, &count, N)) return false;
    count_ = static_cast<size_t>(count);
    for (size_t i = 0; i < count_; ++i)
      if (!load_pending_item(r, &items_[i])) return false;
    return true;
  }

 private:
  Item items_[N] = {};
  size_t count_ = 0;
};

/// A pending-heap item field by field (no padding bytes in the state).
template <class Item>
void save_pending_item(StateWriter& w, const Item& it) {
  w.i64(it.time);
  w.i64(it.seq);
  w.put(it.slot);
}
template <class Item>
bool load_pending_item(StateReader& r, Item* it) {
  it->time = r.i64();
  it->seq = r.i64();
  return r.get(&it->slot);
}

constexpr size_t pow2_at_least(size_t n) {
  size_t p = 2;
  while (p < n) p *= 2;
  return p;
}

/// Empties slot i of an open-addressing table with linear probing (entries id + 1, 0 = empty)
/// by backward-shift deletion: later entries of the probe run move into the hole, so that no
/// tombstones are needed. hash_of(entry) gives an entry's hash (its home is hash & mask).
template <class Slot, class HashOf>
void erase_probed(Slot* slots, size_t mask, size_t i, HashOf hash_of) {
  size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    if (slots[j] == 0) break;
    size_t home = hash_of(slots[j]) & mask;
    bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      slots[i] = slots[j];
      i = j;
    }
  }
  slots[i] = 0;
}

/// Keys of kKeySize bytes (compared bytewise over the whole size) numbered by id, at most N.
/// Without remove(), ids are 0, 1, 2, ... in first-appearance order (the hosted GroupTable's
/// group numbers, the order results are emitted in). remove() frees an id for reuse.
/// Open addressing with linear probing over a power-of-two slot array at most half full.
template <size_t kKeySize, size_t N>
class KeyTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  void init(const void*, uint64_t) { clear(); }  // the hosted HostedKeyTable's; sized by N
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

  /// Whether two key rows hold the same key (keys are inline bytes here).
  static bool equal(const uint8_t* a, const uint8_t* b) { return __builtin_memcmp(a, b, kKeySize) == 0; }

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
    erase_probed(slots_, kMask, i, [this](uint32_t s) { return hash(key(s - 1)); });
    free_[nfree_++] = id;
    --live_;
  }

  /// Counters, slots, free list and the keys of ids handed out (not what lies beyond, so equal
  /// tables save equal bytes). The hosted HostedKeyTable's takes nothing more.
  void save(StateWriter& w) const {
    w.put(live_);
    w.put(high_);
    w.put(nfree_);
    w.bytes(slots_, sizeof slots_);
    w.bytes(free_, nfree_ * sizeof free_[0]);
    w.bytes(keys_, static_cast<size_t>(high_) * kKeySize);
  }
  bool load(StateReader& r) {
    clear();
    if (!r.get(&live_) || !r.get(&high_) || !r.get(&nfree_) || high_ > N || nfree_ > high_ || live_ != high_ - nfree_) {
      clear();
      r.fail();
      return false;
    }
    if (!r.bytes(slots_, sizeof slots_) || !r.bytes(free_, nfree_ * sizeof free_[0]) ||
        !r.bytes(keys_, static_cast<size_t>(high_) * kKeySize))
      return false;
    uint32_t slotted = 0;  // every slot names an id handed out, one per live key
    for (size_t i = 0; i < kSlots; ++i)
      if (slots_[i] != 0 && (slots_[i] > high_ || ++slotted > live_)) r.fail();
    for (uint32_t i = 0; i < nfree_; ++i)
      if (free_[i] >= high_) r.fail();
    if (slotted != live_) r.fail();
    if (!r.ok()) clear();
    return r.ok();
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

/// A KeyTable whose keys each own an accumulator of kAccSize bytes (the hosted GroupTable's
/// interface): groups numbered 0, 1, 2, ... in first-appearance order, at most N.
template <size_t kKeySize, size_t kAccSize, size_t N>
class FixedGroupTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  void init(const void*, uint32_t, uint64_t) { clear(); }  // the hosted GroupTable's; sized by N
  void clear() { keys_.clear(); }
  uint32_t size() const { return keys_.size(); }
  uint8_t* key(uint32_t g) { return keys_.key(g); }
  const uint8_t* key(uint32_t g) const { return keys_.key(g); }
  uint8_t* acc(uint32_t g) { return accs_[g]; }
  NoArena& arena() { return arena_; }
  /// The group of `key`; a new zeroed accumulator when it is new; kNone when new and full.
  uint32_t find_or_insert(const uint8_t* key, bool* inserted) {
    uint32_t g = keys_.find_or_insert(key, inserted);
    if (g != kNone && *inserted) __builtin_memset(accs_[g], 0, kAccSize);
    return g;
  }

  /// Its keys and accumulators as bytes (strings inline). The hosted GroupTable's takes the
  /// accumulators' layout; this one ignores it.
  void save(StateWriter& w, const void* = nullptr) const {
    keys_.save(w);
    w.bytes(accs_, static_cast<size_t>(keys_.high()) * sizeof accs_[0]);
  }
  bool load(StateReader& r, const void* = nullptr) { return keys_.load(r) && r.bytes(accs_, static_cast<size_t>(keys_.high()) * sizeof accs_[0]); }
  /// A table whose contents are never read again before clear() (a SliceFifo's spent
  /// entries): the hosted table keeps the size of its slot array, this one nothing.
  void save_shape(StateWriter&) const {}
  bool load_shape(StateReader& r) {
    clear();
    return r.ok();
  }

 private:
  KeyTable<kKeySize, N> keys_;
  alignas(8) uint8_t accs_[N][kAccSize == 0 ? 1 : kAccSize];
  NoArena arena_;
};

/// Bytes of a compile-time size: the fixed counterpart of a std::vector<uint8_t> buffer.
template <size_t N>
struct FixedBytes {
  void assign(size_t, uint8_t) {}  // sized by N
  uint8_t* data() { return bytes; }
  const uint8_t* data() const { return bytes; }
  static constexpr size_t size() { return N; }
  void save(StateWriter& w) const { w.bytes(bytes, sizeof bytes); }
  bool load(StateReader& r) { return r.bytes(bytes, sizeof bytes); }
  alignas(8) uint8_t bytes[N == 0 ? 1 : N];
};

/// At most N open windows, each a Table (trivially constructible, with clear()), found by
/// (start, end) and leaving in (end, start) order: the fixed counterpart of a std::map. N = 0
/// (an operator that opens no windows, e.g. a SESSION aggregate) holds nothing.
template <class Table, size_t N>
class FixedOpenWindows {
 public:
  void init(const void*, uint32_t, uint64_t, uint64_t) {
    for (size_t i = 0; i < N; ++i) slots_[i].used = false;
  }
  bool empty() const {
    for (size_t i = 0; i < N; ++i)
      if (slots_[i].used) return false;
    return true;
  }
  Table* find(int64_t start, int64_t end) {
    for (size_t i = 0; i < N; ++i)
      if (slots_[i].used && slots_[i].end == end && slots_[i].start == start) return &slots_[i].table;
    return nullptr;
  }
  /// A new empty window; nullptr when N are open.
  Table* open(int64_t start, int64_t end) {
    for (size_t i = 0; i < N; ++i) {
      Slot& s = slots_[i];
      if (s.used) continue;
      s.used = true;
      s.start = start;
      s.end = end;
      s.table.clear();
      return &s.table;
    }
    return nullptr;
  }
  /// The open window with the smallest (end, start); false when none is open.
  bool first(int64_t* start, int64_t* end, Table** table) {
    Slot* best = nullptr;
    for (size_t i = 0; i < N; ++i) {
      Slot& s = slots_[i];
      if (s.used && (!best || s.end < best->end || (s.end == best->end && s.start < best->start))) best = &s;
    }
    if (!best) return false;
    *start = best->start;
    *end = best->end;
    *table = &best->table;
    first_ = best;
    return true;
  }
  /// Closes the window first() returned.
  void close_first() { first_->used = false; }
  /// Calls f(start, end, table) for the open windows in (end, start) order while it returns
  /// true: each step finds the next larger by a scan (N is a firmware capacity, small).
  template <class F>
  void for_each_in_order(F&& f) {
    for_each_from(INT64_MIN, f);
  }
  /// The same for the windows that end after t.
  template <class F>
  void for_each_from(int64_t t, F&& f) {
    Slot* prev = nullptr;
    for (;;) {
      Slot* next = nullptr;
      for (size_t i = 0; i < N; ++i) {
        Slot& s = slots_[i];
        if (!s.used || s.end <= t || (prev && !later(s, *prev))) continue;
        if (!next || later(*next, s)) next = &s;
      }
      if (!next || !f(next->start, next->end, &next->table)) return;
      prev = next;
    }
  }

  /// Each slot: whether it is used and, if so, its bounds and table (the same slots when
  /// loaded). `acc_layout`: the hosted tables' (ignored by fixed ones).
  void save(StateWriter& w, const RowLayout* acc_layout = nullptr) const {
    for (size_t i = 0; i < N; ++i) {
      const Slot& s = slots_[i];
      w.put(static_cast<uint8_t>(s.used));
      if (!s.used) continue;
      w.i64(s.start);
      w.i64(s.end);
      s.table.save(w, acc_layout);
    }
  }
  bool load(StateReader& r, const RowLayout* acc_layout = nullptr) {
    first_ = nullptr;
    for (size_t i = 0; i < N; ++i) {
      Slot& s = slots_[i];
      uint8_t used = 0;
      r.get(&used);
      s.used = used != 0;
      if (used > 1) r.fail();
      if (!r.ok()) return false;
      if (!s.used) continue;
      s.start = r.i64();
      s.end = r.i64();
      s.table.clear();
      if (!s.table.load(r, acc_layout)) return false;
    }
    return true;
  }

 private:
  struct Slot {
    bool used;
    int64_t start, end;
    Table table;
  };
  static bool later(const Slot& a, const Slot& b) { return a.end > b.end || (a.end == b.end && a.start > b.start); }
  Slot slots_[N];
  Slot* first_;
};

template <class Table>
class FixedOpenWindows<Table, 0> {
 public:
  void init(const void*, uint32_t, uint64_t, uint64_t) {}
  bool empty() const { return true; }
  Table* find(int64_t, int64_t) { return nullptr; }
  Table* open(int64_t, int64_t) { return nullptr; }
  bool first(int64_t*, int64_t*, Table**) { return false; }
  void close_first() {}
  template <class F>
  void for_each_in_order(F&&) {}
  template <class F>
  void for_each_from(int64_t, F&&) {}
  void save(StateWriter&, const RowLayout* = nullptr) const {}
  bool load(StateReader& r, const RowLayout* = nullptr) { return r.ok(); }
};

/// For each of at most kKeys key ids, a list of at most kPerKey items in insertion order (the
/// open sessions of a key): the fixed counterpart of a vector of vectors.
template <class T, size_t kKeys, size_t kPerKey>
class FixedLists {
 public:
  void init(uint64_t) {
    for (size_t k = 0; k < kKeys; ++k) count_[k] = 0;
  }
  size_t keys() const { return kKeys; }
  void ensure(uint32_t) {}  // every key's list exists
  size_t size(uint32_t k) const { return count_[k]; }
  T& at(uint32_t k, size_t i) { return items_[k][i]; }
  const T& at(uint32_t k, size_t i) const { return items_[k][i]; }
  /// Appends a default item to key k's list; nullptr when it holds kPerKey.
  T* push(uint32_t k) {
    if (count_[k] >= kPerKey) return nullptr;
    return &items_[k][count_[k]++];
  }
  /// Removes item i of key k, keeping the others' order.
  void erase(uint32_t k, size_t i) {
    for (size_t j = i; j + 1 < count_[k]; ++j) items_[k][j] = items_[k][j + 1];
    --count_[k];
  }

  /// Each key's list: its length and items.
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    for (size_t k = 0; k < kKeys; ++k) {
      w.u64(count_[k]);
      for (size_t i = 0; i < count_[k]; ++i) item.save(w, items_[k][i]);
    }
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    for (size_t k = 0; k < kKeys; ++k) {
      uint64_t n;
      count_[k] = 0;
      if (!load_count(r, &n, kPerKey)) return false;
      count_[k] = static_cast<size_t>(n);
      for (size_t i = 0; i < count_[k]; ++i)
        if (!item.load(r, items_[k][i])) return false;
    }
    return true;
  }

 private:
  T items_[kKeys][kPerKey];
  size_t count_[kKeys];
};

/// At most N items (N >= 1): the fixed counterpart of a std::vector used as scratch space.
template <class T, size_t N>
class FixedVector {
 public:
  void clear() { count_ = 0; }
  size_t size() const { return count_; }
  T* data() { return items_; }
  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }
  /// false when full.
  bool push_back(const T& v) {
    if (count_ == N) return false;
    items_[count_++] = v;
    return true;
  }
  // For items that are too large to copy in (OVER's partitions and frames): the caller keeps
  // the count within N (a table of at most N keys numbers them) and resets what it takes.
  T& emplace_back() { return items_[count_++]; }
  void resize(size_t n) { count_ = n < N ? n : N; }

  /// Its count and items (save_items: the same for a hosted std::vector).
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    save_items(w, *this, item);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    return load_items(r, *this, N, item);
  }

 private:
  T items_[N];
  size_t count_;
};

template <class T, size_t kPerKey>
class FixedLists<T, 0, kPerKey> {
 public:
  void init(uint64_t) {}
  size_t keys() const { return 0; }
  void ensure(uint32_t) {}
  size_t size(uint32_t) const { return 0; }
  T& at(uint32_t, size_t) { return dummy_; }
  const T& at(uint32_t, size_t) const { return dummy_; }
  T* push(uint32_t) { return nullptr; }
  void erase(uint32_t, size_t) {}
  template <class Item = RawItem>
  void save(StateWriter&, const Item& = Item{}) const {}
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& = Item{}) {
    return r.ok();
  }

 private:
  T dummy_;
};

// ---- joins ---------------------------------------------------------------------------------------

/// N values indexed by a slot or key id: the fixed counterpart of a std::vector grown on demand.
template <class T, size_t N>
class FixedArray {
 public:
  void ensure(size_t) {}  // every index below N exists
  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }

  /// Every item (all N exist). The hosted HostedArray's saves those made so far.
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    for (size_t i = 0; i < (N == 0 ? 1 : N); ++i) item.save(w, items_[i]);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    for (size_t i = 0; i < (N == 0 ? 1 : N); ++i)
      if (!item.load(r, items_[i])) return false;
    return true;
  }

 private:
  T items_[N == 0 ? 1 : N];
};

// ---- OVER ----------------------------------------------------------------------------------------

/// Items 0 .. N-1 of the types Item<0> .. Item<N-1>, each of its own size (OVER's frames, one
/// per call), visited in order: the fixed counterpart of a vector of one type (HostedItems).
template <template <size_t> class Item, size_t I, size_t N>
struct FixedItemsFrom {
  Item<I> item;
  FixedItemsFrom<Item, I + 1, N> rest;
  template <class F>
  void for_each(F&& f) {
    f(I, item);
    rest.for_each(f);
  }
};
template <template <size_t> class Item, size_t N>
struct FixedItemsFrom<Item, N, N> {
  template <class F>
  void for_each(F&&) {}
};
template <template <size_t> class Item, size_t N>
struct FixedItems : FixedItemsFrom<Item, 0, N> {
  void resize(size_t) {}  // always N
  /// Each item in order, by `item` (its save/load take every Item<I>: a generic policy).
  template <class ItemState>
  void save(StateWriter& w, const ItemState& item) const {
    const_cast<FixedItems*>(this)->for_each([&](size_t, const auto& x) { item.save(w, x); });
  }
  template <class ItemState>
  bool load(StateReader& r, const ItemState& item) {
    bool ok = true;
    this->for_each([&](size_t, auto& x) { ok = ok && item.load(r, x); });
    return ok && r.ok();
  }
};

}  // namespace vlac::rt
