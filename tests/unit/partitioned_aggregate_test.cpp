// The keyed window aggregate in partitions (`--threads`, LANGUAGE.md §11,
// runtime/parallel/partitioned_aggregate.h) against the same operator on one thread: random
// runs (STRING keys, possibly NULL, that are many or one hot key; disorder; late rows, which
// `--late` must report in one thread's order; a STRING MAX accumulator) in every partitionable
// mode (SESSION included; HOP and CUMULATE also sliced, whose slice merges are order-sensitive
// here), at 2, 3 and 4 partitions,
// must emit the same rows in the same order with the same counters. A snapshot taken in partitions must hold the
// bytes one thread saves at the same row, and restore into another partition count (and into
// one thread) to go on as one uninterrupted run. The same for an operator gathered back onto the
// run's thread after its first firings, and for one tried on the run's thread and then taken
// back by its partitions (the trial's outcome fixed, as its measured speed is not). Also built
// under ThreadSanitizer (tests/tsan/).
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
#include "runtime/parallel/partitioned_aggregate.h"
#include "late_log.h"
#include "operator_steps.h"
#include "partition_policies.h"

namespace {

namespace rt = vlac::rt;
using vlac::test::Step;
using vlac::test::StepsBuilder;

// Input: k STRING NULL, t TIMESTAMP, v INT64, name STRING.
const rt::RowLayout& in_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0},
                                                      {rt::FieldType::Timestamp, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::String, false, 0}});
  return l;
}
const rt::RowLayout& key_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0}});
  return l;
}
// Accumulator: count, sum, an order-sensitive hash of the values, MAX(name).
const rt::RowLayout& acc_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::String, false, 0}});
  return l;
}
// Output: a pointer to the row's text (8 bytes), taken back by emit.
const rt::RowLayout& out_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::Int64, false, 0}});
  return l;
}
const rt::Field& in(int i) { return in_layout().fields[static_cast<size_t>(i)]; }
const rt::Field& acc_field(int i) { return acc_layout().fields[static_cast<size_t>(i)]; }
std::string_view view(rt::StringRef s) { return s.size ? std::string_view(s.data, s.size) : std::string_view(); }

struct Sink {
  std::vector<std::string> rows;
};

rt::WindowAggregateKernels kernels() {
  rt::WindowAggregateKernels k;
  k.key = [](rt::ExecContext*, const uint8_t* row, uint8_t* key) {
    const rt::Field& f = key_layout().fields[0];
    rt::set_null(key, f, rt::is_null(row, in(0)));
    if (!rt::is_null(row, in(0))) rt::put(key, f, rt::get<rt::StringRef>(row, in(0)));
  };
  k.update = [](rt::ExecContext*, uint8_t* acc, const uint8_t* row, int64_t, int64_t, rt::StringArena* arena) {
    const int64_t n = rt::get<int64_t>(acc, acc_field(0)), v = rt::get<int64_t>(row, in(2));
    rt::put(acc, acc_field(0), n + 1);
    rt::put(acc, acc_field(1), rt::get<int64_t>(acc, acc_field(1)) + v);
    rt::put(acc, acc_field(2), static_cast<int64_t>(static_cast<uint64_t>(rt::get<int64_t>(acc, acc_field(2))) * 31 + static_cast<uint64_t>(v)));
    const rt::StringRef name = rt::get<rt::StringRef>(row, in(3));
    if (n == 0 || view(name) > view(rt::get<rt::StringRef>(acc, acc_field(3))))
      rt::put(acc, acc_field(3), rt::StringRef{arena->copy(name.data, name.size), name.size});
  };
  k.merge = [](rt::ExecContext*, uint8_t* acc, const uint8_t* other, rt::StringArena* arena) {  // SESSION, slices
    rt::put(acc, acc_field(0), rt::get<int64_t>(acc, acc_field(0)) + rt::get<int64_t>(other, acc_field(0)));
    rt::put(acc, acc_field(1), rt::get<int64_t>(acc, acc_field(1)) + rt::get<int64_t>(other, acc_field(1)));
    rt::put(acc, acc_field(2), static_cast<int64_t>(static_cast<uint64_t>(rt::get<int64_t>(acc, acc_field(2))) * 1000003 +
                                                    static_cast<uint64_t>(rt::get<int64_t>(other, acc_field(2)))));
    const rt::StringRef name = rt::get<rt::StringRef>(other, acc_field(3));
    if (view(name) > view(rt::get<rt::StringRef>(acc, acc_field(3))))
      rt::put(acc, acc_field(3), rt::StringRef{arena->copy(name.data, name.size), name.size});
  };
  // Output: the key's text, the window and the accumulator's values, by value.
  k.finalize = [](rt::ExecContext*, const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out) {
    const rt::Field& f = key_layout().fields[0];
    std::string s = rt::is_null(key, f) ? "NULL" : "'" + std::string(view(rt::get<rt::StringRef>(key, f))) + "'";
    s += " [" + std::to_string(start) + "," + std::to_string(end) + ")";
    for (int i = 0; i < 3; ++i) s += " " + std::to_string(rt::get<int64_t>(acc, acc_field(i)));
    s += " " + std::string(view(rt::get<rt::StringRef>(acc, acc_field(3))));
    auto* text = new std::string(std::move(s));  // taken back by emit
    std::memcpy(out, &text, sizeof text);
  };
  k.emit = [](rt::ExecContext* ctx, const uint8_t* row) {
    std::string* text;
    std::memcpy(&text, row, sizeof text);
    static_cast<Sink*>(ctx->outputs[0])->rows.push_back(std::move(*text));
    delete text;
  };
  return k;
}

/// A mode, and for HOP and CUMULATE whether its windows are computed from slices.
struct Mode {
  rt::WindowMode mode;
  bool sliced = false;
};

std::string name(Mode m) { return "mode " + std::to_string(static_cast<int>(m.mode)) + (m.sliced ? " sliced" : ""); }

rt::WindowAggregateConfig config(Mode m) {
  const rt::WindowMode mode = m.mode;
  rt::WindowAggregateConfig c;
  c.mode = mode;
  c.size = mode == rt::WindowMode::Tumble ? 10 : 12;
  c.slide = mode == rt::WindowMode::Hop ? 4 : 3;
  c.offset = 1;
  c.gap = 25;  // SESSION: a hot key's rows make long sessions, the others' short ones
  c.time_offset = static_cast<int32_t>(in(1).offset);
  c.key_size = key_layout().size;
  c.acc_size = acc_layout().size;
  c.out_size = 8;
  c.key_layout = &key_layout();
  c.acc_layout = &acc_layout();
  c.first_seq = true;
  if (m.sliced) c.slice = mode == rt::WindowMode::Hop ? 4 : 3;  // gcd(size, slide), the CUMULATE step
  return c;
}

/// Times that mostly increase, disorder past the bound (late rows), the watermark max(time) -
/// bound, INT64_MAX at the end. `hot`: nine rows in ten have one key. Strings live in `pool`.
std::vector<Step> make_steps(uint64_t seed, int n, bool hot, std::deque<std::string>* pool) {
  std::mt19937_64 rng(seed);
  StepsBuilder steps(/*bound=*/4);
  int64_t now = -50;
  const int64_t disorder = 9;
  for (int i = 0; i < n; ++i) {
    now += static_cast<int64_t>(rng() % 3);
    int64_t t = now - static_cast<int64_t>(rng() % (disorder + 1));
    if (rng() % 60 == 0) t -= 40;  // late for every window
    std::vector<uint8_t> row(in_layout().size, 0);
    const bool null_key = rng() % 23 == 0;
    rt::set_null(row.data(), in(0), null_key);
    pool->push_back(hot && rng() % 10 != 0 ? "hot" : "k" + std::to_string(rng() % 300));
    if (!null_key) rt::put(row.data(), in(0), rt::StringRef{pool->back().data(), static_cast<uint32_t>(pool->back().size())});
    rt::put(row.data(), in(1), t);
    rt::put(row.data(), in(2), static_cast<int64_t>(rng() % 100));
    std::string name;
    for (uint64_t c = rng() % 6; c > 0; --c) name += static_cast<char>('a' + rng() % 26);
    pool->push_back(name);
    rt::put(row.data(), in(3), rt::StringRef{pool->back().data(), static_cast<uint32_t>(pool->back().size())});
    steps.row(std::move(row), t);
  }
  return steps.finish();
}

using vlac::test::kGathered;
using vlac::test::kGatheredAfterTrial;
using vlac::test::kNeverGathered;
using vlac::test::kSplitAfterTrial;

/// One thread's operator or a partitioned one, with its own output and late rows.
struct Aggregation {
  Sink sink;
  std::vector<vlac::test::LateRow> late;
  void* outputs[1] = {&sink};
  rt::ExecContext ctx;
  std::unique_ptr<rt::StatefulOperator> op;
  Aggregation(Mode mode, int partitions, const rt::PartitionPolicy& policy = kNeverGathered) {
    ctx.outputs = outputs;
    if (partitions > 1) {
      op = std::make_unique<rt::PartitionedWindowAggregate>(&ctx, config(mode), kernels(), &in_layout(), &out_layout(), partitions, policy);
    } else {
      auto one = std::make_unique<rt::EngineOperatorOf<rt::HostedWindowAggregate>>();
      one->op.init(&ctx, config(mode), kernels());
      op = std::move(one);
    }
    vlac::test::log_late_rows(*op, &late);
  }
  void push(const uint8_t* row) {
    auto* front = static_cast<rt::HostedWindowAggregate*>(op->target());
    if (void* p = front->partitioned()) static_cast<rt::PartitionedWindowAggregate*>(p)->push(row);
    else front->push(row);
  }
  void play(const std::vector<Step>& steps, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (steps[i].is_row) push(steps[i].row.data());
      else op->advance(steps[i].w);
    }
  }
  std::vector<uint8_t> save() const {
    std::vector<uint8_t> bytes;
    rt::StateWriter w(&bytes);
    op->save_state(w);
    return bytes;
  }
};

void expect_same_stats(const rt::OperatorStats& a, const rt::OperatorStats& b) {
  EXPECT_EQ(a.rows_in, b.rows_in);
  EXPECT_EQ(a.rows_out, b.rows_out);
  EXPECT_EQ(a.late_dropped, b.late_dropped);
  EXPECT_EQ(a.windows_updated, b.windows_updated);
}

constexpr Mode kModes[] = {{rt::WindowMode::Tumble},          {rt::WindowMode::Hop},     {rt::WindowMode::Cumulate},
                           {rt::WindowMode::Hop, true},     {rt::WindowMode::Cumulate, true}, {rt::WindowMode::Session},
                           {rt::WindowMode::EndOfInput}};

TEST(PartitionedAggregate, EmitsWhatOneThreadEmits) {
  uint64_t late = 0, out = 0;
  for (Mode mode : kModes)
    for (bool hot : {false, true})
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        std::deque<std::string> pool;
        const std::vector<Step> steps = make_steps(seed * 7 + (hot ? 100 : 0), 3000, hot, &pool);
        Aggregation one(mode, 1);
        one.play(steps, 0, steps.size());
        late += one.op->stats().late_dropped;
        out += one.op->stats().rows_out;
        for (int partitions : {2, 3, 4}) {
          SCOPED_TRACE(name(mode) + (hot ? " hot" : " many") + " seed " +
                       std::to_string(seed) + " partitions " + std::to_string(partitions));
          Aggregation many(mode, partitions);
          many.play(steps, 0, steps.size());
          EXPECT_EQ(many.sink.rows, one.sink.rows);
          EXPECT_EQ(many.late, one.late);  // --late: the same rows in the same order
          expect_same_stats(many.op->stats(), one.op->stats());
          // Gathered onto one thread after its first 8 firings (these fire every few rows):
          // the same rows too.
          Aggregation gathered(mode, partitions, kGathered);
          gathered.play(steps, 0, steps.size());
          EXPECT_EQ(gathered.sink.rows, one.sink.rows);
          EXPECT_EQ(gathered.late, one.late);
          expect_same_stats(gathered.op->stats(), one.op->stats());
          if (mode.mode != rt::WindowMode::EndOfInput)
            EXPECT_TRUE(static_cast<rt::PartitionedWindowAggregate*>(gathered.op.get())->gathered());
          // Tried on the run's thread, then kept there or taken back by the partitions.
          for (const rt::PartitionPolicy& trial : {kSplitAfterTrial, kGatheredAfterTrial}) {
            Aggregation tried(mode, partitions, trial);
            tried.play(steps, 0, steps.size());
            EXPECT_EQ(tried.sink.rows, one.sink.rows);
            EXPECT_EQ(tried.late, one.late);
            expect_same_stats(tried.op->stats(), one.op->stats());
            const auto* p = static_cast<rt::PartitionedWindowAggregate*>(tried.op.get());
            const bool split = trial.trial == rt::PartitionPolicy::Trial::Partitions;
            EXPECT_EQ(p->split_after_trial(), split);
            EXPECT_EQ(p->gathered(), !split);
            // Every row went to a partition or, while gathered for the trial (and after it,
            // when the trial kept it there), to the run's thread.
            uint64_t total = p->rows_gathered();
            EXPECT_GT(p->rows_gathered(), 0u);
            for (uint64_t n : p->partition_rows()) total += n;
            EXPECT_EQ(total, one.op->stats().rows_in);
          }
          // Every row reached a partition, and with many keys each partition had some.
          const auto rows = static_cast<rt::PartitionedWindowAggregate*>(many.op.get())->partition_rows();
          uint64_t total = 0;
          for (uint64_t n : rows) {
            total += n;
            if (!hot) EXPECT_GT(n, 0u);
          }
          EXPECT_EQ(total, one.op->stats().rows_in);
        }
      }
  EXPECT_GT(late, 0u);  // the runs had late rows and output
  EXPECT_GT(out, 0u);
}

TEST(PartitionedAggregate, SnapshotRestoresIntoAnyPartitionCount) {
  for (Mode mode : kModes)
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::deque<std::string> pool;
      const std::vector<Step> steps = make_steps(seed * 11, 2000, seed == 2, &pool);
      Aggregation whole(mode, 1);
      whole.play(steps, 0, steps.size());
      for (int from : {1, 2, 3})
        for (int to : {1, 2, 4}) {
          SCOPED_TRACE(name(mode) + " seed " + std::to_string(seed) + " " +
                       std::to_string(from) + " -> " + std::to_string(to) + " partitions");
          const size_t cut = steps.size() * (static_cast<size_t>(from + to) % 5 + 1) / 7;
          std::vector<uint8_t> bytes;
          std::vector<std::string> before;
          {
            // Seed 2: saved once taken back by the partitions after a trial; 3: once gathered.
            Aggregation first(mode, from, seed == 3 ? kGathered : seed == 2 ? kSplitAfterTrial : kNeverGathered);
            first.play(steps, 0, cut);
            bytes = first.save();
            Aggregation one(mode, 1);  // the bytes one thread saves at the same row
            one.play(steps, 0, cut);
            // (SESSION: the same sessions, but key ids and the heap of session ends are made
            // afresh; sliced: the same slices and FIFO, but its tables' groups in another order
            // and the bookkeeping of when next to fire as of the last firing; so only the rows
            // after the restore can tell.)
            if (mode.mode != rt::WindowMode::Session && !mode.sliced) EXPECT_EQ(bytes, one.save());
            before = first.sink.rows;
          }  // destroyed: the restored state must hold its own strings
          Aggregation second(mode, to);
          rt::StateReader r(bytes.data(), bytes.size());
          ASSERT_TRUE(second.op->load_state(r));
          EXPECT_TRUE(r.at_end());
          second.play(steps, cut, steps.size());
          before.insert(before.end(), second.sink.rows.begin(), second.sink.rows.end());
          EXPECT_EQ(before, whole.sink.rows);
          expect_same_stats(second.op->stats(), whole.op->stats());
        }
    }
}

}  // namespace
