#pragma once
// The memory layout of a row, shared by the readers, the writers, the runtime operators and the
// generated code of every backend. A row is a fixed-size block:
//
//   [null bitmap: one bit per nullable field, bit set = NULL][fields, each at its natural alignment]
//
// NOT NULL fields have no null bit, so specialised code never tests one. A hosted STRING field
// is a StringRef to bytes owned by someone else (the reader's line buffer, an operator's string
// arena, a scratch buffer); firmware targets will use inline STRING(n) buffers instead.
//
// Plain data and header-only, so that it serves the JIT, the C++ backend and checkpoints alike.

#include <cstddef>
#include <cstdint>

#if !defined(VLAC_FIRMWARE)
#include <string>
#include <vector>
#endif

namespace vlac::rt {

enum class FieldType : uint8_t { Bool, Int32, Int64, Float32, Float64, Timestamp, Interval, String };

/// A string value: `size` bytes at `data`, not NUL-terminated. 16 bytes on 64-bit hosts.
struct StringRef {
  const char* data;
  uint32_t size;
};

struct Field {
  FieldType type;
  bool nullable;
  uint32_t offset;    // of the value, in bytes from the row's start
  uint32_t null_bit;  // index into the null bitmap (nullable fields only)
  uint32_t max_bytes; // STRING(n): n; 0 otherwise or unbounded
};

/// Bytes of an inline STRING(n) field (firmware): [uint32 size][n bytes], padded to 4.
inline uint32_t inline_string_size(uint32_t max_bytes) { return 4 + (max_bytes + 3) / 4 * 4; }

inline uint32_t field_size(FieldType t) {
  switch (t) {
    case FieldType::Bool: return 1;
    case FieldType::Int32:
    case FieldType::Float32: return 4;
    case FieldType::Int64:
    case FieldType::Float64:
    case FieldType::Timestamp:
    case FieldType::Interval: return 8;
    case FieldType::String: return sizeof(StringRef);
  }
  return 8;
}

inline bool is_null(const uint8_t* row, const Field& f) {
  return f.nullable && (row[f.null_bit >> 3] >> (f.null_bit & 7) & 1);
}
inline void set_null(uint8_t* row, const Field& f, bool null) {
  uint8_t mask = static_cast<uint8_t>(1u << (f.null_bit & 7));
  if (null) row[f.null_bit >> 3] |= mask;
  else row[f.null_bit >> 3] &= static_cast<uint8_t>(~mask);
}

template <typename T>
inline T get(const uint8_t* row, const Field& f) {
  T v;
  __builtin_memcpy(&v, row + f.offset, sizeof v);
  return v;
}
template <typename T>
inline void put(uint8_t* row, const Field& f, T v) {
  __builtin_memcpy(row + f.offset, &v, sizeof v);
}

#if !defined(VLAC_FIRMWARE)
/// The layout of one kind of row.
struct RowLayout {
  std::vector<Field> fields;
  uint32_t null_bytes = 0;
  uint32_t size = 0;  // a multiple of 8

  struct ColumnSpec {
    FieldType type;
    bool nullable;
    uint32_t max_bytes;
  };

  /// Lays out columns in order: the null bitmap first, then each field at its alignment.
  /// `inline_strings` (firmware): a STRING(n) field holds its bytes, [uint32 size][n bytes].
  static RowLayout make(const std::vector<ColumnSpec>& columns, bool inline_strings = false) {
    RowLayout l;
    uint32_t nullable = 0;
    for (const ColumnSpec& c : columns) nullable += c.nullable;
    l.null_bytes = (nullable + 7) / 8;
    uint32_t at = l.null_bytes, bit = 0;
    for (const ColumnSpec& c : columns) {
      bool inline_string = inline_strings && c.type == FieldType::String;
      uint32_t size = inline_string ? inline_string_size(c.max_bytes) : field_size(c.type);
      uint32_t align = inline_string ? 4 : c.type == FieldType::String ? 8 : size;
      at = (at + align - 1) / align * align;
      l.fields.push_back({c.type, c.nullable, at, c.nullable ? bit++ : 0, c.max_bytes});
      at += size;
    }
    l.size = (at + 7) / 8 * 8;
    if (l.size == 0) l.size = 8;
    return l;
  }
};
#else
struct RowLayout;  // hosted only: firmware operators get their sizes at compile time
#endif

}  // namespace vlac::rt
