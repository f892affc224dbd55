#include "codegen/cpp/kernel_writer.h"

#include "physical/kernel_names.h"

namespace vlac::cpp {
namespace {

/// The source query as a C++ comment, one `// ` per line.
std::string comment(const std::string& text) {
  if (text.empty()) return "";
  std::string out = "// ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "// ";
  }
  return out + "\n";
}

class KernelWriter {
 public:
  KernelWriter(const PhysicalPlan& plan, const KernelWriterOptions& options)
      : plan_(plan), options_(options), rows_(options.strings) {}

  std::string run() {
    std::string ctx = options_.ctx_type + "* ctx";
    // Declarations first: pipelines call each other and emit functions call pipelines.
    if (options_.declare_first) {
      for (size_t s = 0; s < plan_.sources.size(); ++s) declare(source_entry_fn_name(static_cast<int>(s)));
      for (const Pipeline& p : plan_.pipelines) declare(pipeline_fn_name(p.id));
      for (const PhysicalOperator& op : plan_.operators) declare(operator_emit_fn_name(op.id));
      out_ += "\n";
    }

    for (size_t s = 0; s < plan_.sources.size(); ++s) {
      const PhysicalSource& src = plan_.sources[s];
      out_ += "// Rows of stream " + src.stream + ".\n";
      CppBody body;
      consumers(body, "row", src.consumers);
      function("void", source_entry_fn_name(static_cast<int>(s)), ctx + ", const uint8_t* row", body);
    }
    for (const Pipeline& p : plan_.pipelines) pipeline(p);
    for (const PhysicalOperator& op : plan_.operators) {
      out_ += comment(op.source_text);
      CppBody body;
      consumers(body, "row", op.consumers);
      function("void", operator_emit_fn_name(op.id), ctx + ", const uint8_t* row", body);
      if (op.kind == OperatorKind::WindowAggregate) aggregate_kernels(op);
      if (op.kind == OperatorKind::IntervalJoin || op.kind == OperatorKind::AsofJoin || op.kind == OperatorKind::WindowJoin)
        join_kernels(op);
      if (op.kind == OperatorKind::Over) over_kernels(op);
    }
    return out_;
  }

 private:
  std::string ctx_param() const { return options_.ctx_type + "* ctx"; }
  bool arenas() const { return options_.strings == StringStorage::Ref; }

  void declare(const std::string& name) {
    out_ += options_.linkage + " void " + name + "(" + ctx_param() + ", const uint8_t* row);\n";
  }

  void function(const std::string& result, const std::string& name, const std::string& params, const CppBody& body) {
    out_ += options_.linkage + " " + result + " " + name + "(" + params + ") {\n" + body.text() + "}\n\n";
  }

  void consumers(CppBody& body, const std::string& row, const std::vector<Consumer>& list) {
    for (const Consumer& c : list) body.line(options_.consumer_call(c, row));
  }

  /// A row buffer on the stack, 8-byte aligned, with its null bitmap cleared.
  std::string row_buffer(CppBody& body, const rt::RowLayout& layout) {
    std::string name = body.fresh();
    body.line("alignas(8) uint8_t " + name + "[" + std::to_string(layout.size) + "];");
    if (layout.null_bytes) body.line("__builtin_memset(" + name + ", 0, " + std::to_string(layout.null_bytes) + ");");
    return name;
  }

  void pipeline(const Pipeline& p) {
    out_ += comment(p.source_text);
    CppBody body;
    std::string row = "row";
    const rt::RowLayout* layout = &p.input_layout;
    const bool counted = options_.count_pipeline_rows && p.counted;
    auto count = [&](int slot) {
      body.line("if (ctx->pipeline_rows) ++ctx->pipeline_rows[" + std::to_string(slot) + "];");
    };
    if (counted) count(2 * p.id);
    for (const PipelineStep& step : p.steps) {
      CppExpr expr(body, rows_, "ctx", row, *layout);
      if (step.kind == PipelineStep::Kind::Filter) {
        body.line("if (!(" + expr.emit_condition(*step.predicate) + ")) return;");
        continue;
      }
      const rt::RowLayout& out_layout = step.layout;
      std::string out = row_buffer(body, out_layout);
      for (size_t c = 0; c < step.exprs.size(); ++c) rows_.store(body, out, out_layout.fields[c], expr.emit(*step.exprs[c]));
      row = out;
      layout = &out_layout;
    }
    if (counted) count(2 * p.id + 1);
    consumers(body, row, p.consumers);
    function("void", pipeline_fn_name(p.id), ctx_param() + ", const uint8_t* row", body);
  }

  // ---- aggregate kernels ------------------------------------------------------------------------

  std::string name(const PhysicalOperator& op, const char* kernel) { return aggregate_kernel_fn_name(op.id, kernel); }

  /// name(ctx, row, key): evaluates `keys` over a row of `layout` into the operator's key row.
  /// `join`: the keys of a join's `=`, whose float values are canonical (join_key_value).
  void key_kernel(const PhysicalOperator& op, const char* kernel, const std::vector<ScalarExprPtr>& keys,
                  const rt::RowLayout& layout, bool join = false) {
    CppBody body;
    CppExpr expr(body, rows_, "ctx", "row", layout);
    // Built in a local row and copied out whole, as the JIT does (program_codegen.cpp's
    // key_kernel): the caller's word loads of the key are then forwarded from word stores.
    const std::string size = std::to_string(op.key_layout.size);
    body.line("alignas(8) uint8_t local_key[" + size + "] = {};");
    for (size_t k = 0; k < keys.size(); ++k) {
      const rt::Field& field = op.key_layout.fields[k];
      CppValue v = expr.emit(*keys[k]);
      rows_.store(body, "local_key", field, join ? join_key_value(body, expr, v, field) : v);
    }
    body.line("__builtin_memcpy(key, local_key, " + size + ");");
    function("void", name(op, kernel), ctx_param() + ", const uint8_t* row, uint8_t* key", body);
  }

  /// A float key of a join's `=`: NaN is a NULL key, -0 is +0 (vlac::rt::join_key_float).
  static CppValue join_key_value(CppBody& body, CppExpr& expr, CppValue v, const rt::Field& field) {
    if (field.type != rt::FieldType::Float32 && field.type != rt::FieldType::Float64) return v;
    CppValue k = body.checked_call(cpp_type(field.type), "vlac::rt::join_key_float", v.value);
    k.null = expr.either_null(v.null, k.null);
    return k;
  }

  const rt::Field& acc_field(const PhysicalOperator& op, int i) { return op.acc_layout.fields[i]; }
  std::string load_raw(const std::string& row, const rt::Field& f) {
    return "vlac::cg::load<" + cpp_type(f.type) + ">(" + row + ", " + std::to_string(f.offset) + ")";
  }
  void store_raw(CppBody& body, const std::string& row, const rt::Field& f, const std::string& v) {
    body.line("vlac::cg::store<" + cpp_type(f.type) + ">(" + row + ", " + std::to_string(f.offset) + ", " + v + ");");
  }
  static std::string as_double(const std::string& v) { return "double(" + v + ")"; }

  /// Stores a value into an accumulator field; on hosts a string is copied into the arena.
  void store_value(CppBody& body, const std::string& acc, const rt::Field& f, CppValue v) {
    if (f.type == rt::FieldType::String && arenas()) v.value = "vlac::cg::keep(arena, " + v.value + ")";
    v.null.clear();
    rows_.store(body, acc, f, v);
  }

  void aggregate_kernels(const PhysicalOperator& op) {
    const std::vector<ScalarExprPtr>& keys = op.keys;
    key_kernel(op, "key", keys, op.input_layout);
    std::string arena = arenas() ? ", vlac::rt::StringArena* arena" : "";
    {
      CppBody body;
      for (const AccumulatorSlots& s : op.slots) {
        CppExpr expr(body, rows_, "ctx", "in", op.input_layout);
        CppValue arg = s.arg ? expr.emit(*s.arg) : CppValue{"int64_t(0)", ""};
        Type arg_type = s.arg ? s.arg->type.type : Type::int64();
        if (!arg.null.empty()) body.open("if (!" + arg.null + ")");
        update_slot(body, op, s, arg, arg_type, expr);
        if (!arg.null.empty()) body.close();
      }
      function("void", name(op, "update"),
               ctx_param() + ", uint8_t* acc, const uint8_t* in, int64_t time, int64_t seq" + arena, body);
    }
    {
      CppBody body;
      for (const AccumulatorSlots& s : op.slots) merge_slot(body, op, s);
      function("void", name(op, "merge"), ctx_param() + ", uint8_t* acc, const uint8_t* other" + arena, body);
    }
    {
      CppBody body;
      size_t field = 0;
      for (size_t k = 0; k < keys.size(); ++k, ++field)
        rows_.store(body, "out", op.output_layout.fields[field], rows_.load(body, "key", op.key_layout.fields[k]));
      if (op.windowed) {
        store_raw(body, "out", op.output_layout.fields[field++], "start");
        store_raw(body, "out", op.output_layout.fields[field++], "end");
        store_raw(body, "out", op.output_layout.fields[field++], "vlac::cg::wrap_sub<int64_t>(end, 1)");
      }
      for (const AccumulatorSlots* s : finalized_slots(op)) rows_.store(body, "out", op.output_layout.fields[field++], result_of(body, op, *s));
      function("void", name(op, "finalize"),
               ctx_param() + ", const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out", body);
    }
  }

  void update_slot(CppBody& body, const PhysicalOperator& op, const AccumulatorSlots& s, const CppValue& arg, Type arg_type,
                   CppExpr& expr) {
    auto bump = [&](int field) {
      const rt::Field& c = acc_field(op, field);
      store_raw(body, "acc", c, "vlac::cg::wrap_add<int64_t>(" + load_raw("acc", c) + ", 1)");
    };
    switch (s.function) {
      case AggregateFunction::CountStar:
      case AggregateFunction::Count: bump(s.count); return;
      case AggregateFunction::Sum:
      case AggregateFunction::Avg: {
        const rt::Field& v = acc_field(op, s.value);
        if (s.high >= 0) {  // AVG of integers: the exact sum (runtime/scalar/aggregates.h)
          update_wide_sum(body, op, s, "vlac::rt::wide_sum_add", "int64_t(" + arg.value + ")");
          bump(s.count);
          return;
        }
        std::string next = arg_type.is_float() ? load_raw("acc", v) + " + " + as_double(arg.value)
                                               : "vlac::cg::wrap_add<int64_t>(" + load_raw("acc", v) + ", int64_t(" + arg.value + "))";
        store_raw(body, "acc", v, next);
        bump(s.count);
        return;
      }
      case AggregateFunction::StddevPop:
      case AggregateFunction::StddevSamp:
      case AggregateFunction::VarPop:
      case AggregateFunction::VarSamp: {
        // Welford on x - pivot (runtime/scalar/variance.h; the JIT inlines the same functions).
        std::string m = body.local("vlac::rt::VarianceMoments", "vlac::rt::variance_add(" + variance_moments(op, s, "acc") + ", " +
                                                                     as_double(arg.value) + ")");
        store_variance_moments(body, op, s, m);
        return;
      }
      case AggregateFunction::Min:
      case AggregateFunction::Max: {
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count);
        CppValue cur = rows_.load(body, "acc", v);
        std::string better = expr.extreme_better(s.function == AggregateFunction::Min, arg, cur, arg_type);
        body.open("if (" + load_raw("acc", has) + " == 0 || " + better + ")");
        store_value(body, "acc", v, arg);
        store_raw(body, "acc", has, "int64_t(1)");
        body.close();
        return;
      }
      case AggregateFunction::FirstValue:
      case AggregateFunction::LastValue: {
        // First/last by event time; ties by arrival (the first keeps the earlier, the last the later).
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count), &t = acc_field(op, s.time),
                        &q = acc_field(op, s.seq);
        // vlac::rt::first_value_replaces / last_value_replaces (runtime/scalar/aggregates.h).
        std::string better = first_last_rule(s) + "(time, seq, " + load_raw("acc", t) + ", " + load_raw("acc", q) + ")";
        body.open("if (" + load_raw("acc", has) + " == 0 || " + better + ")");
        store_value(body, "acc", v, arg);
        store_raw(body, "acc", has, "int64_t(1)");
        store_raw(body, "acc", t, "time");
        store_raw(body, "acc", q, "seq");
        body.close();
        return;
      }
      case AggregateFunction::Lag: return;
    }
  }

  static std::string first_last_rule(const AccumulatorSlots& s) {
    return s.function == AggregateFunction::FirstValue ? "vlac::rt::first_value_replaces" : "vlac::rt::last_value_replaces";
  }

  /// A variance accumulator's fields in `row`, as a vlac::rt::VarianceMoments initializer.
  std::string variance_moments(const PhysicalOperator& op, const AccumulatorSlots& s, const std::string& row) {
    return "vlac::rt::VarianceMoments{" + load_raw(row, acc_field(op, s.count)) + ", " + load_raw(row, acc_field(op, s.pivot)) + ", " +
           load_raw(row, acc_field(op, s.value)) + ", " + load_raw(row, acc_field(op, s.m2)) + "}";
  }
  /// `fn(&high, &low, args)` on an integer AVG's two words (wide_sum_add, wide_sum_merge).
  void update_wide_sum(CppBody& body, const PhysicalOperator& op, const AccumulatorSlots& s, const std::string& fn,
                       const std::string& args) {
    const rt::Field &high = acc_field(op, s.high), &low = acc_field(op, s.value);
    const std::string h = body.fresh(), l = body.fresh();
    body.line("int64_t " + h + " = " + load_raw("acc", high) + ", " + l + " = " + load_raw("acc", low) + ";");
    body.line(fn + "(&" + h + ", &" + l + ", " + args + ");");
    store_raw(body, "acc", high, h);
    store_raw(body, "acc", low, l);
  }

  void store_variance_moments(CppBody& body, const PhysicalOperator& op, const AccumulatorSlots& s, const std::string& m) {
    store_raw(body, "acc", acc_field(op, s.count), m + ".n");
    store_raw(body, "acc", acc_field(op, s.pivot), m + ".pivot");
    store_raw(body, "acc", acc_field(op, s.value), m + ".mean");
    store_raw(body, "acc", acc_field(op, s.m2), m + ".m2");
  }

  void merge_slot(CppBody& body, const PhysicalOperator& op, const AccumulatorSlots& s) {
    auto add_i64 = [&](int field) {
      const rt::Field& c = acc_field(op, field);
      store_raw(body, "acc", c, "vlac::cg::wrap_add<int64_t>(" + load_raw("acc", c) + ", " + load_raw("other", c) + ")");
    };
    switch (s.function) {
      case AggregateFunction::CountStar:
      case AggregateFunction::Count: add_i64(s.count); return;
      case AggregateFunction::Sum:
      case AggregateFunction::Avg: {
        const rt::Field& v = acc_field(op, s.value);
        if (s.high >= 0) {
          update_wide_sum(body, op, s, "vlac::rt::wide_sum_merge",
                          load_raw("other", acc_field(op, s.high)) + ", " + load_raw("other", v));
          add_i64(s.count);
          return;
        }
        if (v.type == rt::FieldType::Float64) store_raw(body, "acc", v, load_raw("acc", v) + " + " + load_raw("other", v));
        else store_raw(body, "acc", v, "vlac::cg::wrap_add<int64_t>(" + load_raw("acc", v) + ", " + load_raw("other", v) + ")");
        add_i64(s.count);
        return;
      }
      case AggregateFunction::StddevPop:
      case AggregateFunction::StddevSamp:
      case AggregateFunction::VarPop:
      case AggregateFunction::VarSamp: {
        // Chan et al., the pivots' difference added to the means' one (runtime/scalar/variance.h).
        std::string m = body.local("vlac::rt::VarianceMoments", "vlac::rt::variance_merge(" + variance_moments(op, s, "acc") + ", " +
                                                                     variance_moments(op, s, "other") + ")");
        store_variance_moments(body, op, s, m);
        return;
      }
      case AggregateFunction::Min:
      case AggregateFunction::Max: {
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count);
        Type t = s.arg->type.type;
        CppExpr expr(body, rows_, "ctx", "other", op.acc_layout);
        CppValue mine = rows_.load(body, "acc", v), theirs = rows_.load(body, "other", v);
        std::string better = expr.extreme_better(s.function == AggregateFunction::Min, theirs, mine, t);
        body.open("if (" + load_raw("other", has) + " != 0 && (" + load_raw("acc", has) + " == 0 || " + better + "))");
        rows_.store(body, "acc", v, theirs);  // strings already live in the same arena
        store_raw(body, "acc", has, "int64_t(1)");
        body.close();
        return;
      }
      case AggregateFunction::FirstValue:
      case AggregateFunction::LastValue: {
        const rt::Field &v = acc_field(op, s.value), &has = acc_field(op, s.count), &t = acc_field(op, s.time),
                        &q = acc_field(op, s.seq);
        std::string mt = body.local("int64_t", load_raw("acc", t)), ot = body.local("int64_t", load_raw("other", t));
        std::string mq = body.local("int64_t", load_raw("acc", q)), oq = body.local("int64_t", load_raw("other", q));
        std::string wins = first_last_rule(s) + "(" + ot + ", " + oq + ", " + mt + ", " + mq + ")";
        body.open("if (" + load_raw("other", has) + " != 0 && (" + load_raw("acc", has) + " == 0 || " + wins + "))");
        rows_.store(body, "acc", v, rows_.load(body, "other", v));
        store_raw(body, "acc", has, "int64_t(1)");
        store_raw(body, "acc", t, ot);
        store_raw(body, "acc", q, oq);
        body.close();
        return;
      }
      case AggregateFunction::Lag: return;
    }
  }

  CppValue result_of(CppBody& body, const PhysicalOperator& op, const AccumulatorSlots& s) {
    auto count = [&] { return body.local("int64_t", load_raw("acc", acc_field(op, s.count))); };
    switch (s.function) {
      case AggregateFunction::CountStar:
      case AggregateFunction::Count: return {count(), ""};
      case AggregateFunction::Sum: {
        std::string n = count();
        return {body.local(cpp_type(acc_field(op, s.value).type), load_raw("acc", acc_field(op, s.value))), n + " == 0"};
      }
      case AggregateFunction::Avg: {
        if (s.high >= 0)
          return body.checked_call("double", "vlac::rt::wide_average", load_raw("acc", acc_field(op, s.high)) + ", " +
                                                                           load_raw("acc", acc_field(op, s.value)) + ", " + count());
        return body.checked_call("double", "vlac::rt::average", as_double(load_raw("acc", acc_field(op, s.value))) + ", " + count());
      }
      case AggregateFunction::StddevPop:
      case AggregateFunction::StddevSamp:
      case AggregateFunction::VarPop:
      case AggregateFunction::VarSamp: {
        bool sample = s.function == AggregateFunction::StddevSamp || s.function == AggregateFunction::VarSamp;
        bool stddev = s.function == AggregateFunction::StddevPop || s.function == AggregateFunction::StddevSamp;
        return body.checked_call("double", "vlac::rt::variance_finalize",
                                 count() + ", " + load_raw("acc", acc_field(op, s.m2)) + ", " + (sample ? "true" : "false") + ", " +
                                     (stddev ? "true" : "false"));
      }
      case AggregateFunction::Min:
      case AggregateFunction::Max:
      case AggregateFunction::FirstValue:
      case AggregateFunction::LastValue: {
        std::string n = count();
        CppValue r = rows_.load(body, "acc", acc_field(op, s.value));
        r.null = n + " == 0";
        return r;
      }
      case AggregateFunction::Lag: break;
    }
    return {"0", ""};
  }

  // ---- joins and OVER ---------------------------------------------------------------------------

  /// Copies every field of `from` to fields `first`.. of `out`; with a null `from` pointer at
  /// run time (an unmatched LEFT join row), writes NULLs instead.
  void copy_fields(CppBody& body, const std::string& from, const rt::RowLayout& from_layout, const std::string& out,
                   const rt::RowLayout& out_layout, size_t first, bool may_be_null) {
    if (may_be_null) body.open("if (" + from + " != nullptr)");
    for (size_t i = 0; i < from_layout.fields.size(); ++i)
      rows_.store(body, out, out_layout.fields[first + i], rows_.load(body, from, from_layout.fields[i]));
    if (!may_be_null) return;
    body.close();
    body.open("else");
    for (size_t i = 0; i < from_layout.fields.size(); ++i) {
      const rt::Field& f = out_layout.fields[first + i];
      rows_.store(body, out, f, CppValue{RowAccess::zero(f.type), "true"});
    }
    body.close();
  }

  void join_kernels(const PhysicalOperator& op) {
    const JoinParams& j = op.join;
    key_kernel(op, "left_key", j.left_keys, op.port_layouts[0], true);
    key_kernel(op, "right_key", j.right_keys, op.port_layouts[1], true);
    // combine(ctx, left, right, out) -> int32_t: the output row, then the residual condition.
    CppBody body;
    copy_fields(body, "left", op.port_layouts[0], "out", op.output_layout, 0, false);
    copy_fields(body, "right", op.port_layouts[1], "out", op.output_layout, op.port_layouts[0].fields.size(),
                j.type == JoinType::Left);
    std::string pass = "true";
    if (j.residual) {
      CppExpr expr(body, rows_, "ctx", "out", op.output_layout);
      pass = expr.emit_condition(*j.residual);
    }
    body.line("return (" + pass + ") ? 1 : 0;");
    function("int32_t", name(op, "combine"), ctx_param() + ", const uint8_t* left, const uint8_t* right, uint8_t* out", body);
  }

  void over_kernels(const PhysicalOperator& op) {
    key_kernel(op, "key", op.keys, op.input_layout);
    {
      CppBody body;
      CppExpr expr(body, rows_, "ctx", "row", op.input_layout);
      for (size_t c = 0; c < op.over_calls.size(); ++c)
        if (op.over_calls[c].arg) rows_.store(body, "args", op.args_layout.fields[c], expr.emit(*op.over_calls[c].arg));
      function("void", name(op, "args"), ctx_param() + ", const uint8_t* row, uint8_t* args", body);
    }
    {
      CppBody body;
      copy_fields(body, "row", op.input_layout, "out", op.output_layout, 0, false);
      copy_fields(body, "results", op.results_layout, "out", op.output_layout, op.input_layout.fields.size(), false);
      function("void", name(op, "finish"), ctx_param() + ", const uint8_t* row, const uint8_t* results, uint8_t* out", body);
    }
  }

  const PhysicalPlan& plan_;
  const KernelWriterOptions& options_;
  RowAccess rows_;
  std::string out_;
};

}  // namespace

std::string write_kernels(const PhysicalPlan& plan, const KernelWriterOptions& options) {
  return KernelWriter(plan, options).run();
}

}  // namespace vlac::cpp
