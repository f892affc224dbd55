#pragma once
// `vlac run --checkpoint DIR` (LANGUAGE.md §10, docs/checkpoints.md): taking a checkpoint between
// two rows of a run, and checking that a snapshot fits the run that wants to start from it.
//
// A checkpoint commits in this order, so that a snapshot never names output that is not on disk:
// every output and the rejects file are flushed and fsynced (their lengths are the snapshot's),
// the standard-input journal is fsynced, then the snapshot is written to a temporary file,
// fsynced, renamed and the directory fsynced (rt::CheckpointDir::commit).

#include <cstdint>
#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>
#include <string>
#include <vector>

#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/io/run_stop.h"
#include "runtime/ops/state_io.h"

#include "runtime/checkpoint/checkpoint_dir.h"
#include "runtime/checkpoint/snapshot_format.h"
#include "runtime/checkpoint/stdin_journal.h"

namespace vlac {

struct InputFile;

/// What `vlac run` asks of checkpoints.
struct CheckpointOptions {
  rt::CheckpointDir* store = nullptr;    // open; not owned
  rt::StdinJournal* journal = nullptr;   // when an input is standard input; not owned
  uint64_t every_rows = 0;               // --checkpoint-every 100000rows (0: by time)
  int64_t every_ns = 0;                  // --checkpoint-every 10s (0: by rows)
  int keep = 2;                          // --keep-checkpoints
  uint64_t program_hash = 0;
  std::string program;                   // the program's file name, for messages
  /// Start from this snapshot (already checked with snapshot_mismatch); null: from the start.
  const rt::Snapshot* restore = nullptr;
  /// Test hook (VLAC_TEST_STOP_AFTER_ROWS): one checkpoint after this many rows, then the run
  /// stops as SIGTERM would stop it. 0: none.
  uint64_t stop_after_rows = 0;
};

/// The hash of what decides a program's state layout: its text, the optimiser's settings and the
/// plan the backend runs (as `explain` prints it) and the storage of its operators.
uint64_t program_state_hash(const std::string& source, const std::string& plan_text, const std::string& backend);

/// Empty when `snapshot` can continue this run; else why not, naming what changed (a one-line
/// message): another program, other inputs (names or count), an input file whose consumed bytes
/// differ, an input that is not standard input any more.
std::string snapshot_mismatch(const rt::Snapshot& snapshot, uint64_t program_hash, const std::string& program,
                              const std::vector<std::string>& streams, const std::vector<std::vector<InputFile>>& inputs);

/// Hashes the bytes of one input file that a run has consumed, incrementally: each checkpoint
/// hashes only what was consumed since the last one (pread, so the reader's buffer is untouched).
class ConsumedHash {
 public:
  /// Continue from a snapshot's hash of the first `offset` bytes.
  void start(uint64_t offset, uint32_t crc) {
    upto_ = offset;
    crc_ = crc;
  }
  /// The crc32c of the first `offset` bytes of `fd` (offset >= the previous one); false on a
  /// read error.
  bool advance(int fd, uint64_t offset);
  uint32_t crc() const { return crc_; }

 private:
  uint64_t upto_ = 0;
  uint32_t crc_ = 0;
};

/// The checkpoints of one run, set up once its readers, writers and driver exist.
///
/// A checkpoint is prepared on the run's thread, between two rows: the outputs are flushed to
/// the kernel (their lengths are the snapshot's), the inputs' positions and the operators' state
/// are taken. Making it durable — hashing the input consumed since the last one, fsync of the
/// outputs and of the journal, writing, fsyncing and renaming the snapshot file — runs on a
/// thread of its own while the run goes on, one commit at a time (Flink's one concurrent
/// checkpoint): a checkpoint that comes due while the previous one is still being committed
/// waits for it — by rows, the run waits, so snapshots come after exactly every N rows; by time,
/// the run goes on and RunStop asks again a little later. The run's last checkpoint (end of
/// input, a signal, the test hook) is committed before the run ends.
class RunCheckpoints {
 public:
  struct Input {
    std::string stream, name;        // the source stream; the input as given ("<stdin>")
    bool is_stdin = false;
    int fd = -1;                     // a file's descriptor (its consumed bytes are hashed)
    const rt::RowReader* reader = nullptr;
  };
  struct Output {
    std::string name;
    std::FILE* file = nullptr;
    rt::RowWriter* writer = nullptr;  // null for the rejects file
  };
  RunCheckpoints(const CheckpointOptions& options, std::vector<Input> inputs, std::vector<Output> outputs,
                 std::function<rt::InputPosition(size_t)> position, std::function<void(rt::StateWriter&)> save_state);
  ~RunCheckpoints();

  /// Takes a checkpoint now (between two rows). Busy: by time, the previous one is still being
  /// committed (ask again later); Stop: the run must stop, because a commit failed (error()) or the test
  /// hook stops after its checkpoint. `final`: the run's last one, committed before returning
  /// (never Busy).
  rt::CheckpointTake take(bool final = false);
  /// Waits for a commit in flight (before the run reports); false when it failed (error()).
  bool wait();

  const std::string& error() const { return error_; }
  uint64_t taken() const { return taken_; }
  uint64_t last_id() const { return last_id_; }
  uint64_t last_state_bytes() const { return last_state_bytes_; }
  /// Seconds the run itself spent on checkpoints, and the commits' seconds on their thread.
  double seconds() const { return seconds_; }
  double commit_seconds() const { return commit_seconds_; }
  bool stopped_by_hook() const { return stopped_by_hook_; }

 private:
  /// Everything a commit needs, prepared on the run's thread.
  struct Pending {
    rt::Snapshot snapshot;
  };
  bool prepare(Pending* p);
  /// Hashes, fsyncs and writes `p` (on the commit thread, or the run's for the last one).
  void commit(Pending& p);
  /// After a commit: counts, the journal's compaction (on the run's thread, which alone writes
  /// the journal); false when the commit failed.
  bool committed();

  const CheckpointOptions& options_;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
  std::function<rt::InputPosition(size_t)> position_;
  std::function<void(rt::StateWriter&)> save_state_;
  std::vector<ConsumedHash> hashes_;  // used by commits only, one at a time
  std::thread worker_;
  std::atomic<bool> worker_done_{false};
  Pending in_flight_;
  std::string commit_error_;  // set by a commit, read after it is joined
  std::string error_;
  uint64_t taken_ = 0, last_id_ = 0, last_state_bytes_ = 0;
  double seconds_ = 0, commit_seconds_ = 0;
  bool stopped_by_hook_ = false;
};

/// Where a snapshot left an input, for RowReader::seek (the inverse of what a checkpoint records).
rt::InputPosition position_of(const rt::SnapshotInput& in);

/// "2026-12-03T15:04:05Z" for nanoseconds since the epoch (UTC, whole seconds).
std::string iso_time(int64_t unix_ns);

}  // namespace vlac
