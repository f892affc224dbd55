#pragma once
// A hash table from group keys (rows of a key layout) to accumulator rows, kept flat: keys and
// accumulators in two byte vectors, groups numbered in the order they first appeared (which is
// the order results are emitted in). Open addressing, no allocation per lookup.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/ops/container_state.h"
#include "runtime/ops/string_arena.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

/// How key rows (rows of a key layout) are hashed and compared: STRING fields by their bytes,
/// not by where they are. Shared by the hosted tables that find keys (GroupTable, HostedKeyTable).
class KeyRows {
 public:
  void init(const RowLayout* key_layout) {
    key_layout_ = key_layout;
    has_strings_ = false;
    for (const Field& f : key_layout->fields)
      if (f.type == FieldType::String) has_strings_ = true;
  }
  const RowLayout* layout() const { return key_layout_; }
  bool has_strings() const { return has_strings_; }

  /// Whether two key rows hold the same key: STRING fields by their bytes (not where they are).
  bool equal(const uint8_t* a, const uint8_t* b) const {
    if (!has_strings_ && key_layout_->size <= 16) {
      // Constant-size loads (layout sizes are multiples of 8) compile to plain moves.
      uint64_t x0, y0, x1 = 0, y1 = 0;
      std::memcpy(&x0, a, 8);
      std::memcpy(&y0, b, 8);
      if (key_layout_->size == 16) {
        std::memcpy(&x1, a + 8, 8);
        std::memcpy(&y1, b + 8, 8);
      }
      return x0 == y0 && x1 == y1;
    }
    if (!has_strings_) return std::memcmp(a, b, key_layout_->size) == 0;
    if (std::memcmp(a, b, key_layout_->null_bytes) != 0) return false;
    for (const Field& f : key_layout_->fields) {
      if (is_null(a, f)) continue;
      if (f.type == FieldType::String) {
        StringRef x = get<StringRef>(a, f), y = get<StringRef>(b, f);
        if (x.size != y.size || (x.size && std::memcmp(x.data, y.data, x.size) != 0)) return false;
      } else if (std::memcmp(a + f.offset, b + f.offset, field_size(f.type)) != 0) {
        return false;
      }
    }
    return true;
  }

  /// A hash of the key's value (equal keys hash alike).
  uint64_t hash(const uint8_t* key) const {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](const void* p, size_t n) {
      const auto* b = static_cast<const uint8_t*>(p);
      for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    };
    if (!has_strings_ && key_layout_->size <= kMaxWords * 8) {
      // Short fixed-size keys (the common case: a few integer columns): word loads and a
      // multiplicative mix instead of a byte loop. Layout sizes are multiples of 8.
      uint64_t w[kMaxWords];
      const uint32_t n = key_layout_->size / 8;
      for (uint32_t i = 0; i < n; ++i) std::memcpy(&w[i], key + 8 * i, 8);  // plain loads, not a call to memcpy
      return hash_words(w, n);
    } else if (!has_strings_) {
      mix(key, key_layout_->size);
    } else {
      mix(key, key_layout_->null_bytes);
      for (const Field& f : key_layout_->fields) {
        if (is_null(key, f)) continue;
        if (f.type == FieldType::String) {
          StringRef s = get<StringRef>(key, f);
          mix(s.data, s.size);
          mix(&s.size, sizeof s.size);
        } else {
          mix(key + f.offset, field_size(f.type));
        }
      }
    }
    return h ^ (h >> 29);
  }

  /// Keys without strings of at most kMaxWords words (8 bytes each) are hashed and compared
  /// as words: hash() of such a key is hash_words() of its words.
  static constexpr uint32_t kMaxWords = 4;
  static uint64_t hash_words(const uint64_t* w, uint32_t n) {
    // Each word is folded so that a value in either half lands in the low bits (one sits in the
    // high half after the null bytes of an INT32 key; two NOT NULL INT32 columns share a word):
    // its high half plus its low half times an odd constant. Not high ^ low, which gave (1,1),
    // (2,2), ... one hash and the 28 (robot, joint) keys of the suite 8 hashes in all. The result
    // is multiplied by 2^64 / golden ratio: the top bits of the product (GroupTable's slot)
    // spread consecutive values evenly (Fibonacci hashing), so small dense keys such as camera
    // ids do not collide; xor-ing the top half down makes the low bits usable too
    // (HostedKeyTable).
    uint64_t x = 0;
    for (uint32_t i = 0; i < n; ++i) x = x * 0xBF58476D1CE4E5B9ull + ((w[i] >> 32) + (w[i] & 0xFFFFFFFFull) * 0x9E3779B1ull);
    const uint64_t h = x * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 32);
  }

  /// Makes the key's strings point to copies in `arena`; returns the bytes copied.
  size_t own_strings(uint8_t* key, StringArena* arena) const {
    size_t bytes = 0;
    for (const Field& f : key_layout_->fields) {
      if (f.type != FieldType::String || is_null(key, f)) continue;
      StringRef s = get<StringRef>(key, f);
      s.data = arena->copy(s.data, s.size);
      bytes += s.size;
      put(key, f, s);
    }
    return bytes;
  }
  /// The bytes of the key's strings.
  size_t string_bytes(const uint8_t* key) const {
    size_t bytes = 0;
    for (const Field& f : key_layout_->fields)
      if (f.type == FieldType::String && !is_null(key, f)) bytes += get<StringRef>(key, f).size;
    return bytes;
  }

 private:
  const RowLayout* key_layout_ = nullptr;
  bool has_strings_ = false;
};

class GroupTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// `limit`: the most groups it holds (a `WITH` capacity); a new key beyond it is refused.
  GroupTable(const RowLayout* key_layout, uint32_t acc_size, uint64_t limit = UINT64_MAX) {
    init(key_layout, acc_size, limit);
  }
  GroupTable() = default;
  /// Sets up an empty table (for a member constructed before its layout is known).
  void init(const RowLayout* key_layout, uint32_t acc_size, uint64_t limit) {
    rows_.init(key_layout);
    key_layout_ = key_layout;
    key_size_ = key_layout->size;
    key_words_ = !rows_.has_strings() && key_size_ <= KeyRows::kMaxWords * 8 ? key_size_ / 8 : 0;
    acc_size_ = acc_size;
    limit_ = limit;
  }

  uint32_t size() const { return count_; }
  /// Forgets every group (keeps the memory, for a table refilled often).
  void clear() {
    count_ = 0;
    keys_.clear();
    accs_.clear();
    std::fill(slots_.begin(), slots_.end(), 0u);
    arena_.clear();
  }
  uint8_t* key(uint32_t group) { return keys_.data() + static_cast<size_t>(group) * key_layout_->size; }
  const uint8_t* key(uint32_t group) const { return keys_.data() + static_cast<size_t>(group) * key_layout_->size; }
  uint8_t* acc(uint32_t group) { return accs_.data() + static_cast<size_t>(group) * acc_size_; }
  StringArena& arena() { return arena_; }

  /// The group of `key`; a new zeroed accumulator when it is new (kNone when it holds `limit`).
  uint32_t find_or_insert(const uint8_t* key, bool* inserted) { return find_or_insert(key, limit_, inserted); }

  /// Its groups in order: keys (key layout) and accumulators (`acc_layout`: their first
  /// acc_layout->size bytes, the rest plain bytes; null: no strings), strings by value, and the
  /// size of its slot array, from which the slots are rebuilt as they were (a table's slots
  /// are its keys inserted in group order into that many slots). Loads into an init()ed table.
  void save(StateWriter& w, const RowLayout* acc_layout) const {
    save_shape(w);
    w.put(count_);
    for (uint32_t g = 0; g < count_; ++g) {
      write_row(w, keys_.data() + static_cast<size_t>(g) * key_size_, *key_layout_);
      save_row<StringArena>(w, accs_.data() + static_cast<size_t>(g) * acc_size_, acc_size_, acc_layout);
    }
  }
  bool load(StateReader& r, const RowLayout* acc_layout) {
    uint32_t count = 0;
    if (!load_shape(r) || !r.get(&count) || count > limit_ || count > r.remaining() || (count && 2ull * count > slots_.size())) {
      r.fail();
      return false;
    }
    keys_.assign(static_cast<size_t>(count) * key_size_, 0);
    accs_.assign(static_cast<size_t>(count) * acc_size_, 0);
    count_ = count;
    for (uint32_t g = 0; g < count_; ++g)
      if (!read_row(r, key(g), *key_layout_, arena_) || !load_row(r, acc(g), acc_size_, acc_layout, &arena_)) {
        clear();
        return false;
      }
    if (!slots_.empty()) rehash(slots_.size());
    return true;
  }
  /// Only the size of its slot array: for a table whose groups are never read again before
  /// clear() (a SliceFifo's spent entries), so that it grows as the original would.
  void save_shape(StateWriter& w) const { w.u64(slots_.size()); }
  bool load_shape(StateReader& r) {
    clear();
    const uint64_t n = r.u64();
    if (!r.ok() || (n != 0 && (n < 2 || (n & (n - 1)) != 0 || n > (uint64_t{1} << 32)))) {
      r.fail();
      return false;
    }
    if (n) rehash(static_cast<size_t>(n));
    else slots_.clear();
    return true;
  }

  /// The group of `key`; a new zeroed accumulator when it is new (unless the table already
  /// holds `limit` groups: then UINT32_MAX).
  uint32_t find_or_insert(const uint8_t* key, uint64_t limit, bool* inserted) {
    *inserted = false;
    if (slots_.empty()) rehash(16);
    switch (key_words_) {  // hashed and compared as words of a constant count: no calls
      case 1: return find_words<1>(key, limit, inserted);
      case 2: return find_words<2>(key, limit, inserted);
      case 3: return find_words<3>(key, limit, inserted);
      case 4: return find_words<4>(key, limit, inserted);
      default: return find_any(key, limit, inserted);
    }
  }

 private:
  template <uint32_t N>
  uint32_t find_words(const uint8_t* key, uint64_t limit, bool* inserted) {
    uint64_t w[N];
    std::memcpy(w, key, 8 * N);
    const size_t mask = slots_.size() - 1;
    for (size_t i = KeyRows::hash_words(w, N) >> shift_;; i = (i + 1) & mask) {
      const uint32_t s = slots_[i];
      if (s == 0) return insert(key, i, limit, inserted);
      uint64_t k[N];
      std::memcpy(k, keys_.data() + static_cast<size_t>(s - 1) * (8 * N), 8 * N);
      bool same = true;
      for (uint32_t j = 0; j < N; ++j) same &= k[j] == w[j];
      if (same) return s - 1;
    }
  }

  uint32_t find_any(const uint8_t* key, uint64_t limit, bool* inserted) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = rows_.hash(key) >> shift_;; i = (i + 1) & mask) {
      const uint32_t s = slots_[i];
      if (s == 0) return insert(key, i, limit, inserted);
      if (rows_.equal(this->key(s - 1), key)) return s - 1;
    }
  }

  /// A new group for `key` in the empty slot `slot` (kNone when the table holds `limit`).
  __attribute__((noinline)) uint32_t insert(const uint8_t* key, size_t slot, uint64_t limit, bool* inserted) {
    if (count_ >= limit) return UINT32_MAX;
    uint32_t g = count_++;
    keys_.resize(static_cast<size_t>(count_) * key_size_);
    accs_.resize(static_cast<size_t>(count_) * acc_size_, 0);
    std::memcpy(this->key(g), key, key_size_);
    if (rows_.has_strings()) rows_.own_strings(this->key(g), &arena_);
    slots_[slot] = g + 1;
    *inserted = true;
    if (count_ * 2 > slots_.size()) rehash(slots_.size() * 2);
    return g;
  }

  void rehash(size_t n) {
    slots_.assign(n, 0);
    shift_ = 64;
    for (size_t m = n; m > 1; m >>= 1) --shift_;
    for (uint32_t g = 0; g < count_; ++g) {
      size_t i = rows_.hash(key(g)) >> shift_;
      while (slots_[i] != 0) i = (i + 1) & (n - 1);
      slots_[i] = g + 1;
    }
  }

  const RowLayout* key_layout_ = nullptr;
  uint32_t key_size_ = 0;
  uint32_t key_words_ = 0;  // no strings, at most KeyRows::kMaxWords words: find_or_insert's fast path
  uint32_t acc_size_ = 0;
  uint64_t limit_ = UINT64_MAX;
  KeyRows rows_;
  uint32_t count_ = 0;
  std::vector<uint8_t> keys_, accs_;
  std::vector<uint32_t> slots_;  // group + 1; 0 = empty
  uint32_t shift_ = 64;          // a hash's slot is its top log2(slots) bits: hash >> shift_
  StringArena arena_;
};

}  // namespace vlac::rt
