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
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <unordered_map>
#include <vector>

#include "bench_rows.h"
#include "codegen/jit/jit_engine.h"
#include "exec/executor.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace {

using vlac::bench::Clock;
using vlac::bench::ms_since;

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
  vlac::Compilation c = vlac::compile_program("cam_stats.vsql", vlac::bench::read_text_file(VLAC_SOURCE_DIR "/examples/cam_stats.vsql"));
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
  vlac::bench::MemoryRows data(layout);
  for (const CameraRow& row : rows) {
    uint8_t* r = data.add();
    vlac::rt::put(r, layout.fields[0], row.ts);
    vlac::rt::put(r, layout.fields[1], row.cam_id);
    vlac::rt::put(r, layout.fields[2], row.frame_id);
    vlac::rt::put(r, layout.fields[3], row.brightness);
    vlac::rt::put(r, layout.fields[4], row.objects);
    vlac::rt::set_null(r, layout.fields[4], row.objects_null);
  }

  // ---- the engine alone, wired as `vlac run` wires it ----
  vlac::bench::CountingSink sink;
  sink.sum_offset = static_cast<int32_t>(plan.outputs[0].layout.fields[3].offset);  // cam_id, window_start, window_end, frames
  vlac::bench::MemoryReader reader(data);
  auto t1 = Clock::now();
  vlac::execute_rows(plan, *program, {{&reader}}, {&sink});
  double engine_ms = ms_since(t1);

  auto t2 = Clock::now();
  Result base = hand_written(rows);
  double base_ms = ms_since(t2);

  bool same = base.rows == sink.rows && base.frames == sink.sum;
  std::printf("\n%-34s %12s %14s\n", "", "time", "rows/s");
  std::printf("%-34s %9.1f ms\n", "front end (parse, bind, plan)", front_ms);
  std::printf("%-34s %9.1f ms\n", "LLVM codegen + O2 + JIT", jit_ms);
  std::printf("%-34s %9.1f ms %14.0f\n", "vlac engine, rows in memory", engine_ms, n / (engine_ms / 1000));
  std::printf("%-34s %9.1f ms %14.0f\n", "hand-written C++ loop (baseline)", base_ms, n / (base_ms / 1000));
  std::printf("%-34s %12.2fx\n", "engine time / baseline time", engine_ms / base_ms);
  std::printf("\nresult rows: vlac %llu, baseline %llu; frames counted: vlac %lld, baseline %lld -> %s\n",
              static_cast<unsigned long long>(sink.rows), static_cast<unsigned long long>(base.rows),
              static_cast<long long>(sink.sum), static_cast<long long>(base.frames), same ? "same" : "DIFFERENT");
  return same ? 0 : 1;
}
