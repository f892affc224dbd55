#pragma once
// Growing containers: the storage of operators instantiated with HostedStorage
// (runtime/ops/storage.h), for `vlac run` and host builds. Each has the interface of its fixed
// counterpart in fixed_containers.h, with the capacity a run-time limit (a `WITH` option,
// unbounded by default) instead of a template parameter: a full container refuses the same way.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/ops/container_state.h"
#include "runtime/ops/fixed_containers.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/row_store.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

/// Open windows, each a GroupTable, found by (start, end) and leaving in (end, start) order.
class HostedOpenWindows {
 public:
  void init(const RowLayout* key_layout, uint32_t acc_size, uint64_t max_open, uint64_t max_keys) {
    key_layout_ = key_layout;
    acc_size_ = acc_size;
    max_open_ = max_open;
    max_keys_ = max_keys;
  }
  bool empty() const { return windows_.empty(); }
  GroupTable* find(int64_t start, int64_t end) {
    auto it = windows_.find({end, start});
    return it == windows_.end() ? nullptr : it->second.get();
  }
  /// A new empty window; nullptr when max_open are open.
  GroupTable* open(int64_t start, int64_t end) {
    if (windows_.size() >= max_open_) return nullptr;
    auto table = std::make_unique<GroupTable>(key_layout_, acc_size_, max_keys_);
    return windows_.emplace(std::make_pair(end, start), std::move(table)).first->second.get();
  }
  /// The open window with the smallest (end, start); false when none is open.
  bool first(int64_t* start, int64_t* end, GroupTable** table) {
    if (windows_.empty()) return false;
    auto it = windows_.begin();
    *end = it->first.first;
    *start = it->first.second;
    *table = it->second.get();
    return true;
  }
  /// Closes the window first() returned (its groups and strings are freed).
  void close_first() { windows_.erase(windows_.begin()); }
  /// Calls f(start, end, table) for the open windows in (end, start) order while it returns true.
  template <class F>
  void for_each_in_order(F&& f) {
    for (auto& [bounds, table] : windows_)
      if (!f(bounds.second, bounds.first, table.get())) return;
  }
  /// The same for the windows that end after t.
  template <class F>
  void for_each_from(int64_t t, F&& f) {
    for (auto it = windows_.upper_bound({t, INT64_MAX}); it != windows_.end(); ++it)
      if (!f(it->first.second, it->first.first, it->second.get())) return;
  }

  /// The open windows in order: bounds and table (GroupTable::save, with `acc_layout`).
  void save(StateWriter& w, const RowLayout* acc_layout) const {
    w.u64(windows_.size());
    for (const auto& [bounds, table] : windows_) {
      w.i64(bounds.second);
      w.i64(bounds.first);
      table->save(w, acc_layout);
    }
  }
  bool load(StateReader& r, const RowLayout* acc_layout) {
    windows_.clear();
    uint64_t n;
    if (!load_count(r, &n, max_open_ < r.remaining() ? max_open_ : r.remaining())) return false;
    for (uint64_t i = 0; i < n; ++i) {
      const int64_t start = r.i64(), end = r.i64();
      GroupTable* table = r.ok() && !find(start, end) ? open(start, end) : nullptr;
      if (!table || !table->load(r, acc_layout)) {
        r.fail();
        return false;
      }
    }
    return true;
  }

 private:
  const RowLayout* key_layout_ = nullptr;
  uint32_t acc_size_ = 0;
  uint64_t max_open_ = UINT64_MAX, max_keys_ = UINT64_MAX;
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<GroupTable>> windows_;  // (end, start)
};

/// For each key id, a list of items in insertion order, at most `per_key` long.
template <class T>
class HostedLists {
 public:
  void init(uint64_t per_key) { per_key_ = per_key; }
  size_t keys() const { return lists_.size(); }
  /// Makes key k's list exist (ids are dense: a new key is the next id).
  void ensure(uint32_t k) {
    if (k >= lists_.size()) lists_.resize(static_cast<size_t>(k) + 1);
  }
  size_t size(uint32_t k) const { return lists_[k].size(); }
  T& at(uint32_t k, size_t i) { return lists_[k][i]; }
  const T& at(uint32_t k, size_t i) const { return lists_[k][i]; }
  T* push(uint32_t k) {
    if (lists_[k].size() >= per_key_) return nullptr;
    return &lists_[k].emplace_back();
  }
  void erase(uint32_t k, size_t i) { lists_[k].erase(lists_[k].begin() + static_cast<std::ptrdiff_t>(i)); }

  /// The lists made so far (keys()), each its length and items.
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    w.u64(lists_.size());
    for (const std::vector<T>& list : lists_) save_items(w, list, item);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    uint64_t n;
    lists_.clear();
    if (!load_count(r, &n, r.remaining())) return false;
    lists_.resize(static_cast<size_t>(n));
    for (std::vector<T>& list : lists_)
      if (!load_items(r, list, per_key_, item)) return false;
    return true;
  }

 private:
  uint64_t per_key_ = UINT64_MAX;
  std::vector<std::vector<T>> lists_;
};

// ---- joins ---------------------------------------------------------------------------------------

/// A FIFO without a limit (the operator bounds what it holds): Ring's interface on a std::deque,
/// which allocates in blocks, not per item.
template <class T>
class HostedFifo {
 public:
  void clear() { items_.clear(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  T& operator[](size_t i) { return items_[i]; }
  T& front() { return items_.front(); }
  bool push_back(const T& v) {
    items_.push_back(v);
    return true;
  }
  void pop_front() { items_.pop_front(); }

  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    save_items(w, items_, item);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    return load_items(r, items_, UINT64_MAX, item);
  }

 private:
  std::deque<T> items_;
};

/// A min-heap of pending rows (PendingHeap's interface and algorithm, growing).
class HostedPendingHeap {
 public:
  using Item = PendingItem;
  void clear() { items_.clear(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const Item& top() const { return items_.front(); }
  /// The i-th item of the heap array (in no particular order).
  const Item& item(size_t i) const { return items_[i]; }
  bool push(const Item& it) {
    items_.push_back(it);
    pending_sift_up(items_.data(), items_.size() - 1);
    return true;
  }
  Item pop() {
    const Item top = pending_pop(items_.data(), items_.size());
    items_.pop_back();
    return top;
  }

  /// The heap array as it is (the same order when loaded).
  void save(StateWriter& w) const {
    w.u64(items_.size());
    for (const Item& it : items_) save_pending_item(w, it);
  }
  bool load(StateReader& r) {
    uint64_t n;
    items_.clear();
    if (!load_count(r, &n, r.remaining())) return false;
    items_.resize(static_cast<size_t>(n));
    for (Item& it : items_)
      if (!load_pending_item(r, &it)) return false;
    return true;
  }

 private:
  std::vector<Item> items_;
};

/// Values indexed by a slot or key id, grown on demand (FixedArray's interface).
template <class T>
class HostedArray {
 public:
  /// Makes indices below n exist (new ones value-initialised).
  void ensure(size_t n) {
    if (items_.size() < n) items_.resize(n);
  }
  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }

  /// The items made so far (ensure()d).
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    save_items(w, items_, item);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    return load_items(r, items_, UINT64_MAX, item);
  }

 private:
  std::vector<T> items_;
};

/// A frame's values (Ring's interface, growing), saved as Ring is: its items in order.
template <class T>
class HostedQueue : public std::deque<T> {
 public:
  template <class Item = RawItem>
  void save(StateWriter& w, const Item& item = Item{}) const {
    save_items(w, *this, item);
  }
  template <class Item = RawItem>
  bool load(StateReader& r, const Item& item = Item{}) {
    return load_items(r, *this, UINT64_MAX, item);
  }
};

/// Items of one type, visited in order (FixedItems' interface: there each has its own type).
template <class T>
class HostedItems {
 public:
  void resize(size_t n) { items_.resize(n); }
  template <class F>
  void for_each(F&& f) {
    for (size_t i = 0; i < items_.size(); ++i) f(i, items_[i]);
  }

  /// Its count and items, by `item` (FixedItems': the same policy).
  template <class ItemState>
  void save(StateWriter& w, const ItemState& item) const {
    save_items(w, items_, item);
  }
  template <class ItemState>
  bool load(StateReader& r, const ItemState& item) {
    return load_items(r, items_, UINT64_MAX, item);
  }

 private:
  std::vector<T> items_;
};

/// KeyTable's interface for key rows of a run-time layout, at most `limit` live keys (a `WITH`
/// capacity): ids are reused once removed, STRING keys compare by their bytes and own a copy,
/// and the copies of removed keys are compacted away, so that memory stays proportional to the
/// keys held on an endless stream. A slot holds the key's id and the low 32 bits of its hash:
/// a probe reads a key's bytes only when those bits match, and deletion and growth never do
/// (with many keys held, e.g. a join on price, each read of a key's bytes is a cache miss).
class HostedKeyTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  void init(const RowLayout* key_layout, uint64_t limit) {
    *this = HostedKeyTable();
    rows_.init(key_layout);
    size_ = key_layout->size;
    limit_ = limit;
    slots_.assign(16, 0);
  }
  /// A slot: (low 32 bits of the hash) << 32 | (id + 1); 0 = empty.
  using Slot = uint64_t;
  uint32_t size() const { return live_; }
  uint32_t high() const { return high_; }
  uint8_t* key(uint32_t id) { return keys_.data() + static_cast<size_t>(id) * size_; }
  const uint8_t* key(uint32_t id) const { return keys_.data() + static_cast<size_t>(id) * size_; }

  /// Whether two key rows hold the same key (STRING fields by their bytes).
  bool equal(const uint8_t* a, const uint8_t* b) const { return rows_.equal(a, b); }

  uint32_t find(const uint8_t* key) const {
    const size_t mask = slots_.size() - 1;
    const uint64_t h = rows_.hash(key);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot s = slots_[i];
      if (s == 0) return kNone;
      if (same_hash(s, h) && rows_.equal(this->key(id_of(s)), key)) return id_of(s);
    }
  }

  /// The id of `key`, inserting it when new (then *inserted); kNone when new and `limit` are held.
  uint32_t find_or_insert(const uint8_t* key, bool* inserted) {
    *inserted = false;
    const size_t mask = slots_.size() - 1;
    const uint64_t h = rows_.hash(key);
    size_t i = h & mask;
    for (;; i = (i + 1) & mask) {
      const Slot s = slots_[i];
      if (s == 0) break;
      if (same_hash(s, h) && rows_.equal(this->key(id_of(s)), key)) return id_of(s);
    }
    if (live_ >= limit_) return kNone;
    uint32_t id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
    } else {
      id = high_++;
      keys_.resize(static_cast<size_t>(high_) * size_);
      live_ids_.push_back(0);
    }
    std::memcpy(this->key(id), key, size_);
    if (rows_.has_strings()) {
      size_t bytes = rows_.own_strings(this->key(id), &arena_);
      arena_bytes_ += bytes;
      live_string_bytes_ += bytes;
    }
    live_ids_[id] = 1;
    slots_[i] = slot(h, id);
    ++live_;
    *inserted = true;
    if (static_cast<size_t>(live_) * 2 > slots_.size()) rehash(slots_.size() * 2);
    return id;
  }

  void remove(uint32_t id) {
    const size_t mask = slots_.size() - 1;
    const Slot mine = slot(rows_.hash(key(id)), id);
    size_t i = (mine >> 32) & mask;
    while (slots_[i] != mine) i = (i + 1) & mask;
    erase_probed(slots_.data(), mask, i, [](Slot s) { return s >> 32; });
    if (rows_.has_strings()) live_string_bytes_ -= rows_.string_bytes(key(id));
    live_ids_[id] = 0;
    free_.push_back(id);
    --live_;
    if (arena_bytes_ > 65536 && arena_bytes_ > 2 * live_string_bytes_) compact();
  }

  /// Counters, slots, free list and the live keys (strings by value; removed ids' keys are
  /// not kept): loaded into a table init()ed with the same layout, the same table.
  void save(StateWriter& w) const {
    w.put(live_);
    w.put(high_);
    w.u64(arena_bytes_);
    w.u64(live_string_bytes_);
    save_items(w, slots_);
    save_items(w, free_);
    for (uint32_t id = 0; id < high_; ++id) {
      w.put(live_ids_[id]);
      if (live_ids_[id]) write_row(w, key(id), *rows_.layout());
    }
  }
  bool load(StateReader& r) {
    const RowLayout* layout = rows_.layout();
    const uint64_t limit = limit_;
    init(layout, limit);
    r.get(&live_);
    r.get(&high_);
    arena_bytes_ = r.u64();
    live_string_bytes_ = r.u64();
    if (!load_items(r, slots_, r.remaining()) || !load_items(r, free_, high_) || slots_.size() < 2 ||
        (slots_.size() & (slots_.size() - 1)) != 0 || static_cast<uint64_t>(high_) > r.remaining()) {
      r.fail();
      return false;
    }
    keys_.assign(static_cast<size_t>(high_) * size_, 0);
    live_ids_.assign(high_, 0);
    uint32_t live = 0;
    for (uint32_t id = 0; id < high_; ++id) {
      r.get(&live_ids_[id]);
      if (live_ids_[id] && !read_row(r, key(id), *layout, arena_)) return false;
      live += live_ids_[id] != 0;
    }
    if (live != live_ || static_cast<uint64_t>(live_) + free_.size() != high_) r.fail();
    uint32_t slotted = 0;  // every slot names a live id, each live id has one
    for (const Slot s : slots_)
      if (s != 0 && (id_of(s) >= high_ || !live_ids_[id_of(s)] || ++slotted > live_)) r.fail();
    for (const uint32_t id : free_)
      if (id >= high_ || live_ids_[id]) r.fail();
    if (slotted != live_ || static_cast<size_t>(live_) * 2 > slots_.size()) r.fail();
    return r.ok();
  }

 private:
  // The home of a slot is its stored hash bits & mask: tables stay below 2^32 slots (ids are
  // 32-bit and a table is at most half full).
  static Slot slot(uint64_t hash, uint32_t id) { return (hash << 32) | (static_cast<Slot>(id) + 1); }
  static uint32_t id_of(Slot s) { return static_cast<uint32_t>(s) - 1; }
  static bool same_hash(Slot s, uint64_t hash) { return (s >> 32) == (hash & 0xFFFFFFFFu); }

  void rehash(size_t n) {
    std::vector<Slot> old(n, 0);
    old.swap(slots_);
    for (const Slot s : old) {
      if (s == 0) continue;
      size_t i = (s >> 32) & (n - 1);
      while (slots_[i] != 0) i = (i + 1) & (n - 1);
      slots_[i] = s;
    }
  }
  /// Copies the strings of the live keys into a fresh arena and drops the old one.
  void compact() {
    StringArena fresh;
    for (uint32_t id = 0; id < high_; ++id)
      if (live_ids_[id]) rows_.own_strings(key(id), &fresh);
    arena_ = std::move(fresh);
    arena_bytes_ = live_string_bytes_;
  }

  KeyRows rows_;
  uint32_t size_ = 0;
  uint64_t limit_ = UINT64_MAX;
  uint32_t live_ = 0, high_ = 0;  // live keys; ids handed out are below high_
  std::vector<uint8_t> keys_, live_ids_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  StringArena arena_;
  size_t arena_bytes_ = 0, live_string_bytes_ = 0;
};

}  // namespace vlac::rt
