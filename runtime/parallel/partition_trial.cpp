#include "runtime/parallel/partition_trial.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/parallel/trial.h"

namespace vlac::rt {

PartitionPolicy PartitionPolicy::from_environment() {
  PartitionPolicy policy;
  // The test hook VLAC_TEST_NEVER_GATHER keeps every operator in partitions, so that the tests
  // of small inputs run them partitioned to the end; VLAC_TEST_TRIAL fixes what a trial keeps.
  if (std::getenv("VLAC_TEST_NEVER_GATHER")) policy.gather_rows = 0;
  if (const char* trial = std::getenv("VLAC_TEST_TRIAL")) {
    if (std::strcmp(trial, "partitions") == 0) policy = short_trial(Trial::Partitions);
    if (std::strcmp(trial, "gathered") == 0) policy = short_trial(Trial::Gathered);
  }
  if (const char* rows = std::getenv("VLAC_TEST_ROUND_ROWS")) policy.rows_per_round = std::max<uint64_t>(1, std::strtoull(rows, nullptr, 10));
  return policy;
}

PartitionPolicy PartitionPolicy::short_trial(Trial trial) {
  PartitionPolicy policy;
  policy.gather_rows = 1;
  policy.gather_rows_out = 0;
  policy.probe_steps = 4;
  policy.trial_steps = 2;
  policy.rows_per_step = 29;
  policy.rows_per_round = 5;
  policy.trial = trial;
  return policy;
}

PartitionTrial::PartitionTrial(const PartitionPolicy& policy) : policy_(policy) {
  if (policy_.gather_rows == 0) phase_ = Phase::Decided;
}

void PartitionTrial::mark(uint64_t rows) {
  mark_seconds_ = trial::seconds_now();
  mark_rows_ = rows;
}

double PartitionTrial::rate_since_mark(uint64_t rows) const {
  return static_cast<double>(rows - mark_rows_) / std::max(trial::seconds_now() - mark_seconds_, 1e-9);
}

PartitionTrial::Next PartitionTrial::step(uint64_t rows, uint64_t rows_out, bool firings) {
  ++steps_;
  if (phase_ == Phase::Probing) {
    if (steps_ == policy_.probe_steps - policy_.trial_steps) mark(rows);  // warmed up: the trial measures from here
    if (steps_ < policy_.probe_steps) return Next::Stay;
    const uint64_t probed = policy_.probe_steps;
    if (firings && (rows < policy_.gather_rows * probed || rows_out < policy_.gather_rows_out * probed)) {
      gathered_at_firing_ = probed;  // frequent or small firings: no trial
      phase_ = Phase::Decided;
      return Next::Gather;
    }
    partitioned_rate_ = rate_since_mark(rows);
    phase_ = Phase::TrialGathered;
    steps_ = 0;
    return Next::TryGathered;
  }
  if (phase_ != Phase::TrialGathered || steps_ < policy_.trial_steps) return Next::Stay;
  gathered_rate_ = rate_since_mark(rows);
  phase_ = Phase::Decided;
  using Trial = PartitionPolicy::Trial;
  if (policy_.trial == Trial::Partitions ||
      (policy_.trial == Trial::Faster && trial::threads_win(partitioned_rate_, gathered_rate_))) {
    split_ = true;
    return Next::Split;
  }
  return Next::Stay;
}

std::string PartitionTrial::placement(bool gathered) const {
  char rates[160];
  std::snprintf(rates, sizeof rates, "%.2f M rows/s in partitions, %.2f M gathered", partitioned_rate_ / 1e6,
                gathered_rate_ / 1e6);
  if (gathered_at_firing_ > 0)
    return "gathered onto the run's thread after " + std::to_string(gathered_at_firing_) + " firings";
  if (split_) return "back in partitions after a trial on the run's thread (" + std::string(rates) + ")";
  if (phase_ == Phase::Decided && gathered) return "gathered onto the run's thread after a trial (" + std::string(rates) + ")";
  if (gathered) return "on the run's thread for a trial";
  return "";
}

}  // namespace vlac::rt
