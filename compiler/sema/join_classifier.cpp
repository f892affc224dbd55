#include "sema/join_classifier.h"

#include <algorithm>

#include "sema/constant.h"

namespace vlac {
namespace {

enum class Side { Constant, Left, Right, Both };

Side side_of(const ScalarExpr& e, int left_columns) {
  bool l = false, r = false;
  for_each_column(e, [&](int c) { (c < left_columns ? l : r) = true; });
  return l && r ? Side::Both : l ? Side::Left : r ? Side::Right : Side::Constant;
}

void flatten_and(ScalarExprPtr e, std::vector<ScalarExprPtr>& out) {
  if (e->op == ExprOp::And) {
    for (auto& a : e->args) flatten_and(std::move(a), out);
    return;
  }
  out.push_back(std::move(e));
}

void shift_columns(ScalarExpr& e, int by) {
  if (e.op == ExprOp::Column) e.column += by;
  for (auto& a : e.args) shift_columns(*a, by);
}

/// `time_column + constant`, the form a time bound takes on each side.
struct TimeTerm {
  int column;
  int64_t offset;
};

std::optional<TimeTerm> time_term(const ScalarExpr& e, const Schema& schema) {
  if (e.op == ExprOp::Column) {
    if (!schema.columns[e.column].time_attribute) return std::nullopt;
    return TimeTerm{e.column, 0};
  }
  if ((e.op == ExprOp::Add || e.op == ExprOp::Sub) && e.type.type.kind == TypeKind::Timestamp) {
    bool interval_right = e.args[1]->type.type.kind == TypeKind::Interval;
    const ScalarExpr& t = *e.args[interval_right ? 0 : 1];
    auto c = constant_interval(*e.args[interval_right ? 1 : 0]);
    auto inner = time_term(t, schema);
    if (!c || !inner) return std::nullopt;
    int64_t off;
    bool overflow = e.op == ExprOp::Add ? __builtin_add_overflow(inner->offset, *c, &off)
                                        : __builtin_sub_overflow(inner->offset, *c, &off);
    if (overflow) return std::nullopt;
    return TimeTerm{inner->column, off};
  }
  return std::nullopt;
}

/// A bound on d = right.time - left.time that one comparison gives.
struct TimeBound {
  int left_column, right_column;
  std::optional<int64_t> lower, upper;
  bool strict = false;
  SourceRange range;
};

std::optional<TimeBound> time_bound(const ScalarExpr& cmp, int left_columns, const Schema& schema) {
  if (cmp.op != ExprOp::Lt && cmp.op != ExprOp::Le && cmp.op != ExprOp::Gt && cmp.op != ExprOp::Ge &&
      cmp.op != ExprOp::Eq)
    return std::nullopt;
  auto a = time_term(*cmp.args[0], schema), b = time_term(*cmp.args[1], schema);
  if (!a || !b) return std::nullopt;
  bool a_left = a->column < left_columns, b_left = b->column < left_columns;
  if (a_left == b_left) return std::nullopt;
  TimeBound out;
  out.range = cmp.range;
  out.strict = cmp.op == ExprOp::Lt || cmp.op == ExprOp::Gt;
  // Rewrite as d OP k with d = right - left.
  ExprOp op = cmp.op;
  int64_t k;
  if (a_left) {  // l + oa OP r + ob  <=>  (oa - ob) OP d  <=>  d OP' k
    out.left_column = a->column;
    out.right_column = b->column;
    if (__builtin_sub_overflow(a->offset, b->offset, &k)) return std::nullopt;
    op = op == ExprOp::Lt ? ExprOp::Gt : op == ExprOp::Le ? ExprOp::Ge : op == ExprOp::Gt ? ExprOp::Lt
       : op == ExprOp::Ge ? ExprOp::Le : op;
  } else {  // r + oa OP l + ob  <=>  d OP (ob - oa)
    out.left_column = b->column;
    out.right_column = a->column;
    if (__builtin_sub_overflow(b->offset, a->offset, &k)) return std::nullopt;
  }
  // Nanoseconds are integers: d < k is d <= k - 1. A strict bound beyond the INT64 range
  // (d < INT64_MIN) is not a time bound this join can hold.
  if ((op == ExprOp::Lt && k == INT64_MIN) || (op == ExprOp::Gt && k == INT64_MAX)) return std::nullopt;
  switch (op) {
    case ExprOp::Lt: out.upper = k - 1; break;
    case ExprOp::Le: out.upper = k; break;
    case ExprOp::Gt: out.lower = k + 1; break;
    case ExprOp::Ge: out.lower = k; break;
    default: out.lower = out.upper = k; break;
  }
  return out;
}

Schema joined_schema(const Schema& l, const Schema& r, bool right_nullable, bool right_keeps_time) {
  Schema s = l;
  for (Column c : r.columns) {
    if (right_nullable) c.type.nullable = true;
    if (!right_keeps_time) c.time_attribute = false;
    s.columns.push_back(c);
  }
  return s;
}

/// A column of the joined row as the user would write it: `alias.name`.
std::string qualified(const Scope& scope, int column) {
  const std::string& name = scope.schema().columns[column].name;
  for (const ScopeRelation& r : scope.relations())
    if (column >= r.first_column && column < r.first_column + r.column_count && !r.name.empty()) return r.name + "." + name;
  return name;
}

std::string duration_text(int64_t ns) { return ns == 0 ? "0s" : format_duration(ns); }

const char* kNoneOfThem =
    "a stream join must be an interval join (bound right.ts on both sides of left.ts, e.g. "
    "b.ts BETWEEN a.ts - INTERVAL '50' MILLISECOND AND a.ts + INTERVAL '50' MILLISECOND), an "
    "as-of join (a ASOF JOIN b ON a.k = b.k AND a.ts >= b.ts) or a window join (two windows "
    "joined on window_start and window_end)";

}  // namespace

PlanNodePtr classify_join(const ast::Join& join, ScalarExprPtr condition, const JoinSide& left,
                          const JoinSide& right, const Scope& scope, Diagnostics& diags) {
  const int nl = left.plan->schema.size();
  const Schema& schema = scope.schema();
  std::vector<ScalarExprPtr> conjuncts;
  flatten_and(std::move(condition), conjuncts);

  std::vector<ScalarExprPtr> left_keys, right_keys, residual;
  std::vector<TimeBound> bounds;
  int lws = -1, lwe = -1;  // key pairs that equate the window columns
  for (auto& c : conjuncts) {
    if (auto b = time_bound(*c, nl, schema)) {
      bounds.push_back(*b);
      continue;
    }
    if (c->op == ExprOp::Eq) {
      Side s0 = side_of(*c->args[0], nl), s1 = side_of(*c->args[1], nl);
      if ((s0 == Side::Left && s1 == Side::Right) || (s0 == Side::Right && s1 == Side::Left)) {
        ScalarExprPtr l = std::move(c->args[s0 == Side::Left ? 0 : 1]);
        ScalarExprPtr r = std::move(c->args[s0 == Side::Left ? 1 : 0]);
        shift_columns(*r, -nl);
        if (left.windowed && right.windowed && l->op == ExprOp::Column && r->op == ExprOp::Column) {
          if (l->column == left.window_start && r->column == right.window_start) { lws = 1; continue; }
          if (l->column == left.window_end && r->column == right.window_end) { lwe = 1; continue; }
        }
        left_keys.push_back(std::move(l));
        right_keys.push_back(std::move(r));
        continue;
      }
    }
    residual.push_back(std::move(c));
  }

  auto and_all = [](std::vector<ScalarExprPtr> parts) -> ScalarExprPtr {
    ScalarExprPtr out;
    for (auto& p : parts) {
      if (!out) { out = std::move(p); continue; }
      bool n = out->type.nullable || p->type.nullable;
      std::vector<ScalarExprPtr> args;
      args.push_back(std::move(out));
      args.push_back(std::move(p));
      out = ScalarExpr::make(ExprOp::And, {Type::boolean(), n}, std::move(args));
    }
    return out;
  };
  const bool is_left = join.kind == ast::JoinKind::Left || join.kind == ast::JoinKind::LeftAsof;

  // ---- as-of ----
  if (join.kind == ast::JoinKind::Asof || join.kind == ast::JoinKind::LeftAsof) {
    const char* kAsofForm = "an ASOF JOIN condition must be key equalities and left.ts >= right.ts";
    if (!residual.empty() || bounds.size() > 1) {
      SourceRange at = !residual.empty() ? residual[0]->range : bounds[1].range;
      diags.error(at, kAsofForm, "e.g. a ASOF JOIN b ON a.robot_id = b.robot_id AND a.ts >= b.ts");
      return nullptr;
    }
    if (bounds.empty()) {
      std::string hint = "e.g. a ASOF JOIN b ON a.robot_id = b.robot_id AND a.ts >= b.ts";
      auto lt = left.plan->schema.event_time(), rt = right.plan->schema.event_time();
      if (lt && rt) hint = "add AND " + qualified(scope, *lt) + " >= " + qualified(scope, nl + *rt);
      diags.error(join.condition->range, kAsofForm, hint);
      return nullptr;
    }
    const TimeBound& b = bounds[0];
    if (b.lower || b.upper != 0 || b.strict) {
      const std::string form = qualified(scope, b.left_column) + " >= " + qualified(scope, b.right_column);
      if (!b.upper && b.lower == 0 && !b.strict)
        diags.error(b.range, "this ASOF JOIN comparison is the wrong way round",
                    "write " + form + " (the left side's time >= the right side's time)");
      else
        diags.error(b.range, "an ASOF JOIN must compare the times as left.ts >= right.ts", "write " + form);
      return nullptr;
    }
    auto node = std::make_shared<AsofJoinNode>();
    node->type = is_left ? JoinType::Left : JoinType::Inner;
    node->left_time = bounds[0].left_column;
    node->right_time = bounds[0].right_column - nl;
    node->left_keys = std::move(left_keys);
    node->right_keys = std::move(right_keys);
    node->schema = joined_schema(left.plan->schema, right.plan->schema, true, false);
    node->watermark = {Watermark::Origin::HeldBack, 0, 0};
    return node;
  }

  // ---- window join ----
  if (left.windowed && right.windowed) {
    const WindowSpec &a = left.window, &b = right.window;
    // Point at what differs, in the right side's window when it is written here.
    const ast::WindowCall* rw = join.right->kind == ast::RelationKind::Window ? join.right->window.get() : nullptr;
    if (a.kind != b.kind) {
      diags.error(rw ? rw->function.range : join.right->range,
                  "a window join needs windows of the same kind, but the left is " + window_kind_name(a.kind) +
                      " and the right is " + window_kind_name(b.kind),
                  "use the same window function, with the same intervals, on both sides");
      return nullptr;
    }
    struct Field { const char* name; int64_t left, right; size_t arg; };
    std::vector<Field> fields;
    switch (a.kind) {
      case WindowKind::Tumble: fields = {{"size", a.size, b.size, 0}, {"offset", a.offset, b.offset, 1}}; break;
      case WindowKind::Hop:
        fields = {{"slide", a.slide, b.slide, 0}, {"size", a.size, b.size, 1}, {"offset", a.offset, b.offset, 2}};
        break;
      case WindowKind::Session: fields = {{"gap", a.gap, b.gap, 0}}; break;
      case WindowKind::Cumulate:
        fields = {{"step", a.slide, b.slide, 0}, {"max size", a.size, b.size, 1}, {"offset", a.offset, b.offset, 2}};
        break;
    }
    for (const Field& f : fields) {
      if (f.left == f.right) continue;
      const std::string what = window_kind_name(a.kind) + " " + f.name + "s";
      diags.error(rw && f.arg < rw->args.size() ? rw->args[f.arg]->range : join.right->range,
                  std::string("a window join needs windows of the same ") + f.name + ", but the " + what + " differ: " +
                      duration_text(f.left) + " and " + duration_text(f.right),
                  std::string("use the same ") + f.name + " on both sides, e.g. " + duration_text(f.left));
      return nullptr;
    }
    if (lws < 0 || lwe < 0) {
      diags.error(join.condition->range, "a window join must equate window_start and window_end of both sides",
                  "add: l.window_start = r.window_start AND l.window_end = r.window_end");
      return nullptr;
    }
    if (!bounds.empty() || !residual.empty()) {
      SourceRange at = !bounds.empty() ? bounds[0].range : residual[0]->range;
      diags.error(at, "a window join condition may only hold equalities between the two sides",
                  "filter in WHERE instead");
      return nullptr;
    }
    auto node = std::make_shared<WindowJoinNode>();
    node->type = is_left ? JoinType::Left : JoinType::Inner;
    node->left_window = a;
    node->right_window = b;
    node->left_window_start = left.window_start;
    node->left_window_end = left.window_end;
    node->right_window_start = right.window_start;
    node->right_window_end = right.window_end;
    node->left_keys = std::move(left_keys);
    node->right_keys = std::move(right_keys);
    node->schema = joined_schema(left.plan->schema, right.plan->schema, is_left, false);
    node->watermark = {Watermark::Origin::MinOfInputs, 0, 0};
    return node;
  }

  // ---- interval join ----
  if (bounds.empty()) {
    diags.error(join.condition->range, "this join has no time bound between the two streams", kNoneOfThem);
    return nullptr;
  }
  TimeBound first = bounds[0];
  std::optional<int64_t> lower, upper;
  for (const TimeBound& b : bounds) {
    if (b.left_column != first.left_column || b.right_column != first.right_column) {
      diags.error(b.range, "all time bounds of an interval join must relate the same two time columns");
      return nullptr;
    }
    if (b.lower) lower = lower ? std::max(*lower, *b.lower) : *b.lower;
    if (b.upper) upper = upper ? std::min(*upper, *b.upper) : *b.upper;
  }
  if (!lower || !upper) {
    // Suggest the mirror image of the bound that is there (which is never below it).
    const std::string l = qualified(scope, first.left_column), r = qualified(scope, first.right_column);
    int64_t k = lower ? *lower : *upper;
    k = k == INT64_MIN ? INT64_MAX : k < 0 ? -k : k;
    if (k == 0) k = 1'000'000'000;
    diags.error(first.range, "this interval join bounds " + r + " only " + (lower ? "from below" : "from above"),
                "add the other bound, e.g. AND " + r + (lower ? " <= " + l + " + " : " >= " + l + " - ") + interval_literal(k));
    return nullptr;
  }
  if (*lower > *upper) {
    diags.error(join.condition->range, "the time bounds of this join leave no room for a match",
                "the lower bound must not be above the upper bound");
    return nullptr;
  }
  auto node = std::make_shared<IntervalJoinNode>();
  node->type = is_left ? JoinType::Left : JoinType::Inner;
  node->left_time = first.left_column;
  node->right_time = first.right_column - nl;
  node->lower_ns = *lower;
  node->upper_ns = *upper;
  node->left_keys = std::move(left_keys);
  node->right_keys = std::move(right_keys);
  node->residual = and_all(std::move(residual));
  node->schema = joined_schema(left.plan->schema, right.plan->schema, is_left, true);
  // How far the output's watermark is held back: the larger |bound|, INT64_MIN's saturated.
  auto magnitude = [](int64_t v) { return v == INT64_MIN ? INT64_MAX : v < 0 ? -v : v; };
  node->watermark = {Watermark::Origin::HeldBack, 0, std::max(magnitude(*lower), magnitude(*upper))};
  return node;
}

}  // namespace vlac
