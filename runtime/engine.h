#pragma once
// Drives a compiled program: reads the inputs in event-time order, hands each row to the
// generated entry function of its stream, keeps each stream's watermark (LANGUAGE.md §5), and
// lets operators fire when the watermark reaching them advances. Knows nothing of the compiler.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/io/input_merger.h"
#include "runtime/io/run_stop.h"
#include "runtime/ops/operator.h"
#include "runtime/ops/state_io.h"
#include "runtime/watermarks.h"

namespace vlac::rt {

class RowReader;

/// Where a watermark comes from: a stream or an operator.
struct WatermarkOrigin {
  bool is_stream;
  int index;
};

struct EngineStream {
  std::string name;
  uint32_t row_size = 0;
  int32_t time_offset = -1;  // -1: no event time; the watermark stays -inf until the end
  int64_t bound_ns = 0;
  void (*entry)(ExecContext*, const uint8_t*) = nullptr;  // generated: the stream's consumers
  std::vector<RowReader*> readers;  // its input files, in --input order
  int64_t max_time = INT64_MIN;
  int64_t watermark = INT64_MIN;
  bool idle = false;  // --idle-timeout: left out of the watermarks of the operators it feeds
};

struct EngineOperator {
  StatefulOperator* op = nullptr;
  std::vector<std::vector<WatermarkOrigin>> ports;  // per input: where its rows come from
  OperatorWatermarks watermarks;                    // kept by the engine (runtime/watermarks.h)
  bool idle = false;  // --idle-timeout: every input it has is idle, so its watermark holds
};

class Engine {
 public:
  explicit Engine(ExecContext* ctx) : ctx_(ctx) {}

  std::vector<EngineStream>& streams() { return streams_; }
  /// Operators in topological order (an operator's origins come before it).
  std::vector<EngineOperator>& operators() { return operators_; }
  /// Called after every input row when the input is live (standard input), to flush outputs.
  void set_after_row(std::function<void()> f) { after_row_ = std::move(f); }
  /// Live input with operators whose results come out in rounds (`--threads`: their settle()
  /// owes rows): before the run waits for input, every operator settles and the after-row
  /// function runs again, so that what the rows so far owe is out, as one thread's would be.
  void set_settle_before_waiting(bool on) { settle_before_waiting_ = on; }

  /// Asked after every row whether to stop the run (`--on-error fail` after a malformed row, a
  /// failed write, a signal); null: never stops early. Not owned.
  void set_stop(RunStop* stop) { stop_ = stop; }

  /// `--idle-timeout` (LANGUAGE.md §12): a live input without a row for `ns` of wall-clock time
  /// is idle (rt::InputMerger); an operator's input watermark is then the minimum over its
  /// active inputs (Flink's idleness). 0: off. Before run().
  void set_idle_timeout(int64_t ns) { idle_timeout_ns_ = ns; }

  /// Runs to the end of every input. Returns false when the RunStop ended it early (after
  /// settle()).
  bool run();
  /// A run whose rows another takes (rt::DealtRun feeding further operators): no input is
  /// read; the caller moves the watermarks instead. prepare() is what run() does before the
  /// first row; raise_watermark(s, w) then moves stream s's watermark to w (when higher), as a
  /// row raising its largest event time would, and lets the operators fire; end_of_input() is
  /// run()'s end, every watermark at +inf.
  void prepare();
  void raise_watermark(int stream, int64_t w);
  void end_of_input();

  /// Every operator emits what it owes for the rows so far (StatefulOperator::settle), between
  /// two rows: before a checkpoint, and when the run stops early.
  void settle();

  /// The engine's part of a checkpoint, between two rows (LANGUAGE.md §10): each stream's
  /// largest event time and watermark, each operator's watermarks, then each operator's state.
  void save_state(StateWriter& w) const;
  /// Restores what save_state wrote, before run(); false when the bytes do not fit the program.
  bool load_state(StateReader& r);
  /// The inputs as run() reads them (positions for a checkpoint); set up by run().
  const InputMerger& inputs() const { return inputs_; }

 private:
  void propagate();
  /// propagate() when some stream is idle: idle origins are left out of the minimum, an idle
  /// port takes the minimum of the active ports, an operator with only idle inputs holds.
  void propagate_with_idle();
  /// Takes the merger's idle inputs into the streams' idle flags; true when one changed.
  bool update_idle();
  int64_t origin_watermark(const WatermarkOrigin& o) const;
  bool origin_idle(const WatermarkOrigin& o) const {
    return o.is_stream ? streams_[o.index].idle : operators_[o.index].idle;
  }

  ExecContext* ctx_;
  std::vector<EngineStream> streams_;
  std::vector<EngineOperator> operators_;
  /// Per operator, set by run(): the watermark of its only origin when it has one input fed by
  /// one origin (the usual case), else null. Points into streams_ or operators_.
  std::vector<const int64_t*> single_origin_;
  std::function<void()> after_row_;
  RunStop* stop_ = nullptr;
  InputMerger inputs_;
  bool restored_ = false;  // load_state() set the watermarks: run() keeps them
  int64_t idle_timeout_ns_ = 0;
  bool any_idle_ = false;  // some stream is idle now
  bool settle_before_waiting_ = false;
};

}  // namespace vlac::rt
