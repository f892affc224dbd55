#include "types/type.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace vlac {

std::string type_name(Type t) {
  switch (t.kind) {
    case TypeKind::Null: return "NULL";
    case TypeKind::Bool: return "BOOL";
    case TypeKind::Int32: return "INT32";
    case TypeKind::Int64: return "INT64";
    case TypeKind::Float32: return "FLOAT32";
    case TypeKind::Float64: return "FLOAT64";
    case TypeKind::Timestamp: return "TIMESTAMP";
    case TypeKind::Interval: return "INTERVAL";
    case TypeKind::String:
      return t.max_bytes ? "STRING(" + std::to_string(t.max_bytes) + ")" : "STRING";
  }
  return "?";
}

std::optional<TypeKind> type_kind_from_name(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  static constexpr std::pair<std::string_view, TypeKind> kNames[] = {
      {"BOOL", TypeKind::Bool},         {"BOOLEAN", TypeKind::Bool},
      {"INT32", TypeKind::Int32},       {"INT", TypeKind::Int32},
      {"INTEGER", TypeKind::Int32},     {"INT64", TypeKind::Int64},
      {"BIGINT", TypeKind::Int64},      {"FLOAT32", TypeKind::Float32},
      {"REAL", TypeKind::Float32},      {"FLOAT", TypeKind::Float32},
      {"FLOAT64", TypeKind::Float64},   {"DOUBLE", TypeKind::Float64},
      {"TIMESTAMP", TypeKind::Timestamp}, {"INTERVAL", TypeKind::Interval},
      {"STRING", TypeKind::String},     {"VARCHAR", TypeKind::String},
  };
  for (auto [n, k] : kNames)
    if (n == upper) return k;
  return std::nullopt;
}

namespace {
int numeric_rank(TypeKind k) {
  switch (k) {
    case TypeKind::Int32: return 0;
    case TypeKind::Int64: return 1;
    case TypeKind::Float32: return 2;
    case TypeKind::Float64: return 3;
    default: return -1;
  }
}
}  // namespace

Type promote_numeric(Type a, Type b) {
  if ((a.kind == TypeKind::Int64 && b.kind == TypeKind::Float32) ||
      (a.kind == TypeKind::Float32 && b.kind == TypeKind::Int64))
    return Type::float64();
  return numeric_rank(a.kind) >= numeric_rank(b.kind) ? a : b;
}

std::optional<Type> common_type(Type a, Type b) {
  if (a.kind == TypeKind::Null) return b;
  if (b.kind == TypeKind::Null) return a;
  if (a.is_numeric() && b.is_numeric()) return promote_numeric(a, b);
  if (a.is_string() && b.is_string()) {
    // Bounded strings widen to the larger bound; an unbounded one absorbs both.
    if (a.max_bytes == 0 || b.max_bytes == 0) return Type::string();
    return Type::string(std::max(a.max_bytes, b.max_bytes));
  }
  if (a.kind == b.kind) return a;
  return std::nullopt;
}

}  // namespace vlac
