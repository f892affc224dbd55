#include "plan/scalar_expr.h"

#include "runtime/value_format.h"

namespace vlac {

ScalarExprPtr ScalarExpr::literal(Value v, ColumnType t, SourceRange r) {
  auto e = std::make_unique<ScalarExpr>();
  e->op = ExprOp::Literal;
  e->value = std::move(v);
  e->type = t;
  e->range = r;
  return e;
}

ScalarExprPtr ScalarExpr::column_ref(int index, ColumnType t, SourceRange r) {
  auto e = std::make_unique<ScalarExpr>();
  e->op = ExprOp::Column;
  e->column = index;
  e->type = t;
  e->range = r;
  return e;
}

ScalarExprPtr ScalarExpr::make(ExprOp op, ColumnType t, std::vector<ScalarExprPtr> args, SourceRange r) {
  auto e = std::make_unique<ScalarExpr>();
  e->op = op;
  e->type = t;
  e->args = std::move(args);
  e->range = r;
  return e;
}

ScalarExprPtr ScalarExpr::clone() const {
  auto e = std::make_unique<ScalarExpr>();
  e->op = op;
  e->type = type;
  e->range = range;
  e->value = value;
  e->column = column;
  e->function = function;
  for (const auto& a : args) e->args.push_back(a->clone());
  return e;
}

bool ScalarExpr::same_as(const ScalarExpr& o) const {
  if (op != o.op || !(type == o.type) || args.size() != o.args.size()) return false;
  if (op == ExprOp::Column && column != o.column) return false;
  if (op == ExprOp::Call && function != o.function) return false;
  if (op == ExprOp::Literal) {
    const Value &a = value, &b = o.value;
    if (a.is_null != b.is_null || a.b != b.b || a.i != b.i || a.s != b.s) return false;
    if (!(a.f == b.f || (a.f != a.f && b.f != b.f))) return false;
  }
  for (size_t i = 0; i < args.size(); ++i)
    if (!args[i]->same_as(*o.args[i])) return false;
  return true;
}

std::string op_symbol(ExprOp op) {
  switch (op) {
    case ExprOp::Add: return "+";
    case ExprOp::Sub: return "-";
    case ExprOp::Mul: return "*";
    case ExprOp::Div: return "/";
    case ExprOp::Mod: return "%";
    case ExprOp::Concat: return "||";
    case ExprOp::Eq: return "=";
    case ExprOp::Ne: return "<>";
    case ExprOp::Lt: return "<";
    case ExprOp::Le: return "<=";
    case ExprOp::Gt: return ">";
    case ExprOp::Ge: return ">=";
    case ExprOp::And: return "AND";
    case ExprOp::Or: return "OR";
    default: return "?";
  }
}

std::string format_duration(int64_t ns) {
  struct Unit { int64_t ns; const char* name; };
  static constexpr Unit kUnits[] = {{86'400'000'000'000, "d"}, {3'600'000'000'000, "h"},
                                    {60'000'000'000, "min"}, {1'000'000'000, "s"},
                                    {1'000'000, "ms"}, {1'000, "us"}};
  for (const Unit& u : kUnits)
    if (ns != 0 && ns % u.ns == 0) return std::to_string(ns / u.ns) + u.name;
  return std::to_string(ns) + "ns";
}

std::string literal_to_string(const Value& v, Type t) {
  if (v.is_null) return "NULL";
  char buf[64];
  switch (t.kind) {
    case TypeKind::Null: return "NULL";
    case TypeKind::Bool: return v.b ? "TRUE" : "FALSE";
    case TypeKind::Int32:
    case TypeKind::Int64: return std::to_string(v.i);
    case TypeKind::Float32: return std::string(buf, rt::format_float(static_cast<float>(v.f), buf));
    case TypeKind::Float64: return std::string(buf, rt::format_double(v.f, buf));
    case TypeKind::Timestamp: return "TIMESTAMP '" + std::string(buf, rt::format_timestamp_iso(v.i, buf)) + "'";
    case TypeKind::Interval: return format_duration(v.i);
    case TypeKind::String: {
      std::string out = "'";
      for (char c : v.s) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    }
  }
  return "?";
}

std::string to_string(const ScalarExpr& e, const std::vector<std::string>& names) {
  auto arg = [&](size_t i) { return to_string(*e.args[i], names); };
  auto list = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < e.args.size(); ++i) out += (i > from ? ", " : "") + arg(i);
    return out;
  };
  switch (e.op) {
    case ExprOp::Literal: return literal_to_string(e.value, e.type.type);
    case ExprOp::Column:
      return e.column >= 0 && e.column < static_cast<int>(names.size()) ? names[e.column] : "$" + std::to_string(e.column);
    case ExprOp::Neg: return "-" + arg(0);
    case ExprOp::Not: return "NOT " + arg(0);
    case ExprOp::Add: case ExprOp::Sub: case ExprOp::Mul: case ExprOp::Div: case ExprOp::Mod:
    case ExprOp::Concat: case ExprOp::Eq: case ExprOp::Ne: case ExprOp::Lt: case ExprOp::Le:
    case ExprOp::Gt: case ExprOp::Ge: case ExprOp::And: case ExprOp::Or:
      return "(" + arg(0) + " " + op_symbol(e.op) + " " + arg(1) + ")";
    case ExprOp::IsNull: return arg(0) + " IS NULL";
    case ExprOp::IsNotNull: return arg(0) + " IS NOT NULL";
    case ExprOp::Cast: return "CAST(" + arg(0) + " AS " + type_name(e.type.type) + ")";
    case ExprOp::Case: {
      std::string out = "CASE";
      size_t i = 0;
      for (; i + 1 < e.args.size(); i += 2) out += " WHEN " + arg(i) + " THEN " + arg(i + 1);
      if (i < e.args.size()) out += " ELSE " + arg(i);
      return out + " END";
    }
    case ExprOp::InList: return arg(0) + " IN (" + list(1) + ")";
    case ExprOp::Like: return arg(0) + " LIKE " + arg(1);
    case ExprOp::Substring:
      return "SUBSTRING(" + arg(0) + " FROM " + arg(1) + (e.args.size() > 2 ? " FOR " + arg(2) : "") + ")";
    case ExprOp::Call: return std::string(scalar_function_info(e.function).name) + "(" + list(0) + ")";
  }
  return "?";
}

}  // namespace vlac
