// `vlac run`: compiles a program (LLVM JIT, or C++ with --backend cpp) and streams its inputs through it.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "codegen/cpp/shared_library.h"
#include "codegen/jit/jit_engine.h"
#include "driver/commands.h"
#include "driver/frontend.h"
#include "driver/run_options.h"
#include "physical/physical_plan.h"
#include "driver/executor.h"

namespace vlac {
namespace {

int usage(const std::string& message) {
  std::cerr << "vlac: " << message << "\n" << "Run 'vlac run --help' for the options.\n";
  return kExitUsage;
}

int fail(const std::string& message) {
  std::cerr << "vlac: " << message << "\n";
  return kExitError;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// `-` and `/dev/stdout` name the process's standard output: every output given either writes
/// through the one `stdout` FILE, so that several outputs interleave there (opening the path
/// again per output would truncate it each time and overwrite the other outputs' rows).
bool is_stdout_path(const std::string& path) { return path == "-" || path == "/dev/stdout"; }

/// Files opened for the run, closed at the end (never stdin/stdout).
struct OpenFiles {
  std::vector<std::FILE*> files;
  ~OpenFiles() {
    for (std::FILE* f : files) std::fclose(f);
  }
  std::FILE* open(const std::string& path, const char* mode) {
    std::FILE* f = std::fopen(path.c_str(), mode);
    if (f) files.push_back(f);
    return f;
  }
};

}  // namespace

int run_run(const std::vector<std::string>& args) {
  std::string error;
  std::optional<RunOptions> parsed = parse_run_options(args, &error);
  if (!parsed) return usage(error);
  const RunOptions& o = *parsed;
  if (o.help) {
    std::cout << kRunHelp;
    return kExitOk;
  }

  // ---- compile ----
  Compilation c;
  PhysicalPlan plan;
  if (!compile_to_physical(o.program, c, plan)) return kExitError;

  // ---- inputs and outputs named on the command line (usage errors, exit 2) ----
  std::map<std::string, int> source_index, output_index;
  for (size_t i = 0; i < plan.sources.size(); ++i) source_index[plan.sources[i].stream] = static_cast<int>(i);
  for (size_t i = 0; i < plan.outputs.size(); ++i) output_index[plan.outputs[i].name] = static_cast<int>(i);
  std::vector<std::vector<std::string>> input_paths(plan.sources.size());
  for (const auto& [name, path] : o.inputs) {
    auto it = source_index.find(name);
    if (it == source_index.end()) return usage("--input names no source stream '" + name + "'");
    input_paths[it->second].push_back(path);
  }
  for (size_t i = 0; i < plan.sources.size(); ++i)
    if (input_paths[i].empty()) return usage("source stream '" + plan.sources[i].stream + "' has no --input");
  std::vector<std::string> output_paths(plan.outputs.size());
  for (const auto& [name, path] : o.outputs) {
    auto it = output_index.find(name);
    if (it == output_index.end()) return usage("--output names no output '" + name + "'");
    output_paths[it->second] = path;
  }
  if (plan.outputs.size() > 1) {
    std::string missing;
    for (size_t i = 0; i < plan.outputs.size(); ++i)
      if (output_paths[i].empty()) missing += (missing.empty() ? "" : ", ") + plan.outputs[i].name;
    if (!missing.empty())
      return usage("the program has " + std::to_string(plan.outputs.size()) +
                   " outputs; give each an --output NAME=PATH (missing: " + missing + ")");
  }

  // ---- code: the LLVM JIT, or the C++ backend through the system compiler ----
  std::unique_ptr<CompiledCode> program =
      o.backend == "cpp" ? cpp::compile_shared_library(plan, &error) : std::unique_ptr<CompiledCode>(jit::compile(plan, &error));
  if (!program) return fail("cannot compile the program: " + error);

  // ---- files ----
  OpenFiles files;
  std::vector<std::FILE*> outputs;
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    std::FILE* f = stdout;
    if (!output_paths[i].empty() && !is_stdout_path(output_paths[i])) {
      f = files.open(output_paths[i], "wb");
      if (!f) return fail("cannot write '" + output_paths[i] + "': " + std::strerror(errno));
    }
    outputs.push_back(f);
  }
  std::vector<std::vector<InputFile>> inputs(plan.sources.size());
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    for (const std::string& path : input_paths[s]) {
      bool is_stdin = path == "-";
      std::FILE* f = is_stdin ? stdin : files.open(path, "rb");
      if (!f) return fail("cannot read '" + path + "': " + std::strerror(errno));
      inputs[s].push_back({is_stdin ? "<stdin>" : path, f, ends_with(path, ".jsonl"), is_stdin});
    }
  }
  ExecutionOptions options;
  options.writer.format = o.format == "jsonl" ? rt::OutputFormat::Jsonl : o.format == "table" ? rt::OutputFormat::Table : rt::OutputFormat::Csv;
  options.writer.timestamps_ns = o.timestamps_ns;
  options.fail_fast = o.fail_fast;
  if (!o.rejects_path.empty()) {
    options.rejects = files.open(o.rejects_path, "wb");
    if (!options.rejects) return fail("cannot write '" + o.rejects_path + "': " + std::strerror(errno));
  }

  ExecutionReport report = execute(plan, *program, inputs, outputs, options);
  std::fflush(stdout);
  if (o.stats) print_stats(stderr, plan, report, *program);
  if (!report.ok) return fail(report.error);
  return kExitOk;
}

}  // namespace vlac
