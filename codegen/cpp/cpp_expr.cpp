#include "codegen/cpp/cpp_expr.h"

#include <cmath>
#include <cstdio>

namespace vlac::cpp {

// ---- bodies, types, literals -------------------------------------------------------------------

std::string CppBody::local(const std::string& type, const std::string& init) {
  std::string name = fresh();
  line("const " + type + " " + name + " = " + init + ";");
  return name;
}

std::string CppBody::maybe_unused_local(const std::string& type, const std::string& init) {
  std::string name = fresh();
  line("[[maybe_unused]] const " + type + " " + name + " = " + init + ";");
  return name;
}

std::string cpp_type(rt::FieldType t) {
  switch (t) {
    case rt::FieldType::Bool: return "bool";
    case rt::FieldType::Int32: return "int32_t";
    case rt::FieldType::Int64:
    case rt::FieldType::Timestamp:
    case rt::FieldType::Interval: return "int64_t";
    case rt::FieldType::Float32: return "float";
    case rt::FieldType::Float64: return "double";
    case rt::FieldType::String: return "vlac::cg::Str";
  }
  return "int64_t";
}

std::string cpp_type(Type t) {
  switch (t.kind) {
    case TypeKind::Null:
    case TypeKind::Int32: return "int32_t";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int64:
    case TypeKind::Timestamp:
    case TypeKind::Interval: return "int64_t";
    case TypeKind::Float32: return "float";
    case TypeKind::Float64: return "double";
    case TypeKind::String: return "vlac::cg::Str";
  }
  return "int64_t";
}

std::string cpp_string_literal(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f && c != '?') {  // '?': no trigraphs
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);  // octal: at most three digits, never runs on
      out += buf;
    }
  }
  return out + "\"";
}

namespace {

std::string int_literal(int64_t v, bool is_32) {
  if (is_32) {
    if (v == INT32_MIN) return "(-2147483647 - 1)";
    return "int32_t(" + std::to_string(v) + ")";
  }
  if (v == INT64_MIN) return "(-INT64_C(9223372036854775807) - 1)";
  return "INT64_C(" + std::to_string(v) + ")";
}

/// An exact double literal (hexadecimal floating point, C++17).
std::string double_literal(double d) {
  if (std::isnan(d)) return "__builtin_nan(\"\")";
  if (std::isinf(d)) return d > 0 ? "__builtin_inf()" : "(-__builtin_inf())";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", d);
  return buf;
}

std::string float_literal(float f) { return "static_cast<float>(" + double_literal(static_cast<double>(f)) + ")"; }

bool is_int_like(Type t) { return t.is_integer() || t.kind == TypeKind::Timestamp || t.kind == TypeKind::Interval; }

}  // namespace

// ---- rows --------------------------------------------------------------------------------------

std::string RowAccess::zero(rt::FieldType t) {
  switch (t) {
    case rt::FieldType::Bool: return "false";
    case rt::FieldType::Float32: return "0.0f";
    case rt::FieldType::Float64: return "0.0";
    case rt::FieldType::String: return "vlac::cg::Str{nullptr, 0}";
    case rt::FieldType::Int32: return "int32_t(0)";
    default: return "int64_t(0)";
  }
}

CppValue RowAccess::load(CppBody& body, const std::string& row, const rt::Field& f) const {
  CppValue v;
  std::string off = std::to_string(f.offset);
  switch (f.type) {
    case rt::FieldType::Bool: v.value = body.maybe_unused_local("bool", "vlac::cg::load_bool(" + row + ", " + off + ")"); break;
    case rt::FieldType::String: v.value = body.maybe_unused_local("vlac::cg::Str", "vlac::cg::load_string(" + row + ", " + off + ")"); break;
    default: {
      std::string t = cpp_type(f.type);
      v.value = body.maybe_unused_local(t, "vlac::cg::load<" + t + ">(" + row + ", " + off + ")");
    }
  }
  if (f.nullable) v.null = body.local("bool", "vlac::cg::is_null(" + row + ", " + std::to_string(f.null_bit) + ")");
  return v;
}

void RowAccess::store(CppBody& body, const std::string& row, const rt::Field& f, const CppValue& v) const {
  std::string value = v.null.empty() ? v.value : "(" + v.null + " ? " + zero(f.type) + " : " + v.value + ")";
  std::string off = std::to_string(f.offset);
  switch (f.type) {
    case rt::FieldType::Bool: body.line("vlac::cg::store_bool(" + row + ", " + off + ", " + value + ");"); break;
    case rt::FieldType::String:
      body.line("vlac::cg::store_string(" + row + ", " + off + ", " + std::to_string(f.max_bytes) + ", " + value + ");");
      break;
    default: body.line("vlac::cg::store<" + cpp_type(f.type) + ">(" + row + ", " + off + ", " + value + ");");
  }
  if (f.nullable)
    body.line("vlac::cg::set_null(" + row + ", " + std::to_string(f.null_bit) + ", " + (v.null.empty() ? "false" : v.null) + ");");
}

// ---- expressions -------------------------------------------------------------------------------

std::string CppExpr::either_null(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return body_.local("bool", a + " || " + b);
}

std::string CppExpr::is_true(const CppValue& v) {
  return v.null.empty() ? v.value : "(!" + v.null + " && " + v.value + ")";
}

std::string CppExpr::emit_condition(const ScalarExpr& e) { return is_true(emit(e)); }

CppValue CppExpr::literal(const ScalarExpr& e) {
  Type t = e.type.type;
  if (e.value.is_null || t.kind == TypeKind::Null) {
    std::string zero = t.is_string() ? "vlac::cg::Str{nullptr, 0}" : t.kind == TypeKind::Bool ? "false"
                     : t.kind == TypeKind::Float32 ? "0.0f" : t.kind == TypeKind::Float64 ? "0.0"
                     : t.kind == TypeKind::Int64 || t.kind == TypeKind::Timestamp || t.kind == TypeKind::Interval ? "int64_t(0)"
                     : "int32_t(0)";
    return {zero, "true"};
  }
  switch (t.kind) {
    case TypeKind::Bool: return {e.value.b ? "true" : "false", ""};
    case TypeKind::Int32: return {int_literal(e.value.i, true), ""};
    case TypeKind::Int64:
    case TypeKind::Timestamp:
    case TypeKind::Interval: return {int_literal(e.value.i, false), ""};
    case TypeKind::Float32: return {float_literal(static_cast<float>(e.value.f)), ""};
    case TypeKind::Float64: return {double_literal(e.value.f), ""};
    case TypeKind::String:
      return {"vlac::cg::Str{" + cpp_string_literal(e.value.s) + ", " + std::to_string(e.value.s.size()) + "u}", ""};
    case TypeKind::Null: break;
  }
  return {"int32_t(0)", "true"};
}

CppValue CppExpr::emit(const ScalarExpr& e) {
  switch (e.op) {
    case ExprOp::Literal: return literal(e);
    case ExprOp::Column: return rows_.load(body_, row_, layout_.fields[e.column]);
    case ExprOp::Neg: {
      CppValue a = emit(*e.args[0]);
      std::string t = cpp_type(e.type.type);
      a.value = body_.local(t, e.type.type.is_float() ? "-" + a.value : "vlac::cg::wrap_neg<" + t + ">(" + a.value + ")");
      return a;
    }
    case ExprOp::Not: {
      CppValue a = emit(*e.args[0]);
      a.value = body_.local("bool", "!" + a.value);
      return a;
    }
    case ExprOp::Add: case ExprOp::Sub: case ExprOp::Mul: case ExprOp::Div: case ExprOp::Mod:
      return arithmetic(e);
    case ExprOp::Concat: {
      CppValue a = emit(*e.args[0]), c = emit(*e.args[1]);
      return {body_.local("vlac::cg::Str", "vlac::cg::concat(" + ctx_ + ", " + a.value + ", " + c.value + ")"),
              either_null(a.null, c.null)};
    }
    case ExprOp::Eq: case ExprOp::Ne: case ExprOp::Lt: case ExprOp::Le: case ExprOp::Gt: case ExprOp::Ge: {
      CppValue a = emit(*e.args[0]), c = emit(*e.args[1]);
      return {body_.local("bool", compare(e.op, a, c, e.args[0]->type.type)), either_null(a.null, c.null)};
    }
    case ExprOp::And: case ExprOp::Or: return logical(e);
    case ExprOp::IsNull:
    case ExprOp::IsNotNull: {
      CppValue a = emit(*e.args[0]);
      std::string null = a.null.empty() ? "false" : a.null;
      return {e.op == ExprOp::IsNull ? null : "!" + null, ""};
    }
    case ExprOp::Cast: return cast(emit(*e.args[0]), e.args[0]->type.type, e.type.type);
    case ExprOp::Case: return case_when(e);
    case ExprOp::InList: return in_list(e);
    case ExprOp::Like: {
      CppValue a = emit(*e.args[0]), p = emit(*e.args[1]);
      return {body_.local("bool", "vlac::rt::like_match(" + a.value + ".data, " + a.value + ".size, " + p.value + ".data, " +
                                      p.value + ".size)"),
              either_null(a.null, p.null)};
    }
    case ExprOp::Substring: {
      CppValue s = emit(*e.args[0]), from = emit(*e.args[1]);
      bool has_count = e.args.size() > 2;
      CppValue count = has_count ? emit(*e.args[2]) : CppValue{"int64_t(0)", ""};
      std::string out = body_.fresh();
      body_.line("vlac::cg::Str " + out + "{nullptr, 0};");
      std::string ok = body_.local("bool", "vlac::rt::utf8_substring(" + s.value + ".data, " + s.value + ".size, " + from.value +
                                                ", " + count.value + ", " + (has_count ? "true" : "false") + ", &" + out +
                                                ".data, &" + out + ".size)");
      std::string null = either_null(either_null(s.null, from.null), count.null);
      return {out, either_null(null, "!" + ok)};
    }
    case ExprOp::Call: return call(e);
  }
  return {};
}

CppValue CppExpr::arithmetic(const ScalarExpr& e) {
  CppValue a = emit(*e.args[0]), c = emit(*e.args[1]);
  Type t = e.type.type;
  std::string type = cpp_type(t);
  std::string null = either_null(a.null, c.null);
  std::string x = a.value, y = c.value;
  if (!t.is_float() && (t.kind == TypeKind::Interval || t.kind == TypeKind::Timestamp)) {
    // INTERVAL * integer and friends: integers are widened to 64 bits.
    x = "int64_t(" + x + ")";
    y = "int64_t(" + y + ")";
  }
  if (e.op == ExprOp::Div || e.op == ExprOp::Mod) {
    // vlac::rt::checked_div / checked_mod (runtime/scalar/arithmetic.h): by zero is NULL.
    CppValue r = body_.checked_call(type, e.op == ExprOp::Div ? "vlac::rt::checked_div" : "vlac::rt::checked_mod",
                              type + "(" + x + "), " + type + "(" + y + ")");
    return {r.value, either_null(null, r.null)};
  }
  if (t.is_float()) {
    const char* sym = e.op == ExprOp::Add ? " + " : e.op == ExprOp::Sub ? " - " : " * ";
    return {body_.local(type, x + sym + y), null};
  }
  const char* fn = e.op == ExprOp::Add ? "wrap_add" : e.op == ExprOp::Sub ? "wrap_sub" : "wrap_mul";
  return {body_.local(type, std::string("vlac::cg::") + fn + "<" + type + ">(" + x + ", " + y + ")"), null};
}

CppValue CppBody::checked_call(const std::string& type, const std::string& fn, const std::string& args) {
  std::string flag = fresh();
  line("bool " + flag + " = false;");
  return {local(type, fn + "(" + args + ", &" + flag + ")"), flag};
}

CppValue CppExpr::logical(const ScalarExpr& e) {
  CppValue a = emit(*e.args[0]), c = emit(*e.args[1]);
  bool is_and = e.op == ExprOp::And;
  if (a.null.empty() && c.null.empty()) return {body_.local("bool", a.value + (is_and ? " && " : " || ") + c.value), ""};
  // Three-valued logic: a known FALSE decides AND, a known TRUE decides OR; otherwise NULL wins.
  auto known = [&](const CppValue& x) {
    std::string is = is_and ? "!" + x.value : x.value;
    return x.null.empty() ? is : "(!" + x.null + " && " + is + ")";
  };
  std::string decided = body_.local("bool", known(a) + " || " + known(c));
  std::string any_null = either_null(a.null, c.null);
  std::string null = body_.local("bool", "!" + decided + " && " + any_null);
  return {body_.local("bool", is_and ? "!" + decided : decided), null};
}

std::string CppExpr::compare(ExprOp op, const CppValue& a, const CppValue& c, Type t) {
  const char* sym = op == ExprOp::Eq ? " == " : op == ExprOp::Ne ? " != " : op == ExprOp::Lt ? " < "
                  : op == ExprOp::Le ? " <= " : op == ExprOp::Gt ? " > " : " >= ";
  if (t.is_string())
    return "vlac::rt::string_compare(" + a.value + ".data, " + a.value + ".size, " + c.value + ".data, " + c.value + ".size)" +
           sym + "0";
  return a.value + sym + c.value;  // C++'s float comparisons are ordered, `!=` unordered, like the IR's
}

std::string CppExpr::extreme_better(bool min, const CppValue& a, const CppValue& cur, Type t) {
  if (!t.is_float()) return compare(min ? ExprOp::Lt : ExprOp::Gt, a, cur, t);
  // NaN above every number (runtime/scalar/arithmetic.h).
  return std::string(min ? "vlac::rt::less_ranked(" : "vlac::rt::greater_ranked(") + a.value + ", " + cur.value + ")";
}

CppValue CppExpr::case_when(const ScalarExpr& e) {
  // Every branch is evaluated (expressions have no side effects and never trap), then selected
  // from the last WHEN to the first, as the LLVM backend does.
  size_t n = e.args.size();
  bool has_else = n % 2 == 1;
  std::string type = cpp_type(e.type.type);
  CppValue result;
  if (has_else) {
    result = emit(*e.args[n - 1]);
  } else {
    ScalarExpr null_literal;
    null_literal.type = e.type;
    result = literal(null_literal);
  }
  for (size_t i = (has_else ? n - 1 : n); i >= 2; i -= 2) {
    std::string cond = body_.local("bool", emit_condition(*e.args[i - 2]));
    CppValue r = emit(*e.args[i - 1]);
    CppValue out;
    out.value = body_.local(type, cond + " ? " + type + "(" + r.value + ") : " + type + "(" + result.value + ")");
    if (!r.null.empty() || !result.null.empty())
      out.null = body_.local("bool", cond + " ? " + (r.null.empty() ? "false" : r.null) + " : " +
                                         (result.null.empty() ? "false" : result.null));
    result = out;
  }
  return result;
}

CppValue CppExpr::in_list(const ScalarExpr& e) {
  // TRUE if an item equals the value; otherwise NULL if the value or an item is NULL; else FALSE.
  CppValue v = emit(*e.args[0]);
  Type t = e.args[0]->type.type;
  std::string found = "false";
  std::string any_null = v.null;
  for (size_t i = 1; i < e.args.size(); ++i) {
    CppValue item = emit(*e.args[i]);
    std::string eq = compare(ExprOp::Eq, v, item, t);
    if (!item.null.empty()) eq = "(" + eq + " && !" + item.null + ")";
    found = body_.local("bool", found + " || " + eq);
    any_null = either_null(any_null, item.null);
  }
  if (!v.null.empty()) found = body_.local("bool", found + " && !" + v.null);
  CppValue out{found, ""};
  if (!any_null.empty()) out.null = body_.local("bool", "!" + found + " && " + any_null);
  return out;
}

CppValue CppExpr::cast(const CppValue& v, Type from, Type to) {
  CppValue out;
  out.null = v.null;
  std::string target = cpp_type(to);
  if (from.kind == TypeKind::Null) {
    ScalarExpr null_literal;
    null_literal.type = ColumnType{to, true};
    return literal(null_literal);
  }
  if (from.kind == to.kind && !to.is_string()) return v;
  auto fail_if = [&](const std::string& bad) { out.null = either_null(out.null, bad); };

  if (to.is_string()) {
    if (from.is_string()) out.value = v.value;
    else if (from.kind == TypeKind::Bool) out.value = body_.local(target, "vlac::cg::format_bool(" + v.value + ")");
    else if (from.kind == TypeKind::Timestamp) out.value = body_.local(target, "vlac::cg::format_timestamp(" + ctx_ + ", " + v.value + ")");
    else if (is_int_like(from)) out.value = body_.local(target, "vlac::cg::format_int(" + ctx_ + ", " + v.value + ")");
    else out.value = body_.local(target, "vlac::cg::format_real(" + ctx_ + ", " + v.value + ", " +
                                             (from.kind == TypeKind::Float32 ? "true" : "false") + ")");
    if (to.max_bytes) fail_if(body_.local("bool", out.value + ".size > " + std::to_string(to.max_bytes) + "u"));
    return out;
  }
  if (from.is_string()) {
    // Text to a value: parse; text that does not parse gives NULL.
    std::string slot = body_.fresh();
    if (to.kind == TypeKind::Bool) {
      body_.line("bool " + slot + " = false;");
      fail_if(body_.local("bool", "!vlac::rt::parse_bool(" + v.value + ".data, " + v.value + ".size, &" + slot + ")"));
      out.value = slot;
    } else if (to.is_float()) {
      body_.line("double " + slot + " = 0;");
      fail_if(body_.local("bool", "!vlac::rt::parse_double(" + v.value + ".data, " + v.value + ".size, &" + slot + ")"));
      out.value = to.kind == TypeKind::Float32 ? body_.local("float", "static_cast<float>(" + slot + ")") : slot;
    } else {
      body_.line("int64_t " + slot + " = 0;");
      std::string fn = to.kind == TypeKind::Timestamp ? "parse_timestamp" : "parse_int64";
      fail_if(body_.local("bool", "!vlac::rt::" + fn + "(" + v.value + ".data, " + v.value + ".size, &" + slot + ")"));
      if (to.kind == TypeKind::Int32) {
        CppValue narrow = body_.checked_call("int32_t", "vlac::rt::narrow_int32", slot);
        out.value = narrow.value;
        fail_if(narrow.null);
      } else {
        out.value = slot;
      }
    }
    return out;
  }
  if (from.kind == TypeKind::Bool) {
    out.value = body_.local(target, target + "(" + v.value + " ? 1 : 0)");
    return out;
  }
  if (to.kind == TypeKind::Bool) {
    out.value = body_.local("bool", v.value + " != 0");
    return out;
  }
  bool from_int = is_int_like(from), to_int = is_int_like(to);
  if (from_int && to_int) {
    bool from64 = from.kind != TypeKind::Int32, to64 = to.kind != TypeKind::Int32;
    if (from64 && !to64) {  // narrowing: a value that does not fit gives NULL
      CppValue narrow = body_.checked_call("int32_t", "vlac::rt::narrow_int32", v.value);
      out.value = narrow.value;
      fail_if(narrow.null);
    } else {
      out.value = body_.local(target, target + "(" + v.value + ")");
    }
    return out;
  }
  if ((from_int && to.is_float()) || (from.is_float() && to.is_float())) {
    out.value = body_.local(target, "static_cast<" + target + ">(" + v.value + ")");
    return out;
  }
  // Float to integer: truncates toward zero; NaN or out of range gives NULL.
  CppValue r = body_.checked_call(target, to.kind == TypeKind::Int32 ? "vlac::rt::float_to_int32" : "vlac::rt::float_to_int64",
                            "double(" + v.value + ")");
  out.value = r.value;
  fail_if(r.null);
  return out;
}

CppValue CppExpr::call(const ScalarExpr& e) {
  std::vector<CppValue> a;
  std::string null;  // NULL when any argument is; COALESCE decides for itself (and would leave it unused)
  const bool strict = e.function != ScalarFunction::Coalesce;
  for (const auto& arg : e.args) {
    a.push_back(emit(*arg));
    if (strict) null = either_null(null, a.back().null);
  }
  Type t = e.type.type;
  std::string type = cpp_type(t);
  auto fn1 = [&](const char* f) { return CppValue{body_.local(type, std::string(f) + "(" + a[0].value + ")"), null}; };
  switch (e.function) {
    case ScalarFunction::Abs: return fn1("vlac::rt::abs_of");  // runtime/scalar/arithmetic.h
    case ScalarFunction::Sign: return fn1("vlac::rt::sign_of");
    case ScalarFunction::Floor:
    case ScalarFunction::Ceil:
      if (!t.is_float()) return {a[0].value, null};
      return fn1(e.function == ScalarFunction::Floor ? "std::floor" : "std::ceil");
    case ScalarFunction::Round: {
      std::string digits = a.size() > 1 ? a[1].value : "0";
      if (t.is_float()) {
        bool f32 = t.kind == TypeKind::Float32;
        return {body_.local(type, "static_cast<" + type + ">(vlac::rt::round_decimal(double(" + a[0].value + "), " + digits + ", " +
                                      (f32 ? "true" : "false") + "))"),
                null};
      }
      return {body_.local(type, type + "(vlac::rt::round_integer(int64_t(" + a[0].value + "), " + digits + "))"), null};
    }
    // Outside the domain is NULL (runtime/scalar/math_functions.h).
    case ScalarFunction::Sqrt:
    case ScalarFunction::Ln:
    case ScalarFunction::Log10:
    case ScalarFunction::Power:
    case ScalarFunction::Asin:
    case ScalarFunction::Acos:
    case ScalarFunction::Sin:
    case ScalarFunction::Cos:
    case ScalarFunction::Tan: {
      const char* fn = e.function == ScalarFunction::Sqrt    ? "vlac::rt::sqrt_checked"
                       : e.function == ScalarFunction::Ln    ? "vlac::rt::ln_checked"
                       : e.function == ScalarFunction::Log10 ? "vlac::rt::log10_checked"
                       : e.function == ScalarFunction::Power ? "vlac::rt::power_checked"
                       : e.function == ScalarFunction::Asin  ? "vlac::rt::asin_checked"
                       : e.function == ScalarFunction::Acos  ? "vlac::rt::acos_checked"
                       : e.function == ScalarFunction::Sin   ? "vlac::rt::sin_checked"
                       : e.function == ScalarFunction::Cos   ? "vlac::rt::cos_checked"
                                                             : "vlac::rt::tan_checked";
      std::string args = a[0].value;
      if (e.function == ScalarFunction::Power) args += ", " + a[1].value;
      CppValue r = body_.checked_call(type, fn, args);
      return {r.value, either_null(null, r.null)};
    }
    case ScalarFunction::Exp: return fn1("std::exp");
    case ScalarFunction::Atan: return fn1("std::atan");
    case ScalarFunction::Atan2: return {body_.local(type, "std::atan2(" + a[0].value + ", " + a[1].value + ")"), null};
    case ScalarFunction::Least:
    case ScalarFunction::Greatest:
    case ScalarFunction::Clamp: {
      // NULL when any argument is; CLAMP(x, lo, hi) = LEAST(GREATEST(x, lo), hi). Floats in
      // MIN/MAX's order (NaN above every number), whatever the argument order.
      auto pick = [&](const CppValue& x, const CppValue& y, bool least) {
        std::string take_y = extreme_better(least, y, x, t);
        return CppValue{body_.local(type, "(" + take_y + ") ? " + y.value + " : " + x.value), ""};
      };
      CppValue acc = a[0];
      if (e.function == ScalarFunction::Clamp) acc = pick(pick(a[0], a[1], false), a[2], true);
      else
        for (size_t i = 1; i < a.size(); ++i) acc = pick(acc, a[i], e.function == ScalarFunction::Least);
      acc.null = null;
      return acc;
    }
    case ScalarFunction::Coalesce: {
      CppValue acc = a.back();
      for (size_t i = a.size() - 1; i-- > 0;) {
        if (a[i].null.empty()) {
          acc = a[i];
          continue;
        }
        CppValue r;
        r.value = body_.local(type, a[i].null + " ? " + type + "(" + acc.value + ") : " + type + "(" + a[i].value + ")");
        r.null = acc.null.empty() ? "" : body_.local("bool", a[i].null + " && " + acc.null);
        acc = r;
      }
      return acc;
    }
    case ScalarFunction::Length:
      return {body_.local("int32_t", "vlac::rt::utf8_length(" + a[0].value + ".data, " + a[0].value + ".size)"), null};
    case ScalarFunction::Lower:
    case ScalarFunction::Upper:
      return {body_.local(type, std::string("vlac::cg::") + (e.function == ScalarFunction::Upper ? "upper" : "lower") + "(" + ctx_ +
                                    ", " + a[0].value + ")"),
              null};
  }
  return {};
}

}  // namespace vlac::cpp
