// The keyed interval join in partitions (`--threads`, LANGUAGE.md §11,
// runtime/parallel/partitioned_interval_join.h) against the same join on one thread: random runs
// of two sides (STRING keys, possibly NULL, that are many or one hot key; disorder; late rows on
// either side; a residual condition that rejects some pairs), INNER and LEFT, with bounds that
// contain 0 or not and a side keyed or scanned, at 2, 3 and 4 partitions, in rounds of 1, 7 and
// 100 rows, kept in partitions and tried on the run's thread with each outcome, must emit the
// same rows in the same order with the same counters (the rows held and their peak too). A
// snapshot taken in partitions (or gathered) must restore into another partition count, and into
// one thread, and go on as one uninterrupted run; one thread's snapshot must restore into
// partitions. Also built under ThreadSanitizer (tests/tsan/).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/partitioned_interval_join.h"
#include "join_harness.h"
#include "join_test_rows.h"
#include "partition_policies.h"

namespace {

namespace rt = vlac::rt;

using namespace vlac::test::join_rows;

/// right.ts - left.ts in [lower, upper]; scan_ratio 0 keys both sides from the start.
struct Bounds {
  int64_t lower, upper;
  uint32_t scan_ratio;
};

rt::JoinConfig config(bool left_outer, const Bounds& b) {
  rt::JoinConfig c = vlac::test::join_rows::config(left_outer);
  c.lower = b.lower;
  c.upper = b.upper;
  c.hold_back = std::max<int64_t>(b.upper, 0) - std::min<int64_t>(b.lower, 0);
  c.scan_ratio = b.scan_ratio;
  c.scan_grace = 16;
  return c;
}

using vlac::test::kGatheredAfterTrial;
using vlac::test::kNeverGathered;
using vlac::test::kSplitAfterTrial;
using vlac::test::expect_same_stats;
using vlac::test::in_rounds_of;

/// One thread's join or a partitioned one, with its own output.
struct Join : vlac::test::JoinUnderTest<rt::HostedIntervalJoin, rt::PartitionedIntervalJoin> {
  Join(bool left_outer, const Bounds& b, int partitions, const rt::PartitionPolicy& policy = kNeverGathered)
      : JoinUnderTest(config(left_outer, b), kernels(), &out_layout(), partitions, policy) {}
};

const Bounds kBounds[] = {{-5, 5, 4}, {0, 0, 0}, {-12, -2, 4}, {3, 12, 0}};

std::string bounds_name(const Bounds& b) {
  return "[" + std::to_string(b.lower) + "," + std::to_string(b.upper) + "]" + (b.scan_ratio ? " scanned" : " keyed");
}

TEST(PartitionedIntervalJoin, EmitsWhatOneThreadEmits) {
  uint64_t late = 0, out = 0, unmatched = 0;
  for (bool left_outer : {false, true})
    for (const Bounds& b : kBounds)
      for (bool hot : {false, true})
        for (uint64_t seed = 1; seed <= 2; ++seed) {
          std::deque<std::string> pool;
          const std::vector<Step> steps = make_steps(seed * 13 + (hot ? 100 : 0) + static_cast<uint64_t>(b.upper), 2000, hot, &pool);
          Join one(left_outer, b, 1);
          one.play(steps, 0, steps.size());
          late += one.op->stats().late_dropped;
          out += one.op->stats().rows_out;
          for (const std::string& r : one.sink.rows) unmatched += r.find("| NULL") != std::string::npos;
          for (int partitions : {2, 3, 4})
            for (uint64_t round : {1, 7, 100}) {
              SCOPED_TRACE(std::string(left_outer ? "LEFT " : "INNER ") + bounds_name(b) + (hot ? " hot" : " many") + " seed " +
                           std::to_string(seed) + " partitions " + std::to_string(partitions) + " rounds of " +
                           std::to_string(round));
              Join many(left_outer, b, partitions, in_rounds_of(round));
              many.play(steps, 0, steps.size());
              EXPECT_EQ(many.sink.rows, one.sink.rows);
              EXPECT_EQ(many.late, one.late);  // --late: the same rows in the same order
              expect_same_stats(many.op->stats(), one.op->stats());
              // Every row reached a partition, and with many keys each partition had some.
              vlac::test::expect_rows_add_up(*many.partitioned(), one.op->stats().rows_in, !hot);
            }
          // Tried on the run's thread, then kept there or taken back by the partitions.
          for (const rt::PartitionPolicy& trial : {kSplitAfterTrial, kGatheredAfterTrial}) {
            SCOPED_TRACE(std::string(left_outer ? "LEFT " : "INNER ") + bounds_name(b) + (hot ? " hot" : " many") + " seed " +
                         std::to_string(seed) + (trial.trial == rt::PartitionPolicy::Trial::Partitions ? " split" : " gathered"));
            Join tried(left_outer, b, 3, trial);
            tried.play(steps, 0, steps.size());
            EXPECT_EQ(tried.sink.rows, one.sink.rows);
            EXPECT_EQ(tried.late, one.late);  // --late: the same rows in the same order
            expect_same_stats(tried.op->stats(), one.op->stats());
            const bool split = trial.trial == rt::PartitionPolicy::Trial::Partitions;
            EXPECT_EQ(tried.partitioned()->gathered(), !split);
            vlac::test::expect_rows_add_up(*tried.partitioned(), one.op->stats().rows_in, false, /*gathered_some=*/true);
          }
        }
  EXPECT_GT(late, 0u);  // the runs had late rows, output and unmatched LEFT rows
  EXPECT_GT(out, 0u);
  EXPECT_GT(unmatched, 0u);
}

TEST(PartitionedIntervalJoin, SnapshotRestoresIntoAnyPartitionCount) {
  for (bool left_outer : {false, true})
    for (const Bounds& b : {kBounds[0], kBounds[3]})
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        std::deque<std::string> pool;
        const std::vector<Step> steps = make_steps(seed * 17, 2000, seed == 2, &pool);
        Join whole(left_outer, b, 1);
        whole.play(steps, 0, steps.size());
        for (int from : {1, 2, 3})
          for (int to : {1, 2, 4}) {
            SCOPED_TRACE(std::string(left_outer ? "LEFT " : "INNER ") + bounds_name(b) + " seed " + std::to_string(seed) + " " +
                         std::to_string(from) + " -> " + std::to_string(to) + " partitions");
            const size_t cut = steps.size() * (static_cast<size_t>(from + to) % 5 + 1) / 7;
            std::vector<uint8_t> bytes;
            std::vector<std::string> before;
            {
              // Seed 2: saved once taken back by the partitions after a trial; 3: once gathered.
              Join first(left_outer, b, from, seed == 3 ? kGatheredAfterTrial : seed == 2 ? kSplitAfterTrial : in_rounds_of(7));
              first.play(steps, 0, cut);
              bytes = first.save();
              before = first.sink.rows;
            }  // destroyed: the restored state must hold its own strings
            Join second(left_outer, b, to, in_rounds_of(7));
            ASSERT_TRUE(second.restore(bytes));
            second.play(steps, cut, steps.size());
            before.insert(before.end(), second.sink.rows.begin(), second.sink.rows.end());
            EXPECT_EQ(before, whole.sink.rows);
            expect_same_stats(second.op->stats(), whole.op->stats());
          }
      }
}

}  // namespace
