// A keyed OVER in partitions fed by the run's thread (`--threads`, LANGUAGE.md §11,
// runtime/parallel/partitioned_over.h) against the same OVER on one thread: random runs (STRING
// keys, NULL among them, many or one hot key; disorder; late rows; NULL values) through a ROWS
// frame, a RANGE frame (peers) and LAG, at 2, 3 and 4 partitions, in rounds of 1, 7 and 100 rows,
// kept in partitions and tried on the run's thread with each outcome, must emit the same rows in
// the same order with the same counters of rows in, out and late and the rows waiting at the end;
// their peak, the partitions' peaks added up, is at least one thread's. A snapshot taken in
// partitions (or gathered) must restore into another partition count, and into one thread, and
// go on as one uninterrupted run. Also built under ThreadSanitizer (tests/tsan/).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/partitioned_over.h"
#include "join_harness.h"
#include "join_test_rows.h"
#include "over_test_calls.h"
#include "partition_policies.h"

namespace {

namespace rt = vlac::rt;

using namespace vlac::test::join_rows;
using vlac::test::in_rounds_of;
using vlac::test::kGatheredAfterTrial;
using vlac::test::kNeverGathered;
using vlac::test::kSplitAfterTrial;
using vlac::test::expect_same_stats;

using vlac::test::over_args_layout;
using vlac::test::over_calls;
using vlac::test::over_results_layout;

/// over_calls()'s kernels over join_test_rows' rows: the argument v is NULL when v % 11 == 0.
rt::OverKernels over_kernels() {
  rt::OverKernels k;
  k.key = kernels().left_key;
  k.args = [](rt::ExecContext*, const uint8_t* row, uint8_t* args) {
    const int64_t v = rt::get<int64_t>(row, in(3));
    rt::set_null(args, over_args_layout().fields[0], v % 11 == 0);
    if (v % 11 != 0) rt::put(args, over_args_layout().fields[0], v);
  };
  // The output is a pointer to the row's text with its results (taken back by emit).
  k.finish = [](rt::ExecContext*, const uint8_t* row, const uint8_t* results, uint8_t* out) {
    auto* text = new std::string((rt::is_null(row, in(0)) ? std::string("NULL") : std::string(view(rt::get<rt::StringRef>(row, in(0))))) +
                                 " " + describe(row));
    for (const rt::Field& f : over_results_layout().fields)
      *text += rt::is_null(results, f) ? " NULL" : " " + std::to_string(rt::get<int64_t>(results, f));
    std::memcpy(out, &text, sizeof text);
  };
  k.emit = kernels().emit;
  return k;
}

rt::OverConfig over_config() {
  rt::OverConfig c;
  c.time_offset = static_cast<int32_t>(in(1).offset);
  c.in_size = row_layout().size;
  c.key_size = key_layout().size;
  c.args_size = over_args_layout().size;
  c.results_size = over_results_layout().size;
  c.out_size = out_layout().size;
  c.input_layout = &row_layout();
  c.key_layout = &key_layout();
  c.calls = over_calls().data();
  c.num_calls = static_cast<uint32_t>(over_calls().size());
  return c;
}

/// One thread's OVER or a partitioned one, with its own output. (Every row goes to its one port;
/// the watermark is the first of each step's pair.)
struct Over : vlac::test::JoinUnderTest<rt::HostedOver, rt::PartitionedOver> {
  Over(int partitions, const rt::PartitionPolicy& policy = kNeverGathered)
      : JoinUnderTest(over_config(), over_kernels(), &out_layout(), partitions, policy) {}
};

TEST(PartitionedOver, EmitsWhatOneThreadEmits) {
  uint64_t late = 0, out = 0, lagged = 0;
  for (bool hot : {false, true})
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::deque<std::string> pool;
      const std::vector<Step> steps = make_steps(seed * 37 + (hot ? 100 : 0), 2500, hot, &pool);
      Over one(1);
      one.play(steps, 0, steps.size());
      late += one.op->stats().late_dropped;
      out += one.op->stats().rows_out;
      for (const std::string& r : one.sink.rows) lagged += r.substr(r.size() - 5) != " NULL";
      for (int partitions : {2, 3, 4})
        for (uint64_t round : {1, 7, 100}) {
          SCOPED_TRACE(std::string(hot ? "hot" : "many") + " seed " + std::to_string(seed) + " partitions " +
                       std::to_string(partitions) + " rounds of " + std::to_string(round));
          Over many(partitions, in_rounds_of(round));
          many.play(steps, 0, steps.size());
          EXPECT_EQ(many.sink.rows, one.sink.rows);
          EXPECT_EQ(many.late, one.late);  // --late: the same rows in the same order
          expect_same_stats(many.op->stats(), one.op->stats(), /*peak_summed=*/true);
          EXPECT_TRUE(many.partitioned()->peak_summed());
          // Every row reached a partition, and with many keys each partition had some.
          vlac::test::expect_rows_add_up(*many.partitioned(), one.op->stats().rows_in, !hot);
        }
      // Tried on the run's thread, then kept there or taken back by the partitions.
      for (const rt::PartitionPolicy& trial : {kSplitAfterTrial, kGatheredAfterTrial}) {
        const bool split = trial.trial == rt::PartitionPolicy::Trial::Partitions;
        SCOPED_TRACE(std::string(hot ? "hot" : "many") + " seed " + std::to_string(seed) + (split ? " split" : " gathered"));
        Over tried(3, trial);
        tried.play(steps, 0, steps.size());
        EXPECT_EQ(tried.sink.rows, one.sink.rows);
        EXPECT_EQ(tried.late, one.late);  // --late: the same rows in the same order
        expect_same_stats(tried.op->stats(), one.op->stats(), /*peak_summed=*/true);
        EXPECT_EQ(tried.partitioned()->gathered(), !split);
        vlac::test::expect_rows_add_up(*tried.partitioned(), one.op->stats().rows_in, false, /*gathered_some=*/true);
      }
    }
  EXPECT_GT(late, 0u);  // the runs had late rows, output, and rows with a row before them
  EXPECT_GT(out, 0u);
  EXPECT_GT(lagged, 0u);
}

TEST(PartitionedOver, SnapshotRestoresIntoAnyPartitionCount) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    std::deque<std::string> pool;
    const std::vector<Step> steps = make_steps(seed * 23, 2000, seed == 2, &pool);
    Over whole(1);
    whole.play(steps, 0, steps.size());
    for (int from : {1, 2, 3})
      for (int to : {1, 2, 4}) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " " + std::to_string(from) + " -> " + std::to_string(to) + " partitions");
        const size_t cut = steps.size() * (static_cast<size_t>(from + to) % 5 + 1) / 7;
        std::vector<uint8_t> bytes;
        std::vector<std::string> before;
        {
          // Seed 2: saved once taken back by the partitions after a trial; 3: once gathered.
          Over first(from, seed == 3 ? kGatheredAfterTrial : seed == 2 ? kSplitAfterTrial : in_rounds_of(7));
          first.play(steps, 0, cut);
          bytes = first.save();
          before = first.sink.rows;
        }  // destroyed: the restored state must hold its own strings
        Over second(to, in_rounds_of(7));
        ASSERT_TRUE(second.restore(bytes));
        second.play(steps, cut, steps.size());
        before.insert(before.end(), second.sink.rows.begin(), second.sink.rows.end());
        EXPECT_EQ(before, whole.sink.rows);
        const rt::OperatorStats a = second.op->stats(), b = whole.op->stats();
        EXPECT_EQ(a.rows_in, b.rows_in);
        EXPECT_EQ(a.rows_out, b.rows_out);
        EXPECT_EQ(a.late_dropped, b.late_dropped);
        EXPECT_EQ(a.buffered, b.buffered);
      }
  }
}

}  // namespace
