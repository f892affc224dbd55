#pragma once
// Walks over a logical program's DAG, for the optimizer's passes.

#include <functional>
#include <map>
#include <set>

#include "plan/logical_plan.h"

namespace vlac {

/// Every node once, inputs before the nodes that read them.
inline std::vector<PlanNode*> nodes_bottom_up(const LogicalProgram& p) {
  std::vector<PlanNode*> order;
  std::set<const PlanNode*> seen;
  std::function<void(PlanNode*)> visit = [&](PlanNode* n) {
    if (!seen.insert(n).second) return;
    for (auto& in : n->inputs) visit(in.get());
    order.push_back(n);
  };
  for (const ProgramOutput& o : p.outputs) visit(o.plan.get());
  return order;
}

/// Every node by its address, owned: a pass that rewires nodes holds this so that none it still
/// visits is freed under it, and so that it can point another node at one it has by address.
inline std::map<const PlanNode*, PlanNodePtr> node_owners(const LogicalProgram& p) {
  std::map<const PlanNode*, PlanNodePtr> owners;
  std::function<void(const PlanNodePtr&)> visit = [&](const PlanNodePtr& n) {
    if (!owners.emplace(n.get(), n).second) return;
    for (auto& in : n->inputs) visit(in);
  };
  for (const ProgramOutput& o : p.outputs) visit(o.plan);
  return owners;
}

/// How many nodes and outputs read each node: a node read twice must not be rewritten for one
/// of its readers alone.
inline std::map<const PlanNode*, int> reader_counts(const LogicalProgram& p) {
  std::map<const PlanNode*, int> counts;
  for (PlanNode* n : nodes_bottom_up(p))
    for (auto& in : n->inputs) ++counts[in.get()];
  for (const ProgramOutput& o : p.outputs) ++counts[o.plan.get()];
  return counts;
}

/// Replaces column references by the expressions they name (for merging projections).
inline ScalarExprPtr substitute_columns(const ScalarExpr& e, const std::vector<ScalarExprPtr>& by) {
  if (e.op == ExprOp::Column) {
    ScalarExprPtr out = by[e.column]->clone();
    out->range = e.range;
    return out;
  }
  // Copies this node alone (clone() would copy the whole subtree at every level: quadratic in
  // the depth), then its substituted children.
  auto out = std::make_unique<ScalarExpr>();
  out->op = e.op;
  out->type = e.type;
  out->range = e.range;
  out->value = e.value;
  out->column = e.column;
  out->function = e.function;
  for (const auto& a : e.args) out->args.push_back(substitute_columns(*a, by));
  return out;
}

/// Makes every reader of `old` (nodes, outputs and named streams) read `by` instead.
inline void replace_readers(LogicalProgram& p, const PlanNode* old, const PlanNodePtr& by) {
  for (PlanNode* n : nodes_bottom_up(p))
    for (auto& in : n->inputs)
      if (in.get() == old) in = by;
  for (ProgramOutput& o : p.outputs)
    if (o.plan.get() == old) o.plan = by;
  for (auto& [name, node] : p.streams)
    if (node.get() == old) node = by;
}

/// Makes the readers of `old` read `by`, which `old` read (a filter a pass has emptied), and
/// keeps `readers` right for the rest of the pass: `by` takes over old's readers.
inline void bypass(LogicalProgram& p, std::map<const PlanNode*, int>& readers, const PlanNode* old, const PlanNodePtr& by) {
  replace_readers(p, old, by);
  readers[by.get()] += readers[old] - 1;
  readers[old] = 0;
}

/// A new Filter over `input` (the same columns and watermark as its input).
inline PlanNodePtr make_filter(PlanNodePtr input, ScalarExprPtr predicate, SourceRange range) {
  auto f = std::make_shared<FilterNode>();
  f->schema = input->schema;
  f->watermark = {Watermark::Origin::Input, 0, 0};
  f->range = range;
  f->predicate = std::move(predicate);
  f->inputs.push_back(std::move(input));
  return f;
}

/// Filters the input held in `slot` (one of a node's inputs) by `predicate`: conjoined into the
/// filter already there when nothing else reads it (its own test first, as merge-filters
/// orders them), else as a new Filter. A node missing from `readers` is one a pass has just
/// made, read once.
inline void filter_input(PlanNodePtr& slot, ScalarExprPtr predicate, SourceRange range,
                         const std::map<const PlanNode*, int>& readers) {
  auto it = readers.find(slot.get());
  if (slot->kind == PlanKind::Filter && (it == readers.end() || it->second == 1)) {
    auto& f = static_cast<FilterNode&>(*slot);
    bool nullable = f.predicate->type.nullable || predicate->type.nullable;
    std::vector<ScalarExprPtr> both;
    both.push_back(std::move(f.predicate));
    both.push_back(std::move(predicate));
    f.predicate = ScalarExpr::make(ExprOp::And, {Type::boolean(), nullable}, std::move(both), f.range);
    return;
  }
  slot = make_filter(slot, std::move(predicate), range);
}

/// Splits a predicate at its top-level ANDs: a row passes a conjunction when every conjunct is
/// TRUE, so the conjuncts may be tested in separate filters.
inline void split_conjuncts(ScalarExprPtr e, std::vector<ScalarExprPtr>& out) {
  if (e->op == ExprOp::And) {
    split_conjuncts(std::move(e->args[0]), out);
    split_conjuncts(std::move(e->args[1]), out);
    return;
  }
  out.push_back(std::move(e));
}

/// The conjuncts of a predicate, without taking it apart (to decide whether a pass will split it).
inline void conjuncts_of(const ScalarExpr& e, std::vector<const ScalarExpr*>& out) {
  if (e.op == ExprOp::And) {
    conjuncts_of(*e.args[0], out);
    conjuncts_of(*e.args[1], out);
    return;
  }
  out.push_back(&e);
}

/// The conjunction of `parts` (left-deep, in order), or null when there are none.
inline ScalarExprPtr and_all(std::vector<ScalarExprPtr> parts) {
  ScalarExprPtr out;
  for (auto& p : parts) {
    if (!out) {
      out = std::move(p);
      continue;
    }
    bool nullable = out->type.nullable || p->type.nullable;
    std::vector<ScalarExprPtr> args;
    args.push_back(std::move(out));
    args.push_back(std::move(p));
    out = ScalarExpr::make(ExprOp::And, {Type::boolean(), nullable}, std::move(args));
  }
  return out;
}

/// Whether `e` reads at least one column and only columns in [lo, hi).
inline bool reads_only(const ScalarExpr& e, int lo, int hi) {
  bool any = false, outside = false;
  for_each_column(e, [&](int c) {
    any = true;
    outside |= c < lo || c >= hi;
  });
  return any && !outside;
}

/// Shifts every column reference by `by` and gives it the type of the column it now reads in
/// `schema` (a LEFT join's right columns are nullable in its output, not in its input).
inline void rebase_columns(ScalarExpr& e, int by, const Schema& schema) {
  if (e.op == ExprOp::Column) {
    e.column += by;
    e.type = schema.columns[e.column].type;
  }
  for (auto& a : e.args) rebase_columns(*a, by, schema);
}

/// Moves the conjuncts of `filter` for which moves(c) holds into a filter on `below` (one of
/// the filtered node's inputs), each as rewrite(c) gives it over that input, and keeps the rest;
/// a filter left empty is bypassed. False (nothing changed) when no conjunct moves.
template <class Moves, class Rewrite>
bool move_conjuncts_below(LogicalProgram& p, std::map<const PlanNode*, int>& readers, FilterNode& filter, PlanNodePtr& below,
                          Moves&& moves, Rewrite&& rewrite) {
  std::vector<const ScalarExpr*> conjuncts;
  conjuncts_of(*filter.predicate, conjuncts);
  bool any = false;
  for (const ScalarExpr* c : conjuncts) any = any || moves(*c);
  if (!any) return false;
  std::vector<ScalarExprPtr> parts, down, stay;
  split_conjuncts(std::move(filter.predicate), parts);
  for (auto& c : parts) {
    if (moves(*c)) down.push_back(rewrite(std::move(c)));
    else stay.push_back(std::move(c));
  }
  filter.predicate = and_all(std::move(stay));
  filter_input(below, and_all(std::move(down)), filter.range, readers);
  if (!filter.predicate) bypass(p, readers, &filter, filter.inputs[0]);
  return true;
}

/// Calls f on every scalar expression a node holds.
void for_each_expr(PlanNode& n, const std::function<void(ScalarExprPtr&)>& f);

}  // namespace vlac
