// fold-constants: evaluates operators whose operands are all literals, at compile time, with
// the language's run-time semantics (integers wrap; division by zero is NULL).
#include <cstring>

#include "opt/passes.h"
#include "opt/plan_walk.h"

namespace vlac {
namespace {

bool integral(Type t) {
  return t.is_integer() || t.kind == TypeKind::Timestamp || t.kind == TypeKind::Interval;
}

int64_t wrap(Type t, uint64_t v) {
  if (t.kind == TypeKind::Int32) {
    uint32_t low = static_cast<uint32_t>(v);
    int32_t s;
    std::memcpy(&s, &low, sizeof s);
    return s;
  }
  int64_t s;
  std::memcpy(&s, &v, sizeof s);
  return s;
}

/// The folded value of `e`, whose operands are literals, or null when it does not fold.
ScalarExprPtr fold(const ScalarExpr& e) {
  auto lit = [&](Value v) { return ScalarExpr::literal(std::move(v), e.type, e.range); };
  const ScalarExpr* a = e.args.size() > 0 ? e.args[0].get() : nullptr;
  const ScalarExpr* b = e.args.size() > 1 ? e.args[1].get() : nullptr;
  switch (e.op) {
    case ExprOp::Neg:
      if (a->value.is_null) return lit(Value::null());
      if (integral(e.type.type)) return lit(Value::integer(wrap(e.type.type, 0 - static_cast<uint64_t>(a->value.i))));
      if (e.type.type.is_float()) return lit(Value::real(-a->value.f));
      return nullptr;
    case ExprOp::Not:
      return lit(a->value.is_null ? Value::null() : Value::boolean(!a->value.b));
    case ExprOp::And:
    case ExprOp::Or: {
      bool is_and = e.op == ExprOp::And;
      // Three-valued: FALSE dominates AND, TRUE dominates OR, otherwise NULL wins over the other.
      for (const ScalarExpr* x : {a, b})
        if (!x->value.is_null && x->value.b != is_and) return lit(Value::boolean(!is_and));
      if (a->value.is_null || b->value.is_null) return lit(Value::null());
      return lit(Value::boolean(is_and));
    }
    case ExprOp::Add:
    case ExprOp::Sub:
    case ExprOp::Mul: {
      if (a->value.is_null || b->value.is_null) return lit(Value::null());
      if (integral(a->type.type) && integral(b->type.type) && integral(e.type.type)) {
        uint64_t x = static_cast<uint64_t>(a->value.i), y = static_cast<uint64_t>(b->value.i);
        uint64_t r = e.op == ExprOp::Add ? x + y : e.op == ExprOp::Sub ? x - y : x * y;
        return lit(Value::integer(wrap(e.type.type, r)));
      }
      if (e.type.type.is_float() && a->type.type.is_float() && b->type.type.is_float()) {
        double x = a->value.f, y = b->value.f;
        double r = e.op == ExprOp::Add ? x + y : e.op == ExprOp::Sub ? x - y : x * y;
        if (e.type.type.kind == TypeKind::Float32) r = static_cast<float>(r);
        return lit(Value::real(r));
      }
      return nullptr;
    }
    case ExprOp::Eq: case ExprOp::Ne: case ExprOp::Lt: case ExprOp::Le: case ExprOp::Gt: case ExprOp::Ge: {
      if (a->value.is_null || b->value.is_null) return lit(Value::null());
      int cmp;
      if (integral(a->type.type)) cmp = a->value.i < b->value.i ? -1 : a->value.i > b->value.i;
      else if (a->type.type.is_float()) {
        if (a->value.f != a->value.f || b->value.f != b->value.f) return nullptr;  // NaN: leave it to run time
        cmp = a->value.f < b->value.f ? -1 : a->value.f > b->value.f;
      } else if (a->type.type.kind == TypeKind::Bool) cmp = static_cast<int>(a->value.b) - static_cast<int>(b->value.b);
      else return nullptr;
      bool r = e.op == ExprOp::Eq ? cmp == 0 : e.op == ExprOp::Ne ? cmp != 0 : e.op == ExprOp::Lt ? cmp < 0
             : e.op == ExprOp::Le ? cmp <= 0 : e.op == ExprOp::Gt ? cmp > 0 : cmp >= 0;
      return lit(Value::boolean(r));
    }
    case ExprOp::Cast:
      if (a->value.is_null) return lit(Value::null());
      if (a->type.type.is_integer() && e.type.type.kind == TypeKind::Int64) return lit(Value::integer(a->value.i));
      if (a->type.type.is_integer() && e.type.type.kind == TypeKind::Float64) return lit(Value::real(static_cast<double>(a->value.i)));
      if (a->type.type.is_integer() && e.type.type.kind == TypeKind::Float32) return lit(Value::real(static_cast<float>(a->value.i)));
      if (a->type.type.kind == TypeKind::Float32 && e.type.type.kind == TypeKind::Float64) return lit(Value::real(a->value.f));
      return nullptr;
    default: return nullptr;
  }
}

int fold_expr(ScalarExprPtr& e) {
  int folded_count = 0;
  for (auto& a : e->args) folded_count += fold_expr(a);
  if (e->args.empty() || e->op == ExprOp::Call || e->op == ExprOp::Case) return folded_count;
  for (const auto& a : e->args)
    if (!a->is_literal()) return folded_count;
  if (ScalarExprPtr folded = fold(*e)) {
    e = std::move(folded);
    ++folded_count;
  }
  return folded_count;
}

}  // namespace

int fold_constants(LogicalProgram& program) {
  int folded = 0;
  for (PlanNode* n : nodes_bottom_up(program)) for_each_expr(*n, [&](ScalarExprPtr& e) { folded += fold_expr(e); });
  return folded;
}

}  // namespace vlac
