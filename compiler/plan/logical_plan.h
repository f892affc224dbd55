#pragma once
// The logical plan: a DAG of typed operators, one node type per operator. The binder builds it,
// the optimizer rewrites it, `explain` prints it and the backends lower it. Nodes are plain
// data; a derived stream read by several queries is one shared node.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plan/operator_params.h"
#include "plan/scalar_expr.h"
#include "plan/schema.h"

namespace vlac {

enum class PlanKind {
  Source,           // rows of a declared source stream
  Filter,           // WHERE / HAVING
  Project,          // SELECT list
  WindowAssign,     // a window table function whose rows are not aggregated (HOP copies rows)
  WindowAggregate,  // a window table function grouped per window: fires on the watermark
  GroupAggregate,   // GROUP BY without a window: emits once, at end of input
  IntervalJoin,
  AsofJoin,
  WindowJoin,
  Over,             // per-row analytics: aggregates over a sliding frame, LAG
  Union,            // UNION ALL
};

std::string plan_kind_name(PlanKind k);

/// Where a node's output watermark comes from (LANGUAGE.md §5).
struct Watermark {
  enum class Origin {
    Source,       // max(event time) - bound_ns
    Input,        // the single input's, unchanged
    MinOfInputs,  // the minimum of the inputs'
    HeldBack,     // the minimum of the inputs', held back by what the node may still emit
    EndOfInput,   // the node emits only at end of input
  };
  Origin origin = Origin::Input;
  int64_t bound_ns = 0;      // Source: the declared out-of-orderness bound
  int64_t hold_back_ns = 0;  // HeldBack: a fixed hold-back, when there is one
};

struct PlanNode;
using PlanNodePtr = std::shared_ptr<PlanNode>;

struct PlanNode {
  const PlanKind kind;
  Schema schema;
  std::vector<PlanNodePtr> inputs;
  Watermark watermark;
  SourceRange range;  // the source text this operator was built from
  virtual ~PlanNode() = default;

 protected:
  explicit PlanNode(PlanKind k) : kind(k) {}
};

struct SourceNode : PlanNode {
  SourceNode() : PlanNode(PlanKind::Source) {}
  std::string stream;
};

struct FilterNode : PlanNode {
  FilterNode() : PlanNode(PlanKind::Filter) {}
  ScalarExprPtr predicate;
};

struct ProjectNode : PlanNode {
  ProjectNode() : PlanNode(PlanKind::Project) {}
  std::vector<ScalarExprPtr> exprs;  // one per output column, hidden ones included
};

struct WindowAssignNode : PlanNode {
  WindowAssignNode() : PlanNode(PlanKind::WindowAssign) {}
  WindowSpec window;
};

/// Output columns: the group keys, then window_start, window_end, window_time, then one column
/// per aggregate.
struct WindowAggregateNode : PlanNode {
  WindowAggregateNode() : PlanNode(PlanKind::WindowAggregate) {}
  WindowSpec window;
  std::vector<ScalarExprPtr> keys;
  std::vector<AggregateCall> aggregates;
  Capacities capacities;
  int shared_operator = -1;
};

/// Output columns: the group keys, then one column per aggregate.
struct GroupAggregateNode : PlanNode {
  GroupAggregateNode() : PlanNode(PlanKind::GroupAggregate) {}
  std::vector<ScalarExprPtr> keys;
  std::vector<AggregateCall> aggregates;
  Capacities capacities;
};

/// Output columns: the left input's, then the right input's. Key expressions are over their own
/// input; the residual predicate is over the output.
struct JoinNodeBase : PlanNode {
  using PlanNode::PlanNode;
  JoinType type = JoinType::Inner;
  std::vector<ScalarExprPtr> left_keys, right_keys;
  ScalarExprPtr residual;  // may be null
  Capacities capacities;
};

/// Pairs with right.time - left.time in [lower_ns, upper_ns] (both inclusive).
struct IntervalJoinNode : JoinNodeBase {
  IntervalJoinNode() : JoinNodeBase(PlanKind::IntervalJoin) {}
  int left_time = -1, right_time = -1;
  int64_t lower_ns = 0, upper_ns = 0;
};

/// Each left row meets the right row with the greatest right.time <= left.time.
struct AsofJoinNode : JoinNodeBase {
  AsofJoinNode() : JoinNodeBase(PlanKind::AsofJoin) {}
  int left_time = -1, right_time = -1;
};

/// Joins two windowed inputs of the same window on window_start, window_end and keys.
struct WindowJoinNode : JoinNodeBase {
  WindowJoinNode() : JoinNodeBase(PlanKind::WindowJoin) {}
  WindowSpec left_window, right_window;
  int left_window_start = -1, left_window_end = -1, right_window_start = -1, right_window_end = -1;
};

/// Output columns: the input's, then one per OVER expression.
struct OverNode : PlanNode {
  OverNode() : PlanNode(PlanKind::Over) {}
  std::vector<ScalarExprPtr> partition_keys;
  int order_column = -1;
  std::vector<OverCall> calls;
  Capacities capacities;
};

struct UnionNode : PlanNode {
  UnionNode() : PlanNode(PlanKind::Union) {}
};

/// A declared source stream.
struct SourceStream {
  std::string name;
  Schema schema;
  std::optional<int> time_column;  // nullopt: no WATERMARK clause
  int64_t watermark_bound_ns = 0;
  SourceRange range;
  std::vector<SourceRange> column_ranges;  // where each column of `schema` is declared
};

/// One output of the program: a derived stream no statement reads, or a bare query `_n`.
struct ProgramOutput {
  std::string name;
  PlanNodePtr plan;
  SourceRange range;
};

struct LogicalProgram {
  std::vector<SourceStream> sources;
  std::vector<ProgramOutput> outputs;
  /// Every stream by name: sources and derived streams.
  std::map<std::string, PlanNodePtr> streams;
};

/// The most operators a path from a source to an output may pass through (docs/reference.md
/// §5.2): the passes that walk a plan (explain, lowering, code generation) recurse along it.
constexpr int kMaxPlanDepth = 1024;

/// The number of operators on the longest path from a source to `n` (a source is 1). `memo`
/// holds the depths already known, so that checking each statement in turn costs O(nodes) and
/// recurses only as deep as the nodes not yet known.
int plan_depth(const PlanNode& n, std::map<const PlanNode*, int>& memo);

/// The visible (not hidden) column names of a schema, in order.
std::vector<std::string> visible_names(const Schema& s);
/// Every column name of a schema, hidden ones included, for rendering expressions.
std::vector<std::string> all_names(const Schema& s);

}  // namespace vlac
