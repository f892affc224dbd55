// Benchmark of LANGUAGE.md §1 (examples/cam_stats.vsql) over N generated camera rows:
//   - JIT: compile time (front end + LLVM), then the engine alone on rows already in memory
//     (the generated pipeline, window operator and kernels), result rows counted by a null sink;
//   - a hand-written C++ loop computing the same windows over the same rows, as the baseline;
//   - the full path through the CSV reader and writer is measured by bench/run_bench.sh with
//     the vlac binary, next to SQLite on the same file.
// Both computations' results are checked against each other, so the figures compare equal work.
//
// Usage: cam_stats_bench [ROWS] [--write-csv PATH]   (default 10,000,000 rows)
//   --write-csv writes the same rows as CSV (timestamps in ns) for the end-to-end comparison.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "codegen/jit/jit_engine.h"
#include "codegen/jit/program_codegen.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "runtime/engine.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/ops/hosted_operators.h"

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

/// One generated camera row, as the §1 stream declares it.
struct CameraRow {
  int64_t ts;
  int32_t cam_id;
  int64_t frame_id;
  float brightness;
  int32_t objects;
  bool objects_null;
};

/// 8 cameras at 30 Hz with up to 40 ms of disorder, deterministic.
std::vector<CameraRow> generate(size_t n) {
  std::vector<CameraRow> rows;
  rows.reserve(n);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> noise(-0.05, 0.05);
  const int64_t start = 1795501800LL * 1'000'000'000;  // 2026-11-24T06:30:00Z
  const int cams = 8;
  for (size_t i = 0; i < n; ++i) {
    int cam = static_cast<int>(i % cams);
    int64_t frame = static_cast<int64_t>(i / cams);
    int64_t ts = start + frame * 33'333'333 + cam * 1'000'000 - static_cast<int64_t>(rng() % 40'000'000);
    float b = static_cast<float>(0.4 + noise(rng) + (frame % 300 < 20 ? -0.38 : 0.0));
    rows.push_back({ts, cam + 1, frame, b, static_cast<int32_t>(rng() % 7), rng() % 50 == 0});
  }
  return rows;
}

/// Serves pre-built rows to the engine, so the engine is measured without parsing.
class MemoryReader final : public vlac::rt::RowReader {
 public:
  MemoryReader(const std::vector<uint8_t>& rows, uint32_t row_size) : rows_(rows), size_(row_size) {}
  bool open(std::string*) override { return true; }
  bool next(uint8_t* row) override {
    if (at_ >= rows_.size()) return false;
    std::memcpy(row, rows_.data() + at_, size_);
    at_ += size_;
    ++stats_.read;
    ++stats_.accepted;
    return true;
  }
  const vlac::rt::InputStats& stats() const override { return stats_; }
  const std::string& read_error() const override { return no_error_; }

 private:
  std::string no_error_;
  const std::vector<uint8_t>& rows_;
  uint32_t size_;
  size_t at_ = 0;
  vlac::rt::InputStats stats_;
};

/// Counts result rows and sums a column, so the work cannot be optimised away.
struct CountingSink final : vlac::rt::RowWriter {
  uint64_t rows = 0;
  int64_t frames = 0;
  uint32_t frames_offset = 0;
  void write(const uint8_t* row) override {
    ++rows;
    int64_t f;
    std::memcpy(&f, row + frames_offset, 8);
    frames += f;
  }
  void flush() override {}
  void finish() override {}
  uint64_t bytes_written() const override { return 0; }
};

struct Result {
  uint64_t rows = 0;
  int64_t frames = 0;
};

/// The baseline: the same windows computed by a direct loop over the rows.
Result hand_written(const std::vector<CameraRow>& rows) {
  struct Acc {
    int64_t count = 0;
    double sum = 0;
    int64_t n = 0;
    int32_t max = 0;
    bool has_max = false;
  };
  const int64_t size = 1'000'000'000, bound = 50'000'000;
  std::map<int64_t, std::unordered_map<int32_t, Acc>> windows;  // by end
  int64_t max_ts = INT64_MIN, w = INT64_MIN;
  Result r;
  auto fire = [&](int64_t upto) {
    while (!windows.empty() && windows.begin()->first <= upto) {
      for (auto& [cam, acc] : windows.begin()->second) {
        r.rows++;
        r.frames += acc.count;
        (void)cam;
      }
      windows.erase(windows.begin());
    }
  };
  for (const CameraRow& row : rows) {
    if (static_cast<double>(row.brightness) > 0.05) {
      int64_t start = row.ts - ((row.ts % size) + size) % size;
      if (start + size > w) {
        Acc& a = windows[start + size][row.cam_id];
        a.count++;
        a.sum += row.brightness;
        a.n++;
        if (!row.objects_null && (!a.has_max || row.objects > a.max)) {
          a.max = row.objects;
          a.has_max = true;
        }
      }
    }
    if (row.ts > max_ts) {
      max_ts = row.ts;
      w = max_ts - bound;
      fire(w);
    }
  }
  fire(INT64_MAX);
  return r;
}

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 10'000'000;
  const char* csv_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write-csv") == 0 && i + 1 < argc) csv_path = argv[++i];
    else n = std::strtoull(argv[i], nullptr, 10);
  }
  std::vector<CameraRow> rows = generate(n);
  if (csv_path) {
    std::FILE* f = std::fopen(csv_path, "w");
    if (!f) return 1;
    std::fputs("ts,cam_id,frame_id,brightness,objects\n", f);
    for (const CameraRow& r : rows) {
      if (r.objects_null) std::fprintf(f, "%lld,%d,%lld,%.6g,\n", static_cast<long long>(r.ts), r.cam_id, static_cast<long long>(r.frame_id), r.brightness);
      else std::fprintf(f, "%lld,%d,%lld,%.6g,%d\n", static_cast<long long>(r.ts), r.cam_id, static_cast<long long>(r.frame_id), r.brightness, r.objects);
    }
    std::fclose(f);
    return 0;
  }
  std::printf("cam_stats benchmark: %zu rows, 8 cameras, 1 s tumbling windows\n", n);

  // ---- compile ----
  auto t0 = Clock::now();
  vlac::Compilation c = vlac::compile_program("cam_stats.vsql", read_file(VLAC_SOURCE_DIR "/examples/cam_stats.vsql"));
  vlac::Diagnostics d;
  vlac::PhysicalPlan plan = vlac::lower_to_physical(c.program, *c.file, d);
  double front_ms = ms_since(t0);
  std::string error;
  auto program = vlac::jit::compile(plan, &error);
  if (!program) {
    std::fprintf(stderr, "compile failed: %s\n", error.c_str());
    return 1;
  }
  double jit_ms = program->compile_ms();

  // ---- rows in the source layout ----
  const vlac::rt::RowLayout& layout = plan.sources[0].layout;
  std::vector<uint8_t> data(static_cast<size_t>(layout.size) * n, 0);
  for (size_t i = 0; i < n; ++i) {
    uint8_t* r = data.data() + i * layout.size;
    const CameraRow& row = rows[i];
    vlac::rt::put(r, layout.fields[0], row.ts);
    vlac::rt::put(r, layout.fields[1], row.cam_id);
    vlac::rt::put(r, layout.fields[2], row.frame_id);
    vlac::rt::put(r, layout.fields[3], row.brightness);
    vlac::rt::put(r, layout.fields[4], row.objects);
    vlac::rt::set_null(r, layout.fields[4], row.objects_null);
  }

  // ---- the engine alone ----
  vlac::rt::ExecContext ctx;
  CountingSink sink;
  sink.frames_offset = plan.outputs[0].layout.fields[3].offset;  // cam_id, window_start, window_end, frames
  void* outputs[] = {&sink};
  const vlac::PhysicalOperator& op = plan.operators[0];
  vlac::rt::WindowAggregateConfig config;
  config.mode = vlac::rt::WindowMode::Tumble;
  config.size = op.window.size;
  config.time_offset = static_cast<int32_t>(op.input_layout.fields[op.time_field].offset);
  config.key_layout = &op.key_layout;
  config.key_size = op.key_layout.size;
  config.acc_size = op.acc_layout.size;
  config.out_size = op.output_layout.size;
  vlac::rt::WindowAggregateKernels k;
  k.key = reinterpret_cast<decltype(k.key)>(program->lookup(vlac::jit::aggregate_kernel_fn_name(0, "key")));
  k.update = reinterpret_cast<decltype(k.update)>(program->lookup(vlac::jit::aggregate_kernel_fn_name(0, "update")));
  k.merge = reinterpret_cast<decltype(k.merge)>(program->lookup(vlac::jit::aggregate_kernel_fn_name(0, "merge")));
  k.finalize = reinterpret_cast<decltype(k.finalize)>(program->lookup(vlac::jit::aggregate_kernel_fn_name(0, "finalize")));
  k.emit = reinterpret_cast<decltype(k.emit)>(program->lookup(vlac::jit::operator_emit_fn_name(0)));
  vlac::rt::EngineOperatorOf<vlac::rt::HostedWindowAggregate> agg;
  agg.op.init(&ctx, config, k);
  void* ops[] = {agg.target()};
  ctx.operators = ops;
  ctx.outputs = outputs;
  vlac::rt::Engine engine(&ctx);
  MemoryReader reader(data, layout.size);
  vlac::rt::EngineStream stream;
  stream.name = "camera";
  stream.row_size = layout.size;
  stream.time_offset = static_cast<int32_t>(layout.fields[0].offset);
  stream.bound_ns = plan.sources[0].watermark_bound_ns;
  stream.entry = reinterpret_cast<decltype(stream.entry)>(program->lookup(vlac::jit::source_entry_fn_name(0)));
  stream.readers.push_back(&reader);
  engine.streams().push_back(stream);
  vlac::rt::EngineOperator eo;
  eo.op = &agg;
  eo.ports = {{{true, 0}}};
  engine.operators().push_back(eo);
  auto t1 = Clock::now();
  engine.run();
  double engine_ms = ms_since(t1);

  auto t2 = Clock::now();
  Result base = hand_written(rows);
  double base_ms = ms_since(t2);

  bool same = base.rows == sink.rows && base.frames == sink.frames;
  std::printf("\n%-34s %12s %14s\n", "", "time", "rows/s");
  std::printf("%-34s %9.1f ms\n", "front end (parse, bind, plan)", front_ms);
  std::printf("%-34s %9.1f ms\n", "LLVM codegen + O2 + JIT", jit_ms);
  std::printf("%-34s %9.1f ms %14.0f\n", "vlac engine, rows in memory", engine_ms, n / (engine_ms / 1000));
  std::printf("%-34s %9.1f ms %14.0f\n", "hand-written C++ loop (baseline)", base_ms, n / (base_ms / 1000));
  std::printf("%-34s %12.2fx\n", "engine time / baseline time", engine_ms / base_ms);
  std::printf("\nresult rows: vlac %llu, baseline %llu; frames counted: vlac %lld, baseline %lld -> %s\n",
              static_cast<unsigned long long>(sink.rows), static_cast<unsigned long long>(base.rows),
              static_cast<long long>(sink.frames), static_cast<long long>(base.frames), same ? "same" : "DIFFERENT");
  return same ? 0 : 1;
}
