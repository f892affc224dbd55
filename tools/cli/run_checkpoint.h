#pragma once
// `vlac run --checkpoint DIR` before the run starts (LANGUAGE.md §10): the snapshot it goes on
// from (the newest complete one, or --restore-from ID), checked against the program and the
// inputs, and the outputs cut back to the lengths the snapshot recorded.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_options.h"
#include "exec/checkpointing.h"
#include "exec/executor.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace vlac {

struct CheckpointRun {
  rt::CheckpointDir store;
  std::unique_ptr<rt::StdinJournal> journal;  // when an input is standard input
  std::optional<rt::Snapshot> snapshot;       // what the run starts from; none: the beginning
  CheckpointOptions options;
};

/// Opens DIR and picks and checks the snapshot. False with a one-line message (exit 1).
bool start_checkpoint_run(const RunOptions& o, const Compilation& c, const PhysicalPlan& plan,
                          const std::vector<std::vector<InputFile>>& inputs, bool has_rejects, CheckpointRun* run,
                          std::string* error);

/// Opens output `index` (the rejects file: index = the number of outputs) for writing: from the
/// start, or when restoring, cut back to the snapshot's length and positioned at its end.
/// Null with a message.
std::FILE* open_checkpointed_output(const CheckpointRun& run, size_t index, const std::string& path, std::string* error);

}  // namespace vlac
