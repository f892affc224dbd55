#pragma once
// Binds a query (SELECTs joined by UNION ALL) and lowers it to logical plan nodes:
//   FROM (sources, windows, joins, subqueries) -> WHERE -> aggregate or OVER -> HAVING -> SELECT.

#include "ast/ast.h"
#include "plan/logical_plan.h"
#include "sema/catalog.h"
#include "sema/join_classifier.h"
#include "sema/scope.h"

namespace vlac {

class SelectBinder {
 public:
  SelectBinder(StreamCatalog& catalog, Diagnostics& diags, Capacities capacities)
      : catalog_(catalog), diags_(diags), capacities_(capacities) {}

  /// Returns null after reporting errors.
  PlanNodePtr bind_query(const ast::Query& q);

 private:
  struct BoundRelation {
    JoinSide side;
    std::string name;
    PlanNodePtr window_input;  // for a window relation: the rows it windows
    bool broken = false;       // errors were reported, but its columns are known
  };

  /// `output_ranges` receives, for each visible output column, the range of its select item.
  PlanNodePtr bind_select(const ast::Select& s, std::vector<SourceRange>* output_ranges = nullptr);
  std::optional<BoundRelation> bind_relation(const ast::Relation& r);
  std::optional<BoundRelation> bind_window(const ast::Relation& r);
  bool check_windows_per_event(const ast::WindowCall& w, const WindowSpec& spec);
  PlanNodePtr stream(const ast::Identifier& name);

  StreamCatalog& catalog_;
  Diagnostics& diags_;
  Capacities capacities_;
};

}  // namespace vlac
