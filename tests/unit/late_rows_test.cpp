// `vlac run --late` (LANGUAGE.md §12) at the operators: the LateRows report fires exactly when
// late_dropped counts a row, with that row and the watermark that made it late. Random rows
// out of order; which are late is decided here independently (§5's rule, by hand: TUMBLE's
// window end <= W; a join row's time < its side's W).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/hosted_operators.h"

namespace {

namespace rt = vlac::rt;

// Input rows: key INT64, time INT64 (no NULLs).
const rt::RowLayout kRow = rt::RowLayout::make({{rt::FieldType::Int64, false, 0}, {rt::FieldType::Int64, false, 0}});
const rt::RowLayout kKey = rt::RowLayout::make({{rt::FieldType::Int64, false, 0}});

int64_t field(const uint8_t* row, int i) {
  int64_t v;
  std::memcpy(&v, row + kRow.fields[i].offset, 8);
  return v;
}
std::vector<uint8_t> make_row(int64_t key, int64_t t) {
  std::vector<uint8_t> r(kRow.size, 0);
  std::memcpy(r.data() + kRow.fields[0].offset, &key, 8);
  std::memcpy(r.data() + kRow.fields[1].offset, &t, 8);
  return r;
}

struct Report {
  int port;
  int64_t key, t, watermark;
};
void record(void* user, int port, const uint8_t* row, int64_t watermark) {
  static_cast<std::vector<Report>*>(user)->push_back({port, field(row, 0), field(row, 1), watermark});
}

void no_emit(rt::ExecContext*, const uint8_t*) {}
// The aggregate counts rows: acc and out are one INT64.
void agg_key(rt::ExecContext*, const uint8_t* in, uint8_t* key) { std::memcpy(key + kKey.fields[0].offset, in + kRow.fields[0].offset, 8); }
void agg_update(rt::ExecContext*, uint8_t* acc, const uint8_t*, int64_t, int64_t, rt::StringArena*) { ++*reinterpret_cast<int64_t*>(acc); }
void agg_merge(rt::ExecContext*, uint8_t* acc, const uint8_t* other, rt::StringArena*) {
  *reinterpret_cast<int64_t*>(acc) += *reinterpret_cast<const int64_t*>(other);
}
void agg_finalize(rt::ExecContext*, const uint8_t*, const uint8_t* acc, int64_t, int64_t, uint8_t* out) { std::memcpy(out, acc, 8); }

/// Random (key, time) rows, out of order by up to 30.
std::vector<std::vector<uint8_t>> random_rows(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<uint8_t>> rows;
  for (int i = 0; i < n; ++i) rows.push_back(make_row(static_cast<int64_t>(rng() % 3), i * 5 - static_cast<int64_t>(rng() % 31)));
  return rows;
}

void check_aggregate(rt::WindowMode mode) {
  rt::WindowAggregateConfig c;
  c.mode = mode;
  c.size = 10;
  c.gap = 7;
  c.time_offset = static_cast<int32_t>(kRow.fields[1].offset);
  c.key_size = kKey.size;
  c.acc_size = 8;
  c.out_size = 8;
  c.key_layout = &kKey;
  rt::WindowAggregateKernels k{agg_key, agg_update, agg_merge, agg_finalize, no_emit};
  rt::ExecContext ctx;
  rt::HostedWindowAggregate op;
  op.init(&ctx, c, k);
  std::vector<Report> reports;
  op.set_late_rows(rt::LateRows{record, &reports});
  int64_t w = INT64_MIN, max_t = INT64_MIN;
  size_t tumble_late = 0;
  for (const auto& row : random_rows(mode == rt::WindowMode::Tumble ? 1 : 2, 400)) {
    const uint64_t before = op.stats().late_dropped;
    const size_t reported = reports.size();
    const int64_t t = field(row.data(), 1);
    op.push(row.data());
    const bool counted = op.stats().late_dropped == before + 1;
    ASSERT_EQ(reports.size(), reported + (counted ? 1 : 0)) << "t " << t;
    if (counted) {
      EXPECT_EQ(reports.back().port, 0);
      EXPECT_EQ(reports.back().key, field(row.data(), 0));
      EXPECT_EQ(reports.back().t, t);
      EXPECT_EQ(reports.back().watermark, w);
    }
    if (mode == rt::WindowMode::Tumble) {  // late iff its window [floor(t/10)*10, +10) has fired
      const int64_t end = (t >= 0 ? t / 10 : (t - 9) / 10) * 10 + 10;
      EXPECT_EQ(counted, end <= w) << "t " << t << " W " << w;
      tumble_late += end <= w;
    }
    if (t > max_t && t - 12 > w) op.advance(w = (max_t = t) - 12);  // bound 12
    max_t = t > max_t ? t : max_t;
  }
  op.advance(INT64_MAX);
  EXPECT_EQ(reports.size(), op.stats().late_dropped);
  EXPECT_GT(reports.size(), 10u);  // the rows do make late ones
  if (mode == rt::WindowMode::Tumble) EXPECT_EQ(reports.size(), tumble_late);
}

TEST(LateRows, TumbleAggregateReportsEachLateDrop) { check_aggregate(rt::WindowMode::Tumble); }
TEST(LateRows, SessionAggregateReportsEachLateDrop) { check_aggregate(rt::WindowMode::Session); }

int32_t join_combine(rt::ExecContext*, const uint8_t*, const uint8_t*, uint8_t*) { return 1; }

TEST(LateRows, IntervalJoinReportsEachLateDropWithItsSidesWatermark) {
  rt::JoinConfig c;
  c.left_time = c.right_time = static_cast<int32_t>(kRow.fields[1].offset);
  c.lower = -5;
  c.upper = 5;
  c.hold_back = 5;
  c.key_size = kKey.size;
  c.out_size = 8;
  c.left_layout = c.right_layout = &kRow;
  c.key_layout = &kKey;
  rt::JoinKernels k{agg_key, agg_key, join_combine, no_emit};
  rt::ExecContext ctx;
  rt::HostedIntervalJoin op;
  op.init(&ctx, c, k);
  std::vector<Report> reports;
  op.set_late_rows(rt::LateRows{record, &reports});
  // Two sides with their own watermarks (bounds 12 and 4), interleaved.
  int64_t w[2] = {INT64_MIN, INT64_MIN}, max_t[2] = {INT64_MIN, INT64_MIN};
  const int64_t bound[2] = {12, 4};
  const auto rows = random_rows(3, 400);
  size_t expected = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const int port = static_cast<int>(i % 2);
    const uint8_t* row = rows[i].data();
    const int64_t t = field(row, 1);
    const uint64_t before = op.stats().late_dropped;
    const size_t reported = reports.size();
    op.push(port, row);
    const bool counted = op.stats().late_dropped == before + 1;
    EXPECT_EQ(counted, t < w[port]) << "port " << port << " t " << t;  // §6: behind its own side's W
    expected += t < w[port];
    ASSERT_EQ(reports.size(), reported + (counted ? 1 : 0));
    if (counted) {
      EXPECT_EQ(reports.back().port, port);
      EXPECT_EQ(reports.back().t, t);
      EXPECT_EQ(reports.back().watermark, w[port]);
    }
    if (t > max_t[port]) {
      max_t[port] = t;
      if (t - bound[port] > w[port]) {
        w[port] = t - bound[port];
        op.advance_ports(w, 2);
      }
    }
  }
  EXPECT_EQ(reports.size(), op.stats().late_dropped);
  EXPECT_EQ(reports.size(), expected);
  EXPECT_GT(expected, 10u);
}

}  // namespace
