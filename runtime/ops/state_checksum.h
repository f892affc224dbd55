#pragma once
// CRC-32C (Castagnoli) of snapshot bytes: the checksum of checkpoint files and of the
// snapshot() of generated classes, and the hash of the input a checkpoint has consumed
// (LANGUAGE.md §10). Header-only and firmware-clean (a byte table); on x86-64 hosts whose CPU
// has SSE4.2 the crc32 instruction does 8 bytes at a time (inputs of gigabytes are hashed).
// `crc` chains calls: crc32c(b, n2, crc32c(a, n1)) == crc32c(a + b).

#include <cstddef>
#include <cstdint>

namespace vlac::rt {

namespace crc32c_detail {
struct Table {
  uint32_t v[256];
  constexpr Table() : v() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      v[i] = c;
    }
  }
};
inline constexpr Table kTable{};

inline uint32_t crc32c_bytes(const uint8_t* p, size_t n, uint32_t c) {
  for (size_t i = 0; i < n; ++i) c = kTable.v[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__) && !defined(VLAC_FIRMWARE)
__attribute__((target("sse4.2"))) inline uint32_t crc32c_sse42(const uint8_t* p, size_t n, uint32_t c) {
  uint64_t c64 = c;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    __builtin_memcpy(&w, p, 8);
    c64 = __builtin_ia32_crc32di(c64, w);
  }
  return crc32c_bytes(p, n, static_cast<uint32_t>(c64));
}
#endif
}  // namespace crc32c_detail

inline uint32_t crc32c(const void* data, size_t n, uint32_t crc = 0) {
  const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__) && !defined(VLAC_FIRMWARE)
  static const bool hardware = __builtin_cpu_supports("sse4.2");
  if (hardware) return ~crc32c_detail::crc32c_sse42(p, n, ~crc);
#endif
  return ~crc32c_detail::crc32c_bytes(p, n, ~crc);
}

}  // namespace vlac::rt
