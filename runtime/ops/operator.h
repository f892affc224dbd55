#pragma once
// What the engine needs of a runtime operator: to learn that its input watermark advanced, and
// its counters for `--stats`. Called when the watermark moves, not per row.

#include <cstdint>

#include "runtime/ops/late_rows.h"
#include "runtime/ops/operator_stats.h"
#include "runtime/ops/state_io.h"

namespace vlac::rt {

class StatefulOperator {
 public:
  virtual ~StatefulOperator() = default;
  /// The input watermark is now `w` (INT64_MAX at end of input): emit what it completes.
  virtual void advance(int64_t w) = 0;
  /// An operator with several inputs learns each input's watermark (LANGUAGE.md §5: it acts on
  /// their minimum, but a join also purges each side by the other side's watermark).
  virtual void advance_ports(const int64_t* w, int ports) {
    int64_t m = w[0];
    for (int i = 1; i < ports; ++i) m = w[i] < m ? w[i] : m;
    advance(m);
  }
  /// The watermark this operator forwards once it has emitted what the input watermark
  /// completed: by default the input's; joins hold it back so their results are never late.
  virtual int64_t output_watermark(int64_t input_w) const { return input_w; }
  /// Emits what it still owes for the rows pushed so far: an operator whose results come out in
  /// rounds (a partitioned interval join) ends its round. Called between two rows, before a
  /// checkpoint and when a run stops early; the others owe nothing.
  virtual void settle() {}
  virtual const OperatorStats& stats() const = 0;
  /// `vlac run --late`: where the operator reports each row it drops as late. False when it
  /// cannot (a partitioned operator drops its late rows on the run's thread, so it can).
  virtual bool set_late_rows(const LateRows&) { return false; }
  /// Its whole state as bytes (LANGUAGE.md §10, runtime/ops/state_io.h): counters, watermark,
  /// open windows, buffers, ... never a pointer.
  virtual void save_state(StateWriter& w) const = 0;
  /// Loads what save_state wrote into an operator constructed and wired (window merging) the
  /// same way; false when the bytes are malformed (the operator is then unusable).
  virtual bool load_state(StateReader& r) = 0;
  /// What generated code pushes rows into (ExecContext::operators): the operator object itself.
  virtual void* target() { return this; }
};

}  // namespace vlac::rt
