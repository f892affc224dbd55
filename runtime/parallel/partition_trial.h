#pragma once
// When an operator run in partitions (`vlac run --threads N`, LANGUAGE.md §11) is gathered back
// onto the run's thread, tried there, or taken back by its partitions: one schedule for every
// partitioned operator (partitioned_aggregate.h, partitioned_window_join.h).
//
// Partitions cost a round trip to every partition thread at each firing, and save the work of
// the firing and of the rows' updates. An operator whose first probe_steps firings came fewer
// than gather_rows rows apart on average, or emitted fewer than gather_rows_out rows each, is
// gathered for good. Otherwise it is tried: its rows per second over its last trial_steps steps
// in partitions against over as many gathered on the run's thread; the partitions take it back
// only if they were more than 5 % faster (trial.h). Either way the rows and their order are one
// thread's: only the speed differs. docs/decisions.md, "Issue 16: keyed operators in partitions".

#include <cstdint>
#include <string>

namespace vlac::rt {

/// When a partitioned operator is gathered onto the run's thread (above).
struct PartitionPolicy {
  /// Gathered for good after `probe_steps` firings that came fewer rows apart than this on
  /// average (0: never gathered, no trial)...
  uint64_t gather_rows = 16384;
  /// ... or emitted fewer rows than this each.
  uint64_t gather_rows_out = 4096;
  /// Steps in partitions before the trial: its last `trial_steps` are measured, then as many
  /// gathered (probe_steps >= trial_steps).
  uint64_t probe_steps = 8;
  uint64_t trial_steps = 4;
  /// A step of an aggregate that fires only at the end of input (GROUP BY without windows).
  uint64_t rows_per_step = 131072;
  /// An interval join's results come out in rounds of this many rows
  /// (partitioned_interval_join.h): the round trip to every partition is paid once a round.
  uint64_t rows_per_round = 4096;
  /// What the trial keeps: the partitions if more than 5 % faster (less is within the noise of
  /// so short a measurement, and one thread takes less CPU), or (tests) always the partitions or
  /// always one thread.
  enum class Trial { Faster, Partitions, Gathered } trial = Trial::Faster;

  /// The defaults, except under the test hooks VLAC_TEST_NEVER_GATHER (stays in partitions),
  /// VLAC_TEST_TRIAL=partitions|gathered (short_trial()) and VLAC_TEST_ROUND_ROWS=n (rounds of n
  /// rows, so that a test's few rows take several).
  static PartitionPolicy from_environment();
  /// For tests: no gathering for frequent firings, a trial after 4 steps (of 29 rows without
  /// windows or in an interval join, whose rounds are of 5 rows) for 2 steps, which keeps what
  /// `trial` says.
  static PartitionPolicy short_trial(Trial trial);
};

/// The steps of one partitioned operator and what its trial measured.
class PartitionTrial {
 public:
  enum class Phase { Probing, TrialGathered, Decided };
  /// What the operator does after a step.
  enum class Next {
    Stay,
    Gather,       // for good
    TryGathered,  // gather for the trial, then mark(rows) (the merge is paid once, not measured)
    Split,        // the partitions won the trial: deal the state out to them again
  };

  explicit PartitionTrial(const PartitionPolicy& policy);
  const PartitionPolicy& policy() const { return policy_; }
  Phase phase() const { return phase_; }

  /// A step ended with `rows` pushed into the operator so far in this run and `rows_out` emitted;
  /// `firings`: its steps are firings (the rule for frequent or small firings applies).
  Next step(uint64_t rows, uint64_t rows_out, bool firings);
  /// step(), then what it says: gather() (for the trial, then mark(): its merge is paid once,
  /// not measured) or split(). rows(): the rows pushed into the operator so far in this run.
  template <class Rows, class Gather, class Split>
  void take_step(Rows rows, uint64_t rows_out, bool firings, Gather gather, Split split) {
    switch (step(rows(), rows_out, firings)) {
      case Next::Stay: return;
      case Next::Gather: return gather();
      case Next::TryGathered:
        gather();
        return mark(rows());
      case Next::Split: return split();
    }
  }
  /// Starts a measured stretch at `rows` pushed.
  void mark(uint64_t rows);
  /// Where the operator ran and why, for `--stats` ("" when in partitions throughout);
  /// `gathered`: whether it runs on the run's thread now.
  std::string placement(bool gathered) const;
  bool split() const { return split_; }

 private:
  double rate_since_mark(uint64_t rows) const;

  PartitionPolicy policy_;
  Phase phase_ = Phase::Probing;
  uint64_t steps_ = 0;
  double mark_seconds_ = 0;
  uint64_t mark_rows_ = 0;
  double partitioned_rate_ = 0, gathered_rate_ = 0;
  bool split_ = false;
  uint64_t gathered_at_firing_ = 0;  // gathered after this many firings (frequent or small firings)
};

}  // namespace vlac::rt
