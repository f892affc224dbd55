#pragma once
// When the partitioned operators under test are gathered onto the run's thread
// (runtime/parallel/partition_trial.h): never; after their first 8 firings (the tests' inputs
// fire every few rows); or after a short trial whose outcome is fixed (its measured speed is not);
// and the rounds a join's results are merged in.

#include "runtime/parallel/partition_trial.h"

namespace vlac::test {

inline rt::PartitionPolicy gather_policy(uint64_t gather_rows) {
  rt::PartitionPolicy p;
  p.gather_rows = gather_rows;
  return p;
}
inline const rt::PartitionPolicy kNeverGathered = gather_policy(0);
inline const rt::PartitionPolicy kGathered = gather_policy(1u << 20);
inline const rt::PartitionPolicy kSplitAfterTrial = rt::PartitionPolicy::short_trial(rt::PartitionPolicy::Trial::Partitions);
inline const rt::PartitionPolicy kGatheredAfterTrial = rt::PartitionPolicy::short_trial(rt::PartitionPolicy::Trial::Gathered);
/// Never gathered, a join's results merged in rounds of `rows` rows (partitioned_interval_join.h).
inline rt::PartitionPolicy in_rounds_of(uint64_t rows) {
  rt::PartitionPolicy p = kNeverGathered;
  p.rows_per_round = rows;
  return p;
}

}  // namespace vlac::test
