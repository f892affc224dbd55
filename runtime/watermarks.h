#pragma once
// How a watermark moves through an operator (LANGUAGE.md §5), written once for the engine of
// `vlac run` and for the generated host and firmware classes. Each input port's watermark is
// the minimum of what feeds it; when one rises, the operator is told (advance, or
// advance_ports for a join, which purges each side by the other's watermark) and emits what
// it completes, then forwards its output watermark (a join may hold it back). Operators come
// in topological order, so one pass carries a watermark all the way down.
//
// Header-only, no heap, firmware-clean.

#include <cstdint>

namespace vlac::rt {

constexpr int kMaxPorts = 2;

/// What an operator has been told, and what it forwards.
struct OperatorWatermarks {
  int64_t in[kMaxPorts] = {INT64_MIN, INT64_MIN};
  int64_t out = INT64_MIN;
};

/// The watermark of a port's origins: the minimum (INT64_MAX when it has none).
inline int64_t min_watermark(int64_t a, int64_t b) { return a < b ? a : b; }

/// Tells `op` the watermarks now reaching its kPorts inputs (port_w), if any rose.
/// Op: advance(int64_t), output_watermark(int64_t), and with two ports advance_ports(const int64_t*, int).
template <int kPorts, class Op>
inline void advance_operator(Op& op, OperatorWatermarks& wm, const int64_t* port_w) {
  static_assert(kPorts >= 1 && kPorts <= kMaxPorts, "an operator has one or two inputs");
  bool changed = false;
  int64_t lowest = INT64_MAX;
  for (int p = 0; p < kPorts; ++p) {
    if (port_w[p] > wm.in[p]) {
      wm.in[p] = port_w[p];
      changed = true;
    }
    lowest = min_watermark(lowest, wm.in[p]);
  }
  if (!changed) return;
  // A single input is always told, even when nothing fires: lateness is judged against it.
  if constexpr (kPorts > 1) op.advance_ports(wm.in, kPorts);
  else op.advance(lowest);
  wm.out = op.output_watermark(lowest);
}

}  // namespace vlac::rt
