#pragma once
// DIR/stdin.journal: the bytes of standard input that a run with `--checkpoint DIR` has read
// (LANGUAGE.md §10, docs/checkpoints.md "The standard-input journal"). Standard input cannot be
// read twice, so a restart replays from here what the snapshot it restores had not consumed,
// then reads on from standard input (appending to the journal again).
//
// The journal holds the input bytes from an absolute offset `base` (kept in its 24-byte header)
// to its end. Guarantees, given the reader writes through append_fd():
//   - every byte is written here BEFORE it is parsed, so a process that dies (kill -9) has lost
//     no byte it read: the kernel keeps what was written;
//   - the journal is fsynced (sync()) BEFORE each snapshot commit, so a committed snapshot never
//     refers to journal bytes that a power loss could take away. Bytes read after the last
//     commit survive a process crash, not necessarily a power loss.
//   - compact() drops only bytes before the oldest kept snapshot's offset, atomically (new
//     file, fsync, rename, fsync of DIR): a crash leaves the old journal or the new one.
// Hosted only.

#include <cstdint>
#include <string>

namespace vlac::rt {

class StdinJournal {
 public:
  static constexpr const char* kFileName = "stdin.journal";

  StdinJournal() = default;
  ~StdinJournal() { close(); }
  StdinJournal(const StdinJournal&) = delete;
  StdinJournal& operator=(const StdinJournal&) = delete;

  /// Opens DIR/stdin.journal (DIR must exist), continuing it when it exists, creating an empty
  /// one with base 0 otherwise. False with a message when it cannot, or when the file is not a
  /// journal of this format.
  bool open(const std::string& dir, std::string* error);
  void close();
  bool is_open() const { return fd_ >= 0; }

  /// A descriptor open for appending (O_APPEND) to the journal: the stdin reader's tee fd. Its
  /// number stays the same as long as the journal is open, compact() and reset() included.
  int append_fd() const { return fd_; }
  /// The absolute stdin offset of the journal's first byte, and one past its last.
  uint64_t base() const { return base_; }
  uint64_t end() const;

  /// Makes every byte appended so far durable (fdatasync). Call before each snapshot commit.
  bool sync(std::string* error);

  /// A new read-only descriptor (the caller closes it) positioned at absolute offset `offset`,
  /// reading to the journal's end; -1 with a message when `offset` is before base() or after
  /// end() (the bytes are not here) or the file cannot be opened.
  int open_replay(uint64_t offset, std::string* error) const;

  /// Drops the bytes before absolute offset `keep_from` (the stdin offset of the oldest snapshot
  /// kept): writes a new journal holding [keep_from, end) beside it, fsyncs it, renames it over
  /// the old one, fsyncs DIR. Nothing to do when keep_from <= base(); false when it is after
  /// end() or the new file cannot be written (the old journal is then untouched).
  bool compact(uint64_t keep_from, std::string* error);

  /// Replaces the journal with an empty one starting at absolute offset `base` (a run that
  /// starts standard input afresh), atomically like compact().
  bool reset(uint64_t base, std::string* error);

 private:
  // A new journal from absolute offset new_base, holding this one's bytes from there when keep_tail.
  bool replace(uint64_t new_base, bool keep_tail, std::string* error);
  bool attach(std::string* error);  // (re)opens fd_ on the current file, reads its base

  std::string dir_, path_;
  int fd_ = -1;
  uint64_t base_ = 0;
};

}  // namespace vlac::rt
