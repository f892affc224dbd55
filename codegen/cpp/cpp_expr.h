#pragma once
// Generates C++ statements for bound scalar expressions over a row of a known layout: the C++
// backend's counterpart of codegen/jit/expr_codegen. A value is a C++ expression (usually a
// local's name) plus a NULL flag that exists only when the value can be NULL, so NOT NULL
// columns and expressions carry no null checks at all. The semantics (wrapping integers, NULL
// on division by zero, three-valued logic, casts) are those of LANGUAGE.md §2, operation for
// operation the same as the LLVM backend's, so both backends agree row for row.

#include <string>

#include "plan/scalar_expr.h"
#include "runtime/row_layout.h"

namespace vlac::cpp {

/// How rows hold strings: a StringRef to bytes elsewhere (hosts), or inline STRING(n) buffers
/// (firmware).
enum class StringStorage { Ref, Inline };

struct CppValue {
  std::string value;   // for strings: a vlac::cg::Str
  std::string null;    // a bool expression; empty: never NULL
};

/// The body of one generated function, with fresh local names.
class CppBody {
 public:
  explicit CppBody(std::string indent = "  ") : indent_(std::move(indent)) {}
  /// Declares `const type name = init;` and returns the name.
  std::string local(const std::string& type, const std::string& init);
  /// The same for a value that may go unused (a column loaded only for its NULL flag).
  std::string maybe_unused_local(const std::string& type, const std::string& init);
  /// `fn(args, &flag)`: a runtime value rule (runtime/scalar/) that reports NULL in a flag; the
  /// result and the flag.
  CppValue checked_call(const std::string& type, const std::string& fn, const std::string& args);
  /// A fresh name for a mutable local the caller declares.
  std::string fresh() {
    std::string n = std::to_string(next_++);
    return n.insert(0, 1, 'v');  // not "v" + ...: GCC 12 warns falsely (-Wrestrict) on that
  }
  void line(const std::string& text) { text_ += indent_ + text + "\n"; }
  void open(const std::string& head) { line(head + " {"); indent_ += "  "; }
  void close() { indent_.resize(indent_.size() - 2); line("}"); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string indent_;
  int next_ = 0;
};

/// The C++ type of a value of language type `t`.
std::string cpp_type(Type t);
std::string cpp_type(rt::FieldType t);
/// A C++ literal for a string (escaped).
std::string cpp_string_literal(const std::string& s);

/// Loads and stores of row fields, shared by the expression and kernel writers.
class RowAccess {
 public:
  explicit RowAccess(StringStorage strings) : strings_(strings) {}
  CppValue load(CppBody& body, const std::string& row, const rt::Field& f) const;
  /// Stores `v` into field `f` of `row`: a NULL stores a zero value and sets the bit.
  void store(CppBody& body, const std::string& row, const rt::Field& f, const CppValue& v) const;
  /// The zero value of a field type (what a NULL stores).
  static std::string zero(rt::FieldType t);
  StringStorage strings() const { return strings_; }

 private:
  StringStorage strings_;
};

class CppExpr {
 public:
  /// `ctx` names the generated function's context argument; `row` a row of `layout`.
  CppExpr(CppBody& body, const RowAccess& rows, std::string ctx, std::string row, const rt::RowLayout& layout)
      : body_(body), rows_(rows), ctx_(std::move(ctx)), row_(std::move(row)), layout_(layout) {}

  CppValue emit(const ScalarExpr& e);
  /// `e` as a condition: true only when not NULL and true.
  std::string emit_condition(const ScalarExpr& e);
  /// `op` (Eq .. Ge) of two non-NULL values of one type, as a bool expression. Floats compare
  /// ordered (false with NaN) except `<>`, which is true with NaN, as in the LLVM backend.
  std::string compare(ExprOp op, const CppValue& a, const CppValue& b, Type t);
  /// Whether MIN (`min`) or MAX prefers `a` to `cur`, strictly: floats order NaN above every
  /// number (docs/decisions.md), as the OVER frames of runtime/ops/over_frame.h do.
  std::string extreme_better(bool min, const CppValue& a, const CppValue& cur, Type t);
  CppValue cast(const CppValue& v, Type from, Type to);
  /// a || b for NULL flags, where "" means never NULL.
  std::string either_null(const std::string& a, const std::string& b);

 private:
  CppValue arithmetic(const ScalarExpr& e);
  CppValue logical(const ScalarExpr& e);
  CppValue case_when(const ScalarExpr& e);
  CppValue in_list(const ScalarExpr& e);
  CppValue call(const ScalarExpr& e);
  CppValue literal(const ScalarExpr& e);
  std::string is_true(const CppValue& v);

  CppBody& body_;
  const RowAccess& rows_;
  std::string ctx_;
  std::string row_;
  const rt::RowLayout& layout_;
};

}  // namespace vlac::cpp
