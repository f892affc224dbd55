#pragma once
// Growing containers: the storage of operators instantiated with HostedStorage
// (runtime/ops/storage.h), for `vlac run` and host builds. Each has the interface of its fixed
// counterpart in fixed_containers.h, with the capacity a run-time limit (a `WITH` option,
// unbounded by default) instead of a template parameter: a full container refuses the same way.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

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
  T* push(uint32_t k) {
    if (lists_[k].size() >= per_key_) return nullptr;
    return &lists_[k].emplace_back();
  }
  void erase(uint32_t k, size_t i) { lists_[k].erase(lists_[k].begin() + static_cast<std::ptrdiff_t>(i)); }

 private:
  uint64_t per_key_ = UINT64_MAX;
  std::vector<std::vector<T>> lists_;
};

// ---- OVER ---------------------------------------------------------------------------------------

/// Rows kept until the watermark releases them, at most `max` (RowSlots' interface): a RowStore,
/// which copies the rows' strings.
class HostedRowSlots {
 public:
  void init(const RowLayout* layout, uint64_t max) {
    store_.emplace(layout);
    max_ = max;
  }
  size_t size() const { return store_->size(); }
  bool full() const { return store_->size() >= max_; }
  /// Copies `row` in; UINT32_MAX when `max` are kept.
  uint32_t add(const uint8_t* row) { return full() ? UINT32_MAX : store_->add(row); }
  void remove(uint32_t slot) { store_->remove(slot); }
  uint8_t* row(uint32_t slot) { return store_->row(slot); }

 private:
  std::optional<RowStore> store_;
  uint64_t max_ = UINT64_MAX;
};

/// A min-heap of (time, seq, slot) by (time, seq) (PendingHeap's interface, growing). seq is
/// unique, so the order is total: rows leave in the same order under both policies.
class HostedPendingHeap {
 public:
  struct Item {
    int64_t time, seq;
    uint32_t slot;
  };
  void clear() { items_.clear(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const Item& top() const { return items_.front(); }
  bool push(const Item& it) {
    items_.push_back(it);
    std::push_heap(items_.begin(), items_.end(), later);
    return true;
  }
  Item pop() {
    std::pop_heap(items_.begin(), items_.end(), later);
    Item top = items_.back();
    items_.pop_back();
    return top;
  }

 private:
  static bool later(const Item& a, const Item& b) { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
  std::vector<Item> items_;
};

/// A frame's values (Ring's interface, growing).
template <class T>
using HostedQueue = std::deque<T>;

/// Items of one type, visited in order (FixedItems' interface: there each has its own type).
template <class T>
class HostedItems {
 public:
  void resize(size_t n) { items_.resize(n); }
  template <class F>
  void for_each(F&& f) {
    for (size_t i = 0; i < items_.size(); ++i) f(i, items_[i]);
  }

 private:
  std::vector<T> items_;
};

}  // namespace vlac::rt
