#pragma once
// The checkpoint directory of `vlac run --checkpoint DIR` (LANGUAGE.md §10, docs/checkpoints.md):
// DIR/snapshot-<id>.vcp, the id zero-padded to six digits ("snapshot-000007.vcp"), one file per
// committed snapshot; DIR/snapshot-<id>.vcp.tmp only while one is being written; and
// DIR/stdin.journal (runtime/checkpoint/stdin_journal.h). Hosted only.

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/checkpoint/snapshot_format.h"

namespace vlac::rt {

class CheckpointDir {
 public:
  enum class Mode {
    Write,     // for a run: creates DIR if missing and removes stale .tmp files
    ReadOnly,  // for listing (`vlac checkpoints`): DIR must exist, nothing is changed
  };
  /// False with a message when DIR cannot be created (Write), does not exist (ReadOnly) or is
  /// not a directory.
  bool open(const std::string& dir, std::string* error, Mode mode = Mode::Write);
  const std::string& dir() const { return dir_; }

  struct Entry {
    uint64_t id = 0;
    bool valid = false;
    std::string problem;   // why it is not valid ("checksum mismatch", "truncated: ...")
    Snapshot snapshot;     // everything but the state (empty) when valid
    uint64_t state_bytes = 0;
    uint64_t file_bytes = 0;
  };
  /// Every snapshot file in DIR by increasing id, damaged ones included (each file is read).
  std::vector<Entry> list() const;
  /// The newest valid snapshot with id <= max_id. Each newer damaged one is reported to
  /// `messages` (when not null): "vlac: checkpoint DIR/snapshot-000007.vcp is damaged (checksum
  /// mismatch); using snapshot 6". nullopt when there is none.
  std::optional<Snapshot> newest(std::FILE* messages, uint64_t max_id = UINT64_MAX) const;
  std::optional<Snapshot> load(uint64_t id, std::string* error) const;
  /// Assigns s->id (one above every snapshot file in DIR) and commits it: writes
  /// snapshot-<id>.vcp.tmp, fsyncs it, renames it to snapshot-<id>.vcp, fsyncs DIR. Then removes
  /// every snapshot older than the newest `keep` (at least 1) that were not found damaged;
  /// the one just written is always kept. False with a message when the commit failed (the
  /// previous snapshots are then untouched).
  bool commit(Snapshot* s, int keep, std::string* error);
  /// Removes every snapshot with an id above `id` (`--restore-from ID`), and fsyncs DIR.
  void remove_newer_than(uint64_t id);

  /// The smallest standard-input offset among the valid snapshots in DIR (those kept): the
  /// bytes before it are needed by no snapshot, so StdinJournal::compact may drop them. nullopt
  /// when no valid snapshot reads standard input. Each file is read at most once per object
  /// (snapshots this object committed not at all).
  std::optional<uint64_t> oldest_stdin_offset() const;

  /// "snapshot-000007.vcp", and the path of snapshot `id` in DIR.
  static std::string file_name(uint64_t id);
  std::string path_of(uint64_t id) const;

 private:
  std::vector<uint64_t> ids() const;  // the snapshot files' ids, increasing
  bool read_entry(uint64_t id, Entry* entry, Snapshot* full) const;
  const Entry& entry_of(uint64_t id) const;  // from known_, else read

  std::string dir_;
  mutable std::map<uint64_t, Entry> known_;  // what this object has read or written, by id
};

}  // namespace vlac::rt
