#pragma once
// Bound, typed scalar expressions: what the binder makes of the AST's expressions. Plain data
// (one struct, children in `args`), so that passes can rewrite them, backends can switch over
// `op` once, and state can later be serialised alongside them.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diag/source_file.h"
#include "stdlib/functions.h"
#include "types/type.h"

namespace vlac {

/// A constant. Which member holds it follows the expression's type: `i` for integers,
/// timestamps and intervals, `f` for floats, `b` for BOOL, `s` for strings.
struct Value {
  bool is_null = true;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;

  static Value null() { return {}; }
  static Value boolean(bool v) { Value x; x.is_null = false; x.b = v; return x; }
  static Value integer(int64_t v) { Value x; x.is_null = false; x.i = v; return x; }
  static Value real(double v) { Value x; x.is_null = false; x.f = v; return x; }
  static Value string(std::string v) { Value x; x.is_null = false; x.s = std::move(v); return x; }
};

enum class ExprOp : uint8_t {
  Literal,    // value
  Column,     // column: index into the input schema
  Neg, Not,   // args[0]
  // Binary: args[0], args[1]. Arithmetic operands already share the result type, except
  // timestamp/interval arithmetic, where the operand types say which form it is.
  Add, Sub, Mul, Div, Mod, Concat,
  Eq, Ne, Lt, Le, Gt, Ge,  // operands share one type
  And, Or,
  IsNull, IsNotNull,  // args[0]
  Cast,       // args[0] to `type`
  Case,       // args = cond0, result0, cond1, result1, ..., [else]
  InList,     // args[0] IN (args[1..]), all of one type
  Like,       // args[0] LIKE args[1]
  Substring,  // args[0], from args[1], [length args[2]]
  Call,       // function(args...)
};

struct ScalarExpr;
using ScalarExprPtr = std::unique_ptr<ScalarExpr>;

struct ScalarExpr {
  ExprOp op = ExprOp::Literal;
  ColumnType type;
  SourceRange range;
  std::vector<ScalarExprPtr> args;
  Value value;                   // Literal
  int column = -1;               // Column
  ScalarFunction function{};     // Call

  static ScalarExprPtr literal(Value v, ColumnType t, SourceRange r = {});
  static ScalarExprPtr column_ref(int index, ColumnType t, SourceRange r = {});
  static ScalarExprPtr make(ExprOp op, ColumnType t, std::vector<ScalarExprPtr> args, SourceRange r = {});

  ScalarExprPtr clone() const;
  bool is_literal() const { return op == ExprOp::Literal; }
  /// Structural equality, ignoring source ranges (GROUP BY matching, plan tests).
  bool same_as(const ScalarExpr& o) const;
};

/// Renders an expression for `explain`, naming columns with `names` (the input's columns).
std::string to_string(const ScalarExpr& e, const std::vector<std::string>& names);
std::string op_symbol(ExprOp op);
/// Renders a constant of type `t` the way the language would write it.
std::string literal_to_string(const Value& v, Type t);
/// Renders a duration compactly: 50ms, 1s, 90s, 1500us.
std::string format_duration(int64_t ns);

/// Calls f on every column index that `e` reads.
template <typename F>
void for_each_column(const ScalarExpr& e, F&& f) {
  if (e.op == ExprOp::Column) f(e.column);
  for (const auto& a : e.args) for_each_column(*a, f);
}

}  // namespace vlac
