#pragma once
// CRC-32C (Castagnoli) of snapshot bytes: the checksum of checkpoint files and of the
// snapshot() of generated classes (LANGUAGE.md §10). Table-driven, header-only, firmware-clean;
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
}  // namespace crc32c_detail

inline uint32_t crc32c(const void* data, size_t n, uint32_t crc = 0) {
  const auto* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = crc32c_detail::kTable.v[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace vlac::rt
