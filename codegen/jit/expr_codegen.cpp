#include "codegen/jit/expr_codegen.h"

#include <llvm/IR/Intrinsics.h>

namespace vlac::jit {

using llvm::Value;

// ---- IrContext ----------------------------------------------------------------------------------

llvm::Type* IrContext::type_of(rt::FieldType t) {
  switch (t) {
    case rt::FieldType::Bool: return b_.getInt1Ty();
    case rt::FieldType::Int32: return b_.getInt32Ty();
    case rt::FieldType::Int64:
    case rt::FieldType::Timestamp:
    case rt::FieldType::Interval: return b_.getInt64Ty();
    case rt::FieldType::Float32: return b_.getFloatTy();
    case rt::FieldType::Float64: return b_.getDoubleTy();
    case rt::FieldType::String: return b_.getPtrTy();
  }
  return b_.getInt64Ty();
}

llvm::Type* IrContext::type_of(Type t) {
  switch (t.kind) {
    case TypeKind::Null: return b_.getInt32Ty();
    case TypeKind::Bool: return b_.getInt1Ty();
    case TypeKind::Int32: return b_.getInt32Ty();
    case TypeKind::Int64:
    case TypeKind::Timestamp:
    case TypeKind::Interval: return b_.getInt64Ty();
    case TypeKind::Float32: return b_.getFloatTy();
    case TypeKind::Float64: return b_.getDoubleTy();
    case TypeKind::String: return b_.getPtrTy();
  }
  return b_.getInt64Ty();
}

llvm::FunctionCallee IrContext::runtime(RuntimeFn f) {
  const RuntimeFnInfo& info = runtime_fn(f);
  auto type_for = [&](char c) -> llvm::Type* {
    switch (c) {
      case 'v': return b_.getVoidTy();
      case 'p': return b_.getPtrTy();
      case 'i': return b_.getInt32Ty();
      case 'l': return b_.getInt64Ty();
      case 'd': return b_.getDoubleTy();
    }
    return b_.getVoidTy();
  };
  std::vector<llvm::Type*> args;
  for (const char* p = info.signature + 1; *p; ++p) args.push_back(type_for(*p));
  auto* ft = llvm::FunctionType::get(type_for(info.signature[0]), args, false);
  return module_.getOrInsertFunction(info.name, ft);
}

llvm::FunctionCallee IrContext::libm(const char* name, int args) {
  std::vector<llvm::Type*> params(args, b_.getDoubleTy());
  return module_.getOrInsertFunction(name, llvm::FunctionType::get(b_.getDoubleTy(), params, false));
}

std::string IrContext::rule_name(const char* base, llvm::Type* t) {
  const char* suffix = t->isFloatTy() ? "_f32" : t->isDoubleTy() ? "_f64" : t->isIntegerTy(32) ? "_i32" : "_i64";
  return std::string("vlac_rule_") + base + suffix;
}

Value* IrContext::rule(const char* name, llvm::ArrayRef<Value*> args) { return b_.CreateCall(rules_.declare(module_, name), args); }

CgValue IrContext::rule_or_null(const char* name, llvm::ArrayRef<Value*> args) {
  Value* flag = entry_alloca(b_.getInt8Ty());
  std::vector<Value*> all(args.begin(), args.end());
  all.push_back(flag);
  CgValue v;
  v.value = rule(name, all);
  v.null = b_.CreateICmpNE(b_.CreateLoad(b_.getInt8Ty(), flag), b_.getInt8(0));
  return v;
}

Value* IrContext::entry_alloca(llvm::Type* t) {
  llvm::IRBuilderBase::InsertPointGuard guard(b_);
  llvm::BasicBlock& entry = b_.GetInsertBlock()->getParent()->getEntryBlock();
  b_.SetInsertPoint(&entry, entry.begin());
  return b_.CreateAlloca(t);
}

CgValue IrContext::load(Value* row, const rt::Field& f) {
  CgValue v;
  Value* at = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, f.offset);
  if (f.type == rt::FieldType::Bool) {
    v.value = b_.CreateTrunc(b_.CreateLoad(b_.getInt8Ty(), at), b_.getInt1Ty());
  } else if (f.type == rt::FieldType::String) {
    v.value = b_.CreateLoad(b_.getPtrTy(), at);
    v.length = b_.CreateLoad(b_.getInt32Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, f.offset + 8));
  } else {
    v.value = b_.CreateLoad(type_of(f.type), at);
  }
  if (f.nullable) {
    Value* byte = b_.CreateLoad(b_.getInt8Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, f.null_bit >> 3));
    v.null = b_.CreateICmpNE(b_.CreateAnd(byte, b_.getInt8(static_cast<uint8_t>(1u << (f.null_bit & 7)))), b_.getInt8(0));
  }
  return v;
}

Value* IrContext::zero_of(llvm::Type* t) { return llvm::Constant::getNullValue(t); }

void IrContext::store(Value* row, const rt::Field& f, const CgValue& v) {
  Value* at = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, f.offset);
  Value* value = v.value;
  if (v.null) value = b_.CreateSelect(v.null, zero_of(value->getType()), value);
  if (f.type == rt::FieldType::Bool) {
    b_.CreateStore(b_.CreateZExt(value, b_.getInt8Ty()), at);
  } else if (f.type == rt::FieldType::String) {
    b_.CreateStore(value, at);
    Value* len = v.null ? b_.CreateSelect(v.null, b_.getInt32(0), v.length) : v.length;
    b_.CreateStore(len, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, f.offset + 8));
  } else {
    b_.CreateStore(value, at);
  }
  if (f.nullable) {
    Value* byte_at = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, f.null_bit >> 3);
    Value* byte = b_.CreateLoad(b_.getInt8Ty(), byte_at);
    uint8_t mask = static_cast<uint8_t>(1u << (f.null_bit & 7));
    Value* is_null = v.null ? v.null : b_.getFalse();
    Value* set = b_.CreateOr(byte, b_.getInt8(mask));
    Value* cleared = b_.CreateAnd(byte, b_.getInt8(static_cast<uint8_t>(~mask)));
    b_.CreateStore(b_.CreateSelect(is_null, set, cleared), byte_at);
  }
}

Value* IrContext::either_null(Value* a, Value* b) {
  if (!a) return b;
  if (!b) return a;
  return b_.CreateOr(a, b);
}

// ---- expressions ------------------------------------------------------------------------------

Value* ExprCodegen::is_true(const CgValue& v) {
  return v.null ? b_.CreateAnd(b_.CreateNot(v.null), v.value) : v.value;
}

Value* ExprCodegen::emit_condition(const ScalarExpr& e) { return is_true(emit(e)); }

CgValue ExprCodegen::string_result(Value* data, Value* length, Value* null) {
  CgValue v;
  v.value = data;
  v.length = length;
  v.null = null;
  return v;
}

CgValue ExprCodegen::emit(const ScalarExpr& e) {
  switch (e.op) {
    case ExprOp::Literal: {
      CgValue v;
      llvm::Type* t = ir_.type_of(e.type.type);
      if (e.value.is_null) {
        v.value = ir_.zero_of(t);
        if (e.type.type.is_string()) v.length = b_.getInt32(0);
        v.null = b_.getTrue();
        return v;
      }
      switch (e.type.type.kind) {
        case TypeKind::Bool: v.value = b_.getInt1(e.value.b); break;
        case TypeKind::Int32: v.value = b_.getInt32(static_cast<uint32_t>(e.value.i)); break;
        case TypeKind::Int64:
        case TypeKind::Timestamp:
        case TypeKind::Interval: v.value = b_.getInt64(static_cast<uint64_t>(e.value.i)); break;
        case TypeKind::Float32: v.value = llvm::ConstantFP::get(b_.getFloatTy(), static_cast<float>(e.value.f)); break;
        case TypeKind::Float64: v.value = llvm::ConstantFP::get(b_.getDoubleTy(), e.value.f); break;
        case TypeKind::String:
          v.value = b_.CreateGlobalString(e.value.s, "str", 0, &ir_.module());
          v.length = b_.getInt32(static_cast<uint32_t>(e.value.s.size()));
          break;
        case TypeKind::Null: v.value = b_.getInt32(0); v.null = b_.getTrue(); break;
      }
      return v;
    }
    case ExprOp::Column: return ir_.load(row_, layout_.fields[e.column]);
    case ExprOp::Neg: {
      CgValue a = emit(*e.args[0]);
      a.value = e.type.type.is_float() ? b_.CreateFNeg(a.value) : b_.CreateSub(ir_.zero_of(a.value->getType()), a.value);
      return a;
    }
    case ExprOp::Not: {
      CgValue a = emit(*e.args[0]);
      a.value = b_.CreateNot(a.value);
      return a;
    }
    case ExprOp::Add: case ExprOp::Sub: case ExprOp::Mul: case ExprOp::Div: case ExprOp::Mod:
      return arithmetic(e);
    case ExprOp::Concat: {
      CgValue a = emit(*e.args[0]), c = emit(*e.args[1]);
      Value* data = b_.CreateCall(ir_.runtime(RuntimeFn::Concat), {ctx_, a.value, a.length, c.value, c.length});
      return string_result(data, b_.CreateAdd(a.length, c.length), ir_.either_null(a.null, c.null));
    }
    case ExprOp::Eq: case ExprOp::Ne: case ExprOp::Lt: case ExprOp::Le: case ExprOp::Gt: case ExprOp::Ge: {
      CgValue a = emit(*e.args[0]), c = emit(*e.args[1]);
      CgValue v;
      v.value = compare(e.op, a, c, e.args[0]->type.type);
      v.null = ir_.either_null(a.null, c.null);
      return v;
    }
    case ExprOp::And: case ExprOp::Or: return logical(e);
    case ExprOp::IsNull:
    case ExprOp::IsNotNull: {
      CgValue a = emit(*e.args[0]);
      CgValue v;
      Value* null = a.null ? a.null : b_.getFalse();
      v.value = e.op == ExprOp::IsNull ? null : b_.CreateNot(null);
      return v;
    }
    case ExprOp::Cast: {
      CgValue a = emit(*e.args[0]);
      return cast(a, e.args[0]->type.type, e.type.type);
    }
    case ExprOp::Case: return case_when(e);
    case ExprOp::InList: return in_list(e);
    case ExprOp::Like: {
      CgValue a = emit(*e.args[0]), p = emit(*e.args[1]);
      CgValue v;
      v.value = b_.CreateICmpNE(b_.CreateCall(ir_.runtime(RuntimeFn::Like), {a.value, a.length, p.value, p.length}), b_.getInt32(0));
      v.null = ir_.either_null(a.null, p.null);
      return v;
    }
    case ExprOp::Substring: {
      CgValue s = emit(*e.args[0]), from = emit(*e.args[1]);
      CgValue count = e.args.size() > 2 ? emit(*e.args[2]) : CgValue{b_.getInt64(0), nullptr, nullptr};
      Value* out = b_.CreateAlloca(b_.getPtrTy());
      Value* out_len = b_.CreateAlloca(b_.getInt32Ty());
      Value* ok = b_.CreateCall(ir_.runtime(RuntimeFn::Substring),
                                {s.value, s.length, from.value, count.value, b_.getInt32(e.args.size() > 2), out, out_len});
      Value* null = ir_.either_null(ir_.either_null(s.null, from.null), count.null);
      null = ir_.either_null(null, b_.CreateICmpEQ(ok, b_.getInt32(0)));
      return string_result(b_.CreateLoad(b_.getPtrTy(), out), b_.CreateLoad(b_.getInt32Ty(), out_len), null);
    }
    case ExprOp::Call: return call(e);
  }
  return {};
}

CgValue ExprCodegen::arithmetic(const ScalarExpr& e) {
  CgValue a = emit(*e.args[0]), c = emit(*e.args[1]);
  CgValue v;
  v.null = ir_.either_null(a.null, c.null);
  bool is_float = e.type.type.is_float();
  // INTERVAL * integer and friends: integers are widened to 64 bits.
  auto as_i64 = [&](Value* x) { return x->getType()->isIntegerTy(64) ? x : b_.CreateSExt(x, b_.getInt64Ty()); };
  Value* x = a.value;
  Value* y = c.value;
  if (!is_float && (e.type.type.kind == TypeKind::Interval || e.type.type.kind == TypeKind::Timestamp)) {
    x = as_i64(x);
    y = as_i64(y);
  }
  switch (e.op) {
    case ExprOp::Add: v.value = is_float ? b_.CreateFAdd(x, y) : b_.CreateAdd(x, y); break;  // wraps
    case ExprOp::Sub: v.value = is_float ? b_.CreateFSub(x, y) : b_.CreateSub(x, y); break;
    case ExprOp::Mul: v.value = is_float ? b_.CreateFMul(x, y) : b_.CreateMul(x, y); break;
    case ExprOp::Div:
    case ExprOp::Mod: {
      // vlac::rt::checked_div / checked_mod (runtime/scalar/arithmetic.h): by zero is NULL.
      CgValue r = ir_.rule_or_null(ir_.rule_name(e.op == ExprOp::Div ? "div" : "mod", x->getType()).c_str(), {x, y});
      v.value = r.value;
      v.null = ir_.either_null(v.null, r.null);
      break;
    }
    default: break;
  }
  return v;
}

CgValue ExprCodegen::logical(const ScalarExpr& e) {
  CgValue a = emit(*e.args[0]), c = emit(*e.args[1]);
  bool is_and = e.op == ExprOp::And;
  CgValue v;
  if (!a.null && !c.null) {
    v.value = is_and ? b_.CreateAnd(a.value, c.value) : b_.CreateOr(a.value, c.value);
    return v;
  }
  // Three-valued logic: a known FALSE decides AND, a known TRUE decides OR; otherwise NULL wins.
  auto known = [&](const CgValue& x, bool value) {
    Value* is = value ? x.value : b_.CreateNot(x.value);
    return x.null ? b_.CreateAnd(b_.CreateNot(x.null), is) : is;
  };
  Value* decided = b_.CreateOr(known(a, !is_and), known(c, !is_and));
  Value* any_null = ir_.either_null(a.null, c.null);
  v.null = b_.CreateAnd(b_.CreateNot(decided), any_null);
  v.value = is_and ? b_.CreateNot(decided) : decided;
  return v;
}

llvm::Value* ExprCodegen::compare(ExprOp op, const CgValue& a, const CgValue& c, Type t) {
  using P = llvm::CmpInst::Predicate;
  if (t.is_string()) {
    Value* cmp = b_.CreateCall(ir_.runtime(RuntimeFn::StringCompare), {a.value, a.length, c.value, c.length});
    Value* zero = b_.getInt32(0);
    switch (op) {
      case ExprOp::Eq: return b_.CreateICmpEQ(cmp, zero);
      case ExprOp::Ne: return b_.CreateICmpNE(cmp, zero);
      case ExprOp::Lt: return b_.CreateICmpSLT(cmp, zero);
      case ExprOp::Le: return b_.CreateICmpSLE(cmp, zero);
      case ExprOp::Gt: return b_.CreateICmpSGT(cmp, zero);
      default: return b_.CreateICmpSGE(cmp, zero);
    }
  }
  if (t.is_float()) {
    P p = op == ExprOp::Eq ? P::FCMP_OEQ : op == ExprOp::Ne ? P::FCMP_UNE : op == ExprOp::Lt ? P::FCMP_OLT
        : op == ExprOp::Le ? P::FCMP_OLE : op == ExprOp::Gt ? P::FCMP_OGT : P::FCMP_OGE;
    return b_.CreateFCmp(p, a.value, c.value);
  }
  bool is_bool = t.kind == TypeKind::Bool;  // FALSE < TRUE
  P p = op == ExprOp::Eq ? P::ICMP_EQ : op == ExprOp::Ne ? P::ICMP_NE
      : op == ExprOp::Lt ? (is_bool ? P::ICMP_ULT : P::ICMP_SLT) : op == ExprOp::Le ? (is_bool ? P::ICMP_ULE : P::ICMP_SLE)
      : op == ExprOp::Gt ? (is_bool ? P::ICMP_UGT : P::ICMP_SGT) : (is_bool ? P::ICMP_UGE : P::ICMP_SGE);
  return b_.CreateICmp(p, a.value, c.value);
}

llvm::Value* ExprCodegen::extreme_better(bool min, const CgValue& a, const CgValue& cur, Type t) {
  if (!t.is_float()) return compare(min ? ExprOp::Lt : ExprOp::Gt, a, cur, t);
  // vlac::rt::less_ranked / greater_ranked (runtime/scalar/arithmetic.h): NaN above every number.
  return ir_.rule(ir_.rule_name(min ? "less_ranked" : "greater_ranked", a.value->getType()).c_str(), {a.value, cur.value});
}

CgValue ExprCodegen::case_when(const ScalarExpr& e) {
  // Branch-free: every branch is evaluated (expressions have no side effects and never trap),
  // then selected from the last WHEN to the first.
  size_t n = e.args.size();
  bool has_else = n % 2 == 1;
  CgValue result;
  llvm::Type* t = ir_.type_of(e.type.type);
  if (has_else) {
    result = emit(*e.args[n - 1]);
  } else {
    result.value = ir_.zero_of(t);
    if (e.type.type.is_string()) result.length = b_.getInt32(0);
    result.null = b_.getTrue();
  }
  for (size_t i = (has_else ? n - 1 : n); i >= 2; i -= 2) {
    Value* cond = emit_condition(*e.args[i - 2]);
    CgValue r = emit(*e.args[i - 1]);
    CgValue out;
    out.value = b_.CreateSelect(cond, r.value, result.value);
    if (r.length) out.length = b_.CreateSelect(cond, r.length, result.length);
    if (r.null || result.null)
      out.null = b_.CreateSelect(cond, r.null ? r.null : b_.getFalse(), result.null ? result.null : b_.getFalse());
    result = out;
  }
  return result;
}

CgValue ExprCodegen::in_list(const ScalarExpr& e) {
  // TRUE if an item equals the value; otherwise NULL if the value or an item is NULL; else FALSE.
  CgValue v = emit(*e.args[0]);
  Type t = e.args[0]->type.type;
  Value* found = b_.getFalse();
  Value* any_null = v.null;
  for (size_t i = 1; i < e.args.size(); ++i) {
    CgValue item = emit(*e.args[i]);
    Value* eq = compare(ExprOp::Eq, v, item, t);
    if (item.null) eq = b_.CreateAnd(eq, b_.CreateNot(item.null));
    found = b_.CreateOr(found, eq);
    any_null = ir_.either_null(any_null, item.null);
  }
  CgValue out;
  if (v.null) found = b_.CreateAnd(found, b_.CreateNot(v.null));
  out.value = found;
  if (any_null) out.null = b_.CreateAnd(b_.CreateNot(found), any_null);
  return out;
}

CgValue ExprCodegen::cast(const CgValue& v, Type from, Type to) {
  CgValue out;
  out.null = v.null;
  llvm::Type* target = ir_.type_of(to);
  if (from.kind == TypeKind::Null) {
    out.value = ir_.zero_of(target);
    if (to.is_string()) out.length = b_.getInt32(0);
    out.null = b_.getTrue();
    return out;
  }
  if (from.kind == to.kind && !to.is_string()) return v;
  auto fail_if = [&](Value* bad) { out.null = ir_.either_null(out.null, bad); };
  bool from_int = from.is_integer() || from.kind == TypeKind::Timestamp || from.kind == TypeKind::Interval;
  bool to_int = to.is_integer() || to.kind == TypeKind::Timestamp || to.kind == TypeKind::Interval;

  if (to.is_string()) {
    Value* out_ptr = b_.CreateAlloca(b_.getPtrTy());
    if (from.is_string()) {
      out.value = v.value;
      out.length = v.length;
    } else if (from.kind == TypeKind::Bool) {
      out.length = b_.CreateCall(ir_.runtime(RuntimeFn::FormatBool), {b_.CreateZExt(v.value, b_.getInt32Ty()), out_ptr});
      out.value = b_.CreateLoad(b_.getPtrTy(), out_ptr);
    } else if (from.kind == TypeKind::Timestamp) {
      out.length = b_.CreateCall(ir_.runtime(RuntimeFn::FormatTimestamp), {ctx_, v.value, out_ptr});
      out.value = b_.CreateLoad(b_.getPtrTy(), out_ptr);
    } else if (from_int) {
      Value* x = v.value->getType()->isIntegerTy(64) ? v.value : b_.CreateSExt(v.value, b_.getInt64Ty());
      out.length = b_.CreateCall(ir_.runtime(RuntimeFn::FormatI64), {ctx_, x, out_ptr});
      out.value = b_.CreateLoad(b_.getPtrTy(), out_ptr);
    } else {
      Value* x = from.kind == TypeKind::Float32 ? b_.CreateFPExt(v.value, b_.getDoubleTy()) : v.value;
      out.length = b_.CreateCall(ir_.runtime(RuntimeFn::FormatF64),
                                 {ctx_, x, b_.getInt32(from.kind == TypeKind::Float32), out_ptr});
      out.value = b_.CreateLoad(b_.getPtrTy(), out_ptr);
    }
    if (to.max_bytes) fail_if(b_.CreateICmpUGT(out.length, b_.getInt32(to.max_bytes)));
    return out;
  }
  if (from.is_string()) {
    // Text to a value: parse; text that does not parse gives NULL.
    if (to.kind == TypeKind::Bool) {
      Value* slot = b_.CreateAlloca(b_.getInt32Ty());
      Value* ok = b_.CreateCall(ir_.runtime(RuntimeFn::ParseBool), {v.value, v.length, slot});
      out.value = b_.CreateICmpNE(b_.CreateLoad(b_.getInt32Ty(), slot), b_.getInt32(0));
      fail_if(b_.CreateICmpEQ(ok, b_.getInt32(0)));
    } else if (to.is_float()) {
      Value* slot = b_.CreateAlloca(b_.getDoubleTy());
      Value* ok = b_.CreateCall(ir_.runtime(RuntimeFn::ParseF64), {v.value, v.length, slot});
      Value* d = b_.CreateLoad(b_.getDoubleTy(), slot);
      out.value = to.kind == TypeKind::Float32 ? b_.CreateFPTrunc(d, b_.getFloatTy()) : d;
      fail_if(b_.CreateICmpEQ(ok, b_.getInt32(0)));
    } else {
      Value* slot = b_.CreateAlloca(b_.getInt64Ty());
      RuntimeFn fn = to.kind == TypeKind::Timestamp ? RuntimeFn::ParseTimestamp : RuntimeFn::ParseI64;
      Value* ok = b_.CreateCall(ir_.runtime(fn), {v.value, v.length, slot});
      Value* x = b_.CreateLoad(b_.getInt64Ty(), slot);
      fail_if(b_.CreateICmpEQ(ok, b_.getInt32(0)));
      if (to.kind == TypeKind::Int32) {
        CgValue narrow = ir_.rule_or_null("vlac_rule_narrow_i32", {x});
        fail_if(narrow.null);
        x = narrow.value;
      }
      out.value = x;
    }
    return out;
  }
  if (from.kind == TypeKind::Bool) {
    out.value = to.is_float() ? b_.CreateUIToFP(v.value, target) : b_.CreateZExt(v.value, target);
    return out;
  }
  if (to.kind == TypeKind::Bool) {
    out.value = b_.CreateICmpNE(v.value, ir_.zero_of(v.value->getType()));
    return out;
  }
  if (from_int && to_int) {
    unsigned fb = v.value->getType()->getIntegerBitWidth(), tb = target->getIntegerBitWidth();
    if (fb < tb) out.value = b_.CreateSExt(v.value, target);
    else if (fb > tb) {  // narrowing: a value that does not fit gives NULL (vlac::rt::narrow_int32)
      CgValue narrow = ir_.rule_or_null("vlac_rule_narrow_i32", {v.value});
      out.value = narrow.value;
      fail_if(narrow.null);
    } else out.value = v.value;
    return out;
  }
  if (from_int && to.is_float()) {
    out.value = b_.CreateSIToFP(v.value, target);
    return out;
  }
  if (from.is_float() && to.is_float()) {
    out.value = to.kind == TypeKind::Float64 ? b_.CreateFPExt(v.value, target) : b_.CreateFPTrunc(v.value, target);
    return out;
  }
  // Float to integer: truncates toward zero; NaN or out of range gives NULL (vlac::rt::float_to_int32/64).
  Value* x = from.kind == TypeKind::Float32 ? b_.CreateFPExt(v.value, b_.getDoubleTy()) : v.value;
  CgValue r = ir_.rule_or_null(target->getIntegerBitWidth() == 32 ? "vlac_rule_float_to_i32" : "vlac_rule_float_to_i64", {x});
  out.value = r.value;
  fail_if(r.null);
  return out;
}

CgValue ExprCodegen::checked_call(const char* rule, const std::vector<CgValue>& args, Value* null) {
  std::vector<Value*> values;
  for (const CgValue& a : args) values.push_back(a.value);
  CgValue r = ir_.rule_or_null(rule, values);
  r.null = ir_.either_null(null, r.null);
  return r;
}

CgValue ExprCodegen::call(const ScalarExpr& e) {
  std::vector<CgValue> a;
  Value* null = nullptr;
  for (const auto& arg : e.args) {
    a.push_back(emit(*arg));
    null = ir_.either_null(null, a.back().null);
  }
  CgValue out;
  out.null = null;
  Type t = e.type.type;
  llvm::Type* lt = ir_.type_of(t);
  auto intrinsic = [&](llvm::Intrinsic::ID id, Value* x) {
    return b_.CreateUnaryIntrinsic(id, x);
  };
  switch (e.function) {
    case ScalarFunction::Abs:
    case ScalarFunction::Sign:  // vlac::rt::abs_of, sign_of (runtime/scalar/arithmetic.h)
      out.value = ir_.rule(ir_.rule_name(e.function == ScalarFunction::Abs ? "abs" : "sign", lt).c_str(), {a[0].value});
      return out;
    case ScalarFunction::Floor:
    case ScalarFunction::Ceil:
      out.value = t.is_float() ? intrinsic(e.function == ScalarFunction::Floor ? llvm::Intrinsic::floor : llvm::Intrinsic::ceil, a[0].value)
                               : a[0].value;
      return out;
    case ScalarFunction::Round: {
      Value* digits = a.size() > 1 ? a[1].value : b_.getInt32(0);
      if (t.is_float()) {
        Value* x = t.kind == TypeKind::Float32 ? b_.CreateFPExt(a[0].value, b_.getDoubleTy()) : a[0].value;
        Value* r = b_.CreateCall(ir_.runtime(RuntimeFn::RoundF64), {x, digits, b_.getInt32(t.kind == TypeKind::Float32)});
        out.value = t.kind == TypeKind::Float32 ? b_.CreateFPTrunc(r, b_.getFloatTy()) : r;
      } else {
        Value* x = t.kind == TypeKind::Int32 ? b_.CreateSExt(a[0].value, b_.getInt64Ty()) : a[0].value;
        Value* r = ir_.rule("vlac_rule_round_i64", {x, digits});  // vlac::rt::round_integer
        out.value = t.kind == TypeKind::Int32 ? b_.CreateTrunc(r, b_.getInt32Ty()) : r;
      }
      return out;
    }
    // Outside the domain is NULL (runtime/scalar/math_functions.h: sqrt_checked and the like).
    case ScalarFunction::Sqrt: return checked_call("vlac_rule_sqrt", a, out.null);
    case ScalarFunction::Ln: return checked_call("vlac_rule_ln", a, out.null);
    case ScalarFunction::Log10: return checked_call("vlac_rule_log10", a, out.null);
    case ScalarFunction::Power: return checked_call("vlac_rule_power", a, out.null);
    case ScalarFunction::Asin: return checked_call("vlac_rule_asin", a, out.null);
    case ScalarFunction::Acos: return checked_call("vlac_rule_acos", a, out.null);
    case ScalarFunction::Exp: out.value = b_.CreateCall(ir_.libm("exp", 1), {a[0].value}); return out;
    case ScalarFunction::Sin: return checked_call("vlac_rule_sin", a, out.null);
    case ScalarFunction::Cos: return checked_call("vlac_rule_cos", a, out.null);
    case ScalarFunction::Tan: return checked_call("vlac_rule_tan", a, out.null);
    case ScalarFunction::Atan: out.value = b_.CreateCall(ir_.libm("atan", 1), {a[0].value}); return out;
    case ScalarFunction::Atan2: out.value = b_.CreateCall(ir_.libm("atan2", 2), {a[0].value, a[1].value}); return out;
    case ScalarFunction::Least:
    case ScalarFunction::Greatest:
    case ScalarFunction::Clamp: {
      // LEAST/GREATEST/CLAMP are NULL when any argument is; CLAMP(x, lo, hi) = LEAST(GREATEST(x, lo), hi).
      // Floats in MIN/MAX's order (NaN above every number), whatever the argument order.
      auto pick = [&](const CgValue& x, const CgValue& y, bool least) {
        Value* take_y = extreme_better(least, y, x, t);
        CgValue r;
        r.value = b_.CreateSelect(take_y, y.value, x.value);
        if (x.length) r.length = b_.CreateSelect(take_y, y.length, x.length);
        return r;
      };
      CgValue acc = a[0];
      if (e.function == ScalarFunction::Clamp) {
        acc = pick(pick(a[0], a[1], false), a[2], true);
      } else {
        for (size_t i = 1; i < a.size(); ++i) acc = pick(acc, a[i], e.function == ScalarFunction::Least);
      }
      acc.null = out.null;
      return acc;
    }
    case ScalarFunction::Coalesce: {
      CgValue acc = a.back();
      for (size_t i = a.size() - 1; i-- > 0;) {
        if (!a[i].null) {
          acc = a[i];
          continue;
        }
        CgValue r;
        r.value = b_.CreateSelect(a[i].null, acc.value, a[i].value);
        if (a[i].length) r.length = b_.CreateSelect(a[i].null, acc.length, a[i].length);
        r.null = acc.null ? b_.CreateAnd(a[i].null, acc.null) : nullptr;
        acc = r;
      }
      return acc;
    }
    case ScalarFunction::Length:
      out.value = b_.CreateCall(ir_.runtime(RuntimeFn::Utf8Length), {a[0].value, a[0].length});
      return out;
    case ScalarFunction::Lower:
    case ScalarFunction::Upper: {
      Value* buf = b_.CreateCall(ir_.runtime(RuntimeFn::Scratch), {ctx_, a[0].length});
      b_.CreateCall(ir_.runtime(e.function == ScalarFunction::Upper ? RuntimeFn::Upper : RuntimeFn::Lower), {a[0].value, a[0].length, buf});
      return string_result(buf, a[0].length, out.null);
    }
  }
  return out;
}

}  // namespace vlac::jit
