#pragma once
// A join under test, on one thread or partitioned (`--threads`), for the partitioned join tests
// (partitioned_window_join_test, partitioned_interval_join_test, partitioned_asof_join_test, and
// partitioned_over_test, OVER being run in partitions as a join of one port): it plays rows and
// watermarks as generated code and the engine would, and collects what it emits (as text: the
// tests' kernels make each output row a pointer to a string).

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/partition_trial.h"
#include "late_log.h"

namespace vlac::test {

/// What a join under test emitted.
struct Sink {
  std::vector<std::string> rows;
};

/// A row of a side, or both sides' watermarks (is_row false). (operator_steps.h's Step has one
/// input.)
struct JoinStep {
  bool is_row;
  int port;
  std::vector<uint8_t> row;
  int64_t w[2];
};

/// A row of `port` pushed into a partitioned join (OVER's one port takes every row).
template <class Partitioned>
void push_to(Partitioned* p, int port, const uint8_t* row) {
  if constexpr (requires { p->push(port, row); }) p->push(port, row);
  else p->push(row);
}

/// One (the join on one thread: HostedWindowJoin, ...) or Partitioned (PartitionedWindowJoin,
/// ...) with its own output and late rows (`--late`).
template <class One, class Partitioned>
struct JoinUnderTest {
  Sink sink;
  std::vector<LateRow> late;
  void* outputs[1] = {&sink};
  rt::ExecContext ctx;
  std::unique_ptr<rt::StatefulOperator> op;

  /// Partitioned when `partitions` > 1.
  template <class Config, class Kernels>
  JoinUnderTest(const Config& config, const Kernels& kernels, const rt::RowLayout* out_layout, int partitions,
                const rt::PartitionPolicy& policy) {
    ctx.outputs = outputs;
    if (partitions > 1) {
      op = std::make_unique<Partitioned>(&ctx, config, kernels, out_layout, partitions, policy);
    } else {
      auto one = std::make_unique<rt::EngineOperatorOf<One>>();
      one->op.init(&ctx, config, kernels);
      op = std::move(one);
    }
    log_late_rows(*op, &late);
  }
  Partitioned* partitioned() { return dynamic_cast<Partitioned*>(op.get()); }
  void play(const std::vector<JoinStep>& steps, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (!steps[i].is_row) {
        op->advance_ports(steps[i].w, 2);
        continue;
      }
      auto* front = static_cast<One*>(op->target());  // as the runtime's push function
      if (void* p = front->partitioned()) push_to(static_cast<Partitioned*>(p), steps[i].port, steps[i].row.data());
      else front->push(steps[i].port, steps[i].row.data());
    }
  }
  /// Loads what save() wrote (every byte of it); false when it does not load.
  bool restore(const std::vector<uint8_t>& bytes) {
    rt::StateReader r(bytes.data(), bytes.size());
    if (!op->load_state(r)) return false;
    EXPECT_TRUE(r.at_end());
    return true;
  }
  /// Settled first, as the run does before a checkpoint.
  std::vector<uint8_t> save() {
    op->settle();
    std::vector<uint8_t> bytes;
    rt::StateWriter w(&bytes);
    op->save_state(w);
    return bytes;
  }
};

/// The same counters of rows in, out, late and held; the same peak of rows held, or, when the
/// partitioned operator's is its partitions' peaks added up (`peak_summed`), at least one thread's.
inline void expect_same_stats(const rt::OperatorStats& got, const rt::OperatorStats& want, bool peak_summed = false) {
  EXPECT_EQ(got.rows_in, want.rows_in);
  EXPECT_EQ(got.rows_out, want.rows_out);
  EXPECT_EQ(got.late_dropped, want.late_dropped);
  EXPECT_EQ(got.buffered, want.buffered);
  if (peak_summed) EXPECT_GE(got.peak_buffered, want.peak_buffered);
  else EXPECT_EQ(got.peak_buffered, want.peak_buffered);
}

/// The rows a partitioned join's partitions took, and those it took on the run's thread once
/// gathered, add up to `rows_in`; `each_some`: every partition took some; `gathered_some`: some
/// were taken on the run's thread.
template <class Partitioned>
void expect_rows_add_up(const Partitioned& p, uint64_t rows_in, bool each_some, bool gathered_some = false) {
  uint64_t total = p.rows_gathered();
  if (gathered_some) EXPECT_GT(total, 0u);
  for (uint64_t n : p.partition_rows()) {
    total += n;
    if (each_some) EXPECT_GT(n, 0u);
  }
  EXPECT_EQ(total, rows_in);
}

}  // namespace vlac::test
