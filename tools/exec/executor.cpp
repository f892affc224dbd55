#include "exec/executor.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>

#include "exec/checkpointing.h"
#include "physical/kernel_names.h"
#include "physical/operator_settings.h"
#include "runtime/engine.h"
#include "runtime/io/input_merger.h"
#include "runtime/io/late_row_writer.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/stop_signals.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/dealt_run.h"
#include "runtime/parallel/formatted_run.h"
#include "runtime/parallel/key_partition.h"
#include "runtime/parallel/output_thread.h"
#include "runtime/parallel/partitioned_aggregate.h"
#include "runtime/parallel/partitioned_asof_join.h"
#include "runtime/parallel/partitioned_interval_join.h"
#include "runtime/parallel/partitioned_over.h"
#include "runtime/parallel/partitioned_window_join.h"

namespace vlac {
namespace {

template <typename F>
F lookup(CompiledCode& program, const std::string& name) {
  return reinterpret_cast<F>(program.lookup(name));
}

using RowFn = void (*)(rt::ExecContext*, const uint8_t*);

/// A runtime operator behind the engine's interface, set up with its configuration and kernels.
template <class Op, class Config, class Kernels>
std::unique_ptr<rt::StatefulOperator> engine_operator(rt::ExecContext* ctx, const Config& config, const Kernels& k) {
  auto made = std::make_unique<rt::EngineOperatorOf<Op>>();
  made->op.init(ctx, config, k);
  return made;
}

// --threads: why an operator with state runs whole on the run's thread (`--stats`); what each
// make_*() below decides, with the runtime's can_partition(), or the firmware backend.
constexpr const char* kNoKey = "runs once, on the run's thread: it has no key to partition by";
constexpr const char* kCapacities =
    "whole on the run's thread: its WITH capacities count the state of the whole operator, which partitions could not";
constexpr const char* kSharesSlices =
    "whole on the run's thread: it shares its slices with another aggregate (merge-windows), and they fire from one store";
constexpr const char* kResultsShared =
    "whole on the run's thread: its rows reach an output or an operator with other rows, which must see them at one "
    "thread's moments";
constexpr const char* kFirmwareClass =
    "whole on the run's thread: the firmware class runs its operators itself, on one thread (docs/firmware.md)";

/// Why an operator that `--threads` did not partition runs on the run's thread: `keyed` (it has
/// a key) and `partitionable` (its can_partition(): a key and, since every mode of each kind is
/// partitioned, no capacities), else `otherwise`, what its make_*() adds.
const char* whole_reason(bool keyed, bool partitionable, const char* otherwise) {
  return !keyed ? kNoKey : !partitionable ? kCapacities : otherwise;
}

/// `results_may_wait`: its results may come out a little after the rows that made them
/// (results_may_wait()), which an interval or as-of join's partitions need. `whole`: with
/// `threads` > 1, set to why it is not partitioned.
std::unique_ptr<rt::StatefulOperator> make_join(const PhysicalOperator& op, CompiledCode& program, rt::ExecContext* ctx,
                                                RowFn emit, int threads, bool results_may_wait, std::string* whole) {
  rt::JoinKernels k;
  k.left_key = lookup<decltype(k.left_key)>(program, aggregate_kernel_fn_name(op.id, "left_key"));
  k.right_key = lookup<decltype(k.right_key)>(program, aggregate_kernel_fn_name(op.id, "right_key"));
  k.combine = lookup<decltype(k.combine)>(program, aggregate_kernel_fn_name(op.id, "combine"));
  k.emit = emit;
  const rt::JoinConfig config = join_config(op);
  // Every join's can_partition() is PartitionedJoin's. An interval or as-of join's results come
  // out in rounds, so it also needs them allowed to wait.
  const bool partitionable = rt::PartitionedWindowJoin::can_partition(config);
  const bool in_rounds = op.kind == OperatorKind::IntervalJoin || op.kind == OperatorKind::AsofJoin;
  const bool partitioned = threads > 1 && partitionable && (!in_rounds || results_may_wait);
  if (threads > 1 && !partitioned) *whole = whole_reason(rt::has_key(config.key_layout), partitionable, kResultsShared);
  if (op.kind == OperatorKind::IntervalJoin) {
    if (partitioned) return std::make_unique<rt::PartitionedIntervalJoin>(ctx, config, k, &op.output_layout, threads);
    return engine_operator<rt::HostedIntervalJoin>(ctx, config, k);
  }
  if (op.kind == OperatorKind::AsofJoin) {
    if (partitioned) return std::make_unique<rt::PartitionedAsofJoin>(ctx, config, k, &op.output_layout, threads);
    return engine_operator<rt::HostedAsofJoin>(ctx, config, k);
  }
  if (partitioned) return std::make_unique<rt::PartitionedWindowJoin>(ctx, config, k, &op.output_layout, threads);
  return engine_operator<rt::HostedWindowJoin>(ctx, config, k);
}

rt::OverKernels over_kernels(const PhysicalOperator& op, CompiledCode& program) {
  rt::OverKernels k;
  k.key = lookup<decltype(k.key)>(program, aggregate_kernel_fn_name(op.id, "key"));
  k.args = lookup<decltype(k.args)>(program, aggregate_kernel_fn_name(op.id, "args"));
  k.finish = lookup<decltype(k.finish)>(program, aggregate_kernel_fn_name(op.id, "finish"));
  k.emit = lookup<RowFn>(program, operator_emit_fn_name(op.id));
  return k;
}

/// `results_may_wait`, `whole`: as make_join's (a partitioned OVER's results come out in rounds).
std::unique_ptr<rt::StatefulOperator> make_over(const PhysicalOperator& op, CompiledCode& program, rt::ExecContext* ctx,
                                                int threads, bool results_may_wait, std::string* whole) {
  const std::vector<rt::OverCallSpec> calls = operator_settings(op).calls;  // init copies them
  const rt::OverConfig config = over_config(op, calls);
  const bool partitionable = rt::PartitionedOver::can_partition(config);
  const bool partitioned = threads > 1 && partitionable && results_may_wait;
  if (threads > 1 && !partitioned) *whole = whole_reason(rt::has_key(config.key_layout), partitionable, kResultsShared);
  if (partitioned)
    return std::make_unique<rt::PartitionedOver>(ctx, config, over_kernels(op, program), &op.output_layout, threads);
  return engine_operator<rt::HostedOver>(ctx, config, over_kernels(op, program));
}

rt::WindowAggregateKernels window_aggregate_kernels(const PhysicalOperator& op, CompiledCode& program) {
  rt::WindowAggregateKernels k;
  k.key = lookup<decltype(k.key)>(program, aggregate_kernel_fn_name(op.id, "key"));
  k.update = lookup<decltype(k.update)>(program, aggregate_kernel_fn_name(op.id, "update"));
  k.merge = lookup<decltype(k.merge)>(program, aggregate_kernel_fn_name(op.id, "merge"));
  k.finalize = lookup<decltype(k.finalize)>(program, aggregate_kernel_fn_name(op.id, "finalize"));
  k.emit = lookup<RowFn>(program, operator_emit_fn_name(op.id));
  return k;
}

rt::WindowAggregateConfig hosted_window_aggregate_config(const PhysicalOperator& op) {
  rt::WindowAggregateConfig config = window_aggregate_config(op);
  // A keyed aggregate keeps its groups' first arrivals whatever the thread count, so that a
  // snapshot taken with N threads restores with M (LANGUAGE.md §11).
  config.first_seq = rt::PartitionedWindowAggregate::can_partition(config);
  return config;
}

std::unique_ptr<rt::StatefulOperator> make_window_aggregate(const PhysicalOperator& op, CompiledCode& program,
                                                            rt::ExecContext* ctx, int threads, bool shares_slices,
                                                            std::string* whole) {
  const rt::WindowAggregateKernels k = window_aggregate_kernels(op, program);
  const rt::WindowAggregateConfig config = hosted_window_aggregate_config(op);
  // config.first_seq is can_partition(). One that shares its slices with another (window
  // merging) stays whole: they fire from one store.
  const bool partitioned = threads > 1 && config.first_seq && !shares_slices;
  if (threads > 1 && !partitioned)
    *whole = whole_reason(rt::has_key(config.key_layout) && !config.global, config.first_seq, kSharesSlices);
  if (partitioned)
    return std::make_unique<rt::PartitionedWindowAggregate>(ctx, config, k, &op.input_layout, &op.output_layout, threads);
  return engine_operator<rt::HostedWindowAggregate>(ctx, config, k);
}

/// One runtime operator for a physical operator, wired to its generated kernels.
/// `threads` > 1 partitions a keyed aggregate (LANGUAGE.md §11) unless it `shares_slices`, a
/// keyed window join, and a keyed interval or as-of join or OVER whose `results_may_wait`, all
/// without capacities; `whole` is then set to why an operator with state is not ("" when it is).
std::unique_ptr<rt::StatefulOperator> make_operator(const PhysicalOperator& op, CompiledCode& program, rt::ExecContext* ctx,
                                                    int threads, bool shares_slices, bool results_may_wait,
                                                    std::string* whole) {
  auto emit = lookup<RowFn>(program, operator_emit_fn_name(op.id));
  switch (op.kind) {
    case OperatorKind::WindowAggregate: return make_window_aggregate(op, program, ctx, threads, shares_slices, whole);
    case OperatorKind::WindowAssign: return engine_operator<rt::HostedWindowAssign>(ctx, window_assign_config(op), rt::EmitKernels{emit});
    case OperatorKind::IntervalJoin:
    case OperatorKind::AsofJoin:
    case OperatorKind::WindowJoin: return make_join(op, program, ctx, emit, threads, results_may_wait, whole);
    case OperatorKind::Over: return make_over(op, program, ctx, threads, results_may_wait, whole);
  }
  return nullptr;
}

/// What carries the rows from the readers to the writers.
class RowDriver {
 public:
  virtual ~RowDriver() = default;
  /// Takes the readers (per source stream), before load_state() and run().
  virtual void attach(const std::vector<std::vector<rt::RowReader*>>& readers) = 0;
  /// Feeds every row of the readers in event-time order, calling `after_row` after each and
  /// stopping early when `stop` (null: never) says so; then (not when stopped) ends the input
  /// so every window fires. False when stopped early.
  virtual bool run(const std::function<void()>& after_row, rt::RunStop* stop) = 0;
  /// Every operator emits what it owes for the rows so far (rt::Engine::settle): before a checkpoint.
  virtual void settle() {}
  virtual std::vector<rt::OperatorStats> operator_stats() const = 0;
  /// The state of a checkpoint (between two rows), and its restoration before run().
  virtual void save_state(rt::StateWriter& w) const = 0;
  virtual bool load_state(rt::StateReader& r) = 0;
  /// Where input `i` (streams in order, each stream's files in order) stands.
  virtual rt::InputPosition position(size_t i) const = 0;
  /// The partitioned operators (--threads) and what their partitions took.
  virtual std::vector<ExecutionReport::Partitions> partitions() const { return {}; }
  /// --threads: the operators with state that run whole, and why.
  virtual std::vector<ExecutionReport::Whole> whole_operators() const { return {}; }
  /// `--late`: makes every operator report its late rows to `late`; false when one cannot.
  virtual bool report_late(rt::LateRowWriter& late) = 0;
  /// Where the output rows were formatted, for `--stats`, when the driver decided it ("": not).
  virtual std::string outputs_placement() const { return ""; }
};

/// The runtime operators, wired to a backend's generated functions and driven by rt::Engine.
class OperatorDriver final : public RowDriver {
 public:
  /// `results_may_wait`: per operator, results_may_wait() (empty: none). `live`: some input is
  /// live; operators in rounds then settle whenever the run is about to wait for input. (Every
  /// partitioned operator drops its late rows on the run's thread, so `--late` partitions them
  /// all.) `given` (with `given_for`, its operator's index): an operator made elsewhere, in that
  /// operator's place (a dealt operator's DealtStandIn).
  OperatorDriver(const PhysicalPlan& plan, CompiledCode& program, std::vector<void*> outputs, uint64_t* pipeline_rows,
                 int threads, int64_t idle_timeout_ns = 0, const std::vector<bool>& results_may_wait = {}, bool live = false,
                 int given_for = -1, std::unique_ptr<rt::StatefulOperator> given = nullptr)
      : plan_(plan), program_(program), outputs_(std::move(outputs)), engine_(&ctx_) {
    engine_.set_idle_timeout(idle_timeout_ns);
    engine_.set_settle_before_waiting(live && threads > 1 &&
                                      std::find(results_may_wait.begin(), results_may_wait.end(), true) != results_may_wait.end());
    std::vector<bool> shares_slices(plan.operators.size(), false);
    for (const PhysicalOperator& op : plan.operators)
      if (op.reads_slices_of >= 0) shares_slices[static_cast<size_t>(op.id)] = shares_slices[static_cast<size_t>(op.reads_slices_of)] = true;
    for (const PhysicalOperator& op : plan.operators) {
      const size_t i = static_cast<size_t>(op.id);
      std::string whole;
      if (op.id == given_for)
        operators_.push_back(std::move(given));
      else
        operators_.push_back(make_operator(op, program, &ctx_, threads, shares_slices[i],
                                           i < results_may_wait.size() && results_may_wait[i], &whole));
      if (!whole.empty()) whole_.push_back({i, whole});
      operator_ptrs_.push_back(operators_.back()->target());
    }
    // Window merging: an aggregate that shares another's slices fires from them.
    for (const PhysicalOperator& op : plan.operators)
      if (op.reads_slices_of >= 0) {
        auto* owner = static_cast<rt::HostedWindowAggregate*>(operator_ptrs_[op.reads_slices_of]);
        static_cast<rt::HostedWindowAggregate*>(operator_ptrs_[op.id])->read_slices_of(owner->slice_store());
      }
    ctx_.operators = operator_ptrs_.data();
    ctx_.outputs = outputs_.data();
    ctx_.pipeline_rows = pipeline_rows;
  }

  void attach(const std::vector<std::vector<rt::RowReader*>>& readers) override {
    for (size_t s = 0; s < plan_.sources.size(); ++s) {
      const PhysicalSource& src = plan_.sources[s];
      rt::EngineStream stream;
      stream.name = src.stream;
      stream.row_size = src.layout.size;
      stream.time_offset = src.time_field >= 0 ? static_cast<int32_t>(src.layout.fields[src.time_field].offset) : -1;
      stream.bound_ns = src.watermark_bound_ns;
      stream.entry = lookup<RowFn>(program_, source_entry_fn_name(static_cast<int>(s)));
      stream.readers = readers[s];
      engine_.streams().push_back(std::move(stream));
    }
    for (size_t i = 0; i < plan_.operators.size(); ++i) {
      rt::EngineOperator eo;
      eo.op = operators_[i].get();
      for (const auto& port : plan_.operators[i].port_origins) {
        eo.ports.emplace_back();
        for (const TimeOrigin& t : port) eo.ports.back().push_back({t.is_source, t.index});
      }
      engine_.operators().push_back(std::move(eo));
    }
  }

  bool run(const std::function<void()>& after_row, rt::RunStop* stop) override {
    if (after_row) engine_.set_after_row(after_row);
    engine_.set_stop(stop);
    return engine_.run();
  }
  void settle() override { engine_.settle(); }

  std::vector<rt::OperatorStats> operator_stats() const override {
    std::vector<rt::OperatorStats> out;
    for (const auto& op : operators_) out.push_back(op->stats());
    return out;
  }
  void save_state(rt::StateWriter& w) const override { engine_.save_state(w); }
  bool load_state(rt::StateReader& r) override { return engine_.load_state(r); }
  rt::InputPosition position(size_t i) const override { return engine_.inputs().position(i); }
  bool report_late(rt::LateRowWriter& late) override {
    for (size_t i = 0; i < operators_.size(); ++i)
      if (!operators_[i]->set_late_rows(late.late_rows(i))) return false;
    return true;
  }
  std::vector<ExecutionReport::Partitions> partitions() const override {
    std::vector<ExecutionReport::Partitions> out;
    for (size_t i = 0; i < operators_.size(); ++i)
      if (auto* p = dynamic_cast<const rt::PartitionedOperator*>(operators_[i].get()))
        out.push_back({i, p->partition_rows(), p->rows_gathered(), p->placement(), p->peak_summed()});
    return out;
  }
  std::vector<ExecutionReport::Whole> whole_operators() const override { return whole_; }

  /// A run whose rows another takes (DealtDriver feeding further operators): the engine, for
  /// rt::Engine::prepare() and the watermark moves, and the context the operators emit through.
  rt::Engine& engine() { return engine_; }
  rt::ExecContext* context() { return &ctx_; }

 private:
  const PhysicalPlan& plan_;
  CompiledCode& program_;
  rt::ExecContext ctx_;
  std::vector<void*> outputs_;
  std::vector<std::unique_ptr<rt::StatefulOperator>> operators_;
  std::vector<ExecutionReport::Whole> whole_;  // --threads: the operators not partitioned (make_operator)
  std::vector<void*> operator_ptrs_;
  rt::Engine engine_;
};

/// What DealtDriver and FormattedDriver share: a program over one input file that the parser
/// threads run when the file is split (start() then sets up that run); otherwise, and for what
/// such a run never needs (checkpoints, --on-error fail: parser_threads_may_run()), the operator driver.
class ParserThreadsDriver : public RowDriver {
 public:
  ParserThreadsDriver(const PhysicalPlan& plan, CompiledCode& program, std::vector<void*> outputs, uint64_t* pipeline_rows,
                      int threads)
      : plan_(plan), program_(program), outputs_(outputs), pipeline_rows_(pipeline_rows), threads_(threads),
        fallback_(plan, program, std::move(outputs), pipeline_rows, threads) {}

  void attach(const std::vector<std::vector<rt::RowReader*>>& readers) override {
    fallback_.attach(readers);
    auto* reader = dynamic_cast<rt::ParallelReader*>(readers[0][0]);
    if (!reader || !reader->split()) return;
    reader_ = reader;
    start(*reader);
  }
  std::vector<rt::OperatorStats> operator_stats() const override { return fallback_.operator_stats(); }
  // Run on the parser threads, the operator (if any) is partitioned.
  std::vector<ExecutionReport::Whole> whole_operators() const override {
    return reader_ ? std::vector<ExecutionReport::Whole>{} : fallback_.whole_operators();
  }
  void settle() override { fallback_.settle(); }
  void save_state(rt::StateWriter& w) const override { fallback_.save_state(w); }
  bool load_state(rt::StateReader& r) override { return fallback_.load_state(r); }
  rt::InputPosition position(size_t i) const override { return fallback_.position(i); }
  bool report_late(rt::LateRowWriter& late) override { return fallback_.report_late(late); }

 protected:
  /// The file is split: makes the run on its parser threads.
  virtual void start(rt::ParallelReader& reader) = 0;

  const PhysicalPlan& plan_;
  CompiledCode& program_;
  std::vector<void*> outputs_;
  uint64_t* pipeline_rows_;
  int threads_;
  OperatorDriver fallback_;
  rt::ParallelReader* reader_ = nullptr;  // once split
};

/// Where the rows given to `consumers` go through pipelines: per output whether they reach it,
/// and the operators they reach.
struct Reach {
  std::vector<bool> outputs;
  std::vector<int> operators;
};
Reach reach_of(const PhysicalPlan& plan, std::vector<Consumer> consumers) {
  Reach r{std::vector<bool>(plan.outputs.size(), false), {}};
  while (!consumers.empty()) {
    const Consumer c = consumers.back();
    consumers.pop_back();
    if (c.kind == ConsumerKind::Operator) r.operators.push_back(c.index);
    if (c.kind == ConsumerKind::Output) r.outputs[static_cast<size_t>(c.index)] = true;
    if (c.kind == ConsumerKind::Pipeline)
      for (const Consumer& next : plan.pipelines[static_cast<size_t>(c.index)].consumers) consumers.push_back(next);
  }
  return r;
}

/// Marks in `reached` the outputs that the rows given to `consumers` reach through pipelines;
/// false if they reach an operator other than `op_id`.
bool reach_outputs(const PhysicalPlan& plan, const std::vector<Consumer>& consumers, int op_id, std::vector<bool>* reached) {
  const Reach r = reach_of(plan, consumers);
  for (size_t i = 0; i < r.outputs.size(); ++i)
    if (r.outputs[i]) (*reached)[i] = true;
  return std::all_of(r.operators.begin(), r.operators.end(), [&](int op) { return op == op_id; });
}

/// Per output: whether the source of a program of one operator writes to it through pipelines
/// (not through the operator).
std::vector<bool> source_outputs(const PhysicalPlan& plan) {
  std::vector<bool> from_source(plan.outputs.size(), false);
  reach_outputs(plan, plan.sources[0].consumers, plan.operators[0].id, &from_source);
  return from_source;
}

/// The options of output i's writer.
rt::WriterOptions writer_options(const ExecutionOptions& options, size_t i) {
  rt::WriterOptions writer = options.writer;
  if (i < options.jsonl_outputs.size() && options.jsonl_outputs[i]) writer.format = rt::OutputFormat::Jsonl;
  return writer;
}

/// Makes output i's formatter: what the parser threads (FormattedDriver) or the partitions
/// (DealtDriver) format the rows into.
std::unique_ptr<rt::RowFormatter> make_formatter(const PhysicalPlan& plan, const ExecutionOptions& options, size_t i) {
  return std::make_unique<rt::RowFormatter>(plan.outputs[i].column_names, plan.outputs[i].layout, writer_options(options, i));
}

/// `--threads` over a program of one keyed aggregate or OVER fed by one input file: when the
/// file is split, its rows are dealt out to the operator's partitions by the parser threads
/// (rt::DealtRun, which says why); otherwise the operator driver runs it. `formatted`: the
/// partitions also format the results (outputs_take_formatted()). `feeding` >= 0: the operator
/// of that index is a keyed window aggregate or OVER that alone takes the file's rows and
/// feeds further operators (dealt_feeding_operator()); they run on the run's thread in an
/// engine of their own, which the dealt run moves (rt::DealtReplay).
class DealtDriver final : public ParserThreadsDriver, rt::DealtReplay {
 public:
  DealtDriver(const PhysicalPlan& plan, CompiledCode& program, std::vector<void*> outputs, uint64_t* pipeline_rows,
              const ExecutionOptions& options, bool formatted, int feeding = -1)
      : ParserThreadsDriver(plan, program, std::move(outputs), pipeline_rows, options.threads), options_(options),
        formatted_(formatted), op_index_(feeding >= 0 ? static_cast<size_t>(feeding) : 0), feeding_(feeding >= 0) {}

  bool run(const std::function<void()>& after_row, rt::RunStop* stop) override {
    if (!dealt_) return fallback_.run(after_row, stop);
    const bool completed = dealt_->run(*reader_, stop);
    if (pipeline_rows_) dealt_->add_pipeline_rows(pipeline_rows_);
    return completed;
  }
  std::vector<rt::OperatorStats> operator_stats() const override {
    if (!dealt_) return fallback_.operator_stats();
    std::vector<rt::OperatorStats> stats = rest_ ? rest_->operator_stats() : std::vector<rt::OperatorStats>(1);
    stats[op_index_] = dealt_->stats();
    return stats;
  }
  std::vector<ExecutionReport::Partitions> partitions() const override {
    if (!dealt_) return fallback_.partitions();
    std::vector<ExecutionReport::Partitions> out = rest_ ? rest_->partitions() : std::vector<ExecutionReport::Partitions>{};
    out.insert(out.begin(), {op_index_, dealt_->partition_rows(), 0, "rows dealt out by the parser threads",
                             plan_.operators[op_index_].kind == OperatorKind::Over});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.op < b.op; });
    return out;
  }
  std::vector<ExecutionReport::Whole> whole_operators() const override {
    return rest_ ? rest_->whole_operators() : ParserThreadsDriver::whole_operators();
  }
  std::string outputs_placement() const override {
    if (!dealt_ || !formatted_) return "";
    const std::vector<bool>& from_source = formatting_.from_source;
    if (std::find(from_source.begin(), from_source.end(), true) != from_source.end())
      return "formatted on the partitions' threads, with the filters and projections after the operator, and on the "
             "parser threads for the rows the source writes";
    return "formatted on the partitions' threads, with the filters and projections after the operator";
  }

 private:
  void start(rt::ParallelReader& reader) override {
    const PhysicalOperator& op = plan_.operators[op_index_];
    const PhysicalSource& src = plan_.sources[0];
    rt::ExecContext* ctx = &ctx_;
    rt::DealtStandIn* stand_in = nullptr;
    if (feeding_) {
      // The rest of the program, with a stand-in where the dealt operator was; no input of its own.
      auto made = std::make_unique<rt::DealtStandIn>();
      stand_in = made.get();
      rest_ = std::make_unique<OperatorDriver>(plan_, program_, outputs_, pipeline_rows_, threads_, 0, std::vector<bool>{},
                                               false, op.id, std::move(made));
      rest_->attach(std::vector<std::vector<rt::RowReader*>>(plan_.sources.size()));
      if (late_writer_) rest_->report_late(*late_writer_);  // its operators' late rows, if any (the stand-in's are the run's)
      rest_->engine().prepare();
      ctx = rest_->context();
    } else {
      operators_.assign(plan_.operators.size(), nullptr);  // what the rows after the aggregate read: none
      ctx_.operators = operators_.data();
      ctx_.outputs = outputs_.data();
      ctx_.pipeline_rows = pipeline_rows_;
    }
    rt::DealtSource source;
    source.entry = lookup<RowFn>(program_, source_entry_fn_name(0));
    source.time_offset = src.time_field >= 0 ? static_cast<int32_t>(src.layout.fields[src.time_field].offset) : -1;
    source.bound_ns = src.watermark_bound_ns;
    source.operators = plan_.operators.size();
    source.op_id = static_cast<size_t>(op.id);
    source.outputs = plan_.outputs.size();
    source.pipeline_counters = pipeline_rows_ ? 2 * plan_.pipelines.size() : 0;
    source.late = late_rows_;
    if (feeding_) source.replay = this;
    if (formatted_) {
      for (void* w : outputs_) formatting_.writers.push_back(static_cast<rt::RowWriter*>(w));
      formatting_.make_formatter = [this](size_t i) { return make_formatter(plan_, options_, i); };
      formatting_.from_source = source_outputs(plan_);
    }
    const rt::DealtFormatting* format = formatted_ ? &formatting_ : nullptr;
    if (op.kind == OperatorKind::Over) {
      const std::vector<rt::OverCallSpec> calls = operator_settings(op).calls;  // the constructor copies them
      dealt_ = std::make_unique<rt::DealtOver>(ctx, over_config(op, calls), over_kernels(op, program_), &op.input_layout,
                                               &op.output_layout, threads_, source, reader, format);
    } else {
      dealt_ = std::make_unique<rt::DealtAggregate>(ctx, hosted_window_aggregate_config(op), window_aggregate_kernels(op, program_),
                                                    &op.input_layout, &op.output_layout, threads_, source, reader, format);
    }
    if (stand_in) stand_in->run = dealt_.get();
  }

  // rt::DealtReplay: the source is the rest's only stream.
  void raise_watermark(int64_t w) override { rest_->engine().raise_watermark(0, w); }
  void end_of_input() override { rest_->engine().end_of_input(); }

  /// `--late`: the operator's late rows go where one thread's would (reported by rt::DealtRun's
  /// run's thread, in arrival order).
  bool report_late(rt::LateRowWriter& late) override {
    late_rows_ = late.late_rows(op_index_);
    late_writer_ = &late;
    return fallback_.report_late(late);
  }

  const ExecutionOptions& options_;
  bool formatted_;
  size_t op_index_;  // the dealt operator
  bool feeding_;     // ... feeds further operators
  rt::LateRows late_rows_;          // --late (else reports nothing)
  rt::LateRowWriter* late_writer_ = nullptr;  // --late: where the rest's operators report theirs (feeding)
  rt::DealtFormatting formatting_;  // when formatted_, once started
  rt::ExecContext ctx_;
  std::vector<void*> operators_;
  std::unique_ptr<OperatorDriver> rest_;  // feeding: the operators after the dealt one
  std::unique_ptr<rt::DealtRunner> dealt_;
};

/// What both ways of running a program on the parser threads (DealtDriver, FormattedDriver)
/// need: `--threads`, one source read from one file (not live), and none of what needs one
/// thread's moments: checkpoints, --on-error fail, --drain, --idle-timeout. `why` (may be
/// null): set to the reason, for `--stats`, when it returns false with `--threads`.
bool parser_threads_may_run(const PhysicalPlan& plan, const std::vector<std::vector<InputFile>>& inputs,
                            const ExecutionOptions& options, std::string* why = nullptr) {
  const char* reason = nullptr;
  if (options.threads < 2) return false;
  if (options.checkpoint) reason = "--checkpoint takes its snapshots between the rows of one thread";
  else if (options.fail_fast) reason = "--on-error fail stops at the first malformed row, in one thread's order";
  else if (options.drain || options.idle_timeout_ns != 0) reason = "--drain and --idle-timeout act between the rows of one thread";
  else if (plan.sources.size() != 1 || inputs.size() != 1) reason = "the program reads several inputs, merged by event time on the run's thread";
  else if (inputs[0].size() != 1) reason = "the input is several files, merged by event time on the run's thread";
  else if (inputs[0][0].live) reason = "the input is live, read on the run's thread as it comes";
  if (reason && why) *why = reason;
  return !reason;
}

/// Whether the parser threads could deal out `op`'s rows at all: a keyed aggregate without
/// capacities sharing no slices (rt::DealtAggregateOp::can_deal), or a keyed OVER without
/// capacities (rt::DealtOverOp::can_deal). The others run whole or once, which `--stats` says.
bool dealable_kind(const PhysicalOperator& op) {
  if (op.kind == OperatorKind::Over) {
    const std::vector<rt::OverCallSpec> calls = operator_settings(op).calls;
    return rt::DealtOverOp::can_deal(over_config(op, calls));
  }
  return op.kind == OperatorKind::WindowAggregate && op.reads_slices_of < 0 &&
         rt::DealtAggregateOp::can_deal(hosted_window_aggregate_config(op));
}

bool outputs_take_formatted(const std::vector<std::FILE*>& outputs, const ExecutionOptions& options);

/// `--stats`' reason when an_output_takes_reports().
constexpr const char* kOutputTakesReports =
    "an output shares its file with the rejects, the messages or the late rows, which the parser threads report a chunk at a time";

/// Whether an output shares its file with the rejects, the messages or the late rows, which a
/// run on the parser threads reports at other moments than one thread (a chunk at a time).
bool an_output_takes_reports(const std::vector<std::FILE*>& outputs, const ExecutionOptions& options) {
  return std::any_of(outputs.begin(), outputs.end(),
                     [&](std::FILE* f) { return f == options.rejects || f == options.messages || f == options.late; });
}

/// Whether DealtDriver may run the program: parser_threads_may_run(), and one keyed aggregate
/// or OVER (rt::DealtAggregateOp::can_deal, rt::DealtOverOp::can_deal) that only that file's
/// rows reach, with outputs of its own (no rejects or messages between its rows: they are
/// reported a chunk at a time). The source may also write to outputs of its own when every
/// output takes formatted rows (outputs_take_formatted(): the parser threads format them).
/// The test hook VLAC_TEST_NO_DEALING makes the run's thread feed the operator's partitions
/// instead, so that the tests' one-operator programs cover that way too.
bool dealable(const PhysicalPlan& plan, const std::vector<std::vector<InputFile>>& inputs,
              const std::vector<std::FILE*>& outputs, const ExecutionOptions& options, std::string* why) {
  if (plan.operators.size() != 1 || !dealable_kind(plan.operators[0]) || std::getenv("VLAC_TEST_NO_DEALING") ||
      !parser_threads_may_run(plan, inputs, options, why))
    return false;
  const PhysicalOperator& op = plan.operators[0];
  if (an_output_takes_reports(outputs, options)) {
    *why = kOutputTakesReports;
    return false;
  }
  // The source's rows reach the operator, through pipelines, and maybe outputs that the
  // operator's rows do not reach.
  std::vector<bool> from_source(plan.outputs.size(), false), from_operator(plan.outputs.size(), false);
  if (!reach_outputs(plan, plan.sources[0].consumers, op.id, &from_source) ||
      !reach_outputs(plan, op.consumers, op.id, &from_operator))
    return false;
  bool source_writes = false;
  for (size_t i = 0; i < from_source.size(); ++i) {
    if (from_source[i] && from_operator[i]) {
      *why = "an output takes both the file's rows and the operator's";
      return false;
    }
    source_writes |= from_source[i];
  }
  if (source_writes && !outputs_take_formatted(outputs, options)) {
    *why = "the file's rows also go to an output that is not a CSV or JSON Lines file of its own";
    return false;
  }
  return true;
}

/// The operator whose rows DealtDriver may deal out while it feeds further operators (rt::DealtRun
/// says how), or -1: parser_threads_may_run(), several operators, and the source's rows reach
/// one of them only (dealable_kind()), and no output on the file of the rejects, messages or
/// late rows (reported a chunk at a time). `why`: set to the reason, for `--stats`, where one
/// says more than the operator's own line. The test hook VLAC_TEST_NO_DEALING turns it off, as
/// for dealable().
int dealt_feeding_operator(const PhysicalPlan& plan, const std::vector<std::vector<InputFile>>& inputs,
                           const std::vector<std::FILE*>& outputs, const ExecutionOptions& options, std::string* why) {
  if (plan.operators.size() < 2 || std::none_of(plan.operators.begin(), plan.operators.end(), dealable_kind) ||
      std::getenv("VLAC_TEST_NO_DEALING") || !parser_threads_may_run(plan, inputs, options, why))
    return -1;
  const Reach source = reach_of(plan, plan.sources[0].consumers);
  if (source.operators.empty()) return -1;
  if (std::find(source.outputs.begin(), source.outputs.end(), true) != source.outputs.end()) {
    *why = "the file's rows also go to an output, beside the operators";
    return -1;
  }
  std::vector<int> reached = source.operators;
  std::sort(reached.begin(), reached.end());
  reached.erase(std::unique(reached.begin(), reached.end()), reached.end());
  if (reached.size() > 1) {
    *why = "the file's rows reach " + std::to_string(reached.size()) + " operators (";
    for (size_t i = 0; i < reached.size(); ++i) *why += (i ? ", #" : "#") + std::to_string(reached[i]);
    *why += ")";
    return -1;
  }
  const int a = reached[0];
  if (!dealable_kind(plan.operators[static_cast<size_t>(a)])) return -1;  // whole or once: --stats says why
  for (const PhysicalOperator& other : plan.operators) {
    if (other.reads_slices_of == a) return -1;  // whole: --stats says why
    if (other.id == a) continue;
    for (const auto& port : other.port_origins)  // the source's watermark reaches the others through the operator only
      for (const TimeOrigin& t : port)
        if (t.is_source) {
          *why = "operator #" + std::to_string(other.id) + " also takes the file's watermark";
          return -1;
        }
  }
  if (an_output_takes_reports(outputs, options)) {
    *why = kOutputTakesReports;
    return -1;
  }
  return a;
}

/// `--threads` over a program of pipelines only, fed by one input file: when the file is split,
/// the parser threads run the pipelines and format the output rows (rt::FormattedRun, which
/// says why); otherwise the operator driver runs it.
class FormattedDriver final : public ParserThreadsDriver {
 public:
  FormattedDriver(const PhysicalPlan& plan, CompiledCode& program, std::vector<void*> outputs, uint64_t* pipeline_rows,
                  const ExecutionOptions& options)
      : ParserThreadsDriver(plan, program, std::move(outputs), pipeline_rows, options.threads), options_(options) {}

  bool run(const std::function<void()>& after_row, rt::RunStop* stop) override {
    if (!formatted_) return fallback_.run(after_row, stop);
    const bool completed = formatted_->run(*reader_, stop);
    if (pipeline_rows_) formatted_->add_pipeline_rows(pipeline_rows_);
    return completed;
  }
  std::string outputs_placement() const override {
    return formatted_ ? "formatted on the parser threads, with the filters and projections before them" : "";
  }

 private:
  void start(rt::ParallelReader& reader) override {
    rt::FormattedSource source;
    source.entry = lookup<RowFn>(program_, source_entry_fn_name(0));
    source.pipeline_counters = pipeline_rows_ ? 2 * plan_.pipelines.size() : 0;
    std::vector<rt::RowWriter*> writers;
    for (void* w : outputs_) writers.push_back(static_cast<rt::RowWriter*>(w));
    formatted_ = std::make_unique<rt::FormattedRun>(
        source, std::move(writers), [&](size_t i) { return make_formatter(plan_, options_, i); }, reader);
  }

  const ExecutionOptions& options_;
  std::unique_ptr<rt::FormattedRun> formatted_;
};

/// Whether rows formatted elsewhere may be written to the outputs in bytes: CSV or JSON Lines
/// outputs each on a file of its own (not shared with another output, rejects or messages: they
/// would interleave differently).
bool outputs_take_formatted(const std::vector<std::FILE*>& outputs, const ExecutionOptions& options) {
  if (outputs.empty()) return false;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (writer_options(options, i).format == rt::OutputFormat::Table) return false;
    if (outputs[i] == options.rejects || outputs[i] == options.messages) return false;
    for (size_t j = 0; j < i; ++j)
      if (outputs[j] == outputs[i]) return false;
  }
  return true;
}

/// Whether FormattedDriver may run the program: parser_threads_may_run(), no operator, and
/// outputs_take_formatted().
bool formattable(const PhysicalPlan& plan, const std::vector<std::vector<InputFile>>& inputs,
                 const std::vector<std::FILE*>& outputs, const ExecutionOptions& options) {
  return parser_threads_may_run(plan, inputs, options) && plan.operators.empty() && outputs_take_formatted(outputs, options);
}

/// The firmware class compiled for this machine: it keeps its own watermarks, so it only needs
/// the rows in event-time order (rt::InputMerger, as the engine reads them) and the end.
class FirmwareDriver final : public RowDriver {
 public:
  /// `threads`: `--threads`, which parses the files on threads; the class runs every operator.
  FirmwareDriver(const PhysicalPlan& plan, cpp::FirmwareProgram& program, std::vector<void*> outputs, uint64_t* pipeline_rows,
                 int threads)
      : plan_(plan), program_(program), outputs_(std::move(outputs)), threads_(threads) {
    auto write = [](void* writer, const uint8_t* row) { static_cast<rt::RowWriter*>(writer)->write(row); };
    program_.start(write, outputs_.data(), pipeline_rows);
  }

  std::vector<ExecutionReport::Whole> whole_operators() const override {
    std::vector<ExecutionReport::Whole> whole;
    if (threads_ > 1)
      for (size_t i = 0; i < plan_.operators.size(); ++i)
        if (plan_.operators[i].kind != OperatorKind::WindowAssign) whole.push_back({i, kFirmwareClass});
    return whole;
  }

  void attach(const std::vector<std::vector<rt::RowReader*>>& readers) override {
    for (size_t s = 0; s < plan_.sources.size(); ++s) {
      const PhysicalSource& src = plan_.sources[s];
      const int32_t time_offset = src.time_field >= 0 ? static_cast<int32_t>(src.layout.fields[src.time_field].offset) : -1;
      for (rt::RowReader* r : readers[s]) inputs_.add(static_cast<int>(s), r, src.layout.size, time_offset);
    }
  }

  bool run(const std::function<void()>& after_row, rt::RunStop* stop) override {
    int stream;
    const uint8_t* row;
    int64_t time;
    while (inputs_.next(&stream, &row, &time)) {
      program_.push(stream, row);
      if (after_row) after_row();
      if (stop && stop->after_row()) return false;
    }
    if (stop && stop->now()) return false;
    program_.finish();
    return true;
  }

  std::vector<rt::OperatorStats> operator_stats() const override {
    std::vector<rt::OperatorStats> out;
    for (size_t i = 0; i < plan_.operators.size(); ++i) out.push_back(program_.operator_stats(i));
    return out;
  }
  /// The class's own snapshot() (LANGUAGE.md §10), as one length-prefixed block.
  void save_state(rt::StateWriter& w) const override {
    const std::vector<uint8_t> bytes = program_.snapshot();
    w.u64(bytes.size());
    w.bytes(bytes.data(), bytes.size());
  }
  bool load_state(rt::StateReader& r) override {
    const uint64_t n = r.u64();
    const uint8_t* bytes = r.view(n);
    return bytes && program_.restore(bytes, n);
  }
  rt::InputPosition position(size_t i) const override { return inputs_.position(i); }
  /// The firmware class counts late rows but reports none (LANGUAGE.md §9; `vlac run` refuses
  /// --late with --backend firmware).
  bool report_late(rt::LateRowWriter&) override { return false; }

 private:
  const PhysicalPlan& plan_;
  cpp::FirmwareProgram& program_;
  std::vector<void*> outputs_;
  int threads_;
  rt::InputMerger inputs_;
};

/// What `--late` needs to know of each operator: its `--stats` name, and per input port the
/// stream it reads and its visible columns.
std::vector<rt::LateOperator> late_operators(const PhysicalPlan& plan) {
  std::vector<rt::LateOperator> out;
  for (const PhysicalOperator& op : plan.operators) {
    rt::LateOperator lo;
    lo.name = "#" + std::to_string(op.id) + " " + op.display_name;
    for (size_t p = 0; p < op.port_inputs.size(); ++p) {
      const OperatorInput& in = op.port_inputs[p];
      const rt::RowLayout& full = op.port_layouts[p];
      rt::LatePort port;
      port.stream = in.stream;
      port.layout.size = full.size;
      port.layout.null_bytes = full.null_bytes;
      for (size_t c = 0; c < in.column_names.size() && c < full.fields.size(); ++c) {
        if (!in.visible[c]) continue;
        port.column_names.push_back(in.column_names[c]);
        port.layout.fields.push_back(full.fields[c]);
      }
      lo.ports.push_back(std::move(port));
    }
    out.push_back(std::move(lo));
  }
  return out;
}

using MakeDriver = std::function<std::unique_ptr<RowDriver>(std::vector<void*> outputs, uint64_t* pipeline_rows)>;

/// The reader of one input; for standard input under `--checkpoint`, one that journals every
/// byte it reads and, when restoring, first replays the journal from the snapshot's position
/// (`*replay_fd`: the journal descriptor the caller closes after the run).
std::unique_ptr<rt::RowReader> open_reader(const InputFile& in, const rt::SourceSpec& spec, rt::RejectSink& rejects,
                                           const CheckpointOptions* checkpoint, const rt::SnapshotInput* at,
                                           int* replay_fd, int threads, std::string* error) {
  // A file may be parsed on several threads (LANGUAGE.md §11); a checkpoint needs its positions.
  if (!in.live) return rt::open_file_reader(in.format, in.display_name, in.file, spec, rejects, threads, checkpoint != nullptr);
  rt::ReadOptions source;
  source.prefix = in.prefix;  // an MQTT CSV source's header
  source.read_to_end_after_stop = in.read_to_end_after_stop;
  if (!checkpoint || !checkpoint->journal) return rt::open_row_reader(in.format, in.display_name, in.file, spec, rejects, source);
  source.tee_fd = checkpoint->journal->append_fd();
  if (at) {
    source.prefix = at->header_text;
    source.replay_fd = *replay_fd = checkpoint->journal->open_replay(at->offset, error);
    if (source.replay_fd < 0) return nullptr;
  }
  return rt::open_row_reader(in.format, in.display_name, in.file, spec, rejects, source);
}

/// Opens the readers and writers, runs `make_driver`'s driver over them and reports.
ExecutionReport run_program(const PhysicalPlan& plan, const std::vector<std::vector<InputFile>>& inputs,
                            const std::vector<std::FILE*>& outputs, const ExecutionOptions& options,
                            const MakeDriver& make_driver, bool formatted_on_parser_threads = false) {
  ExecutionReport report;
  const CheckpointOptions* checkpoint = options.checkpoint;
  const rt::Snapshot* restore = checkpoint ? checkpoint->restore : nullptr;
  std::vector<std::unique_ptr<rt::RowWriter>> writers;
  std::vector<void*> output_ptrs;
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    rt::WriterOptions writer = writer_options(options, i);
    // A restored output already holds its header (and rows) unless it was still empty.
    writer.resume = restore && i < restore->outputs.size() && restore->outputs[i].bytes > 0;
    writers.push_back(rt::make_row_writer(outputs[i], plan.outputs[i].column_names, plan.outputs[i].layout, writer));
  }
  // With threads to spare, output rows are formatted and written on a thread of their own, when
  // every input is a file (rt::OutputThread says why), and no late row or rejected record shares
  // a file with them (`--late -`, `--rejects -`), written by the run's thread in between. A
  // checkpoint flushes the outputs through the thread (everything handed over is written first),
  // so it records the bytes of the rows before it.
  bool own_thread = options.threads > 1 && !writers.empty() && !formatted_on_parser_threads;
  for (const auto& files : inputs)
    for (const InputFile& in : files) own_thread &= !in.live;
  for (std::FILE* f : outputs) own_thread &= f != options.late && f != options.rejects;
  std::unique_ptr<rt::OutputThread> output_thread;
  if (own_thread) {
    std::vector<rt::RowWriter*> real;
    std::vector<const rt::RowLayout*> layouts;
    for (size_t i = 0; i < writers.size(); ++i) {
      real.push_back(writers[i].get());
      layouts.push_back(&plan.outputs[i].layout);
    }
    output_thread = std::make_unique<rt::OutputThread>(std::move(real), std::move(layouts));
  }
  // What the run writes through: the writers, or the output thread's fronts for them.
  std::vector<rt::RowWriter*> sinks;
  for (size_t i = 0; i < writers.size(); ++i) {
    sinks.push_back(output_thread ? output_thread->writer(i) : writers[i].get());
    output_ptrs.push_back(sinks.back());
  }
  report.pipeline_rows.assign(2 * plan.pipelines.size(), 0);
  // Left null unless asked for: the generated counters then skip their increments.
  std::unique_ptr<RowDriver> driver = make_driver(output_ptrs, options.count_pipeline_rows ? report.pipeline_rows.data() : nullptr);
  // --late: every operator reports the rows it drops as late to one writer.
  std::unique_ptr<rt::LateRowWriter> late;
  if (options.late) {
    late = rt::make_late_row_writer(options.late, late_operators(plan), options.writer);
    if (!driver->report_late(*late)) {
      report.ok = false;
      report.error = "--late: this run's operators cannot report late rows";
      return report;
    }
  }

  rt::RejectSink rejects(options.messages, options.rejects, options.fail_fast ? rt::OnError::Fail : rt::OnError::Skip);
  std::vector<std::unique_ptr<rt::RowReader>> readers;
  std::vector<std::vector<rt::RowReader*>> per_source(plan.sources.size());
  std::vector<RunCheckpoints::Input> checkpoint_inputs;
  std::vector<std::string> input_names;
  int replay_fd = -1;
  struct CloseFd {
    int& fd;
    ~CloseFd() {
      if (fd >= 0) ::close(fd);
    }
  } close_replay{replay_fd};
  bool live = false;
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    const PhysicalSource& src = plan.sources[s];
    for (const InputFile& in : inputs[s]) {
      live |= in.live;
      if (in.record_number) rejects.number_records(in.display_name, in.record_number);
      const rt::SnapshotInput* at = restore ? &restore->inputs[checkpoint_inputs.size()] : nullptr;
      rt::SourceSpec spec{src.stream, src.column_names, src.layout, src.read_columns};
      auto reader = open_reader(in, spec, rejects, checkpoint, at, &replay_fd, options.threads, &report.error);
      if (!reader || !reader->open(&report.error) || (at && !reader->seek(position_of(*at), &report.error))) {
        report.ok = false;
        if (options.cancel && options.cancel->load()) {  // a signal interrupted the wait for a header
          report.cancelled = true;
          report.error = "cancelled";
        }
        return report;
      }
      per_source[s].push_back(reader.get());
      checkpoint_inputs.push_back({src.stream, in.display_name, in.live, in.live ? -1 : fileno(in.file), reader.get()});
      input_names.push_back(in.display_name);
      readers.push_back(std::move(reader));
    }
  }
  driver->attach(per_source);
  if (restore) {
    rt::StateReader r(restore->state.data(), restore->state.size());
    bool fits = r.u64() == report.pipeline_rows.size();
    for (uint64_t& n : report.pipeline_rows) n = r.u64();
    if (!fits || !driver->load_state(r) || !r.at_end()) {
      report.ok = false;
      report.error = "checkpoint " + std::to_string(restore->id) + " does not fit this program's state (damaged?)";
      return report;
    }
  }
  std::function<void()> after_row;
  if (live) after_row = [&] {
    for (rt::RowWriter* w : sinks) w->flush();
    if (late) late->flush();
  };
  // A failed write stops the run: nothing more can be delivered.
  std::vector<const rt::RowWriter*> watched;
  for (const rt::RowWriter* w : sinks) watched.push_back(w);
  if (late) watched.push_back(late.get());
  // A signal ends live inputs after what had arrived, where StopSignals' wake pipe makes their
  // reads see it (vlac run; not the REPL's Ctrl-C); a run with files stops after the row.
  bool all_live = !readers.empty() && rt::StopSignals::wake_fd() >= 0;
  for (const auto& files : inputs)
    for (const InputFile& in : files) all_live &= in.live;
  const rt::RunStop::OnSignal on_signal = options.drain ? rt::RunStop::OnSignal::Drain
                                          : all_live    ? rt::RunStop::OnSignal::EndLiveInputs
                                                        : rt::RunStop::OnSignal::Stop;
  rt::RunStop stop(&rejects, options.cancel, std::move(watched), live, on_signal);

  std::unique_ptr<RunCheckpoints> checkpoints;
  if (checkpoint) {
    std::vector<RunCheckpoints::Output> checkpoint_outputs;
    for (size_t i = 0; i < writers.size(); ++i)
      checkpoint_outputs.push_back({i < options.output_names.size() ? options.output_names[i] : plan.outputs[i].name,
                                    outputs[i], sinks[i]});
    if (options.rejects) checkpoint_outputs.push_back({options.rejects_name, options.rejects, nullptr});
    if (late) checkpoint_outputs.push_back({options.late_name, options.late, late.get()});  // cut back like the outputs
    checkpoints = std::make_unique<RunCheckpoints>(
        *checkpoint, std::move(checkpoint_inputs), std::move(checkpoint_outputs),
        [&](size_t i) { return driver->position(i); },
        [&](rt::StateWriter& w) {
          w.u64(report.pipeline_rows.size());
          for (uint64_t n : report.pipeline_rows) w.u64(n);
          driver->save_state(w);
        });
    const uint64_t rows = checkpoint->stop_after_rows ? checkpoint->stop_after_rows : checkpoint->every_rows;
    // Settled first: what the rows so far owe is written before the outputs are flushed.
    stop.set_checkpoints(rows, checkpoint->stop_after_rows ? 0 : checkpoint->every_ns, [&] {
      driver->settle();
      return checkpoints->take();
    });
  }
  bool completed = driver->run(after_row, &stop);
  const bool cancelled = options.cancel && options.cancel->load();
  // SIGINT/SIGTERM under --checkpoint: a last checkpoint, so the next run goes on from here.
  if (!completed && cancelled && checkpoints && checkpoints->error().empty() && !checkpoints->stopped_by_hook())
    checkpoints->take(/*final=*/true);
  if (checkpoints) checkpoints->wait();  // a commit in flight when the run stopped
  for (rt::RowWriter* w : sinks) w->finish();
  if (late) late->finish();
  report.outputs_placement = output_thread ? output_thread->placement() : driver->outputs_placement();

  for (size_t s = 0; s < plan.sources.size(); ++s) {
    rt::InputStats sum;
    for (rt::RowReader* r : per_source[s]) {
      sum.read += r->stats().read;
      sum.accepted += r->stats().accepted;
      sum.rejected += r->stats().rejected;
    }
    report.sources.push_back(sum);
  }
  report.operators = driver->operator_stats();
  report.partitioned_operators = driver->partitions();
  report.whole_operators = driver->whole_operators();
  for (size_t i = 0; i < readers.size(); ++i)
    if (auto* p = dynamic_cast<const rt::ParallelReader*>(readers[i].get()); p && p->parallel_stats().parallel)
      report.parallel_inputs.emplace_back(input_names[i], p->parallel_stats());
  for (const auto& r : readers) {
    if (!cancelled && !r->read_error().empty()) {
      report.ok = false;
      report.error = r->read_error();
    }
  }
  if (checkpoints) {
    report.checkpoints = checkpoints->taken();
    report.last_checkpoint = checkpoints->last_id();
    report.checkpoint_seconds = checkpoints->seconds();
    report.checkpoint_commit_seconds = checkpoints->commit_seconds();
    report.checkpoint_state_bytes = checkpoints->last_state_bytes();
    report.stopped_after_checkpoint = checkpoints->stopped_by_hook();
  }
  if (!completed && !report.stopped_after_checkpoint) {
    report.ok = false;
    report.cancelled = cancelled;
    report.error = cancelled ? "cancelled" : "stopped at the first malformed row (--on-error fail)";
  }
  if (checkpoints && !checkpoints->error().empty()) {
    report.ok = false;
    report.cancelled = false;
    report.error = checkpoints->error();
  }
  // A write error explains everything after it, so it is the one reported.
  if (rejects.rejects_error() != 0) {
    report.ok = false;
    report.cancelled = false;
    report.error = rt::write_error_message(options.rejects_name.empty() ? "the rejects file" : options.rejects_name,
                                           rejects.rejects_error());
  }
  if (late && late->error() != 0) {
    report.ok = false;
    report.cancelled = false;
    report.error = rt::write_error_message(options.late_name, late->error());
  }
  for (size_t i = 0; i < writers.size(); ++i) {
    if (writers[i]->error() == 0) continue;
    report.ok = false;
    report.cancelled = false;
    report.error = rt::write_error_message(i < options.output_names.size() ? options.output_names[i] : plan.outputs[i].name,
                                           writers[i]->error());
    break;
  }
  return report;
}

bool any_live(const std::vector<std::vector<InputFile>>& inputs) {
  for (const auto& files : inputs)
    for (const InputFile& in : files)
      if (in.live) return true;
  return false;
}

/// Per operator: whether its results may come out a little after the rows that made them (in
/// rounds: rt::PartitionedIntervalJoin, rt::PartitionedAsofJoin, rt::PartitionedOver), because nothing else is ordered
/// against them. (With live input the engine settles them whenever it is about to wait for
/// input, so that the results of what has arrived are out when one thread's would be:
/// rt::Engine::set_settle_before_waiting.) Its rows
/// reach outputs where no other path writes, each a file of its own (not shared with another
/// output, the rejects, the messages or the late rows); and operators with one input, fed by it
/// alone, whose rows do the same, and so on. Such an operator sees the same rows in the same
/// order, with a watermark that advances later and in larger steps (the join's waits for its
/// rounds): it fires the same windows, in the same order, and drops nothing more as late.
std::vector<bool> results_may_wait(const PhysicalPlan& plan, const std::vector<std::FILE*>& outputs,
                                   const ExecutionOptions& options) {
  std::vector<bool> may_wait(plan.operators.size(), false);
  // Per origin (each source, then each operator): where its rows go.
  std::vector<Reach> reach;
  for (const PhysicalSource& src : plan.sources) reach.push_back(reach_of(plan, src.consumers));
  for (const PhysicalOperator& op : plan.operators) reach.push_back(reach_of(plan, op.consumers));
  auto output_alone = [&](size_t me, size_t i) {
    for (size_t other = 0; other < reach.size(); ++other)
      if (other != me && reach[other].outputs[i]) return false;
    if (i >= outputs.size() || outputs[i] == options.rejects || outputs[i] == options.messages || outputs[i] == options.late)
      return false;
    for (size_t j = 0; j < outputs.size(); ++j)
      if (j != i && outputs[j] == outputs[i]) return false;
    return true;
  };
  // Operators come in topological order: the ones after an operator are decided first, from the
  // back.
  for (size_t o = plan.operators.size(); o-- > 0;) {
    const size_t me = plan.sources.size() + o;
    bool alone = true;
    for (size_t i = 0; i < plan.outputs.size() && alone; ++i)
      if (reach[me].outputs[i]) alone = output_alone(me, i);
    for (int d : reach[me].operators) {
      const std::vector<std::vector<TimeOrigin>>& ports = plan.operators[static_cast<size_t>(d)].port_origins;
      alone &= ports.size() == 1 && ports[0].size() == 1 && !ports[0][0].is_source &&
               ports[0][0].index == static_cast<int>(o) && may_wait[static_cast<size_t>(d)];
    }
    may_wait[o] = alone;
  }
  return may_wait;
}

}  // namespace

ExecutionReport execute(const PhysicalPlan& plan, CompiledCode& program,
                        const std::vector<std::vector<InputFile>>& inputs, const std::vector<std::FILE*>& outputs,
                        const ExecutionOptions& options) {
  // --stats: why the parser threads did not deal out a keyed operator's rows, where that is
  // not said by the operator's own line (whole, or runs once).
  std::string one_why, feeding_why;
  const bool dealt = dealable(plan, inputs, outputs, options, &one_why);
  const int feeding = dealt ? -1 : dealt_feeding_operator(plan, inputs, outputs, options, &feeding_why);
  const std::string not_dealt = dealt || feeding >= 0 ? "" : plan.operators.size() == 1 ? one_why : feeding_why;
  // Pipelines only: formatted on the parser threads, so no output thread (FormattedDriver). A
  // dealt operator's results: formatted on its partitions' threads, likewise.
  const bool formatted = formattable(plan, inputs, outputs, options);
  const bool dealt_formatted = dealt && outputs_take_formatted(outputs, options);
  ExecutionReport report = run_program(plan, inputs, outputs, options, [&](std::vector<void*> writers, uint64_t* pipeline_rows) -> std::unique_ptr<RowDriver> {
    if (dealt)
      return std::make_unique<DealtDriver>(plan, program, std::move(writers), pipeline_rows, options, dealt_formatted);
    if (feeding >= 0)
      return std::make_unique<DealtDriver>(plan, program, std::move(writers), pipeline_rows, options, false, feeding);
    if (formatted) return std::make_unique<FormattedDriver>(plan, program, std::move(writers), pipeline_rows, options);
    return std::make_unique<OperatorDriver>(plan, program, std::move(writers), pipeline_rows, options.threads,
                                            options.idle_timeout_ns, results_may_wait(plan, outputs, options),
                                            any_live(inputs));
  }, formatted || dealt_formatted);
  if (!report.parallel_inputs.empty()) report.not_dealt = not_dealt;  // said only where a file was split
  return report;
}

ExecutionReport execute_firmware(const PhysicalPlan& plan, cpp::FirmwareProgram& program,
                                 const std::vector<std::vector<InputFile>>& inputs, const std::vector<std::FILE*>& outputs,
                                 const ExecutionOptions& options) {
  return run_program(plan, inputs, outputs, options, [&](std::vector<void*> writers, uint64_t* pipeline_rows) {
    return std::make_unique<FirmwareDriver>(plan, program, std::move(writers), pipeline_rows, options.threads);
  });
}

std::vector<rt::OperatorStats> execute_rows(const PhysicalPlan& plan, CompiledCode& program,
                                            const std::vector<std::vector<rt::RowReader*>>& readers,
                                            const std::vector<rt::RowWriter*>& writers) {
  OperatorDriver driver(plan, program, std::vector<void*>(writers.begin(), writers.end()), nullptr, 1);
  driver.attach(readers);
  driver.run({}, nullptr);
  return driver.operator_stats();
}

namespace {

/// The pipeline that alone takes an operator's rows when it starts with a filter (HAVING):
/// the operator's rows "out" are the rows that pass it. -1 otherwise.
int having_pipeline(const PhysicalPlan& plan, const PhysicalOperator& op) {
  if (op.consumers.size() != 1 || op.consumers[0].kind != ConsumerKind::Pipeline) return -1;
  const Pipeline& p = plan.pipelines[static_cast<size_t>(op.consumers[0].index)];
  return !p.steps.empty() && p.steps[0].kind == PipelineStep::Kind::Filter ? p.id : -1;
}

/// The rows an operator gave, after the HAVING that reads it.
uint64_t operator_rows_out(const PhysicalPlan& plan, const ExecutionReport& report, size_t i) {
  if (int p = having_pipeline(plan, plan.operators[i]); p >= 0 && 2 * static_cast<size_t>(p) + 1 < report.pipeline_rows.size())
    return report.pipeline_rows[2 * static_cast<size_t>(p) + 1];
  return i < report.operators.size() ? report.operators[i].rows_out : 0;
}

/// The rows a source, pipeline or operator gave (a pipeline's when it is counted).
uint64_t rows_out_of(const PhysicalPlan& plan, const ExecutionReport& report, RowOrigin o) {
  const size_t i = static_cast<size_t>(o.index);
  switch (o.kind) {
    case RowOrigin::Source: return i < report.sources.size() ? report.sources[i].accepted : 0;
    case RowOrigin::Pipeline: return 2 * i + 1 < report.pipeline_rows.size() ? report.pipeline_rows[2 * i + 1] : 0;
    case RowOrigin::Operator: return operator_rows_out(plan, report, i);
  }
  return 0;
}

}  // namespace

void print_stats(std::FILE* to, const PhysicalPlan& plan, const ExecutionReport& report, const CompiledCode& program) {
  std::fprintf(to, "vlac: stats (%s compile %.0f ms)\n", program.backend_name(), program.compile_ms());
  for (size_t s = 0; s < plan.sources.size() && s < report.sources.size(); ++s) {
    const rt::InputStats& st = report.sources[s];
    std::fprintf(to, "  source %s: %llu read, %llu accepted, %llu rejected\n", plan.sources[s].stream.c_str(),
                 static_cast<unsigned long long>(st.read), static_cast<unsigned long long>(st.accepted),
                 static_cast<unsigned long long>(st.rejected));
  }
  for (size_t i = 0; i < plan.operators.size() && i < report.operators.size(); ++i) {
    const rt::OperatorStats& st = report.operators[i];
    const uint64_t out = operator_rows_out(plan, report, i);  // an aggregate's, after its HAVING
    std::fprintf(to, "  operator #%zu %s: %llu in, %llu out, %llu late, %llu over capacity", i,
                 plan.operators[i].display_name.c_str(), static_cast<unsigned long long>(st.rows_in),
                 static_cast<unsigned long long>(out), static_cast<unsigned long long>(st.late_dropped),
                 static_cast<unsigned long long>(st.capacity_dropped));
    OperatorKind kind = plan.operators[i].kind;
    if (kind == OperatorKind::WindowAggregate && plan.operators[i].windowed)
      std::fprintf(to, ", %llu windows updated", static_cast<unsigned long long>(st.windows_updated));
    if (kind != OperatorKind::WindowAggregate && kind != OperatorKind::WindowAssign) {
      std::fprintf(to, ", %llu buffered (peak %llu", static_cast<unsigned long long>(st.buffered),
                   static_cast<unsigned long long>(st.peak_buffered));
      for (const ExecutionReport::Partitions& p : report.partitioned_operators)
        if (p.op == i && p.peak_summed) std::fprintf(to, ", summed over %zu partitions", p.rows.size());
      std::fputc(')', to);
    }
    std::fputc('\n', to);
  }
  // Filters (WHERE, HAVING) live in fused pipelines; each pipeline with one is listed.
  for (const Pipeline& p : plan.pipelines) {
    const size_t slot = 2 * static_cast<size_t>(p.id);
    if (!has_filter(p) || slot + 1 >= report.pipeline_rows.size()) continue;
    std::fprintf(to, "  pipeline #%d Filter: %llu in, %llu out\n", p.id, static_cast<unsigned long long>(report.pipeline_rows[slot]),
                 static_cast<unsigned long long>(report.pipeline_rows[slot + 1]));
  }
  if (report.checkpoints > 0)
    std::fprintf(to,
                 "  checkpoints: %llu written (last %llu), %.2f ms of the run each, %.2f ms to commit, %llu bytes of state\n",
                 static_cast<unsigned long long>(report.checkpoints), static_cast<unsigned long long>(report.last_checkpoint),
                 1e3 * report.checkpoint_seconds / static_cast<double>(report.checkpoints),
                 1e3 * report.checkpoint_commit_seconds / static_cast<double>(report.checkpoints),
                 static_cast<unsigned long long>(report.checkpoint_state_bytes));
  // --threads: how each split input was parsed, and how evenly its parser threads shared it
  // (skew: the busiest thread's records over the mean). The run's own thread comes last.
  for (const auto& [name, p] : report.parallel_inputs) {
    const size_t parsers = p.rows_per_thread.size() - 1;
    uint64_t total = 0, most = 0;
    std::string parts;
    for (size_t t = 0; t < parsers; ++t) {
      total += p.rows_per_thread[t];
      most = std::max(most, p.rows_per_thread[t]);
      parts += (parts.empty() ? "" : " + ") + std::to_string(p.rows_per_thread[t]);
    }
    const double mean = static_cast<double>(total) / static_cast<double>(parsers);
    std::fprintf(to, "  input %s: %llu chunks parsed on %zu threads (records %s, skew %.2f), %llu records on the run's thread, %llu chunks parsed again\n",
                 name.c_str(), static_cast<unsigned long long>(p.chunks), parsers, parts.c_str(),
                 mean > 0 ? static_cast<double>(most) / mean : 1.0, static_cast<unsigned long long>(p.rows_per_thread.back()),
                 static_cast<unsigned long long>(p.reparsed));
  }
  if (!report.not_dealt.empty()) std::fprintf(to, "  rows not dealt out by the parser threads: %s\n", report.not_dealt.c_str());
  // --threads: the rows each partition of a keyed operator took, and the skew (the busiest
  // partition's rows over the mean; one hot key makes it large); then the rows it took once
  // gathered onto the run's thread, which no partition took (counted in partition 0, they
  // looked like a hot key).
  for (const ExecutionReport::Partitions& p : report.partitioned_operators) {
    uint64_t total = 0, most = 0;
    std::string parts;
    for (uint64_t n : p.rows) {
      total += n;
      most = std::max(most, n);
      parts += (parts.empty() ? "" : " + ") + std::to_string(n);
    }
    const double mean = static_cast<double>(total) / static_cast<double>(p.rows.size());
    std::fprintf(to, "  operator #%zu partitions: %zu (rows %s, skew %.2f", p.op, p.rows.size(), parts.c_str(),
                 mean > 0 ? static_cast<double>(most) / mean : 1.0);
    if (p.gathered_rows > 0) std::fprintf(to, "; %llu on the run's thread once gathered", static_cast<unsigned long long>(p.gathered_rows));
    std::fputc(')', to);
    if (!p.placement.empty()) std::fprintf(to, ", %s", p.placement.c_str());
    std::fputc('\n', to);
  }
  for (const ExecutionReport::Whole& w : report.whole_operators) std::fprintf(to, "  operator #%zu: %s\n", w.op, w.reason.c_str());
  if (!report.outputs_placement.empty()) std::fprintf(to, "  outputs: %s\n", report.outputs_placement.c_str());
  // A UNION ALL: the rows of each branch, and their sum.
  for (size_t u = 0; u < plan.unions.size(); ++u) {
    uint64_t total = 0;
    std::string parts;
    for (const RowOrigin& o : plan.unions[u].inputs) {
      const uint64_t n = rows_out_of(plan, report, o);
      total += n;
      parts += (parts.empty() ? "" : " + ") + std::to_string(n);
    }
    std::fprintf(to, "  union #%zu UnionAll: %llu out (%s)\n", u, static_cast<unsigned long long>(total), parts.c_str());
  }
}

}  // namespace vlac
