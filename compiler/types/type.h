#pragma once
// vlac's SQL types (LANGUAGE.md §2) and the promotion rules between them.

#include <cstdint>
#include <optional>
#include <string>

namespace vlac {

enum class TypeKind : uint8_t {
  Null,  // the type of the literal NULL, before it meets a context
  Bool,
  Int32,
  Int64,
  Float32,
  Float64,
  Timestamp,
  Interval,
  String,
};

/// A value type. `max_bytes` bounds STRING(n); 0 means an unbounded STRING.
struct Type {
  TypeKind kind = TypeKind::Null;
  uint32_t max_bytes = 0;

  static Type null() { return {TypeKind::Null}; }
  static Type boolean() { return {TypeKind::Bool}; }
  static Type int32() { return {TypeKind::Int32}; }
  static Type int64() { return {TypeKind::Int64}; }
  static Type float32() { return {TypeKind::Float32}; }
  static Type float64() { return {TypeKind::Float64}; }
  static Type timestamp() { return {TypeKind::Timestamp}; }
  static Type interval() { return {TypeKind::Interval}; }
  static Type string(uint32_t max_bytes = 0) { return {TypeKind::String, max_bytes}; }

  bool is_integer() const { return kind == TypeKind::Int32 || kind == TypeKind::Int64; }
  bool is_float() const { return kind == TypeKind::Float32 || kind == TypeKind::Float64; }
  bool is_numeric() const { return is_integer() || is_float(); }
  bool is_string() const { return kind == TypeKind::String; }

  bool operator==(const Type& o) const { return kind == o.kind && max_bytes == o.max_bytes; }
  bool operator!=(const Type& o) const { return !(*this == o); }
};

/// A column's or expression's type together with whether it may be NULL.
struct ColumnType {
  Type type;
  bool nullable = true;

  bool operator==(const ColumnType& o) const { return type == o.type && nullable == o.nullable; }
};

/// The type's name as the language spells it: INT32, STRING(16), TIMESTAMP, ...
std::string type_name(Type t);
/// Parses a type name of the language (INT, BIGINT, REAL, ... are aliases); nullopt if unknown.
std::optional<TypeKind> type_kind_from_name(std::string_view name);

/// The common numeric type of two numeric types (§2): the wider of INT32 < INT64 < FLOAT32 <
/// FLOAT64, except INT64 with FLOAT32 gives FLOAT64.
Type promote_numeric(Type a, Type b);

/// The type both sides of a comparison, CASE branch, COALESCE or UNION column are brought to;
/// nullopt when the two types do not mix. NULL mixes with everything.
std::optional<Type> common_type(Type a, Type b);

}  // namespace vlac
