// A formatted run (`--threads`, LANGUAGE.md §11, runtime/parallel/formatted_run.h) against one
// thread: a generated CSV file (STRING values, possibly NULL or empty, with commas, quotes and
// line breaks, so that guessed chunk starts can be wrong; malformed records) is read by a
// ParallelReader whose parser threads run the source's "pipelines" (two filters, each into an
// output, written here as generated code would be) and format the rows; the bytes of both
// outputs and the reject messages must be those of one reader and two writers, in CSV and JSON
// Lines, with timestamps as ISO-8601 and as nanoseconds, at 2, 3 and 4 threads and several chunk
// sizes. Also built under ThreadSanitizer (tests/tsan/).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "runtime/exec_context.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/parallel/formatted_run.h"

namespace {

namespace rt = vlac::rt;

// The source rows, as read: k STRING NULL, t TIMESTAMP, v INT64, x FLOAT64.
rt::SourceSpec spec() {
  rt::SourceSpec s;
  s.stream = "s";
  s.column_names = {"k", "t", "v", "x"};
  s.layout = rt::RowLayout::make({{rt::FieldType::String, true, 0},
                                  {rt::FieldType::Timestamp, false, 0},
                                  {rt::FieldType::Int64, false, 0},
                                  {rt::FieldType::Float64, true, 0}});
  return s;
}
const rt::RowLayout& layout() {
  static const rt::RowLayout l = spec().layout;
  return l;
}

// The source's pipelines, as generated code is: WHERE v % 5 <> 0 into output 0, WHERE v % 3 = 0
// into output 1 (through the writers at ctx->outputs).
void entry(rt::ExecContext* ctx, const uint8_t* row) {
  const int64_t v = rt::get<int64_t>(row, layout().fields[2]);
  if (v % 5 != 0) static_cast<rt::RowWriter*>(ctx->outputs[0])->write(row);
  if (v % 3 == 0) static_cast<rt::RowWriter*>(ctx->outputs[1])->write(row);
}

/// A CSV file of `n` records. Returns its path.
std::string generate(const std::string& path, uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("k,t,v,x\n", f);
  for (int i = 0; i < n; ++i) {
    std::string k = rng() % 13 == 0 ? "" : rng() % 17 == 0 ? "\"\"" : "k" + std::to_string(rng() % 300);
    if (rng() % 29 == 0) k = "\"a,\n\"\"b\"\"" + std::to_string(rng() % 5) + "\"";  // a line break, a quote, a comma
    const long long t = 1700000000000000000LL + static_cast<long long>(i) * 1000003 + static_cast<long long>(rng() % 1000);
    const std::string x = rng() % 11 == 0 ? "" : std::to_string(static_cast<double>(rng() % 100000) / 7.0);
    if (rng() % 97 == 0) std::fprintf(f, "%s,notatime,1,2\n", k.c_str());  // malformed
    else if (rng() % 89 == 0) std::fprintf(f, "%s,%lld\n", k.c_str(), t);  // too few fields
    else std::fprintf(f, "%s,%lld,%lld,%s\n", k.c_str(), t, static_cast<long long>(rng() % 100), x.c_str());
  }
  std::fclose(f);
  return path;
}

struct Result {
  std::string outputs[2];
  std::string messages;
};

/// Runs `body` with the two outputs' writers and a reject sink; their bytes.
template <class Body>
Result with_outputs(const rt::WriterOptions& options, Body body) {
  Result r;
  std::FILE* files[2] = {std::tmpfile(), std::tmpfile()};
  std::FILE* messages = std::tmpfile();
  {
    rt::RejectSink sink(messages);
    std::unique_ptr<rt::RowWriter> writers[2];
    for (int i = 0; i < 2; ++i) writers[i] = rt::make_row_writer(files[i], spec().column_names, layout(), options);
    body(writers, sink);
    for (auto& w : writers) w->finish();
  }
  for (int i = 0; i < 2; ++i) {
    r.outputs[i] = rt::io_test::contents(files[i]);
    std::fclose(files[i]);
  }
  r.messages = rt::io_test::contents(messages);
  std::fclose(messages);
  return r;
}

/// One reader, the pipelines on every row, the writers formatting: what the engine does.
Result one_thread(const std::string& path, const rt::WriterOptions& options) {
  return with_outputs(options, [&](std::unique_ptr<rt::RowWriter>* writers, rt::RejectSink& sink) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    auto reader = rt::open_csv_reader(path, file, spec(), sink);
    std::string error;
    EXPECT_TRUE(reader->open(&error)) << error;
    rt::ExecContext ctx;
    void* outputs[2] = {writers[0].get(), writers[1].get()};
    ctx.outputs = outputs;
    std::vector<uint8_t> row(layout().size);
    while (reader->next(row.data())) {
      ctx.scratch.reset();
      entry(&ctx, row.data());
    }
    reader.reset();
    std::fclose(file);
  });
}

Result formatted(const std::string& path, const rt::WriterOptions& options, int threads, uint64_t chunk_bytes, bool* split) {
  return with_outputs(options, [&](std::unique_ptr<rt::RowWriter>* writers, rt::RejectSink& sink) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    rt::ParallelReadOptions parallel;
    parallel.threads = threads;
    parallel.chunk_bytes = chunk_bytes;
    const rt::SourceSpec s = spec();
    rt::ReaderFactory make = [&s, &path](std::FILE* f, rt::RejectSink& to) { return rt::open_csv_reader(path, f, s, to); };
    {
      rt::ParallelReader reader(path, file, s.layout, make, sink, parallel);
      std::string error;
      EXPECT_TRUE(reader.open(&error)) << error;
      *split = reader.split();
      rt::FormattedSource source;
      source.entry = entry;
      rt::FormattedRun run(source, {writers[0].get(), writers[1].get()},
                           [&](size_t) { return std::make_unique<rt::RowFormatter>(s.column_names, s.layout, options); },
                           reader);
      if (*split) EXPECT_TRUE(run.run(reader, nullptr));
    }
    std::fclose(file);
  });
}

TEST(FormattedRun, WritesOneThreadsBytes) {
  const std::string path = generate(::testing::TempDir() + "/formatted_run.csv", 7, 6000);
  for (const rt::OutputFormat format : {rt::OutputFormat::Csv, rt::OutputFormat::Jsonl}) {
    for (const bool ns : {false, true}) {
      rt::WriterOptions options;
      options.format = format;
      options.timestamps_ns = ns;
      const Result want = one_thread(path, options);
      ASSERT_GT(want.outputs[0].size(), 100000u);
      ASSERT_NE(want.messages, "");  // the malformed records are reported
      for (const int threads : {2, 3, 4}) {
        for (const uint64_t chunk : {97ull, 4096ull, 65536ull}) {
          SCOPED_TRACE("format " + std::to_string(static_cast<int>(format)) + ", ns " + std::to_string(ns) + ", threads " +
                       std::to_string(threads) + ", chunks of " + std::to_string(chunk));
          bool split = false;
          const Result got = formatted(path, options, threads, chunk, &split);
          ASSERT_TRUE(split);
          EXPECT_TRUE(got.outputs[0] == want.outputs[0]);
          EXPECT_TRUE(got.outputs[1] == want.outputs[1]);
          EXPECT_EQ(got.messages, want.messages);
        }
      }
    }
  }
}

TEST(RowFormatter, FormatsAsTheWriterWithoutTheHeader) {
  // Formatted bytes written through write_formatted() are what write() of the rows gives.
  rt::WriterOptions options;
  std::FILE* direct = std::tmpfile();
  std::FILE* via = std::tmpfile();
  auto a = rt::make_row_writer(direct, spec().column_names, layout(), options);
  auto b = rt::make_row_writer(via, spec().column_names, layout(), options);
  ASSERT_TRUE(b->takes_formatted());
  rt::RowFormatter formatter(spec().column_names, layout(), options);
  std::vector<uint8_t> row(layout().size, 0);
  rt::set_null(row.data(), layout().fields[0], true);
  rt::put(row.data(), layout().fields[1], int64_t{1700000000123456789});
  rt::put(row.data(), layout().fields[2], int64_t{-4});
  rt::put(row.data(), layout().fields[3], 0.1);
  for (int i = 0; i < 3; ++i) {
    a->write(row.data());
    formatter.writer()->write(row.data());
  }
  // By hand: NULL empty, 1,700,000,000 s after the epoch, the shortest double.
  const std::string line = ",2023-11-14T22:13:20.123456789Z,-4,0.1\n";
  EXPECT_EQ(formatter.bytes(), line + line + line);
  b->write_formatted(formatter.bytes());
  formatter.clear();
  EXPECT_EQ(formatter.bytes(), "");
  a->finish();
  b->finish();
  EXPECT_EQ(rt::io_test::contents(via), "k,t,v,x\n" + line + line + line);
  EXPECT_EQ(rt::io_test::contents(direct), rt::io_test::contents(via));
  std::fclose(direct);
  std::fclose(via);
}

}  // namespace
