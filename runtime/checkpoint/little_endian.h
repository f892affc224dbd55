#pragma once
// Fixed-width little-endian integers as bytes, whatever the host's byte order: the checkpoint
// files (docs/checkpoints.md) are read back on any machine.

#include <cstdint>

namespace vlac::rt {

inline void put_le(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

inline uint64_t get_le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace vlac::rt
