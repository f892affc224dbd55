#pragma once
// Binds and type-checks scalar expressions (LANGUAGE.md §2, §4) against a Scope. In an
// aggregate query it also maps group keys and aggregate calls to the aggregate's output, and
// in a SELECT with OVER it collects the OVER calls.

#include <string>
#include <vector>

#include "ast/ast.h"
#include "plan/logical_plan.h"
#include "sema/scope.h"

namespace vlac {

/// What an aggregate query exposes above its aggregate: keys, window columns, aggregates.
struct AggregateContext {
  std::vector<ScalarExprPtr> keys;  // over the input scope
  std::vector<AggregateCall> calls; // collected while binding the SELECT list and HAVING
  bool windowed = false;
  int window_start_input = -1, window_end_input = -1, window_time_input = -1;
  bool global = false;  // no GROUP BY and no window: one row even over empty input
  bool keys_incomplete = false;  // a GROUP BY key failed (reported): "must be in GROUP BY" would echo it

  int window_output(int which) const { return static_cast<int>(keys.size()) + which; }
  int call_output(int i) const { return static_cast<int>(keys.size()) + (windowed ? 3 : 0) + i; }
};

/// The OVER calls of a SELECT, appended after the input's columns.
struct OverContext {
  int input_columns = 0;
  int time_column = -1;  // the input's event-time column (-1: none)
  std::vector<OverCall> calls;
  std::vector<ScalarExprPtr> partition_keys;
  bool partition_set = false;
  SourceRange first_over;
  std::string source_without_watermark;  // the source stream read, when it has no event time
};

class ExprBinder {
 public:
  /// `clause` names where the expression stands, for messages: "WHERE", "GROUP BY", ...
  ExprBinder(const Scope& scope, Diagnostics& diags, std::string clause)
      : scope_(scope), diags_(diags), clause_(std::move(clause)) {}

  void set_aggregates(AggregateContext* ctx) { agg_ = ctx; }
  void set_over(OverContext* ctx) { over_ = ctx; }

  /// Binds `e`; returns null after reporting an error.
  ScalarExprPtr bind(const ast::Expr& e);
  /// Binds a condition, which must be BOOL.
  ScalarExprPtr bind_condition(const ast::Expr& e);
  /// Binds a value whose type must be known (not a bare NULL).
  ScalarExprPtr bind_value(const ast::Expr& e);

 private:
  ScalarExprPtr bind_dispatch(const ast::Expr& e);
  ScalarExprPtr bind_in_aggregate_query(const ast::Expr& e);
  ScalarExprPtr literal(const ast::LiteralExpr& e);
  ScalarExprPtr column(const ast::ColumnExpr& e);
  ScalarExprPtr unary(const ast::UnaryExpr& e);
  ScalarExprPtr binary(const ast::BinaryExpr& e);
  ScalarExprPtr arithmetic(const ast::BinaryExpr& e, ScalarExprPtr l, ScalarExprPtr r);
  ScalarExprPtr comparison(ExprOp op, ScalarExprPtr l, ScalarExprPtr r, SourceRange range);
  ScalarExprPtr between(const ast::BetweenExpr& e);
  ScalarExprPtr in_list(const ast::InListExpr& e);
  ScalarExprPtr like(const ast::LikeExpr& e);
  ScalarExprPtr is_null(const ast::IsNullExpr& e);
  ScalarExprPtr case_when(const ast::CaseExpr& e);
  ScalarExprPtr cast(const ast::CastExpr& e);
  ScalarExprPtr substring(const ast::SubstringExpr& e);
  ScalarExprPtr call(const ast::CallExpr& e);
  ScalarExprPtr scalar_call(const ast::CallExpr& e, const ScalarFunctionInfo& fn);
  ScalarExprPtr aggregate_call(const ast::CallExpr& e, const AggregateInfo& agg);
  ScalarExprPtr add_aggregate(AggregateCall c, SourceRange range);
  ScalarExprPtr window_constant_aggregate(const ast::CallExpr& e, AggregateCall c);
  ScalarExprPtr over_call(const ast::CallExpr& e, const AggregateInfo* agg);
  bool require_bool(const ScalarExprPtr& e, const std::string& what);

  const Scope& scope_;
  Diagnostics& diags_;
  std::string clause_;
  AggregateContext* agg_ = nullptr;
  OverContext* over_ = nullptr;
};

/// Whether `e` (over the aggregate's input scope) reads window_start, window_end or window_time.
bool reads_window_columns(const ScalarExpr& e, const AggregateContext& agg);
/// Brings `e` to type `t` (a CAST node, or a retyped NULL literal); nullability is kept.
ScalarExprPtr coerce(ScalarExprPtr e, Type t);
/// Whether CAST(from AS to) is allowed.
bool castable(Type from, Type to);
/// The result type of aggregate `fn` over an argument of type `arg` (nullopt: not allowed).
std::optional<ColumnType> aggregate_result(AggregateFunction fn, const ColumnType* arg, bool global, std::string* why);

}  // namespace vlac
