// Window slicing (runtime/ops/window_aggregate.h, opt/slice_windows.cpp): a HOP or CUMULATE
// aggregate computed from slices must emit what one state per window emits: the same windows,
// groups in the same first-appearance order, the same values and the same late counts, for
// offsets, windows that are not a whole number of slides, times at the INT64 limits, and late
// rows; under hosted and fixed storage alike. The kernels here merge exactly (counts, integer
// sums, least time, greatest arrival), so any difference is the operator's.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/storage.h"
#include "runtime/ops/window_aggregate.h"
#include "operator_steps.h"

namespace {

namespace rt = vlac::rt;
using vlac::test::Step;
using vlac::test::StepsBuilder;

using Row = std::vector<uint8_t>;

// Input rows: key, time, value. Accumulator: count, sum, least time, greatest arrival number.
// Output rows: key, window_start, window_end, count, sum, least time, greatest arrival.
constexpr size_t kIn = 24, kKey = 8, kAcc = 32, kOut = 56;

int64_t ld(const uint8_t* p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
void st(uint8_t* p, int64_t v) { std::memcpy(p, &v, 8); }

void key_of(const uint8_t* in, uint8_t* key) { std::memcpy(key, in, 8); }
void update(uint8_t* acc, const uint8_t* in, int64_t t, int64_t seq) {
  int64_t n = ld(acc);
  st(acc, n + 1);
  st(acc + 8, ld(acc + 8) + ld(in + 16));
  if (n == 0 || t < ld(acc + 16)) st(acc + 16, t);
  if (n == 0 || seq > ld(acc + 24)) st(acc + 24, seq);
}
uint64_t merges = 0;  // merge calls so far (the cost of firing: WindowSlicing.FiringMergesEachSliceO1Times)
void merge(uint8_t* acc, const uint8_t* other) {
  ++merges;
  st(acc, ld(acc) + ld(other));
  st(acc + 8, ld(acc + 8) + ld(other + 8));
  st(acc + 16, std::min(ld(acc + 16), ld(other + 16)));
  st(acc + 24, std::max(ld(acc + 24), ld(other + 24)));
}
void finalize(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out) {
  std::memcpy(out, key, 8);
  st(out + 8, start);
  st(out + 16, end);
  std::memcpy(out + 24, acc, kAcc);
}

struct Sink {
  std::vector<Row> rows;
};

// Hosted: function pointers, as the JIT gives them.
void hosted_emit(rt::ExecContext* ctx, const uint8_t* row) { static_cast<Sink*>(ctx->outputs[0])->rows.emplace_back(row, row + kOut); }
rt::WindowAggregateKernels hosted_kernels() {
  rt::WindowAggregateKernels k;
  k.key = [](rt::ExecContext*, const uint8_t* in, uint8_t* key) { key_of(in, key); };
  k.update = [](rt::ExecContext*, uint8_t* acc, const uint8_t* in, int64_t t, int64_t seq, rt::StringArena*) { update(acc, in, t, seq); };
  k.merge = [](rt::ExecContext*, uint8_t* acc, const uint8_t* other, rt::StringArena*) { merge(acc, other); };
  k.finalize = [](rt::ExecContext*, const uint8_t* key, const uint8_t* acc, int64_t s, int64_t e, uint8_t* out) {
    finalize(key, acc, s, e, out);
  };
  k.emit = hosted_emit;
  return k;
}

// Fixed: static functions, as the generated firmware class gives them.
struct FixedKernels {
  static void key(Sink*, const uint8_t* in, uint8_t* key) { key_of(in, key); }
  static void update(Sink*, uint8_t* acc, const uint8_t* in, int64_t t, int64_t seq, rt::NoArena*) { ::update(acc, in, t, seq); }
  static void merge(Sink*, uint8_t* acc, const uint8_t* other, rt::NoArena*) { ::merge(acc, other); }
  static void finalize(Sink*, const uint8_t* key, const uint8_t* acc, int64_t s, int64_t e, uint8_t* out) { ::finalize(key, acc, s, e, out); }
  static void emit(Sink* sink, const uint8_t* row) { sink->rows.emplace_back(row, row + kOut); }
};
struct SlicedDims : rt::OperatorDims {
  static constexpr size_t in_size = kIn, key_size = kKey, acc_size = kAcc, out_size = kOut;
  static constexpr size_t max_keys = 16, max_open_windows = 64;
  static constexpr bool sliced = true;
};

struct Window {
  rt::WindowMode mode;
  int64_t size, slide, offset;
};

rt::WindowAggregateConfig config(const Window& w, int64_t slice, const rt::RowLayout* key_layout) {
  rt::WindowAggregateConfig c;
  c.mode = w.mode;
  c.size = w.size;
  c.slide = w.slide;
  c.offset = w.offset;
  c.slice = slice;
  c.time_offset = 8;
  c.key_size = kKey;
  c.acc_size = kAcc;
  c.out_size = kOut;
  c.key_layout = key_layout;
  return c;
}

Row make_row(int64_t key, int64_t t, int64_t v) {
  Row r(kIn, 0);
  st(r.data(), key);
  st(r.data() + 8, t);
  st(r.data() + 16, v);
  return r;
}

/// Times that mostly increase from `base`, disorder past the bound (late rows), and the
/// watermark max(time) - bound as the engine computes it; INT64_MAX at the end.
std::vector<Step> random_steps(uint64_t seed, int64_t base, int n, int keys, int64_t disorder, int64_t bound) {
  std::mt19937_64 rng(seed);
  StepsBuilder steps(bound);
  int64_t now = base;
  for (int i = 0; i < n; ++i) {
    now += static_cast<int64_t>(rng() % 4);
    if (rng() % 30 == 0) now += 40;
    int64_t t = now - static_cast<int64_t>(rng() % static_cast<uint64_t>(disorder + 1));
    steps.row(make_row(static_cast<int64_t>(rng() % static_cast<uint64_t>(keys)), t, static_cast<int64_t>(rng() % 100)), t);
  }
  return steps.finish();
}

struct Result {
  std::vector<Row> rows;
  rt::OperatorStats stats;
};

/// Runs the hosted operator, sliced (slice > 0) or one state per window (slice 0). A nonzero
/// `arrival_stride` gives the i-th row arrival number stride * i, as a partition of `--threads`
/// is given them, under the watermark the steps last advanced to.
Result run_hosted(const Window& w, int64_t slice, const std::vector<Step>& steps, uint64_t max_keys = UINT64_MAX,
                  int64_t arrival_stride = 0) {
  rt::RowLayout key_layout = rt::RowLayout::make({{rt::FieldType::Int64, false, 0}});
  Sink sink;
  void* outputs[1] = {&sink};
  rt::ExecContext ctx;
  ctx.outputs = outputs;
  rt::HostedWindowAggregate op;
  rt::WindowAggregateConfig c = config(w, slice, &key_layout);
  c.max_keys = max_keys;
  op.init(&ctx, c, hosted_kernels());
  int64_t watermark = INT64_MIN, seq = 0;
  for (const Step& s : steps) {
    if (!s.is_row) {
      op.advance(watermark = s.w);
    } else if (arrival_stride == 0) {
      op.push(s.row.data());
    } else {
      op.push_partitioned(s.row.data(), seq, watermark);
      seq += arrival_stride;
    }
  }
  return {sink.rows, op.stats()};
}

Result run_fixed(const Window& w, int64_t slice, const std::vector<Step>& steps) {
  static rt::WindowAggregate<Sink, FixedKernels, rt::FixedStorage<SlicedDims>> op;  // large: not on the stack
  Sink sink;
  op.init(&sink, config(w, slice, nullptr));
  for (const Step& s : steps) s.is_row ? op.push(s.row.data()) : op.advance(s.w);
  return {sink.rows, op.stats()};
}

struct TwoKeyDims : SlicedDims {
  static constexpr size_t max_keys = 2;
};

void expect_same(const Result& per_window, const Result& sliced) {
  ASSERT_EQ(per_window.rows.size(), sliced.rows.size());
  for (size_t i = 0; i < sliced.rows.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "row " << i);
    for (size_t off = 0; off < kOut; off += 8) EXPECT_EQ(ld(per_window.rows[i].data() + off), ld(sliced.rows[i].data() + off)) << "at byte " << off;
  }
  EXPECT_EQ(per_window.stats.rows_in, sliced.stats.rows_in);
  EXPECT_EQ(per_window.stats.rows_out, sliced.stats.rows_out);
  EXPECT_EQ(per_window.stats.late_dropped, sliced.stats.late_dropped);
  EXPECT_EQ(per_window.stats.capacity_dropped, sliced.stats.capacity_dropped);
}

int64_t gcd(int64_t a, int64_t b) { return b == 0 ? a : gcd(b, a % b); }
int64_t slice_of(const Window& w) { return w.mode == rt::WindowMode::Hop ? gcd(w.size, w.slide) : w.slide; }

const Window kWindows[] = {
    {rt::WindowMode::Hop, 20, 5, 0},     {rt::WindowMode::Hop, 20, 6, 3},   {rt::WindowMode::Hop, 21, 7, -4},
    {rt::WindowMode::Hop, 10, 10, 0},    {rt::WindowMode::Hop, 36, 4, 1},   {rt::WindowMode::Cumulate, 20, 5, 0},
    {rt::WindowMode::Cumulate, 24, 4, 7}, {rt::WindowMode::Cumulate, 9, 3, -1},
};

TEST(WindowSlicing, SlicedEqualsOneStatePerWindow) {
  for (const Window& w : kWindows)
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      SCOPED_TRACE(testing::Message() << "mode " << static_cast<int>(w.mode) << " size " << w.size << " slide " << w.slide
                                      << " offset " << w.offset << " seed " << seed);
      auto steps = random_steps(seed, -200, 300, 1 + static_cast<int>(seed % 5), 15, 4);
      Result per_window = run_hosted(w, 0, steps), sliced = run_hosted(w, slice_of(w), steps);
      expect_same(per_window, sliced);
      EXPECT_GT(sliced.stats.late_dropped + per_window.stats.rows_out, 0u);
      // A row updates one slice; one state per window updates each window it is in.
      EXPECT_EQ(sliced.stats.windows_updated, sliced.stats.rows_in - sliced.stats.late_dropped);
      EXPECT_GE(per_window.stats.windows_updated, sliced.stats.windows_updated);
    }
}

TEST(WindowSlicing, FixedStorageEqualsHosted) {
  for (const Window& w : kWindows)
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      SCOPED_TRACE(testing::Message() << "mode " << static_cast<int>(w.mode) << " size " << w.size << " seed " << seed);
      auto steps = random_steps(seed, 1000, 300, 1 + static_cast<int>(seed % 5), 15, 4);
      expect_same(run_hosted(w, slice_of(w), steps), run_fixed(w, slice_of(w), steps));
    }
}

TEST(WindowSlicing, TimesAtTheInt64Limits) {
  // Windows whose bounds lie beyond the INT64 range are clamped (runtime/ops/window_math.h):
  // slices too. Rows at the very ends, with the watermark jumping to the end of input.
  for (const Window& w : kWindows)
    for (int64_t base : {INT64_MIN, INT64_MAX - 400}) {
      SCOPED_TRACE(testing::Message() << "mode " << static_cast<int>(w.mode) << " size " << w.size << " base " << base);
      std::vector<Step> steps;
      for (int64_t d : {0, 3, 1, 17, 40, 399, 2, 0})
        steps.push_back({true, make_row(d % 2, base == INT64_MIN ? base + d : base + d, d), 0});
      steps.push_back({false, {}, INT64_MAX});
      Result sliced = run_hosted(w, slice_of(w), steps);
      expect_same(run_hosted(w, 0, steps), sliced);
      expect_same(sliced, run_fixed(w, slice_of(w), steps));
    }
}

TEST(WindowSlicing, MillionsOfWindowsPerEventKeepOneSliceEach) {
  // HOP(slide 1, size 100000): every row is in 100,000 windows. Sliced, the state is three
  // slices; the firing visits each window once. By hand: rows at 0, 5 and 100 (key 7) are
  // each in 100,000 windows, starts (t - 100000, t]; the windows holding any of them start
  // in (-100000, 100]: 100,100 windows, whose counts sum to 300,000. Window [0, 100000) holds
  // all three; [-99994, 6) holds 0 and 5; [100, 100100) holds only 100.
  const Window w{rt::WindowMode::Hop, 100000, 1, 0};
  std::vector<Step> steps = {{true, make_row(7, 0, 1), 0}, {true, make_row(7, 5, 1), 0}, {true, make_row(7, 100, 1), 0},
                             {false, {}, INT64_MAX}};
  Result r = run_hosted(w, 1, steps);
  ASSERT_EQ(r.rows.size(), 100100u);
  int64_t total = 0;
  for (const Row& row : r.rows) total += ld(row.data() + 24);
  EXPECT_EQ(total, 300000);
  EXPECT_EQ(r.stats.windows_updated, 3u);
  EXPECT_EQ(ld(r.rows.front().data() + 8), -99999);  // the first window fired: [-99999, 1)
  for (const Row& row : r.rows) {
    int64_t start = ld(row.data() + 8), count = ld(row.data() + 24);
    if (start == 0) EXPECT_EQ(count, 3);
    if (start == -99994) EXPECT_EQ(count, 2);
    if (start == 100) EXPECT_EQ(count, 1);
    ASSERT_EQ(ld(row.data() + 16) - start, 100000);
  }
}

TEST(WindowSlicing, GroupsFireInFirstAppearanceOrderOfTheWindow) {
  // HOP(slide 10, size 20), slices of 10. Key 2 appears first in slice [10, 20) (t = 12), key
  // 1 first in slice [0, 10) but only after (t = 3, arriving third), so window [0, 20) has
  // key 2 first, then key 1, though slice [0, 10) comes first in time. By hand.
  const Window w{rt::WindowMode::Hop, 20, 10, 0};
  std::vector<Step> steps = {{true, make_row(2, 12, 1), 0}, {true, make_row(3, 15, 1), 0}, {true, make_row(1, 3, 1), 0},
                             {false, {}, INT64_MAX}};
  Result r = run_hosted(w, 10, steps);
  std::vector<std::array<int64_t, 2>> got;  // start, key
  for (const Row& row : r.rows) got.push_back({ld(row.data() + 8), ld(row.data())});
  std::vector<std::array<int64_t, 2>> want = {{-10, 1}, {0, 2}, {0, 3}, {0, 1}, {10, 2}, {10, 3}};
  EXPECT_EQ(got, want);
}

TEST(WindowSlicing, GroupsFireInFirstAppearanceOrderWhateverTheArrivalNumbers) {
  // A window's groups are sorted by first arrival packed into one integer when the window's
  // arrival numbers span less than 2^32, through the table otherwise: both must give the order
  // of one state per window, whose table holds its groups as they first appeared. Strides 1
  // and 2^31 + 1 (three rows apart already span more than 2^32).
  for (int64_t stride : {int64_t{1}, (int64_t{1} << 31) + 1})
    for (const Window& w : kWindows)
      for (uint64_t seed = 1; seed <= 4; ++seed) {
        SCOPED_TRACE(testing::Message() << "stride " << stride << " mode " << static_cast<int>(w.mode) << " size " << w.size
                                        << " slide " << w.slide << " seed " << seed);
        auto steps = random_steps(seed, -200, 300, 2 + static_cast<int>(seed % 6), 15, 4);
        expect_same(run_hosted(w, 0, steps, UINT64_MAX, stride), run_hosted(w, slice_of(w), steps, UINT64_MAX, stride));
      }
}

TEST(WindowSlicing, LateRowsIntoSlicesAlreadyCombined) {
  // A small bound and a large disorder: many rows land behind the watermark in slices that
  // earlier firings have already combined (runtime/ops/slice_fifo.h: the back, or front
  // suffixes), or open a slice inside them; they must count in exactly the windows that fire
  // after them, as with one state per window.
  const Window windows[] = {{rt::WindowMode::Hop, 8, 1, 0}, {rt::WindowMode::Hop, 12, 3, 1}, {rt::WindowMode::Cumulate, 8, 2, 0}};
  for (const Window& w : windows)
    for (uint64_t seed = 1; seed <= 60; ++seed) {
      SCOPED_TRACE(testing::Message() << "mode " << static_cast<int>(w.mode) << " size " << w.size << " seed " << seed);
      auto steps = random_steps(seed, 100, 400, 1 + static_cast<int>(seed % 4), 12, 1);
      Result per_window = run_hosted(w, 0, steps), sliced = run_hosted(w, slice_of(w), steps);
      expect_same(per_window, sliced);
      expect_same(sliced, run_fixed(w, slice_of(w), steps));
      // Rows behind the watermark but accepted: the case this test is about.
      int64_t wm = INT64_MIN, behind = 0;
      for (const Step& s : steps)
        if (!s.is_row) wm = s.w;
        else if (ld(s.row.data() + 8) < wm) ++behind;
      EXPECT_GT(static_cast<uint64_t>(behind), per_window.stats.late_dropped);
    }
}

TEST(WindowSlicing, FiringMergesEachSliceO1Times) {
  // HOP(slide 1, size 1000) over 5,000 rows in order, one per time unit and key 1 or 2:
  // 5,000 slices, ~6,000 windows of up to 1,000 slices each. Merging every slice of a window at
  // its firing would take ~5,000,000 merges; a two-stack FIFO takes each slice into the back
  // once and into the front once, and merges front and back once per firing: at most about
  // 3 per slice and window and key. By hand, the counts: window [s, s + 1000) holds the rows
  // at max(s, 0) .. min(s + 999, 4999).
  const Window w{rt::WindowMode::Hop, 1000, 1, 0};
  std::vector<Step> steps;
  for (int64_t t = 0; t < 5000; ++t) {
    steps.push_back({true, make_row(1 + t % 2, t, 1), 0});
    steps.push_back({false, {}, t});
  }
  steps.push_back({false, {}, INT64_MAX});
  merges = 0;
  Result r = run_hosted(w, 1, steps);
  const uint64_t slices = 5000, windows = 5999;
  EXPECT_LT(merges, 4 * (slices + windows)) << "merges per firing grow with the slices per window";
  ASSERT_EQ(r.rows.size(), 2 * windows - 2);  // the first and last windows hold one key
  for (const Row& row : r.rows) {
    int64_t start = ld(row.data() + 8), lo = std::max<int64_t>(start, 0), hi = std::min<int64_t>(start + 999, 4999);
    int64_t key = ld(row.data()), n = 0;
    for (int64_t t = lo; t <= hi; ++t) n += (1 + t % 2 == key);
    ASSERT_EQ(ld(row.data() + 24), n) << "window " << start << " key " << key;
  }
  // Fixed storage (64 slices): HOP(slide 1, size 50) over the first 2,000 rows, as hosted.
  const Window small{rt::WindowMode::Hop, 50, 1, 0};
  steps.resize(4000);
  steps.push_back({false, {}, INT64_MAX});
  merges = 0;
  Result fixed = run_fixed(small, 1, steps);
  EXPECT_LT(merges, 4 * (2000u + 2049u));
  expect_same(run_hosted(small, 1, steps), fixed);
  EXPECT_EQ(fixed.stats.capacity_dropped, 0u);
}

TEST(WindowSlicing, WindowWithMoreGroupsThanMaxKeysCountsTheRestOverCapacity) {
  // HOP(slide 1, size 2), max_keys 2: slice [0, 1) holds keys 1 and 2, slice [1, 2) key 3. Each
  // slice fits, but window [0, 2) would hold three groups: by hand, it emits keys 1 and 2 (the
  // slices are combined in time order) and counts key 3 over capacity, under both policies;
  // [-1, 1) emits 1 and 2, [1, 3) emits 3.
  const Window w{rt::WindowMode::Hop, 2, 1, 0};
  std::vector<Step> steps = {{true, make_row(1, 0, 1), 0}, {true, make_row(2, 0, 1), 0}, {true, make_row(3, 1, 1), 0},
                             {false, {}, INT64_MAX}};
  static rt::WindowAggregate<Sink, FixedKernels, rt::FixedStorage<TwoKeyDims>> op;
  Sink sink;
  op.init(&sink, config(w, 1, nullptr));
  for (const Step& s : steps) s.is_row ? op.push(s.row.data()) : op.advance(s.w);
  Result fixed{sink.rows, op.stats()}, hosted = run_hosted(w, 1, steps, 2);
  std::vector<std::array<int64_t, 2>> got;  // start, key
  for (const Row& row : hosted.rows) got.push_back({ld(row.data() + 8), ld(row.data())});
  std::vector<std::array<int64_t, 2>> want = {{-1, 1}, {-1, 2}, {0, 1}, {0, 2}, {1, 3}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(hosted.stats.capacity_dropped, 1u);
  expect_same(hosted, fixed);
}

}  // namespace
