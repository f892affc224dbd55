#include "codegen/jit/program_codegen.h"

#include <array>

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/jit/expr_codegen.h"

namespace vlac::jit {

using llvm::Value;

namespace {

class ProgramCodegen {
 public:
  ProgramCodegen(const PhysicalPlan& plan, llvm::Module& module, ValueRules& rules)
      : plan_(plan), module_(module), b_(module.getContext()), ir_(module, b_, rules) {}

  void run() {
    llvm::Type* ptr = b_.getPtrTy();
    row_fn_type_ = llvm::FunctionType::get(b_.getVoidTy(), {ptr, ptr}, false);
    // Declare every row function first: pipelines call each other.
    for (const Pipeline& p : plan_.pipelines) declare(pipeline_fn_name(p.id));
    for (size_t s = 0; s < plan_.sources.size(); ++s) declare(source_entry_fn_name(static_cast<int>(s)));
    for (const PhysicalOperator& op : plan_.operators) declare(operator_emit_fn_name(op.id));

    for (size_t s = 0; s < plan_.sources.size(); ++s) {
      llvm::Function* f = module_.getFunction(source_entry_fn_name(static_cast<int>(s)));
      begin(f);
      emit_consumers(f->getArg(0), f->getArg(1), plan_.sources[s].consumers);
      b_.CreateRetVoid();
    }
    for (const Pipeline& p : plan_.pipelines) pipeline(p);
    for (const PhysicalOperator& op : plan_.operators) {
      llvm::Function* f = module_.getFunction(operator_emit_fn_name(op.id));
      begin(f);
      emit_consumers(f->getArg(0), f->getArg(1), op.consumers);
      b_.CreateRetVoid();
      if (op.kind == OperatorKind::WindowAggregate) aggregate_kernels(op);
      if (op.kind == OperatorKind::IntervalJoin || op.kind == OperatorKind::AsofJoin || op.kind == OperatorKind::WindowJoin)
        join_kernels(op);
      if (op.kind == OperatorKind::Over) over_kernels(op);
    }
  }

 private:
  void declare(const std::string& name) {
    auto* f = llvm::Function::Create(row_fn_type_, llvm::Function::ExternalLinkage, name, module_);
    f->getArg(0)->setName("ctx");
    f->getArg(1)->setName("row");
  }

  void begin(llvm::Function* f) { b_.SetInsertPoint(llvm::BasicBlock::Create(module_.getContext(), "entry", f)); }

  /// A row-sized, 8-byte-aligned buffer on the stack, with its null bitmap cleared.
  Value* row_buffer(const rt::RowLayout& layout) {
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    llvm::BasicBlock& entry = b_.GetInsertBlock()->getParent()->getEntryBlock();
    b_.SetInsertPoint(&entry, entry.begin());
    auto* buf = b_.CreateAlloca(llvm::ArrayType::get(b_.getInt64Ty(), layout.size / 8), nullptr, "out");
    return buf;
  }

  Value* load_pointer(Value* ctx, int table_offset, int index) {
    Value* table = b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), ctx, table_offset));
    return b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), table, index));
  }

  void emit_consumers(Value* ctx, Value* row, const std::vector<Consumer>& consumers) {
    for (const Consumer& c : consumers) {
      switch (c.kind) {
        case ConsumerKind::Pipeline:
          b_.CreateCall(module_.getFunction(pipeline_fn_name(c.index)), {ctx, row});
          break;
        case ConsumerKind::Operator: {
          Value* op = load_pointer(ctx, 0, c.index);  // ExecContext::operators
          switch (plan_.operators[c.index].kind) {
            case OperatorKind::WindowAggregate: b_.CreateCall(ir_.runtime(RuntimeFn::WindowAggregatePush), {op, row}); break;
            case OperatorKind::WindowAssign: b_.CreateCall(ir_.runtime(RuntimeFn::WindowAssignPush), {op, row}); break;
            case OperatorKind::Over: b_.CreateCall(ir_.runtime(RuntimeFn::OverPush), {op, row}); break;
            case OperatorKind::IntervalJoin:
            case OperatorKind::AsofJoin:
            case OperatorKind::WindowJoin: {
              RuntimeFn fn = plan_.operators[c.index].kind == OperatorKind::IntervalJoin ? RuntimeFn::IntervalJoinPush
                             : plan_.operators[c.index].kind == OperatorKind::AsofJoin   ? RuntimeFn::AsofJoinPush
                                                                                         : RuntimeFn::WindowJoinPush;
              b_.CreateCall(ir_.runtime(fn), {op, b_.getInt32(c.port), row});
              break;
            }
          }
          break;
        }
        case ConsumerKind::Output: {
          Value* sink = load_pointer(ctx, 8, c.index);  // ExecContext::outputs
          b_.CreateCall(ir_.runtime(RuntimeFn::OutputPush), {sink, row});
          break;
        }
      }
    }
  }

  /// ++ctx->pipeline_rows[slot], when the executor counts (ExecContext::pipeline_rows).
  void count_pipeline_row(Value* ctx, int slot) {
    Value* counts = b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), ctx, 16));
    when(b_.CreateIsNotNull(counts), [&] {
      Value* at = b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), counts, static_cast<uint64_t>(slot));
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(b_.getInt64Ty(), at), b_.getInt64(1)), at);
    });
  }

  void pipeline(const Pipeline& p) {
    llvm::Function* f = module_.getFunction(pipeline_fn_name(p.id));
    begin(f);
    Value* ctx = f->getArg(0);
    Value* row = f->getArg(1);
    const bool counted = p.counted;
    if (counted) count_pipeline_row(ctx, 2 * p.id);
    const rt::RowLayout* layout = &p.input_layout;
    for (const PipelineStep& step : p.steps) {
      ExprCodegen eg(ir_, ctx, row, *layout);
      if (step.kind == PipelineStep::Kind::Filter) {
        Value* keep = eg.emit_condition(*step.predicate);
        auto* pass = llvm::BasicBlock::Create(module_.getContext(), "pass", f);
        auto* drop = llvm::BasicBlock::Create(module_.getContext(), "drop", f);
        b_.CreateCondBr(keep, pass, drop);
        b_.SetInsertPoint(drop);
        b_.CreateRetVoid();
        b_.SetInsertPoint(pass);
        continue;
      }
      const rt::RowLayout& out_layout = step.layout;
      Value* out = row_buffer(out_layout);
      if (out_layout.null_bytes)
        b_.CreateMemSet(out, b_.getInt8(0), out_layout.null_bytes, llvm::MaybeAlign(8));
      for (size_t c = 0; c < step.exprs.size(); ++c) ir_.store(out, out_layout.fields[c], eg.emit(*step.exprs[c]));
      row = out;
      layout = &out_layout;
    }
    if (counted) count_pipeline_row(ctx, 2 * p.id + 1);
    emit_consumers(ctx, row, p.consumers);
    b_.CreateRetVoid();
  }

  // ---- aggregate kernels ------------------------------------------------------------------------

  llvm::Function* kernel(const PhysicalOperator& op, const char* name, std::vector<llvm::Type*> params) {
    auto* ft = llvm::FunctionType::get(b_.getVoidTy(), params, false);
    auto* f = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, aggregate_kernel_fn_name(op.id, name), module_);
    begin(f);
    return f;
  }

  const rt::Field& acc_field(const PhysicalOperator& op, int i) { return op.acc_layout.fields[i]; }

  /// name(ctx, row, key): evaluates `keys` over a row of `layout` into the operator's key row.
  /// `join`: the keys of a join's `=`, whose float values are canonical (join_key_value).
  void key_kernel(const PhysicalOperator& op, const char* name, const std::vector<ScalarExprPtr>& keys,
                  const rt::RowLayout& layout, bool join = false) {
    llvm::Type* ptr = b_.getPtrTy();
    llvm::Function* f = kernel(op, name, {ptr, ptr, ptr});
    ExprCodegen eg(ir_, f->getArg(0), f->getArg(1), layout);
    // The key is built in a local row and copied out whole: the optimiser keeps the local in
    // registers and writes the key with word stores, so the caller's word loads of it (hashing,
    // GroupTable) are forwarded from those stores instead of waiting for narrower field stores.
    const uint64_t size = op.key_layout.size;
    llvm::AllocaInst* local = b_.CreateAlloca(b_.getInt8Ty(), b_.getInt64(size));
    local->setAlignment(llvm::Align(8));
    b_.CreateMemSet(local, b_.getInt8(0), size, llvm::Align(8));
    for (size_t k = 0; k < keys.size(); ++k) {
      const rt::Field& field = op.key_layout.fields[k];
      CgValue v = eg.emit(*keys[k]);
      ir_.store(local, field, join ? join_key_value(v, field) : v);
    }
    b_.CreateMemCpy(f->getArg(2), llvm::Align(8), local, llvm::Align(8), size);
    b_.CreateRetVoid();
  }

  /// A float key of a join's `=`: NaN is a NULL key, -0 is +0 (vlac::rt::join_key_float).
  CgValue join_key_value(CgValue v, const rt::Field& field) {
    if (field.type != rt::FieldType::Float32 && field.type != rt::FieldType::Float64) return v;
    CgValue k = ir_.rule_or_null(ir_.rule_name("join_key", v.value->getType()).c_str(), {v.value});
    k.null = ir_.either_null(v.null, k.null);
    return k;
  }

  Value* load_i64(Value* row, const rt::Field& f) { return ir_.load(row, f).value; }
  void store_plain(Value* row, const rt::Field& f, Value* v) { ir_.store(row, f, CgValue{v, nullptr, nullptr}); }

  /// Runs `body` only when `cond` holds.
  template <typename F>
  void when(Value* cond, F&& body) {
    llvm::Function* f = b_.GetInsertBlock()->getParent();
    auto* then = llvm::BasicBlock::Create(module_.getContext(), "then", f);
    auto* done = llvm::BasicBlock::Create(module_.getContext(), "done", f);
    b_.CreateCondBr(cond, then, done);
    b_.SetInsertPoint(then);
    body();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }

  Value* as_double(Value* v) {
    if (v->getType()->isDoubleTy()) return v;
    if (v->getType()->isFloatTy()) return b_.CreateFPExt(v, b_.getDoubleTy());
    return b_.CreateSIToFP(v, b_.getDoubleTy());
  }
  Value* as_i64(Value* v) { return v->getType()->isIntegerTy(64) ? v : b_.CreateSExt(v, b_.getInt64Ty()); }

  /// Stores a value into an accumulator field, copying strings into the operator's arena.
  void store_value(Value* acc, const rt::Field& f, CgValue v, Value* arena) {
    if (f.type == rt::FieldType::String)
      v.value = b_.CreateCall(ir_.runtime(RuntimeFn::ArenaCopy), {arena, v.value, v.length});
    v.null = nullptr;
    ir_.store(acc, f, v);
  }

  void aggregate_kernels(const PhysicalOperator& op) {
    llvm::Type* ptr = b_.getPtrTy();
    llvm::Type* i64 = b_.getInt64Ty();
    const std::vector<ScalarExprPtr>& keys = op.keys;
    key_kernel(op, "key", keys, op.input_layout);
    // update(ctx, acc, in, time, seq, arena)
    {
      llvm::Function* f = kernel(op, "update", {ptr, ptr, ptr, i64, i64, ptr});
      Value *ctx = f->getArg(0), *acc = f->getArg(1), *in = f->getArg(2), *time = f->getArg(3), *seq = f->getArg(4),
            *arena = f->getArg(5);
      for (const AccumulatorSlots& s : op.slots) {
        ExprCodegen eg(ir_, ctx, in, op.input_layout);
        CgValue arg = s.arg ? eg.emit(*s.arg) : CgValue{};
        Type arg_type = s.arg ? s.arg->type.type : Type::int64();
        auto body = [&] { update_slot(op, s, acc, arg, arg_type, time, seq, arena, eg); };
        if (arg.null) when(b_.CreateNot(arg.null), body);
        else body();
      }
      b_.CreateRetVoid();
    }
    // merge(ctx, acc, other, arena): sessions that an event bridges become one.
    {
      llvm::Function* f = kernel(op, "merge", {ptr, ptr, ptr, ptr});
      for (const AccumulatorSlots& s : op.slots) merge_slot(op, s, f->getArg(1), f->getArg(2), f->getArg(3), f->getArg(0));
      b_.CreateRetVoid();
    }
    // finalize(ctx, key, acc, start, end, out)
    {
      llvm::Function* f = kernel(op, "finalize", {ptr, ptr, ptr, i64, i64, ptr});
      Value *key = f->getArg(1), *acc = f->getArg(2), *start = f->getArg(3), *end = f->getArg(4), *out = f->getArg(5);
      size_t field = 0;
      for (size_t k = 0; k < keys.size(); ++k, ++field) ir_.store(out, op.output_layout.fields[field], ir_.load(key, op.key_layout.fields[k]));
      if (op.windowed) {
        store_plain(out, op.output_layout.fields[field++], start);
        store_plain(out, op.output_layout.fields[field++], end);
        store_plain(out, op.output_layout.fields[field++], b_.CreateSub(end, b_.getInt64(1)));
      }
      for (const AccumulatorSlots* s : finalized_slots(op)) ir_.store(out, op.output_layout.fields[field++], result_of(op, *s, acc));
      b_.CreateRetVoid();
    }
  }

  /// Copies every field of `from` (layout `from_layout`) to fields `first`.. of `out`; with a
  /// null `from` pointer at run time (an unmatched LEFT join row), writes NULLs instead.
  void copy_fields(Value* from, const rt::RowLayout& from_layout, Value* out, const rt::RowLayout& out_layout,
                   size_t first, bool may_be_null) {
    auto copy = [&] {
      for (size_t i = 0; i < from_layout.fields.size(); ++i)
        ir_.store(out, out_layout.fields[first + i], ir_.load(from, from_layout.fields[i]));
    };
    if (!may_be_null) {
      copy();
      return;
    }
    llvm::Function* f = b_.GetInsertBlock()->getParent();
    auto* present = llvm::BasicBlock::Create(module_.getContext(), "present", f);
    auto* absent = llvm::BasicBlock::Create(module_.getContext(), "absent", f);
    auto* done = llvm::BasicBlock::Create(module_.getContext(), "copied", f);
    b_.CreateCondBr(b_.CreateIsNull(from), absent, present);
    b_.SetInsertPoint(present);
    copy();
    b_.CreateBr(done);
    b_.SetInsertPoint(absent);
    for (size_t i = 0; i < from_layout.fields.size(); ++i) {
      const rt::Field& f_out = out_layout.fields[first + i];
      CgValue null_value{ir_.zero_of(ir_.type_of(f_out.type)), f_out.type == rt::FieldType::String ? b_.getInt32(0) : nullptr,
                         b_.getTrue()};
      ir_.store(out, f_out, null_value);
    }
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }

  void join_kernels(const PhysicalOperator& op) {
    llvm::Type* ptr = b_.getPtrTy();
    const JoinParams& j = op.join;
    key_kernel(op, "left_key", j.left_keys, op.port_layouts[0], true);
    key_kernel(op, "right_key", j.right_keys, op.port_layouts[1], true);
    // combine(ctx, left, right, out) -> i32: the output row, then the residual condition.
    auto* ft = llvm::FunctionType::get(b_.getInt32Ty(), {ptr, ptr, ptr, ptr}, false);
    auto* f = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, aggregate_kernel_fn_name(op.id, "combine"), module_);
    begin(f);
    Value* out = f->getArg(3);
    copy_fields(f->getArg(1), op.port_layouts[0], out, op.output_layout, 0, false);
    copy_fields(f->getArg(2), op.port_layouts[1], out, op.output_layout, op.port_layouts[0].fields.size(), j.type == JoinType::Left);
    Value* pass = b_.getTrue();
    if (j.residual) {
      ExprCodegen eg(ir_, f->getArg(0), out, op.output_layout);
      pass = eg.emit_condition(*j.residual);
    }
    b_.CreateRet(b_.CreateZExt(pass, b_.getInt32Ty()));
  }

  void over_kernels(const PhysicalOperator& op) {
    llvm::Type* ptr = b_.getPtrTy();
    key_kernel(op, "key", op.keys, op.input_layout);
    {
      llvm::Function* f = kernel(op, "args", {ptr, ptr, ptr});
      ExprCodegen eg(ir_, f->getArg(0), f->getArg(1), op.input_layout);
      for (size_t c = 0; c < op.over_calls.size(); ++c)
        if (op.over_calls[c].arg) ir_.store(f->getArg(2), op.args_layout.fields[c], eg.emit(*op.over_calls[c].arg));
      b_.CreateRetVoid();
    }
    {
      llvm::Function* f = kernel(op, "finish", {ptr, ptr, ptr, ptr});
      copy_fields(f->getArg(1), op.input_layout, f->getArg(3), op.output_layout, 0, false);
      copy_fields(f->getArg(2), op.results_layout, f->getArg(3), op.output_layout, op.input_layout.fields.size(), false);
      b_.CreateRetVoid();
    }
  }

  void update_slot(const PhysicalOperator& op, const AccumulatorSlots& s, Value* acc, const CgValue& arg, Type arg_type,
                   Value* time, Value* seq, Value* arena, ExprCodegen& eg) {
    auto bump = [&](int field) {
      const rt::Field& c = acc_field(op, field);
      store_plain(acc, c, b_.CreateAdd(load_i64(acc, c), b_.getInt64(1)));
    };
    switch (s.function) {
      case AggregateFunction::CountStar:
      case AggregateFunction::Count: bump(s.count); return;
      case AggregateFunction::Sum:
      case AggregateFunction::Avg: {
        const rt::Field& v = acc_field(op, s.value);
        if (s.high >= 0) {  // AVG of integers: vlac::rt::wide_sum_add, the exact sum
          ir_.rule("vlac_rule_wide_sum_add", {field_ptr(op, s.high, acc), field_ptr(op, s.value, acc), as_i64(arg.value)});
          bump(s.count);
          return;
        }
        Value* cur = ir_.load(acc, v).value;
        Value* next = arg_type.is_float() ? b_.CreateFAdd(cur, as_double(arg.value)) : b_.CreateAdd(cur, as_i64(arg.value));
        store_plain(acc, v, next);
        bump(s.count);
        return;
      }
      case AggregateFunction::StddevPop:
      case AggregateFunction::StddevSamp:
      case AggregateFunction::VarPop:
      case AggregateFunction::VarSamp: {
        // vlac::rt::variance_add (runtime/scalar/variance.h), linked as bitcode and inlined.
        Value* x = as_double(arg.value);
        std::array<Value*, 4> f = variance_fields(op, s, acc);
        ir_.rule("vlac_rule_variance_add", {f[0], f[1], f[2], f[3], x});
        return;
      }
      case AggregateFunction::Min:
      case AggregateFunction::Max: {
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count);
        CgValue cur = ir_.load(acc, v);
        Value* better = eg.extreme_better(s.function == AggregateFunction::Min, arg, cur, arg_type);
        Value* empty = b_.CreateICmpEQ(load_i64(acc, has), b_.getInt64(0));
        when(b_.CreateOr(empty, better), [&] {
          store_value(acc, v, arg, arena);
          store_plain(acc, has, b_.getInt64(1));
        });
        return;
      }
      case AggregateFunction::FirstValue:
      case AggregateFunction::LastValue: {
        // First/last by event time, ties by arrival (vlac::rt::first_value_replaces / last_...).
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count), &t = acc_field(op, s.time),
                        &q = acc_field(op, s.seq);
        Value* empty = b_.CreateICmpEQ(load_i64(acc, has), b_.getInt64(0));
        Value* better = ir_.rule(first_last_rule(s), {time, seq, load_i64(acc, t), load_i64(acc, q)});
        when(b_.CreateOr(empty, better), [&] {
          store_value(acc, v, arg, arena);
          store_plain(acc, has, b_.getInt64(1));
          store_plain(acc, t, time);
          store_plain(acc, q, seq);
        });
        return;
      }
      case AggregateFunction::Lag: return;
    }
  }

  static const char* first_last_rule(const AccumulatorSlots& s) {
    return s.function == AggregateFunction::FirstValue ? "vlac_rule_first_value_replaces" : "vlac_rule_last_value_replaces";
  }

  /// A pointer to an accumulator field of `row` (for the value rules that update in place).
  Value* field_ptr(const PhysicalOperator& op, int field, Value* row) {
    return b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), row, acc_field(op, field).offset);
  }

  /// Pointers to a variance accumulator's fields in `row`: n, pivot, mean, M2 (the order of the
  /// vlac_rule_variance_* parameters).
  std::array<Value*, 4> variance_fields(const PhysicalOperator& op, const AccumulatorSlots& s, Value* row) {
    return {field_ptr(op, s.count, row), field_ptr(op, s.pivot, row), field_ptr(op, s.value, row), field_ptr(op, s.m2, row)};
  }

  void merge_slot(const PhysicalOperator& op, const AccumulatorSlots& s, Value* acc, Value* other, Value* arena, Value* ctx) {
    auto add_i64 = [&](int field) {
      const rt::Field& c = acc_field(op, field);
      store_plain(acc, c, b_.CreateAdd(load_i64(acc, c), load_i64(other, c)));
    };
    switch (s.function) {
      case AggregateFunction::CountStar:
      case AggregateFunction::Count: add_i64(s.count); return;
      case AggregateFunction::Sum:
      case AggregateFunction::Avg: {
        const rt::Field& v = acc_field(op, s.value);
        if (s.high >= 0) {  // vlac::rt::wide_sum_merge
          ir_.rule("vlac_rule_wide_sum_merge", {field_ptr(op, s.high, acc), field_ptr(op, s.value, acc),
                                                load_i64(other, acc_field(op, s.high)), load_i64(other, v)});
          add_i64(s.count);
          return;
        }
        Value* a = ir_.load(acc, v).value;
        Value* o = ir_.load(other, v).value;
        store_plain(acc, v, a->getType()->isDoubleTy() ? b_.CreateFAdd(a, o) : b_.CreateAdd(a, o));
        add_i64(s.count);
        return;
      }
      case AggregateFunction::StddevPop:
      case AggregateFunction::StddevSamp:
      case AggregateFunction::VarPop:
      case AggregateFunction::VarSamp: {
        // vlac::rt::variance_merge (runtime/scalar/variance.h), linked as bitcode and inlined.
        std::array<Value*, 4> mine = variance_fields(op, s, acc), theirs = variance_fields(op, s, other);
        ir_.rule("vlac_rule_variance_merge", {mine[0], mine[1], mine[2], mine[3], theirs[0], theirs[1], theirs[2], theirs[3]});
        return;
      }
      case AggregateFunction::Min:
      case AggregateFunction::Max: {
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count);
        Type t = s.arg->type.type;
        ExprCodegen eg(ir_, ctx, other, op.acc_layout);
        CgValue mine = ir_.load(acc, v), theirs = ir_.load(other, v);
        Value* better = eg.extreme_better(s.function == AggregateFunction::Min, theirs, mine, t);
        Value* they_have = b_.CreateICmpNE(load_i64(other, has), b_.getInt64(0));
        Value* i_lack = b_.CreateICmpEQ(load_i64(acc, has), b_.getInt64(0));
        when(b_.CreateAnd(they_have, b_.CreateOr(i_lack, better)), [&] {
          ir_.store(acc, v, theirs);  // strings already live in the same arena
          store_plain(acc, has, b_.getInt64(1));
        });
        (void)arena;
        return;
      }
      case AggregateFunction::FirstValue:
      case AggregateFunction::LastValue: {
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count), &t = acc_field(op, s.time),
                        &q = acc_field(op, s.seq);
        Value *ot = load_i64(other, t), *oq = load_i64(other, q);
        Value* better = ir_.rule(first_last_rule(s), {ot, oq, load_i64(acc, t), load_i64(acc, q)});
        Value* they_have = b_.CreateICmpNE(load_i64(other, has), b_.getInt64(0));
        Value* i_lack = b_.CreateICmpEQ(load_i64(acc, has), b_.getInt64(0));
        when(b_.CreateAnd(they_have, b_.CreateOr(i_lack, better)), [&] {
          ir_.store(acc, v, ir_.load(other, v));
          store_plain(acc, has, b_.getInt64(1));
          store_plain(acc, t, ot);
          store_plain(acc, q, oq);
        });
        return;
      }
      case AggregateFunction::Lag: return;
    }
  }

  CgValue result_of(const PhysicalOperator& op, const AccumulatorSlots& s, Value* acc) {
    CgValue r;
    auto count = [&] { return load_i64(acc, acc_field(op, s.count)); };
    switch (s.function) {
      case AggregateFunction::CountStar:
      case AggregateFunction::Count: r.value = count(); return r;
      case AggregateFunction::Sum:
        r.value = ir_.load(acc, acc_field(op, s.value)).value;
        r.null = b_.CreateICmpEQ(count(), b_.getInt64(0));
        return r;
      case AggregateFunction::Avg:  // vlac::rt::average, wide_average
        if (s.high >= 0)
          return ir_.rule_or_null("vlac_rule_wide_average",
                                  {load_i64(acc, acc_field(op, s.high)), load_i64(acc, acc_field(op, s.value)), count()});
        return ir_.rule_or_null("vlac_rule_average", {as_double(ir_.load(acc, acc_field(op, s.value)).value), count()});
      case AggregateFunction::StddevPop:
      case AggregateFunction::StddevSamp:
      case AggregateFunction::VarPop:
      case AggregateFunction::VarSamp: {
        // vlac::rt::variance_finalize (runtime/scalar/variance.h), linked as bitcode and inlined.
        bool sample = s.function == AggregateFunction::StddevSamp || s.function == AggregateFunction::VarSamp;
        bool stddev = s.function == AggregateFunction::StddevPop || s.function == AggregateFunction::StddevSamp;
        r = ir_.rule_or_null("vlac_rule_variance_finalize",
                             {count(), ir_.load(acc, acc_field(op, s.m2)).value, b_.getInt1(sample), b_.getInt1(stddev)});
        return r;
      }
      case AggregateFunction::Min:
      case AggregateFunction::Max:
      case AggregateFunction::FirstValue:
      case AggregateFunction::LastValue: {
        r = ir_.load(acc, acc_field(op, s.value));
        r.null = b_.CreateICmpEQ(count(), b_.getInt64(0));
        return r;
      }
      case AggregateFunction::Lag: return r;
    }
    return r;
  }

  const PhysicalPlan& plan_;
  llvm::Module& module_;
  llvm::IRBuilder<> b_;
  IrContext ir_;
  llvm::FunctionType* row_fn_type_ = nullptr;
};

}  // namespace

std::unique_ptr<llvm::Module> generate_module(const PhysicalPlan& plan, llvm::LLVMContext& context) {
  auto module = std::make_unique<llvm::Module>("vlac_program", context);
  ValueRules rules(context);
  ProgramCodegen(plan, *module, rules).run();
  rules.link_into(*module);
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (llvm::verifyModule(*module, &os)) {
    llvm::errs() << "vlac: internal error: generated invalid IR:\n" << os.str() << "\n";
    module->print(llvm::errs(), nullptr);
    std::abort();
  }
  return module;
}

}  // namespace vlac::jit
