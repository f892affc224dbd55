#include "opt/optimizer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

struct Pass {
  const char* name;
  int (*run)(LogicalProgram&);  // returns the number of rewrites
};

// The passes, in the order they run.
constexpr Pass kPasses[] = {
    {"fold-constants", fold_constants},
    {"remove-identity-projections", remove_identity_projections},
    // Filters move down: through projections first, so that they meet the filters, joins,
    // aggregates and windows below them; the later pushes conjoin into a filter they meet.
    {"push-filters-through-projections", push_filters_through_projections},
    {"merge-filters", merge_filters},
    {"push-filters-into-joins", push_filters_into_joins},
    {"push-filters-below-aggregates", push_filters_below_aggregates},
    {"push-filters-below-windows", push_filters_below_windows},
    {"merge-projections", merge_projections},
    {"share-subexpressions", share_subexpressions},
    {"slice-windows", slice_windows},
    {"merge-windows", merge_windows},
    {"prune-source-columns", prune_source_columns},  // last: it reads the final plan
};

[[noreturn]] void broken(const std::string& after, const std::string& what) {
  std::fprintf(stderr, "vlac: internal error: the plan is inconsistent after %s: %s\n", after.c_str(), what.c_str());
  std::abort();
}

}  // namespace

void for_each_expr(PlanNode& n, const std::function<void(ScalarExprPtr&)>& f) {
  auto each = [&](std::vector<ScalarExprPtr>& v) {
    for (auto& e : v) f(e);
  };
  auto each_agg = [&](std::vector<AggregateCall>& v) {
    for (auto& a : v)
      if (a.arg) f(a.arg);
  };
  switch (n.kind) {
    case PlanKind::Source:
    case PlanKind::WindowAssign:
    case PlanKind::Union: return;
    case PlanKind::Filter: f(static_cast<FilterNode&>(n).predicate); return;
    case PlanKind::Project: each(static_cast<ProjectNode&>(n).exprs); return;
    case PlanKind::WindowAggregate: {
      auto& w = static_cast<WindowAggregateNode&>(n);
      each(w.keys);
      each_agg(w.aggregates);
      return;
    }
    case PlanKind::GroupAggregate: {
      auto& g = static_cast<GroupAggregateNode&>(n);
      each(g.keys);
      each_agg(g.aggregates);
      return;
    }
    case PlanKind::IntervalJoin:
    case PlanKind::AsofJoin:
    case PlanKind::WindowJoin: {
      auto& j = static_cast<JoinNodeBase&>(n);
      each(j.left_keys);
      each(j.right_keys);
      if (j.residual) f(j.residual);
      return;
    }
    case PlanKind::Over: {
      auto& o = static_cast<OverNode&>(n);
      each(o.partition_keys);
      for (auto& c : o.calls)
        if (c.arg) f(c.arg);
      return;
    }
  }
}

std::string fired_rules_text(const OptimizerReport& report, bool optimised) {
  if (!optimised) return "rules fired: none (not optimised)\n";
  std::string fired;
  for (const PassRun& p : report.passes)
    if (p.rewrites > 0) fired += (fired.empty() ? "" : ", ") + p.name + " (" + std::to_string(p.rewrites) + ")";
  return "rules fired: " + (fired.empty() ? std::string("none") : fired) + "\n";
}

std::string pass_times_text(const OptimizerReport& report, bool optimised) {
  if (!optimised) return "passes: none ran (--no-optimize)\n";
  int width = 5;  // "total"
  for (const PassRun& p : report.passes) width = std::max(width, static_cast<int>(p.name.size()));
  auto line = [&](const std::string& name, const std::string& rewrites, const std::string& time) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-*s  %-12s %10s", width, name.c_str(), rewrites.c_str(), time.c_str());
    std::string s = buf;
    return s.erase(s.find_last_not_of(' ') + 1) + "\n";
  };
  auto micros = [](double us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f us", us);
    return std::string(buf);
  };
  std::string out = "passes:\n";
  double total = 0;
  for (const PassRun& p : report.passes) {
    if (!p.ran) {
      out += line(p.name, "disabled", "");
      continue;
    }
    total += p.micros;
    out += line(p.name, std::to_string(p.rewrites) + (p.rewrites == 1 ? " rewrite" : " rewrites"), micros(p.micros));
  }
  return out + line("total", "", micros(total));
}

std::vector<std::string> optimizer_pass_names() {
  std::vector<std::string> names;
  for (const Pass& p : kPasses) names.push_back(p.name);
  return names;
}

OptimizerReport optimize(LogicalProgram& program, const OptimizerOptions& options) {
  OptimizerReport report;
  for (const Pass& p : kPasses) {
    PassRun run;
    run.name = p.name;
    if (!options.disabled.count(p.name)) {
      auto start = std::chrono::steady_clock::now();
      run.ran = true;
      run.rewrites = p.run(program);
      run.micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      verify_plan(program, p.name);
    }
    report.passes.push_back(run);
  }
  return report;
}

void verify_plan(const LogicalProgram& program, const std::string& after) {
  for (PlanNode* n : nodes_bottom_up(program)) {
    // Expressions read the columns of the node's first input (joins: of their combined row,
    // checked by their own key lists below).
    int width = n->inputs.empty() ? 0 : n->inputs[0]->schema.size();
    if (n->kind == PlanKind::IntervalJoin || n->kind == PlanKind::AsofJoin || n->kind == PlanKind::WindowJoin)
      width = n->schema.size();
    std::function<void(const ScalarExpr&)> check = [&](const ScalarExpr& e) {
      if (e.op == ExprOp::Column && (e.column < 0 || e.column >= width))
        broken(after, plan_kind_name(n->kind) + " reads column " + std::to_string(e.column) + " of " + std::to_string(width));
      for (const auto& a : e.args) check(*a);
    };
    for_each_expr(*n, [&](ScalarExprPtr& e) { check(*e); });
    if (n->kind == PlanKind::Project) {
      auto& p = static_cast<ProjectNode&>(*n);
      if (static_cast<int>(p.exprs.size()) != p.schema.size()) broken(after, "a projection's schema does not match its expressions");
    }
    // A union forwards its inputs' rows as they are: each must have the union's row layout
    // (the same types and NULL flags), or rows are read with the wrong layout.
    if (n->kind == PlanKind::Union)
      for (const auto& in : n->inputs) {
        bool same = in->schema.size() == n->schema.size();
        for (int i = 0; same && i < n->schema.size(); ++i) same = in->schema.columns[i].type == n->schema.columns[i].type;
        if (!same) broken(after, "a union input's columns differ from the union's");
      }
  }
}

}  // namespace vlac
