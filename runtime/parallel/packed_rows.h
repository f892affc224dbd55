#pragma once
// Rows handed from one thread to another in a byte buffer (hosted `--threads`). A row's STRING
// fields point into memory of the thread that made it (a reader's buffer, the per-row scratch),
// which is reused before the other thread reads the row; so each row is packed with a copy of
// its strings after it, and the string fields are pointed at those copies when it is unpacked.
//
// An entry: [int64 seq][int64 watermark][the row][its strings, padded to 8 bytes], or a
// marker that carries no row: [kind][int64 value], its kind a negative number (arrival numbers
// are never negative).

#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/parallel/batch_queue.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

class PackedRows {
 public:
  explicit PackedRows(const RowLayout* layout = nullptr) { init(layout); }
  void init(const RowLayout* layout) {
    layout_ = layout;
    strings_.clear();
    if (!layout) return;
    for (const Field& f : layout->fields)
      if (f.type == FieldType::String) strings_.push_back(f);
  }

  /// Appends `row` with its arrival number, the watermark it arrived under and its strings.
  void append(BatchQueue::Bytes& out, const uint8_t* row, int64_t seq, int64_t watermark) const {
    uint64_t text = 0;
    for (const Field& f : strings_)
      if (!is_null(row, f)) text += get<StringRef>(row, f).size;
    uint8_t* entry = out.grow(kHeader + layout_->size + pad8(text));
    std::memcpy(entry, &seq, 8);
    std::memcpy(entry + 8, &watermark, 8);
    uint8_t* copy = entry + kHeader;
    copy_row(copy, row, layout_->size);
    // A packed string field holds the offset of its bytes from the row's end, not a pointer.
    uint64_t offset = 0;
    for (const Field& f : strings_) {
      if (is_null(row, f)) continue;
      StringRef s = get<StringRef>(row, f);
      if (s.size) std::memcpy(copy + layout_->size + offset, s.data, s.size);
      s.data = reinterpret_cast<const char*>(static_cast<uintptr_t>(offset));
      put(copy, f, s);
      offset += s.size;
    }
  }

  /// Appends a marker: an entry without a row, of `kind` (negative), carrying `value`.
  static void append_marker(BatchQueue::Bytes& out, int64_t kind, int64_t value) {
    uint8_t* entry = out.grow(kHeader);
    std::memcpy(entry, &kind, 8);
    std::memcpy(entry + 8, &value, 8);
  }

  /// Unpacks the entry at `entry` in place: its row (strings pointing into the entry), arrival
  /// number and watermark; for a marker, a null row, its kind in *seq and its value in
  /// *watermark. Returns the next entry.
  uint8_t* unpack(uint8_t* entry, uint8_t** row, int64_t* seq, int64_t* watermark) const {
    std::memcpy(seq, entry, 8);
    std::memcpy(watermark, entry + 8, 8);
    if (*seq < 0) {
      *row = nullptr;
      return entry + kHeader;
    }
    uint8_t* r = entry + kHeader;
    const char* text = reinterpret_cast<const char*>(r + layout_->size);
    uint64_t total = 0;
    for (const Field& f : strings_) {
      if (is_null(r, f)) continue;
      StringRef s = get<StringRef>(r, f);
      s.data = text + reinterpret_cast<uintptr_t>(s.data);
      put(r, f, s);
      total += s.size;
    }
    *row = r;
    return r + layout_->size + pad8(total);
  }

 private:
  static constexpr size_t kHeader = 16;
  /// memcpy of a row, a multiple of 8 bytes and usually under 64: two fixed-size copies that
  /// may overlap, inlined, where a call to memcpy of a size known only at run time costs more
  /// than the copy (a dealt run copies every row).
  static void copy_row(uint8_t* to, const uint8_t* from, size_t n) {
    if (n <= 16) {
      std::memcpy(to, from, 8);
      std::memcpy(to + n - 8, from + n - 8, 8);
    } else if (n <= 32) {
      std::memcpy(to, from, 16);
      std::memcpy(to + n - 16, from + n - 16, 16);
    } else if (n <= 64) {
      std::memcpy(to, from, 32);
      std::memcpy(to + n - 32, from + n - 32, 32);
    } else {
      std::memcpy(to, from, n);
    }
  }
  static uint64_t pad8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }
  const RowLayout* layout_ = nullptr;
  std::vector<Field> strings_;
};

}  // namespace vlac::rt
