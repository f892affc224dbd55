// A dealt run (`--threads`, LANGUAGE.md §11, runtime/parallel/dealt_run.h) against one
// thread: a generated CSV file (STRING keys, possibly NULL, many or one hot key; disorder and late
// rows; quoted values with line breaks, so that guessed chunk starts can be wrong; malformed
// records) is read by a ParallelReader whose parser threads run a source "pipeline" (a filter,
// written here as generated code would be) and deal the rows out; the rows emitted must be, in
// order, those of one HostedWindowAggregate fed the same file by one reader, the watermark
// advanced after every row as the engine does, with the same counters, in every dealable mode
// (TUMBLE, HOP, CUMULATE, the last two also sliced, SESSION, GROUP BY without windows) at 2, 3
// and 4 partitions and several chunk sizes; and OVER (ROWS and RANGE frames, LAG) the same way.
// A window aggregate feeding further operators must also give each result to them at one
// thread's watermark (the rest's, when the result comes).
// Both also with the results formatted on the partitions' threads (DealtFormatting), and the
// source also writing the rows that pass its filter to a second output, formatted on the parser
// threads: both CSV files must be one thread's, byte for byte. The late rows (`--late`) must be
// one thread's, in one thread's order, with their watermarks. Also built under
// ThreadSanitizer (tests/tsan/).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "over_test_calls.h"
#include "runtime/exec_context.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/dealt_run.h"
#include "runtime/scalar/time_math.h"

namespace {

namespace rt = vlac::rt;

// The source rows, as read: k STRING NULL, t TIMESTAMP, v INT64, name STRING.
rt::SourceSpec spec() {
  rt::SourceSpec s;
  s.stream = "s";
  s.column_names = {"k", "t", "v", "name"};
  s.layout = rt::RowLayout::make({{rt::FieldType::String, true, 0},
                                  {rt::FieldType::Timestamp, false, 0},
                                  {rt::FieldType::Int64, false, 0},
                                  {rt::FieldType::String, true, 0}});
  return s;
}
const rt::RowLayout& in_layout() {
  static const rt::RowLayout l = spec().layout;
  return l;
}
const rt::Field& in(int i) { return in_layout().fields[static_cast<size_t>(i)]; }
const rt::RowLayout& key_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0}});
  return l;
}
// Accumulator: count, sum, an order-sensitive hash of the values.
const rt::RowLayout& acc_layout() {
  static const rt::RowLayout l = rt::RowLayout::make(
      {{rt::FieldType::Int64, false, 0}, {rt::FieldType::Int64, false, 0}, {rt::FieldType::Int64, false, 0}});
  return l;
}
const rt::Field& acc_field(int i) { return acc_layout().fields[static_cast<size_t>(i)]; }
// Output: a STRING with the key, the window and the accumulator (in the partition's scratch).
const rt::RowLayout& out_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, false, 0}});
  return l;
}

rt::WindowAggregateKernels kernels() {
  rt::WindowAggregateKernels k;
  k.key = [](rt::ExecContext*, const uint8_t* row, uint8_t* key) {
    const rt::Field& f = key_layout().fields[0];
    rt::set_null(key, f, rt::is_null(row, in(0)));
    if (!rt::is_null(row, in(0))) rt::put(key, f, rt::get<rt::StringRef>(row, in(0)));
  };
  k.update = [](rt::ExecContext*, uint8_t* acc, const uint8_t* row, int64_t, int64_t seq, rt::StringArena*) {
    const int64_t v = rt::get<int64_t>(row, in(2));
    rt::put(acc, acc_field(0), rt::get<int64_t>(acc, acc_field(0)) + 1);
    rt::put(acc, acc_field(1), rt::get<int64_t>(acc, acc_field(1)) + v);
    const uint64_t h = static_cast<uint64_t>(rt::get<int64_t>(acc, acc_field(2))) * 31 + static_cast<uint64_t>(v * 7 + seq);
    rt::put(acc, acc_field(2), static_cast<int64_t>(h));
  };
  k.merge = [](rt::ExecContext*, uint8_t* acc, const uint8_t* other, rt::StringArena*) {  // SESSION
    for (int i = 0; i < 2; ++i) rt::put(acc, acc_field(i), rt::get<int64_t>(acc, acc_field(i)) + rt::get<int64_t>(other, acc_field(i)));
    const uint64_t h = static_cast<uint64_t>(rt::get<int64_t>(acc, acc_field(2))) * 1000003 +
                       static_cast<uint64_t>(rt::get<int64_t>(other, acc_field(2)));
    rt::put(acc, acc_field(2), static_cast<int64_t>(h));
  };
  k.finalize = [](rt::ExecContext* ctx, const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out) {
    const rt::Field& f = key_layout().fields[0];
    std::string s = rt::is_null(key, f) ? "NULL" : "'" + std::string(rt::get<rt::StringRef>(key, f).data, rt::get<rt::StringRef>(key, f).size) + "'";
    s += " [" + std::to_string(start) + "," + std::to_string(end) + ")";
    for (int i = 0; i < 3; ++i) s += " " + std::to_string(rt::get<int64_t>(acc, acc_field(i)));
    char* text = ctx->scratch.alloc(static_cast<uint32_t>(s.size()));
    std::memcpy(text, s.data(), s.size());
    rt::put(out, out_layout().fields[0], rt::StringRef{text, static_cast<uint32_t>(s.size())});
  };
  k.emit = [](rt::ExecContext* ctx, const uint8_t* row) {
    const rt::StringRef s = rt::get<rt::StringRef>(row, out_layout().fields[0]);
    static_cast<std::vector<std::string>*>(ctx->outputs[0])->emplace_back(s.data, s.size);
  };
  return k;
}

// Feeding further operators: where the results go, each with the watermark the rest of the
// program stood at when it came (what the rest can see of the moments a result arrives at).
struct Fed {
  std::vector<std::string> rows;
  int64_t rest = INT64_MIN;  // the rest's watermark
};
void emit_fed(rt::ExecContext* ctx, const uint8_t* row) {
  auto* fed = static_cast<Fed*>(ctx->outputs[0]);
  const rt::StringRef s = rt::get<rt::StringRef>(row, out_layout().fields[0]);
  fed->rows.push_back("@" + std::to_string(fed->rest) + " " + std::string(s.data, s.size));
}

/// The rest of the program for a dealt run that feeds it: moves its watermark as the run asks,
/// the stand-in's results first (rt::DealtStandIn::advance), as an rt::Engine does.
class FedRest final : public rt::DealtReplay {
 public:
  explicit FedRest(Fed* fed) : fed_(fed) {}
  void raise_watermark(int64_t w) override {
    if (w <= fed_->rest) return;
    run->emit_until(w);
    fed_->rest = w;
  }
  void end_of_input() override { raise_watermark(INT64_MAX); }
  rt::DealtRunner* run = nullptr;

 private:
  Fed* fed_;
};

// The emit kernel of a program whose output is a file: it writes the row (as output_push does).
void write_row(rt::ExecContext* ctx, const uint8_t* row) { static_cast<rt::RowWriter*>(ctx->outputs[0])->write(row); }

/// The output file's writer: CSV, one column.
std::unique_ptr<rt::RowWriter> csv_writer(std::FILE* f) { return rt::make_row_writer(f, {"r"}, out_layout(), rt::WriterOptions{}); }
/// The second output's: the source's rows.
std::unique_ptr<rt::RowWriter> source_writer(std::FILE* f) {
  return rt::make_row_writer(f, spec().column_names, in_layout(), rt::WriterOptions{});
}

// The source's pipeline, as generated code is: a WHERE (v % 5 <> 0), then the push into the
// aggregate through the operator at ctx->operators[0] (a dealer on the parser threads).
bool passes(const uint8_t* row) { return rt::get<int64_t>(row, in(2)) % 5 != 0; }
void entry(rt::ExecContext* ctx, const uint8_t* row) {
  if (!passes(row)) return;
  auto* front = static_cast<rt::HostedWindowAggregate*>(ctx->operators[0]);
  if (front->dealing()) static_cast<rt::KeyDealer<rt::HostedWindowAggregate>*>(front->partitioned())->deal(row);
  else front->push(row);
}

constexpr int64_t kBound = 4;

/// `sliced`: HOP and CUMULATE computed from slices (the compiler's default), each window's
/// groups merged from its slices' by the order-sensitive merge above.
rt::WindowAggregateConfig config(rt::WindowMode mode, bool sliced = false) {
  rt::WindowAggregateConfig c;
  c.mode = mode;
  c.size = mode == rt::WindowMode::Tumble ? 10 : 12;
  c.slide = mode == rt::WindowMode::Hop ? 4 : 3;
  c.offset = 1;
  c.gap = 25;
  c.time_offset = static_cast<int32_t>(in(1).offset);
  c.key_size = key_layout().size;
  c.acc_size = acc_layout().size;
  c.out_size = out_layout().size;
  c.key_layout = &key_layout();
  c.acc_layout = &acc_layout();
  c.first_seq = true;
  if (sliced) c.slice = std::gcd(c.size, c.slide);
  return c;
}

using vlac::test::over_args_layout;
using vlac::test::over_calls;
using vlac::test::over_results_layout;

rt::OverKernels over_kernels() {
  rt::OverKernels k;
  k.key = kernels().key;
  k.args = [](rt::ExecContext*, const uint8_t* row, uint8_t* args) {
    rt::put(args, over_args_layout().fields[0], rt::get<int64_t>(row, in(2)));
  };
  k.finish = [](rt::ExecContext* ctx, const uint8_t* row, const uint8_t* results, uint8_t* out) {
    std::string s = rt::is_null(row, in(0)) ? "NULL" : std::string(rt::get<rt::StringRef>(row, in(0)).data, rt::get<rt::StringRef>(row, in(0)).size);
    s += " t=" + std::to_string(rt::get<int64_t>(row, in(1))) + " v=" + std::to_string(rt::get<int64_t>(row, in(2)));
    for (const rt::Field& f : over_results_layout().fields)
      s += rt::is_null(results, f) ? " NULL" : " " + std::to_string(rt::get<int64_t>(results, f));
    char* text = ctx->scratch.alloc(static_cast<uint32_t>(s.size()));
    std::memcpy(text, s.data(), s.size());
    rt::put(out, out_layout().fields[0], rt::StringRef{text, static_cast<uint32_t>(s.size())});
  };
  k.emit = kernels().emit;
  return k;
}

rt::OverConfig over_config() {
  rt::OverConfig c;
  c.time_offset = static_cast<int32_t>(in(1).offset);
  c.in_size = in_layout().size;
  c.key_size = key_layout().size;
  c.args_size = over_args_layout().size;
  c.results_size = over_results_layout().size;
  c.out_size = out_layout().size;
  c.input_layout = &in_layout();
  c.key_layout = &key_layout();
  c.calls = over_calls().data();
  c.num_calls = static_cast<uint32_t>(over_calls().size());
  return c;
}

// The source's pipeline into OVER: the same WHERE, then the push at ctx->operators[0].
void over_entry(rt::ExecContext* ctx, const uint8_t* row) {
  if (!passes(row)) return;
  auto* over = static_cast<rt::HostedOver*>(ctx->operators[0]);
  if (void* dealer = over->partitioned()) static_cast<rt::KeyDealer<rt::HostedOver>*>(dealer)->deal(row);
  else over->push(row);
}

// A program whose source also writes the rows that pass the WHERE to output 1 (`to_file`).
void entry_and_output(rt::ExecContext* ctx, const uint8_t* row) {
  if (passes(row)) static_cast<rt::RowWriter*>(ctx->outputs[1])->write(row);
  entry(ctx, row);
}
void over_entry_and_output(rt::ExecContext* ctx, const uint8_t* row) {
  if (passes(row)) static_cast<rt::RowWriter*>(ctx->outputs[1])->write(row);
  over_entry(ctx, row);
}

/// A CSV file of `n` records; `hot`: nine in ten have one key. Returns its path.
std::string generate(const std::string& path, uint64_t seed, int n, bool hot) {
  std::mt19937_64 rng(seed);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("k,t,v,name\n", f);
  int64_t now = -50;
  for (int i = 0; i < n; ++i) {
    now += static_cast<int64_t>(rng() % 3);
    int64_t t = now - static_cast<int64_t>(rng() % 10);
    if (rng() % 60 == 0) t -= 40;  // late for every window
    std::string key = rng() % 23 == 0 ? "" : hot && rng() % 10 != 0 ? "hot" : "k" + std::to_string(rng() % 300);
    if (rng() % 40 == 0) key = "\"q\n" + std::to_string(rng() % 5) + "\"";  // a key with a line break
    std::string name = rng() % 7 == 0 ? "\"a,\n\"\"b\"\"\"" : "n" + std::to_string(rng() % 9);
    if (rng() % 97 == 0) std::fprintf(f, "%s,notatime,1,x\n", key.c_str());  // malformed
    else if (rng() % 89 == 0) std::fprintf(f, "%s,%lld\n", key.c_str(), static_cast<long long>(t));  // too few fields
    else std::fprintf(f, "%s,%lld,%lld,%s\n", key.c_str(), static_cast<long long>(t), static_cast<long long>(rng() % 100), name.c_str());
  }
  std::fclose(f);
  return path;
}

struct Result {
  std::vector<std::string> rows;
  std::vector<std::string> late;  // `--late`: the rows dropped as late, in the order reported
  std::string text;         // written to a CSV file (`to_file`)
  std::string source_text;  // the source's rows, written to a second CSV file (`to_file`)
  rt::OperatorStats stats;
  std::vector<std::string> messages;
};

/// The two CSV files of a run `to_file`: the operator's results and the rows of the source.
struct OutputFiles {
  std::FILE* out = std::tmpfile();
  std::FILE* source_out = std::tmpfile();
  std::unique_ptr<rt::RowWriter> writer = csv_writer(out), source_rows = source_writer(source_out);
  /// Ends both writers and keeps what they wrote in `r`.
  void finish(Result* r) {
    writer->finish();
    source_rows->finish();
    r->text = rt::io_test::contents(out);
    r->source_text = rt::io_test::contents(source_out);
  }
  ~OutputFiles() {
    std::fclose(out);
    std::fclose(source_out);
  }
};

std::vector<std::string> lines_of(std::FILE* f) {
  std::vector<std::string> out;
  std::rewind(f);
  char buf[4096];
  while (std::fgets(buf, sizeof buf, f)) out.emplace_back(buf);
  return out;
}

/// What `--late` reports: the row's values and the watermark, appended to *user (a Result::late).
void log_late(void* user, int, const uint8_t* row, int64_t watermark) {
  auto text = [&](int i) {
    if (rt::is_null(row, in(i))) return std::string("NULL");
    const rt::StringRef s = rt::get<rt::StringRef>(row, in(i));
    return std::string(s.data, s.size);
  };
  static_cast<std::vector<std::string>*>(user)->push_back(text(0) + "|" + std::to_string(rt::get<int64_t>(row, in(1))) + "|" +
                                                          std::to_string(rt::get<int64_t>(row, in(2))) + "|" + text(3) + " @" +
                                                          std::to_string(watermark));
}

/// One reader, one operator, the watermark after every row: what the engine does on one thread.
/// `c`: the window aggregate's; OVER when `over`. `to_file`: the results are written to a CSV
/// file (Result::text).
Result one_thread(const std::string& path, const rt::WindowAggregateConfig& c, bool over = false, bool to_file = false,
                  bool feeding = false) {
  Result r;
  Fed fed;
  std::FILE* messages = std::tmpfile();
  rt::RejectSink sink(messages);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  auto reader = rt::open_csv_reader(path, file, spec(), sink);
  std::string error;
  EXPECT_TRUE(reader->open(&error)) << error;
  rt::ExecContext ctx;
  OutputFiles files;
  void* outputs[2] = {to_file ? static_cast<void*>(files.writer.get()) : feeding ? static_cast<void*>(&fed) : &r.rows,
                      files.source_rows.get()};
  rt::HostedWindowAggregate aggregate;
  rt::HostedOver over_op;
  void* operators[1] = {over ? static_cast<void*>(&over_op) : &aggregate};
  ctx.outputs = outputs;
  ctx.operators = operators;
  rt::OverKernels ok = over_kernels();
  rt::WindowAggregateKernels ak = kernels();
  if (to_file) ok.emit = ak.emit = write_row;
  if (feeding) ok.emit = ak.emit = emit_fed;
  if (over) over_op.init(&ctx, over_config(), ok);
  else aggregate.init(&ctx, c, ak);
  const rt::LateRows late{log_late, feeding ? &fed.rows : &r.late};  // feeding: where they come between the results
  if (over) over_op.set_late_rows(late);
  else aggregate.set_late_rows(late);
  auto advance = [&](int64_t w) {
    over ? over_op.advance(w) : aggregate.advance(w);
    fed.rest = w;  // the rest moves after the operator's results
  };
  std::vector<uint8_t> row(in_layout().size);
  int64_t max_time = INT64_MIN, watermark = INT64_MIN;
  while (reader->next(row.data())) {
    ctx.scratch.reset();
    if (to_file) (over ? over_entry_and_output : entry_and_output)(&ctx, row.data());
    else (over ? over_entry : entry)(&ctx, row.data());
    const int64_t t = rt::get<int64_t>(row.data(), in(1));
    if (t > max_time) {
      max_time = t;
      const int64_t w = rt::source_watermark(max_time, kBound);
      if (w > watermark) advance(watermark = w);
    }
  }
  advance(INT64_MAX);
  files.finish(&r);
  if (feeding) r.rows = fed.rows;
  r.stats = over ? over_op.stats() : aggregate.stats();
  reader.reset();
  std::fclose(file);
  r.messages = lines_of(messages);
  std::fclose(messages);
  return r;
}

/// `to_file`: the partitions format the results (DealtFormatting) for a CSV file.
/// `feeding`: the results feed further operators (FedRest), the late rows reported among them.
Result dealt(const std::string& path, const rt::WindowAggregateConfig& c, int partitions, uint64_t chunk_bytes, bool* split,
             bool over = false, bool to_file = false, bool feeding = false) {
  Result r;
  Fed fed;
  FedRest rest(&fed);
  std::FILE* messages = std::tmpfile();
  rt::RejectSink sink(messages);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  rt::ParallelReadOptions options;
  options.threads = partitions;
  options.chunk_bytes = chunk_bytes;
  const rt::SourceSpec s = spec();
  rt::ReaderFactory make = [&s, &path](std::FILE* f, rt::RejectSink& to) { return rt::open_csv_reader(path, f, s, to); };
  {
    rt::ParallelReader reader(path, file, s.layout, make, sink, options);
    std::string error;
    EXPECT_TRUE(reader.open(&error)) << error;
    *split = reader.split();
    rt::ExecContext ctx;
    OutputFiles files;
    void* outputs[2] = {to_file ? static_cast<void*>(files.writer.get()) : feeding ? static_cast<void*>(&fed) : &r.rows,
                        files.source_rows.get()};
    ctx.outputs = outputs;
    rt::DealtFormatting formatting;
    formatting.writers = {files.writer.get(), files.source_rows.get()};
    formatting.from_source = {false, true};
    formatting.make_formatter = [](size_t i) {
      return i == 0 ? std::make_unique<rt::RowFormatter>(std::vector<std::string>{"r"}, out_layout(), rt::WriterOptions{})
                    : std::make_unique<rt::RowFormatter>(spec().column_names, in_layout(), rt::WriterOptions{});
    };
    const rt::DealtFormatting* format = to_file ? &formatting : nullptr;
    rt::OverKernels ok = over_kernels();
    rt::WindowAggregateKernels ak = kernels();
    if (to_file) ok.emit = ak.emit = write_row;
    if (feeding) ok.emit = ak.emit = emit_fed;
    rt::DealtSource source;
    source.entry = to_file ? (over ? over_entry_and_output : entry_and_output) : over ? over_entry : entry;
    source.time_offset = static_cast<int32_t>(in(1).offset);
    source.bound_ns = kBound;
    source.outputs = to_file ? 2 : 1;
    source.late = rt::LateRows{log_late, feeding ? &fed.rows : &r.late};
    if (feeding) source.replay = &rest;
    std::unique_ptr<rt::DealtRunner> op;
    if (over) op = std::make_unique<rt::DealtOver>(&ctx, over_config(), ok, &in_layout(), &out_layout(), partitions, source, reader, format);
    else op = std::make_unique<rt::DealtAggregate>(&ctx, c, ak, &in_layout(), &out_layout(), partitions, source, reader, format);
    rest.run = op.get();
    if (*split) {
      EXPECT_TRUE(op->run(reader, nullptr));
      r.stats = op->stats();
      uint64_t rows = 0;
      for (uint64_t n : op->partition_rows()) rows += n;
      EXPECT_EQ(rows, r.stats.rows_in) << "the partitions took every row";
    }
    files.finish(&r);
    if (feeding) r.rows = fed.rows;
  }
  std::fclose(file);
  r.messages = lines_of(messages);
  std::fclose(messages);
  return r;
}

TEST(DealtAggregate, EmitsOneThreadsRowsInOrder) {
  const std::string dir = ::testing::TempDir();
  const rt::WindowAggregateConfig configs[] = {
      config(rt::WindowMode::Tumble),       config(rt::WindowMode::Hop),     config(rt::WindowMode::Hop, /*sliced=*/true),
      config(rt::WindowMode::Cumulate),     config(rt::WindowMode::Cumulate, /*sliced=*/true),
      config(rt::WindowMode::Session),      config(rt::WindowMode::EndOfInput)};
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    for (bool hot : {false, true}) {
      const std::string path = generate(dir + "/dealt_" + std::to_string(seed) + (hot ? "_hot" : "") + ".csv", seed, 6000, hot);
      for (const rt::WindowAggregateConfig& c : configs) {
        const Result want = one_thread(path, c);
        const Result want_file = one_thread(path, c, /*over=*/false, /*to_file=*/true);
        ASSERT_GT(want.rows.size(), 10u);
        // Every row and the header (keys hold line breaks: some rows are two lines).
        ASSERT_GE(std::count(want_file.text.begin(), want_file.text.end(), '\n'), static_cast<long>(want.rows.size() + 1));
        ASSERT_GT(want_file.source_text.size(), 10000u);
        if (c.mode != rt::WindowMode::EndOfInput) ASSERT_GT(want.stats.late_dropped, 0u);
        for (int partitions : {2, 3, 4}) {
          for (uint64_t chunk : {uint64_t{997}, uint64_t{16384}}) {
            const std::string what = "seed " + std::to_string(seed) + (hot ? " hot" : "") + ", mode " +
                                     std::to_string(static_cast<int>(c.mode)) + (c.slice ? " sliced" : "") + ", " +
                                     std::to_string(partitions) +
                                     " partitions, chunks of " + std::to_string(chunk);
            bool split = false;
            // Formatted on the partitions' threads in one of the two chunk sizes (each takes a run).
            const bool to_file = (chunk == 997) == (partitions % 2 == 0);
            const Result got = dealt(path, c, partitions, chunk, &split, /*over=*/false, to_file);
            ASSERT_TRUE(split) << what;
            if (to_file) EXPECT_EQ(got.text, want_file.text) << what << ", formatted";
            if (to_file) EXPECT_EQ(got.source_text, want_file.source_text) << what << ", the source's rows";
            else EXPECT_EQ(got.rows, want.rows) << what;
            EXPECT_EQ(got.messages, want.messages) << what;
            EXPECT_EQ(got.late, want.late) << what << ": --late, in arrival order";
            EXPECT_EQ(got.stats.rows_in, want.stats.rows_in) << what;
            EXPECT_EQ(got.stats.rows_out, want.stats.rows_out) << what;
            EXPECT_EQ(got.stats.late_dropped, want.stats.late_dropped) << what;
            EXPECT_EQ(got.stats.windows_updated, want.stats.windows_updated) << what;
          }
        }
      }
      std::filesystem::remove(path);
    }
  }
}

TEST(DealtAggregate, FeedsFurtherOperatorsAtOneThreadsWatermarks) {
  // Feeding further operators (rt::DealtReplay): every result must reach the rest of the program
  // when the rest stands at the watermark it stood at on one thread, the results in one
  // thread's order, and `--late`'s rows reported between them as on one thread (before the
  // firing of any row after theirs); windows on a grid (TUMBLE, HOP, CUMULATE, sliced or not)
  // GROUP BY without windows (every result at the end), SESSION and OVER (their results at any
  // nanosecond: every move of the watermark is a crossing).
  const std::string dir = ::testing::TempDir();
  const rt::WindowAggregateConfig configs[] = {
      config(rt::WindowMode::Tumble),   config(rt::WindowMode::Hop),     config(rt::WindowMode::Hop, /*sliced=*/true),
      config(rt::WindowMode::Cumulate), config(rt::WindowMode::Cumulate, /*sliced=*/true), config(rt::WindowMode::EndOfInput),
      config(rt::WindowMode::Session),  config(rt::WindowMode::Tumble)};  // the last: OVER (its config unused)
  for (uint64_t seed = 5; seed <= 6; ++seed) {
    for (bool hot : {false, true}) {
      const std::string path = generate(dir + "/dealt_fed_" + std::to_string(seed) + (hot ? "_hot" : "") + ".csv", seed, 6000, hot);
      for (const rt::WindowAggregateConfig& c : configs) {
        const bool over = &c == &configs[std::size(configs) - 1];
        const Result want = one_thread(path, c, over, /*to_file=*/false, /*feeding=*/true);
        ASSERT_GT(want.rows.size(), 10u);
        if (c.mode != rt::WindowMode::EndOfInput) ASSERT_GT(want.stats.late_dropped, 5u);
        if (c.mode != rt::WindowMode::EndOfInput) {  // results reach the rest at many watermarks
          std::vector<std::string> at;
          for (const std::string& row : want.rows) at.push_back(row.substr(0, row.find(' ')));
          ASSERT_GT(std::unique(at.begin(), at.end()) - at.begin(), 100);
        }
        for (int partitions : {2, 3}) {
          for (uint64_t chunk : {uint64_t{997}, uint64_t{16384}}) {
            const std::string what = "seed " + std::to_string(seed) + (hot ? " hot" : "") +
                                     (over ? std::string(", OVER") : ", mode " + std::to_string(static_cast<int>(c.mode))) +
                                     (c.slice ? " sliced" : "") + ", " + std::to_string(partitions) + " partitions, chunks of " +
                                     std::to_string(chunk);
            bool split = false;
            const Result got = dealt(path, c, partitions, chunk, &split, over, /*to_file=*/false, /*feeding=*/true);
            ASSERT_TRUE(split) << what;
            EXPECT_EQ(got.rows, want.rows) << what;
            EXPECT_EQ(got.messages, want.messages) << what;
            EXPECT_EQ(got.stats.rows_out, want.stats.rows_out) << what;
            EXPECT_EQ(got.stats.late_dropped, want.stats.late_dropped) << what;
          }
        }
      }
      std::filesystem::remove(path);
    }
  }
}

TEST(DealtAggregate, OverEmitsOneThreadsRowsInOrder) {
  const std::string dir = ::testing::TempDir();
  for (uint64_t seed = 3; seed <= 4; ++seed) {
    for (bool hot : {false, true}) {
      const std::string path = generate(dir + "/dealt_over_" + std::to_string(seed) + (hot ? "_hot" : "") + ".csv", seed, 6000, hot);
      const Result want = one_thread(path, config(rt::WindowMode::Tumble), /*over=*/true);
      const Result want_file = one_thread(path, config(rt::WindowMode::Tumble), /*over=*/true, /*to_file=*/true);
      ASSERT_GT(want.rows.size(), 1000u);
      // Every row and the header (keys hold line breaks: some rows are two lines).
      ASSERT_GE(std::count(want_file.text.begin(), want_file.text.end(), '\n'), static_cast<long>(want.rows.size() + 1));
      ASSERT_GT(want_file.source_text.size(), 10000u);
      ASSERT_GT(want.stats.late_dropped, 0u);
      for (int partitions : {2, 3, 4}) {
        for (uint64_t chunk : {uint64_t{997}, uint64_t{16384}}) {
          const std::string what = "seed " + std::to_string(seed) + (hot ? " hot" : "") + ", " + std::to_string(partitions) +
                                   " partitions, chunks of " + std::to_string(chunk);
          bool split = false;
          const bool to_file = (chunk == 997) == (partitions % 2 == 0);
          const Result got = dealt(path, config(rt::WindowMode::Tumble), partitions, chunk, &split, /*over=*/true, to_file);
          ASSERT_TRUE(split) << what;
          if (to_file) EXPECT_EQ(got.text, want_file.text) << what << ", formatted";
          if (to_file) EXPECT_EQ(got.source_text, want_file.source_text) << what << ", the source's rows";
          else EXPECT_EQ(got.rows, want.rows) << what;
          EXPECT_EQ(got.messages, want.messages) << what;
          EXPECT_EQ(got.late, want.late) << what << ": --late, in arrival order";
          EXPECT_EQ(got.stats.rows_in, want.stats.rows_in) << what;
          EXPECT_EQ(got.stats.rows_out, want.stats.rows_out) << what;
          EXPECT_EQ(got.stats.late_dropped, want.stats.late_dropped) << what;
          EXPECT_GE(got.stats.peak_buffered, want.stats.peak_buffered) << what << ": the partitions' peaks add up to at least one thread's";
        }
      }
      std::filesystem::remove(path);
    }
  }
}

}  // namespace
