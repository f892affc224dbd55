#include "sema/expr_binder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "runtime/value_format.h"
#include "sema/constant.h"

namespace vlac {

using namespace vlac::ast;

namespace {

ColumnType not_null(Type t) { return {t, false}; }
ColumnType nullable_if(Type t, bool n) { return {t, n}; }

bool any_nullable(const std::vector<ScalarExprPtr>& args) {
  for (const auto& a : args)
    if (a->type.nullable) return true;
  return false;
}

std::string describe(Type t) { return type_name(t); }

/// For an ISO-8601 timestamp with a field out of range, which one ("hour 25 is out of range");
/// "" when the text is malformed in another way.
std::string timestamp_field_problem(const std::string& s) {
  auto field = [&](size_t at, size_t n, uint32_t* v) {
    if (at + n > s.size()) return false;
    *v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      *v = *v * 10 + static_cast<uint32_t>(s[i] - '0');
    }
    return true;
  };
  uint32_t year, month, day, hour, minute, second;
  if (s.size() < 19 || !field(0, 4, &year) || s[4] != '-' || !field(5, 2, &month) || s[7] != '-' ||
      !field(8, 2, &day) || !(s[10] == 'T' || s[10] == 't' || s[10] == ' ') || !field(11, 2, &hour) ||
      s[13] != ':' || !field(14, 2, &minute) || s[16] != ':' || !field(17, 2, &second))
    return "";
  if (month < 1 || month > 12) return "month " + std::to_string(month) + " is out of range";
  const uint32_t days = rt::detail::days_in_month(year, month);
  if (day < 1 || day > days)
    return "day " + std::to_string(day) + " is out of range (" + s.substr(0, 7) + " has " + std::to_string(days) + " days)";
  if (hour > 23) return "hour " + std::to_string(hour) + " is out of range";
  if (minute > 59) return "minute " + std::to_string(minute) + " is out of range";
  if (second > 59) return "second " + std::to_string(second) + " is out of range";
  return "";
}

}  // namespace

ScalarExprPtr coerce(ScalarExprPtr e, Type t) {
  if (!e || e->type.type == t) return e;
  if (e->op == ExprOp::Literal && e->value.is_null) {
    e->type.type = t;
    return e;
  }
  ColumnType ct{t, e->type.nullable};
  SourceRange r = e->range;
  std::vector<ScalarExprPtr> args;
  args.push_back(std::move(e));
  return ScalarExpr::make(ExprOp::Cast, ct, std::move(args), r);
}

bool castable(Type from, Type to) {
  if (from.kind == TypeKind::Null || from.kind == to.kind) return true;
  if (to.kind == TypeKind::String) return true;  // everything has a text form
  if (from.is_string()) return to.kind != TypeKind::Interval;
  if (from.is_numeric() && to.is_numeric()) return true;
  if (from.kind == TypeKind::Bool && to.is_integer()) return true;
  if (from.is_integer() && to.kind == TypeKind::Bool) return true;
  if (from.kind == TypeKind::Timestamp && to.kind == TypeKind::Int64) return true;
  if (from.kind == TypeKind::Int64 && to.kind == TypeKind::Timestamp) return true;
  if (from.kind == TypeKind::Interval && to.kind == TypeKind::Int64) return true;
  if (from.kind == TypeKind::Int64 && to.kind == TypeKind::Interval) return true;
  return false;
}

std::optional<ColumnType> aggregate_result(AggregateFunction fn, const ColumnType* arg, bool global, std::string* why) {
  auto numeric_only = [&]() -> bool {
    if (arg->type.is_numeric() || arg->type.kind == TypeKind::Null) return true;
    *why = "takes a number, not " + type_name(arg->type);
    return false;
  };
  // An aggregate over no rows is NULL: only a global aggregate can see no rows at all.
  bool may_be_empty = global || (arg && arg->nullable);
  switch (fn) {
    case AggregateFunction::CountStar:
    case AggregateFunction::Count: return not_null(Type::int64());
    case AggregateFunction::Sum:
      if (!numeric_only()) return std::nullopt;
      return nullable_if(arg->type.is_integer() ? Type::int64() : Type::float64(), may_be_empty);
    case AggregateFunction::Avg:
    case AggregateFunction::StddevPop:
    case AggregateFunction::VarPop:
      if (!numeric_only()) return std::nullopt;
      return nullable_if(Type::float64(), may_be_empty);
    case AggregateFunction::StddevSamp:
    case AggregateFunction::VarSamp:
      if (!numeric_only()) return std::nullopt;
      return nullable_if(Type::float64(), true);  // NULL for a single row
    case AggregateFunction::Min:
    case AggregateFunction::Max: return nullable_if(arg->type, may_be_empty);  // keep the type (§4)
    case AggregateFunction::FirstValue:
    case AggregateFunction::LastValue: return nullable_if(arg->type, may_be_empty);
    case AggregateFunction::Lag: return nullable_if(arg->type, true);
  }
  return std::nullopt;
}

// ---- entry points -----------------------------------------------------------------------------

ScalarExprPtr ExprBinder::bind(const Expr& e) {
  if (agg_) return bind_in_aggregate_query(e);
  return bind_dispatch(e);
}

ScalarExprPtr ExprBinder::bind_condition(const Expr& e) {
  ScalarExprPtr b = bind(e);
  if (!b) return nullptr;
  if (b->type.type.kind == TypeKind::Null) return coerce(std::move(b), Type::boolean());
  if (b->type.type.kind != TypeKind::Bool) {
    diags_.error(e.range, clause_ + " condition must be BOOL, not " + describe(b->type.type),
                 "compare it with something, e.g. x > 0");
    return nullptr;
  }
  return b;
}

ScalarExprPtr ExprBinder::bind_value(const Expr& e) {
  ScalarExprPtr b = bind(e);
  if (b && b->type.type.kind == TypeKind::Null) {
    diags_.error(e.range, "the type of NULL is unknown here", "give it a type: CAST(NULL AS INT32)");
    return nullptr;
  }
  return b;
}

bool ExprBinder::require_bool(const ScalarExprPtr& e, const std::string& what) {
  if (e->type.type.kind == TypeKind::Bool || e->type.type.kind == TypeKind::Null) return true;
  diags_.error(e->range, what + " needs a BOOL operand, not " + describe(e->type.type));
  return false;
}

/// In an aggregate query an expression may only read group keys, window columns and aggregates.
ScalarExprPtr ExprBinder::bind_in_aggregate_query(const Expr& e) {
  if (e.kind == ExprKind::Call) {
    const auto& c = static_cast<const CallExpr&>(e);
    const AggregateInfo* a = find_aggregate(c.function.name);
    if (!c.over && (c.star || (a && !a->over_only))) return call(c);
  }
  // Does the whole expression equal a group key (or a window column)?
  Diagnostics scratch;
  ExprBinder plain(scope_, scratch, clause_);
  ScalarExprPtr as_input = plain.bind_dispatch(e);
  if (as_input && !scratch.has_errors()) {
    for (size_t k = 0; k < agg_->keys.size(); ++k)
      if (as_input->same_as(*agg_->keys[k]))
        return ScalarExpr::column_ref(static_cast<int>(k), agg_->keys[k]->type, e.range);
    if (as_input->op == ExprOp::Column && agg_->windowed) {
      int which = as_input->column == agg_->window_start_input ? 0
                  : as_input->column == agg_->window_end_input ? 1
                  : as_input->column == agg_->window_time_input ? 2 : -1;
      if (which >= 0) return ScalarExpr::column_ref(agg_->window_output(which), as_input->type, e.range);
    }
    bool reads_columns = false;
    for_each_column(*as_input, [&](int) { reads_columns = true; });
    if (!reads_columns) return as_input;  // a constant
  }
  if (e.kind == ExprKind::Column) {
    if (!as_input) {  // unknown column: report it as such
      diags_.error(scratch.all().front().range, scratch.all().front().message, scratch.all().front().hint);
      return nullptr;
    }
    if (agg_->keys_incomplete) return nullptr;  // it may be the GROUP BY key that failed
    const auto& c = static_cast<const ColumnExpr&>(e);
    diags_.error(e.range, "column '" + c.name.name + "' must be in GROUP BY or inside an aggregate",
                 "group by it, or aggregate it, e.g. MAX(" + c.name.name + ")");
    return nullptr;
  }
  return bind_dispatch(e);
}

ScalarExprPtr ExprBinder::bind_dispatch(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Literal: return literal(static_cast<const LiteralExpr&>(e));
    case ExprKind::Column: return column(static_cast<const ColumnExpr&>(e));
    case ExprKind::Unary: return unary(static_cast<const UnaryExpr&>(e));
    case ExprKind::Binary: return binary(static_cast<const BinaryExpr&>(e));
    case ExprKind::Between: return between(static_cast<const BetweenExpr&>(e));
    case ExprKind::InList: return in_list(static_cast<const InListExpr&>(e));
    case ExprKind::Like: return like(static_cast<const LikeExpr&>(e));
    case ExprKind::IsNull: return is_null(static_cast<const IsNullExpr&>(e));
    case ExprKind::Case: return case_when(static_cast<const CaseExpr&>(e));
    case ExprKind::Cast: return cast(static_cast<const CastExpr&>(e));
    case ExprKind::Call: return call(static_cast<const CallExpr&>(e));
    case ExprKind::Substring: return substring(static_cast<const SubstringExpr&>(e));
  }
  return nullptr;
}

// ---- leaves -----------------------------------------------------------------------------------

ScalarExprPtr ExprBinder::literal(const LiteralExpr& e) {
  switch (e.literal) {
    case LiteralKind::Null: return ScalarExpr::literal(Value::null(), {Type::null(), true}, e.range);
    case LiteralKind::Bool: return ScalarExpr::literal(Value::boolean(e.bool_value), not_null(Type::boolean()), e.range);
    case LiteralKind::Integer: {
      errno = 0;
      unsigned long long v = std::strtoull(e.text.c_str(), nullptr, 10);
      if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) {
        diags_.error(e.range, "integer literal " + e.text + " does not fit in INT64",
                     "write it as a FLOAT64 literal, e.g. " + e.text + ".0");
        return nullptr;
      }
      Type t = v <= static_cast<unsigned long long>(INT32_MAX) ? Type::int32() : Type::int64();
      return ScalarExpr::literal(Value::integer(static_cast<int64_t>(v)), not_null(t), e.range);
    }
    case LiteralKind::Decimal: {
      double v = std::strtod(e.text.c_str(), nullptr);
      if (std::isinf(v)) {
        diags_.error(e.range, "number " + e.text + " is too large for FLOAT64");
        return nullptr;
      }
      return ScalarExpr::literal(Value::real(v), not_null(Type::float64()), e.range);
    }
    case LiteralKind::String: {
      uint32_t n = static_cast<uint32_t>(std::max<size_t>(e.text.size(), 1));
      return ScalarExpr::literal(Value::string(e.text), not_null(Type::string(n)), e.range);
    }
    case LiteralKind::Timestamp: {
      int64_t ns = 0;
      if (!rt::parse_timestamp(e.text.data(), e.text.size(), &ns)) {
        const std::string problem = timestamp_field_problem(e.text);
        diags_.error(e.range, "invalid timestamp '" + e.text + "'" + (problem.empty() ? "" : ": " + problem),
                     "write ISO-8601, e.g. TIMESTAMP '2026-11-24T06:31:29.5Z'");
        return nullptr;
      }
      return ScalarExpr::literal(Value::integer(ns), not_null(Type::timestamp()), e.range);
    }
    case LiteralKind::Interval:
      return ScalarExpr::literal(Value::integer(e.interval_ns), not_null(Type::interval()), e.range);
  }
  return nullptr;
}

ScalarExprPtr ExprBinder::column(const ColumnExpr& e) {
  std::optional<std::string> q;
  SourceRange qr;
  if (e.qualifier) {
    q = e.qualifier->name;
    qr = e.qualifier->range;
  }
  auto index = scope_.resolve(q, e.name.name, qr, e.range, diags_);
  if (!index) return nullptr;
  return ScalarExpr::column_ref(*index, scope_.schema().columns[*index].type, e.range);
}

// ---- operators --------------------------------------------------------------------------------

ScalarExprPtr ExprBinder::unary(const UnaryExpr& e) {
  // A minus sign on an integer literal makes a negative literal (as Flink's parser does), typed
  // by the value it denotes: -2147483648 is INT32 and -9223372036854775808 is INT64.
  if (e.op == UnaryOp::Negate && e.operand->kind == ExprKind::Literal &&
      static_cast<const LiteralExpr&>(*e.operand).literal == LiteralKind::Integer) {
    const std::string& text = static_cast<const LiteralExpr&>(*e.operand).text;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    const unsigned long long int64_min_magnitude = static_cast<unsigned long long>(INT64_MAX) + 1;
    if (errno != ERANGE && v <= int64_min_magnitude) {
      const int64_t value = static_cast<int64_t>(0ULL - v);  // two's complement: -v, also for 2^63
      const Type t = v <= static_cast<unsigned long long>(INT32_MAX) + 1 ? Type::int32() : Type::int64();
      return ScalarExpr::literal(Value::integer(value), not_null(t), e.range);
    }
  }
  ScalarExprPtr x = bind(*e.operand);
  if (!x) return nullptr;
  if (e.op == UnaryOp::Not) {
    if (!require_bool(x, "NOT")) return nullptr;
    x = coerce(std::move(x), Type::boolean());
    ColumnType t = x->type;
    std::vector<ScalarExprPtr> args;
    args.push_back(std::move(x));
    return ScalarExpr::make(ExprOp::Not, t, std::move(args), e.range);
  }
  Type t = x->type.type;
  if (!t.is_numeric() && t.kind != TypeKind::Interval && t.kind != TypeKind::Null) {
    diags_.error(e.range, "unary " + std::string(e.op == UnaryOp::Negate ? "-" : "+") +
                              " needs a number or an INTERVAL, not " + describe(t));
    return nullptr;
  }
  if (e.op == UnaryOp::Plus) return x;
  ColumnType ct = x->type;
  std::vector<ScalarExprPtr> args;
  args.push_back(std::move(x));
  return ScalarExpr::make(ExprOp::Neg, ct, std::move(args), e.range);
}

ScalarExprPtr ExprBinder::binary(const BinaryExpr& e) {
  ScalarExprPtr l = bind(*e.left);
  ScalarExprPtr r = bind(*e.right);
  if (!l || !r) return nullptr;
  switch (e.op) {
    case BinaryOp::And:
    case BinaryOp::Or: {
      const std::string name = e.op == BinaryOp::And ? "AND" : "OR";
      if (!require_bool(l, name) || !require_bool(r, name)) return nullptr;
      bool n = l->type.nullable || r->type.nullable;
      std::vector<ScalarExprPtr> args;
      args.push_back(coerce(std::move(l), Type::boolean()));
      args.push_back(coerce(std::move(r), Type::boolean()));
      return ScalarExpr::make(e.op == BinaryOp::And ? ExprOp::And : ExprOp::Or, {Type::boolean(), n}, std::move(args), e.range);
    }
    case BinaryOp::Eq: return comparison(ExprOp::Eq, std::move(l), std::move(r), e.range);
    case BinaryOp::Ne: return comparison(ExprOp::Ne, std::move(l), std::move(r), e.range);
    case BinaryOp::Lt: return comparison(ExprOp::Lt, std::move(l), std::move(r), e.range);
    case BinaryOp::Le: return comparison(ExprOp::Le, std::move(l), std::move(r), e.range);
    case BinaryOp::Gt: return comparison(ExprOp::Gt, std::move(l), std::move(r), e.range);
    case BinaryOp::Ge: return comparison(ExprOp::Ge, std::move(l), std::move(r), e.range);
    case BinaryOp::Concat: {
      Type lt = l->type.type, rt = r->type.type;
      bool ls = lt.is_string() || lt.kind == TypeKind::Null, rs = rt.is_string() || rt.kind == TypeKind::Null;
      if (!ls || !rs) {
        diags_.error(e.range, "|| concatenates strings, not " + describe(lt) + " and " + describe(rt),
                     "convert with CAST(x AS STRING)");
        return nullptr;
      }
      Type out = (lt.max_bytes && rt.max_bytes) ? Type::string(lt.max_bytes + rt.max_bytes) : Type::string();
      bool n = l->type.nullable || r->type.nullable;
      std::vector<ScalarExprPtr> args;
      args.push_back(coerce(std::move(l), lt.kind == TypeKind::Null ? Type::string() : lt));
      args.push_back(coerce(std::move(r), rt.kind == TypeKind::Null ? Type::string() : rt));
      return ScalarExpr::make(ExprOp::Concat, {out, n}, std::move(args), e.range);
    }
    default: return arithmetic(e, std::move(l), std::move(r));
  }
}

ScalarExprPtr ExprBinder::arithmetic(const BinaryExpr& e, ScalarExprPtr l, ScalarExprPtr r) {
  static constexpr ExprOp kOps[] = {ExprOp::Add, ExprOp::Sub, ExprOp::Mul, ExprOp::Div, ExprOp::Mod};
  ExprOp op = kOps[static_cast<int>(e.op)];
  Type lt = l->type.type, rt = r->type.type;
  if (lt.kind == TypeKind::Null) lt = rt.kind == TypeKind::Null ? Type::int32() : rt;
  if (rt.kind == TypeKind::Null) rt = lt;
  bool nullable = l->type.nullable || r->type.nullable;
  // `/` and `%` by zero give NULL, unless the divisor is a non-zero constant.
  if (op == ExprOp::Div || op == ExprOp::Mod) {
    bool nonzero_constant = r->is_literal() && !r->value.is_null && r->value.i != 0 &&
                            (rt.is_integer() || r->value.f != 0);
    if (rt.is_float() && r->is_literal()) nonzero_constant = !r->value.is_null && r->value.f != 0;
    if (!nonzero_constant) nullable = true;
  }
  auto make = [&](Type result, Type lhs, Type rhs) {
    std::vector<ScalarExprPtr> args;
    args.push_back(coerce(std::move(l), lhs));
    args.push_back(coerce(std::move(r), rhs));
    return ScalarExpr::make(op, {result, nullable}, std::move(args), e.range);
  };
  if (lt.is_numeric() && rt.is_numeric()) {
    Type t = promote_numeric(lt, rt);
    return make(t, t, t);
  }
  using K = TypeKind;
  if (lt.kind == K::Timestamp && rt.kind == K::Interval && (op == ExprOp::Add || op == ExprOp::Sub))
    return make(Type::timestamp(), lt, rt);
  if (lt.kind == K::Interval && rt.kind == K::Timestamp && op == ExprOp::Add) return make(Type::timestamp(), lt, rt);
  if (lt.kind == K::Timestamp && rt.kind == K::Timestamp && op == ExprOp::Sub) return make(Type::interval(), lt, rt);
  if (lt.kind == K::Interval && rt.kind == K::Interval && (op == ExprOp::Add || op == ExprOp::Sub))
    return make(Type::interval(), lt, rt);
  if (lt.kind == K::Interval && rt.is_integer() && (op == ExprOp::Mul || op == ExprOp::Div))
    return make(Type::interval(), lt, Type::int64());
  if (lt.is_integer() && rt.kind == K::Interval && op == ExprOp::Mul) return make(Type::interval(), Type::int64(), rt);

  // The error underlines the whole expression, as comparison errors do.
  std::string hint;
  if ((lt.kind == K::Timestamp || lt.kind == K::Interval) && rt.is_numeric() && (op == ExprOp::Add || op == ExprOp::Sub)) {
    // `ts + 33`: the unit is missing.
    const Expr& right = *e.right;
    if (right.kind == ExprKind::Literal && static_cast<const LiteralExpr&>(right).literal == LiteralKind::Integer) {
      const std::string& n = static_cast<const LiteralExpr&>(right).text;
      if (e.left->kind == ExprKind::Column) {
        const auto& c = static_cast<const ColumnExpr&>(*e.left);
        const std::string left = (c.qualifier ? c.qualifier->name + "." : "") + c.name.name;
        hint = "give the number a unit, e.g. " + left + " " + op_symbol(op) + " " + n + "ms";
      } else {
        hint = "give the number a unit, e.g. " + n + "ms or INTERVAL '" + n + "' MILLISECOND";
      }
    } else {
      hint = "add a duration instead, e.g. ts + INTERVAL '1' SECOND";
    }
  } else if (lt.kind == K::Timestamp && rt.is_numeric()) {
    hint = "add a duration instead, e.g. ts + INTERVAL '1' SECOND";
  } else if (lt.is_string() || rt.is_string()) {
    hint = op == ExprOp::Add ? "concatenate strings with ||" : "convert with CAST(x AS DOUBLE)";
  }
  diags_.error(e.range, "operator " + op_symbol(op) + " cannot take " + describe(l->type.type) + " and " +
                            describe(r->type.type), hint);
  return nullptr;
}

ScalarExprPtr ExprBinder::comparison(ExprOp op, ScalarExprPtr l, ScalarExprPtr r, SourceRange range) {
  auto t = common_type(l->type.type, r->type.type);
  if (!t) {
    std::string hint;
    if ((l->type.type.kind == TypeKind::Timestamp && r->type.type.is_string()) ||
        (r->type.type.kind == TypeKind::Timestamp && l->type.type.is_string()))
      hint = "write a timestamp literal: TIMESTAMP '2026-11-24T06:31:29Z'";
    else if (l->type.type.is_string() || r->type.type.is_string())
      hint = "convert one side with CAST";
    diags_.error(range, "cannot compare " + describe(l->type.type) + " with " + describe(r->type.type), hint);
    return nullptr;
  }
  if (t->kind == TypeKind::Null) t = Type::boolean();
  bool n = l->type.nullable || r->type.nullable;
  std::vector<ScalarExprPtr> args;
  args.push_back(coerce(std::move(l), *t));
  args.push_back(coerce(std::move(r), *t));
  return ScalarExpr::make(op, {Type::boolean(), n}, std::move(args), range);
}

/// `v BETWEEN lo AND hi` is bound as `v >= lo AND v <= hi` (inclusive bounds).
ScalarExprPtr ExprBinder::between(const BetweenExpr& e) {
  ScalarExprPtr v = bind(*e.value), lo = bind(*e.lower), hi = bind(*e.upper);
  if (!v || !lo || !hi) return nullptr;
  ScalarExprPtr v2 = v->clone();
  ScalarExprPtr ge = comparison(ExprOp::Ge, std::move(v), std::move(lo), e.range);
  ScalarExprPtr le = comparison(ExprOp::Le, std::move(v2), std::move(hi), e.range);
  if (!ge || !le) return nullptr;
  bool n = ge->type.nullable || le->type.nullable;
  std::vector<ScalarExprPtr> args;
  args.push_back(std::move(ge));
  args.push_back(std::move(le));
  ScalarExprPtr both = ScalarExpr::make(ExprOp::And, {Type::boolean(), n}, std::move(args), e.range);
  if (!e.negated) return both;
  std::vector<ScalarExprPtr> neg;
  neg.push_back(std::move(both));
  return ScalarExpr::make(ExprOp::Not, {Type::boolean(), n}, std::move(neg), e.range);
}

ScalarExprPtr ExprBinder::in_list(const InListExpr& e) {
  std::vector<ScalarExprPtr> args;
  ScalarExprPtr v = bind(*e.value);
  if (!v) return nullptr;
  Type t = v->type.type;
  args.push_back(std::move(v));
  for (const auto& item : e.list) {
    ScalarExprPtr b = bind(*item);
    if (!b) return nullptr;
    auto c = common_type(t, b->type.type);
    if (!c) {
      diags_.error(item->range, "IN list item of type " + describe(b->type.type) + " cannot be compared with " + describe(t));
      return nullptr;
    }
    t = *c;
    args.push_back(std::move(b));
  }
  bool n = any_nullable(args);
  for (auto& a : args) a = coerce(std::move(a), t);
  ScalarExprPtr in = ScalarExpr::make(ExprOp::InList, {Type::boolean(), n}, std::move(args), e.range);
  if (!e.negated) return in;
  std::vector<ScalarExprPtr> neg;
  neg.push_back(std::move(in));
  return ScalarExpr::make(ExprOp::Not, {Type::boolean(), n}, std::move(neg), e.range);
}

ScalarExprPtr ExprBinder::like(const LikeExpr& e) {
  ScalarExprPtr v = bind(*e.value), p = bind(*e.pattern);
  if (!v || !p) return nullptr;
  for (const auto* x : {&v, &p}) {
    Type t = (*x)->type.type;
    if (!t.is_string() && t.kind != TypeKind::Null) {
      diags_.error((*x)->range, "LIKE needs STRING operands, not " + describe(t));
      return nullptr;
    }
  }
  bool n = v->type.nullable || p->type.nullable;
  std::vector<ScalarExprPtr> args;
  args.push_back(coerce(std::move(v), Type::string()));
  args.push_back(coerce(std::move(p), Type::string()));
  // Keep the operands' own string types: a CAST to unbounded STRING is needless.
  for (auto& a : args)
    if (a->op == ExprOp::Cast && a->args[0]->type.type.is_string()) a = std::move(a->args[0]);
  ScalarExprPtr like = ScalarExpr::make(ExprOp::Like, {Type::boolean(), n}, std::move(args), e.range);
  if (!e.negated) return like;
  std::vector<ScalarExprPtr> neg;
  neg.push_back(std::move(like));
  return ScalarExpr::make(ExprOp::Not, {Type::boolean(), n}, std::move(neg), e.range);
}

ScalarExprPtr ExprBinder::is_null(const IsNullExpr& e) {
  ScalarExprPtr v = bind(*e.value);
  if (!v) return nullptr;
  std::vector<ScalarExprPtr> args;
  args.push_back(std::move(v));
  return ScalarExpr::make(e.negated ? ExprOp::IsNotNull : ExprOp::IsNull, not_null(Type::boolean()), std::move(args), e.range);
}

ScalarExprPtr ExprBinder::case_when(const CaseExpr& e) {
  ScalarExprPtr operand;
  if (e.operand && !(operand = bind(*e.operand))) return nullptr;
  std::vector<ScalarExprPtr> conds, results;
  for (const WhenClause& w : e.whens) {
    ScalarExprPtr c;
    if (operand) {
      ScalarExprPtr v = bind(*w.condition);
      if (!v) return nullptr;
      c = comparison(ExprOp::Eq, operand->clone(), std::move(v), w.condition->range);
    } else {
      c = bind(*w.condition);
      if (c && !require_bool(c, "WHEN")) return nullptr;
      if (c) c = coerce(std::move(c), Type::boolean());
    }
    ScalarExprPtr r = bind(*w.result);
    if (!c || !r) return nullptr;
    conds.push_back(std::move(c));
    results.push_back(std::move(r));
  }
  if (e.else_result) {
    ScalarExprPtr r = bind(*e.else_result);
    if (!r) return nullptr;
    results.push_back(std::move(r));
  }
  Type t = Type::null();
  for (const auto& r : results) {
    auto c = common_type(t, r->type.type);
    if (!c) {
      diags_.error(r->range, "CASE results must share a type: " + describe(r->type.type) + " does not mix with " + describe(t));
      return nullptr;
    }
    t = *c;
  }
  bool n = !e.else_result || any_nullable(results);
  std::vector<ScalarExprPtr> args;
  for (size_t i = 0; i < conds.size(); ++i) {
    args.push_back(std::move(conds[i]));
    args.push_back(coerce(std::move(results[i]), t));
  }
  if (e.else_result) args.push_back(coerce(std::move(results.back()), t));
  return ScalarExpr::make(ExprOp::Case, {t, n}, std::move(args), e.range);
}

ScalarExprPtr ExprBinder::cast(const CastExpr& e) {
  ScalarExprPtr x = bind(*e.operand);
  if (!x) return nullptr;
  Type from = x->type.type, to = e.target.type;
  if (to.kind == TypeKind::Null) return nullptr;  // unknown type, already reported
  if (!castable(from, to)) {
    diags_.error(e.range, "cannot CAST " + describe(from) + " to " + describe(to));
    return nullptr;
  }
  if (from == to) return x;
  // Casts that can fail give NULL: float to integer (NaN, out of range), text to anything,
  // narrowing integers, and text that overflows STRING(n).
  bool may_fail = (from.is_float() && to.is_integer()) || (from.is_string() && !to.is_string()) ||
                  (from.kind == TypeKind::Int64 && to.kind == TypeKind::Int32) ||
                  (to.is_string() && to.max_bytes != 0 && (from.max_bytes == 0 || from.max_bytes > to.max_bytes));
  ColumnType ct{to, x->type.nullable || may_fail};
  std::vector<ScalarExprPtr> args;
  args.push_back(std::move(x));
  return ScalarExpr::make(ExprOp::Cast, ct, std::move(args), e.range);
}

ScalarExprPtr ExprBinder::substring(const SubstringExpr& e) {
  ScalarExprPtr v = bind(*e.value), from = bind(*e.from);
  ScalarExprPtr len = e.length ? bind(*e.length) : nullptr;
  if (!v || !from || (e.length && !len)) return nullptr;
  if (!v->type.type.is_string() && v->type.type.kind != TypeKind::Null) {
    diags_.error(v->range, "SUBSTRING needs a STRING, not " + describe(v->type.type));
    return nullptr;
  }
  for (ScalarExprPtr* p : {&from, &len}) {
    if (!*p) continue;
    Type t = (*p)->type.type;
    if (!t.is_integer() && t.kind != TypeKind::Null) {
      diags_.error((*p)->range, "SUBSTRING positions are integers, not " + describe(t));
      return nullptr;
    }
    *p = coerce(std::move(*p), Type::int64());
  }
  Type out = v->type.type.kind == TypeKind::Null ? Type::string() : v->type.type;
  std::vector<ScalarExprPtr> args;
  args.push_back(coerce(std::move(v), out));
  args.push_back(std::move(from));
  if (len) args.push_back(std::move(len));
  const bool nullable = any_nullable(args);  // read before `args` is moved into the node
  return ScalarExpr::make(ExprOp::Substring, {out, nullable}, std::move(args), e.range);
}

// ---- calls ------------------------------------------------------------------------------------

ScalarExprPtr ExprBinder::call(const CallExpr& e) {
  const AggregateInfo* agg = e.star ? &aggregate_info(AggregateFunction::CountStar) : find_aggregate(e.function.name);
  if (e.star && find_aggregate(e.function.name) != &aggregate_info(AggregateFunction::Count)) {
    diags_.error(e.range, e.function.name + "(*) is not a function", "only COUNT takes *");
    return nullptr;
  }
  if (e.over) return over_call(e, agg);
  if (agg) {
    if (agg->over_only) {
      diags_.error(e.range, agg->name.data() + std::string(" needs an OVER clause"),
                   "e.g. LAG(x) OVER (PARTITION BY k ORDER BY ts)");
      return nullptr;
    }
    return aggregate_call(e, *agg);
  }
  if (const ScalarFunctionInfo* fn = find_scalar_function(e.function.name)) return scalar_call(e, *fn);
  std::vector<std::string> names;
  for (auto n : all_function_names()) names.emplace_back(n);
  std::string upper;
  for (char c : e.function.name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view ours = vlac_name_for(e.function.name);
  diags_.error(e.function.range, "unknown function '" + e.function.name + "'",
               ours.empty() ? did_you_mean(upper, names) : "did you mean " + std::string(ours) + "?");
  return nullptr;
}

ScalarExprPtr ExprBinder::scalar_call(const CallExpr& e, const ScalarFunctionInfo& fn) {
  const std::string name(fn.name);
  int n = static_cast<int>(e.args.size());
  if (n < fn.min_args || (fn.max_args >= 0 && n > fn.max_args)) {
    std::string want = fn.min_args == fn.max_args ? std::to_string(fn.min_args)
                       : fn.max_args < 0          ? "at least " + std::to_string(fn.min_args)
                                                  : std::to_string(fn.min_args) + " or " + std::to_string(fn.max_args);
    diags_.error(e.range, name + " takes " + want + " argument" + (want == "1" ? "" : "s") + ", not " + std::to_string(n));
    return nullptr;
  }
  std::vector<ScalarExprPtr> args;
  for (const auto& a : e.args) {
    ScalarExprPtr b = bind(*a);
    if (!b) return nullptr;
    args.push_back(std::move(b));
  }
  auto expect = [&](size_t i, bool ok, const std::string& what) {
    if (ok) return true;
    diags_.error(args[i]->range, name + " takes " + what + ", not " + describe(args[i]->type.type));
    return false;
  };
  auto numeric = [&](size_t i) {
    Type t = args[i]->type.type;
    return t.is_numeric() || t.kind == TypeKind::Null;
  };
  bool nullable = any_nullable(args) || fn.domain_errors;
  Type result;
  switch (fn.signature) {
    case Signature::NumericSame:
      if (!expect(0, numeric(0), "a number")) return nullptr;
      result = args[0]->type.type.kind == TypeKind::Null ? Type::float64() : args[0]->type.type;
      args[0] = coerce(std::move(args[0]), result);  // a NULL literal takes the result's type
      break;
    case Signature::RealMath:
      for (size_t i = 0; i < args.size(); ++i) {
        if (!expect(i, numeric(i), "numbers")) return nullptr;
        args[i] = coerce(std::move(args[i]), Type::float64());
      }
      result = Type::float64();
      break;
    case Signature::Round:
      if (!expect(0, numeric(0), "a number")) return nullptr;
      if (args.size() > 1) {
        const Type digits = args[1]->type.type;
        if (!expect(1, digits.is_integer() || digits.kind == TypeKind::Null, "an integer number of digits")) return nullptr;
        args[1] = coerce(std::move(args[1]), Type::int32());
      }
      result = args[0]->type.type.kind == TypeKind::Null ? Type::float64() : args[0]->type.type;
      args[0] = coerce(std::move(args[0]), result);
      break;
    case Signature::CommonType: {
      Type t = Type::null();
      for (size_t i = 0; i < args.size(); ++i) {
        auto c = common_type(t, args[i]->type.type);
        if (!c || (fn.id == ScalarFunction::Clamp && !numeric(i))) {
          diags_.error(args[i]->range, name + "'s arguments must share a type: " + describe(args[i]->type.type) +
                                           " does not mix with " + describe(t));
          return nullptr;
        }
        t = *c;
      }
      if (t.kind == TypeKind::Null) {
        diags_.error(e.range, "the type of " + name + "(NULL, ...) is unknown", "give it a type: CAST(NULL AS INT32)");
        return nullptr;
      }
      for (auto& a : args) a = coerce(std::move(a), t);
      result = t;
      if (fn.id == ScalarFunction::Coalesce) {
        nullable = true;
        for (const auto& a : args)
          if (!a->type.nullable) nullable = false;
      }
      break;
    }
    case Signature::StringLength:
      if (!expect(0, args[0]->type.type.is_string() || args[0]->type.type.kind == TypeKind::Null, "a STRING")) return nullptr;
      if (args[0]->type.type.kind == TypeKind::Null) args[0] = coerce(std::move(args[0]), Type::string());
      result = Type::int32();
      break;
    case Signature::StringCase:
      if (!expect(0, args[0]->type.type.is_string() || args[0]->type.type.kind == TypeKind::Null, "a STRING")) return nullptr;
      result = args[0]->type.type.kind == TypeKind::Null ? Type::string() : args[0]->type.type;
      args[0] = coerce(std::move(args[0]), result);
      break;
  }
  auto out = ScalarExpr::make(ExprOp::Call, {result, nullable}, std::move(args), e.range);
  out->function = fn.id;
  return out;
}

ScalarExprPtr ExprBinder::aggregate_call(const CallExpr& e, const AggregateInfo& agg) {
  const std::string name(agg.name);
  if (!agg_) {
    diags_.error(e.range, "aggregate " + name + " is not allowed in " + clause_,
                 clause_ == "WHERE" ? "filter on aggregates with HAVING" : "");
    return nullptr;
  }
  AggregateCall c;
  c.function = agg.id;
  c.range = e.range;
  if (agg.id != AggregateFunction::CountStar) {
    if (e.args.size() != 1) {
      diags_.error(e.range, name + " takes 1 argument, not " + std::to_string(e.args.size()));
      return nullptr;
    }
    // The argument is over the aggregate's input: bind it without the aggregate context.
    ExprBinder input(scope_, diags_, "an aggregate's argument");
    if (e.args[0]->kind == ExprKind::Call) {
      const auto& inner = static_cast<const CallExpr&>(*e.args[0]);
      const AggregateInfo* a = find_aggregate(inner.function.name);
      if (!inner.over && (inner.star || (a && !a->over_only))) {
        diags_.error(inner.range, "aggregates cannot be nested", "compute the inner aggregate in a derived stream");
        return nullptr;
      }
    }
    c.arg = input.bind_value(*e.args[0]);
    if (!c.arg) return nullptr;
  }
  std::string why;
  auto result = aggregate_result(agg.id, c.arg ? &c.arg->type : nullptr, agg_->global, &why);
  if (!result) {
    diags_.error(e.range, name + " " + why);
    return nullptr;
  }
  c.result = *result;
  if (c.arg && agg_->windowed && reads_window_columns(*c.arg, *agg_)) return window_constant_aggregate(e, std::move(c));
  return add_aggregate(std::move(c), e.range);
}

/// The aggregate's output column for `c`, sharing one accumulator between equal calls.
ScalarExprPtr ExprBinder::add_aggregate(AggregateCall c, SourceRange range) {
  for (size_t i = 0; i < agg_->calls.size(); ++i) {
    const AggregateCall& o = agg_->calls[i];
    if (o.function == c.function && ((!o.arg && !c.arg) || (o.arg && c.arg && o.arg->same_as(*c.arg))))
      return ScalarExpr::column_ref(agg_->call_output(static_cast<int>(i)), o.result, range);
  }
  agg_->calls.push_back(std::move(c));
  const AggregateCall& added = agg_->calls.back();
  return ScalarExpr::column_ref(agg_->call_output(static_cast<int>(agg_->calls.size() - 1)), added.result, range);
}

namespace {

/// Which window column (0 start, 1 end, 2 time) input column `c` is, or -1.
int window_column(int c, const AggregateContext& agg) {
  return c == agg.window_start_input ? 0 : c == agg.window_end_input ? 1 : c == agg.window_time_input ? 2 : -1;
}

/// Rewrites the input's window columns in `e` to the aggregate's output window columns.
void to_window_output(ScalarExpr& e, const AggregateContext& agg) {
  if (e.op == ExprOp::Column) e.column = agg.window_output(window_column(e.column, agg));
  for (auto& a : e.args) to_window_output(*a, agg);
}

}  // namespace

bool reads_window_columns(const ScalarExpr& e, const AggregateContext& agg) {
  bool reads = false;
  for_each_column(e, [&](int c) { reads |= window_column(c, agg) >= 0; });
  return reads;
}

/// An aggregate of window_start, window_end or window_time (Flink allows it): the argument is
/// constant per window, so the aggregate is computed from the window's bounds when it fires
/// (MIN, MAX, FIRST_VALUE, LAST_VALUE: the value; AVG: the value as FLOAT64; COUNT: COUNT(*),
/// or 0 when the value is NULL). The aggregate's input rows do not carry the window columns.
ScalarExprPtr ExprBinder::window_constant_aggregate(const CallExpr& e, AggregateCall c) {
  const std::string name(aggregate_info(c.function).name);
  bool reads_input = false;
  for_each_column(*c.arg, [&](int col) { reads_input |= window_column(col, *agg_) < 0; });
  if (reads_input) {
    diags_.error(e.range, name + " of an expression that mixes window_start, window_end or window_time with the input's "
                 "columns is not supported yet",
                 "the window columns are constant per window: aggregate the rest and combine it outside, e.g. "
                 "MAX(ts) - window_start");
    return nullptr;
  }
  ScalarExprPtr value = std::move(c.arg);
  to_window_output(*value, *agg_);
  switch (c.function) {
    case AggregateFunction::Min:
    case AggregateFunction::Max:
    case AggregateFunction::FirstValue:
    case AggregateFunction::LastValue: value->range = e.range; return value;
    case AggregateFunction::Avg: value = coerce(std::move(value), c.result.type); value->range = e.range; return value;
    case AggregateFunction::Count: {
      AggregateCall star;
      star.function = AggregateFunction::CountStar;
      star.result = c.result;
      star.range = e.range;
      ScalarExprPtr count = add_aggregate(std::move(star), e.range);
      if (!value->type.nullable) return count;
      // CASE WHEN value IS NULL THEN 0 ELSE COUNT(*) END
      std::vector<ScalarExprPtr> is_null, args;
      is_null.push_back(std::move(value));
      args.push_back(ScalarExpr::make(ExprOp::IsNull, {Type::boolean(), false}, std::move(is_null), e.range));
      args.push_back(ScalarExpr::literal(Value::integer(0), count->type, e.range));
      args.push_back(std::move(count));
      return ScalarExpr::make(ExprOp::Case, c.result, std::move(args), e.range);
    }
    default:
      diags_.error(e.range, name + " of window_start, window_end or window_time is not supported yet",
                   "they are constant per window: use the value itself, or COUNT(*)");
      return nullptr;
  }
}

ScalarExprPtr ExprBinder::over_call(const CallExpr& e, const AggregateInfo* agg) {
  if (!over_) {
    diags_.error(e.over->range, "OVER is not allowed in " + clause_,
                 agg_ ? "compute it in a derived stream, then aggregate that" : "use it in the SELECT list");
    return nullptr;
  }
  if (!agg) {
    diags_.error(e.function.range, "'" + e.function.name + "' is not an aggregate, so it cannot take OVER",
                 "OVER takes COUNT, SUM, AVG, MIN, MAX, STDDEV_*, VAR_*, FIRST_VALUE, LAST_VALUE or LAG");
    return nullptr;
  }
  const ast::OverClause& o = *e.over;
  ExprBinder input(scope_, diags_, "an OVER clause");
  // ORDER BY must be the input's event time.
  ScalarExprPtr order = input.bind(*o.order_by);
  if (!order) return nullptr;
  if (order->op != ExprOp::Column || !scope_.schema().columns[order->column].time_attribute) {
    std::string hint;
    if (over_->time_column >= 0) {
      hint = "order by the event-time column: ORDER BY " + scope_.schema().columns[over_->time_column].name;
    } else if (!over_->source_without_watermark.empty() && order->op == ExprOp::Column &&
               order->type.type.kind == TypeKind::Timestamp) {
      const std::string& ts = scope_.schema().columns[order->column].name;
      hint = "'" + over_->source_without_watermark + "' has no event time; add a WATERMARK clause to its CREATE STREAM: "
             "WATERMARK FOR " + ts + " AS " + ts + " - INTERVAL '1' SECOND";
    } else {
      hint = "declare a WATERMARK on the source stream to give it event time";
    }
    diags_.error(o.order_by->range, "OVER must be ordered by the input's event-time column", hint);
    return nullptr;
  }
  std::vector<ScalarExprPtr> keys;
  for (const auto& p : o.partition_by) {
    ScalarExprPtr k = input.bind_value(*p);
    if (!k) return nullptr;
    keys.push_back(std::move(k));
  }
  if (!over_->partition_set) {
    over_->partition_set = true;
    over_->partition_keys = std::move(keys);
    over_->time_column = order->column;
    over_->first_over = o.range;
  } else {
    bool same = keys.size() == over_->partition_keys.size();
    for (size_t i = 0; same && i < keys.size(); ++i) same = keys[i]->same_as(*over_->partition_keys[i]);
    if (!same) {
      diags_.error(o.range, "all OVER clauses of one SELECT must have the same PARTITION BY",
                   "compute the other partitioning in a separate derived stream");
      return nullptr;
    }
  }

  OverCall c;
  c.function = agg->id;
  c.range = e.range;
  const std::string name(agg->name);
  size_t max_args = agg->id == AggregateFunction::Lag ? 2 : agg->id == AggregateFunction::CountStar ? 0 : 1;
  size_t min_args = agg->id == AggregateFunction::CountStar ? 0 : 1;
  if (e.args.size() < min_args || e.args.size() > max_args) {
    diags_.error(e.range, name + " takes " + (max_args == 2 ? "1 or 2 arguments" : "1 argument") + ", not " +
                              std::to_string(e.args.size()));
    return nullptr;
  }
  if (!e.args.empty()) {
    c.arg = input.bind_value(*e.args[0]);
    if (!c.arg) return nullptr;
  }
  if (agg->id == AggregateFunction::Lag) {
    if (e.args.size() == 2) {
      ScalarExprPtr n = input.bind(*e.args[1]);
      if (!n) return nullptr;
      if (n->op != ExprOp::Literal || !n->type.type.is_integer() || n->value.i < 1) {
        diags_.error(e.args[1]->range, "LAG's offset must be a positive integer constant");
        return nullptr;
      }
      c.lag_offset = n->value.i;
    }
    if (o.frame) {
      diags_.error(o.frame->range, "LAG takes no frame", "write LAG(x) OVER (PARTITION BY k ORDER BY ts)");
      return nullptr;
    }
  } else if (o.frame) {
    c.unit = o.frame->kind == ast::FrameKind::Rows ? FrameUnit::Rows : FrameUnit::Range;
    c.unbounded = o.frame->unbounded;
    if (!c.unbounded) {
      ScalarExprPtr p = input.bind(*o.frame->preceding);
      if (!p) return nullptr;
      if (c.unit == FrameUnit::Rows) {
        auto v = constant_integer(*p);
        if (!v || *v < 0) {
          diags_.error(o.frame->preceding->range, "ROWS frame needs a non-negative integer constant",
                       "e.g. ROWS BETWEEN 9 PRECEDING AND CURRENT ROW");
          return nullptr;
        }
        c.preceding = *v;
      } else {
        auto v = constant_interval(*p);
        if (!v || *v < 0) {
          diags_.error(o.frame->preceding->range, "RANGE frame needs a non-negative INTERVAL constant",
                       "e.g. RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW");
          return nullptr;
        }
        c.preceding = *v;
      }
    }
  }
  std::string why;
  auto result = aggregate_result(agg->id, c.arg ? &c.arg->type : nullptr, false, &why);
  if (!result) {
    diags_.error(e.range, name + " " + why);
    return nullptr;
  }
  c.result = *result;
  over_->calls.push_back(std::move(c));
  int index = over_->input_columns + static_cast<int>(over_->calls.size()) - 1;
  return ScalarExpr::column_ref(index, *result, e.range);
}

}  // namespace vlac
