// The engine alone on any program: every input row is read into memory first (through the
// normal CSV / JSON Lines readers, as `vlac run` reads them), then the JIT-compiled program runs
// over those rows K times into a null sink, each run with fresh operator state. Prints
// `key value` lines (bench/suite reads them; docs in the suite's interface):
//   compile_ms X              front end + JIT, as `vlac run` compiles
//   input_rows N              rows in memory, over every input
//   output_rows M             result rows of one run, over every output
//   engine_seconds S          median of the runs
//   engine_rows_per_second R  N / S
//
// Usage: engine_bench PROGRAM.vsql --input NAME=PATH [--input NAME=PATH ...] [--runs K]
//        (--timestamps iso|ns is accepted and ignored: nothing is written)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench_rows.h"
#include "codegen/jit/jit_engine.h"
#include "exec/executor.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "runtime/io/input_format.h"

namespace {

using namespace vlac;

int usage(const char* message) {
  std::fprintf(stderr, "engine_bench: %s\nusage: engine_bench PROGRAM.vsql --input NAME=PATH ... [--runs K]\n", message);
  return 2;
}

struct Args {
  std::string program;
  std::vector<std::pair<std::string, std::string>> inputs;  // stream, path
  int runs = 5;
};

bool parse_args(int argc, char** argv, Args* a, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--input") {
      size_t eq;
      if (!value(&v) || (eq = v.find('=')) == std::string::npos) return *error = "--input needs NAME=PATH", false;
      a->inputs.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (arg == "--runs") {
      if (!value(&v) || (a->runs = std::atoi(v.c_str())) < 1) return *error = "--runs needs a count >= 1", false;
    } else if (arg == "--timestamps") {
      if (!value(&v)) return *error = "--timestamps needs iso or ns", false;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return *error = "unknown option '" + arg + "'", false;
    } else {
      a->program = arg;
    }
  }
  if (a->program.empty()) return *error = "no program given", false;
  return true;
}

/// Reads every row of `path` (CSV or JSON Lines by its extension) into `rows`.
bool load_input(const PhysicalSource& src, const std::string& path, bench::MemoryRows& rows, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return *error = "cannot read '" + path + "'", false;
  rt::RejectSink rejects(stderr);
  rt::SourceSpec spec{src.stream, src.column_names, src.layout, src.read_columns};
  auto reader = rt::open_row_reader(rt::input_format_for(path, std::nullopt), path, f, spec, rejects);
  bool ok = reader->open(error);
  if (ok) rows.read_all(*reader);
  if (ok && !reader->read_error().empty()) ok = (*error = reader->read_error(), false);
  std::fclose(f);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, &args, &error)) return usage(error.c_str());

  // ---- compile, as `vlac run` does ----
  auto t0 = bench::Clock::now();
  Compilation c = compile_program(args.program, bench::read_text_file(args.program.c_str()));
  if (c.diags.has_errors()) return usage(("the program has errors: run `vlac check " + args.program + "`").c_str());
  Diagnostics lowering;
  PhysicalPlan plan = lower_to_physical(c.program, *c.file, lowering);
  if (lowering.has_errors()) return usage("the program cannot be lowered");
  auto program = jit::compile(plan, &error);
  if (!program) return usage(("cannot compile: " + error).c_str());
  const double compile_ms = bench::ms_since(t0);

  // ---- every input row into memory ----
  std::map<std::string, size_t> source_index;
  for (size_t s = 0; s < plan.sources.size(); ++s) source_index[plan.sources[s].stream] = s;
  std::vector<std::vector<bench::MemoryRows>> rows(plan.sources.size());
  size_t input_rows = 0;
  for (const auto& [name, path] : args.inputs) {
    auto it = source_index.find(name);
    if (it == source_index.end()) return usage(("--input names no source stream '" + name + "'").c_str());
    rows[it->second].emplace_back(plan.sources[it->second].layout);
    if (!load_input(plan.sources[it->second], path, rows[it->second].back(), &error)) return usage(error.c_str());
    input_rows += rows[it->second].back().size();
  }
  for (size_t s = 0; s < plan.sources.size(); ++s)
    if (rows[s].empty()) return usage(("source stream '" + plan.sources[s].stream + "' has no --input").c_str());

  // ---- the engine alone, K times ----
  std::vector<double> seconds;
  uint64_t output_rows = 0;
  for (int run = 0; run < args.runs; ++run) {
    std::vector<std::unique_ptr<bench::MemoryReader>> readers;
    std::vector<std::vector<rt::RowReader*>> per_source(plan.sources.size());
    for (size_t s = 0; s < rows.size(); ++s)
      for (const bench::MemoryRows& r : rows[s]) {
        readers.push_back(std::make_unique<bench::MemoryReader>(r));
        per_source[s].push_back(readers.back().get());
      }
    std::vector<bench::CountingSink> sinks(plan.outputs.size());
    std::vector<rt::RowWriter*> writers;
    for (bench::CountingSink& sink : sinks) writers.push_back(&sink);
    auto t = bench::Clock::now();
    execute_rows(plan, *program, per_source, writers);
    seconds.push_back(bench::ms_since(t) / 1000);
    output_rows = 0;
    for (const bench::CountingSink& sink : sinks) output_rows += sink.rows;
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds.size() % 2 ? seconds[seconds.size() / 2]
                                           : (seconds[seconds.size() / 2 - 1] + seconds[seconds.size() / 2]) / 2;
  std::printf("compile_ms %.1f\n", compile_ms);
  std::printf("input_rows %zu\n", input_rows);
  std::printf("output_rows %llu\n", static_cast<unsigned long long>(output_rows));
  std::printf("engine_seconds %.6f\n", median);
  std::printf("engine_rows_per_second %.0f\n", median > 0 ? input_rows / median : 0.0);
  return 0;
}
