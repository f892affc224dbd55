#include "cli/run_checkpoint.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "plan/explain.h"
#include "runtime/ops/state_io.h"

#ifndef VLAC_VERSION
#define VLAC_VERSION "dev"
#endif

namespace vlac {

bool start_checkpoint_run(const RunOptions& o, const Compilation& c, const PhysicalPlan& plan,
                          const std::vector<std::vector<InputFile>>& inputs, bool has_rejects, CheckpointRun* run,
                          std::string* error) {
  if (!run->store.open(o.checkpoint_dir, error)) return false;
  CheckpointOptions& opt = run->options;
  opt.store = &run->store;
  opt.every_rows = o.checkpoint_every_rows;
  opt.every_ns = o.checkpoint_every_rows ? 0 : o.checkpoint_every_ns;
  opt.keep = o.keep_checkpoints;
  opt.program = c.file->name();
  // JIT and C++ backends share the hosted operators: a snapshot of one restores on the other.
  opt.program_hash = program_state_hash(c.file->text(), explain_text(c.program),
                                        std::string(o.backend == "firmware" ? "firmware" : "hosted") + " " + VLAC_VERSION +
                                            " state " + std::to_string(rt::kStateLayoutRevision));
  if (const char* hook = std::getenv("VLAC_TEST_STOP_AFTER_ROWS")) opt.stop_after_rows = std::strtoull(hook, nullptr, 10);

  if (o.restore_from != 0) {
    run->snapshot = run->store.load(o.restore_from, error);
    if (!run->snapshot) return false;
  } else {
    run->snapshot = run->store.newest(stderr);
  }
  std::vector<std::string> streams;
  for (const PhysicalSource& s : plan.sources) streams.push_back(s.stream);
  if (run->snapshot) {
    const rt::Snapshot& snap = *run->snapshot;
    *error = snapshot_mismatch(snap, opt.program_hash, opt.program, streams, inputs);
    if (!error->empty()) return false;
    // The outputs, then the rejects file and the --late file, each named by its path.
    std::vector<std::string> extra;
    if (has_rejects) extra.push_back(o.rejects_path);
    if (!o.late_path.empty()) extra.push_back(o.late_path);
    bool same = snap.outputs.size() == plan.outputs.size() + extra.size();
    for (size_t i = 0; same && i < extra.size(); ++i) same = snap.outputs[plan.outputs.size() + i].name == extra[i];
    if (!same) {
      *error = "checkpoint " + std::to_string(snap.id) + " was taken with other outputs (--rejects " +
               (has_rejects ? o.rejects_path : "none") + ", --late " + (o.late_path.empty() ? "none" : o.late_path) +
               " here); give the same outputs as that run";
      return false;
    }
    opt.restore = &*run->snapshot;
  }
  // The live input (standard input or an MQTT topic; one at most) is journalled.
  const InputFile* live = nullptr;
  for (const auto& files : inputs)
    for (const InputFile& f : files)
      if (f.live) live = &f;
  if (live) {
    run->journal = std::make_unique<rt::StdinJournal>();
    if (!run->journal->open(o.checkpoint_dir, error)) return false;
    // From the beginning, nothing journalled before counts. The journal holds the bytes read
    // from the input itself, after the header an MQTT CSV source is given (InputFile::prefix),
    // so that its offsets are the reader's.
    if (!run->snapshot && !run->journal->reset(live->prefix.size(), error)) return false;
    opt.journal = run->journal.get();
  }
  return true;
}

std::FILE* open_checkpointed_output(const CheckpointRun& run, size_t index, const std::string& path, std::string* error) {
  if (!run.snapshot) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) *error = "cannot write '" + path + "': " + std::strerror(errno);
    return f;
  }
  const rt::SnapshotOutput& recorded = run.snapshot->outputs[index];
  const std::string which = "checkpoint " + std::to_string(run.snapshot->id);
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  if (!f) {
    *error = "cannot continue '" + path + "' from " + which + ": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (fstat(fileno(f), &st) != 0 || static_cast<uint64_t>(st.st_size) < recorded.bytes) {
    *error = "cannot continue '" + path + "' from " + which + ": it holds " + std::to_string(st.st_size) +
             " bytes, fewer than the " + std::to_string(recorded.bytes) + " the checkpoint recorded (was it changed?)";
    std::fclose(f);
    return nullptr;
  }
  // What was written after the snapshot is written again by this run.
  if (ftruncate(fileno(f), static_cast<off_t>(recorded.bytes)) != 0 || std::fseek(f, 0, SEEK_END) != 0) {
    *error = "cannot continue '" + path + "' from " + which + ": " + std::strerror(errno);
    std::fclose(f);
    return nullptr;
  }
  return f;
}

}  // namespace vlac
