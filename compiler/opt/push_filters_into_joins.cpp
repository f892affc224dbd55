// push-filters-into-joins: a conjunct of a Filter above a join (IntervalJoin, AsofJoin,
// WindowJoin), or of an interval join's ON residual, that reads the columns of one side only
// moves into a Filter on that side's input (right side: column indices shifted by the left
// side's width), so rows that cannot pass are dropped before the join buffers and matches them.
// What may move (the join's output is left columns, then right columns):
//
//   WHERE conjunct on the left side: always. Every output row carries its left row's columns
//     unchanged, matched or (LEFT) NULL-extended, so a left row that fails it yields only output
//     rows that fail it; and a left row's matches never depend on the other left rows.
//   WHERE conjunct on the right side: INNER interval and window joins only. LEFT: a right row
//     that fails it would have matched and hidden the left row's NULL-extended row; dropping it
//     early makes that row appear (and the conjunct over NULLs is not TRUE after the join).
//     AS-OF (inner or LEFT): the b row a left row meets is the latest one; filtering b first
//     picks the latest *passing* b row instead of dropping the pair (Flink does not push there
//     either).
//   ON residual (interval joins only: as-of and window joins accept no residual) on the right
//     side: INNER and LEFT. A pair that fails the residual is no match, exactly as a right row
//     that never arrives: a LEFT join's left row still comes out NULL-extended when nothing
//     passes. On the left side: INNER only. In a LEFT join a left row that fails the ON
//     condition still comes out, NULL-extended, so it must reach the join.
//
// Only when nothing else reads the join (its other readers would lose rows). A filter keeps its
// input's watermark, and the joins take their per-side watermarks from their inputs' watermarks,
// not from the rows, so watermarks, purging and output order are unchanged; only `--stats` may
// count fewer late rows at the join (a filtered row never reaches it). A conjunct reading no
// column (fold-constants leaves few) stays where it is.
#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

enum class Home { Stay, Left, Right };

struct Permits {
  bool left = false, right = false;
};

/// Which sides a WHERE conjunct may move to.
Permits where_permits(const JoinNodeBase& j) {
  return {true, j.type == JoinType::Inner && j.kind != PlanKind::AsofJoin};
}

/// Which sides an ON residual conjunct may move to.
Permits on_permits(const JoinNodeBase& j) { return {j.type == JoinType::Inner, true}; }

Home home_of(const ScalarExpr& c, int left_width, int width, Permits permits) {
  if (permits.left && reads_only(c, 0, left_width)) return Home::Left;
  if (permits.right && reads_only(c, left_width, width)) return Home::Right;
  return Home::Stay;
}

bool any_moves(const ScalarExpr* e, int left_width, int width, Permits permits) {
  if (!e) return false;
  std::vector<const ScalarExpr*> parts;
  conjuncts_of(*e, parts);
  for (const ScalarExpr* c : parts)
    if (home_of(*c, left_width, width, permits) != Home::Stay) return true;
  return false;
}

/// Moves the conjuncts of `e` that may move into `left` or `right` (rebased onto that side's
/// input) and leaves the conjunction of the others in `e` (null when none stays).
void sort_conjuncts(ScalarExprPtr& e, const JoinNodeBase& j, Permits permits, std::vector<ScalarExprPtr>& left,
                    std::vector<ScalarExprPtr>& right) {
  if (!e) return;
  const int left_width = j.inputs[0]->schema.size(), width = j.schema.size();
  std::vector<ScalarExprPtr> parts, stay;
  split_conjuncts(std::move(e), parts);
  for (auto& c : parts) {
    switch (home_of(*c, left_width, width, permits)) {
      case Home::Left:
        rebase_columns(*c, 0, j.inputs[0]->schema);
        left.push_back(std::move(c));
        break;
      case Home::Right:
        rebase_columns(*c, -left_width, j.inputs[1]->schema);
        right.push_back(std::move(c));
        break;
      case Home::Stay: stay.push_back(std::move(c)); break;
    }
  }
  e = and_all(std::move(stay));
}

bool is_join(PlanKind k) { return k == PlanKind::IntervalJoin || k == PlanKind::AsofJoin || k == PlanKind::WindowJoin; }

}  // namespace

int push_filters_into_joins(LogicalProgram& program) {
  int pushed = 0;
  auto owners = node_owners(program);
  auto readers = reader_counts(program);
  std::set<const PlanNode*> residuals_done;
  auto move_conjuncts = [&](JoinNodeBase& j, ScalarExprPtr* where, const SourceRange& where_range) {
    const int left_width = j.inputs[0]->schema.size(), width = j.schema.size();
    bool where_moves = where && any_moves(where->get(), left_width, width, where_permits(j));
    bool on_moves = !residuals_done.count(&j) && any_moves(j.residual.get(), left_width, width, on_permits(j));
    residuals_done.insert(&j);
    if (!where_moves && !on_moves) return;
    std::vector<ScalarExprPtr> left, right;
    if (on_moves) sort_conjuncts(j.residual, j, on_permits(j), left, right);
    if (where_moves) sort_conjuncts(*where, j, where_permits(j), left, right);
    SourceRange range = where_moves ? where_range : j.range;
    if (!left.empty()) filter_input(j.inputs[0], and_all(std::move(left)), range, readers);
    if (!right.empty()) filter_input(j.inputs[1], and_all(std::move(right)), range, readers);
    pushed += static_cast<int>(on_moves) + static_cast<int>(where_moves);
  };
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (is_join(n->kind)) move_conjuncts(static_cast<JoinNodeBase&>(*n), nullptr, {});
    if (n->kind != PlanKind::Filter || !is_join(n->inputs[0]->kind) || readers[n->inputs[0].get()] != 1) continue;
    auto& filter = static_cast<FilterNode&>(*n);
    move_conjuncts(static_cast<JoinNodeBase&>(*filter.inputs[0]), &filter.predicate, filter.range);
    if (!filter.predicate) bypass(program, readers, &filter, filter.inputs[0]);
  }
  (void)owners;  // keeps a bypassed filter alive while the walk still holds its address
  return pushed;
}

}  // namespace vlac
