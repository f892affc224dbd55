#pragma once
// What the containers of runtime/ops (fixed_containers.h, hosted_containers.h, group_table.h,
// slice_*.h) share to save and load themselves (state_io.h): how an item or a row is written.
//
// A container of items T takes an item policy with
//   void save(StateWriter&, const T&) const;   bool load(StateReader&, T&) const;
// RawItem (the default) writes a trivially copyable item as its bytes; an operator whose items
// hold hosted strings or vectors passes its own. Rows (keys, accumulators) go through
// save_row/load_row: hosted rows (a StringArena) by write_row/read_row with their layout, so no
// pointer is written; fixed-storage rows (NoArena) hold their strings inline: plain bytes.
// Header-only and firmware-clean.

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "runtime/ops/state_io.h"

namespace vlac::rt {

struct NoArena;
#if defined(VLAC_FIRMWARE)
struct RowLayout;
#endif

/// Items written as their bytes.
struct RawItem {
  template <class T>
  void save(StateWriter& w, const T& v) const {
    w.put(v);
  }
  template <class T>
  bool load(StateReader& r, T& v) const {
    return r.get(&v);
  }
};

/// A row of `size` bytes whose first layout->size bytes are a row of `layout` (null: no
/// strings) and the rest plain bytes (a sliced group's first arrival). Arena: where the hosted
/// row's strings live (StringArena), or NoArena (inline strings: always plain bytes).
template <class Arena>
void save_row(StateWriter& w, const uint8_t* row, size_t size, const RowLayout* layout) {
#if !defined(VLAC_FIRMWARE)
  if constexpr (!std::is_same<Arena, NoArena>::value) {
    if (layout && layout->size <= size) {
      write_row(w, row, *layout);
      w.bytes(row + layout->size, size - layout->size);
      return;
    }
  }
#endif
  (void)layout;
  w.bytes(row, size);
}

/// Reads a row save_row wrote; its hosted strings are copied into `arena`, which owns them.
template <class Arena>
bool load_row(StateReader& r, uint8_t* row, size_t size, const RowLayout* layout, Arena* arena) {
#if !defined(VLAC_FIRMWARE)
  if constexpr (!std::is_same<Arena, NoArena>::value) {
    if (layout && layout->size <= size)
      return read_row(r, row, *layout, *arena) && r.bytes(row + layout->size, size - layout->size);
  }
#endif
  (void)layout;
  (void)arena;
  return r.bytes(row, size);
}

/// A count read back: false (the reader failed) when it exceeds `most`.
inline bool load_count(StateReader& r, uint64_t* n, uint64_t most) {
  *n = r.u64();
  if (*n > most) r.fail();
  return r.ok();
}

/// A sequence (size(), operator[]) as its count and items; load_items resizes it first.
template <class V, class Item = RawItem>
void save_items(StateWriter& w, const V& v, const Item& item = Item{}) {
  w.u64(v.size());
  for (size_t i = 0; i < v.size(); ++i) item.save(w, v[i]);
}
/// `most`: the most items it may hold (a fixed capacity; hosted: what the bytes left allow).
template <class V, class Item = RawItem>
bool load_items(StateReader& r, V& v, uint64_t most, const Item& item = Item{}) {
  uint64_t n;
  if (!load_count(r, &n, most < r.remaining() ? most : r.remaining())) return false;
  v.clear();
  v.resize(static_cast<size_t>(n));
  if (v.size() != n) {
    r.fail();
    return false;
  }
  for (size_t i = 0; i < n; ++i)
    if (!item.load(r, v[i])) return false;
  return true;
}

}  // namespace vlac::rt
