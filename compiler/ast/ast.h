#pragma once
// The syntax tree of a vlac program: what the user wrote, with a source range on every node.
// Built by compiler/parse/ from ANTLR's parse tree and independent of ANTLR's types. It carries
// no meaning yet: names are unresolved and nothing is typed (that is the binder's job).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diag/source_file.h"
#include "types/type.h"

namespace vlac::ast {

struct Identifier {
  std::string name;
  SourceRange range;
};

/// A type as written, e.g. `STRING(16)` or `BIGINT`.
struct TypeSpec {
  Type type;
  SourceRange range;
};

// ---- expressions ------------------------------------------------------------------------------

enum class ExprKind {
  Literal, Column, Unary, Binary, Between, InList, Like, IsNull, Case, Cast, Call, Substring
};

struct Expr {
  const ExprKind kind;
  SourceRange range;
  virtual ~Expr() = default;

 protected:
  explicit Expr(ExprKind k) : kind(k) {}
};
using ExprPtr = std::unique_ptr<Expr>;

enum class LiteralKind { Null, Bool, Integer, Decimal, String, Timestamp, Interval };

struct LiteralExpr : Expr {
  LiteralExpr() : Expr(ExprKind::Literal) {}
  LiteralKind literal = LiteralKind::Null;
  bool bool_value = false;
  std::string text;          // Integer/Decimal digits, String value (unescaped), Timestamp text
  int64_t interval_ns = 0;   // Interval: the duration, already in nanoseconds
};

struct ColumnExpr : Expr {
  ColumnExpr() : Expr(ExprKind::Column) {}
  std::optional<Identifier> qualifier;  // the `c` of `c.ts`
  Identifier name;
};

enum class UnaryOp { Negate, Plus, Not };

struct UnaryExpr : Expr {
  UnaryExpr() : Expr(ExprKind::Unary) {}
  UnaryOp op = UnaryOp::Negate;
  ExprPtr operand;
};

enum class BinaryOp { Add, Sub, Mul, Div, Mod, Concat, Eq, Ne, Lt, Le, Gt, Ge, And, Or };

struct BinaryExpr : Expr {
  BinaryExpr() : Expr(ExprKind::Binary) {}
  BinaryOp op = BinaryOp::Add;
  SourceRange op_range;
  ExprPtr left, right;
};

struct BetweenExpr : Expr {
  BetweenExpr() : Expr(ExprKind::Between) {}
  bool negated = false;
  ExprPtr value, lower, upper;
};

struct InListExpr : Expr {
  InListExpr() : Expr(ExprKind::InList) {}
  bool negated = false;
  ExprPtr value;
  std::vector<ExprPtr> list;
};

struct LikeExpr : Expr {
  LikeExpr() : Expr(ExprKind::Like) {}
  bool negated = false;
  ExprPtr value, pattern;
};

struct IsNullExpr : Expr {
  IsNullExpr() : Expr(ExprKind::IsNull) {}
  bool negated = false;  // IS NOT NULL
  ExprPtr value;
};

struct WhenClause {
  ExprPtr condition, result;
};

struct CaseExpr : Expr {
  CaseExpr() : Expr(ExprKind::Case) {}
  ExprPtr operand;  // CASE x WHEN ... (null for the searched form)
  std::vector<WhenClause> whens;
  ExprPtr else_result;  // may be null
};

struct CastExpr : Expr {
  CastExpr() : Expr(ExprKind::Cast) {}
  ExprPtr operand;
  TypeSpec target;
};

enum class FrameKind { Rows, Range };

/// `ROWS|RANGE BETWEEN <start> PRECEDING AND CURRENT ROW`.
struct Frame {
  FrameKind kind = FrameKind::Rows;
  bool unbounded = false;
  ExprPtr preceding;  // null when unbounded
  SourceRange range;
};

struct OverClause {
  std::vector<ExprPtr> partition_by;
  ExprPtr order_by;
  std::optional<Frame> frame;
  SourceRange range;
};

struct CallExpr : Expr {
  CallExpr() : Expr(ExprKind::Call) {}
  Identifier function;
  bool star = false;  // COUNT(*)
  std::vector<ExprPtr> args;
  std::unique_ptr<OverClause> over;
};

struct SubstringExpr : Expr {
  SubstringExpr() : Expr(ExprKind::Substring) {}
  ExprPtr value, from, length;  // length may be null
};

// ---- queries ----------------------------------------------------------------------------------

struct Query;
using QueryPtr = std::unique_ptr<Query>;

enum class WindowKind { Tumble, Hop, Session, Cumulate };

struct Relation;
using RelationPtr = std::unique_ptr<Relation>;

/// `TUMBLE(camera, ts, INTERVAL '1' SECOND)` and its siblings.
struct WindowCall {
  WindowKind kind = WindowKind::Tumble;
  Identifier function;
  RelationPtr input;  // a Stream or Subquery relation
  Identifier time_column;
  std::vector<ExprPtr> args;  // sizes, slides, gaps, offsets, as written
};

enum class RelationKind { Stream, Window, Subquery };

struct Relation {
  RelationKind kind = RelationKind::Stream;
  Identifier stream;                  // Stream
  std::unique_ptr<WindowCall> window; // Window
  QueryPtr subquery;                  // Subquery
  std::optional<Identifier> alias;
  SourceRange range;
};

enum class JoinKind { Inner, Left, Asof, LeftAsof };

struct Join {
  JoinKind kind = JoinKind::Inner;
  RelationPtr right;
  ExprPtr condition;
  SourceRange range;  // from the join keyword to the end of the condition
};

enum class SelectItemKind { Star, QualifiedStar, Expr };

struct SelectItem {
  SelectItemKind kind = SelectItemKind::Expr;
  Identifier qualifier;  // QualifiedStar
  ExprPtr expr;          // Expr
  std::optional<Identifier> alias;
  SourceRange range;
};

struct Select {
  std::vector<SelectItem> items;
  RelationPtr from;
  std::vector<Join> joins;
  ExprPtr where;  // may be null
  std::vector<ExprPtr> group_by;
  SourceRange group_by_range;
  ExprPtr having;  // may be null
  SourceRange range;
};

/// One SELECT, or several joined by UNION ALL (nested unions are flattened).
struct Query {
  std::vector<std::unique_ptr<Select>> selects;
  SourceRange range;
};

// ---- statements -------------------------------------------------------------------------------

struct ColumnDef {
  Identifier name;
  TypeSpec type;
  bool not_null = false;
  SourceRange range;
};

/// `WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND`: the expression is checked by the binder.
struct WatermarkDef {
  Identifier column;
  ExprPtr expr;
  SourceRange range;
};

enum class OptionValueKind { Integer, Decimal, String, Duration, Identifier };

struct WithOption {
  Identifier name;
  OptionValueKind value_kind = OptionValueKind::Integer;
  std::string text;        // as written (unescaped for strings)
  int64_t duration_ns = 0; // Duration
  SourceRange value_range;
  SourceRange range;
};

enum class StatementKind { CreateSource, CreateDerived, Query };

struct Statement {
  StatementKind kind = StatementKind::Query;
  Identifier name;                     // CreateSource, CreateDerived
  std::vector<ColumnDef> columns;      // CreateSource
  std::vector<WatermarkDef> watermarks;// CreateSource (more than one is a binder error)
  std::vector<WithOption> options;
  QueryPtr query;                      // CreateDerived, Query
  SourceRange range;
};

struct Program {
  std::vector<Statement> statements;
  /// Streams whose CREATE STREAM had a syntax error (already reported).
  std::vector<std::string> broken_streams;
};

}  // namespace vlac::ast
