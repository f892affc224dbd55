// `vlac run`: compiles a program with the JIT and streams its inputs through it.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "codegen/jit/jit_engine.h"
#include "codegen/jit/program_codegen.h"
#include "driver/commands.h"
#include "driver/frontend.h"
#include "driver/run_options.h"
#include "physical/physical_plan.h"
#include "runtime/engine.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/ops/window_aggregate.h"

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

rt::WindowMode mode_of(const PhysicalOperator& op) {
  if (!op.windowed) return rt::WindowMode::EndOfInput;
  switch (op.window.kind) {
    case WindowKind::Tumble: return rt::WindowMode::Tumble;
    case WindowKind::Hop: return rt::WindowMode::Hop;
    case WindowKind::Cumulate: return rt::WindowMode::Cumulate;
    case WindowKind::Session: return rt::WindowMode::Session;
  }
  return rt::WindowMode::Tumble;
}

template <typename F>
F lookup(jit::CompiledProgram& program, const std::string& name) {
  return reinterpret_cast<F>(program.lookup(name));
}

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
  if (o.backend == "cpp") return fail("the C++ backend (--backend cpp) is not available yet; use --backend jit");

  // ---- compile ----
  std::optional<std::string> text = read_program_file(o.program);
  if (!text) return kExitError;
  Compilation c = compile_program(o.program, std::move(*text));
  std::cerr << render_report(*c.file, c.diags);
  if (c.diags.has_errors()) return kExitError;
  Diagnostics lowering;
  PhysicalPlan plan = lower_to_physical(c.program, *c.file, lowering);
  std::cerr << render_report(*c.file, lowering);
  if (lowering.has_errors()) return kExitError;

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

  // ---- JIT ----
  std::unique_ptr<jit::CompiledProgram> program = jit::compile(plan, &error);
  if (!program) return fail("cannot compile the program: " + error);

  // ---- outputs ----
  OpenFiles files;
  rt::WriterOptions writer_options;
  writer_options.format = o.format == "jsonl" ? rt::OutputFormat::Jsonl : o.format == "table" ? rt::OutputFormat::Table : rt::OutputFormat::Csv;
  writer_options.timestamps_ns = o.timestamps_ns;
  std::vector<std::unique_ptr<rt::RowWriter>> writers;
  std::vector<void*> output_ptrs;
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    std::FILE* f = stdout;
    if (!output_paths[i].empty() && output_paths[i] != "-") {
      f = files.open(output_paths[i], "wb");
      if (!f) return fail("cannot write '" + output_paths[i] + "': " + std::strerror(errno));
    }
    writers.push_back(rt::make_row_writer(f, plan.outputs[i].column_names, plan.outputs[i].layout, writer_options));
    output_ptrs.push_back(writers.back().get());
  }

  // ---- operators ----
  rt::ExecContext ctx;
  std::vector<std::unique_ptr<rt::StatefulOperator>> operators;
  std::vector<void*> operator_ptrs;
  for (const PhysicalOperator& op : plan.operators) {
    auto emit = lookup<void (*)(rt::ExecContext*, const uint8_t*)>(*program, jit::operator_emit_fn_name(op.id));
    int32_t time_offset = op.time_field >= 0 ? static_cast<int32_t>(op.input_layout.fields[op.time_field].offset) : -1;
    if (op.kind == OperatorKind::WindowAssign) {
      size_t window_start = op.output_layout.fields.size() - 3;
      auto assign = std::make_unique<rt::WindowAssignOp>(&ctx, mode_of(op), op.window.size, op.window.slide, op.window.offset,
                                                         time_offset, op.input_layout.size, op.output_layout.size,
                                                         op.output_layout.fields[window_start].offset, emit);
      operator_ptrs.push_back(assign.get());
      operators.push_back(std::move(assign));
      continue;
    }
    rt::WindowAggregateConfig config;
    config.mode = mode_of(op);
    config.size = op.window.size;
    config.slide = op.window.slide;
    config.gap = op.window.gap;
    config.offset = op.window.offset;
    config.time_offset = time_offset;
    config.key_layout = &op.key_layout;
    config.acc_size = op.acc_layout.size;
    config.out_size = op.output_layout.size;
    if (op.capacities.max_keys) config.max_keys = static_cast<uint64_t>(*op.capacities.max_keys);
    if (op.capacities.max_open_windows) config.max_open_windows = static_cast<uint64_t>(*op.capacities.max_open_windows);
    config.global = op.global;
    rt::WindowAggregateKernels kernels;
    using Key = decltype(kernels.key);
    using Update = decltype(kernels.update);
    using Merge = decltype(kernels.merge);
    using Finalize = decltype(kernels.finalize);
    kernels.key = lookup<Key>(*program, jit::aggregate_kernel_fn_name(op.id, "key"));
    kernels.update = lookup<Update>(*program, jit::aggregate_kernel_fn_name(op.id, "update"));
    kernels.merge = lookup<Merge>(*program, jit::aggregate_kernel_fn_name(op.id, "merge"));
    kernels.finalize = lookup<Finalize>(*program, jit::aggregate_kernel_fn_name(op.id, "finalize"));
    kernels.emit = emit;
    auto agg = std::make_unique<rt::WindowAggregateOp>(&ctx, config, kernels);
    operator_ptrs.push_back(agg.get());
    operators.push_back(std::move(agg));
  }
  ctx.operators = operator_ptrs.data();
  ctx.outputs = output_ptrs.data();

  // ---- inputs ----
  std::FILE* rejects_file = nullptr;
  if (!o.rejects_path.empty()) {
    rejects_file = files.open(o.rejects_path, "wb");
    if (!rejects_file) return fail("cannot write '" + o.rejects_path + "': " + std::strerror(errno));
  }
  rt::RejectSink rejects(stderr, rejects_file, o.fail_fast ? rt::OnError::Fail : rt::OnError::Skip);
  rt::Engine engine(&ctx);
  std::vector<std::unique_ptr<rt::RowReader>> readers;
  bool live = false;
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    const PhysicalSource& src = plan.sources[s];
    rt::EngineStream stream;
    stream.name = src.stream;
    stream.row_size = src.layout.size;
    stream.time_offset = src.time_field >= 0 ? static_cast<int32_t>(src.layout.fields[src.time_field].offset) : -1;
    stream.bound_ns = src.watermark_bound_ns;
    stream.entry = lookup<void (*)(rt::ExecContext*, const uint8_t*)>(*program, jit::source_entry_fn_name(static_cast<int>(s)));
    for (const std::string& path : input_paths[s]) {
      bool is_stdin = path == "-";
      live |= is_stdin;
      std::FILE* f = is_stdin ? stdin : files.open(path, "rb");
      if (!f) return fail("cannot read '" + path + "': " + std::strerror(errno));
      rt::SourceSpec spec{src.stream, src.column_names, src.layout};
      std::string name = is_stdin ? "<stdin>" : path;
      auto reader = ends_with(path, ".jsonl") ? rt::open_jsonl_reader(name, f, spec, rejects) : rt::open_csv_reader(name, f, spec, rejects);
      if (!reader->open(&error)) return fail(error);
      stream.readers.push_back(reader.get());
      readers.push_back(std::move(reader));
    }
    engine.streams().push_back(std::move(stream));
  }
  for (size_t i = 0; i < plan.operators.size(); ++i) {
    rt::EngineOperator eo;
    eo.op = operators[i].get();
    for (const TimeOrigin& t : plan.operators[i].time_origins) eo.origins.push_back({t.is_source, t.index});
    engine.operators().push_back(std::move(eo));
  }
  if (live) engine.set_after_row([&] {
    for (auto& w : writers) w->flush();
  });
  engine.set_should_stop([&] { return rejects.should_stop(); });

  bool completed = engine.run();
  for (auto& w : writers) w->finish();
  std::fflush(stdout);

  if (o.stats) {
    std::cerr << "vlac: stats (JIT compile " << static_cast<int>(program->compile_ms() + 0.5) << " ms)\n";
    for (size_t s = 0; s < plan.sources.size(); ++s) {
      uint64_t read = 0, accepted = 0, rejected = 0;
      for (rt::RowReader* r : engine.streams()[s].readers) {
        read += r->stats().read;
        accepted += r->stats().accepted;
        rejected += r->stats().rejected;
      }
      std::cerr << "  source " << plan.sources[s].stream << ": " << read << " read, " << accepted << " accepted, "
                << rejected << " rejected\n";
    }
    for (size_t i = 0; i < plan.operators.size(); ++i) {
      const rt::OperatorStats& st = operators[i]->stats();
      std::cerr << "  operator #" << i << " " << plan_kind_name(plan.operators[i].node->kind) << ": " << st.rows_in
                << " in, " << st.rows_out << " out, " << st.late_dropped << " late, " << st.capacity_dropped
                << " over capacity\n";
    }
  }
  if (!completed) return fail("stopped at the first malformed row (--on-error fail)");
  return kExitOk;
}

}  // namespace vlac
