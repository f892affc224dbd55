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

}  // namespace vlac::rt
