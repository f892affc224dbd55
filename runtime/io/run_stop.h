#pragma once
// When a run stops before the end of its inputs: a record rejected under `--on-error fail` or a
// failed write to the rejects file (the RejectSink says so), SIGINT/SIGTERM (StopSignals' flag),
// or a failed write to an output. Asked after every row by the engine of `vlac run` and by the
// main() of programs built for hosts (runtime/host_main.h), so it must cost next to nothing:
// the first two are flags read after every row (exact: no row after the one that stopped it);
// the writers (a loop over them) are asked every kWriterPollRows rows, after every row when
// the input is live (each row is flushed, and a flush can fail), and at the end. A writer that
// failed writes nothing more, so the rows read meanwhile change no output.
//
// It also says when a checkpoint is due (`--checkpoint-every`, LANGUAGE.md §10): after exactly
// every N rows, or once N ns of wall-clock time have passed (the clock is read when the writers
// are polled). The caller then calls checkpoint(), between two rows.

#include <atomic>
#include <cstdint>
#include <ctime>
#include <functional>
#include <vector>

#include "runtime/io/reject_sink.h"
#include "runtime/io/row_writer.h"

namespace vlac::rt {

/// What taking a checkpoint did: taken; Busy (the previous one is still being committed: ask
/// again a little later); Stop (the run must stop).
enum class CheckpointTake { Taken, Busy, Stop };

class RunStop {
 public:
  static constexpr uint32_t kWriterPollRows = 256;

  /// How the signal ends a run.
  enum class OnSignal {
    Stop,          // after the current row, without firing open windows
    EndLiveInputs, // every input is live: they end after what had arrived (runtime/io/line_input.h),
                   // then the run stops without firing (nothing that arrived is lost)
    Drain,         // `--drain` (LANGUAGE.md §12): the live inputs end, files are read to their
                   // end, and every open window fires as at the end of input
  };

  /// `rejects` and `signal` may be null (nothing to watch there); none is owned.
  RunStop(const RejectSink* rejects, const std::atomic<bool>* signal, std::vector<const RowWriter*> writers, bool live,
          OnSignal on_signal = OnSignal::Stop)
      : rejects_(rejects), signal_(signal), writers_(std::move(writers)), every_(live ? 1 : kWriterPollRows), countdown_(every_),
        on_signal_(on_signal) {}

  /// Checkpoints every `rows` rows (0: not by rows) or every `ns` nanoseconds of wall-clock time
  /// (0: not by time) through `take`.
  void set_checkpoints(uint64_t rows, int64_t ns, std::function<CheckpointTake()> take) {
    checkpoint_rows_ = rows;
    checkpoint_countdown_ = rows ? rows : UINT64_MAX;
    checkpoint_ns_ = ns;
    next_checkpoint_ns_ = ns ? monotonic_ns() + ns : INT64_MAX;
    take_ = std::move(take);
  }

  /// After each row: true when the run must stop now. A due checkpoint is taken here.
  bool after_row() {
    if (flagged() || (on_signal_ == OnSignal::Stop && signalled())) return true;
    if (--checkpoint_countdown_ == 0 && !checkpoint()) return true;
    if (--countdown_ != 0) return false;
    countdown_ = every_;
    if (checkpoint_ns_ && monotonic_ns() >= next_checkpoint_ns_ && !checkpoint()) return true;
    return writer_failed();
  }

  /// Takes a checkpoint now (and restarts both intervals); false when the run must stop.
  bool checkpoint() {
    const CheckpointTake done = take_ ? take_() : CheckpointTake::Taken;
    if (done == CheckpointTake::Busy) {  // asked again after some rows (by time: at the next poll)
      checkpoint_countdown_ = kWriterPollRows;
      return true;
    }
    checkpoint_countdown_ = checkpoint_rows_ ? checkpoint_rows_ : UINT64_MAX;
    if (checkpoint_ns_) next_checkpoint_ns_ = monotonic_ns() + checkpoint_ns_;
    if (done == CheckpointTake::Taken) return true;
    stopped_by_checkpoint_ = true;
    return false;
  }

  /// After the last row: true when the run must stop rather than end its input.
  bool now() const {
    return flagged() || (on_signal_ != OnSignal::Drain && signalled()) || writer_failed() || stopped_by_checkpoint_;
  }

 private:
  /// The rejects sink said stop.
  bool flagged() const { return rejects_ && rejects_->should_stop(); }
  bool signalled() const { return signal_ && signal_->load(std::memory_order_relaxed); }
  static int64_t monotonic_ns() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
  }
  bool writer_failed() const {
    for (const RowWriter* w : writers_)
      if (w->failed()) return true;
    return false;
  }

  const RejectSink* rejects_;
  const std::atomic<bool>* signal_;
  std::vector<const RowWriter*> writers_;
  uint32_t every_, countdown_;
  uint64_t checkpoint_rows_ = 0, checkpoint_countdown_ = UINT64_MAX;
  int64_t checkpoint_ns_ = 0, next_checkpoint_ns_ = INT64_MAX;
  std::function<CheckpointTake()> take_;
  bool stopped_by_checkpoint_ = false;
  OnSignal on_signal_;
};

}  // namespace vlac::rt
