#pragma once
// What the engine needs of a runtime operator: to learn that its input watermark advanced, and
// its counters for `--stats`. Called when the watermark moves, not per row.

#include <cstdint>

namespace vlac::rt {

struct OperatorStats {
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;
  uint64_t late_dropped = 0;
  uint64_t capacity_dropped = 0;
};

class StatefulOperator {
 public:
  virtual ~StatefulOperator() = default;
  /// The input watermark is now `w` (INT64_MAX at end of input): emit what it completes.
  virtual void advance(int64_t w) = 0;
  /// The smallest watermark at which advance() would emit anything (INT64_MAX: nothing open).
  virtual int64_t next_fire() const = 0;
  virtual const OperatorStats& stats() const = 0;
};

}  // namespace vlac::rt
