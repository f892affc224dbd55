#pragma once
// Operator state as bytes (LANGUAGE.md §10): what checkpoints of `vlac run` and the snapshot()
// of generated classes are made of. Every operator of runtime/ops has
//
//   void save_state(StateWriter& w) const;   // its whole state, in a fixed order
//   bool load_state(StateReader& r);         // into an operator just init()ed the same way
//
// written once for every storage policy: each container saves and loads itself, so a restored
// operator is the same structure (the same slots, free lists, orders and counters) and goes on
// through its ordinary code. A hosted STRING is written as its bytes, never as a pointer
// (write_row / read_row), and read back into an arena the restored container owns; firmware rows
// hold their strings inline and are plain bytes.
//
// Header-only, no heap in firmware builds: the writer then fills a caller's buffer and reports
// when it was too small (ok() false), the reader never reads past its end (ok() false).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if !defined(VLAC_FIRMWARE)
#include <vector>

#include "runtime/ops/string_arena.h"
#include "runtime/row_layout.h"
#endif

namespace vlac::rt {

/// Raised whenever an operator's state changes layout: `vlac run` hashes it into the program's
/// hash, so that a snapshot of another layout is refused as another program's rather than read
/// wrongly. 2: the interval join saves which sides are keyed; 3: and each held row's purge time.
constexpr uint32_t kStateLayoutRevision = 3;

class StateWriter {
 public:
  /// Into `buf` of `cap` bytes (firmware, or a size probe with cap 0).
  StateWriter(uint8_t* buf, size_t cap) : buf_(buf), cap_(cap) {}
#if !defined(VLAC_FIRMWARE)
  /// Appending to `out`, which grows as needed.
  explicit StateWriter(std::vector<uint8_t>* out) : out_(out) {}
#endif

  void bytes(const void* p, size_t n) {
#if !defined(VLAC_FIRMWARE)
    if (out_) {
      const auto* b = static_cast<const uint8_t*>(p);
      out_->insert(out_->end(), b, b + n);
      size_ += n;
      return;
    }
#endif
    if (n > cap_ - size_ || cap_ < size_) {
      overflow_ = true;
      size_ += n;
      return;
    }
    if (n) std::memcpy(buf_ + size_, p, n);
    size_ += n;
  }
  /// A value of a trivially copyable type (integers, PODs of them), as its bytes.
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable<T>::value, "state values are plain bytes");
    bytes(&v, sizeof v);
  }
  void u64(uint64_t v) { put(v); }
  void i64(int64_t v) { put(v); }

  /// False when a caller's buffer was too small; size() is then what it would have needed.
  bool ok() const { return !overflow_; }
  size_t size() const { return size_; }

 private:
  uint8_t* buf_ = nullptr;
  size_t cap_ = 0;
  size_t size_ = 0;
  bool overflow_ = false;
#if !defined(VLAC_FIRMWARE)
  std::vector<uint8_t>* out_ = nullptr;
#endif
};

class StateReader {
 public:
  StateReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  /// Copies the next n bytes to p; false (and ok() false from then on, p zeroed) past the end.
  bool bytes(void* p, size_t n) {
    if (failed_ || n > size_ - at_) {
      failed_ = true;
      if (n) std::memset(p, 0, n);
      return false;
    }
    if (n) std::memcpy(p, data_ + at_, n);
    at_ += n;
    return true;
  }
  template <class T>
  bool get(T* v) {
    static_assert(std::is_trivially_copyable<T>::value, "state values are plain bytes");
    return bytes(v, sizeof *v);
  }
  uint64_t u64() {
    uint64_t v = 0;
    get(&v);
    return v;
  }
  int64_t i64() {
    int64_t v = 0;
    get(&v);
    return v;
  }
  /// The next n bytes in place (null past the end), for strings copied into an arena.
  const uint8_t* view(size_t n) {
    if (failed_ || n > size_ - at_) {
      failed_ = true;
      return nullptr;
    }
    const uint8_t* p = data_ + at_;
    at_ += n;
    return p;
  }
  /// Marks the input malformed (a count or index out of range): load_state then returns false.
  void fail() { failed_ = true; }

  bool ok() const { return !failed_; }
  bool at_end() const { return at_ == size_; }
  size_t remaining() const { return size_ - at_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
  bool failed_ = false;
};

#if !defined(VLAC_FIRMWARE)
/// A hosted row of `layout`: its bytes with every STRING pointer zeroed, then the bytes of each
/// non-NULL string in field order (its size is in the row). Equal rows give equal bytes.
inline void write_row(StateWriter& w, const uint8_t* row, const RowLayout& layout) {
  bool strings = false;
  for (const Field& f : layout.fields) strings |= f.type == FieldType::String;
  if (!strings) {
    w.bytes(row, layout.size);
    return;
  }
  uint8_t copy[512];
  std::vector<uint8_t> big;
  uint8_t* c = copy;
  if (layout.size > sizeof copy) {
    big.assign(row, row + layout.size);
    c = big.data();
  } else {
    std::memcpy(c, row, layout.size);
  }
  for (const Field& f : layout.fields)
    if (f.type == FieldType::String) {
      // The pointer and the padding after the size are zeroed (equal rows give equal bytes:
      // a StringRef copied through a local keeps no defined padding).
      const uint32_t size = get<StringRef>(c, f).size;
      std::memset(c + f.offset, 0, sizeof(StringRef));
      std::memcpy(c + f.offset + offsetof(StringRef, size), &size, sizeof size);
    }
  w.bytes(c, layout.size);
  for (const Field& f : layout.fields)
    if (f.type == FieldType::String && !is_null(row, f)) {
      const StringRef s = get<StringRef>(row, f);
      w.bytes(s.data, s.size);
    }
}

/// Reads a row written by write_row into `row`; its strings are copied into `arena`, which owns
/// them from then on. `string_bytes` (may be null) is increased by the bytes copied.
inline bool read_row(StateReader& r, uint8_t* row, const RowLayout& layout, StringArena& arena,
                     size_t* string_bytes = nullptr) {
  if (!r.bytes(row, layout.size)) return false;
  for (const Field& f : layout.fields) {
    if (f.type != FieldType::String) continue;
    // As written (data null, padding zero): set only the pointer, so that the row's bytes are
    // the same as the saved row's and save again alike. A NULL string's bytes are never read.
    if (is_null(row, f)) continue;
    const uint32_t size = get<StringRef>(row, f).size;
    const uint8_t* bytes = r.view(size);
    if (!bytes) return false;
    const char* data = arena.copy(reinterpret_cast<const char*>(bytes), size);
    std::memcpy(row + f.offset + offsetof(StringRef, data), &data, sizeof data);
    if (string_bytes) *string_bytes += size;
  }
  return true;
}
#endif

}  // namespace vlac::rt
