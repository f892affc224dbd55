// Checkpoints of the window aggregate (LANGUAGE.md §10, runtime/ops/window_aggregate.h):
// save_state at random points of a random run, then load_state into a fresh operator (the
// original destroyed first, so that no string of the restored state can still point into it),
// and go on. The rows emitted before the save by the original and after it by the restored one
// must be, in order and by value (strings included), the rows of one uninterrupted run, with
// the same counters; a restored operator saves the same bytes as the one it was saved from and
// stays so as both go on. Every mode: TUMBLE (its last-window cache), HOP, CUMULATE, sliced HOP
// and CUMULATE, three aggregates sharing one slice store (window merging), SESSION, GROUP BY at
// end of input and the global aggregate; under HostedStorage (STRING keys, possibly NULL, and a
// STRING MAX accumulator living in the operator's arenas) and FixedStorage (strings inline).
// Keys exceed max_keys now and then, so that capacity drops are restored too.
#include <gtest/gtest.h>

#include <algorithm>
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
#include "runtime/ops/storage.h"
#include "runtime/ops/window_aggregate.h"
#include "operator_steps.h"

namespace {

namespace rt = vlac::rt;
using vlac::test::Step;
using vlac::test::StepsBuilder;

int64_t ld(const uint8_t* p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
void st(uint8_t* p, int64_t v) { std::memcpy(p, &v, 8); }

// Input rows (both policies): flags @0 (bit 0: the key string is NULL), key string @8 (a
// StringRef), key number @24, time @32, value @40, name @48 (a StringRef).
constexpr size_t kIn = 64;
constexpr int32_t kTimeAt = 32;
rt::StringRef ref_at(const uint8_t* p) {
  rt::StringRef s;
  std::memcpy(&s, p, sizeof s);
  return s;
}
std::string_view view(rt::StringRef s) { return s.size ? std::string_view(s.data, s.size) : std::string_view(); }

bool g_global = false;  // the global aggregate: the key kernel writes nothing

// Accumulators: count @0, sum @8, least time @16, greatest arrival @24, an order-sensitive hash
// @32 (merge order shows), and the greatest name (a STRING MAX) @40.

/// Hosted: keys (STRING NULL, INT64) and the name are StringRefs into the operator's arenas.
struct HostedStr {
  using Arena = rt::StringArena;
  static const rt::RowLayout& key_layout() {
    static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0}, {rt::FieldType::Int64, false, 0}});
    return l;
  }
  static const rt::RowLayout& acc_layout() {
    static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::Int64, false, 0},
                                                        {rt::FieldType::Int64, false, 0},
                                                        {rt::FieldType::Int64, false, 0},
                                                        {rt::FieldType::Int64, false, 0},
                                                        {rt::FieldType::Int64, false, 0},
                                                        {rt::FieldType::String, false, 0}});
    return l;
  }
  static constexpr uint32_t key_size = 32, acc_size = 56;
  static void key(const uint8_t* in, uint8_t* key) {
    const rt::RowLayout& k = key_layout();
    rt::put(key, k.fields[0], ref_at(in + 8));
    rt::set_null(key, k.fields[0], ld(in) & 1);
    rt::put(key, k.fields[1], ld(in + 24));
  }
  static std::string key_text(const uint8_t* key) {
    const rt::RowLayout& k = key_layout();
    std::string s = rt::is_null(key, k.fields[0]) ? "NULL" : "'" + std::string(view(rt::get<rt::StringRef>(key, k.fields[0]))) + "'";
    return s + "/" + std::to_string(rt::get<int64_t>(key, k.fields[1]));
  }
  static std::string_view name(const uint8_t* acc) { return view(rt::get<rt::StringRef>(acc, acc_layout().fields[5])); }
  static void set_name(uint8_t* acc, std::string_view v, Arena* arena) {
    const uint32_t n = static_cast<uint32_t>(v.size());
    rt::put(acc, acc_layout().fields[5], rt::StringRef{arena->copy(v.data(), n), n});
  }
};

/// Fixed: strings inline. Key: NULL flag @0, length @1, 14 bytes @2, number @16. Name: length
/// @40, 12 bytes @44.
struct FixedStr {
  using Arena = rt::NoArena;
  static constexpr uint32_t key_size = 24, acc_size = 56;
  static void key(const uint8_t* in, uint8_t* key) {
    key[0] = ld(in) & 1;
    const std::string_view s = view(ref_at(in + 8));
    key[1] = static_cast<uint8_t>(s.size());
    if (!key[0] && !s.empty()) std::memcpy(key + 2, s.data(), s.size());
    std::memcpy(key + 16, in + 24, 8);
  }
  static std::string key_text(const uint8_t* key) {
    std::string s = key[0] ? "NULL" : "'" + std::string(reinterpret_cast<const char*>(key + 2), key[1]) + "'";
    return s + "/" + std::to_string(ld(key + 16));
  }
  static std::string_view name(const uint8_t* acc) {
    uint32_t n;
    std::memcpy(&n, acc + 40, 4);
    return std::string_view(reinterpret_cast<const char*>(acc + 44), n);
  }
  static void set_name(uint8_t* acc, std::string_view v, Arena*) {
    const uint32_t n = static_cast<uint32_t>(v.size());
    std::memcpy(acc + 40, &n, 4);
    if (n) std::memcpy(acc + 44, v.data(), n);
  }
};

template <class P>
void key_of(const uint8_t* in, uint8_t* key) {
  if (!g_global) P::key(in, key);
}
template <class P>
void update(uint8_t* acc, const uint8_t* in, int64_t t, int64_t seq, typename P::Arena* arena) {
  const int64_t n = ld(acc);
  st(acc, n + 1);
  st(acc + 8, ld(acc + 8) + ld(in + 40));
  if (n == 0 || t < ld(acc + 16)) st(acc + 16, t);
  if (n == 0 || seq > ld(acc + 24)) st(acc + 24, seq);
  st(acc + 32, static_cast<int64_t>(static_cast<uint64_t>(ld(acc + 32)) * 31 + static_cast<uint64_t>(ld(in + 40))));
  const std::string_view name = view(ref_at(in + 48));
  if (n == 0 || name > P::name(acc)) P::set_name(acc, name, arena);
}
template <class P>
void merge(uint8_t* acc, const uint8_t* other, typename P::Arena* arena) {
  st(acc, ld(acc) + ld(other));
  st(acc + 8, ld(acc + 8) + ld(other + 8));
  st(acc + 16, std::min(ld(acc + 16), ld(other + 16)));
  st(acc + 24, std::max(ld(acc + 24), ld(other + 24)));
  st(acc + 32, static_cast<int64_t>(static_cast<uint64_t>(ld(acc + 32)) * 1000003 + static_cast<uint64_t>(ld(other + 32))));
  if (P::name(other) > P::name(acc)) P::set_name(acc, P::name(other), arena);
}
template <class P>
constexpr uint32_t out_bytes() {
  return P::key_size + 16 + P::acc_size;
}
template <class P>
void finalize(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out) {
  std::memcpy(out, key, P::key_size);
  st(out + P::key_size, start);
  st(out + P::key_size + 8, end);
  std::memcpy(out + P::key_size + 16, acc, P::acc_size);
}
/// An emitted row by value (its strings may live in state that goes away right after).
template <class P>
std::string describe(const uint8_t* row) {
  std::string s = P::key_text(row) + " [" + std::to_string(ld(row + P::key_size)) + "," + std::to_string(ld(row + P::key_size + 8)) + ")";
  const uint8_t* acc = row + P::key_size + 16;
  for (int i = 0; i < 5; ++i) s += " " + std::to_string(ld(acc + 8 * i));
  return s + " '" + std::string(P::name(acc)) + "'";
}

struct Sink {
  std::vector<std::string> rows;
};

rt::WindowAggregateKernels hosted_kernels() {
  rt::WindowAggregateKernels k;
  k.key = [](rt::ExecContext*, const uint8_t* in, uint8_t* key) { key_of<HostedStr>(in, key); };
  k.update = [](rt::ExecContext*, uint8_t* acc, const uint8_t* in, int64_t t, int64_t seq, rt::StringArena* a) {
    update<HostedStr>(acc, in, t, seq, a);
  };
  k.merge = [](rt::ExecContext*, uint8_t* acc, const uint8_t* other, rt::StringArena* a) { merge<HostedStr>(acc, other, a); };
  k.finalize = [](rt::ExecContext*, const uint8_t* key, const uint8_t* acc, int64_t s, int64_t e, uint8_t* out) {
    finalize<HostedStr>(key, acc, s, e, out);
  };
  k.emit = [](rt::ExecContext* ctx, const uint8_t* row) { static_cast<Sink*>(ctx->outputs[0])->rows.push_back(describe<HostedStr>(row)); };
  return k;
}

struct FixedKernels {
  static void key(Sink*, const uint8_t* in, uint8_t* key) { key_of<FixedStr>(in, key); }
  static void update(Sink*, uint8_t* acc, const uint8_t* in, int64_t t, int64_t seq, rt::NoArena* a) { ::update<FixedStr>(acc, in, t, seq, a); }
  static void merge(Sink*, uint8_t* acc, const uint8_t* other, rt::NoArena* a) { ::merge<FixedStr>(acc, other, a); }
  static void finalize(Sink*, const uint8_t* key, const uint8_t* acc, int64_t s, int64_t e, uint8_t* out) {
    ::finalize<FixedStr>(key, acc, s, e, out);
  }
  static void emit(Sink* sink, const uint8_t* row) { sink->rows.push_back(describe<FixedStr>(row)); }
};

constexpr uint64_t kMaxKeys = 12, kMaxOpen = 64, kMaxSessions = 4;

template <bool kSession, bool kSliced>
struct Dims : rt::OperatorDims {
  static constexpr size_t in_size = kIn, key_size = FixedStr::key_size, acc_size = FixedStr::acc_size, out_size = out_bytes<FixedStr>();
  static constexpr size_t max_keys = kMaxKeys, max_open_windows = kSession ? kMaxSessions : kMaxOpen;
  static constexpr bool session = kSession, sliced = kSliced;
};

/// One operator of a run with its output.
template <class Op>
struct Member {
  Sink sink;
  void* outputs[1] = {&sink};
  rt::ExecContext ctx;
  std::unique_ptr<Op> op{new Op()};
  Member() { ctx.outputs = outputs; }
};

struct Hosted {
  using Op = rt::HostedWindowAggregate;
  static void init(Member<Op>& m, rt::WindowAggregateConfig c) {
    c.key_size = HostedStr::key_size;
    c.acc_size = HostedStr::acc_size;
    c.out_size = out_bytes<HostedStr>();
    c.key_layout = &HostedStr::key_layout();
    c.acc_layout = &HostedStr::acc_layout();
    c.max_keys = kMaxKeys;
    c.max_open_windows = c.mode == rt::WindowMode::Session ? kMaxSessions : kMaxOpen;
    m.op->init(&m.ctx, c, hosted_kernels());
  }
};
template <bool kSession, bool kSliced>
struct Fixed {
  using Op = rt::WindowAggregate<Sink, FixedKernels, rt::FixedStorage<Dims<kSession, kSliced>>>;
  static void init(Member<Op>& m, const rt::WindowAggregateConfig& c) { m.op->init(&m.sink, c); }
};

/// The operators of one run: one, or an owner and the readers of its slices (window merging).
template <class Policy>
struct Group {
  using Op = typename Policy::Op;
  std::vector<std::unique_ptr<Member<Op>>> members;
  explicit Group(const std::vector<rt::WindowAggregateConfig>& configs) {
    for (const auto& c : configs) {
      members.push_back(std::make_unique<Member<Op>>());
      Policy::init(*members.back(), c);
    }
    for (size_t i = 1; i < members.size(); ++i) EXPECT_TRUE(members[i]->op->read_slices_of(members[0]->op->slice_store()));
  }
  void push(const uint8_t* row) { members[0]->op->push(row); }  // a reader gets no rows
  void advance(int64_t w) {
    for (auto& m : members) m->op->advance(w);
  }
  std::vector<uint8_t> save() const {
    std::vector<uint8_t> out;
    rt::StateWriter w(&out);
    for (const auto& m : members) {
      const size_t before = w.size();
      m->op->save_state(w);
      max_state = std::max(max_state, w.size() - before);
    }
    return out;
  }
  static inline size_t max_state = 0;  // the largest state one operator saved
  bool load(const std::vector<uint8_t>& bytes, size_t size) {
    rt::StateReader r(bytes.data(), size);
    for (auto& m : members)
      if (!m->op->load_state(r)) return false;
    return r.at_end();
  }
};

/// Times that mostly increase, disorder past the bound (late rows), the watermark max(time) -
/// bound, INT64_MAX at the end. Strings live in `pool` for the whole test.
std::vector<Step> make_steps(uint64_t seed, int n, std::deque<std::string>* pool) {
  std::mt19937_64 rng(seed);
  StepsBuilder steps(/*bound=*/4);
  int64_t now = -50;
  const int64_t disorder = 9;
  static const char* const kKeys[] = {"", "a", "bb", "ccc"};
  for (int i = 0; i < n; ++i) {
    now += static_cast<int64_t>(rng() % 4);
    if (rng() % 40 == 0) now += 30;
    int64_t t = now - static_cast<int64_t>(rng() % (disorder + 1));
    if (rng() % 60 == 0) t -= 40;  // late for every window
    std::vector<uint8_t> row(kIn, 0);
    st(row.data(), rng() % 9 == 0 ? 1 : 0);
    pool->push_back(kKeys[rng() % 4]);
    const rt::StringRef key{pool->back().data(), static_cast<uint32_t>(pool->back().size())};
    std::memcpy(row.data() + 8, &key, sizeof key);
    st(row.data() + 24, static_cast<int64_t>(rng() % 4));
    st(row.data() + 32, t);
    st(row.data() + 40, static_cast<int64_t>(rng() % 100));
    std::string name;
    for (uint64_t c = rng() % 7; c > 0; --c) name += static_cast<char>('a' + rng() % 26);
    pool->push_back(name);
    const rt::StringRef nm{pool->back().data(), static_cast<uint32_t>(pool->back().size())};
    std::memcpy(row.data() + 48, &nm, sizeof nm);
    steps.row(std::move(row), t);
  }
  return steps.finish();
}

template <class Policy>
void run(Group<Policy>& g, const std::vector<Step>& steps, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (steps[i].is_row) g.push(steps[i].row.data());
    else g.advance(steps[i].w);
  }
}

void expect_same_stats(const rt::OperatorStats& a, const rt::OperatorStats& b) {
  EXPECT_EQ(a.rows_in, b.rows_in);
  EXPECT_EQ(a.rows_out, b.rows_out);
  EXPECT_EQ(a.late_dropped, b.late_dropped);
  EXPECT_EQ(a.capacity_dropped, b.capacity_dropped);
  EXPECT_EQ(a.windows_updated, b.windows_updated);
}

/// What the runs of a test added up to: proof that they had output, late rows and drops.
struct Totals {
  uint64_t out = 0, late = 0, capacity = 0;
};

template <class Policy>
Totals check(const std::vector<rt::WindowAggregateConfig>& configs, uint64_t seed) {
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::deque<std::string> pool;
  const std::vector<Step> steps = make_steps(seed, 700, &pool);
  Group<Policy> reference(configs);
  run(reference, steps, 0, steps.size());

  // Saved and restored at several points in turn, each time from a destroyed original.
  std::mt19937_64 rng(seed * 7919);
  std::vector<size_t> points;
  for (int i = 0; i < 4; ++i) points.push_back(rng() % (steps.size() + 1));
  std::sort(points.begin(), points.end());
  std::vector<std::vector<std::string>> rows(configs.size());
  auto g = std::make_unique<Group<Policy>>(configs);
  size_t at = 0;
  for (size_t point : points) {
    run(*g, steps, at, point);
    at = point;
    const std::vector<uint8_t> bytes = g->save();
    for (size_t m = 0; m < configs.size(); ++m) {
      auto& out = g->members[m]->sink.rows;
      rows[m].insert(rows[m].end(), out.begin(), out.end());
    }
    g.reset();  // its arenas go: the restored state must own its strings
    {
      Group<Policy> truncated(configs);  // malformed (cut) bytes are refused
      EXPECT_FALSE(truncated.load(bytes, bytes.size() - 1 - rng() % std::min<size_t>(bytes.size(), 64)));
    }
    g = std::make_unique<Group<Policy>>(configs);
    EXPECT_TRUE(g->load(bytes, bytes.size())) << "at step " << point;
    const std::vector<uint8_t> again = g->save();
    if (again != bytes) {
      size_t d = 0;
      while (d < again.size() && d < bytes.size() && again[d] == bytes[d]) ++d;
      ADD_FAILURE() << "restored at step " << point << ", it saves other bytes: from byte " << d << " of " << bytes.size() << " / "
                    << again.size();
    }
  }
  run(*g, steps, at, steps.size());
  Totals totals;
  for (size_t m = 0; m < configs.size(); ++m) {
    SCOPED_TRACE(testing::Message() << "operator " << m);
    auto& out = g->members[m]->sink.rows;
    rows[m].insert(rows[m].end(), out.begin(), out.end());
    const auto& want = reference.members[m]->sink.rows;
    EXPECT_EQ(rows[m].size(), want.size());
    for (size_t i = 0; i < rows[m].size() && i < want.size(); ++i)
      if (rows[m][i] != want[i]) {
        ADD_FAILURE() << "row " << i << ": " << rows[m][i] << " instead of " << want[i];
        break;
      }
    expect_same_stats(g->members[m]->op->stats(), reference.members[m]->op->stats());
    const rt::OperatorStats& s = reference.members[m]->op->stats();
    totals.out += s.rows_out;
    totals.late += s.late_dropped;
    totals.capacity += s.capacity_dropped;
  }
  EXPECT_EQ(g->save(), reference.save());

  // Restored beside a living original: both go on alike, saving the same bytes all along.
  const size_t point = rng() % steps.size();
  Group<Policy> a(configs), b(configs);
  run(a, steps, 0, point);
  const std::vector<uint8_t> bytes = a.save();
  EXPECT_TRUE(b.load(bytes, bytes.size()));
  for (size_t i = point; i < steps.size(); i += 37) {
    const size_t to = std::min(steps.size(), i + 37);
    run(a, steps, i, to);
    run(b, steps, i, to);
    const std::vector<uint8_t> x = a.save(), y = b.save();
    if (x != y) {
      size_t d = 0;
      while (d < x.size() && d < y.size() && x[d] == y[d]) ++d;
      ADD_FAILURE() << "different states after step " << to << ": from byte " << d << " of " << x.size() << " / " << y.size();
      break;
    }
  }
  for (size_t m = 0; m < configs.size(); ++m) {
    const auto& ra = a.members[m]->sink.rows;
    const auto& rb = b.members[m]->sink.rows;
    EXPECT_LE(rb.size(), ra.size());
    if (rb.size() <= ra.size()) EXPECT_TRUE(std::equal(rb.begin(), rb.end(), ra.end() - static_cast<std::ptrdiff_t>(rb.size())));
  }
  return totals;
}

rt::WindowAggregateConfig cfg(rt::WindowMode mode, int64_t size, int64_t slide, int64_t offset, int64_t slice = 0) {
  rt::WindowAggregateConfig c;
  c.mode = mode;
  c.size = size;
  c.slide = slide;
  c.offset = offset;
  c.slice = slice;
  c.gap = mode == rt::WindowMode::Session ? size : 0;
  c.time_offset = kTimeAt;
  return c;
}

/// Each mode under both policies, over several seeds; returns the totals of both.
template <class FixedPolicy>
void check_both(const std::vector<rt::WindowAggregateConfig>& configs, bool expect_late = true) {
  Totals hosted, fixed;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    {
      SCOPED_TRACE("hosted");
      const Totals t = check<Hosted>(configs, seed);
      hosted.out += t.out, hosted.late += t.late, hosted.capacity += t.capacity;
    }
    {
      SCOPED_TRACE("fixed");
      const Totals t = check<FixedPolicy>(configs, seed);
      fixed.out += t.out, fixed.late += t.late, fixed.capacity += t.capacity;
    }
  }
  EXPECT_GT(hosted.out, 0u);
  EXPECT_GT(fixed.out, 0u);
  // A firmware class may size its snapshot buffer by its operators: a fixed state is never
  // larger than the operator (containers save at most what they hold; scratch is not saved).
  EXPECT_LE(Group<FixedPolicy>::max_state, sizeof(typename FixedPolicy::Op));
  if (expect_late) {
    EXPECT_GT(hosted.late, 0u);
    EXPECT_GT(fixed.late, 0u);
  }
}

using Windowed = Fixed<false, false>;
using Sliced = Fixed<false, true>;
using Sessions = Fixed<true, false>;

TEST(WindowAggregateState, Tumble) { check_both<Windowed>({cfg(rt::WindowMode::Tumble, 10, 0, 3)}); }
TEST(WindowAggregateState, Hop) { check_both<Windowed>({cfg(rt::WindowMode::Hop, 20, 5, 0)}); }
TEST(WindowAggregateState, Cumulate) { check_both<Windowed>({cfg(rt::WindowMode::Cumulate, 20, 5, 1)}); }
TEST(WindowAggregateState, SlicedHop) { check_both<Sliced>({cfg(rt::WindowMode::Hop, 20, 5, 2, 5)}); }
TEST(WindowAggregateState, SlicedCumulate) { check_both<Sliced>({cfg(rt::WindowMode::Cumulate, 20, 5, 1, 5)}); }
TEST(WindowAggregateState, MergedWindowsShareOneSliceStore) {
  check_both<Sliced>({cfg(rt::WindowMode::Hop, 20, 5, 0, 5), cfg(rt::WindowMode::Cumulate, 20, 5, 0, 5),
                      cfg(rt::WindowMode::Tumble, 10, 0, 0, 5)});
}
TEST(WindowAggregateState, Session) { check_both<Sessions>({cfg(rt::WindowMode::Session, 7, 0, 0)}); }
TEST(WindowAggregateState, GroupByAtEndOfInput) {
  Totals t = check<Hosted>({cfg(rt::WindowMode::EndOfInput, 0, 0, 0)}, 5);
  EXPECT_GT(t.capacity, 0u);  // more keys than max_keys
  check_both<Windowed>({cfg(rt::WindowMode::EndOfInput, 0, 0, 0)}, false);
}
TEST(WindowAggregateState, GlobalAggregate) {
  g_global = true;
  auto c = cfg(rt::WindowMode::EndOfInput, 0, 0, 0);
  c.global = true;
  check_both<Windowed>({c}, false);
  // Over no input: restored before any row, it still emits its one row.
  Group<Hosted> a({c});
  const auto bytes = a.save();
  Group<Hosted> b({c});
  EXPECT_TRUE(b.load(bytes, bytes.size()));
  b.advance(INT64_MAX);
  EXPECT_EQ(b.members[0]->sink.rows.size(), 1u);
  g_global = false;
}

TEST(WindowAggregateState, RefusesTheStateOfAnotherConfiguration) {
  Group<Hosted> hop({cfg(rt::WindowMode::Hop, 20, 5, 0)});
  const auto bytes = hop.save();
  Group<Hosted> tumble({cfg(rt::WindowMode::Tumble, 20, 0, 0)});
  EXPECT_FALSE(tumble.load(bytes, bytes.size()));
}

// ---- WindowAssign: its counters are its state.

TEST(WindowAssignState, CountersGoOn) {
  rt::WindowAssignConfig c;
  c.mode = rt::WindowMode::Hop;
  c.size = 20;
  c.slide = 5;
  c.time_offset = 0;
  c.in_size = 8;
  c.out_size = 32;
  c.window_start_offset = 8;
  rt::EmitKernels k;
  k.emit = [](rt::ExecContext*, const uint8_t*) {};
  rt::ExecContext ctx;
  rt::HostedWindowAssign a, b;
  a.init(&ctx, c, k);
  b.init(&ctx, c, k);
  for (int64_t t = 0; t < 10; ++t) a.push(reinterpret_cast<const uint8_t*>(&t));
  std::vector<uint8_t> bytes;
  rt::StateWriter w(&bytes);
  a.save_state(w);
  rt::StateReader r(bytes.data(), bytes.size());
  ASSERT_TRUE(b.load_state(r));
  EXPECT_TRUE(r.at_end());
  const int64_t t = 11;
  a.push(reinterpret_cast<const uint8_t*>(&t));
  b.push(reinterpret_cast<const uint8_t*>(&t));
  expect_same_stats(a.stats(), b.stats());
  EXPECT_EQ(b.stats().rows_in, 11u);
  EXPECT_EQ(b.stats().rows_out, 44u);  // HOP(20, 5): four windows per row
}

}  // namespace
