#include "sema/constant.h"

namespace vlac {
namespace {

/// Integer-valued constants (intervals and integers), with overflow reported as no value.
std::optional<int64_t> evaluate(const ScalarExpr& e) {
  switch (e.op) {
    case ExprOp::Literal:
      if (e.value.is_null || !(e.type.type.is_integer() || e.type.type.kind == TypeKind::Interval)) return std::nullopt;
      return e.value.i;
    case ExprOp::Cast:
      if (!e.args[0]->type.type.is_integer()) return std::nullopt;
      return evaluate(*e.args[0]);
    case ExprOp::Neg: {
      auto v = evaluate(*e.args[0]);
      if (!v || *v == INT64_MIN) return std::nullopt;
      return -*v;
    }
    case ExprOp::Add:
    case ExprOp::Sub:
    case ExprOp::Mul: {
      auto a = evaluate(*e.args[0]), b = evaluate(*e.args[1]);
      if (!a || !b) return std::nullopt;
      int64_t r;
      bool overflow = e.op == ExprOp::Add   ? __builtin_add_overflow(*a, *b, &r)
                      : e.op == ExprOp::Sub ? __builtin_sub_overflow(*a, *b, &r)
                                            : __builtin_mul_overflow(*a, *b, &r);
      if (overflow) return std::nullopt;
      return r;
    }
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<int64_t> constant_interval(const ScalarExpr& e) {
  if (e.type.type.kind != TypeKind::Interval) return std::nullopt;
  return evaluate(e);
}

std::optional<int64_t> constant_integer(const ScalarExpr& e) {
  if (!e.type.type.is_integer()) return std::nullopt;
  return evaluate(e);
}

std::string interval_literal(int64_t ns) {
  static constexpr std::pair<int64_t, const char*> kUnits[] = {
      {86'400'000'000'000, "DAY"}, {3'600'000'000'000, "HOUR"}, {60'000'000'000, "MINUTE"},
      {1'000'000'000, "SECOND"},   {1'000'000, "MILLISECOND"},  {1'000, "MICROSECOND"}};
  for (auto [unit, name] : kUnits)
    if (ns != 0 && ns % unit == 0) return "INTERVAL '" + std::to_string(ns / unit) + "' " + name;
  return "INTERVAL '" + std::to_string(ns) + "' NANOSECOND";
}

}  // namespace vlac
