// Lowers the logical DAG into sources, fused pipelines, runtime operators and outputs.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "physical/physical_plan.h"
#include "plan/logical_plan.h"
#include "runtime/ops/window_math.h"

namespace vlac {

rt::FieldType field_type(Type t) {
  switch (t.kind) {
    case TypeKind::Bool: return rt::FieldType::Bool;
    case TypeKind::Int32: return rt::FieldType::Int32;
    case TypeKind::Int64: return rt::FieldType::Int64;
    case TypeKind::Float32: return rt::FieldType::Float32;
    case TypeKind::Float64: return rt::FieldType::Float64;
    case TypeKind::Timestamp: return rt::FieldType::Timestamp;
    case TypeKind::Interval: return rt::FieldType::Interval;
    case TypeKind::String: return rt::FieldType::String;
    case TypeKind::Null: return rt::FieldType::Int32;  // never stored: the binder types every NULL
  }
  return rt::FieldType::Int64;
}

rt::RowLayout layout_of(const Schema& schema, bool inline_strings) {
  std::vector<rt::RowLayout::ColumnSpec> cols;
  for (const Column& c : schema.columns) cols.push_back({field_type(c.type.type), c.type.nullable, c.type.type.max_bytes});
  return rt::RowLayout::make(cols, inline_strings);
}

namespace {

/// The key row of a join: one column per key pair, nullable when EITHER side's key is (a NULL
/// key on one side must stay NULL, never become the other side's zero value, so that it
/// matches nothing) and for every float key (its key kernel stores NaN, which equals nothing,
/// as a NULL key), wide enough for the longer STRING(n) of the two (so that no value is
/// truncated into equality with a shorter one).
Schema join_key_schema(const JoinNodeBase& j) {
  Schema key_schema;
  for (size_t i = 0; i < j.left_keys.size(); ++i) {
    ColumnType t = j.left_keys[i]->type;
    const ColumnType& r = j.right_keys[i]->type;
    t.nullable = t.nullable || r.nullable || t.type.is_float();
    if (t.type.max_bytes != 0 && r.type.max_bytes != 0) t.type.max_bytes = std::max(t.type.max_bytes, r.type.max_bytes);
    else t.type.max_bytes = 0;
    key_schema.columns.push_back({"", t});
  }
  return key_schema;
}

std::vector<ScalarExprPtr> clone_all(const std::vector<ScalarExprPtr>& exprs) {
  std::vector<ScalarExprPtr> out;
  for (const ScalarExprPtr& e : exprs) out.push_back(e->clone());
  return out;
}

/// Where a logical node's rows can be consumed: one or more producers (several for a UNION ALL).
using Producer = RowOrigin;

class Lowering {
 public:
  Lowering(const SourceFile& file, Diagnostics& diags, LoweringOptions options)
      : file_(file), diags_(diags), options_(options) {}

  PhysicalPlan run(const LogicalProgram& program) {
    // Readers of each node, to know where a pipeline must end.
    std::map<const PlanNode*, int> readers;
    std::vector<const PlanNode*> order;
    std::set<const PlanNode*> seen;
    std::function<void(const PlanNode*)> visit = [&](const PlanNode* n) {
      if (!seen.insert(n).second) return;
      for (const auto& in : n->inputs) {
        visit(in.get());
        ++readers[in.get()];
      }
      order.push_back(n);
    };
    for (const ProgramOutput& o : program.outputs) {
      visit(o.plan.get());
      ++readers[o.plan.get()];
    }
    readers_ = readers;
    for (const auto& [name, node] : program.streams) stream_names_[node.get()].push_back(name);
    // The columns each source's readers convert (prune-source-columns); empty = all.
    std::map<std::string, std::vector<bool>> read_columns;
    for (const PlanNode* n : order)
      if (n->kind == PlanKind::Source)
        read_columns[static_cast<const SourceNode*>(n)->stream] = static_cast<const SourceNode*>(n)->read_columns;

    for (const SourceStream& s : program.sources) {
      PhysicalSource src;
      src.stream = s.name;
      for (const Column& c : s.schema.columns) src.column_names.push_back(c.name);
      src.layout = layout_of(s.schema, options_.inline_strings);
      src.time_field = s.time_column.value_or(-1);
      src.watermark_bound_ns = s.watermark_bound_ns;
      if (auto it = read_columns.find(s.name); it != read_columns.end()) src.read_columns = it->second;
      source_index_[s.name] = static_cast<int>(plan_.sources.size());
      plan_.sources.push_back(std::move(src));
    }
    // Window merging (opt/merge_windows.cpp): the members of each shared group, in order. The
    // firmware target keeps one operator per aggregate: its fixed stores are sized per operator.
    for (const PlanNode* n : order)
      if (n->kind == PlanKind::WindowAggregate && !options_.inline_strings)
        if (int id = static_cast<const WindowAggregateNode*>(n)->shared_operator; id >= 0)
          shared_members_[id].push_back(static_cast<const WindowAggregateNode*>(n));
    for (const PlanNode* n : order) lower(*n);
    for (const ProgramOutput& o : program.outputs) {
      PhysicalOutput out;
      out.name = o.name;
      rt::RowLayout full = layout_of(o.plan->schema, options_.inline_strings);
      out.layout.size = full.size;
      out.layout.null_bytes = full.null_bytes;
      for (int i = 0; i < o.plan->schema.size(); ++i) {
        if (o.plan->schema.columns[i].hidden) continue;
        out.column_names.push_back(o.plan->schema.columns[i].name);
        out.layout.fields.push_back(full.fields[i]);
      }
      auto it = producers_.find(o.plan.get());
      if (it == producers_.end()) continue;  // its plan could not be lowered (reported)
      out.time_origins = origins_of(it->second);
      connect(it->second, {ConsumerKind::Output, static_cast<int>(plan_.outputs.size())});
      plan_.outputs.push_back(std::move(out));
    }
    return std::move(plan_);
  }

 private:
  std::vector<Consumer>& consumers_of(const Producer& p) {
    switch (p.kind) {
      case Producer::Source: return plan_.sources[p.index].consumers;
      case Producer::Pipeline: return plan_.pipelines[p.index].consumers;
      case Producer::Operator: return plan_.operators[p.index].consumers;
    }
    return plan_.sources[0].consumers;
  }

  void connect(const std::vector<Producer>& from, Consumer to) {
    for (const Producer& p : from) consumers_of(p).push_back(to);
  }

  std::vector<TimeOrigin> origins_of(const std::vector<Producer>& from) {
    std::vector<TimeOrigin> out;
    for (const Producer& p : from) {
      if (p.kind == Producer::Source) out.push_back({true, p.index});
      else if (p.kind == Producer::Operator) out.push_back({false, p.index});
      else for (const TimeOrigin& o : plan_.pipelines[p.index].time_origins) out.push_back(o);
    }
    return out;
  }

  std::string text_of(const PlanNode& n) { return std::string(file_.slice(n.range)); }

  void lower(const PlanNode& n) {
    switch (n.kind) {
      case PlanKind::Source: {
        const auto& s = static_cast<const SourceNode&>(n);
        producers_[&n] = {{Producer::Source, source_index_.at(s.stream)}};
        return;
      }
      case PlanKind::Filter:
      case PlanKind::Project: return lower_stateless(n);
      case PlanKind::Union: {
        std::vector<Producer> all;
        for (const auto& in : n.inputs) {
          auto it = producers_.find(in.get());
          if (it == producers_.end()) return;
          all.insert(all.end(), it->second.begin(), it->second.end());
        }
        for (const Producer& p : all)
          if (p.kind == Producer::Pipeline) plan_.pipelines[p.index].counted = true;
        plan_.unions.push_back({all});
        producers_[&n] = all;
        return;
      }
      case PlanKind::WindowAggregate:
      case PlanKind::GroupAggregate: return lower_aggregate(n);
      case PlanKind::WindowAssign: return lower_window_assign(n);
      case PlanKind::IntervalJoin:
      case PlanKind::AsofJoin:
      case PlanKind::WindowJoin: return lower_join(n);
      case PlanKind::Over: return lower_over(n);
    }
  }

  /// A filter or projection node as a pipeline step reading rows of `before`.
  PipelineStep step_of(const PlanNode& n, const rt::RowLayout& before) {
    PipelineStep step;
    if (n.kind == PlanKind::Filter) {
      step.kind = PipelineStep::Kind::Filter;
      step.predicate = static_cast<const FilterNode&>(n).predicate->clone();
      step.layout = before;
    } else {
      step.kind = PipelineStep::Kind::Project;
      step.exprs = clone_all(static_cast<const ProjectNode&>(n).exprs);
      step.layout = layout_of(n.schema, options_.inline_strings);
    }
    return step;
  }

  void lower_stateless(const PlanNode& n) {
    const PlanNode& in = *n.inputs[0];
    auto it = producers_.find(&in);
    if (it == producers_.end()) return;
    // Extend the input's pipeline when nothing else reads the input.
    if (it->second.size() == 1 && it->second[0].kind == Producer::Pipeline && readers_[&in] == 1) {
      Pipeline& p = plan_.pipelines[it->second[0].index];
      p.steps.push_back(step_of(n, p.steps.back().layout));
      p.counted = p.counted || n.kind == PlanKind::Filter;
      producers_[&n] = it->second;
      return;
    }
    Pipeline p;
    p.id = static_cast<int>(plan_.pipelines.size());
    p.input_layout = layout_of(in.schema, options_.inline_strings);
    p.steps.push_back(step_of(n, p.input_layout));
    p.time_origins = origins_of(it->second);
    p.source_text = text_of(n);
    p.counted = n.kind == PlanKind::Filter;
    connect(it->second, {ConsumerKind::Pipeline, p.id});
    producers_[&n] = {{Producer::Pipeline, p.id}};
    plan_.pipelines.push_back(std::move(p));
  }

  /// A runtime operator reading every input of `n`, one port per input.
  /// `connect`: false for an operator that receives no rows (it reads another's slices).
  PhysicalOperator& new_operator(const PlanNode& n, OperatorKind kind, bool connect = true) {
    PhysicalOperator op;
    op.id = static_cast<int>(plan_.operators.size());
    op.kind = kind;
    op.display_name = plan_kind_name(n.kind);
    for (size_t port = 0; port < n.inputs.size(); ++port) {
      const PlanNode& in = *n.inputs[port];
      op.port_layouts.push_back(layout_of(in.schema, options_.inline_strings));
      op.port_origins.push_back(origins_of(producers_.at(&in)));
      OperatorInput input;
      input.stream = stream_feeding(in);
      for (const Column& c : in.schema.columns) {
        input.column_names.push_back(c.name);
        input.visible.push_back(!c.hidden);
      }
      op.port_inputs.push_back(std::move(input));
      if (connect) this->connect(producers_.at(&in), {ConsumerKind::Operator, op.id, static_cast<int>(port)});
    }
    op.input_layout = op.port_layouts[0];
    op.output_layout = layout_of(n.schema, options_.inline_strings);
    op.source_text = text_of(n);
    producers_[&n] = {{Producer::Operator, op.id}};
    plan_.operators.push_back(std::move(op));
    return plan_.operators.back();
  }

  /// The stream an operator's input `in` reads (OperatorInput::stream): going down through
  /// filters and projections to the first node a stream names (a source's own name first when a
  /// derived stream names the source itself, else the first name in order); "" when it meets
  /// another node first.
  std::string stream_feeding(const PlanNode& in) const {
    for (const PlanNode* n = &in;;) {
      if (n->kind == PlanKind::Source) return static_cast<const SourceNode*>(n)->stream;
      if (auto it = stream_names_.find(n); it != stream_names_.end()) return it->second.front();
      if ((n->kind != PlanKind::Filter && n->kind != PlanKind::Project) || n->inputs.size() != 1) return "";
      n = n->inputs[0].get();
    }
  }

  bool inputs_lowered(const PlanNode& n) {
    for (const auto& in : n.inputs)
      if (!producers_.count(in.get())) return false;
    return true;
  }

  void lower_join(const PlanNode& n) {
    if (!inputs_lowered(n)) return;
    OperatorKind kind = n.kind == PlanKind::IntervalJoin ? OperatorKind::IntervalJoin
                        : n.kind == PlanKind::AsofJoin   ? OperatorKind::AsofJoin
                                                         : OperatorKind::WindowJoin;
    PhysicalOperator& op = new_operator(n, kind);
    const auto& j = static_cast<const JoinNodeBase&>(n);
    op.key_layout = layout_of(join_key_schema(j), options_.inline_strings);
    op.capacities = j.capacities;
    op.hold_back_ns = n.watermark.origin == Watermark::Origin::HeldBack ? n.watermark.hold_back_ns : 0;
    JoinParams& p = op.join;
    p.type = j.type;
    p.left_keys = clone_all(j.left_keys);
    p.right_keys = clone_all(j.right_keys);
    if (j.residual) p.residual = j.residual->clone();
    if (n.kind == PlanKind::IntervalJoin) {
      const auto& i = static_cast<const IntervalJoinNode&>(n);
      p.left_time = i.left_time;
      p.right_time = i.right_time;
      p.lower_ns = i.lower_ns;
      p.upper_ns = i.upper_ns;
    } else if (n.kind == PlanKind::AsofJoin) {
      const auto& a = static_cast<const AsofJoinNode&>(n);
      p.left_time = a.left_time;
      p.right_time = a.right_time;
    } else {
      const auto& w = static_cast<const WindowJoinNode&>(n);
      op.window = w.left_window;
      p.left_window_start = w.left_window_start;
      p.left_window_end = w.left_window_end;
      p.right_window_start = w.right_window_start;
      p.right_window_end = w.right_window_end;
    }
  }

  void lower_over(const PlanNode& n) {
    if (!inputs_lowered(n)) return;
    PhysicalOperator& op = new_operator(n, OperatorKind::Over);
    const auto& o = static_cast<const OverNode&>(n);
    Schema key_schema;
    for (const auto& k : o.partition_keys) key_schema.columns.push_back({"", k->type});
    op.key_layout = layout_of(key_schema, options_.inline_strings);
    op.capacities = o.capacities;
    op.time_field = o.order_column;
    op.keys = clone_all(o.partition_keys);
    for (const OverCall& c : o.calls) op.over_calls.push_back(c.clone());
    std::vector<rt::RowLayout::ColumnSpec> args, results;
    for (const OverCall& c : o.calls) {
      if (c.arg && c.arg->type.type.is_string())
        diags_.error(c.range, "OVER over STRING values is not supported by vlac run yet",
                     "aggregate or LAG a number, a BOOL or a TIMESTAMP");
      args.push_back({c.arg ? field_type(c.arg->type.type) : rt::FieldType::Int64, true, 0});
      results.push_back({field_type(c.result.type), true, 0});
    }
    op.args_layout = rt::RowLayout::make(args, options_.inline_strings);
    op.results_layout = rt::RowLayout::make(results, options_.inline_strings);
  }

  /// A HOP or CUMULATE whose every window is a separate state (a window that is not
  /// aggregated, or an aggregate that is not sliced) serves at most kMaxWindowsPerEvent per event.
  void check_windows_per_event(const PlanNode& n, const WindowSpec& w, const std::string& hint) {
    if (w.kind != WindowKind::Hop && w.kind != WindowKind::Cumulate) return;
    const bool hop = w.kind == WindowKind::Hop;
    const int64_t per_event = rt::windows_per_event(hop ? 1 : 2, w.size, w.slide);
    if (per_event <= rt::kMaxWindowsPerEvent) return;
    diags_.error(n.range, std::string(hop ? "HOP" : "CUMULATE") + " puts each event in " + std::to_string(per_event) +
                              " windows: at most " + std::to_string(rt::kMaxWindowsPerEvent) +
                              " are supported when each window is a separate state",
                 hint);
  }

  /// The index of aggregate `c` in `held`, added when no identical one is there (same function,
  /// same argument over the shared input, same result type).
  static int held_index(std::vector<const AggregateCall*>& held, const AggregateCall& c, const PlanNode& n) {
    const std::vector<std::string> names = all_names(n.inputs[0]->schema);
    auto text = [&](const AggregateCall& a) {
      return std::to_string(static_cast<int>(a.function)) + "(" + (a.arg ? to_string(*a.arg, names) + ":" + type_name(a.arg->type.type) : "*") +
             ")" + type_name(a.result.type);
    };
    const std::string mine = text(c);
    for (size_t i = 0; i < held.size(); ++i)
      if (text(*held[i]) == mine) return static_cast<int>(i);
    held.push_back(&c);
    return static_cast<int>(held.size()) - 1;
  }

  void lower_window_assign(const PlanNode& n) {
    if (!inputs_lowered(n)) return;
    const WindowSpec& window = static_cast<const WindowAssignNode&>(n).window;
    check_windows_per_event(n, window, "a window that is not aggregated copies each row into every window: use a larger slide");
    PhysicalOperator& op = new_operator(n, OperatorKind::WindowAssign);
    op.window = window;
    op.windowed = true;
    op.time_field = op.window.time_column;
  }

  void lower_aggregate(const PlanNode& n) {
    if (!inputs_lowered(n)) return;
    const auto* shared = n.kind == PlanKind::WindowAggregate ? static_cast<const WindowAggregateNode*>(&n) : nullptr;
    if (shared && !shared_members_.count(shared->shared_operator)) shared = nullptr;
    const int owner = shared && shared_owner_.count(shared->shared_operator) ? shared_owner_[shared->shared_operator] : -1;
    if (n.kind == PlanKind::WindowAggregate && static_cast<const WindowAggregateNode&>(n).window.slice == 0)
      check_windows_per_event(n, static_cast<const WindowAggregateNode&>(n).window,
                              "computed from slices (the slice-windows pass, off with --no-optimize or "
                              "--disable-pass=slice-windows), the state does not grow with the windows");
    PhysicalOperator& op = new_operator(n, OperatorKind::WindowAggregate, owner < 0);
    op.reads_slices_of = owner;
    if (shared && owner < 0) shared_owner_[shared->shared_operator] = op.id;
    const std::vector<ScalarExprPtr>* keys;
    const std::vector<AggregateCall>* calls;
    if (n.kind == PlanKind::WindowAggregate) {
      const auto& w = static_cast<const WindowAggregateNode&>(n);
      op.windowed = true;
      op.window = w.window;
      op.time_field = w.window.time_column;
      op.capacities = w.capacities;
      keys = &w.keys;
      calls = &w.aggregates;
    } else {
      const auto& g = static_cast<const GroupAggregateNode&>(n);
      op.time_field = n.inputs[0]->schema.event_time().value_or(-1);
      op.capacities = g.capacities;
      op.global = g.keys.empty();
      keys = &g.keys;
      calls = &g.aggregates;
    }
    Schema key_schema;
    for (const auto& k : *keys) key_schema.columns.push_back({"", k->type});
    op.key_layout = layout_of(key_schema, options_.inline_strings);
    op.keys = clone_all(*keys);

    // Accumulator fields, per aggregate.
    std::vector<rt::RowLayout::ColumnSpec> acc;
    auto add = [&](rt::FieldType t, uint32_t max_bytes = 0) {
      acc.push_back({t, false, max_bytes});
      return static_cast<int>(acc.size()) - 1;
    };
    // Shared slices hold every member's aggregates, identical ones once, in one layout.
    std::vector<const AggregateCall*> held;
    if (shared) {
      for (const WindowAggregateNode* m : shared_members_[shared->shared_operator])
        for (const AggregateCall& c : m->aggregates) held_index(held, c, n);
      for (const AggregateCall& c : *calls) op.output_slots.push_back(held_index(held, c, n));
    } else {
      for (const AggregateCall& c : *calls) held.push_back(&c);
    }
    for (const AggregateCall* call : held) {
      const AggregateCall& c = *call;
      AccumulatorSlots s;
      s.function = c.function;
      if (c.arg) s.arg = c.arg->clone();
      rt::FieldType arg = c.arg ? field_type(c.arg->type.type) : rt::FieldType::Int64;
      uint32_t arg_bytes = c.arg ? c.arg->type.type.max_bytes : 0;  // STRING(n) values inline on firmware
      bool float_arg = c.arg && c.arg->type.type.is_float();
      switch (c.function) {
        case AggregateFunction::CountStar:
        case AggregateFunction::Count: s.count = add(rt::FieldType::Int64); break;
        case AggregateFunction::Sum:
        case AggregateFunction::Avg:
          s.value = add(float_arg ? rt::FieldType::Float64 : rt::FieldType::Int64);
          if (c.function == AggregateFunction::Avg && !float_arg) s.high = add(rt::FieldType::Int64);  // wide_sum_add
          s.count = add(rt::FieldType::Int64);
          break;
        case AggregateFunction::StddevPop:
        case AggregateFunction::StddevSamp:
        case AggregateFunction::VarPop:
        case AggregateFunction::VarSamp:
          s.value = add(rt::FieldType::Float64);
          s.m2 = add(rt::FieldType::Float64);
          s.count = add(rt::FieldType::Int64);
          s.pivot = add(rt::FieldType::Float64);
          break;
        case AggregateFunction::Min:
        case AggregateFunction::Max:
          s.value = add(arg, arg_bytes);
          s.count = add(rt::FieldType::Int64);
          break;
        case AggregateFunction::FirstValue:
        case AggregateFunction::LastValue:
          s.value = add(arg, arg_bytes);
          s.count = add(rt::FieldType::Int64);
          s.time = add(rt::FieldType::Int64);
          s.seq = add(rt::FieldType::Int64);
          break;
        case AggregateFunction::Lag: break;  // OVER only
      }
      op.slots.push_back(std::move(s));
    }
    op.acc_layout = rt::RowLayout::make(acc, options_.inline_strings);
  }

  const SourceFile& file_;
  Diagnostics& diags_;
  std::map<int, std::vector<const WindowAggregateNode*>> shared_members_;  // merge-windows groups
  std::map<int, int> shared_owner_;  // group -> the operator that owns its slices
  LoweringOptions options_;
  PhysicalPlan plan_;
  std::map<std::string, int> source_index_;
  std::map<const PlanNode*, std::vector<Producer>> producers_;
  std::map<const PlanNode*, int> readers_;
  std::map<const PlanNode*, std::vector<std::string>> stream_names_;  // the streams naming each node
};

}  // namespace

PhysicalPlan lower_to_physical(const LogicalProgram& program, const SourceFile& file, Diagnostics& diags,
                               LoweringOptions options) {
  return Lowering(file, diags, options).run(program);
}

}  // namespace vlac
