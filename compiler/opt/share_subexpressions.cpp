// share-subexpressions: within one node's expressions (a Project's list, a Filter's predicate, an
// aggregate's keys and arguments), a subexpression that is neither a column nor a literal and
// occurs at least twice is computed once per row: a Project inserted below the node passes the
// input's columns through and appends it as a hidden column ($cse0, $cse1, ... numbered across
// the program in plan order), and every occurrence becomes a reference to that column.
//
// The largest repeated subexpressions are taken first (top-down); one that ends up used only
// once (its other occurrences sit inside a larger shared one) is not taken. Evaluating a shared
// subexpression for every row, also where it sat in a CASE branch that was not taken, changes
// no result: expressions have no side effects and no run-time errors (division by zero is NULL).
//
// The node keeps its schema and its readers see what they saw, with one exception: a Filter's
// schema is its input's, so a Filter takes the appended hidden columns along; it is rewritten only
// when every reader is a Project or an aggregate (they read columns by position and never pass
// the extra ones on) and it is no output's root. The inserted Project copies the input's columns
// with their hidden and time-attribute flags, so the input's event time and watermark are the
// node's as before. Runs last: the pushes and merges above change which expressions meet.
#include <functional>

#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

size_t mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

bool trivial(const ScalarExpr& e) { return e.op == ExprOp::Column || e.op == ExprOp::Literal; }

/// The distinct non-trivial subexpressions of a node's expressions, with how often each occurs.
/// Every subtree's structural hash (consistent with ScalarExpr::same_as) is computed once, from
/// its children's, and structures are told apart by same_as only when their hashes agree.
class Occurrences {
 public:
  /// Counts `e` and its subexpressions; returns e's hash.
  size_t count(const ScalarExpr& e) {
    size_t h = mix(static_cast<size_t>(e.op), static_cast<size_t>(e.type.type.kind));
    if (e.op == ExprOp::Column) h = mix(h, static_cast<size_t>(e.column));
    if (e.op == ExprOp::Call) h = mix(h, static_cast<size_t>(e.function));
    if (e.op == ExprOp::Literal) h = mix(mix(h, static_cast<size_t>(e.value.i)), std::hash<std::string>{}(e.value.s));
    for (const auto& a : e.args) h = mix(h, count(*a));
    if (!trivial(e)) {
      int id = intern(e, h);
      id_of_[&e] = id;
      ++counts_[id];
    }
    return h;
  }
  /// The id of a counted non-trivial subexpression (by address: valid while the tree is).
  int id(const ScalarExpr& e) const { return id_of_.at(&e); }
  int occurrences(int id) const { return counts_[id]; }
  const ScalarExpr& expr(int id) const { return *exprs_[id]; }

 private:
  int intern(const ScalarExpr& e, size_t h) {
    auto range = by_hash_.equal_range(h);
    for (auto it = range.first; it != range.second; ++it)
      if (exprs_[it->second]->same_as(e)) return it->second;
    exprs_.push_back(&e);
    counts_.push_back(0);
    by_hash_.emplace(h, static_cast<int>(exprs_.size()) - 1);
    return static_cast<int>(exprs_.size()) - 1;
  }
  std::vector<const ScalarExpr*> exprs_;
  std::vector<int> counts_;
  std::multimap<size_t, int> by_hash_;
  std::map<const ScalarExpr*, int> id_of_;
};

/// The expressions of the node that this pass may share, or empty for a node it leaves alone.
std::vector<ScalarExprPtr*> shareable_exprs(PlanNode& n) {
  std::vector<ScalarExprPtr*> out;
  switch (n.kind) {
    case PlanKind::Project:
    case PlanKind::Filter:
    case PlanKind::WindowAggregate:
    case PlanKind::GroupAggregate: for_each_expr(n, [&](ScalarExprPtr& e) { out.push_back(&e); }); break;
    default: break;
  }
  return out;
}

/// Whether the node's schema may grow by hidden columns at its end (a Filter's does).
bool readers_allow_wider_filter(const LogicalProgram& program, const PlanNode& filter) {
  for (const ProgramOutput& o : program.outputs)
    if (o.plan.get() == &filter) return false;
  for (PlanNode* n : nodes_bottom_up(program))
    for (const auto& in : n->inputs)
      if (in.get() == &filter && n->kind != PlanKind::Project && n->kind != PlanKind::WindowAggregate &&
          n->kind != PlanKind::GroupAggregate)
        return false;
  return true;
}

/// Shares the node's repeated subexpressions; returns how many it shares.
int share(const LogicalProgram& program, PlanNode& n, int& next_name) {
  std::vector<ScalarExprPtr*> roots = shareable_exprs(n);
  if (roots.empty()) return 0;
  Occurrences occ;
  for (ScalarExprPtr* r : roots) occ.count(**r);
  // Choose top-down; drop choices used only once and choose again, until every choice is used
  // at least twice (each round excludes at least one more, so this ends).
  std::set<int> excluded;
  std::vector<int> chosen;  // ids, in order of first use
  std::map<int, int> uses;
  for (;;) {
    chosen.clear();
    uses.clear();
    std::function<void(const ScalarExpr&)> choose = [&](const ScalarExpr& e) {
      if (!trivial(e)) {
        int id = occ.id(e);
        if (occ.occurrences(id) >= 2 && !excluded.count(id)) {
          if (uses[id]++ == 0) chosen.push_back(id);
          return;
        }
      }
      for (const auto& a : e.args) choose(*a);
    };
    for (ScalarExprPtr* r : roots) choose(**r);
    bool dropped = false;
    for (auto [id, count] : uses)
      if (count < 2) dropped = excluded.insert(id).second || dropped;
    if (!dropped) break;
  }
  if (chosen.empty()) return 0;
  if (n.kind == PlanKind::Filter && !readers_allow_wider_filter(program, n)) return 0;

  const Schema& in = n.inputs[0]->schema;
  auto below = std::make_shared<ProjectNode>();
  below->schema = in;
  below->watermark = {Watermark::Origin::Input, 0, 0};
  below->range = n.range;
  for (int i = 0; i < in.size(); ++i) below->exprs.push_back(ScalarExpr::column_ref(i, in.columns[i].type));
  // Ids are looked up by address before a subtree is replaced, so replacing one occurrence never
  // leaves a dangling representative behind for the next.
  std::map<int, int> column_of;  // id -> column of `below`
  std::set<int> chosen_set(chosen.begin(), chosen.end());
  std::function<void(ScalarExprPtr&)> rewrite = [&](ScalarExprPtr& e) {
    if (!trivial(*e)) {
      int id = occ.id(*e);
      if (chosen_set.count(id)) {
        auto [it, fresh] = column_of.emplace(id, below->schema.size());
        if (fresh) {
          Column c;
          c.name = "$cse" + std::to_string(next_name++);
          c.type = e->type;
          c.hidden = true;
          c.resolvable = false;
          below->schema.columns.push_back(c);
          below->exprs.push_back(e->clone());
        }
        e = ScalarExpr::column_ref(it->second, e->type, e->range);
        return;
      }
    }
    for (auto& a : e->args) rewrite(a);
  };
  for (ScalarExprPtr* r : roots) rewrite(*r);
  below->inputs.push_back(n.inputs[0]);
  n.inputs[0] = below;
  if (n.kind == PlanKind::Filter) n.schema = below->schema;
  return static_cast<int>(chosen.size());
}

}  // namespace

int share_subexpressions(LogicalProgram& program) {
  int shared = 0, next_name = 0;
  for (PlanNode* n : nodes_bottom_up(program)) shared += share(program, *n, next_name);
  return shared;
}

}  // namespace vlac
