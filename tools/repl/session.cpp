// The session's state and the statements typed into it: lines are split into statements and
// meta-commands, CREATE STREAM statements are added to the session program, queries go to
// run_query (session_run.cpp), meta-commands to meta (meta_commands.cpp).
#include "repl/session.h"

#include <cctype>

#include "physical/physical_plan.h"
#include "repl/command_args.h"
#include "repl/session_internal.h"

namespace vlac::repl {

std::string declared_name(std::string_view statement) {
  // CREATE STREAM name ...: the third token, skipping blanks and comments.
  size_t i = 0;
  auto skip = [&] {
    while (i < statement.size()) {
      if (std::isspace(static_cast<unsigned char>(statement[i]))) {
        ++i;
      } else if (statement.substr(i, 2) == "--") {
        while (i < statement.size() && statement[i] != '\n') ++i;
      } else if (statement.substr(i, 2) == "/*") {
        size_t e = statement.find("*/", i + 2);
        i = e == std::string_view::npos ? statement.size() : e + 2;
      } else {
        break;
      }
    }
  };
  auto word = [&]() -> std::string {
    skip();
    std::string w;
    if (i < statement.size() && statement[i] == '"') {
      ++i;
      while (i < statement.size()) {
        if (statement[i] == '"') {
          if (i + 1 < statement.size() && statement[i + 1] == '"') {
            w += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        w += statement[i++];
      }
      return w;
    }
    while (i < statement.size() && (std::isalnum(static_cast<unsigned char>(statement[i])) || statement[i] == '_'))
      w += statement[i++];
    return w;
  };
  auto upper = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  if (upper(word()) != "CREATE") return "";
  if (upper(word()) != "STREAM") return "";
  return word();
}

Session::Session(SessionIo io) : io_(std::move(io)) {}
Session::~Session() = default;

void Session::error(const std::string& message, const std::string& hint) const {
  std::fflush(io_.out);
  std::fprintf(io_.err, "error: %s\n", message.c_str());
  if (!hint.empty()) std::fprintf(io_.err, "  = hint: %s\n", hint.c_str());
  std::fflush(io_.err);
}

void Session::note(const std::string& message) const {
  std::fflush(io_.out);
  std::fprintf(io_.err, "note: %s\n", message.c_str());
  std::fflush(io_.err);
}

bool Session::is_source(const std::string& stream) const {
  if (!program_) return false;
  for (const SourceStream& s : program_->program.sources)
    if (s.name == stream) return true;
  return false;
}

void Session::feed_line(std::string_view line) {
  if (!splitter_.in_statement()) {
    std::string t = trim(line);
    if (!t.empty() && t[0] == '.') {
      splitter_.reset();
      meta(line);
      return;
    }
  }
  std::string text(line);
  if (text.empty() || text.back() != '\n') text += '\n';
  splitter_.feed(text);
  run_pending_statements();
}

void Session::run_pending_statements() {
  for (SplitStatement& st : splitter_.take()) {
    Display where{"<repl>", st.lines, st.offset_in_lines};
    if (explain_next_) {
      // Show the line as typed, with `.explain` where the splitter saw blanks.
      if (st.first_line == 1 && where.text.size() >= explain_prefix_.size())
        where.text.replace(0, explain_prefix_.size(), explain_prefix_);
      explain_next_ = false;
      if (!explain_statement(st, where)) ++errors_;
      continue;
    }
    if (!execute(st, where)) ++errors_;
    if (quit_) break;
  }
  if (!splitter_.in_statement()) {
    splitter_.reset();
    explain_next_ = false;
  }
}

void Session::finish_input() {
  if (!splitter_.in_statement()) return;
  SplitStatement st = splitter_.pending();
  Display where{"<repl>", st.lines, st.offset_in_lines};
  bool explain = explain_next_;
  splitter_.reset();
  explain_next_ = false;
  bool ok = explain ? explain_statement(st, where) : execute(st, where);
  if (!ok) ++errors_;
}

void Session::discard_pending() {
  splitter_.reset();
  explain_next_ = false;
}

bool Session::execute(const SplitStatement& st, const Display& where) {
  if (first_word(st.text) == "CREATE") return add_stream(st, where);
  return run_query(st, where);
}

bool Session::add_stream(const SplitStatement& st, const Display& where) {
  Checked k = check(st.text);
  size_t errors = 0;
  if (k.c->diags.has_errors()) {
    errors = report(k, k.c->diags, where);
  } else {
    Diagnostics lowering;
    PhysicalPlan plan = lower_to_physical(k.c->program, *k.c->file, lowering);
    for (const Diagnostic& d : lowering.all()) {
      if (d.severity == Severity::Error) k.c->diags.error(d.range, d.message, d.hint);
      else k.c->diags.warning(d.range, d.message, d.hint);
    }
    errors = report(k, k.c->diags, where);
  }
  if (errors > 0) return false;

  std::string name = declared_name(st.text);
  statements_.push_back(st.text);
  prefix_ += st.text + "\n";
  program_ = std::move(k.c);
  if (!name.empty()) stream_order_.push_back(name);

  // One line to say what the session now has.
  auto it = program_->program.streams.find(name);
  if (it != program_->program.streams.end()) {
    const Schema& schema = it->second->schema;
    int columns = 0;
    for (const Column& c : schema.columns) columns += !c.hidden;
    std::string what = is_source(name) ? "source" : "derived";
    std::string line = "created " + what + " stream " + name + " (" + std::to_string(columns) +
                       (columns == 1 ? " column" : " columns");
    auto t = schema.event_time();
    line += t ? ", event time " + schema.columns[*t].name : ", no event time";
    line += ")";
    std::fprintf(io_.out, "%s\n", line.c_str());
    std::fflush(io_.out);
  }
  return true;
}

bool Session::load_file(const std::string& path) {
  std::string why;
  const std::optional<std::string> read = read_source_text(path, &why);
  if (!read) {
    error("cannot read '" + path + "': " + why);
    return false;
  }
  const std::string& text = *read;

  // The whole file first, as `vlac check` would see it after the session: all its errors at
  // once, and nothing added when there is one.
  Checked k = check(text);
  if (!k.c->diags.has_errors()) {
    Diagnostics lowering;
    PhysicalPlan plan = lower_to_physical(k.c->program, *k.c->file, lowering);
    for (const Diagnostic& d : lowering.all())
      if (d.severity == Severity::Error) k.c->diags.error(d.range, d.message, d.hint);
  }
  // Warnings are shown when each statement runs; here only errors.
  Diagnostics errors_only;
  for (const Diagnostic& d : k.c->diags.all())
    if (d.severity == Severity::Error) errors_only.error(d.range, d.message, d.hint);
  if (report(k, errors_only, Display{path, text, 0}) > 0) {
    std::fprintf(io_.err, "nothing from '%s' was added to the session\n", path.c_str());
    return false;
  }

  StatementSplitter splitter;
  splitter.feed(text);
  bool ok = true;
  for (const SplitStatement& s : splitter.take()) {
    ok &= execute(s, Display{path, text, s.begin});
    if (quit_) break;
  }
  return ok;
}

std::string Session::program_text() const {
  std::string out = "-- Saved by vlac repl.\n";
  bool any = false;
  for (const std::string& name : stream_order_) {
    auto it = inputs_.find(name);
    if (it == inputs_.end()) continue;
    for (const std::string& p : it->second) {
      if (!any) out += "-- Inputs bound in the session:\n";
      any = true;
      out += "--   --input " + name + "=" + p + "\n";
    }
  }
  for (const std::string& s : statements_) out += "\n" + s + "\n";
  return out;
}

Catalog Session::catalog() const {
  Catalog c;
  c.streams = stream_order_;
  if (!program_) return c;
  for (const SourceStream& s : program_->program.sources) c.sources.push_back(s.name);
  for (const auto& [name, node] : program_->program.streams) {
    std::vector<std::string>& cols = c.columns[name];
    for (const Column& col : node->schema.columns)
      if (col.resolvable) cols.push_back(col.name);
  }
  return c;
}

}  // namespace vlac::repl
