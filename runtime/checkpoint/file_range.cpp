#include "runtime/checkpoint/file_range.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "runtime/ops/state_checksum.h"

namespace vlac::rt {

bool read_file_range(int fd, uint64_t from, uint64_t to, const std::function<bool(const uint8_t*, size_t)>& each) {
  constexpr size_t kBlock = size_t{1} << 16;
  std::vector<uint8_t> buf(kBlock);
  while (from < to) {
    const size_t want = to - from < kBlock ? static_cast<size_t>(to - from) : kBlock;
    const ssize_t k = ::pread(fd, buf.data(), want, static_cast<off_t>(from));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;  // an error, or the end of the file before `to`
    if (!each(buf.data(), static_cast<size_t>(k))) return false;
    from += static_cast<uint64_t>(k);
  }
  return true;
}

uint32_t crc32c_of_file_prefix(int fd, uint64_t from, uint64_t to, uint32_t crc, bool* complete) {
  const bool all = read_file_range(fd, from, to, [&](const uint8_t* p, size_t n) {
    crc = crc32c(p, n, crc);
    return true;
  });
  if (complete) *complete = all;
  return crc;
}

}  // namespace vlac::rt
