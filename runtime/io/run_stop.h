#pragma once
// When a run stops before the end of its inputs: a record rejected under `--on-error fail` or a
// failed write to the rejects file (the RejectSink says so), SIGINT/SIGTERM (StopSignals' flag),
// or a failed write to an output. Asked after every row by the engine of `vlac run` and by the
// main() of programs built for hosts (runtime/host_main.h), so it must cost next to nothing:
// the first two are flags read after every row (exact: no row after the one that stopped it);
// the writers (a loop over them) are asked every kWriterPollRows rows, after every row when
// the input is live (each row is flushed, and a flush can fail), and at the end. A writer that
// failed writes nothing more, so the rows read meanwhile change no output.

#include <atomic>
#include <cstdint>
#include <vector>

#include "runtime/io/reject_sink.h"
#include "runtime/io/row_writer.h"

namespace vlac::rt {

class RunStop {
 public:
  static constexpr uint32_t kWriterPollRows = 256;

  /// `rejects` and `signal` may be null (nothing to watch there); none is owned.
  RunStop(const RejectSink* rejects, const std::atomic<bool>* signal, std::vector<const RowWriter*> writers, bool live)
      : rejects_(rejects), signal_(signal), writers_(std::move(writers)), every_(live ? 1 : kWriterPollRows), countdown_(every_) {}

  /// After each row: true when the run must stop now.
  bool after_row() {
    if (flagged()) return true;
    if (--countdown_ != 0) return false;
    countdown_ = every_;
    return writer_failed();
  }

  /// After the last row: true when the run must stop rather than end its input.
  bool now() const { return flagged() || writer_failed(); }

 private:
  /// The rejects sink or a signal said stop.
  bool flagged() const {
    return (rejects_ && rejects_->should_stop()) || (signal_ && signal_->load(std::memory_order_relaxed));
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
};

}  // namespace vlac::rt
