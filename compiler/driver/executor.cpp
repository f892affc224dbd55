#include "driver/executor.h"

#include <memory>

#include "codegen/jit/program_codegen.h"
#include "runtime/engine.h"
#include "runtime/io/reject_sink.h"
#include "runtime/ops/window_aggregate.h"

namespace vlac {
namespace {

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

using RowFn = void (*)(rt::ExecContext*, const uint8_t*);

/// One runtime operator for a physical operator, wired to its generated kernels.
std::unique_ptr<rt::StatefulOperator> make_operator(const PhysicalOperator& op, jit::CompiledProgram& program,
                                                    rt::ExecContext* ctx) {
  auto emit = lookup<RowFn>(program, jit::operator_emit_fn_name(op.id));
  int32_t time_offset = op.time_field >= 0 ? static_cast<int32_t>(op.input_layout.fields[op.time_field].offset) : -1;
  if (op.kind == OperatorKind::WindowAssign) {
    size_t window_start = op.output_layout.fields.size() - 3;
    return std::make_unique<rt::WindowAssignOp>(ctx, mode_of(op), op.window.size, op.window.slide, op.window.offset,
                                                time_offset, op.input_layout.size, op.output_layout.size,
                                                op.output_layout.fields[window_start].offset, emit);
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
  rt::WindowAggregateKernels k;
  k.key = lookup<decltype(k.key)>(program, jit::aggregate_kernel_fn_name(op.id, "key"));
  k.update = lookup<decltype(k.update)>(program, jit::aggregate_kernel_fn_name(op.id, "update"));
  k.merge = lookup<decltype(k.merge)>(program, jit::aggregate_kernel_fn_name(op.id, "merge"));
  k.finalize = lookup<decltype(k.finalize)>(program, jit::aggregate_kernel_fn_name(op.id, "finalize"));
  k.emit = emit;
  return std::make_unique<rt::WindowAggregateOp>(ctx, config, k);
}

}  // namespace

ExecutionReport execute(const PhysicalPlan& plan, jit::CompiledProgram& program,
                        const std::vector<std::vector<InputFile>>& inputs, const std::vector<std::FILE*>& outputs,
                        const ExecutionOptions& options) {
  ExecutionReport report;
  rt::ExecContext ctx;

  std::vector<std::unique_ptr<rt::RowWriter>> writers;
  std::vector<void*> output_ptrs;
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    writers.push_back(rt::make_row_writer(outputs[i], plan.outputs[i].column_names, plan.outputs[i].layout, options.writer));
    output_ptrs.push_back(writers.back().get());
  }
  std::vector<std::unique_ptr<rt::StatefulOperator>> operators;
  std::vector<void*> operator_ptrs;
  for (const PhysicalOperator& op : plan.operators) {
    operators.push_back(make_operator(op, program, &ctx));
    operator_ptrs.push_back(operators.back().get());
  }
  ctx.operators = operator_ptrs.data();
  ctx.outputs = output_ptrs.data();

  rt::RejectSink rejects(options.messages, options.rejects, options.fail_fast ? rt::OnError::Fail : rt::OnError::Skip);
  rt::Engine engine(&ctx);
  std::vector<std::unique_ptr<rt::RowReader>> readers;
  std::vector<std::vector<rt::RowReader*>> per_source(plan.sources.size());
  bool live = false;
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    const PhysicalSource& src = plan.sources[s];
    rt::EngineStream stream;
    stream.name = src.stream;
    stream.row_size = src.layout.size;
    stream.time_offset = src.time_field >= 0 ? static_cast<int32_t>(src.layout.fields[src.time_field].offset) : -1;
    stream.bound_ns = src.watermark_bound_ns;
    stream.entry = lookup<RowFn>(program, jit::source_entry_fn_name(static_cast<int>(s)));
    for (const InputFile& in : inputs[s]) {
      live |= in.live;
      rt::SourceSpec spec{src.stream, src.column_names, src.layout};
      auto reader = in.jsonl ? rt::open_jsonl_reader(in.display_name, in.file, spec, rejects)
                             : rt::open_csv_reader(in.display_name, in.file, spec, rejects);
      if (!reader->open(&report.error)) {
        report.ok = false;
        return report;
      }
      stream.readers.push_back(reader.get());
      per_source[s].push_back(reader.get());
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
  engine.set_should_stop([&] {
    return rejects.should_stop() || (options.cancel && options.cancel->load(std::memory_order_relaxed));
  });

  bool completed = engine.run();
  for (auto& w : writers) w->finish();

  for (size_t s = 0; s < plan.sources.size(); ++s) {
    rt::InputStats sum;
    for (rt::RowReader* r : per_source[s]) {
      sum.read += r->stats().read;
      sum.accepted += r->stats().accepted;
      sum.rejected += r->stats().rejected;
    }
    report.sources.push_back(sum);
  }
  for (const auto& op : operators) report.operators.push_back(op->stats());
  for (const auto& r : readers) {
    if (!r->read_error().empty()) {
      report.ok = false;
      report.error = r->read_error();
    }
  }
  if (!completed) {
    report.ok = false;
    report.error = options.cancel && options.cancel->load() ? "cancelled" : "stopped at the first malformed row (--on-error fail)";
  }
  return report;
}

void print_stats(std::FILE* to, const PhysicalPlan& plan, const ExecutionReport& report, double compile_ms) {
  std::fprintf(to, "vlac: stats (JIT compile %.0f ms)\n", compile_ms);
  for (size_t s = 0; s < plan.sources.size() && s < report.sources.size(); ++s) {
    const rt::InputStats& st = report.sources[s];
    std::fprintf(to, "  source %s: %llu read, %llu accepted, %llu rejected\n", plan.sources[s].stream.c_str(),
                 static_cast<unsigned long long>(st.read), static_cast<unsigned long long>(st.accepted),
                 static_cast<unsigned long long>(st.rejected));
  }
  for (size_t i = 0; i < plan.operators.size() && i < report.operators.size(); ++i) {
    const rt::OperatorStats& st = report.operators[i];
    std::fprintf(to, "  operator #%zu %s: %llu in, %llu out, %llu late, %llu over capacity\n", i,
                 plan_kind_name(plan.operators[i].node->kind).c_str(), static_cast<unsigned long long>(st.rows_in),
                 static_cast<unsigned long long>(st.rows_out), static_cast<unsigned long long>(st.late_dropped),
                 static_cast<unsigned long long>(st.capacity_dropped));
  }
}

}  // namespace vlac
