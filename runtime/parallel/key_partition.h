#pragma once
// Which partition takes a key (`--threads`, LANGUAGE.md §11): one rule for the partitioned
// aggregate and the dealt runs.

#include <cstdint>

#include "runtime/row_layout.h"

namespace vlac::rt {

/// Whether an operator whose key rows are laid out as `key` has a key to partition by. Not its
/// size: a layout of no fields still takes 8 bytes (RowLayout::make), and an operator without
/// a key (a window aggregate grouped by its window only, a join without key equality, OVER
/// without PARTITION BY) runs once (LANGUAGE.md §11), rather than in one of its partitions.
inline bool has_key(const RowLayout* key) { return key && !key->fields.empty(); }

/// The partition in [0, partitions) of a key whose KeyRows::hash is `hash`. The hash is built
/// for GroupTable, which takes its slot from the top bits (Fibonacci hashing: consecutive keys
/// spread evenly over slots), and its bits are far from independent for small dense keys: 28
/// (robot, joint) pairs went 22 to 6 over two partitions taken from a second multiplication.
/// So it goes through a full avalanche first (MurmurHash3's finalizer, a bijection), which also
/// leaves the keys of one partition spread over its tables' slots.
inline uint32_t key_partition(uint64_t hash, uint64_t partitions) {
  uint64_t h = hash;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return static_cast<uint32_t>(((h >> 32) * partitions) >> 32);  // without a division
}

}  // namespace vlac::rt
