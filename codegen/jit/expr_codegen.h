#pragma once
// Generates LLVM IR for bound scalar expressions over a row of a known layout. A value is a
// register (strings: data pointer and length) plus a NULL flag that exists only when the value
// can be NULL, so NOT NULL columns and expressions carry no null checks at all.

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "codegen/jit/runtime_functions.h"
#include "codegen/jit/value_rules.h"
#include "plan/scalar_expr.h"
#include "runtime/row_layout.h"

namespace vlac::jit {

struct CgValue {
  llvm::Value* value = nullptr;  // i1, i32, i64, float, double, or ptr for strings
  llvm::Value* length = nullptr; // i32, strings only
  llvm::Value* null = nullptr;   // i1; nullptr: never NULL
};

/// IR helpers shared by the expression and kernel generators.
class IrContext {
 public:
  IrContext(llvm::Module& module, llvm::IRBuilder<>& builder, ValueRules& rules) : module_(module), b_(builder), rules_(rules) {}

  llvm::Module& module() { return module_; }
  llvm::IRBuilder<>& b() { return b_; }
  llvm::LLVMContext& ctx() { return module_.getContext(); }

  llvm::Type* type_of(rt::FieldType t);
  llvm::Type* type_of(Type t) ;
  llvm::FunctionCallee runtime(RuntimeFn f);
  llvm::FunctionCallee libm(const char* name, int args);
  /// Calls the value rule `name` (runtime/scalar/ as bitcode, codegen/jit/value_rules.h).
  llvm::Value* rule(const char* name, llvm::ArrayRef<llvm::Value*> args);
  /// Calls a rule whose last parameter is its bool* NULL flag: the result and that flag.
  CgValue rule_or_null(const char* name, llvm::ArrayRef<llvm::Value*> args);
  /// "vlac_rule_" + base + a suffix of type t (_i32, _i64, _f32, _f64).
  std::string rule_name(const char* base, llvm::Type* t);
  /// A stack slot in the current function's entry block (O2 keeps it in registers).
  llvm::Value* entry_alloca(llvm::Type* t);

  /// Loads field `f` of `row` (NULL flag only for nullable fields).
  CgValue load(llvm::Value* row, const rt::Field& f);
  /// Stores `v` into field `f` of `row`: a NULL stores a zero value and sets the bit.
  void store(llvm::Value* row, const rt::Field& f, const CgValue& v);

  /// a || b for NULL flags, where nullptr means "never NULL".
  llvm::Value* either_null(llvm::Value* a, llvm::Value* b);
  llvm::Value* zero_of(llvm::Type* t);

 private:
  llvm::Module& module_;
  llvm::IRBuilder<>& b_;
  ValueRules& rules_;
};

class ExprCodegen {
 public:
  /// `ctx` is the generated function's ExecContext argument; `row` a row of `layout`.
  ExprCodegen(IrContext& ir, llvm::Value* ctx, llvm::Value* row, const rt::RowLayout& layout)
      : ir_(ir), b_(ir.b()), ctx_(ctx), row_(row), layout_(layout) {}

  CgValue emit(const ScalarExpr& e);
  /// `e` as a condition: true only when not NULL and true.
  llvm::Value* emit_condition(const ScalarExpr& e);

  /// Converts a value between types of the language (the binder's CAST rules).
  CgValue cast(const CgValue& v, Type from, Type to);
  /// Three-way comparison of two values of one type, as i32 (<0, 0, >0). Floats: NaN is
  /// unordered, so callers use ordered predicates instead; see compare().
  llvm::Value* compare(ExprOp op, const CgValue& a, const CgValue& b, Type t);
  /// Whether MIN (`min`) or MAX prefers `a` to `cur`, strictly: floats order NaN above every
  /// number (docs/decisions.md), as the OVER frames of runtime/ops/over_frame.h do.
  llvm::Value* extreme_better(bool min, const CgValue& a, const CgValue& cur, Type t);

 private:
  CgValue arithmetic(const ScalarExpr& e);
  CgValue logical(const ScalarExpr& e);
  CgValue case_when(const ScalarExpr& e);
  CgValue in_list(const ScalarExpr& e);
  CgValue call(const ScalarExpr& e);
  /// A rule over `args` that reports NULL in a flag, NULL also when `null` (its arguments) is.
  CgValue checked_call(const char* rule, const std::vector<CgValue>& args, llvm::Value* null);
  CgValue string_result(llvm::Value* data, llvm::Value* length, llvm::Value* null);
  llvm::Value* is_true(const CgValue& v);

  IrContext& ir_;
  llvm::IRBuilder<>& b_;
  llvm::Value* ctx_;
  llvm::Value* row_;
  const rt::RowLayout& layout_;
};

}  // namespace vlac::jit
