// BatchQueue::Bytes, the buffer every row handed between threads is packed into: it must keep
// its bytes as it grows past the sizes where it faults its new pages in at once (prefault()),
// whether realloc moves the block or not, and when refilled after clear().

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "runtime/parallel/batch_queue.h"

namespace vlac::rt {
namespace {

uint8_t byte_at(size_t i, uint8_t salt) { return static_cast<uint8_t>((i * 131 + salt) >> 3); }

/// Appends `total` bytes in pieces of uneven sizes (1 byte to 300 KB), each a function of its
/// place.
void fill(BatchQueue::Bytes& b, size_t total, uint8_t salt) {
  const size_t pieces[] = {1, 7, 4096, 65536, 70001, 13, 300000};
  size_t done = 0;
  for (size_t k = 0; done < total; ++k) {
    const size_t n = std::min(pieces[k % std::size(pieces)], total - done);
    uint8_t* at = b.grow(n);
    for (size_t i = 0; i < n; ++i) at[i] = byte_at(done + i, salt);
    done += n;
  }
}

/// The first of the `n` bytes from `from` that is not what fill() wrote there (numbering from
/// `from`), or SIZE_MAX.
size_t first_wrong(BatchQueue::Bytes& b, size_t from, size_t n, uint8_t salt) {
  for (size_t i = 0; i < n; ++i)
    if (b.data()[from + i] != byte_at(i, salt)) return from + i;
  return SIZE_MAX;
}

TEST(BatchQueueBytes, KeepsItsBytesAsItGrowsAndWhenRefilled) {
  BatchQueue::Bytes b;
  fill(b, 9u << 20, 1);  // through every doubling from 1 byte to 16 MiB of capacity
  ASSERT_EQ(b.size(), size_t{9} << 20);
  EXPECT_EQ(first_wrong(b, 0, b.size(), 1), SIZE_MAX);
  b.clear();
  EXPECT_EQ(b.size(), 0u);
  fill(b, 5u << 20, 2);  // within the capacity it kept
  ASSERT_EQ(b.size(), size_t{5} << 20);
  EXPECT_EQ(first_wrong(b, 0, b.size(), 2), SIZE_MAX);
  fill(b, 12u << 20, 3);  // and past it again
  ASSERT_EQ(b.size(), size_t{17} << 20);
  EXPECT_EQ(first_wrong(b, 0, size_t{5} << 20, 2), SIZE_MAX);
  EXPECT_EQ(first_wrong(b, size_t{5} << 20, size_t{12} << 20, 3), SIZE_MAX);
}

}  // namespace
}  // namespace vlac::rt
