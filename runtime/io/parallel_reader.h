#pragma once
// Parses one input file on several threads (LANGUAGE.md §11, `vlac run --threads N`) and hands
// out its rows exactly as one reader would: the same rows in the same order, the same rejects
// with the same line numbers at the same moments, the same positions for checkpoints.
//
// The file is cut into chunks of a fixed number of bytes. A worker parses chunk k from the first
// line start at or after its nominal begin, with a reader of its own (RowReader::seek_range),
// up to the first record boundary at or after the next chunk's nominal begin; rows are copied
// into the chunk with their strings, rejects are collected with chunk-relative line numbers.
// That start is a guess: a line start inside a quoted value spanning lines is no record
// boundary. The consumer checks it: chunk k is right when it began where chunk k-1 ended (which
// is a true boundary, by induction from the header); otherwise chunk k is parsed again from
// there on the consumer's thread. So quotes never make it wrong, only slower (as DuckDB's
// parallel CSV reader, which also guesses and verifies). Line numbers are made absolute as the
// chunks are handed out in order.
//
// Inputs it does not split (handed to the single reader as they are): anything but a regular
// file, a file of CR line ends (its line starts cannot be found by '\n'), and a file smaller than
// two chunks.

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/io/row_reader.h"

namespace vlac::rt {

struct ParallelReadOptions {
  int threads = 2;              // parser threads, besides the run's own (which parses a chunk
                                // when none of them has taken it yet)
  uint64_t chunk_bytes = 0;     // 0: kDefaultChunkBytes
  bool positions = false;       // keep every row's position (for checkpoints)
  static constexpr uint64_t kDefaultChunkBytes = uint64_t{4} << 20;
};

/// What `--stats` shows of a parallel reader.
struct ParallelReadStats {
  bool parallel = false;                // false: the input was read by one reader
  uint64_t chunks = 0;                  // chunks handed out
  uint64_t reparsed = 0;                // chunks whose guessed start was inside a quoted value
  /// Records (rows and rejects) each thread parsed: the parser threads, then the run's own
  /// thread (which parses a chunk no parser thread has taken yet, and again a chunk guessed
  /// wrong).
  std::vector<uint64_t> rows_per_thread;
};

/// What the parser threads do with the rows of a dealt run (runtime/parallel/dealt_run.h)
/// instead of keeping them in their chunk: each parsed row is handed to row() on the thread
/// that parsed it, its strings valid during the call only. `worker` numbers the thread (0 to
/// parser_threads() - 1, the last the run's own), `slot` the chunk's slot (0 to chunk_slots()
/// - 1), whose data the visitor keeps until release_visited(slot). A chunk parsed again (its
/// guessed start was wrong) is visited again from begin_chunk().
class RowVisitor {
 public:
  virtual ~RowVisitor() = default;
  virtual void begin_chunk(int worker, size_t slot) = 0;
  virtual void row(int worker, size_t slot, const uint8_t* row) = 0;
  virtual void end_chunk(int worker, size_t slot) = 0;
};

/// A chunk of a visited read, in order (ParallelReader::next_visited).
struct VisitedChunk {
  uint64_t index = 0;
  size_t slot = 0;
  uint64_t rows = 0;
};

/// A new reader of the same input and spec over `in`, reporting to `sink`. Called once for the
/// reader that reads the header (with the run's sink) and once per parser thread.
using ReaderFactory = std::function<std::unique_ptr<RowReader>(std::FILE* in, RejectSink& sink)>;

class ParallelReader final : public RowReader {
 public:
  /// `in`: the input as opened by the caller (not owned); its reader reads the header and is
  /// the whole reader when the input is not split. `layout`: the rows' layout (to copy strings).
  ParallelReader(std::string display_name, std::FILE* in, RowLayout layout, ReaderFactory make, RejectSink& rejects,
                 ParallelReadOptions options);
  ~ParallelReader() override;

  bool open(std::string* error) override;
  bool next(uint8_t* row) override;
  const InputStats& stats() const override { return split_ ? stats_ : head_->stats(); }
  const std::string& read_error() const override { return split_ ? read_error_ : head_->read_error(); }
  InputPosition position() const override;
  InputPosition before_last_row() const override;
  bool seek(const InputPosition& p, std::string* error) override;
  const std::string& header_text() const override { return head_->header_text(); }

  /// Safe to call once next() has returned false.
  ParallelReadStats parallel_stats() const;

  // ---- a visited read (dealt runs): the chunks' rows go to a RowVisitor, not to next() ----
  /// Whether the input is parsed in chunks on threads (known after open()).
  bool split() const { return split_; }
  /// The threads that may call the visitor (the parser threads and the run's), and the slots
  /// chunks take turns in (after open(), when split()).
  int parser_threads() const { return static_cast<int>(workers_.size()) + 1; }
  size_t chunk_slots() const { return workers_.size() + 2; }
  /// Before the first next_visited(): every parsed row goes to `visitor` (not owned).
  void set_visitor(RowVisitor* visitor) { visitor_ = visitor; }
  /// The next chunk, in order, once parsed, checked (and parsed again from where the chunk
  /// before ended when its guessed start was wrong); its rejects and warnings are reported and
  /// its records counted. False at the end of the input, or after the chunk a read error ended
  /// (read_error()).
  bool next_visited(VisitedChunk* chunk);
  /// The visitor is done with a chunk's slot: the chunk may be parsed into it. From any thread,
  /// in the chunks' order.
  void release_visited(size_t slot) { release(slots_[slot].get()); }

 private:
  struct Chunk;
  struct Worker;

  void start();
  void finish();
  void stop_workers();
  void work(Worker& w);
  /// Parses chunk k, claimed by w's thread, and marks it ready.
  void parse_claimed(Worker& w, uint64_t k);
  /// Chunk next_claim_ may be parsed now (under mu_): its slot is free (the consumer released
  /// the chunk that used it), and it is at most two chunks ahead until the consumer is done with
  /// chunk 0. The input merger reads one row of every input before it knows which comes first,
  /// and a recording split into many files is then read one file after another: only the files
  /// being read hold many parsed chunks.
  bool claimable() const { return next_claim_ < released_ + (released_ > 0 ? slots_.size() : 2); }
  /// The first line start at or after byte `at` (a byte after a '\n'), or the file size.
  uint64_t line_start_at_or_after(int fd, uint64_t at) const;
  /// Parses chunk `k` from byte `begin` with w's reader, whose sink collects the rejects and
  /// warnings that go with the chunk.
  void parse(Worker& w, uint64_t k, uint64_t begin, Chunk& chunk, uint64_t* records);
  uint64_t nominal_begin(uint64_t k) const { return k == 0 ? start_.offset : start_.offset + k * chunk_bytes_; }
  /// The reader reported a reject or warning that note_reports has not seen (rarely: this test
  /// is inlined on every row, the call is not).
  static inline bool has_new_reports(const Worker& w, const Chunk& chunk);
  /// After each call of the chunk's reader: the rejects and warnings it reported come before
  /// the chunk's next row.
  void note_reports(const Worker& w, Chunk& chunk);
  /// After a chunk's last row: its rejects, warnings, end and error.
  void end_parse(Worker& w, Chunk& chunk, uint64_t* records);
  /// parse() for a visited read: the rows go to the visitor.
  void parse_visited(Worker& w, uint64_t k, Chunk& chunk, uint64_t* records);
  /// Takes chunk next_chunk_ (waiting for it), checked and, if its guessed start was wrong, parsed again.
  bool take_next_chunk();
  void release(Chunk* c);
  void report_reject(const CollectedReject& r);
  /// A chunk's warning, reported when it is the input's first (one reader warns once).
  void report_warning(const CollectedWarning& w);

  std::string name_;
  std::FILE* in_;
  RowLayout layout_;
  std::vector<uint32_t> string_offsets_;
  ReaderFactory make_;
  RejectSink& rejects_;
  ParallelReadOptions options_;
  std::unique_ptr<RowReader> head_;
  bool split_ = false;  // chunks on threads; else head_ is the reader
  uint64_t file_size_ = 0;
  uint64_t chunk_bytes_ = 0;
  uint64_t chunk_count_ = 0;
  InputPosition start_;  // where the chunks begin: after the header, or a seek()

  // Shared with the workers, under mu_.
  mutable std::mutex mu_;
  std::condition_variable ready_;   // a chunk was parsed
  std::condition_variable room_;    // the consumer took one: workers may go further ahead
  std::vector<std::unique_ptr<Chunk>> slots_;  // chunk k in slots_[k % size]
  uint64_t next_claim_ = 0;         // the next chunk a worker takes
  uint64_t next_chunk_ = 0;         // the next chunk the consumer takes (consumer's thread only)
  uint64_t released_ = 0;           // chunks the consumer is done with
  bool stopping_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;

  // The consumer's side.
  bool started_ = false;
  Chunk* cur_ = nullptr;
  uint64_t cur_row_ = 0;
  size_t cur_reject_ = 0;
  size_t cur_warning_ = 0;
  bool warned_ = false;          // a warning of the input was reported (JSON Lines: once)
  uint64_t expected_begin_ = 0;  // where the next chunk must begin: where the last one ended
  uint64_t line_base_ = 0;       // physical lines before the current chunk
  InputStats stats_;
  InputPosition after_;          // after the last record consumed
  InputPosition before_;         // before the last row returned
  std::string read_error_;
  bool returned_row_ = false;
  /// The run's own parser: it parses chunks while it would otherwise wait, and parses again a
  /// chunk whose start was guessed wrong.
  std::unique_ptr<Worker> own_;
  uint64_t chunks_taken_ = 0, reparsed_ = 0;
  RowVisitor* visitor_ = nullptr;  // a visited read: parsed rows go here
  bool visited_error_ = false;     // a visited read: the last chunk ended in a read error
};

}  // namespace vlac::rt
