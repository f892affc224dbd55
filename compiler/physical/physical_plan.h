#pragma once
// The physical plan: what both backends generate code for and the runtime executes.
//
//   source ──► pipeline ──► operator ──► pipeline ──► output
//
// A pipeline fuses a chain of stateless steps (filters and projections) into one generated
// function. An operator holds state in the runtime (windows and their accumulators) and calls
// generated kernels for the per-row work (key extraction, accumulator update, results).
// Rows flow by push; each producer (source, pipeline, operator) has a list of consumers.
//
// The plan is self-sufficient: lowering copies into it every expression and parameter that the
// backends and the runtime read, so none of them needs the logical plan's node types.

#include <string>
#include <vector>

#include "diag/diagnostics.h"
#include "plan/operator_params.h"
#include "plan/scalar_expr.h"
#include "plan/schema.h"
#include "runtime/row_layout.h"

namespace vlac {

enum class ConsumerKind { Pipeline, Operator, Output };

struct Consumer {
  ConsumerKind kind;
  int index;
  int port = 0;  // which input of an operator (a join's left input is 0, its right input 1)
};

/// Where rows come from, for watermark propagation: a source stream or an operator.
struct TimeOrigin {
  bool is_source;
  int index;
};

struct PhysicalSource {
  std::string stream;
  std::vector<std::string> column_names;
  rt::RowLayout layout;
  int time_field = -1;  // -1: no event time (watermark stays -inf until end of input)
  int64_t watermark_bound_ns = 0;
  /// The columns the plan reads (prune-source-columns); the readers skip the others without
  /// converting them. Empty = every column.
  std::vector<bool> read_columns;
  std::vector<Consumer> consumers;
};

/// One stateless step of a pipeline. Its expressions read the row before the step.
struct PipelineStep {
  enum class Kind { Filter, Project };
  Kind kind = Kind::Project;
  ScalarExprPtr predicate;           // Filter (WHERE, HAVING): the row passes when it is TRUE
  std::vector<ScalarExprPtr> exprs;  // Project (SELECT list): one per field of `layout`
  rt::RowLayout layout;              // the row after the step (a filter keeps its input's)
};

struct Pipeline {
  int id = 0;
  rt::RowLayout input_layout;
  std::vector<PipelineStep> steps;  // in execution order
  std::vector<Consumer> consumers;
  std::vector<TimeOrigin> time_origins;  // the sources/operators its rows come from
  std::string source_text;  // the query it was built from, for comments in generated code
  bool counted = false;  // `--stats` counts its rows in and out: it filters, or feeds a UNION ALL
};

/// True when a pipeline has a Filter step (WHERE, HAVING): `--stats` counts its rows in and out.
inline bool has_filter(const Pipeline& p) {
  for (const PipelineStep& step : p.steps)
    if (step.kind == PipelineStep::Kind::Filter) return true;
  return false;
}

/// Where one aggregate keeps its running state in the accumulator row.
struct AccumulatorSlots {
  AggregateFunction function;
  ScalarExprPtr arg;  // over the operator's input row; null for COUNT(*)
  int value = -1;  // field: running value (SUM, MIN, MAX, FIRST, LAST) or mean (STDDEV, VAR)
  int high = -1;   // field: AVG of integers: the sum's upper 64 bits (value holds the lower)
  int count = -1;  // field: rows counted (COUNT, SUM, AVG, STDDEV, VAR), or has-value flag
  int m2 = -1;     // field: sum of squared differences (STDDEV, VAR: Welford, runtime/scalar/variance.h)
  int pivot = -1;  // field: STDDEV, VAR: the mean and M2 are of the values minus it (first finite value)
  int time = -1;   // field: event time of the value (FIRST, LAST)
  int seq = -1;    // field: arrival number of the value (FIRST, LAST ties)
};

/// What a join matches and emits. Port 0 is the left input, port 1 the right; field numbers
/// are in that side's row.
struct JoinParams {
  JoinType type = JoinType::Inner;
  std::vector<ScalarExprPtr> left_keys, right_keys;  // over each side's row, one pair per `=`
  ScalarExprPtr residual;  // the rest of the ON condition, over the output row; null: none
  int left_time = -1, right_time = -1;  // interval and as-of joins: each side's event time
  int64_t lower_ns = 0, upper_ns = 0;   // interval join: right.time - left.time in [lower_ns, upper_ns]
  int left_window_start = -1, left_window_end = -1, right_window_start = -1, right_window_end = -1;  // window join
};

/// What an operator's input port reads, for `vlac run --late` (runtime/io/late_row_writer.h).
struct OperatorInput {
  /// The stream the port's rows come from: the nearest named stream (a source or a derived
  /// stream) found going down from the port through filters and projections; "" when there is
  /// none (an unnamed operator or UNION ALL feeds it).
  std::string stream;
  std::vector<std::string> column_names;  // one per field of the port's layout
  std::vector<bool> visible;              // and whether it is visible (not hidden)
};

enum class OperatorKind { WindowAggregate, WindowAssign, IntervalJoin, AsofJoin, WindowJoin, Over };

struct PhysicalOperator {
  int id = 0;
  OperatorKind kind = OperatorKind::WindowAggregate;
  /// The logical operator it runs ("WindowAggregate", "GroupAggregate", "IntervalJoin", ...),
  /// for `--stats` and comments in generated code.
  std::string display_name;
  rt::RowLayout input_layout, key_layout, acc_layout, output_layout;  // input_layout = port 0's
  std::vector<rt::RowLayout> port_layouts;                // one per input
  std::vector<std::vector<TimeOrigin>> port_origins;      // one per input
  std::vector<OperatorInput> port_inputs;                 // one per input
  int64_t hold_back_ns = 0;  // how far the output watermark trails the input's (interval joins)
  rt::RowLayout args_layout, results_layout;  // OVER: one field per call
  int time_field = -1;  // in the input row; -1 for a GROUP BY without event time
  bool windowed = false;  // false: GROUP BY without a window, fires at end of input
  bool global = false;    // no keys and no window: one row even over no input
  WindowSpec window;     // window aggregate and assignment; a window join's (left) window
  Capacities capacities;
  // What its kernels compute:
  std::vector<ScalarExprPtr> keys;      // aggregate: the group keys; OVER: the partition keys
  std::vector<AccumulatorSlots> slots;  // aggregate: one per aggregate, in output order (but see output_slots)
  // Window merging: the accumulators hold the aggregates of every operator sharing the slices
  // (identical ones once); output_slots are this operator's, in output order. Empty: all slots.
  std::vector<int> output_slots;
  int reads_slices_of = -1;  // window merging: the operator whose slices it fires from (it gets no rows)
  std::vector<OverCall> over_calls;     // OVER: one per call, in the order of args/results_layout
  JoinParams join;                      // joins
  std::vector<Consumer> consumers;
  std::string source_text;
};

/// The slots an aggregate's results are made of, in output order (PhysicalOperator::output_slots).
inline std::vector<const AccumulatorSlots*> finalized_slots(const PhysicalOperator& op) {
  std::vector<const AccumulatorSlots*> out;
  if (op.output_slots.empty())
    for (const AccumulatorSlots& s : op.slots) out.push_back(&s);
  else
    for (int i : op.output_slots) out.push_back(&op.slots[static_cast<size_t>(i)]);
  return out;
}

struct PhysicalOutput {
  std::string name;
  std::vector<std::string> column_names;  // visible columns only
  rt::RowLayout layout;                   // the producer's layout, restricted to visible fields
  std::vector<TimeOrigin> time_origins;
};

/// What produces rows at run time: a source, a pipeline or an operator.
struct RowOrigin {
  enum Kind { Source, Pipeline, Operator } kind;
  int index;
};

/// A UNION ALL has no runtime node (its branches feed its readers directly); it is kept so that
/// `--stats` can list it with the rows each branch gave.
struct PhysicalUnion {
  std::vector<RowOrigin> inputs;
};

struct PhysicalPlan {
  std::vector<PhysicalSource> sources;
  std::vector<PhysicalUnion> unions;
  std::vector<Pipeline> pipelines;
  std::vector<PhysicalOperator> operators;  // in topological order
  std::vector<PhysicalOutput> outputs;
};

/// The row layout of a schema (every column, hidden ones included).
rt::RowLayout layout_of(const Schema& schema, bool inline_strings = false);
rt::FieldType field_type(Type t);

struct LogicalProgram;  // plan/logical_plan.h

/// Lowers an optimised logical program. Operators the runtime does not implement yet are
/// reported as errors at their source range.
struct LoweringOptions {
  /// Firmware: STRING(n) values live inside rows (runtime/row_layout.h), not behind pointers.
  bool inline_strings = false;
};
PhysicalPlan lower_to_physical(const LogicalProgram& program, const SourceFile& file, Diagnostics& diags,
                               LoweringOptions options = {});

}  // namespace vlac
