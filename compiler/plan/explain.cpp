#include "plan/explain.h"

#include "plan/explain_parts.h"

#include <functional>
#include <map>

namespace vlac {

std::vector<const PlanNode*> topological_order(const LogicalProgram& p) {
  std::vector<const PlanNode*> order;
  std::map<const PlanNode*, bool> seen;
  std::function<void(const PlanNode*)> visit = [&](const PlanNode* n) {
    if (seen[n]) return;
    seen[n] = true;
    for (const auto& in : n->inputs) visit(in.get());
    order.push_back(n);
  };
  for (const ProgramOutput& o : p.outputs) visit(o.plan.get());
  return order;
}

namespace {

using Json = nlohmann::ordered_json;

std::string column_text(const Column& c) {
  std::string s = c.name + " " + type_name(c.type.type) + (c.type.nullable ? "" : " NOT NULL");
  if (c.time_attribute) s += " *time*";
  if (c.hidden) s += " (hidden)";
  return s;
}

}  // namespace

std::string schema_text(const Schema& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.columns.size(); ++i) out += (i ? ", " : "") + column_text(s.columns[i]);
  return out + "]";
}

std::string watermark_text(const PlanNode& n) {
  const Watermark& w = n.watermark;
  switch (w.origin) {
    case Watermark::Origin::Source: {
      auto t = n.schema.event_time();
      if (!t) return "none (no WATERMARK clause)";
      return n.schema.columns[*t].name + (w.bound_ns ? " - " + format_duration(w.bound_ns) : "");
    }
    case Watermark::Origin::Input: return "input's";
    case Watermark::Origin::MinOfInputs: return "min of inputs";
    case Watermark::Origin::HeldBack:
      return w.hold_back_ns ? "min of inputs, held back " + format_duration(w.hold_back_ns)
                            : "min of inputs, held back by pending rows";
    case Watermark::Origin::EndOfInput: return "end of input only";
  }
  return "?";
}

namespace {

/// `in` names the window's input columns; empty to leave out the time column (window joins,
/// whose inputs are already windowed).
std::string window_text(const WindowSpec& w, const std::vector<std::string>& in) {
  std::string s = window_kind_name(w.kind) + "(";
  if (!in.empty()) s += (w.time_column >= 0 && w.time_column < static_cast<int>(in.size()) ? in[w.time_column] : "?") + ", ";
  switch (w.kind) {
    case WindowKind::Tumble: s += format_duration(w.size); break;
    case WindowKind::Hop: s += "slide " + format_duration(w.slide) + ", size " + format_duration(w.size); break;
    case WindowKind::Session: s += "gap " + format_duration(w.gap); break;
    case WindowKind::Cumulate: s += "step " + format_duration(w.slide) + ", max " + format_duration(w.size); break;
  }
  if (w.offset) s += ", offset " + format_duration(w.offset);
  return s + ")";
}

std::string call_text(AggregateFunction f, const ScalarExprPtr& arg, const std::vector<std::string>& in) {
  return std::string(aggregate_info(f).name) + "(" + (arg ? to_string(*arg, in) : "*") + ")";
}

std::string list_text(const std::vector<ScalarExprPtr>& v, const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + to_string(*v[i], names);
  return s;
}

std::string capacities_text(const Capacities& c) {
  std::string s;
  if (c.max_keys) s += " max_keys=" + std::to_string(*c.max_keys);
  if (c.max_open_windows) s += " max_open_windows=" + std::to_string(*c.max_open_windows);
  if (c.max_buffered_rows) s += " max_buffered_rows=" + std::to_string(*c.max_buffered_rows);
  return s;
}

std::string join_keys_text(const JoinNodeBase& j) {
  std::vector<std::string> l = all_names(j.inputs[0]->schema), r = all_names(j.inputs[1]->schema);
  std::string s;
  for (size_t i = 0; i < j.left_keys.size(); ++i)
    s += (i ? ", " : "") + to_string(*j.left_keys[i], l) + " = " + to_string(*j.right_keys[i], r);
  return s.empty() ? "none" : s;
}

std::string frame_text(const OverCall& c) {
  if (c.function == AggregateFunction::Lag) return "LAG " + std::to_string(c.lag_offset);
  std::string unit = c.unit == FrameUnit::Rows ? "ROWS " : "RANGE ";
  if (c.unbounded) return unit + "UNBOUNDED PRECEDING";
  return unit + (c.unit == FrameUnit::Rows ? std::to_string(c.preceding) : format_duration(c.preceding)) + " PRECEDING";
}

/// The names of the source columns the readers skip (prune-source-columns); empty when none.
std::vector<std::string> skipped_columns(const SourceNode& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.read_columns.size() && i < s.schema.columns.size(); ++i)
    if (!s.read_columns[i]) out.push_back(s.schema.columns[i].name);
  return out;
}

std::string source_text(const SourceNode& s) {
  std::vector<std::string> skipped = skipped_columns(s);
  if (skipped.empty()) return s.stream;
  std::string list;
  for (size_t i = 0; i < skipped.size(); ++i) list += (i ? ", " : "") + skipped[i];
  return s.stream + " skips [" + list + "]";
}

}  // namespace

/// The operator-specific part of a node's first line.
std::string detail_text(const PlanNode& n) {
  std::vector<std::string> in = n.inputs.empty() ? std::vector<std::string>{} : all_names(n.inputs[0]->schema);
  switch (n.kind) {
    case PlanKind::Source: return source_text(static_cast<const SourceNode&>(n));
    case PlanKind::Filter: return to_string(*static_cast<const FilterNode&>(n).predicate, in);
    case PlanKind::Project: return list_text(static_cast<const ProjectNode&>(n).exprs, in);
    case PlanKind::WindowAssign: return window_text(static_cast<const WindowAssignNode&>(n).window, in);
    case PlanKind::WindowAggregate: {
      const auto& w = static_cast<const WindowAggregateNode&>(n);
      std::string aggs;
      for (size_t i = 0; i < w.aggregates.size(); ++i)
        aggs += (i ? ", " : "") + w.schema.columns[w.keys.size() + 3 + i].name + " := " +
                call_text(w.aggregates[i].function, w.aggregates[i].arg, in);
      std::string slices = w.window.slice ? " slices=" + format_duration(w.window.slice) : "";
      if (w.shared_operator >= 0) slices += " shared-operator=" + std::to_string(w.shared_operator);
      return window_text(w.window, in) + slices + " keys=[" + list_text(w.keys, in) + "] aggregates=[" + aggs + "]" +
             capacities_text(w.capacities);
    }
    case PlanKind::GroupAggregate: {
      const auto& g = static_cast<const GroupAggregateNode&>(n);
      std::string aggs;
      for (size_t i = 0; i < g.aggregates.size(); ++i)
        aggs += (i ? ", " : "") + g.schema.columns[g.keys.size() + i].name + " := " +
                call_text(g.aggregates[i].function, g.aggregates[i].arg, in);
      return "keys=[" + list_text(g.keys, in) + "] aggregates=[" + aggs + "]" + capacities_text(g.capacities);
    }
    case PlanKind::IntervalJoin: {
      const auto& j = static_cast<const IntervalJoinNode&>(n);
      std::string s = std::string(j.type == JoinType::Left ? "LEFT " : "") + "keys=[" + join_keys_text(j) + "] " +
                      all_names(j.inputs[1]->schema)[j.right_time] + " - " + in[j.left_time] + " in [" +
                      std::to_string(j.lower_ns) + "ns, " + std::to_string(j.upper_ns) + "ns]";
      if (j.residual) s += " residual=" + to_string(*j.residual, all_names(j.schema));
      return s + capacities_text(j.capacities);
    }
    case PlanKind::AsofJoin: {
      const auto& j = static_cast<const AsofJoinNode&>(n);
      return std::string(j.type == JoinType::Left ? "LEFT " : "") + "keys=[" + join_keys_text(j) + "] " + in[j.left_time] +
             " >= " + all_names(j.inputs[1]->schema)[j.right_time] + capacities_text(j.capacities);
    }
    case PlanKind::WindowJoin: {
      const auto& j = static_cast<const WindowJoinNode&>(n);
      return std::string(j.type == JoinType::Left ? "LEFT " : "") + "keys=[" + join_keys_text(j) + "] " +
             window_text(j.left_window, {}) + capacities_text(j.capacities);
    }
    case PlanKind::Over: {
      const auto& o = static_cast<const OverNode&>(n);
      std::string calls;
      for (size_t i = 0; i < o.calls.size(); ++i)
        calls += (i ? ", " : "") + o.schema.columns[o.inputs[0]->schema.size() + i].name + " := " +
                 call_text(o.calls[i].function, o.calls[i].arg, in) + " " + frame_text(o.calls[i]);
      return "partition=[" + list_text(o.partition_keys, in) + "] order=" +
             (o.order_column >= 0 ? in[o.order_column] : "?") + " calls=[" + calls + "]" + capacities_text(o.capacities);
    }
    case PlanKind::Union: return std::to_string(n.inputs.size()) + " inputs";
  }
  return "";
}

std::string explain_text(const LogicalProgram& program) {
  std::map<const PlanNode*, int> ids;
  for (const PlanNode* n : topological_order(program)) ids[n] = static_cast<int>(ids.size());
  std::map<const PlanNode*, bool> printed;
  std::string out;
  std::function<void(const PlanNode*, const std::string&)> print = [&](const PlanNode* n, const std::string& indent) {
    out += indent + "#" + std::to_string(ids[n]) + " " + plan_kind_name(n->kind) + " " + detail_text(*n);
    if (printed[n]) {
      out += "  (shown above)\n";
      return;
    }
    printed[n] = true;
    out += "\n" + indent + "     schema: " + schema_text(n->schema) + "\n";
    out += indent + "     watermark: " + watermark_text(*n) + "\n";
    for (const auto& in : n->inputs) print(in.get(), indent + "  ");
  };
  for (const ProgramOutput& o : program.outputs) {
    out += "output " + o.name + "\n";
    print(o.plan.get(), "  ");
  }
  return out;
}

namespace {

Json column_json(const Column& c) {
  Json j;
  j["name"] = c.name;
  j["type"] = type_name(c.type.type);
  j["nullable"] = c.type.nullable;
  j["event_time"] = c.time_attribute;
  j["hidden"] = c.hidden;
  return j;
}

const char* origin_name(Watermark::Origin o) {
  switch (o) {
    case Watermark::Origin::Source: return "source";
    case Watermark::Origin::Input: return "input";
    case Watermark::Origin::MinOfInputs: return "min_of_inputs";
    case Watermark::Origin::HeldBack: return "held_back";
    case Watermark::Origin::EndOfInput: return "end_of_input";
  }
  return "?";
}

}  // namespace

Json explain_json(const LogicalProgram& program) {
  std::vector<const PlanNode*> order = topological_order(program);
  std::map<const PlanNode*, int> ids;
  for (const PlanNode* n : order) ids[n] = static_cast<int>(ids.size());
  Json nodes = Json::array();
  for (const PlanNode* n : order) {
    Json j;
    j["id"] = ids[n];
    j["kind"] = plan_kind_name(n->kind);
    j["detail"] = detail_text(*n);
    Json inputs = Json::array();
    for (const auto& in : n->inputs) inputs.push_back(ids[in.get()]);
    j["inputs"] = inputs;
    Json cols = Json::array();
    for (const Column& c : n->schema.columns) cols.push_back(column_json(c));
    j["schema"] = cols;
    auto t = n->schema.event_time();
    j["event_time"] = t ? Json(n->schema.columns[*t].name) : Json(nullptr);
    Json wm;
    wm["origin"] = origin_name(n->watermark.origin);
    if (n->watermark.origin == Watermark::Origin::Source) wm["bound_ns"] = n->watermark.bound_ns;
    if (n->watermark.origin == Watermark::Origin::HeldBack) wm["hold_back_ns"] = n->watermark.hold_back_ns;
    j["watermark"] = wm;
    if (n->kind == PlanKind::Source) j["skipped_columns"] = skipped_columns(static_cast<const SourceNode&>(*n));
    nodes.push_back(j);
  }
  Json outputs = Json::array();
  for (const ProgramOutput& o : program.outputs) {
    Json j;
    j["name"] = o.name;
    j["node"] = ids[o.plan.get()];
    Json cols = Json::array();
    for (const Column& c : o.plan->schema.columns)
      if (!c.hidden) cols.push_back(column_json(c));
    j["columns"] = cols;
    outputs.push_back(j);
  }
  Json sources = Json::array();
  for (const SourceStream& s : program.sources) {
    Json j;
    j["name"] = s.name;
    j["event_time"] = s.time_column ? Json(s.schema.columns[*s.time_column].name) : Json(nullptr);
    j["watermark_bound_ns"] = s.watermark_bound_ns;
    Json cols = Json::array();
    for (const Column& c : s.schema.columns) cols.push_back(column_json(c));
    j["columns"] = cols;
    sources.push_back(j);
  }
  Json root;
  root["version"] = 1;
  root["sources"] = sources;
  root["outputs"] = outputs;
  root["nodes"] = nodes;
  return root;
}

}  // namespace vlac
