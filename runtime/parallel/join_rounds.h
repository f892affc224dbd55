#pragma once
// What the joins whose results come out in rounds share (`--threads`, LANGUAGE.md §11): the
// partitioned interval and as-of joins (partitioned_interval_join.h, partitioned_asof_join.h).
// Their partitions work on their own; the run's thread tells each the watermarks, as they were
// when the rows before were pushed, every few rows it deals to it, and marks every partition at
// a round's end, then merges the round's results in one thread's order.

#include <cstdint>

#include "runtime/parallel/packed_rows.h"

namespace vlac::rt::join_rounds {

// The markers a partition finds among its rows (PackedRows::append_marker).
constexpr int64_t kRoundEnd = -1;        // the round ends: act under the round's watermarks
constexpr int64_t kLeftWatermark = -2;   // value: the left side's watermark (the right one's follows)
constexpr int64_t kRightWatermark = -3;  // value: the right side's watermark: act under both
constexpr int64_t kPurgeKeys = -4;       // the as-of join walks its keys (after the watermarks)

// A partition is told the watermarks after every this many rows dealt to it: it purges (or
// releases) as it goes, so that what its rows scan stays small, as one thread's does.
constexpr uint32_t kWatermarksEvery = 16;

/// What a partition keeps of the markers: the watermarks it was told.
struct PartitionWatermarks {
  int64_t w[2] = {INT64_MIN, INT64_MIN};
  uint32_t rows_since = 0;  // rows dealt to it since it was last told (kept by the run's thread)
};

/// Appends both watermarks `w` to a partition's batch (the run's thread).
template <class Set, class Part>
void send_watermarks(const Set& parts, Part& part, const int64_t* w) {
  part.watermarks.rows_since = 0;
  PackedRows::append_marker(parts.filling(part).bytes, kLeftWatermark, w[0]);
  parts.added(part);
  PackedRows::append_marker(parts.filling(part).bytes, kRightWatermark, w[1]);
  parts.added(part);
}

/// After a row dealt to `part`: the watermarks `w` every kWatermarksEvery rows.
template <class Set, class Part>
void after_row(const Set& parts, Part& part, const int64_t* w) {
  if (++part.watermarks.rows_since == kWatermarksEvery) send_watermarks(parts, part, w);
}

/// A marker of `kind` with `value` at a partition: the watermarks to act under (after the
/// second of a pair, or at a round's end: `round_w`), else null.
inline const int64_t* on_marker(PartitionWatermarks& at, int64_t kind, int64_t value, const int64_t* round_w) {
  if (kind == kRoundEnd) return round_w;
  if (kind == kLeftWatermark) at.w[0] = value;
  if (kind != kRightWatermark) return nullptr;
  at.w[1] = value;
  return at.w;
}

}  // namespace vlac::rt::join_rounds
