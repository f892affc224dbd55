#pragma once
// The physical plan: what both backends generate code for and the runtime executes.
//
//   source ──► pipeline ──► operator ──► pipeline ──► output
//
// A pipeline fuses a chain of stateless steps (filters and projections) into one generated
// function. An operator holds state in the runtime (windows and their accumulators) and calls
// generated kernels for the per-row work (key extraction, accumulator update, results).
// Rows flow by push; each producer (source, pipeline, operator) has a list of consumers.

#include <string>
#include <vector>

#include "diag/diagnostics.h"
#include "plan/logical_plan.h"
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
  std::vector<Consumer> consumers;
};

struct Pipeline {
  int id = 0;
  rt::RowLayout input_layout;
  std::vector<const PlanNode*> steps;  // Filter and Project nodes, in execution order
  std::vector<rt::RowLayout> step_layouts;  // the row after each step (a filter keeps its input's)
  std::vector<Consumer> consumers;
  std::vector<TimeOrigin> time_origins;  // the sources/operators its rows come from
  std::string source_text;  // the query it was built from, for comments in generated code
  bool counted = false;  // `--stats` counts its rows in and out: it filters, or feeds a UNION ALL
};

/// True when a pipeline has a Filter step (WHERE, HAVING): `--stats` counts its rows in and out.
inline bool has_filter(const Pipeline& p) {
  for (const PlanNode* step : p.steps)
    if (step->kind == PlanKind::Filter) return true;
  return false;
}

/// Where one aggregate keeps its running state in the accumulator row.
struct AccumulatorSlots {
  AggregateFunction function;
  const AggregateCall* call;  // points into the logical plan node
  int value = -1;  // field: running value (SUM, MIN, MAX, FIRST, LAST) or mean (STDDEV, VAR)
  int count = -1;  // field: rows counted (COUNT, SUM, AVG, STDDEV, VAR), or has-value flag
  int m2 = -1;     // field: sum of squared differences (STDDEV, VAR: Welford, runtime/scalar/variance.h)
  int pivot = -1;  // field: STDDEV, VAR: the mean and M2 are of the values minus it (first finite value)
  int time = -1;   // field: event time of the value (FIRST, LAST)
  int seq = -1;    // field: arrival number of the value (FIRST, LAST ties)
};

enum class OperatorKind { WindowAggregate, WindowAssign, IntervalJoin, AsofJoin, WindowJoin, Over };

struct PhysicalOperator {
  int id = 0;
  OperatorKind kind = OperatorKind::WindowAggregate;
  const PlanNode* node = nullptr;
  rt::RowLayout input_layout, key_layout, acc_layout, output_layout;  // input_layout = port 0's
  std::vector<rt::RowLayout> port_layouts;                // one per input
  std::vector<std::vector<TimeOrigin>> port_origins;      // one per input
  int64_t hold_back_ns = 0;  // how far the output watermark trails the input's (interval joins)
  rt::RowLayout args_layout, results_layout;  // OVER: one field per call
  int time_field = -1;  // in the input row; -1 for a GROUP BY without event time
  bool windowed = false;  // false: GROUP BY without a window, fires at end of input
  bool global = false;    // no keys and no window: one row even over no input
  WindowSpec window;
  std::vector<AccumulatorSlots> slots;
  Capacities capacities;
  std::vector<Consumer> consumers;
  std::string source_text;
};

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
  const PlanNode* node;
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

/// Lowers an optimised logical program. Operators the runtime does not implement yet are
/// reported as errors at their source range.
struct LoweringOptions {
  /// Firmware: STRING(n) values live inside rows (runtime/row_layout.h), not behind pointers.
  bool inline_strings = false;
};
PhysicalPlan lower_to_physical(const LogicalProgram& program, const SourceFile& file, Diagnostics& diags,
                               LoweringOptions options = {});

}  // namespace vlac
