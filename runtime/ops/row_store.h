#pragma once
// Rows an operator keeps (join buffers, pending OVER rows): fixed-size slots that are reused,
// and a string arena that is compacted when most of it belongs to rows already removed, so
// that memory stays proportional to the rows held, on an endless stream too.

#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/ops/state_io.h"
#include "runtime/ops/string_arena.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

/// The hosted counterpart of RowSlots (fixed_containers.h): at most `limit` rows (a `WITH`
/// capacity, unbounded by default) of a run-time layout.
class RowStore {
 public:
  explicit RowStore(const RowLayout* layout, uint64_t limit = UINT64_MAX) { init(layout, limit); }
  RowStore() = default;
  /// Sets up an empty store (for a member constructed before its layout is known).
  void init(const RowLayout* layout, uint64_t limit) {
    *this = RowStore();
    layout_ = layout;
    limit_ = limit;
    for (const Field& f : layout->fields)
      if (f.type == FieldType::String) strings_.push_back(f);
  }
  bool full() const { return count_ >= limit_; }

  /// Copies `row` (and its strings) in; returns its slot, UINT32_MAX when it holds `limit` rows.
  uint32_t add(const uint8_t* row) {
    if (full()) return UINT32_MAX;
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<uint32_t>(live_.size());
      live_.push_back(false);
      data_.resize(static_cast<size_t>(live_.size()) * layout_->size);
    }
    live_[slot] = true;
    ++count_;
    copy_in(slot, row);
    return slot;
  }

  /// Overwrites the row in `slot` with `row`; returns the slot (the same).
  uint32_t replace(uint32_t slot, const uint8_t* row) {
    drop_strings(slot);
    copy_in(slot, row);
    maybe_compact();
    return slot;
  }

  void remove(uint32_t slot) {
    drop_strings(slot);
    live_[slot] = false;
    free_.push_back(slot);
    --count_;
    maybe_compact();
  }

  uint8_t* row(uint32_t slot) { return data_.data() + static_cast<size_t>(slot) * layout_->size; }
  const uint8_t* row(uint32_t slot) const { return data_.data() + static_cast<size_t>(slot) * layout_->size; }
  size_t size() const { return count_; }

  /// Its state (LANGUAGE.md §10): the number of slots, the free list in its order, then each
  /// live row in slot order with its strings (write_row). Freed slots' stale bytes are not state.
  void save(StateWriter& w) const {
    w.u64(live_.size());
    w.u64(free_.size());
    for (const uint32_t slot : free_) w.put(slot);
    for (uint32_t slot = 0; slot < live_.size(); ++slot)
      if (live_[slot]) write_row(w, row(slot), *layout_);
  }
  /// Into a store init()ed with the same layout and limit: the same slots, free list and live
  /// rows; the strings are copied into a fresh arena the store owns. False when malformed.
  bool load(StateReader& r) {
    const uint64_t slots = r.u64(), nfree = r.u64();
    // Each free slot takes 4 bytes and each live row at least its size: no allocation beyond
    // what the input can describe.
    if (!r.ok() || nfree > slots || nfree > r.remaining() / 4 || slots - nfree > limit_ ||
        slots - nfree > (r.remaining() - nfree * 4) / layout_->size) {
      r.fail();
      return false;
    }
    data_.assign(static_cast<size_t>(slots) * layout_->size, 0);
    live_.assign(static_cast<size_t>(slots), true);
    free_.resize(static_cast<size_t>(nfree));
    for (uint32_t& slot : free_) {
      r.get(&slot);
      if (slot >= slots || !live_[slot]) return fail(r);
      live_[slot] = false;
    }
    count_ = static_cast<size_t>(slots - nfree);
    arena_ = StringArena();
    live_string_bytes_ = 0;
    for (uint32_t slot = 0; slot < slots; ++slot)
      if (live_[slot] && !read_row(r, row(slot), *layout_, arena_, &live_string_bytes_)) return fail(r);
    arena_bytes_ = live_string_bytes_;
    return r.ok();
  }

 private:
  void copy_in(uint32_t slot, const uint8_t* row) {
    uint8_t* dst = this->row(slot);
    std::memcpy(dst, row, layout_->size);
    for (const Field& f : strings_) {
      if (is_null(dst, f)) continue;
      StringRef s = get<StringRef>(dst, f);
      s.data = arena_.copy(s.data, s.size);
      arena_bytes_ += s.size;
      live_string_bytes_ += s.size;
      put(dst, f, s);
    }
  }
  void drop_strings(uint32_t slot) {
    uint8_t* r = row(slot);
    for (const Field& f : strings_)
      if (!is_null(r, f)) live_string_bytes_ -= get<StringRef>(r, f).size;
  }
  /// A malformed state: the store is left empty (as init() made it).
  bool fail(StateReader& r) {
    r.fail();
    data_.clear();
    live_.clear();
    free_.clear();
    count_ = 0;
    arena_ = StringArena();
    arena_bytes_ = live_string_bytes_ = 0;
    return false;
  }
  void maybe_compact() {
    if (arena_bytes_ > 65536 && arena_bytes_ > 2 * live_string_bytes_) compact();
  }

  /// Copies the strings of the live rows into a fresh arena and drops the old one.
  void compact() {
    StringArena fresh;
    for (uint32_t slot = 0; slot < live_.size(); ++slot) {
      if (!live_[slot]) continue;
      uint8_t* r = row(slot);
      for (const Field& f : strings_) {
        if (is_null(r, f)) continue;
        StringRef s = get<StringRef>(r, f);
        s.data = fresh.copy(s.data, s.size);
        put(r, f, s);
      }
    }
    arena_ = std::move(fresh);
    arena_bytes_ = live_string_bytes_;
  }

  const RowLayout* layout_ = nullptr;
  uint64_t limit_ = UINT64_MAX;
  std::vector<Field> strings_;
  std::vector<uint8_t> data_;
  std::vector<bool> live_;
  std::vector<uint32_t> free_;
  size_t count_ = 0;
  StringArena arena_;
  size_t arena_bytes_ = 0, live_string_bytes_ = 0;
};

}  // namespace vlac::rt
