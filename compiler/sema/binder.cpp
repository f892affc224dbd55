#include "sema/binder.h"

#include <algorithm>

#include "sema/catalog.h"
#include "sema/constant.h"
#include "sema/expr_binder.h"
#include "sema/select_binder.h"

namespace vlac {

using namespace vlac::ast;

namespace {

/// The largest capacity a runtime can honour: group and partition tables index their entries
/// with 32 bits (UINT32_MAX marks "full"), and firmware sizes static arrays with it.
constexpr long long kMaxCapacity = 2147483647;

constexpr const char* kKnownOptions = "known options are max_keys, max_open_windows and max_buffered_rows";

/// Reads the WITH options of a statement; unknown or malformed ones are errors.
Capacities bind_options(const std::vector<WithOption>& options, Diagnostics& diags) {
  Capacities caps;
  std::vector<std::string> seen;
  for (const WithOption& o : options) {
    std::optional<int64_t>* slot = o.name.name == "max_keys"            ? &caps.max_keys
                                   : o.name.name == "max_open_windows"  ? &caps.max_open_windows
                                   : o.name.name == "max_buffered_rows" ? &caps.max_buffered_rows
                                                                        : nullptr;
    if (!slot) {
      std::string hint = did_you_mean(o.name.name, {"max_keys", "max_open_windows", "max_buffered_rows"});
      diags.error(o.name.range, "unknown option '" + o.name.name + "'", hint.empty() ? kKnownOptions : hint + " (" + kKnownOptions + ")");
      continue;
    }
    if (std::find(seen.begin(), seen.end(), o.name.name) != seen.end()) {
      diags.error(o.name.range, "option '" + o.name.name + "' is given twice");
      continue;
    }
    seen.push_back(o.name.name);
    long long v = 0;
    bool ok = o.value_kind == OptionValueKind::Integer && o.text.size() < 19 && o.text[0] != '-';
    if (ok) v = std::stoll(o.text);
    if (!ok || v <= 0 || v > kMaxCapacity) {
      diags.error(o.value_range, "option '" + o.name.name + "' must be an integer from 1 to " +
                                     std::to_string(kMaxCapacity) + ", not " + o.text,
                  "e.g. WITH (" + o.name.name + " = 1024); leave it out for no bound on a hosted target");
      continue;
    }
    *slot = v;
  }
  return caps;
}

class ProgramBinder {
 public:
  ProgramBinder(const SourceFile& file, Diagnostics& diags) : diags_(diags) { catalog_.file = &file; }

  LogicalProgram bind(const Program& program) {
    for (const std::string& b : program.broken_streams) catalog_.broken.insert(b);
    for (const Statement& st : program.statements)
      if (st.kind != StatementKind::Query && !catalog_.declared_anywhere.count(st.name.name))
        catalog_.declared_anywhere[st.name.name] = st.name.range;

    int bare = 0;
    std::vector<ProgramOutput> derived;
    for (const Statement& st : program.statements) {
      switch (st.kind) {
        case StatementKind::CreateSource: bind_source(st); break;
        case StatementKind::CreateDerived:
          if (PlanNodePtr p = bind_derived(st)) derived.push_back({st.name.name, p, st.range});
          break;
        case StatementKind::Query: {
          ++bare;
          SelectBinder sb(catalog_, diags_, {});
          PlanNodePtr p = sb.bind_query(*st.query);
          if (p && shallow_enough(p, "this query", st.range))
            out_.outputs.push_back({"_" + std::to_string(bare), p, st.range});
          break;
        }
      }
    }
    // Derived streams that no statement reads are outputs, in declaration order, before bare
    // queries only where they were declared before them.
    std::vector<ProgramOutput> outputs;
    for (auto& d : derived)
      if (!catalog_.read.count(d.name)) outputs.push_back(std::move(d));
    for (auto& q : out_.outputs) outputs.push_back(std::move(q));
    std::stable_sort(outputs.begin(), outputs.end(),
                     [](const ProgramOutput& a, const ProgramOutput& b) { return a.range.begin < b.range.begin; });
    out_.outputs = std::move(outputs);
    out_.streams = catalog_.streams;
    if (!diags_.has_errors() && out_.outputs.empty() && !program.statements.empty())
      diags_.warning(program.statements.back().range, "the program has no output",
                     "every derived stream is read by another; add a query or a derived stream that nothing reads");
    return std::move(out_);
  }

 private:
  bool declare(const Identifier& name) {
    if (catalog_.streams.count(name.name)) {
      uint32_t line = catalog_.file->line_col(catalog_.declared_anywhere[name.name].begin).line;
      diags_.error(name.range, "stream '" + name.name + "' is already declared",
                   "it is declared at line " + std::to_string(line) + "; choose another name");
      return false;
    }
    if (name.name.size() > 1 && name.name[0] == '_' &&
        std::all_of(name.name.begin() + 1, name.name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      diags_.error(name.range, "'" + name.name + "' is reserved for bare queries", "choose another name");
      return false;
    }
    return true;
  }

  void bind_source(const Statement& st) {
    if (!declare(st.name)) return;
    SourceStream src;
    src.name = st.name.name;
    src.range = st.range;
    bool ok = true;
    for (const ColumnDef& c : st.columns) {
      bool dup = std::any_of(src.schema.columns.begin(), src.schema.columns.end(),
                             [&](const Column& x) { return x.name == c.name.name; });
      if (dup) {
        diags_.error(c.name.range, "column '" + c.name.name + "' is declared twice in '" + st.name.name + "'");
        ok = false;
        continue;
      }
      if (c.type.type.kind == TypeKind::Null) { ok = false; continue; }  // unknown type, reported
      src.schema.columns.push_back({c.name.name, {c.type.type, !c.not_null}});
      src.column_ranges.push_back(c.range);
    }
    if (st.columns.empty()) ok = false;

    if (st.watermarks.size() > 1) {
      diags_.error(st.watermarks[1].range, "a stream has one WATERMARK clause");
      ok = false;
    } else if (st.watermarks.size() == 1) {
      ok = bind_watermark(st.watermarks[0], src) && ok;
    }
    Capacities caps = bind_options(st.options, diags_);
    if (caps.max_keys || caps.max_open_windows || caps.max_buffered_rows)
      diags_.warning(st.options.front().range, "WITH options of a source stream have no effect",
                     "put them on the derived stream whose query holds the state");

    auto node = std::make_shared<SourceNode>();
    node->stream = src.name;
    node->schema = src.schema;
    node->range = st.range;
    node->watermark = {Watermark::Origin::Source, src.watermark_bound_ns, 0};
    // A stream with errors is still declared, so that statements reading it are checked too.
    catalog_.streams[src.name] = node;
    if (ok) out_.sources.push_back(std::move(src));
  }

  /// WATERMARK FOR ts AS ts - <interval constant>, with ts a TIMESTAMP NOT NULL column.
  bool bind_watermark(const WatermarkDef& wm, SourceStream& src) {
    auto it = std::find_if(src.schema.columns.begin(), src.schema.columns.end(),
                           [&](const Column& c) { return c.name == wm.column.name; });
    if (it == src.schema.columns.end()) {
      std::vector<std::string> names;
      for (const Column& c : src.schema.columns) names.push_back(c.name);
      diags_.error(wm.column.range, "WATERMARK names unknown column '" + wm.column.name + "'", did_you_mean(wm.column.name, names));
      return false;
    }
    if (it->type.type.kind != TypeKind::Timestamp) {
      diags_.error(wm.column.range, "the event-time column '" + wm.column.name + "' must be TIMESTAMP, not " + type_name(it->type.type));
      return false;
    }
    if (it->type.nullable) {
      diags_.error(wm.column.range, "the event-time column '" + wm.column.name + "' must be NOT NULL",
                   "declare it as: " + wm.column.name + " TIMESTAMP NOT NULL");
      return false;
    }
    Scope scope;
    scope.add(src.name, src.schema);
    ExprBinder eb(scope, diags_, "a WATERMARK clause");
    const int col = static_cast<int>(it - src.schema.columns.begin());
    const std::string& ts = wm.column.name;
    auto is_time_column = [&](const ScalarExprPtr& e) { return e->op == ExprOp::Column && e->column == col; };
    // The bound in the hints: the number written without a unit, else 50 milliseconds.
    std::string amount = "50";
    std::optional<int64_t> bound;
    const auto* sub = wm.expr->kind == ExprKind::Binary ? static_cast<const BinaryExpr*>(wm.expr.get()) : nullptr;
    if (sub && sub->op == BinaryOp::Sub) {
      // `ts - bound`: the two sides are checked on their own, so that the error names the bound.
      ScalarExprPtr left = eb.bind(*sub->left);
      ScalarExprPtr right = eb.bind(*sub->right);
      if (!left || !right) return false;
      if (sub->right->kind == ExprKind::Literal) {
        const auto& lit = static_cast<const LiteralExpr&>(*sub->right);
        if (lit.literal == LiteralKind::Integer || lit.literal == LiteralKind::Decimal) amount = lit.text;
      }
      const std::string form = ts + " - INTERVAL '" + amount + "' MILLISECOND";
      if (is_time_column(left) && right->type.type.kind != TypeKind::Interval) {
        diags_.error(sub->right->range, "the watermark bound must be an INTERVAL, not " + type_name(right->type.type),
                     "write WATERMARK FOR " + ts + " AS " + form);
        return false;
      }
      if (is_time_column(left)) {
        bound = constant_interval(*right);
        if (bound && *bound < 0) {
          diags_.error(sub->right->range, "the watermark bound must not be negative",
                       "write WATERMARK FOR " + ts + " AS " + ts + " - " + interval_literal(*bound == INT64_MIN ? 50'000'000 : -*bound));
          return false;
        }
        if (!bound) {
          diags_.error(sub->right->range, "the watermark bound must be a constant interval",
                       "write WATERMARK FOR " + ts + " AS " + form);
          return false;
        }
      }
    } else {
      ScalarExprPtr e = eb.bind(*wm.expr);
      if (!e) return false;
      if (is_time_column(e)) bound = 0;
    }
    if (!bound) {
      diags_.error(wm.expr->range, "a WATERMARK must be the event-time column minus a constant interval",
                   "write WATERMARK FOR " + ts + " AS " + ts + " - INTERVAL '50' MILLISECOND");
      return false;
    }
    it->time_attribute = true;
    src.time_column = col;
    src.watermark_bound_ns = *bound;
    return true;
  }

  PlanNodePtr bind_derived(const Statement& st) {
    Capacities caps = bind_options(st.options, diags_);
    bool declared = declare(st.name);
    SelectBinder sb(catalog_, diags_, caps);
    PlanNodePtr plan = sb.bind_query(*st.query);
    // A derived stream with errors is remembered as broken: statements that read it are still
    // checked, without an echo ("used before it is declared") of its errors.
    if (plan && !shallow_enough(plan, "stream '" + st.name.name + "'", st.name.range)) plan = nullptr;
    // So is a name whose declaration was refused (reserved, like `_1`): a later read is not
    // told that the stream is "used before it is declared" at the refused line.
    if (!plan || (!declared && !catalog_.streams.count(st.name.name))) catalog_.broken.insert(st.name.name);
    if (!declared || !plan) return nullptr;
    catalog_.streams[st.name.name] = plan;
    return plan;
  }

  /// Whether `plan` passes through at most kMaxPlanDepth operators; reports it when not.
  bool shallow_enough(const PlanNodePtr& plan, const std::string& what, SourceRange at) {
    checked_.push_back(plan);  // keeps the nodes `depths_` names alive
    const int depth = plan_depth(*plan, depths_);
    if (depth <= kMaxPlanDepth) return true;
    diags_.error(at, what + " is derived through " + std::to_string(depth) + " operators: at most " +
                         std::to_string(kMaxPlanDepth) + " are supported",
                 "each derived stream adds its operators (filter, projection, window, ...) to those of the streams "
                 "it reads; merge some of the chained streams into one");
    return false;
  }

  Diagnostics& diags_;
  StreamCatalog catalog_;
  LogicalProgram out_;
  std::map<const PlanNode*, int> depths_;
  std::vector<PlanNodePtr> checked_;
};

}  // namespace

LogicalProgram bind_program(const Program& program, const SourceFile& file, Diagnostics& diags) {
  return ProgramBinder(file, diags).bind(program);
}

}  // namespace vlac
