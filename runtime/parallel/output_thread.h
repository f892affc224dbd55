#pragma once
// Formats and writes a run's output rows on a thread of its own (`vlac run --threads N`, N >= 2,
// LANGUAGE.md §11). Writing a row as text (numbers and timestamps to digits, quoting) costs the
// run's thread a third of its time on programs that emit about a row per input row (an interval
// join, OVER); handing the row over costs a copy. So each output's writer is wrapped in a
// RowWriter that packs its rows (with their strings, runtime/parallel/packed_rows.h) into
// batches of one queue, and one thread unpacks them and writes them through the real writers,
// in the order they were written: outputs that share standard output interleave there as on
// one thread, and the bytes are one thread's.
//
// Whether that pays depends on what else the cores do: where the run's thread has little to do
// besides writing (a pass-through, Nexmark q0) and the parser threads keep both cores busy, the
// copy only adds work. So it is tried both ways, as partitions are (parallel/
// partitioned_aggregate.h): after OutputTrial::warm_rows rows, slices of slice_rows rows are
// written by turns on the thread and on the run's thread (two each: turns, because one slice
// of the data may emit faster than the next), each timed, and the thread keeps writing only if
// it was more than 5 % faster. Either way the bytes are the same.
//
// flush() and finish() wait until the thread has written everything handed over, then act on
// the real writer from the calling thread (nothing else runs on it meanwhile). A failed write is
// seen by the run's thread at its next row: error() is set there, as the run's stop check reads
// it after every row. Used only for files read to their end: live input flushes after every row
// (a round trip per row). A checkpoint flushes the fronts, so it records the bytes of every row
// before it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/io/row_writer.h"
#include "runtime/parallel/batch_queue.h"
#include "runtime/parallel/packed_rows.h"

namespace vlac::rt {

/// When the output thread is tried against the run's thread (rows: output rows, all outputs).
struct OutputTrial {
  uint64_t warm_rows = 65536;
  /// The trial: `rounds` times slice_rows rows on the thread, then as many on the run's thread.
  uint64_t slice_rows = 131072;
  uint64_t rounds = 2;
  /// What the trial keeps: the thread if more than 5 % faster, or (tests) one way always.
  enum class Keep { Faster, Thread, RunThread } keep = Keep::Faster;
  /// The defaults, or under the test hook VLAC_TEST_OUTPUT_TRIAL=thread|run a trial of a few
  /// rows whose outcome is fixed.
  static OutputTrial from_environment();
};

class OutputThread {
 public:
  /// `writers[i]` writes rows of `layouts[i]`; neither is owned, both outlive this.
  OutputThread(std::vector<RowWriter*> writers, std::vector<const RowLayout*> layouts,
               const OutputTrial& trial = OutputTrial::from_environment());
  ~OutputThread();
  OutputThread(const OutputThread&) = delete;
  OutputThread& operator=(const OutputThread&) = delete;

  /// What the run writes output i through (owned by this).
  RowWriter* writer(size_t i) const;
  /// Where the rows were written and why, for `--stats`.
  std::string placement() const;

 private:
  class Front;
  void work();
  /// Writes a row of output i: packed into the batch being filled (handed over when full), or
  /// at once through its writer once the trial chose the run's thread.
  void write(size_t i, const uint8_t* row, Front& front);
  /// The trial's next step, at a multiple of its rows.
  void step();
  /// Hands the batch over and waits until the thread has written every row.
  void drain();
  void publish();

  std::vector<RowWriter*> writers_;
  std::vector<PackedRows> packers_;
  std::vector<std::unique_ptr<Front>> fronts_;
  BatchQueue queue_;
  BatchQueue::Batch* filling_ = nullptr;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};  // a real writer failed (set by the thread)
  std::thread thread_;
  // The trial: rows written, the row of its next step, slices timed so far, the time spent in
  // each way's slices, their rows per second at the end.
  OutputTrial trial_;
  bool direct_ = false;  // writing on the run's thread (while tried, or for good)
  bool decided_ = false;
  uint64_t rows_ = 0, next_step_ = 0, slices_ = 0;
  double mark_seconds_ = 0, thread_seconds_ = 0, run_thread_seconds_ = 0;
  double thread_rate_ = 0, run_thread_rate_ = 0;
};

}  // namespace vlac::rt
