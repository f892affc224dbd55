#pragma once
// What `vlac run --stats` asks of an operator run in partitions (hosted `--threads`, LANGUAGE.md
// §11): partitioned_aggregate.h and the partitioned joins.

#include <cstdint>
#include <string>
#include <vector>

namespace vlac::rt {

class PartitionedOperator {
 public:
  virtual ~PartitionedOperator() = default;
  /// The rows each partition took while it ran in partitions.
  virtual std::vector<uint64_t> partition_rows() const = 0;
  /// The rows it took while gathered on the run's thread (not in any partition's count, where
  /// they would look like a hot key).
  virtual uint64_t rows_gathered() const = 0;
  /// Where it ran and why ("" when in partitions throughout).
  virtual std::string placement() const = 0;
  /// Whether its peak of rows held is its partitions' peaks added up (which is at least one
  /// thread's), not one thread's own.
  virtual bool peak_summed() const { return false; }
};

}  // namespace vlac::rt
