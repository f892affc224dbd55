// The joins' state as bytes (LANGUAGE.md §10, runtime/ops/join_core.h): interval, as-of and
// window joins, inner and LEFT, under HostedStorage and FixedStorage. Random rows with STRING
// keys and STRING values (NULLs, empty strings, late rows, capacity drops, keys that come and
// go) run through one join; at several points its state is saved and loaded into a fresh join,
// which then gets the same rest: it must emit exactly the rows the original emits from there
// (strings compared by value, the output watermark after every advance) and end with the same
// counters and the same state bytes. The restored join's strings are its own: the pushed rows'
// strings and the saved bytes are overwritten after use.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/ops/asof_join.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/interval_join.h"
#include "runtime/ops/row_store.h"
#include "runtime/ops/storage.h"
#include "runtime/ops/window_join.h"
#include "state_test_support.h"

namespace {

namespace rt = vlac::rt;
using namespace vlac::state_test;

// Rows of both inputs: key STRING NULL, time, val STRING NULL, num INT64 NULL, window_start,
// window_end. Hosted rows hold StringRefs; firmware rows STRING(8) inline. The key row: the key.
std::vector<rt::RowLayout::ColumnSpec> row_columns() {
  return {{rt::FieldType::String, true, 8},     {rt::FieldType::Timestamp, false, 0}, {rt::FieldType::String, true, 8},
          {rt::FieldType::Int64, true, 0},      {rt::FieldType::Timestamp, false, 0}, {rt::FieldType::Timestamp, false, 0}};
}
const rt::RowLayout kHostedRow = rt::RowLayout::make(row_columns());
const rt::RowLayout kHostedKey = rt::RowLayout::make({{rt::FieldType::String, true, 8}});
const rt::RowLayout kInlineRow = rt::RowLayout::make(row_columns(), true);
const rt::RowLayout kInlineKey = rt::RowLayout::make({{rt::FieldType::String, true, 8}}, true);
constexpr size_t kInlineRowSize = 64, kInlineKeySize = 16;

const rt::RowLayout& row_layout(bool inl) { return inl ? kInlineRow : kHostedRow; }
const rt::RowLayout& key_layout(bool inl) { return inl ? kInlineKey : kHostedKey; }
// Output: the left row, the right row (zero when none), then 8 bytes: 1 when a right row is there.
size_t out_size(bool inl) { return 2 * row_layout(inl).size + 8; }

void key_of(bool inl, const uint8_t* row, uint8_t* key) {
  copy_string(row, row_layout(inl).fields[0], key, key_layout(inl).fields[0], inl);
}
/// The residual condition fails when both nums are there and their sum is a multiple of 5.
int32_t combine(bool inl, const uint8_t* l, const uint8_t* r, uint8_t* out) {
  const rt::RowLayout& layout = row_layout(inl);
  const rt::Field& num = layout.fields[3];
  if (r && !rt::is_null(l, num) && !rt::is_null(r, num) && (rt::get<int64_t>(l, num) + rt::get<int64_t>(r, num)) % 5 == 0)
    return 0;
  std::memcpy(out, l, layout.size);
  if (r) {
    std::memcpy(out + layout.size, r, layout.size);
    out[2 * layout.size] = 1;
  }
  return 1;
}
std::string render(bool inl, const uint8_t* out) {
  const rt::RowLayout& layout = row_layout(inl);
  return row_text(out, layout, inl) + " + " + (out[2 * layout.size] ? row_text(out + layout.size, layout, inl) : "none");
}

struct InlineKernels {
  static void left_key(Sink*, const uint8_t* row, uint8_t* key) { key_of(true, row, key); }
  static void right_key(Sink*, const uint8_t* row, uint8_t* key) { key_of(true, row, key); }
  static int32_t combine(Sink*, const uint8_t* l, const uint8_t* r, uint8_t* out) { return ::combine(true, l, r, out); }
  static void emit(Sink* sink, const uint8_t* row) { sink->out.push_back(render(true, row)); }
};
rt::JoinKernels hosted_kernels() {
  rt::JoinKernels k;
  k.left_key = k.right_key = [](rt::ExecContext*, const uint8_t* row, uint8_t* key) { key_of(false, row, key); };
  k.combine = [](rt::ExecContext*, const uint8_t* l, const uint8_t* r, uint8_t* out) { return combine(false, l, r, out); };
  k.emit = hosted_emit;
  return k;
}

template <size_t kKeys, size_t kRows>
struct Dims : rt::OperatorDims {
  static constexpr size_t left_size = kInlineRowSize, right_size = kInlineRowSize, key_size = kInlineKeySize,
                          out_size = 2 * kInlineRowSize + 8;
  static constexpr size_t max_keys = kKeys, max_buffered_rows = kRows;
};

/// A join under each policy: its type, and init with the test's kernels.
template <template <class, class, class> class J>
struct Hosted {
  using Op = J<rt::ExecContext, rt::JoinKernels, rt::HostedStorage>;
  static constexpr bool kInline = false;
  static void init(Op& op, HostedCtx& c, const rt::JoinConfig& config) { op.init(&c.ctx, config, hosted_kernels()); }
};
template <template <class, class, class> class J, size_t kKeys, size_t kRows>
struct Fixed {
  using Op = J<Sink, InlineKernels, rt::FixedStorage<Dims<kKeys, kRows>>>;
  static constexpr bool kInline = true;
  static void init(Op& op, HostedCtx& c, const rt::JoinConfig& config) { op.init(&c.sink, config); }
};

struct JoinParams {
  bool left_outer;
  int64_t lower, upper, hold_back;
  uint64_t max_keys, max_rows;  // hosted WITH limits (the fixed ones are in its Dims)
  uint32_t scan_ratio = 4, scan_grace = 4096;  // interval join: when a side is keyed
};

rt::JoinConfig join_config(bool inl, const JoinParams& p) {
  const rt::RowLayout& row = row_layout(inl);
  rt::JoinConfig c;
  c.left_layout = c.right_layout = &row;
  c.key_layout = &key_layout(inl);
  c.key_size = key_layout(inl).size;
  c.key_null_bytes = key_layout(inl).null_bytes;
  c.out_size = static_cast<uint32_t>(out_size(inl));
  c.left_time = c.right_time = static_cast<int32_t>(row.fields[1].offset);
  c.left_window_start = c.right_window_start = static_cast<int32_t>(row.fields[4].offset);
  c.left_window_end = c.right_window_end = static_cast<int32_t>(row.fields[5].offset);
  c.left_outer = p.left_outer;
  c.lower = p.lower;
  c.upper = p.upper;
  c.hold_back = p.hold_back;
  c.max_keys = p.max_keys;
  c.max_buffered_rows = p.max_rows;
  c.scan_ratio = p.scan_ratio;
  c.scan_grace = p.scan_grace;
  return c;
}

/// One input row, independent of its representation.
struct Rec {
  bool key_null, val_null, num_null;
  std::string key, val;
  int64_t time, num;
};
struct Step {
  bool is_row;
  int port;
  Rec rec;
  int64_t w[2];
};

std::vector<Step> make_steps(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  const char* keys[] = {"", "a", "bb", "ccc", "k-4", "eight888", "Z", "yy", "x"};
  std::vector<Step> steps;
  int64_t base[2] = {1000, 1000}, max_t[2] = {INT64_MIN, INT64_MIN}, w[2] = {INT64_MIN, INT64_MIN};
  for (int i = 0; i < n; ++i) {
    int port = static_cast<int>(rng() % 2);
    base[port] += static_cast<int64_t>(rng() % 4);
    Rec r;
    r.time = base[port] - static_cast<int64_t>(rng() % 9);
    r.key_null = rng() % 10 == 0;
    r.key = keys[rng() % (2 + (i / 300) % 8)];  // keys come and go in waves
    r.val_null = rng() % 7 == 0;
    r.val = std::string(rng() % 9, static_cast<char>('a' + rng() % 26));
    r.num_null = rng() % 6 == 0;
    r.num = static_cast<int64_t>(rng() % 1000);
    steps.push_back({true, port, r, {0, 0}});
    if (r.time > max_t[port]) {
      max_t[port] = r.time;
      if (max_t[port] - 4 > w[port]) w[port] = max_t[port] - 4;
    }
    // The engine tells a join its watermarks after most rows, moved or not.
    if (rng() % 8 != 0) steps.push_back({false, 0, {}, {w[0], w[1]}});
  }
  steps.push_back({false, 0, {}, {INT64_MAX, INT64_MAX}});
  return steps;
}

/// A join of policy P with its sink; steps go in as the engine drives a join.
template <class P>
struct Runner {
  HostedCtx c;
  std::unique_ptr<typename P::Op> op = std::make_unique<typename P::Op>();
  explicit Runner(const rt::JoinConfig& config) {
    c.sink.render = [](const uint8_t* row) { return render(P::kInline, row); };
    P::init(*op, c, config);
  }
  const std::vector<std::string>& out() const { return c.sink.out; }
  void step(const Step& s) {
    if (!s.is_row) {
      op->advance_ports(s.w, 2);
      c.sink.out.push_back("watermark " + std::to_string(op->output_watermark(std::min(s.w[0], s.w[1]))));
      return;
    }
    // The row's strings live in buffers overwritten once it is pushed (a reader's line buffer).
    const rt::RowLayout& layout = row_layout(P::kInline);
    std::string key = s.rec.key, val = s.rec.val;
    std::vector<uint8_t> row(layout.size, 0);
    set_string(row.data(), layout.fields[0], P::kInline, s.rec.key_null ? nullptr : &key);
    rt::put<int64_t>(row.data(), layout.fields[1], s.rec.time);
    set_string(row.data(), layout.fields[2], P::kInline, s.rec.val_null ? nullptr : &val);
    if (s.rec.num_null) rt::set_null(row.data(), layout.fields[3], true);
    else rt::put<int64_t>(row.data(), layout.fields[3], s.rec.num);
    const int64_t start = s.rec.time - s.rec.time % 10;  // TUMBLE(10): times are positive
    rt::put<int64_t>(row.data(), layout.fields[4], start);
    rt::put<int64_t>(row.data(), layout.fields[5], start + 10);
    op->push(s.port, row.data());
    key.assign(key.size(), '#');
    val.assign(val.size(), '#');
    std::memset(row.data(), 0xEE, row.size());
  }
};

struct Totals {
  uint64_t rows_out = 0, late = 0, capacity = 0, unmatched = 0;
};

/// The round trips of `steps` through the join of policy P (state_test_support.h).
template <class P>
void check_round_trips(const JoinParams& params, const std::vector<Step>& steps, uint64_t seed, Totals* totals) {
  auto original = vlac::state_test::check_round_trips<Runner<P>>(join_config(P::kInline, params), steps, seed);
  const rt::OperatorStats& stats = original->op->stats();
  totals->rows_out += stats.rows_out;
  totals->late += stats.late_dropped;
  totals->capacity += stats.capacity_dropped;
  for (const std::string& row : original->out()) totals->unmatched += row.size() > 5 && row.compare(row.size() - 5, 5, " none") == 0;
}

/// Each seed through the join under both policies: roomy, and tight (capacity drops) with the
/// hosted WITH limits equal to the fixed Dims; hosted also without limits.
template <template <class, class, class> class J>
void check_join(JoinParams params) {
  Totals roomy, tight;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::vector<Step> steps = make_steps(seed, 2500);
    params.max_keys = 64;
    params.max_rows = 512;
    check_round_trips<Fixed<J, 64, 512>>(params, steps, seed, &roomy);
    check_round_trips<Hosted<J>>(params, steps, seed, &roomy);
    params.max_keys = 4;
    params.max_rows = 12;
    check_round_trips<Fixed<J, 4, 12>>(params, steps, seed, &tight);
    check_round_trips<Hosted<J>>(params, steps, seed, &tight);
    params.max_keys = params.max_rows = UINT64_MAX;
    check_round_trips<Hosted<J>>(params, steps, seed, &roomy);
  }
  // The runs reach what they are meant to: output, late rows, drops, unmatched LEFT rows.
  EXPECT_GT(roomy.rows_out, 1000u);
  EXPECT_GT(roomy.late, 0u);
  EXPECT_GT(tight.capacity, 0u);
  if (params.left_outer) {
    EXPECT_GT(roomy.unmatched, 0u);
  }
}

// ---- RowStore ------------------------------------------------------------------------------

/// A RowStore as the state helpers see an operator.
struct StoreState {
  rt::RowStore& store;
  void save_state(rt::StateWriter& w) const { store.save(w); }
  bool load_state(rt::StateReader& r) { return store.load(r); }
};

/// A hosted row whose key and val are `text` (or NULL when null), num = n.
std::vector<uint8_t> text_row(const std::string* text, int64_t n) {
  std::vector<uint8_t> row(kHostedRow.size, 0);
  set_string(row.data(), kHostedRow.fields[0], false, text);
  set_string(row.data(), kHostedRow.fields[2], false, text);
  rt::put<int64_t>(row.data(), kHostedRow.fields[3], n);
  return row;
}

TEST(RowStoreState, SlotsFreeListAndStringsAreExact) {
  // Slots 0..5 filled, then 4, 1, 3 removed: the free list is [4, 1, 3], so the next adds take
  // 3, then 1, then 4, then the new slot 6. A loaded store must do the same, with the strings
  // of rows 0, 2, 5 as its own copies.
  rt::RowStore store(&kHostedRow);
  std::vector<std::string> texts = {"zero", "", "two-2", "three", "four", "five5555"};
  for (int64_t i = 0; i < 6; ++i) {
    std::string copy = texts[static_cast<size_t>(i)];
    std::vector<uint8_t> row = text_row(i == 2 ? nullptr : &copy, i);
    EXPECT_EQ(store.add(row.data()), static_cast<uint32_t>(i));
    copy.assign(copy.size(), '#');
  }
  for (uint32_t slot : {4u, 1u, 3u}) store.remove(slot);
  const std::vector<uint8_t> bytes = saved(StoreState{store});

  rt::RowStore loaded(&kHostedRow);
  StoreState loaded_state{loaded};
  ASSERT_TRUE(load_from_copy(loaded_state, bytes));
  EXPECT_EQ(saved(loaded_state), bytes);
  EXPECT_EQ(loaded.size(), 3u);
  EXPECT_EQ(row_text(loaded.row(0), kHostedRow, false), "'zero'|0|'zero'|0|0|0");
  EXPECT_EQ(row_text(loaded.row(2), kHostedRow, false), "NULL|0|NULL|2|0|0");
  EXPECT_EQ(row_text(loaded.row(5), kHostedRow, false), "'five5555'|0|'five5555'|5|0|0");
  std::string x = "x";
  std::vector<uint8_t> row = text_row(&x, 9);
  for (uint32_t want : {3u, 1u, 4u, 6u}) {
    EXPECT_EQ(store.add(row.data()), want);
    EXPECT_EQ(loaded.add(row.data()), want);
  }
  EXPECT_EQ(saved(loaded_state), saved(StoreState{store}));
}

/// The bytes of a RowStore's state: slot count, free list, then the live rows.
std::vector<uint8_t> store_bytes(uint64_t slots, const std::vector<uint32_t>& free_list, size_t live_rows) {
  std::vector<uint8_t> b;
  rt::StateWriter w(&b);
  w.u64(slots);
  w.u64(free_list.size());
  for (uint32_t s : free_list) w.put(s);
  std::vector<uint8_t> row = text_row(nullptr, 1);
  for (size_t i = 0; i < live_rows; ++i) rt::write_row(w, row.data(), kHostedRow);
  return b;
}

TEST(RowStoreState, MalformedStateIsRefused) {
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    bool ok;
  };
  const Case cases[] = {
      {"well formed: 3 slots, slot 1 free", store_bytes(3, {1}, 2), true},
      {"a free slot out of range", store_bytes(3, {3}, 2), false},
      {"a slot freed twice", store_bytes(3, {1, 1}, 1), false},
      {"more free slots than slots", store_bytes(1, {0, 0}, 0), false},
      {"a live row missing", store_bytes(3, {1}, 1), false},
      {"more live rows than the limit", store_bytes(5, {}, 5), false},  // limit 4 below
  };
  for (const Case& c : cases) {
    rt::RowStore store(&kHostedRow, 4);
    rt::StateReader r(c.bytes.data(), c.bytes.size());
    EXPECT_EQ(store.load(r) && r.at_end(), c.ok) << c.what;
  }
}

TEST(JoinState, LayoutsAreTheDimsSizes) {
  EXPECT_EQ(kInlineRow.size, kInlineRowSize);
  EXPECT_EQ(kInlineKey.size, kInlineKeySize);
}

TEST(JoinState, IntervalInner) { check_join<rt::IntervalJoin>({false, -3, 6, 6, 0, 0}); }
TEST(JoinState, IntervalLeft) { check_join<rt::IntervalJoin>({true, -3, 6, 6, 0, 0}); }
/// The interval join finds a side's rows by scans until keying it pays (JoinConfig::scan_ratio):
/// whenever a side is keyed, or never, the join must emit exactly what it emits with both sides
/// keyed from the start, and its state must round-trip in either mode.
void check_interval_scans(bool left_outer) {
  using P = Hosted<rt::IntervalJoin>;
  struct Variant {
    uint32_t ratio, grace;
  };
  // Never keyed; keyed at once; keyed part way, at different points.
  const Variant variants[] = {{UINT32_MAX, UINT32_MAX}, {1, 0}, {1, 400}, {2, 1500}, {3, 3000}};
  size_t never = 0, part_way = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::vector<Step> steps = make_steps(seed, 2500);
    JoinParams params{left_outer, -3, 6, 6, UINT64_MAX, UINT64_MAX, 0, 0};
    Runner<P> keyed(join_config(false, params));
    for (const Step& s : steps) keyed.step(s);
    ASSERT_TRUE(keyed.op->keyed(0) && keyed.op->keyed(1));
    for (const Variant& v : variants) {
      SCOPED_TRACE("scan_ratio " + std::to_string(v.ratio) + ", scan_grace " + std::to_string(v.grace));
      params.scan_ratio = v.ratio;
      params.scan_grace = v.grace;
      auto run = vlac::state_test::check_round_trips<Runner<P>>(join_config(false, params), steps, seed);
      EXPECT_EQ(run->out(), keyed.out());
      expect_same_stats(run->op->stats(), keyed.op->stats());
      never += !run->op->keyed(0) && !run->op->keyed(1);
      part_way += v.grace > 0 && v.grace < UINT32_MAX && run->op->keyed(0) && run->op->keyed(1);
    }
  }
  // The runs reach what they are meant to: sides never keyed, and keyed after scans.
  EXPECT_EQ(never, 4u);
  EXPECT_GT(part_way, 4u);
}

/// The interval join's keyed flags close its state (two bytes, then four u64 counters): a flag
/// other than 0 or 1, or a side marked unkeyed while its held rows hold key ids, is refused.
TEST(JoinState, IntervalRefusesMalformedKeyedFlags) {
  using P = Hosted<rt::IntervalJoin>;
  const std::vector<Step> steps = make_steps(3, 400);
  const size_t half = steps.size() / 2;  // rows held on both sides
  for (uint32_t ratio : {0u, UINT32_MAX}) {  // keyed from the start; never keyed
    JoinParams params{false, -3, 6, 6, UINT64_MAX, UINT64_MAX, ratio, ratio};
    const rt::JoinConfig config = join_config(false, params);
    Runner<P> run(config);
    for (size_t i = 0; i < half; ++i) run.step(steps[i]);
    std::vector<uint8_t> bytes = saved(*run.op);
    const size_t flags = bytes.size() - 2 - 4 * sizeof(uint64_t);
    ASSERT_EQ(bytes[flags], ratio == 0 ? 1 : 0);
    {
      Runner<P> fresh(config);
      EXPECT_TRUE(load_from_copy(*fresh.op, bytes));
    }
    bytes[flags] = 2;
    {
      Runner<P> fresh(config);
      EXPECT_FALSE(load_from_copy(*fresh.op, bytes)) << "keyed flag 2";
    }
    if (ratio == 0) {  // held rows with key ids, both sides marked unkeyed
      ASSERT_GT(run.op->stats().buffered, 0u);
      bytes[flags] = bytes[flags + 1] = 0;
      JoinParams scanning = params;
      scanning.scan_ratio = scanning.scan_grace = UINT32_MAX;
      Runner<P> fresh(join_config(false, scanning));
      EXPECT_FALSE(load_from_copy(*fresh.op, bytes)) << "unkeyed side with key ids";
    }
  }
}

TEST(JoinState, IntervalScansGiveTheKeyedRowsInner) { check_interval_scans(false); }
TEST(JoinState, IntervalScansGiveTheKeyedRowsLeft) { check_interval_scans(true); }

TEST(JoinState, RunsAdvanceOftenEnoughForTheAsofPurgeCountdown) {
  // AsofJoin purges every key each 1024 advances (kPurgeEvery): a restore must carry the
  // countdown, so the runs pass that point at least twice.
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    size_t advances = 0;
    for (const Step& s : make_steps(seed, 2500)) advances += !s.is_row;
    EXPECT_GT(advances, 2048u) << seed;
  }
}

TEST(JoinState, AsofInner) { check_join<rt::AsofJoin>({false, 0, 0, 0, 0, 0}); }
TEST(JoinState, AsofLeft) { check_join<rt::AsofJoin>({true, 0, 0, 0, 0, 0}); }
TEST(JoinState, WindowInner) { check_join<rt::WindowJoin>({false, 0, 0, 0, 0, 0}); }
TEST(JoinState, WindowLeft) { check_join<rt::WindowJoin>({true, 0, 0, 0, 0, 0}); }

}  // namespace
