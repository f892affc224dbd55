#pragma once
// One partition's firing (hosted `--threads`, LANGUAGE.md §11): the groups of the windows or
// sessions of a partition's HostedWindowAggregate that end at or before a watermark, in the
// order one thread fires them for the partition's keys: windows (sessions) by (end, start),
// each one's groups by first arrival. Shared by PartitionedWindowAggregate and DealtAggregate,
// which finalize them on the partition's thread and merge the partitions' rows by that order.
// Not for sliced windows: every partition holds every slice and fires them through
// HostedWindowAggregate::take_window_groups (partitioned_aggregate.h, dealt_run.h).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/ops/hosted_operators.h"

namespace vlac::rt {

struct FiredGroup {
  int64_t seq;  // first arrival
  const uint8_t* key;
  const uint8_t* acc;
  static bool arrived_before(const FiredGroup& a, const FiredGroup& b) { return a.seq < b.seq; }
};

/// Calls window(start, end) before each due window's (session's) groups and group(key, acc,
/// first arrival) for each of them, in firing order, then marks everything up to w fired.
/// `scratch` is reused between calls.
template <class OnWindow, class OnGroup>
void take_fired_groups(HostedWindowAggregate& op, bool session, int64_t w, std::vector<FiredGroup>& scratch,
                       OnWindow&& window, OnGroup&& group) {
  if (session) {
    // In firing order already: (end, start, first arrival).
    op.take_due_sessions(w, [&](const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, int64_t seq) {
      window(start, end);
      group(key, acc, seq);
    });
    op.retire_sessions(w);
    op.fired_to(w);
    return;
  }
  int64_t start, end;
  while (op.first_window(&start, &end) && end <= w) {  // in (end, start) order
    window(start, end);
    // A table keeps its groups in the order they came, but a restored one need not.
    scratch.clear();
    op.for_each_group_of_first([&](const uint8_t* key, const uint8_t* acc, int64_t seq) { scratch.push_back({seq, key, acc}); });
    if (!std::is_sorted(scratch.begin(), scratch.end(), FiredGroup::arrived_before))
      std::sort(scratch.begin(), scratch.end(), FiredGroup::arrived_before);
    for (const FiredGroup& g : scratch) group(g.key, g.acc, g.seq);
    op.close_first_window();
  }
  op.fired_to(w);
}

}  // namespace vlac::rt
