#include "sema/select_binder.h"

#include <set>

#include "runtime/ops/window_math.h"
#include "sema/constant.h"
#include "sema/expr_binder.h"

namespace vlac {

using namespace vlac::ast;

namespace {

/// An aggregate call without OVER. LAG without OVER is not one: it is an error of its own
/// ("LAG needs an OVER clause"), not a reason to make the query an aggregate query.
bool is_aggregate_call(const Expr& e) {
  if (e.kind != ExprKind::Call) return false;
  const auto& c = static_cast<const CallExpr&>(e);
  if (c.over) return false;
  if (c.star) return true;
  const AggregateInfo* agg = find_aggregate(c.function.name);
  return agg && !agg->over_only;
}

/// Whether `e` contains an aggregate call (or, with `over`, an OVER call) outside OVER clauses.
bool contains_call(const Expr& e, bool over);

template <typename T>
bool any_contains(const std::vector<T>& v, bool over) {
  for (const auto& x : v)
    if (x && contains_call(*x, over)) return true;
  return false;
}

bool contains_call(const Expr& e, bool over) {
  switch (e.kind) {
    case ExprKind::Literal:
    case ExprKind::Column: return false;
    case ExprKind::Unary: return contains_call(*static_cast<const UnaryExpr&>(e).operand, over);
    case ExprKind::Binary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      return contains_call(*b.left, over) || contains_call(*b.right, over);
    }
    case ExprKind::Between: {
      const auto& b = static_cast<const BetweenExpr&>(e);
      return contains_call(*b.value, over) || contains_call(*b.lower, over) || contains_call(*b.upper, over);
    }
    case ExprKind::InList: {
      const auto& b = static_cast<const InListExpr&>(e);
      return contains_call(*b.value, over) || any_contains(b.list, over);
    }
    case ExprKind::Like: {
      const auto& b = static_cast<const LikeExpr&>(e);
      return contains_call(*b.value, over) || contains_call(*b.pattern, over);
    }
    case ExprKind::IsNull: return contains_call(*static_cast<const IsNullExpr&>(e).value, over);
    case ExprKind::Case: {
      const auto& c = static_cast<const CaseExpr&>(e);
      if ((c.operand && contains_call(*c.operand, over)) || (c.else_result && contains_call(*c.else_result, over)))
        return true;
      for (const auto& w : c.whens)
        if (contains_call(*w.condition, over) || contains_call(*w.result, over)) return true;
      return false;
    }
    case ExprKind::Cast: return contains_call(*static_cast<const CastExpr&>(e).operand, over);
    case ExprKind::Substring: {
      const auto& s = static_cast<const SubstringExpr&>(e);
      return contains_call(*s.value, over) || contains_call(*s.from, over) || (s.length && contains_call(*s.length, over));
    }
    case ExprKind::Call: {
      const auto& c = static_cast<const CallExpr&>(e);
      if (over && c.over) return true;
      if (!over && is_aggregate_call(e)) return true;
      return any_contains(c.args, over);
    }
  }
  return false;
}

}  // namespace

/// A windowed aggregate's result keeps its window: when `side.plan` projects window_start and
/// window_end of a WindowAggregate (through a HAVING filter at most), it can be one side of a
/// window join.
void detect_window(JoinSide& side) {
  if (side.plan->kind != PlanKind::Project) return;
  const auto& project = static_cast<const ProjectNode&>(*side.plan);
  PlanNodePtr below = project.inputs[0];
  if (below->kind == PlanKind::Filter) below = below->inputs[0];
  if (below->kind != PlanKind::WindowAggregate) return;
  const auto& agg = static_cast<const WindowAggregateNode&>(*below);
  const int start = static_cast<int>(agg.keys.size()), end = start + 1;
  int ws = -1, we = -1;
  for (size_t i = 0; i < project.exprs.size(); ++i) {
    if (project.exprs[i]->op != ExprOp::Column || project.schema.columns[i].hidden) continue;
    if (project.exprs[i]->column == start && ws < 0) ws = static_cast<int>(i);
    if (project.exprs[i]->column == end && we < 0) we = static_cast<int>(i);
  }
  if (ws < 0 || we < 0) return;
  side.windowed = true;
  side.window = agg.window;
  side.window_start = ws;
  side.window_end = we;
}

PlanNodePtr SelectBinder::stream(const Identifier& name) {
  auto it = catalog_.streams.find(name.name);
  if (it != catalog_.streams.end()) {
    catalog_.read.insert(name.name);
    return it->second;
  }
  if (catalog_.broken.count(name.name)) return nullptr;  // its declaration was already reported
  auto later = catalog_.declared_anywhere.find(name.name);
  if (later != catalog_.declared_anywhere.end() && catalog_.file) {
    uint32_t line = catalog_.file->line_col(later->second.begin).line;
    diags_.error(name.range, "stream '" + name.name + "' is used before it is declared",
                 "it is declared at line " + std::to_string(line) + "; declare streams before the statements that read them");
    return nullptr;
  }
  std::vector<std::string> known;
  for (const auto& [n, _] : catalog_.streams) known.push_back(n);
  diags_.error(name.range, "unknown stream '" + name.name + "'", did_you_mean(name.name, known));
  return nullptr;
}

std::optional<SelectBinder::BoundRelation> SelectBinder::bind_relation(const Relation& r) {
  BoundRelation out;
  switch (r.kind) {
    case RelationKind::Stream:
      out.side.plan = stream(r.stream);
      out.name = r.alias ? r.alias->name : r.stream.name;
      break;
    case RelationKind::Subquery:
      out.side.plan = bind_query(*r.subquery);
      out.name = r.alias ? r.alias->name : "";
      break;
    case RelationKind::Window: return bind_window(r);
  }
  if (!out.side.plan) return std::nullopt;
  detect_window(out.side);
  return out;
}

namespace {

/// Whether `plan` is the result of a GROUP BY without a window (through a HAVING filter at most).
bool is_unwindowed_group_by(const PlanNodePtr& plan) {
  PlanNodePtr p = plan;
  if (p->kind == PlanKind::Project) p = p->inputs[0];
  if (p->kind == PlanKind::Filter) p = p->inputs[0];
  return p->kind == PlanKind::GroupAggregate;
}

/// What each argument after the time column is called, per window function.
const char* window_argument_name(ast::WindowKind kind, size_t i) {
  static const char* kTumble[] = {"size", "offset"};
  static const char* kHop[] = {"slide", "size", "offset"};
  static const char* kSession[] = {"gap"};
  static const char* kCumulate[] = {"step", "max size", "offset"};
  switch (kind) {
    case ast::WindowKind::Tumble: return i < 2 ? kTumble[i] : "argument";
    case ast::WindowKind::Hop: return i < 3 ? kHop[i] : "argument";
    case ast::WindowKind::Session: return i < 1 ? kSession[i] : "argument";
    case ast::WindowKind::Cumulate: return i < 3 ? kCumulate[i] : "argument";
  }
  return "argument";
}

}  // namespace

/// HOP and CUMULATE put each event in size / slide windows, and each window fires its own
/// results: many is a warning (LANGUAGE.md §5). Aggregates are computed from slices
/// (opt/slice_windows.cpp), so their state does not grow with it; a window that is not
/// aggregated copies each row into every window, and lowering refuses too many of those.
bool SelectBinder::check_windows_per_event(const WindowCall& w, const WindowSpec& spec) {
  const bool hop = spec.kind == vlac::WindowKind::Hop;
  const int64_t n = rt::windows_per_event(hop ? 1 : 2, spec.size, spec.slide);
  if (n <= rt::kWarnWindowsPerEvent) return true;
  const std::string fn = hop ? "HOP" : "CUMULATE", slide = hop ? "slide" : "step", size = hop ? "size" : "max size";
  const std::string what = fn + " puts each event in " + std::to_string(n) + " windows (" + size + " " +
                           format_duration(spec.size) + " / " + slide + " " + format_duration(spec.slide) + ")";
  diags_.warning(w.args[0]->range, what + ": each window fires its own results", "a larger " + slide + " gives fewer windows");
  return true;
}

/// A window's arguments are checked even when its time column is wrong, and a window with bad
/// arguments still has its columns (window_start, ...), so that the rest of the SELECT is
/// checked too: the result is then marked `broken`.
std::optional<SelectBinder::BoundRelation> SelectBinder::bind_window(const Relation& r) {
  const WindowCall& w = *r.window;
  std::optional<BoundRelation> in = bind_relation(*w.input);
  if (!in) return std::nullopt;
  bool broken = in->broken;
  PlanNodePtr input = in->side.plan;
  const bool named = w.input->kind == RelationKind::Stream;
  const std::string input_name = named ? "'" + w.input->stream.name + "'" : "the subquery";
  const std::string fn = window_kind_name(static_cast<vlac::WindowKind>(w.kind));

  // The time column must be one of the input's event-time columns.
  int time = -1;
  for (int i = 0; i < input->schema.size(); ++i)
    if (input->schema.columns[i].resolvable && input->schema.columns[i].name == w.time_column.name) time = i;
  std::optional<int> event_time = input->schema.event_time();
  if (time < 0) {
    std::vector<std::string> names;
    for (const Column& c : input->schema.columns)
      if (c.resolvable) names.push_back(c.name);
    diags_.error(w.time_column.range, "unknown column '" + w.time_column.name + "' in " + input_name,
                 did_you_mean(w.time_column.name, names));
    broken = true;
  } else if (!input->schema.columns[time].time_attribute) {
    // Without any event time, the stream itself is the problem: point at it.
    if (!event_time && input->kind == PlanKind::Source) {
      diags_.error(w.input->range, "stream " + input_name + " has no event time, so " + fn + " cannot window it",
                   "add a WATERMARK clause to its CREATE STREAM: WATERMARK FOR " + w.time_column.name + " AS " +
                       w.time_column.name + " - INTERVAL '1' SECOND");
    } else if (!event_time && is_unwindowed_group_by(input)) {
      diags_.error(w.input->range, input_name + " has no event-time column, so " + fn + " cannot window it",
                   "a GROUP BY without a window has no event time (it emits once, at the end of input); " +
                       input_name + " needs a window of its own, such as TUMBLE");
    } else if (!event_time) {
      diags_.error(w.input->range, input_name + " has no event-time column, so " + fn + " cannot window it",
                   "select its input's event-time column (or window_time of a windowed result) in its SELECT list");
    } else {
      diags_.error(w.time_column.range, "'" + w.time_column.name + "' is not an event-time column of " + input_name,
                   "window on its event time: " + input->schema.columns[*event_time].name);
    }
    broken = true;
  }

  // Sizes, slides, gaps and offsets are constant intervals.
  size_t min_args = 1, max_args = 2;
  std::string usage = "TUMBLE(stream, time_column, size [, offset])";
  if (w.kind == ast::WindowKind::Hop) { min_args = 2; max_args = 3; usage = "HOP(stream, time_column, slide, size [, offset])"; }
  if (w.kind == ast::WindowKind::Session) { min_args = 1; max_args = 1; usage = "SESSION(stream, time_column, gap)"; }
  if (w.kind == ast::WindowKind::Cumulate) { min_args = 2; max_args = 3; usage = "CUMULATE(stream, time_column, step, max_size [, offset])"; }
  WindowSpec spec;
  spec.kind = static_cast<vlac::WindowKind>(w.kind);
  spec.time_column = time;
  if (w.args.size() < min_args || w.args.size() > max_args) {
    diags_.error(r.range, fn + " takes " + std::to_string(min_args + 2) +
                              (max_args > min_args ? " or " + std::to_string(max_args + 2) : "") + " arguments, not " +
                              std::to_string(w.args.size() + 2),
                 "write " + usage);
    broken = true;
  } else {
    // The arguments are bound over the input's columns, so that one computed from a column is
    // reported as not constant rather than as an unknown column.
    Scope input_scope;
    input_scope.add(in->name, input->schema);
    std::vector<std::optional<int64_t>> values;
    for (size_t i = 0; i < w.args.size(); ++i) {
      const Expr& a = *w.args[i];
      const std::string what = fn + "'s " + window_argument_name(w.kind, i);
      ExprBinder b(input_scope, diags_, "a window argument");
      ScalarExprPtr v = b.bind(a);
      std::optional<int64_t> ns = v ? constant_interval(*v) : std::nullopt;
      if (v && !ns) {
        std::string example = "e.g. INTERVAL '1' SECOND or 1s";
        if (a.kind == ExprKind::Literal && static_cast<const LiteralExpr&>(a).literal == LiteralKind::Integer) {
          const std::string& n = static_cast<const LiteralExpr&>(a).text;
          example = "give it a unit, e.g. INTERVAL '" + n + "' SECOND or " + n + "s";
        }
        diags_.error(a.range, what + " must be a constant interval" +
                                  (v->type.type.kind == TypeKind::Interval ? "" : ", not " + type_name(v->type.type)),
                     example);
      }
      if (!ns) broken = true;
      values.push_back(ns);
    }
    auto positive = [&](size_t i) {
      if (!values[i]) return false;
      if (*values[i] > 0) return true;
      diags_.error(w.args[i]->range, fn + "'s " + window_argument_name(w.kind, i) + " must be positive");
      broken = true;
      return false;
    };
    auto value = [&](size_t i) { return i < values.size() && values[i] ? *values[i] : 0; };
    switch (spec.kind) {
      case vlac::WindowKind::Tumble:
        positive(0);
        spec.size = value(0);
        spec.offset = value(1);
        break;
      case vlac::WindowKind::Hop:
      case vlac::WindowKind::Cumulate: {
        bool slide_ok = positive(0), size_ok = positive(1);
        spec.slide = value(0);
        spec.size = value(1);
        spec.offset = value(2);
        if (slide_ok && size_ok && spec.size % spec.slide != 0) {
          if (spec.kind == vlac::WindowKind::Hop)
            diags_.error(w.args[1]->range, "HOP's size must be a whole multiple of its slide",
                         "e.g. HOP(s, ts, INTERVAL '1' SECOND, INTERVAL '5' SECOND)");
          else
            diags_.error(w.args[1]->range, "CUMULATE's max size must be a whole multiple of its step");
          broken = true;
        } else if (slide_ok && size_ok) {
          if (!check_windows_per_event(w, spec)) broken = true;
        }
        break;
      }
      case vlac::WindowKind::Session:
        positive(0);
        spec.gap = value(0);
        break;
    }
  }

  // Output: the input's columns, with upstream window columns shadowed, then the window's own.
  auto node = std::make_shared<WindowAssignNode>();
  node->inputs = {input};
  node->window = spec;
  node->range = r.range;
  node->watermark = {Watermark::Origin::Input, 0, 0};
  node->schema = input->schema;
  for (Column& c : node->schema.columns) {
    if (c.name == "window_start" || c.name == "window_end" || c.name == "window_time") {
      c.hidden = true;
      c.resolvable = false;
      c.time_attribute = false;
    }
  }
  ColumnType ts{Type::timestamp(), false};
  node->schema.columns.push_back({"window_start", ts});
  node->schema.columns.push_back({"window_end", ts});
  node->schema.columns.push_back({"window_time", ts, false, true, true});

  BoundRelation out;
  out.side.plan = node;
  out.side.windowed = true;
  out.side.window = spec;
  out.side.window_start = node->schema.size() - 3;
  out.side.window_end = node->schema.size() - 2;
  out.window_input = input;
  out.name = r.alias ? r.alias->name : w.input->kind == RelationKind::Stream ? w.input->stream.name : "";
  out.broken = broken;
  return out;
}

/// Binds every clause of a SELECT, even when an earlier one failed, so that one run reports
/// every independent error; only what depends on a failed part is skipped (an unknown input
/// stream skips the whole SELECT; a failed GROUP BY key silences "must be in GROUP BY").
/// Plan nodes are built only when everything bound.
PlanNodePtr SelectBinder::bind_select(const Select& s, std::vector<SourceRange>* output_ranges) {
  bool ok = true;
  // ---- FROM and joins ----
  std::optional<BoundRelation> first = bind_relation(*s.from);
  if (!first) return nullptr;
  ok = !first->broken;
  Scope scope;
  scope.add(first->name, first->side.plan->schema);
  PlanNodePtr plan = first->side.plan;  // null once a join failed
  JoinSide left = first->side;
  for (const Join& j : s.joins) {
    std::optional<BoundRelation> right = bind_relation(*j.right);
    if (!right) return nullptr;
    Scope joined = scope;
    joined.add(right->name, right->side.plan->schema);
    ExprBinder cb(joined, diags_, "a join condition");
    ScalarExprPtr cond = cb.bind_condition(*j.condition);
    PlanNodePtr node;
    // A join is classified only when both sides and its condition are sound (else its errors
    // would echo theirs).
    if (cond && ok && !right->broken) node = classify_join(j, std::move(cond), left, right->side, joined, diags_);
    if (node) {
      node->inputs = {plan, right->side.plan};
      node->range = j.range;
      static_cast<JoinNodeBase&>(*node).capacities = capacities_;
      joined.set_schema(node->schema);
      left = JoinSide();
      left.plan = node;
    } else {
      ok = false;
    }
    plan = node;
    scope = std::move(joined);
  }

  const bool windowed = first->side.windowed && s.joins.empty();
  bool has_agg = !s.group_by.empty() || (s.having && contains_call(*s.having, false));
  bool has_over = false;
  for (const SelectItem& item : s.items) {
    if (item.expr && contains_call(*item.expr, false)) has_agg = true;
    if (item.expr && contains_call(*item.expr, true)) has_over = true;
  }
  bool bind_items = true;
  if (has_agg && has_over) {
    diags_.error(s.range, "a SELECT cannot both aggregate and use OVER",
                 "compute the OVER expressions in a derived stream, then aggregate that");
    ok = bind_items = false;  // the SELECT list would echo it; WHERE is still checked
  }
  if (windowed && first->side.window.kind == vlac::WindowKind::Session && !has_agg) {
    diags_.error(s.from->range, "SESSION windows must be aggregated",
                 "add GROUP BY (the session key) and aggregates such as COUNT(*)");
    ok = false;
  }

  // An aggregated window reads the window's input rows directly: WHERE filters them first.
  PlanNodePtr rows = windowed && has_agg ? first->window_input : plan;
  ScalarExprPtr where;
  if (s.where) {
    ExprBinder wb(scope, diags_, "WHERE");
    where = wb.bind_condition(*s.where);
    if (!where) {
      ok = false;
    } else if (windowed && has_agg) {
      bool reads_window = false;
      for_each_column(*where, [&](int c) { reads_window |= c >= rows->schema.size(); });
      if (reads_window) {
        diags_.error(s.where->range, "WHERE cannot read window_start, window_end or window_time of an aggregated window",
                     "filter on them in HAVING");
        ok = false;
      }
    }
  }
  if (!bind_items) return nullptr;

  // ---- aggregate or OVER, then the SELECT list ----
  std::vector<ScalarExprPtr> exprs;
  AggregateContext agg;
  OverContext over;
  PlanNodePtr below;  // the node the final projection reads

  if (has_agg) {
    agg.windowed = windowed;
    agg.global = !windowed && s.group_by.empty();
    if (windowed) {
      agg.window_start_input = first->side.window_start;
      agg.window_end_input = first->side.window_end;
      agg.window_time_input = first->side.window_start + 2;
    }
    ExprBinder kb(scope, diags_, "GROUP BY");
    for (const auto& g : s.group_by) {
      ScalarExprPtr k = kb.bind_value(*g);
      if (!k) {
        agg.keys_incomplete = true;
        continue;
      }
      if (windowed && k->op == ExprOp::Column &&
          (k->column == agg.window_start_input || k->column == agg.window_end_input || k->column == agg.window_time_input))
        continue;  // implicit in a window aggregate
      if (windowed) {
        bool reads_window = false;
        for_each_column(*k, [&](int c) { reads_window |= c >= agg.window_start_input; });
        if (reads_window) {
          diags_.error(g->range, "group by window_start and window_end themselves, not an expression of them");
          agg.keys_incomplete = true;
          continue;
        }
      }
      agg.keys.push_back(std::move(k));
    }
    if (agg.keys_incomplete) ok = false;
  } else if (has_over) {
    over.input_columns = scope.schema().size();
    over.time_column = scope.schema().event_time().value_or(-1);
    if (over.time_column < 0 && s.joins.empty() && first->side.plan->kind == PlanKind::Source)
      over.source_without_watermark = first->name;
  } else if (s.having) {
    diags_.error(s.having->range, "HAVING needs an aggregate query", "filter rows with WHERE");
    ok = false;
  }

  // Expand * and bind each item. A failed item keeps its place (a null expression), so that
  // the names of the others, and their duplicates, are still checked.
  ExprBinder sb(scope, diags_, "SELECT");
  if (has_agg) sb.set_aggregates(&agg);
  if (has_over) sb.set_over(&over);
  std::vector<std::string> names;
  std::vector<SourceRange> ranges;       // where each output column is named, for duplicates
  std::vector<SourceRange> item_ranges;  // the select item of each output column
  for (const SelectItem& item : s.items) {
    if (item.kind != SelectItemKind::Expr) {
      const ScopeRelation* only = nullptr;
      if (item.kind == SelectItemKind::QualifiedStar) {
        only = scope.find_relation(item.qualifier.name);
        if (!only) {
          diags_.error(item.qualifier.range, "unknown stream or alias '" + item.qualifier.name + "'");
          ok = false;
          continue;
        }
      }
      if (has_agg) {
        diags_.error(item.range, "SELECT * cannot be used in an aggregate query", "list the group keys and aggregates");
        ok = false;
        continue;
      }
      for (const ScopeRelation& rel : scope.relations()) {
        if (only && &rel != only) continue;
        for (int i = rel.first_column; i < rel.first_column + rel.column_count; ++i) {
          const Column& c = scope.schema().columns[i];
          if (c.hidden || !c.resolvable) continue;
          exprs.push_back(ScalarExpr::column_ref(i, c.type, item.range));
          names.push_back(c.name);
          ranges.push_back(item.range);
          item_ranges.push_back(item.range);
        }
      }
      continue;
    }
    ScalarExprPtr e = sb.bind_value(*item.expr);
    if (!e) ok = false;
    std::string name = item.alias ? item.alias->name
                       : item.expr->kind == ExprKind::Column ? static_cast<const ColumnExpr&>(*item.expr).name.name
                                                             : "EXPR$" + std::to_string(exprs.size());
    exprs.push_back(std::move(e));
    names.push_back(name);
    ranges.push_back(item.alias ? item.alias->range : item.range);
    item_ranges.push_back(item.range);
  }
  ScalarExprPtr having;
  if (s.having && has_agg) {
    ExprBinder hb(scope, diags_, "HAVING");
    hb.set_aggregates(&agg);
    having = hb.bind_condition(*s.having);
    if (!having) ok = false;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen.insert(names[i]).second) {
      diags_.error(ranges[i], "duplicate output column name '" + names[i] + "'", "name one of them with AS");
      ok = false;
    }
  }
  if (!ok) return nullptr;
  if (output_ranges) *output_ranges = item_ranges;

  // ---- the plan: WHERE, then the aggregate or OVER node the projection reads ----
  if (where) {
    auto filter = std::make_shared<FilterNode>();
    filter->inputs = {rows};
    filter->predicate = std::move(where);
    filter->schema = rows->schema;
    filter->range = s.where->range;
    rows = filter;
  }
  const int window_time_output = agg.window_output(2);
  if (has_agg) {
    Schema agg_schema;
    for (size_t k = 0; k < agg.keys.size(); ++k) {
      const ScalarExpr& key = *agg.keys[k];
      std::string n = key.op == ExprOp::Column ? scope.schema().columns[key.column].name : "$key" + std::to_string(k);
      agg_schema.columns.push_back({n, key.type});
    }
    ColumnType ts{Type::timestamp(), false};
    if (windowed) {
      agg_schema.columns.push_back({"window_start", ts});
      agg_schema.columns.push_back({"window_end", ts});
      agg_schema.columns.push_back({"window_time", ts, false, true, true});
    }
    for (size_t i = 0; i < agg.calls.size(); ++i)
      agg_schema.columns.push_back({"$agg" + std::to_string(i), agg.calls[i].result});
    if (windowed) {
      auto node = std::make_shared<WindowAggregateNode>();
      node->inputs = {rows};
      node->window = first->side.window;
      node->keys = std::move(agg.keys);
      node->aggregates = std::move(agg.calls);
      node->capacities = capacities_;
      node->schema = std::move(agg_schema);
      node->range = s.range;
      node->watermark = {Watermark::Origin::Input, 0, 0};
      below = node;
    } else {
      auto node = std::make_shared<GroupAggregateNode>();
      node->inputs = {rows};
      node->keys = std::move(agg.keys);
      node->aggregates = std::move(agg.calls);
      node->capacities = capacities_;
      node->schema = std::move(agg_schema);
      node->range = s.range;
      node->watermark = {Watermark::Origin::EndOfInput, 0, 0};
      below = node;
    }
    if (having) {
      auto filter = std::make_shared<FilterNode>();
      filter->inputs = {below};
      filter->predicate = std::move(having);
      filter->schema = below->schema;
      filter->range = s.having->range;
      below = filter;
    }
  } else if (has_over) {
    auto node = std::make_shared<OverNode>();
    node->inputs = {rows};
    node->partition_keys = std::move(over.partition_keys);
    node->order_column = over.time_column;
    node->capacities = capacities_;
    node->schema = rows->schema;
    for (size_t i = 0; i < over.calls.size(); ++i)
      node->schema.columns.push_back({"$over" + std::to_string(i), over.calls[i].result});
    node->calls = std::move(over.calls);
    node->range = s.range;
    node->watermark = {Watermark::Origin::Input, 0, 0};
    below = node;
  } else {
    below = rows;
  }

  // ---- the projection ----
  auto project = std::make_shared<ProjectNode>();
  project->inputs = {below};
  project->range = s.range;
  project->watermark = {Watermark::Origin::Input, 0, 0};
  for (size_t i = 0; i < exprs.size(); ++i) {
    Column c{names[i], exprs[i]->type};
    if (exprs[i]->op == ExprOp::Column) c.time_attribute = below->schema.columns[exprs[i]->column].time_attribute;
    project->schema.columns.push_back(c);
    project->exprs.push_back(std::move(exprs[i]));
  }
  // A windowed result keeps window_time as its event time, hidden if the SELECT list omits it.
  if (has_agg && windowed && !project->schema.event_time()) {
    Column c{"window_time", {Type::timestamp(), false}, true, !seen.count("window_time"), true};
    project->schema.columns.push_back(c);
    project->exprs.push_back(ScalarExpr::column_ref(window_time_output, c.type));
  }
  return project;
}

PlanNodePtr SelectBinder::bind_query(const Query& q) {
  // Every SELECT of a UNION ALL is checked, even after one failed.
  std::vector<PlanNodePtr> parts;
  std::vector<std::vector<SourceRange>> item_ranges(q.selects.size());
  bool ok = true;
  for (size_t i = 0; i < q.selects.size(); ++i) {
    PlanNodePtr p = bind_select(*q.selects[i], &item_ranges[i]);
    if (!p) ok = false;
    parts.push_back(p);
  }
  if (!ok) return nullptr;
  if (parts.size() == 1) return parts[0];

  // UNION ALL: same column names; types brought to a common type.
  const Schema& first = parts[0]->schema;
  std::vector<std::string> names = visible_names(first);
  std::vector<Type> types;
  for (const Column& c : first.columns)
    if (!c.hidden) types.push_back(c.type.type);
  std::vector<bool> nullable(types.size(), false);
  for (size_t p = 0; p < parts.size(); ++p) {
    std::vector<const Column*> cols;
    for (const Column& c : parts[p]->schema.columns)
      if (!c.hidden) cols.push_back(&c);
    if (cols.size() != names.size()) {
      diags_.error(q.selects[p]->range, "UNION ALL inputs must have the same columns: this one has " +
                                            std::to_string(cols.size()) + ", the first has " + std::to_string(names.size()));
      return nullptr;
    }
    // The select item that makes column i, to point at.
    auto item = [&](size_t i) { return i < item_ranges[p].size() ? item_ranges[p][i] : q.selects[p]->range; };
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i]->name != names[i]) {
        diags_.error(item(i), "UNION ALL inputs must have the same column names: column " +
                                  std::to_string(i + 1) + " is '" + cols[i]->name + "' here and '" + names[i] +
                                  "' in the first",
                     "rename it with AS");
        return nullptr;
      }
      auto t = common_type(types[i], cols[i]->type.type);
      if (!t) {
        diags_.error(item(i), "UNION ALL column '" + names[i] + "' is " + type_name(cols[i]->type.type) +
                                  " here but " + type_name(types[i]) + " in the first");
        return nullptr;
      }
      types[i] = *t;
      nullable[i] = nullable[i] || cols[i]->type.nullable;
    }
  }
  auto u = std::make_shared<UnionNode>();
  u->range = q.range;
  u->watermark = {Watermark::Origin::MinOfInputs, 0, 0};
  for (size_t i = 0; i < names.size(); ++i) u->schema.columns.push_back({names[i], {types[i], nullable[i]}});
  for (size_t p = 0; p < parts.size(); ++p) {
    // Each input is projected to the union's visible columns and types.
    auto proj = std::make_shared<ProjectNode>();
    proj->inputs = {parts[p]};
    proj->range = q.selects[p]->range;
    size_t vi = 0;
    for (int c = 0; c < parts[p]->schema.size(); ++c) {
      const Column& col = parts[p]->schema.columns[c];
      if (col.hidden) continue;
      auto ref = ScalarExpr::column_ref(c, col.type);
      proj->exprs.push_back(coerce(std::move(ref), types[vi]));
      proj->schema.columns.push_back({names[vi], {types[vi], nullable[vi]}, false, true, col.time_attribute});
      ++vi;
    }
    u->inputs.push_back(proj);
  }
  // A column is a time attribute of the union when it is one in every input.
  for (size_t i = 0; i < names.size(); ++i) {
    bool all = true;
    for (const auto& in : u->inputs) all = all && in->schema.columns[i].time_attribute;
    u->schema.columns[i].time_attribute = all;
  }
  return u;
}

}  // namespace vlac
