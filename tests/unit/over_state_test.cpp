// OVER's state as bytes (LANGUAGE.md §10, runtime/ops/over.h): every function and frame kind
// (ROWS and RANGE, bounded and UNBOUNDED PRECEDING, MIN/MAX candidates, moments, LAG) under
// HostedStorage and FixedStorage. Random rows with a STRING partition key and a STRING column
// carried to the output (NULLs, empty strings, late rows, peers of equal times, full frames and
// partitions) run through one operator; at several points its state is saved and loaded into a
// fresh one, which then gets the same rest: it must emit exactly the rows the original emits
// from there (strings by value, floats by their bits) and end with the same counters and the
// same state bytes. The pushed rows' strings and the saved bytes are overwritten after use.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/over.h"
#include "runtime/ops/storage.h"
#include "state_test_support.h"

namespace {

namespace rt = vlac::rt;
using namespace vlac::state_test;

// Input rows: key STRING NULL, time, v INT64 NULL, f FLOAT64 NULL, s STRING NULL (hosted:
// StringRefs; firmware: STRING(8) inline). Key row: the key. Arguments: v, f.
std::vector<rt::RowLayout::ColumnSpec> input_columns() {
  return {{rt::FieldType::String, true, 8},
          {rt::FieldType::Timestamp, false, 0},
          {rt::FieldType::Int64, true, 0},
          {rt::FieldType::Float64, true, 0},
          {rt::FieldType::String, true, 8}};
}
const rt::RowLayout kHostedIn = rt::RowLayout::make(input_columns());
const rt::RowLayout kHostedKey = rt::RowLayout::make({{rt::FieldType::String, true, 8}});
const rt::RowLayout kInlineIn = rt::RowLayout::make(input_columns(), true);
const rt::RowLayout kInlineKey = rt::RowLayout::make({{rt::FieldType::String, true, 8}}, true);
const rt::RowLayout kArgs = rt::RowLayout::make({{rt::FieldType::Int64, true, 0}, {rt::FieldType::Float64, true, 0}});
constexpr size_t kInlineInSize = 56, kInlineKeySize = 16, kArgsSize = 24;

const rt::RowLayout& in_layout(bool inl) { return inl ? kInlineIn : kHostedIn; }
const rt::RowLayout& key_layout(bool inl) { return inl ? kInlineKey : kHostedKey; }

struct CallDef {
  rt::OverFunction fn;
  bool rows, unbounded;
  int64_t preceding, lag;
  int arg;  // 0: v (INT64), 1: f (FLOAT64)
};
/// Every function and frame kind: bounded ROWS and RANGE, UNBOUNDED, integer and float values.
constexpr CallDef kCalls[] = {
    {rt::OverFunction::Count, true, false, 2, 1, 0},      {rt::OverFunction::CountStar, false, false, 10, 1, 0},
    {rt::OverFunction::Sum, false, false, 5, 1, 0},       {rt::OverFunction::Avg, true, false, 3, 1, 1},
    {rt::OverFunction::Min, false, false, 7, 1, 0},       {rt::OverFunction::Max, true, false, 1, 1, 1},
    {rt::OverFunction::First, true, true, 0, 1, 0},       {rt::OverFunction::Last, false, false, 3, 1, 1},
    {rt::OverFunction::VarSamp, true, false, 4, 1, 1},    {rt::OverFunction::StddevPop, false, true, 0, 1, 0},
    {rt::OverFunction::Lag, false, true, 0, 2, 0},        {rt::OverFunction::Min, false, true, 0, 1, 1},
    {rt::OverFunction::Max, true, true, 0, 1, 0},         {rt::OverFunction::Sum, false, true, 0, 1, 1},
    {rt::OverFunction::First, true, false, 2, 1, 1},      {rt::OverFunction::Avg, false, false, 6, 1, 0},
    {rt::OverFunction::VarPop, false, false, 6, 1, 1},    {rt::OverFunction::Lag, false, true, 0, 1, 1},
    {rt::OverFunction::Lag, false, true, 0, 0, 0},        {rt::OverFunction::Sum, true, false, 3, 1, 1},
    {rt::OverFunction::StddevSamp, false, false, 4, 1, 0}, {rt::OverFunction::Max, false, false, 4, 1, 1},
};
constexpr size_t kNumCalls = std::size(kCalls);
constexpr size_t kResultsSize = 8 + 8 * kNumCalls;  // 22 nullable 8-byte fields: 3 bitmap bytes

constexpr rt::OverCallSpec spec_of(const CallDef& d) {
  rt::OverCallSpec s{};
  s.function = d.fn;
  s.rows = d.rows;
  s.unbounded = d.unbounded;
  s.preceding = d.preceding;
  s.lag = d.lag;
  s.arg.type = d.arg == 0 ? rt::FieldType::Int64 : rt::FieldType::Float64;
  return s;
}

rt::RowLayout results_layout() {
  std::vector<rt::RowLayout::ColumnSpec> cols;
  for (const CallDef& c : kCalls) {
    bool count = c.fn == rt::OverFunction::Count || c.fn == rt::OverFunction::CountStar;
    bool keeps_type = count || c.fn == rt::OverFunction::Sum || c.fn == rt::OverFunction::Min || c.fn == rt::OverFunction::Max ||
                      c.fn == rt::OverFunction::First || c.fn == rt::OverFunction::Last || c.fn == rt::OverFunction::Lag;
    cols.push_back({count || (keeps_type && c.arg == 0) ? rt::FieldType::Int64 : rt::FieldType::Float64, true, 0});
  }
  return rt::RowLayout::make(cols);
}
const rt::RowLayout kResults = results_layout();

size_t out_size(bool inl) { return in_layout(inl).size + kResultsSize; }

void key_of(bool inl, const uint8_t* row, uint8_t* key) {
  copy_string(row, in_layout(inl).fields[0], key, key_layout(inl).fields[0], inl);
}
void args_of(bool inl, const uint8_t* row, uint8_t* args) {
  const rt::RowLayout& in = in_layout(inl);
  for (int i = 0; i < 2; ++i) {
    const rt::Field &from = in.fields[2 + i], &to = kArgs.fields[i];
    if (rt::is_null(row, from)) rt::set_null(args, to, true);
    else std::memcpy(args + to.offset, row + from.offset, 8);
  }
}
void finish(bool inl, const uint8_t* row, const uint8_t* results, uint8_t* out) {
  std::memcpy(out, row, in_layout(inl).size);
  std::memcpy(out + in_layout(inl).size, results, kResultsSize);
}
std::string render(bool inl, const uint8_t* out) {
  return row_text(out, in_layout(inl), inl) + " -> " + row_text(out + in_layout(inl).size, kResults, false);
}

struct InlineKernels {
  static void key(Sink*, const uint8_t* row, uint8_t* key) { key_of(true, row, key); }
  static void args(Sink*, const uint8_t* row, uint8_t* args) { args_of(true, row, args); }
  static void finish(Sink*, const uint8_t* row, const uint8_t* results, uint8_t* out) { ::finish(true, row, results, out); }
  static void emit(Sink* sink, const uint8_t* row) { sink->out.push_back(render(true, row)); }
};
rt::OverKernels hosted_kernels() {
  rt::OverKernels k;
  k.key = [](rt::ExecContext*, const uint8_t* row, uint8_t* key) { key_of(false, row, key); };
  k.args = [](rt::ExecContext*, const uint8_t* row, uint8_t* args) { args_of(false, row, args); };
  k.finish = [](rt::ExecContext*, const uint8_t* row, const uint8_t* results, uint8_t* out) { finish(false, row, results, out); };
  k.emit = hosted_emit;
  return k;
}

/// Fixed storage: each call's frame queues of the sizes the generator writes (over_frame_sizes).
template <size_t kKeys, size_t kRows>
struct Dims : rt::OperatorDims {
  static constexpr size_t in_size = kInlineInSize, key_size = kInlineKeySize, args_size = kArgsSize,
                          results_size = kResultsSize, out_size = kInlineInSize + kResultsSize;
  static constexpr size_t calls = kNumCalls, max_keys = kKeys, max_buffered_rows = kRows;
  static constexpr rt::OverFrameSizes sizes(size_t c) { return rt::over_frame_sizes(spec_of(kCalls[c]), kRows); }
  struct Values {
    constexpr size_t operator[](size_t c) const { return sizes(c).values; }
  };
  struct Extreme {
    constexpr size_t operator[](size_t c) const { return sizes(c).extreme; }
  };
  struct Moments {
    constexpr size_t operator[](size_t c) const { return sizes(c).moments; }
  };
  static constexpr Values frame_values{};
  static constexpr Extreme frame_extreme{};
  static constexpr Moments frame_moments{};
};

struct OverParams {
  uint64_t max_keys, max_rows;  // hosted WITH limits (the fixed ones are in its Dims)
};

/// The configuration and the calls it points at (init copies them).
struct OverSetup {
  std::vector<rt::OverCallSpec> specs;
  rt::OverConfig config;
};
OverSetup over_setup(bool inl, const OverParams& p) {
  OverSetup s;
  for (size_t i = 0; i < kNumCalls; ++i) {
    rt::OverCallSpec spec = spec_of(kCalls[i]);
    spec.arg = kArgs.fields[static_cast<size_t>(kCalls[i].arg)];
    spec.result = kResults.fields[i];
    s.specs.push_back(spec);
  }
  rt::OverConfig& c = s.config;
  c.time_offset = static_cast<int32_t>(in_layout(inl).fields[1].offset);
  c.in_size = in_layout(inl).size;
  c.key_size = key_layout(inl).size;
  c.args_size = kArgs.size;
  c.results_size = kResults.size;
  c.out_size = static_cast<uint32_t>(out_size(inl));
  c.input_layout = &in_layout(inl);
  c.key_layout = &key_layout(inl);
  c.num_calls = static_cast<uint32_t>(kNumCalls);
  c.max_keys = p.max_keys;
  c.max_buffered_rows = p.max_rows;
  return s;
}

/// OVER under each policy: its type, and init with the test's kernels.
struct Hosted {
  using Op = rt::HostedOver;
  static constexpr bool kInline = false;
  static void init(Op& op, HostedCtx& c, const rt::OverConfig& config) { op.init(&c.ctx, config, hosted_kernels()); }
};
template <size_t kKeys, size_t kRows>
struct Fixed {
  using Op = rt::Over<Sink, InlineKernels, rt::FixedStorage<Dims<kKeys, kRows>>>;
  static constexpr bool kInline = true;
  static void init(Op& op, HostedCtx& c, const rt::OverConfig& config) { op.init(&c.sink, config); }
};

/// One input row, independent of its representation; or a watermark.
struct Step {
  bool is_row;
  bool key_null, v_null, f_null, s_null;
  std::string key, s;
  int64_t time, v;
  double f;
  int64_t w;
};

std::vector<Step> make_steps(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  const char* keys[] = {"", "p", "qq", "part4", "eight888", "x", "yy"};
  std::vector<Step> steps;
  int64_t base = 1000, max_t = INT64_MIN, w = INT64_MIN;
  for (int i = 0; i < n; ++i) {
    base += static_cast<int64_t>(rng() % 3);  // often equal times: peers
    Step s{};
    s.is_row = true;
    s.time = base - static_cast<int64_t>(rng() % 7);
    s.key_null = rng() % 9 == 0;
    s.key = keys[rng() % std::size(keys)];
    s.v_null = rng() % 5 == 0;
    s.v = static_cast<int64_t>(rng() % 200) - 100;
    s.f_null = rng() % 6 == 0;
    s.f = static_cast<double>(rng() % 1000) / 7.0 - 50;
    if (rng() % 50 == 0) s.f = 1e300 * (rng() % 2 ? 1 : -1);  // large values leave the frames again
    s.s_null = rng() % 8 == 0;
    s.s = std::string(rng() % 9, static_cast<char>('a' + rng() % 26));
    steps.push_back(s);
    if (s.time > max_t) {
      max_t = s.time;
      if (max_t - 3 > w) {
        w = max_t - 3;
        if (rng() % 3 != 0) {
          Step a{};
          a.w = w;
          steps.push_back(a);
        }
      }
    }
  }
  Step end{};
  end.w = INT64_MAX;
  steps.push_back(end);
  return steps;
}

/// OVER of policy P with its sink; steps go in as the engine drives it.
template <class P>
struct Runner {
  HostedCtx c;
  std::unique_ptr<typename P::Op> op = std::make_unique<typename P::Op>();
  explicit Runner(const OverParams& params) {
    c.sink.render = [](const uint8_t* row) { return render(P::kInline, row); };
    OverSetup s = over_setup(P::kInline, params);
    s.config.calls = s.specs.data();
    P::init(*op, c, s.config);
  }
  const std::vector<std::string>& out() const { return c.sink.out; }
  void step(const Step& s) {
    if (!s.is_row) return op->advance(s.w);
    // The row's strings live in buffers overwritten once it is pushed (a reader's line buffer).
    const rt::RowLayout& layout = in_layout(P::kInline);
    std::string key = s.key, str = s.s;
    std::vector<uint8_t> row(layout.size, 0);
    set_string(row.data(), layout.fields[0], P::kInline, s.key_null ? nullptr : &key);
    rt::put<int64_t>(row.data(), layout.fields[1], s.time);
    if (s.v_null) rt::set_null(row.data(), layout.fields[2], true);
    else rt::put<int64_t>(row.data(), layout.fields[2], s.v);
    if (s.f_null) rt::set_null(row.data(), layout.fields[3], true);
    else rt::put<double>(row.data(), layout.fields[3], s.f);
    set_string(row.data(), layout.fields[4], P::kInline, s.s_null ? nullptr : &str);
    op->push(row.data());
    key.assign(key.size(), '#');
    str.assign(str.size(), '#');
    std::memset(row.data(), 0xEE, row.size());
  }
};

struct Totals {
  uint64_t rows_out = 0, late = 0, capacity = 0;
  void add(const rt::OperatorStats& s) {
    rows_out += s.rows_out;
    late += s.late_dropped;
    capacity += s.capacity_dropped;
  }
};

template <class P>
void round_trips(const OverParams& params, const std::vector<Step>& steps, uint64_t seed, Totals* totals) {
  totals->add(check_round_trips<Runner<P>>(params, steps, seed)->op->stats());
}

TEST(OverState, LayoutsAreTheDimsSizes) {
  EXPECT_EQ(kInlineIn.size, kInlineInSize);
  EXPECT_EQ(kInlineKey.size, kInlineKeySize);
  EXPECT_EQ(kArgs.size, kArgsSize);
  EXPECT_EQ(kResults.size, kResultsSize);
}

TEST(OverState, EveryFrameKindUnderBothPolicies) {
  Totals roomy, tight;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::vector<Step> steps = make_steps(seed, 1500);
    round_trips<Fixed<8, 128>>({8, 128}, steps, seed, &roomy);
    round_trips<Hosted>({8, 128}, steps, seed, &roomy);
    round_trips<Hosted>({UINT64_MAX, UINT64_MAX}, steps, seed, &roomy);
    // Fewer partitions than keys, and frames (RANGE 10 with peers) that fill up.
    round_trips<Fixed<4, 6>>({4, 6}, steps, seed, &tight);
    round_trips<Hosted>({4, 6}, steps, seed, &tight);
  }
  EXPECT_GT(roomy.rows_out, 4000u);
  EXPECT_GT(roomy.late, 0u);
  EXPECT_EQ(roomy.capacity, 0u);
  EXPECT_GT(tight.capacity, 0u);
}

}  // namespace
