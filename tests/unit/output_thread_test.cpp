// Tests for the output thread (runtime/parallel/output_thread.h, `vlac run --threads N`): rows
// written through it reach the file as the same bytes, in the same order, as rows written
// straight through the writers, whatever the batches; flush() makes them visible; a failed
// write reaches error().
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "runtime/parallel/output_thread.h"
#include "runtime/io/row_writer.h"

namespace {

using namespace vlac::rt;

using vlac::rt::io_test::Collected;

// Two outputs with different rows: (id INT64, name STRING, x FLOAT64) and (n INT32).
struct Outputs {
  RowLayout wide = RowLayout::make({{FieldType::Int64, true, 0}, {FieldType::String, true, 0}, {FieldType::Float64, true, 0}});
  RowLayout narrow = RowLayout::make({{FieldType::Int32, false, 0}});
  std::vector<std::unique_ptr<RowWriter>> writers;

  Outputs(std::FILE* a, std::FILE* b, OutputFormat format) {
    WriterOptions options;
    options.format = format;
    writers.push_back(make_row_writer(a, {"id", "name", "x"}, wide, options));
    writers.push_back(make_row_writer(b, {"n"}, narrow, options));
  }
};

// Row i of the test: which output it goes to and its values. Every 7th wide row has NULLs,
// every 100th a string longer than a batch (so that a batch holds a single row).
struct Rows {
  std::string text;
  std::vector<uint8_t> row;
  size_t output = 0;

  void make(const Outputs& o, int i) {
    output = i % 3 == 2 ? 1 : 0;
    if (output == 1) {
      row.assign(o.narrow.size, 0);
      put(row.data(), o.narrow.fields[0], static_cast<int32_t>(i * 7919));
      return;
    }
    row.assign(o.wide.size, 0);
    text = i % 100 == 0 ? std::string(300 * 1024, 'a' + i % 26) : "row \"" + std::to_string(i) + "\", quoted";
    put(row.data(), o.wide.fields[0], static_cast<int64_t>(i) * 1000003);
    put(row.data(), o.wide.fields[1], StringRef{text.data(), static_cast<uint32_t>(text.size())});
    put(row.data(), o.wide.fields[2], i / 3.0);
    if (i % 7 == 0) {
      set_null(row.data(), o.wide.fields[1], true);
      set_null(row.data(), o.wide.fields[2], true);
    }
  }
};

// Writes `count` rows to both outputs, sharing `shared` (as outputs on standard output do) or
// each to its own file, straight or through an output thread; returns what the files hold at
// the end and after the flush() half way.
std::vector<std::string> write_rows(int count, bool threaded, bool shared, OutputFormat format,
                                    const OutputTrial& trial = OutputTrial{}, std::string* placement = nullptr) {
  Collected a, b;
  Outputs o(a.file(), shared ? a.file() : b.file(), format);
  std::unique_ptr<OutputThread> thread;
  std::vector<RowWriter*> sinks = {o.writers[0].get(), o.writers[1].get()};
  if (threaded) {
    thread = std::make_unique<OutputThread>(sinks, std::vector<const RowLayout*>{&o.wide, &o.narrow}, trial);
    sinks = {thread->writer(0), thread->writer(1)};
  }
  Rows rows;
  std::vector<std::string> half = {"", ""};
  for (int i = 0; i < count; ++i) {
    rows.make(o, i);
    sinks[rows.output]->write(rows.row.data());  // the row is reused: the thread must copy it
    if (i == count / 2) {  // half way: flush() puts everything so far in the files
      sinks[0]->flush();
      sinks[1]->flush();
      half = {a.text(), b.text()};
    }
  }
  for (RowWriter* w : sinks) w->finish();
  for (RowWriter* w : sinks) EXPECT_EQ(w->error(), 0);
  if (placement && thread) *placement = thread->placement();
  return {a.text(), b.text(), half[0], half[1]};
}

TEST(OutputThread, WritesTheBytesOfTheWritersAlone) {
  for (OutputFormat format : {OutputFormat::Csv, OutputFormat::Jsonl}) {
    for (bool shared : {false, true}) {
      const std::vector<std::string> straight = write_rows(5000, false, shared, format);
      const std::vector<std::string> threaded = write_rows(5000, true, shared, format);
      ASSERT_GT(straight[0].size(), 10u * 300 * 1024);
      EXPECT_TRUE(straight == threaded) << "format " << static_cast<int>(format) << (shared ? ", one shared file" : "");
    }
  }
}

// The trial moves the writing between the thread and the run's thread at its steps (here every
// few rows, a step inside and outside a batch, the flush half way between), and for good after
// it, either way: the bytes stay those of the writers alone.
TEST(OutputThread, TheTrialChangesNoByteWhereverItWrites) {
  const std::vector<std::string> straight = write_rows(3000, false, true, OutputFormat::Csv);
  for (OutputTrial::Keep keep : {OutputTrial::Keep::Thread, OutputTrial::Keep::RunThread, OutputTrial::Keep::Faster}) {
    for (uint64_t slice : {1, 7, 300}) {
      OutputTrial trial;
      trial.warm_rows = slice == 300 ? 1499 : 5;  // (1499: a step next to the flush)
      trial.slice_rows = slice;
      trial.rounds = 2;
      trial.keep = keep;
      std::string placement;
      EXPECT_TRUE(straight == write_rows(3000, true, true, OutputFormat::Csv, trial, &placement))
          << "keep " << static_cast<int>(keep) << ", slices of " << slice << " rows";
      if (keep == OutputTrial::Keep::Thread) EXPECT_NE(placement.find("on a thread of their own after a trial"), std::string::npos) << placement;
      if (keep == OutputTrial::Keep::RunThread) EXPECT_NE(placement.find("on the run's thread after a trial"), std::string::npos) << placement;
    }
  }
}

TEST(OutputThread, NoRowsStillWritesTheHeader) {
  const std::vector<std::string> threaded = write_rows(0, true, false, OutputFormat::Csv);
  EXPECT_EQ(threaded[0], "id,name,x\n");
  EXPECT_EQ(threaded[1], "n\n");
}

TEST(OutputThread, AFailedWriteReachesErrorAndStopsWriting) {
  std::FILE* full = std::fopen("/dev/full", "w");
  if (!full) GTEST_SKIP() << "no /dev/full";
  Outputs o(full, full, OutputFormat::Csv);
  OutputThread thread({o.writers[0].get(), o.writers[1].get()}, {&o.wide, &o.narrow});
  RowWriter* sink = thread.writer(0);
  Rows rows;
  // The writer hands its buffer to the FILE past 256 KiB: long rows fill it soon. The run's
  // thread sees the failure at a later write, or at flush() at the latest.
  int i = 0;
  for (; i < 2000 && sink->error() == 0; ++i) {
    rows.make(o, i * 3);
    sink->write(rows.row.data());
  }
  sink->flush();
  EXPECT_EQ(sink->error(), ENOSPC);
  EXPECT_LT(i, 2000) << "the failure reached error() while rows were still written";
  sink->write(rows.row.data());  // ignored, as by a writer that failed
  sink->finish();
  EXPECT_EQ(sink->error(), ENOSPC);
  std::fclose(full);
}

}  // namespace
