// `vlac explain --format dot`: the dataflow for Graphviz. One box per operator (its kind and
// detail, schema and watermark), an edge from each input to each reader, one ellipse per output;
// a node read by several outputs is drawn once. Window aggregates that share one runtime operator
// (window merging: the same `shared_operator`) are drawn inside one cluster.
#include <map>
#include <set>

#include "plan/explain.h"
#include "plan/explain_parts.h"

namespace vlac {
namespace {

/// `text` as the inside of a DOT double-quoted string.
std::string dot_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

/// One label line per piece of `text` of at most ~`width` characters, broken after ", ";
/// lines after the first indented. Each line ends with DOT's left-justified break, `\l`.
std::string label_lines(const std::string& text, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(", ", start);
    size_t end = comma == std::string::npos ? text.size() : comma + 2;
    std::string piece = text.substr(start, end - start);
    start = end;
    if (!line.empty() && line.size() + piece.size() > width) {
      out += dot_escaped(line.erase(line.find_last_not_of(' ') + 1)) + "\\l";
      line = "    ";
    }
    line += piece;
  }
  return out + dot_escaped(line) + "\\l";
}

std::string node_label(const PlanNode& n, int id) {
  std::string detail = detail_text(n);
  return label_lines("#" + std::to_string(id) + " " + plan_kind_name(n.kind) + (detail.empty() ? "" : " " + detail), 72) +
         label_lines("schema: " + schema_text(n.schema), 72) + label_lines("watermark: " + watermark_text(n), 72);
}

int shared_operator_of(const PlanNode& n) {
  return n.kind == PlanKind::WindowAggregate ? static_cast<const WindowAggregateNode&>(n).shared_operator : -1;
}

}  // namespace

std::string explain_dot(const LogicalProgram& program) {
  std::vector<const PlanNode*> order = topological_order(program);
  std::map<const PlanNode*, int> ids;
  for (const PlanNode* n : order) ids[n] = static_cast<int>(ids.size());
  std::string out =
      "digraph vlac {\n"
      "  rankdir=TB;\n"
      "  node [shape=box, fontname=\"monospace\", fontsize=10];\n"
      "  edge [fontname=\"monospace\", fontsize=9];\n";
  std::map<int, std::vector<int>> shared;  // shared operator -> its nodes
  for (const PlanNode* n : order) {
    const int id = ids[n];
    if (int s = shared_operator_of(*n); s >= 0) shared[s].push_back(id);
    out += "  n" + std::to_string(id) + " [label=\"" + node_label(*n, id) + "\"" +
           (n->kind == PlanKind::Source ? ", style=filled, fillcolor=\"#e8f0fe\"" : "") + "];\n";
  }
  for (const auto& [s, members] : shared) {
    out += "  subgraph cluster_shared_" + std::to_string(s) + " {\n    label=\"shared operator #" + std::to_string(s) +
           "\";\n    style=dashed;\n";
    for (int id : members) out += "    n" + std::to_string(id) + ";\n";
    out += "  }\n";
  }
  for (size_t i = 0; i < program.outputs.size(); ++i) {
    const ProgramOutput& o = program.outputs[i];
    out += "  out" + std::to_string(i) + " [shape=ellipse, style=bold, label=\"output " + dot_escaped(o.name) + "\"];\n";
  }
  for (const PlanNode* n : order)
    for (size_t k = 0; k < n->inputs.size(); ++k) {
      out += "  n" + std::to_string(ids[n->inputs[k].get()]) + " -> n" + std::to_string(ids[n]);
      // A join's sides, so that left and right can be told apart.
      if (n->inputs.size() == 2 && (n->kind == PlanKind::IntervalJoin || n->kind == PlanKind::AsofJoin ||
                                    n->kind == PlanKind::WindowJoin))
        out += k == 0 ? " [label=\"left\"]" : " [label=\"right\"]";
      out += ";\n";
    }
  for (size_t i = 0; i < program.outputs.size(); ++i)
    out += "  n" + std::to_string(ids[program.outputs[i].plan.get()]) + " -> out" + std::to_string(i) + ";\n";
  return out + "}\n";
}

}  // namespace vlac
