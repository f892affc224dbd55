// `.schema`: a stream's columns, event time, watermark and input.
#include <algorithm>
#include <set>
#include <sstream>

#include "plan/scalar_expr.h"
#include "repl/command_args.h"
#include "repl/session_internal.h"
#include "runtime/io/table_writer.h"
#include "runtime/nearest_name.h"

namespace vlac::repl {
namespace {

/// Source streams a plan node reads, in first-seen order.
void sources_of(const PlanNode* n, std::vector<std::string>& out, std::set<const PlanNode*>& seen) {
  if (!seen.insert(n).second) return;
  if (n->kind == PlanKind::Source) {
    const std::string& s = static_cast<const SourceNode*>(n)->stream;
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  for (const auto& in : n->inputs) sources_of(in.get(), out, seen);
}

bool ends_at_end_of_input(const PlanNode* n) {
  if (n->watermark.origin == Watermark::Origin::EndOfInput) return true;
  if (n->watermark.origin == Watermark::Origin::Input && !n->inputs.empty()) return ends_at_end_of_input(n->inputs[0].get());
  return false;
}

}  // namespace

std::string Session::schema_text(const std::string& name) const {
  const LogicalProgram& p = program_->program;
  auto it = p.streams.find(name);
  const Schema& schema = it->second->schema;
  const bool source = is_source(name);
  std::string out;
  std::vector<std::string> from;
  if (!source) {
    std::set<const PlanNode*> seen;
    sources_of(it->second.get(), from, seen);
  }
  out += name + ": " + (source ? "source stream" : "derived stream");
  if (!from.empty()) {
    out += " over ";
    out += join_names(from);
  }
  out += "\n";
  std::vector<std::vector<std::string>> rows;
  auto time = schema.event_time();
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const Column& c = schema.columns[i];
    if (!c.resolvable) continue;
    std::string notes;
    if (time && static_cast<size_t>(*time) == i) notes = "event time";
    if (c.hidden) notes += std::string(notes.empty() ? "" : ", ") + "hidden (not in SELECT *)";
    rows.push_back({c.name, type_name(c.type.type), std::string(c.type.nullable ? "NULL" : "NOT NULL"), notes});
  }
  std::string table = rt::render_text_table({"column", "type", "null", "notes"}, rows);
  // Indent the table under the stream's name.
  std::istringstream lines(table);
  for (std::string l; std::getline(lines, l);) out += "  " + l + "\n";
  if (source) {
    const SourceStream* s = nullptr;
    for (const SourceStream& x : p.sources)
      if (x.name == name) s = &x;
    if (s && s->time_column)
      out += "  watermark: " + schema.columns[*s->time_column].name +
             (s->watermark_bound_ns ? " - " + format_duration(s->watermark_bound_ns) : "") + "\n";
    else
      out += "  watermark: none (no WATERMARK clause: time windows over it are not possible)\n";
    auto in = inputs_.find(name);
    if (in == inputs_.end() || in->second.empty()) {
      out += "  input: none (.input " + name + "=PATH)\n";
    } else {
      std::vector<std::string> shown;
      for (const std::string& path : in->second) shown.push_back(shown_input(path));
      out += "  input: " + join_names(shown) + "\n";
    }
  } else if (!time) {
    out += "  watermark: none (no event-time column: it cannot be windowed downstream)\n";
  } else if (ends_at_end_of_input(it->second.get())) {
    out += "  watermark: end of input only (a GROUP BY without a window)\n";
  } else {
    std::string w;
    for (const std::string& f : from) {
      for (const SourceStream& x : p.sources) {
        if (x.name != f) continue;
        w += (w.empty() ? "" : ", ") + f;
        if (x.time_column)
          w += " (" + x.schema.columns[*x.time_column].name +
               (x.watermark_bound_ns ? " - " + format_duration(x.watermark_bound_ns) : "") + ")";
      }
    }
    out += std::string("  watermark: ") + (from.size() > 1 ? "the minimum of " : "follows ") + w + "\n";
  }
  return out;
}

bool Session::cmd_schema(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
  if (stream_order_.empty()) {
    if (!args.empty()) {
      error("no stream '" + unquote_name(args[0]) + "'", "the session has no streams yet");
      return false;
    }
    std::fprintf(io_.out, "no streams yet: declare one with CREATE STREAM name (column TYPE, ...);\n");
    std::fflush(io_.out);
    return true;
  }
  std::string out;
  if (args.empty()) {
    for (size_t i = 0; i < stream_order_.size(); ++i) {
      if (i) out += '\n';
      out += schema_text(stream_order_[i]);
    }
  } else {
    for (const std::string& a : args) {
      std::string name = unquote_name(a);
      if (!program_->program.streams.count(name)) {
        std::string hint = did_you_mean(name, stream_order_);
        if (hint.empty()) {
          hint = "the session's streams are: " + join_names(stream_order_);
        }
        error("no stream '" + name + "'", hint);
        return false;
      }
      if (!out.empty()) out += '\n';
      out += schema_text(name);
    }
  }
  std::fputs(out.c_str(), io_.out);
  std::fflush(io_.out);
  return true;
}

}  // namespace vlac::repl
