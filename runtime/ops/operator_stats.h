#pragma once
// The counters every runtime operator keeps, hosted and firmware alike (`vlac run --stats`,
// the generated classes' operator_stats()). Plain data, firmware-clean.

#include <cstdint>

namespace vlac::rt {

struct OperatorStats {
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;
  uint64_t late_dropped = 0;
  uint64_t capacity_dropped = 0;
  uint64_t windows_updated = 0;  // accumulator states updated: one per (row, window), or one per row when sliced
  uint64_t buffered = 0;       // rows a join or OVER holds now
  uint64_t peak_buffered = 0;  // and the most it ever held
};

/// Adds the counters of one partition of an operator to `to` (hosted `--threads`). Peaks add up
/// too: their sum is at least the peak of the whole, which no partition sees.
inline void add_partition_stats(OperatorStats& to, const OperatorStats& s) {
  to.rows_in += s.rows_in;
  to.rows_out += s.rows_out;
  to.late_dropped += s.late_dropped;
  to.capacity_dropped += s.capacity_dropped;
  to.windows_updated += s.windows_updated;
  to.buffered += s.buffered;
  to.peak_buffered += s.peak_buffered;
}

}  // namespace vlac::rt
