// The keyed window join in partitions (`--threads`, LANGUAGE.md §11,
// runtime/parallel/partitioned_window_join.h) against the same join on one thread: random runs
// of two sides (STRING keys, possibly NULL, that are many or one hot key; windows of two sizes,
// so that windows of one start end apart; disorder; late rows on either side; a residual
// condition that rejects some pairs), INNER and LEFT, at 2, 3 and 4 partitions, kept in
// partitions, gathered onto the run's thread after their first firings, and tried there with
// each outcome, must emit the same rows in the same order with the same counters (the peak of
// held rows too). A snapshot taken in partitions (or gathered) must restore into another
// partition count, and into one thread, and go on as one uninterrupted run; one thread's
// snapshot must restore into partitions. Also built under ThreadSanitizer (tests/tsan/).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/partitioned_window_join.h"
#include "join_harness.h"
#include "partition_policies.h"

namespace {

namespace rt = vlac::rt;
using vlac::test::Sink;
using Step = vlac::test::JoinStep;

// Both sides' rows: k STRING NULL, window_start, window_end, id INT64, v INT64, name STRING.
const rt::RowLayout& row_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0},
                                                      {rt::FieldType::Timestamp, false, 0},
                                                      {rt::FieldType::Timestamp, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::String, false, 0}});
  return l;
}
const rt::RowLayout& key_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0}});
  return l;
}
const rt::Field& in(int i) { return row_layout().fields[static_cast<size_t>(i)]; }
std::string_view view(rt::StringRef s) { return s.size ? std::string_view(s.data, s.size) : std::string_view(); }

std::string describe(const uint8_t* row) {
  return "#" + std::to_string(rt::get<int64_t>(row, in(3))) + " " + std::string(view(rt::get<rt::StringRef>(row, in(5))));
}

rt::JoinKernels kernels() {
  rt::JoinKernels k;
  auto key = [](rt::ExecContext*, const uint8_t* row, uint8_t* key) {
    const rt::Field& f = key_layout().fields[0];
    rt::set_null(key, f, rt::is_null(row, in(0)));
    if (!rt::is_null(row, in(0))) rt::put(key, f, rt::get<rt::StringRef>(row, in(0)));
  };
  k.left_key = key;
  k.right_key = key;
  // The residual condition rejects a pair whose values sum to a multiple of 7. The output is a
  // pointer to the pair's text (taken back by emit), made only for a pair that is output.
  k.combine = [](rt::ExecContext*, const uint8_t* left, const uint8_t* right, uint8_t* out) -> int32_t {
    if (right && (rt::get<int64_t>(left, in(4)) + rt::get<int64_t>(right, in(4))) % 7 == 0) return 0;
    std::string s = "[" + std::to_string(rt::get<int64_t>(left, in(1))) + "," + std::to_string(rt::get<int64_t>(left, in(2))) +
                    ") " + describe(left) + " | " + (right ? describe(right) : "NULL");
    auto* text = new std::string(std::move(s));
    std::memcpy(out, &text, sizeof text);
    return 1;
  };
  k.emit = [](rt::ExecContext* ctx, const uint8_t* row) {
    std::string* text;
    std::memcpy(&text, row, sizeof text);
    static_cast<Sink*>(ctx->outputs[0])->rows.push_back(std::move(*text));
    delete text;
  };
  return k;
}

const rt::RowLayout& out_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::Int64, false, 0}});
  return l;
}

rt::JoinConfig config(bool left_outer) {
  rt::JoinConfig c;
  c.left_outer = left_outer;
  c.left_window_start = c.right_window_start = static_cast<int32_t>(in(1).offset);
  c.left_window_end = c.right_window_end = static_cast<int32_t>(in(2).offset);
  c.key_size = key_layout().size;
  c.out_size = 8;
  c.key_null_bytes = key_layout().null_bytes;
  c.left_layout = c.right_layout = &row_layout();
  c.key_layout = &key_layout();
  return c;
}

/// Each side's times mostly increase, with disorder and rows late for their window; each side's
/// watermark is its largest time so far minus 4, announced with the other's when it rises;
/// INT64_MAX at the end. Windows: [10 i, 10 i + 10) or, one row in four, [10 i, 10 i + 20).
std::vector<Step> make_steps(uint64_t seed, int n, bool hot, std::deque<std::string>* pool) {
  std::mt19937_64 rng(seed);
  std::vector<Step> steps;
  int64_t now = -50, max_t[2] = {INT64_MIN, INT64_MIN}, w[2] = {INT64_MIN, INT64_MIN};
  for (int i = 0; i < n; ++i) {
    const int port = static_cast<int>(rng() % 2);
    now += static_cast<int64_t>(rng() % 3);
    int64_t t = now - static_cast<int64_t>(rng() % 10);
    if (rng() % 50 == 0) t -= 40;  // late
    std::vector<uint8_t> row(row_layout().size, 0);
    const bool null_key = rng() % 19 == 0;
    rt::set_null(row.data(), in(0), null_key);
    pool->push_back(hot && rng() % 10 != 0 ? "hot" : "k" + std::to_string(rng() % 40));
    if (!null_key) rt::put(row.data(), in(0), rt::StringRef{pool->back().data(), static_cast<uint32_t>(pool->back().size())});
    const int64_t start = (t >= 0 ? t / 10 : (t - 9) / 10) * 10;
    rt::put(row.data(), in(1), start);
    rt::put(row.data(), in(2), start + (rng() % 4 == 0 ? 20 : 10));
    rt::put(row.data(), in(3), static_cast<int64_t>(i));
    rt::put(row.data(), in(4), static_cast<int64_t>(rng() % 100));
    pool->push_back(std::string(rng() % 5, static_cast<char>('a' + rng() % 26)));
    rt::put(row.data(), in(5), rt::StringRef{pool->back().data(), static_cast<uint32_t>(pool->back().size())});
    steps.push_back({true, port, std::move(row), {0, 0}});
    if (t > max_t[port]) {
      max_t[port] = t;
      if (t - 4 > w[port]) {
        w[port] = t - 4;
        steps.push_back({false, 0, {}, {w[0], w[1]}});
      }
    }
  }
  steps.push_back({false, 0, {}, {INT64_MAX, INT64_MAX}});
  return steps;
}

using vlac::test::kGathered;
using vlac::test::kGatheredAfterTrial;
using vlac::test::kNeverGathered;
using vlac::test::kSplitAfterTrial;
using vlac::test::expect_same_stats;

/// One thread's join or a partitioned one, with its own output.
struct Join : vlac::test::JoinUnderTest<rt::HostedWindowJoin, rt::PartitionedWindowJoin> {
  Join(bool left_outer, int partitions, const rt::PartitionPolicy& policy = kNeverGathered)
      : JoinUnderTest(config(left_outer), kernels(), &out_layout(), partitions, policy) {}
};

TEST(PartitionedWindowJoin, EmitsWhatOneThreadEmits) {
  uint64_t late = 0, out = 0, unmatched = 0;
  for (bool left_outer : {false, true})
    for (bool hot : {false, true})
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        std::deque<std::string> pool;
        const std::vector<Step> steps = make_steps(seed * 13 + (hot ? 100 : 0), 3000, hot, &pool);
        Join one(left_outer, 1);
        one.play(steps, 0, steps.size());
        late += one.op->stats().late_dropped;
        out += one.op->stats().rows_out;
        for (const std::string& r : one.sink.rows) unmatched += r.find("| NULL") != std::string::npos;
        for (int partitions : {2, 3, 4}) {
          SCOPED_TRACE(std::string(left_outer ? "LEFT" : "INNER") + (hot ? " hot" : " many") + " seed " +
                       std::to_string(seed) + " partitions " + std::to_string(partitions));
          Join many(left_outer, partitions);
          many.play(steps, 0, steps.size());
          EXPECT_EQ(many.sink.rows, one.sink.rows);
          EXPECT_EQ(many.late, one.late);  // --late: the same rows in the same order
          expect_same_stats(many.op->stats(), one.op->stats());
          // Every row reached a partition, and with many keys each partition had some.
          vlac::test::expect_rows_add_up(*many.partitioned(), one.op->stats().rows_in, !hot);
          // Gathered onto one thread after its first 8 firings: the same rows too.
          Join gathered(left_outer, partitions, kGathered);
          gathered.play(steps, 0, steps.size());
          EXPECT_EQ(gathered.sink.rows, one.sink.rows);
          EXPECT_EQ(gathered.late, one.late);  // --late: the same rows in the same order
          expect_same_stats(gathered.op->stats(), one.op->stats());
          EXPECT_TRUE(gathered.partitioned()->gathered());
          // Tried on the run's thread, then kept there or taken back by the partitions.
          for (const rt::PartitionPolicy& trial : {kSplitAfterTrial, kGatheredAfterTrial}) {
            Join tried(left_outer, partitions, trial);
            tried.play(steps, 0, steps.size());
            EXPECT_EQ(tried.sink.rows, one.sink.rows);
            EXPECT_EQ(tried.late, one.late);  // --late: the same rows in the same order
            expect_same_stats(tried.op->stats(), one.op->stats());
            const bool split = trial.trial == rt::PartitionPolicy::Trial::Partitions;
            EXPECT_EQ(tried.partitioned()->gathered(), !split);
            vlac::test::expect_rows_add_up(*tried.partitioned(), one.op->stats().rows_in, false, /*gathered_some=*/true);
          }
        }
      }
  EXPECT_GT(late, 0u);  // the runs had late rows, output and unmatched LEFT rows
  EXPECT_GT(out, 0u);
  EXPECT_GT(unmatched, 0u);
}

TEST(PartitionedWindowJoin, SnapshotRestoresIntoAnyPartitionCount) {
  for (bool left_outer : {false, true})
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::deque<std::string> pool;
      const std::vector<Step> steps = make_steps(seed * 17, 2000, seed == 2, &pool);
      Join whole(left_outer, 1);
      whole.play(steps, 0, steps.size());
      for (int from : {1, 2, 3})
        for (int to : {1, 2, 4}) {
          SCOPED_TRACE(std::string(left_outer ? "LEFT" : "INNER") + " seed " + std::to_string(seed) + " " +
                       std::to_string(from) + " -> " + std::to_string(to) + " partitions");
          const size_t cut = steps.size() * (static_cast<size_t>(from + to) % 5 + 1) / 7;
          std::vector<uint8_t> bytes;
          std::vector<std::string> before;
          {
            // Seed 2: saved once taken back by the partitions after a trial; 3: once gathered.
            Join first(left_outer, from, seed == 3 ? kGathered : seed == 2 ? kSplitAfterTrial : kNeverGathered);
            first.play(steps, 0, cut);
            bytes = first.save();
            before = first.sink.rows;
          }  // destroyed: the restored state must hold its own strings
          Join second(left_outer, to);
          ASSERT_TRUE(second.restore(bytes));
          second.play(steps, cut, steps.size());
          before.insert(before.end(), second.sink.rows.begin(), second.sink.rows.end());
          EXPECT_EQ(before, whole.sink.rows);
          expect_same_stats(second.op->stats(), whole.op->stats());
        }
    }
}

}  // namespace
