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
};

struct EngineOperator {
  StatefulOperator* op = nullptr;
  std::vector<std::vector<WatermarkOrigin>> ports;  // per input: where its rows come from
  OperatorWatermarks watermarks;                    // kept by the engine (runtime/watermarks.h)
};

class Engine {
 public:
  explicit Engine(ExecContext* ctx) : ctx_(ctx) {}

  std::vector<EngineStream>& streams() { return streams_; }
  /// Operators in topological order (an operator's origins come before it).
  std::vector<EngineOperator>& operators() { return operators_; }
  /// Called after every input row when the input is live (standard input), to flush outputs.
  void set_after_row(std::function<void()> f) { after_row_ = std::move(f); }

  /// Asked after every row whether to stop the run (`--on-error fail` after a malformed row, a
  /// failed write, a signal); null: never stops early. Not owned.
  void set_stop(RunStop* stop) { stop_ = stop; }

  /// Runs to the end of every input. Returns false when the RunStop ended it early.
  bool run();

  /// The engine's part of a checkpoint, between two rows (LANGUAGE.md §10): each stream's
  /// largest event time and watermark, each operator's watermarks, then each operator's state.
  void save_state(StateWriter& w) const;
  /// Restores what save_state wrote, before run(); false when the bytes do not fit the program.
  bool load_state(StateReader& r);
  /// The inputs as run() reads them (positions for a checkpoint); set up by run().
  const InputMerger& inputs() const { return inputs_; }

 private:
  void propagate();
  int64_t origin_watermark(const WatermarkOrigin& o) const;

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
};

}  // namespace vlac::rt
