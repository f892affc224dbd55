// prune-source-columns: finds, for each source, the columns no operator of the plan reads, so
// that the CSV and JSON Lines readers skip them without converting them (Flink's projection
// pushdown into formats). It runs last and only marks the SourceNodes; the plan is unchanged.
//
// Used columns flow from the outputs down to the sources: an output reads its visible columns;
// every node reads its event-time column (watermarks, late rows); a Filter passes on what its
// reader needs plus its predicate's columns; a Project needs only the inputs of the expressions
// whose results are read; aggregates need their keys, arguments and time column; a join needs
// its keys, time or window columns, its residual's columns and what is read of its output; an
// Over needs its keys, order column, arguments and what is read of its pass-through columns; a
// Union passes the same columns to every input.
#include <map>
#include <vector>

#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

using Used = std::vector<bool>;

void mark_expr(const ScalarExpr& e, Used& used) {
  if (e.op == ExprOp::Column && e.column >= 0 && e.column < static_cast<int>(used.size())) used[e.column] = true;
  for (const auto& a : e.args) mark_expr(*a, used);
}

void mark_all(const std::vector<ScalarExprPtr>& exprs, Used& used) {
  for (const auto& e : exprs) mark_expr(*e, used);
}

void mark(int column, Used& used) {
  if (column >= 0 && column < static_cast<int>(used.size())) used[column] = true;
}

/// The columns of each input of `n` that `n` reads, given the columns of `n` its readers read.
std::vector<Used> input_columns_read(const PlanNode& n, const Used& out) {
  std::vector<Used> in;
  for (const auto& i : n.inputs) in.emplace_back(i->schema.size(), false);
  auto pass_through = [&](Used& u) {  // output column i is input column i
    for (size_t i = 0; i < u.size() && i < out.size(); ++i)
      if (out[i]) u[i] = true;
  };
  switch (n.kind) {
    case PlanKind::Source: break;
    case PlanKind::Filter:
      pass_through(in[0]);
      mark_expr(*static_cast<const FilterNode&>(n).predicate, in[0]);
      break;
    case PlanKind::Project: {
      const auto& p = static_cast<const ProjectNode&>(n);
      for (size_t i = 0; i < p.exprs.size(); ++i)
        if (i < out.size() && out[i]) mark_expr(*p.exprs[i], in[0]);
      break;
    }
    case PlanKind::WindowAssign:
      pass_through(in[0]);
      mark(static_cast<const WindowAssignNode&>(n).window.time_column, in[0]);
      break;
    case PlanKind::WindowAggregate: {
      const auto& w = static_cast<const WindowAggregateNode&>(n);
      mark(w.window.time_column, in[0]);
      mark_all(w.keys, in[0]);
      for (const auto& a : w.aggregates)
        if (a.arg) mark_expr(*a.arg, in[0]);
      break;
    }
    case PlanKind::GroupAggregate: {
      const auto& g = static_cast<const GroupAggregateNode&>(n);
      mark_all(g.keys, in[0]);
      for (const auto& a : g.aggregates)
        if (a.arg) mark_expr(*a.arg, in[0]);
      break;
    }
    case PlanKind::IntervalJoin:
    case PlanKind::AsofJoin:
    case PlanKind::WindowJoin: {
      const auto& j = static_cast<const JoinNodeBase&>(n);
      Used combined = out;  // the join's output row: the left input's columns, then the right's
      combined.resize(n.schema.size(), false);
      if (j.residual) mark_expr(*j.residual, combined);
      const size_t left = in[0].size();
      for (size_t i = 0; i < combined.size(); ++i)
        if (combined[i]) (i < left ? in[0][i] : in[1][i - left]) = true;
      mark_all(j.left_keys, in[0]);
      mark_all(j.right_keys, in[1]);
      if (n.kind == PlanKind::IntervalJoin) {
        mark(static_cast<const IntervalJoinNode&>(n).left_time, in[0]);
        mark(static_cast<const IntervalJoinNode&>(n).right_time, in[1]);
      } else if (n.kind == PlanKind::AsofJoin) {
        mark(static_cast<const AsofJoinNode&>(n).left_time, in[0]);
        mark(static_cast<const AsofJoinNode&>(n).right_time, in[1]);
      } else {
        const auto& w = static_cast<const WindowJoinNode&>(n);
        mark(w.left_window_start, in[0]);
        mark(w.left_window_end, in[0]);
        mark(w.right_window_start, in[1]);
        mark(w.right_window_end, in[1]);
      }
      break;
    }
    case PlanKind::Over: {
      const auto& o = static_cast<const OverNode&>(n);
      pass_through(in[0]);
      mark_all(o.partition_keys, in[0]);
      mark(o.order_column, in[0]);
      for (const auto& c : o.calls)
        if (c.arg) mark_expr(*c.arg, in[0]);
      break;
    }
    case PlanKind::Union:
      for (Used& u : in) pass_through(u);
      break;
  }
  // Every node reads its input's event time: watermarks and late rows follow it.
  for (size_t i = 0; i < in.size(); ++i) mark(n.inputs[i]->schema.event_time().value_or(-1), in[i]);
  return in;
}

}  // namespace

int prune_source_columns(LogicalProgram& program) {
  std::map<const PlanNode*, Used> used;
  for (const ProgramOutput& o : program.outputs) {
    Used& u = used[o.plan.get()];
    u.resize(o.plan->schema.size(), false);
    for (int i = 0; i < o.plan->schema.size(); ++i)
      if (!o.plan->schema.columns[i].hidden) u[i] = true;
  }
  // Readers before the nodes they read: a node's used columns are complete when it is reached.
  std::vector<PlanNode*> order = nodes_bottom_up(program);
  std::map<std::string, Used> per_stream;
  std::vector<SourceNode*> source_nodes;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    PlanNode* n = *it;
    Used& out = used[n];
    out.resize(n->schema.size(), false);
    mark(n->schema.event_time().value_or(-1), out);
    if (n->kind == PlanKind::Source) {
      auto* s = static_cast<SourceNode*>(n);
      Used& stream = per_stream[s->stream];
      stream.resize(out.size(), false);
      for (size_t i = 0; i < out.size(); ++i) stream[i] = stream[i] || out[i];
      source_nodes.push_back(s);
      continue;
    }
    std::vector<Used> in = input_columns_read(*n, out);
    for (size_t i = 0; i < in.size(); ++i) {
      Used& u = used[n->inputs[i].get()];
      u.resize(in[i].size(), false);
      for (size_t c = 0; c < in[i].size(); ++c) u[c] = u[c] || in[i][c];
    }
  }
  int pruned = 0;
  for (auto& [name, stream] : per_stream) {
    for (const SourceStream& s : program.sources)
      if (s.name == name && s.time_column) mark(*s.time_column, stream);
    for (bool read : stream) pruned += read ? 0 : 1;
  }
  for (SourceNode* s : source_nodes) {
    const Used& stream = per_stream[s->stream];
    bool all = true;
    for (bool read : stream) all = all && read;
    s->read_columns = all ? Used{} : stream;
  }
  return pruned;
}

}  // namespace vlac
