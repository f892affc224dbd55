#pragma once
// What an operator under test reports as late (`vlac run --late`, runtime/ops/late_rows.h), in
// the order it reports it: a partitioned operator must report one thread's late rows in one
// thread's order (LANGUAGE.md §11, §12).

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "runtime/ops/operator.h"

namespace vlac::test {

/// A row reported as late: its port, the row pushed (the test's own bytes) and the watermark.
struct LateRow {
  int port;
  const uint8_t* row;
  int64_t watermark;
  bool operator==(const LateRow&) const = default;
};

/// Makes `op` report its late rows into `log`.
inline void log_late_rows(rt::StatefulOperator& op, std::vector<LateRow>* log) {
  rt::LateRows report;
  report.user = log;
  report.report = [](void* user, int port, const uint8_t* row, int64_t watermark) {
    static_cast<std::vector<LateRow>*>(user)->push_back({port, row, watermark});
  };
  EXPECT_TRUE(op.set_late_rows(report));
}

}  // namespace vlac::test
