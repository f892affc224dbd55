// snapshot()/restore() of the firmware class (LANGUAGE.md §10) through `vlac run --backend
// firmware`'s FirmwareProgram: the class compiled for this machine with -fno-exceptions -fno-rtti
// and fed a golden case's rows. After every row the pipeline is snapshotted, thrown away, and a
// fresh one restored from the bytes; the rows must equal one uninterrupted run and the case's
// expected.csv (SQLite and a separate streaming model: tests/e2e/README.md), and the restored
// pipeline's snapshot must equal the bytes it came from. Snapshots of another program, with a
// flipped byte or truncated, are refused and leave the pipeline as it was.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../build/case_rows.h"
#include "codegen/cpp/firmware_run.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "runtime/class_snapshot.h"
#include "runtime/io/row_writer.h"
#include "test_files.h"

namespace vlac::test {
namespace {

struct FirmwareCase {
  std::string dir;  // tests/e2e/cases/<name>
  PhysicalPlan hosted;
  CaseArgs args;
  std::unique_ptr<cpp::FirmwareProgram> program;
};

/// Compiles DIR/program.vsql for firmware (the C++ compiler; cached) and reads DIR/args.
std::unique_ptr<FirmwareCase> load_program(const std::string& dir, std::string* error) {
  auto fc = std::make_unique<FirmwareCase>();
  fc->dir = dir;
  Compilation c = compile_program(fc->dir + "/program.vsql", read_file(fc->dir + "/program.vsql"));
  Diagnostics hosted_diags, firmware_diags;
  if (!c.diags.has_errors()) fc->hosted = lower_to_physical(c.program, *c.file, hosted_diags);
  LoweringOptions inline_strings;
  inline_strings.inline_strings = true;
  PhysicalPlan firmware;
  if (!c.diags.has_errors()) firmware = lower_to_physical(c.program, *c.file, firmware_diags, inline_strings);
  if (c.diags.has_errors() || hosted_diags.has_errors() || firmware_diags.has_errors()) {
    *error = "the program does not compile for firmware";
    return nullptr;
  }
  fc->program = cpp::FirmwareProgram::build(fc->hosted, firmware, "program", cpp::FirmwareDefaults{}, error);
  if (!fc->program) return nullptr;
  std::istringstream words(read_file(fc->dir + "/args"));
  std::vector<std::string> list;
  for (std::string w; words >> w;) list.push_back(w);
  fc->args = parse_case_args(list, fc->dir);
  return fc;
}

std::unique_ptr<FirmwareCase> load_case(const std::string& name, std::string* error) {
  return load_program(full_path("tests/e2e/cases/" + name), error);
}

/// Pushes the case's rows into a started FirmwareProgram.
class CaseFeed {
 public:
  explicit CaseFeed(const FirmwareCase& fc) {
    std::vector<CaseRows::Source> sources;
    std::map<std::string, int> index;
    for (const PhysicalSource& s : fc.hosted.sources) {
      index[s.stream] = static_cast<int>(sources.size());
      sources.push_back({rt::SourceSpec{s.stream, s.column_names, s.layout, s.read_columns},
                         s.time_field >= 0 ? static_cast<int32_t>(s.layout.fields[s.time_field].offset) : -1});
    }
    std::vector<std::pair<int, std::string>> inputs;
    for (const auto& [stream, path] : fc.args.inputs) inputs.emplace_back(index.at(stream), path);
    std::string error;
    ok_ = rows_.open(sources, inputs, &error);
    EXPECT_TRUE(ok_) << error;
  }
  /// Pushes the next row; false at the end.
  bool push(cpp::FirmwareProgram& program) {
    int source;
    const uint8_t* row;
    if (!ok_ || !rows_.next(&source, &row)) return false;
    program.push(source, row);
    return true;
  }

 private:
  CaseRows rows_;
  bool ok_ = false;
};

/// The case's one output as CSV, as `vlac run` writes it.
class CaseOutput {
 public:
  explicit CaseOutput(const FirmwareCase& fc) : file_(std::tmpfile()) {
    const PhysicalOutput& out = fc.hosted.outputs.at(0);
    rt::WriterOptions options;
    options.timestamps_ns = fc.args.timestamps_ns;
    writer_ = rt::make_row_writer(file_, out.column_names, out.layout, options);
    writers_[0] = writer_.get();
  }
  ~CaseOutput() { std::fclose(file_); }
  void start(cpp::FirmwareProgram& program) {
    program.start([](void* w, const uint8_t* row) { static_cast<rt::RowWriter*>(w)->write(row); }, writers_, nullptr);
  }
  std::string text() {
    writer_->finish();
    std::fflush(file_);
    std::rewind(file_);
    std::string s;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) s.append(buf, n);
    return s;
  }

 private:
  std::FILE* file_;
  std::unique_ptr<rt::RowWriter> writer_;
  void* writers_[1] = {};
};

/// The case's output; with `restore_every_row`, after each row the pipeline is replaced by a
/// fresh one restored from its snapshot.
std::string run_case(FirmwareCase& fc, bool restore_every_row) {
  CaseOutput out(fc);
  out.start(*fc.program);
  CaseFeed feed(fc);
  size_t rows = 0;
  while (feed.push(*fc.program)) {
    ++rows;
    if (!restore_every_row) continue;
    const std::vector<uint8_t> snap = fc.program->snapshot();
    if (snap.empty()) {
      ADD_FAILURE() << "no snapshot after row " << rows;
      return "";
    }
    out.start(*fc.program);  // a new pipeline: the old one and its state are gone
    if (!fc.program->restore(snap.data(), snap.size())) {
      ADD_FAILURE() << "the snapshot after row " << rows << " is refused";
      return "";
    }
    if (fc.program->snapshot() != snap) {
      ADD_FAILURE() << "the restored pipeline's snapshot differs from the one it came from, after row " << rows;
      return "";
    }
  }
  fc.program->finish();
  return out.text();
}

class FirmwareSnapshot : public testing::TestWithParam<std::string> {};

TEST_P(FirmwareSnapshot, RestoredAfterEveryRowGivesTheUninterruptedRows) {
  std::string error;
  std::unique_ptr<FirmwareCase> fc = load_case(GetParam(), &error);
  ASSERT_TRUE(fc) << error;
  const std::string expected = read_file(fc->dir + "/expected.csv");
  EXPECT_EQ(run_case(*fc, false), expected) << "the uninterrupted firmware run";
  EXPECT_EQ(run_case(*fc, true), expected) << "restored after every row";
}

// Cases the firmware target compiles (bounded strings only): windows (TUMBLE, HOP, CUMULATE,
// chained, GROUP BY at the end, global, offsets), SESSION, the three joins (outer, STRING(n)
// columns), OVER (ROWS and RANGE, peers), a union of two sources.
INSTANTIATE_TEST_SUITE_P(Cases, FirmwareSnapshot,
                         testing::Values("spec_cam_stats", "hop_wheel_speed", "cumulate_picks", "chained_rollup",
                                         "group_by_no_window", "global_aggregate", "tumble_offset_day", "session_int64_limits",
                                         "join_stereo_sync", "join_left_residual", "join_action_frames", "asof_frame_pose",
                                         "asof_frame_pose_left", "wjoin_commands_faults", "wjoin_aggregates",
                                         "over_wrist_smoothing", "over_range_min_time", "over_range_peers", "over_fresh_frames",
                                         "union_cameras"),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

/// The pipeline after the first `rows` rows of the case.
std::vector<uint8_t> snapshot_after(FirmwareCase& fc, CaseOutput& out, size_t rows) {
  out.start(*fc.program);
  CaseFeed feed(fc);
  for (size_t i = 0; i < rows && feed.push(*fc.program); ++i) {
  }
  return fc.program->snapshot();
}

TEST(FirmwareSnapshotRefused, ForeignFlippedAndTruncatedSnapshotsLeaveTheStateAlone) {
  std::string error;
  std::unique_ptr<FirmwareCase> other = load_case("hop_wheel_speed", &error);
  ASSERT_TRUE(other) << error;
  std::unique_ptr<FirmwareCase> cams = load_case("spec_cam_stats", &error);
  ASSERT_TRUE(cams) << error;
  CaseOutput cams_out(*cams), other_out(*other);
  const std::vector<uint8_t> foreign = snapshot_after(*other, other_out, 40);
  const std::vector<uint8_t> own = snapshot_after(*cams, cams_out, 200);
  ASSERT_FALSE(foreign.empty());
  ASSERT_GT(own.size(), rt::kClassSnapshotFrameBytes);
  // The pipeline now holds a different state (more rows), which every refusal must keep.
  CaseOutput out(*cams);
  const std::vector<uint8_t> before = snapshot_after(*cams, out, 300);
  ASSERT_NE(before, own);
  auto refused = [&](const std::vector<uint8_t>& bytes, const std::string& what) {
    EXPECT_FALSE(cams->program->restore(bytes.data(), bytes.size())) << what;
    EXPECT_EQ(cams->program->snapshot(), before) << what << ": the state changed";
  };
  refused(foreign, "another program's snapshot");
  // One flipped bit in each field of the frame (runtime/class_snapshot.h) and in the payload.
  const size_t fields[] = {0, 3, 4, 8, 15, 16, 24, 31, 32, own.size() / 2, own.size() - 5, own.size() - 1};
  for (size_t at : fields) {
    std::vector<uint8_t> flipped = own;
    flipped[at] ^= 0x10;
    refused(flipped, "a flipped byte at " + std::to_string(at));
  }
  for (size_t n : {own.size() - 1, own.size() / 2, rt::kClassSnapshotFrameBytes, size_t{4}, size_t{0}})
    refused(std::vector<uint8_t>(own.begin(), own.begin() + static_cast<std::ptrdiff_t>(n)), "truncated to " + std::to_string(n));
  // The intact snapshot still restores.
  EXPECT_TRUE(cams->program->restore(own.data(), own.size()));
  EXPECT_EQ(cams->program->snapshot(), own);
}

// kSnapshotBytes bounds every snapshot: small capacities, ten keys for four, joins and OVER with
// more rows than they may buffer, so that every operator's containers fill up (each drops rows)
// while FirmwareProgram::snapshot() (a buffer of kSnapshotBytes) must succeed after every row.
TEST(FirmwareSnapshotBound, FullOperatorsFitKSnapshotBytes) {
  const std::string dir = testing::TempDir() + "/firmware_snapshot_bound";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/program.vsql") << R"(
CREATE STREAM a (ts TIMESTAMP NOT NULL, k INT32, v INT64, name STRING(6), WATERMARK FOR ts AS ts - INTERVAL '20' NANOSECOND);
CREATE STREAM b (ts TIMESTAMP NOT NULL, k INT32, v INT64, WATERMARK FOR ts AS ts - INTERVAL '20' NANOSECOND);
CREATE STREAM hops WITH (max_keys = 4) AS
SELECT k, COUNT(*) AS n, SUM(v) AS total, MAX(name) AS top FROM HOP(a, ts, INTERVAL '10' NANOSECOND, INTERVAL '40' NANOSECOND) GROUP BY k;
CREATE STREAM tumbles WITH (max_keys = 4, max_open_windows = 2) AS
SELECT k, COUNT(*) AS n, MIN(name) AS low FROM TUMBLE(a, ts, INTERVAL '15' NANOSECOND) GROUP BY k;
CREATE STREAM sessions WITH (max_keys = 4, max_open_windows = 2) AS
SELECT k, COUNT(*) AS n FROM SESSION(b, ts, INTERVAL '3' NANOSECOND) GROUP BY k, window_start, window_end;
CREATE STREAM pairs WITH (max_keys = 4, max_buffered_rows = 8) AS
SELECT a.k, a.name, b.v FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '30' NANOSECOND AND a.ts + INTERVAL '30' NANOSECOND;
CREATE STREAM smooth WITH (max_keys = 4, max_buffered_rows = 8) AS
SELECT k, ts, AVG(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '20' NANOSECOND PRECEDING AND CURRENT ROW) AS m,
       MAX(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW) AS hi,
       LAG(v) OVER (PARTITION BY k ORDER BY ts) AS prev, name
FROM a;
)";
  std::ofstream(dir + "/args") << "--input a=a.csv --input b=b.csv";
  {
    std::ofstream a(dir + "/a.csv"), b(dir + "/b.csv");
    a << "ts,k,v,name\n";
    b << "ts,k,v\n";
    uint64_t x = 12345;  // a fixed LCG: ten keys, times that jitter back by up to 7 ns
    auto next = [&x](uint64_t n) { return (x = x * 6364136223846793005ull + 1442695040888963407ull) >> 33 & 0x7FFFFFFF ? (x >> 33) % n : 0; };
    for (int i = 0; i < 1500; ++i) {
      a << 2 * i - static_cast<int>(next(8)) << "," << next(10) << "," << next(1000) << ",n" << next(100000) << "\n";
      b << 2 * i + 1 - static_cast<int>(next(8)) << "," << next(10) << "," << next(1000) << "\n";
    }
  }
  std::string error;
  std::unique_ptr<FirmwareCase> fc = load_program(dir, &error);
  ASSERT_TRUE(fc) << error;
  size_t outputs = 0;
  void* writers[8] = {&outputs, &outputs, &outputs, &outputs, &outputs, &outputs, &outputs, &outputs};
  fc->program->start([](void* n, const uint8_t*) { ++*static_cast<size_t*>(n); }, writers, nullptr);
  CaseFeed feed(*fc);
  size_t rows = 0, largest = 0;
  while (feed.push(*fc->program)) {
    ++rows;
    const std::vector<uint8_t> snap = fc->program->snapshot();
    ASSERT_FALSE(snap.empty()) << "the snapshot after row " << rows << " does not fit kSnapshotBytes";
    largest = std::max(largest, snap.size());
  }
  fc->program->finish();
  for (size_t i = 0; i < fc->hosted.operators.size(); ++i)
    EXPECT_GT(fc->program->operator_stats(i).capacity_dropped, 0u) << "operator #" << i << " never filled up";
  EXPECT_GT(outputs, 0u);
  std::printf("largest snapshot %zu bytes, kStateBytes %llu\n", largest, static_cast<unsigned long long>(fc->program->state_bytes()));
}

}  // namespace
}  // namespace vlac::test
