#include "repl/session.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "codegen/jit/jit_engine.h"
#include "exec/executor.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "plan/explain.h"
#include "plan/scalar_expr.h"
#include "sema/scope.h"

namespace vlac::repl {

// ---- small helpers ----

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_query_sigint(int) { g_cancel.store(true, std::memory_order_relaxed); }

/// Ctrl-C cancels the running query: a SIGINT handler, installed only while a query runs
/// (interactive sessions only), sets the flag the engine polls. It is installed without
/// SA_RESTART so that a read of live standard input returns at once.
class SigintGuard {
 public:
  explicit SigintGuard(bool active) : active_(active) {
    g_cancel.store(false);
    if (!active_) return;
    struct sigaction sa {};
    sa.sa_handler = on_query_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, &old_);
  }
  ~SigintGuard() {
    if (active_) sigaction(SIGINT, &old_, nullptr);
  }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  bool active_;
  struct sigaction old_ {};
};

/// A FILE whose bytes go to a callback (fopencookie), so that a query's rows can be counted
/// and laid out as they are written, without holding them all.
class CallbackFile {
 public:
  explicit CallbackFile(std::function<void(std::string_view)> fn) : fn_(std::move(fn)) {
    cookie_io_functions_t io{};
    io.write = &CallbackFile::write;
    f_ = fopencookie(this, "w", io);
  }
  ~CallbackFile() { close(); }
  CallbackFile(const CallbackFile&) = delete;
  CallbackFile& operator=(const CallbackFile&) = delete;
  std::FILE* file() const { return f_; }
  void close() {
    if (f_) std::fclose(f_);
    f_ = nullptr;
  }

 private:
  static ssize_t write(void* cookie, const char* buf, size_t size) {
    static_cast<CallbackFile*>(cookie)->fn_(std::string_view(buf, size));
    return static_cast<ssize_t>(size);
  }
  std::function<void(std::string_view)> fn_;
  std::FILE* f_ = nullptr;
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

/// Splits a meta-command's arguments at blanks; '...' or "..." quote an argument with blanks.
std::vector<std::string> split_args(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) break;
    std::string arg;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
      if (s[i] == '\'' || s[i] == '"') {
        const char q = s[i++];
        while (i < s.size() && s[i] != q) arg += s[i++];
        if (i < s.size()) ++i;
      } else {
        arg += s[i++];
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

/// A stream name as typed in a meta-command: plain, or "quoted".
std::string unquote_name(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == '"' && s[i + 1] == '"') ++i;
    }
    return out;
  }
  return s;
}

bool right_aligned(rt::FieldType t) {
  return t == rt::FieldType::Int32 || t == rt::FieldType::Int64 || t == rt::FieldType::Float32 ||
         t == rt::FieldType::Float64 || t == rt::FieldType::Interval;
}

const char* format_name(ResultFormat f) {
  switch (f) {
    case ResultFormat::Table: return "table";
    case ResultFormat::Csv: return "csv";
    case ResultFormat::Jsonl: return "jsonl";
  }
  return "table";
}

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

constexpr const char* kLiveHint =
    "reading %s from standard input: CSV with a header line first (or JSON Lines); "
    "Ctrl-D ends the input, Ctrl-C cancels the query\n";

}  // namespace

const std::vector<std::string>& meta_command_names() {
  static const std::vector<std::string> names = {".exit",   ".explain", ".format", ".help",  ".input",
                                                 ".limit",  ".load",    ".nullvalue", ".quit", ".reset",
                                                 ".save",   ".schema",  ".timestamps"};
  return names;
}

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

// ---- the session ----

struct Session::Checked {
  std::unique_ptr<Compilation> c;
  size_t prefix_len = 0;
  uint32_t prefix_lines = 0;
};

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

// ---- checking statements against the session ----

Session::Checked Session::check(std::string_view text) const {
  Checked k;
  k.prefix_len = prefix_.size();
  k.prefix_lines = static_cast<uint32_t>(std::count(prefix_.begin(), prefix_.end(), '\n'));
  k.c = std::make_unique<Compilation>(compile_program("<session>", prefix_ + std::string(text)));
  return k;
}

size_t Session::report(const Checked& k, const Diagnostics& diags, const Display& where) const {
  Diagnostics mine, elsewhere;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::Warning && d.message == "the program has no output") continue;  // a session needs none
    if (d.range.begin < k.prefix_len) {
      // In the session's own text: only an error the new text caused is worth showing.
      if (d.severity == Severity::Error) elsewhere.error(d.range, d.message, d.hint);
      continue;
    }
    Diagnostic m = d;
    const size_t limit = where.text.size();
    m.range.begin = static_cast<uint32_t>(std::min<size_t>(d.range.begin - k.prefix_len + where.offset, limit));
    m.range.end = static_cast<uint32_t>(std::min<size_t>(std::max(d.range.end, d.range.begin) - k.prefix_len + where.offset, limit));
    // "it is declared at line N" counts lines of the session program; say it in the user's terms.
    const std::string at = "it is declared at line ";
    if (m.hint.rfind(at, 0) == 0) {
      size_t end = at.size();
      uint32_t line = 0;
      while (end < m.hint.size() && std::isdigit(static_cast<unsigned char>(m.hint[end])))
        line = line * 10 + static_cast<uint32_t>(m.hint[end++] - '0');
      if (line > k.prefix_lines) {
        m.hint = at + std::to_string(line - k.prefix_lines) + m.hint.substr(end);
      } else {
        m.hint = "it is declared earlier in this session (.schema shows it)" + m.hint.substr(end);
      }
    }
    if (m.severity == Severity::Error) mine.error(m.range, m.message, m.hint);
    else mine.warning(m.range, m.message, m.hint);
  }
  std::fflush(io_.out);
  SourceFile shown(where.name, where.text);
  std::string text = render_report(shown, mine);
  if (elsewhere.has_errors()) {
    SourceFile session("<session>", k.c->file->text());
    text += "the statement breaks the session's program (.save - shows it):\n" + render_report(session, elsewhere);
  }
  std::fputs(text.c_str(), io_.err);
  std::fflush(io_.err);
  return mine.error_count() + elsewhere.error_count();
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

bool Session::run_query(const SplitStatement& st, const Display& where) {
  Checked k = check(st.text);
  if (k.c->diags.has_errors()) {
    report(k, k.c->diags, where);
    return false;
  }
  const ProgramOutput* query = nullptr;
  for (const ProgramOutput& o : k.c->program.outputs)
    if (o.range.begin >= k.prefix_len) query = &o;
  if (!query) {
    report(k, k.c->diags, where);
    error("this statement is not a query", "a query begins with SELECT; streams are declared with CREATE STREAM");
    return false;
  }

  // Only the query's output is lowered: the session's derived streams that it does not read
  // are not computed.
  LogicalProgram restricted = k.c->program;
  restricted.outputs = {*query};
  Diagnostics lowering;
  PhysicalPlan plan = lower_to_physical(restricted, *k.c->file, lowering);
  for (const Diagnostic& d : lowering.all()) {
    if (d.severity == Severity::Error) k.c->diags.error(d.range, d.message, d.hint);
    else k.c->diags.warning(d.range, d.message, d.hint);
  }
  if (report(k, k.c->diags, where) > 0 || plan.outputs.size() != 1) return false;

  // ---- inputs ----
  std::vector<std::vector<InputFile>> inputs(plan.sources.size());
  std::vector<std::FILE*> opened;
  struct Closer {
    std::vector<std::FILE*>& files;
    ~Closer() {
      for (std::FILE* f : files) std::fclose(f);
    }
  } closer{opened};
  bool live = false;
  std::vector<std::string> missing;
  std::string live_streams;
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    const PhysicalSource& src = plan.sources[s];
    if (src.consumers.empty()) continue;  // the query does not read it
    auto it = inputs_.find(src.stream);
    if (it == inputs_.end() || it->second.empty()) {
      missing.push_back(src.stream);
      continue;
    }
    for (const std::string& path : it->second) {
      if (path == "-") {
        live = true;
        live_streams += (live_streams.empty() ? "" : ", ") + src.stream;
        inputs[s].push_back({"<stdin>", stdin, rt::input_format_for(path, settings_.input_format), true});
        continue;
      }
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (!f) {
        error("cannot read '" + path + "' (input of " + src.stream + "): " + std::strerror(errno));
        return false;
      }
      opened.push_back(f);
      inputs[s].push_back({path, f, rt::input_format_for(path, settings_.input_format), false});
    }
  }
  if (!missing.empty()) {
    std::string names, hint;
    for (const std::string& m : missing) {
      names += (names.empty() ? "'" : ", '") + m + "'";
      hint += (hint.empty() ? "" : " and ") + (".input " + m + "=PATH");
    }
    error(std::string(missing.size() == 1 ? "stream " : "streams ") + names + (missing.size() == 1 ? " has" : " have") +
              " no input",
          "bind " + std::string(missing.size() == 1 ? "one" : "them") + " with " + hint +
              " (a CSV file, a JSON Lines file (.jsonl, .ndjson, .json), or - for standard input)");
    return false;
  }

  // Ctrl-C from here on cancels the query (a Ctrl-C during the JIT compile stops it before the
  // first row).
  SigintGuard guard(io_.interactive);

  // ---- compile ----
  std::string jit_error;
  std::unique_ptr<jit::CompiledProgram> compiled = jit::compile(plan, &jit_error);
  if (!compiled) {
    error("cannot compile the query: " + jit_error);
    return false;
  }

  // ---- run ----
  const PhysicalOutput& out = plan.outputs[0];
  std::vector<bool> right;
  for (const rt::Field& f : out.layout.fields) right.push_back(right_aligned(f.type));
  ExecutionOptions options;
  options.writer.timestamps_ns = settings_.timestamps_ns;
  options.messages = io_.err;
  options.cancel = &g_cancel;
  TableStyle style{settings_.null_text};

  std::unique_ptr<TableCollector> collector;
  std::unique_ptr<LiveTable> live_table;
  std::unique_ptr<CallbackFile> sink;
  std::FILE* target = io_.out;
  if (settings_.format == ResultFormat::Table) {
    options.writer.format = rt::OutputFormat::Csv;  // parsed back into cells, to count and align
    if (live) {
      if (io_.interactive) {
        std::fprintf(io_.err, kLiveHint, live_streams.c_str());
        std::fflush(io_.err);
      }
      live_table = std::make_unique<LiveTable>(io_.out, out.column_names, right, style);
      // Rows that come after Ctrl-C (the engine stops after the current row) are not shown.
      sink = std::make_unique<CallbackFile>([&](std::string_view s) {
        if (!g_cancel.load(std::memory_order_relaxed)) live_table->feed(s);
      });
    } else {
      collector = std::make_unique<TableCollector>(settings_.limit);
      sink = std::make_unique<CallbackFile>([&](std::string_view s) { collector->feed(s); });
    }
    target = sink->file();
    if (!target) {
      error("cannot set up the result table");
      return false;
    }
  } else {
    options.writer.format = settings_.format == ResultFormat::Csv ? rt::OutputFormat::Csv : rt::OutputFormat::Jsonl;
  }
  std::fflush(io_.out);
  if (live && io_.interactive && !live_table) {
    std::fprintf(io_.err, kLiveHint, live_streams.c_str());
    std::fflush(io_.err);
  }

  ExecutionReport result;
  bool cancelled = false;
  if (!g_cancel.load()) result = vlac::execute(plan, *compiled, inputs, {target}, options);
  cancelled = g_cancel.load();
  if (live) clearerr(stdin);  // after end of input (Ctrl-D) or an interrupted read
  if (sink) sink->close();
  if (cancelled && io_.interactive) std::fputc('\n', io_.out);  // after the terminal's "^C"
  std::fflush(io_.out);

  if (collector && (result.ok || cancelled || collector->count() > 0)) {
    collector->finish();
    std::string text = render_table(out.column_names, right, collector->rows(), style);
    text += row_count_text(collector->count(), collector->rows().size()) + "\n";
    std::fputs(text.c_str(), io_.out);
  } else if (live_table) {
    live_table->finish();
    std::fprintf(io_.out, "%s\n", row_count_text(live_table->count(), live_table->count()).c_str());
  }
  std::fflush(io_.out);

  if (cancelled) {
    note("query cancelled");
    return true;
  }
  uint64_t late = 0, over = 0;
  for (const rt::OperatorStats& s : result.operators) {
    late += s.late_dropped;
    over += s.capacity_dropped;
  }
  if (late) note(std::to_string(late) + (late == 1 ? " late row was" : " late rows were") + " dropped (behind the watermark)");
  if (over) note(std::to_string(over) + (over == 1 ? " row was" : " rows were") + " dropped over capacity (WITH options)");
  if (!result.ok) {
    error(result.error);
    return false;
  }
  return true;
}

// ---- meta-commands ----

void Session::meta(std::string_view line) {
  std::string t = trim(line);
  // A trailing ';' is forgiven: `.schema camera;`
  size_t name_end = 0;
  while (name_end < t.size() && !std::isspace(static_cast<unsigned char>(t[name_end]))) ++name_end;
  std::string name = t.substr(0, name_end);
  if (name.size() > 1 && name.back() == ';') name.pop_back();
  std::string rest = t.substr(name_end);
  bool ok = true;
  if (name == ".explain") {
    size_t at = line.find(".explain");
    ok = cmd_explain(rest, line, at + 8);
    if (!ok) ++errors_;
    return;
  }
  std::string args_text = trim(rest);
  if (!args_text.empty() && args_text.back() == ';') args_text.pop_back();
  std::vector<std::string> args = split_args(args_text);
  if (name == ".help") ok = cmd_help(args);
  else if (name == ".quit" || name == ".exit") quit_ = true;
  else if (name == ".load" || name == ".read") ok = cmd_load(args);
  else if (name == ".input") ok = cmd_input(args);
  else if (name == ".schema") ok = cmd_schema(args);
  else if (name == ".format" || name == ".mode") ok = cmd_format(args);
  else if (name == ".timestamps") ok = cmd_timestamps(args);
  else if (name == ".limit") ok = cmd_limit(args);
  else if (name == ".nullvalue") ok = cmd_nullvalue(args);
  else if (name == ".save") ok = cmd_save(args);
  else if (name == ".reset") ok = cmd_reset(args);
  else {
    const std::string hint = did_you_mean(name, meta_command_names());
    error("unknown command '" + name + "'",
          hint.empty() ? "type .help for the commands" : hint + " (.help lists the commands)");
    ok = false;
  }
  if (!ok) ++errors_;
}

bool Session::cmd_help(const std::vector<std::string>&) {
  std::string h = R"(Statements end with ';' and may span lines.
  CREATE STREAM name (col TYPE [NOT NULL], ..., WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
                             declare a source stream; give it data with .input
  CREATE STREAM name AS SELECT ...;
                             declare a derived stream: kept in the session, not run
  SELECT ...;                run a query now over the inputs and show its rows

Commands:
  .explain [QUERY; | STREAM] print the logical plan of a query or a stream (no argument: the
                             whole session), as `vlac explain` does
  .format [table|csv|jsonl]  how results are printed (now: )" +
                  std::string(format_name(settings_.format)) + R"()
  .help                      show this text
  .input [NAME=PATH]         read source stream NAME from PATH: CSV with a header, JSON Lines
                             when PATH ends in .jsonl/.ndjson/.json, - for standard input
                             (live; JSON Lines when it starts with '{'); repeat to
                             add files; NAME= unbinds; no argument lists the inputs
  .limit [N]                 rows a table shows (now: )" +
                  (settings_.limit ? std::to_string(settings_.limit) : std::string("all")) + R"(); 0 shows all; every row is counted
  .load FILE                 run a program file: add its streams and run its queries
  .nullvalue [TEXT]          how a table shows NULL (now: )" +
                  (settings_.null_text.empty() ? std::string("empty") : "'" + settings_.null_text + "'") + R"()
  .quit, .exit               leave the shell
  .reset                     forget every stream and input of the session
  .save [FILE]               write the session's streams as a program `vlac check` accepts
                             (no FILE: print it)
  .schema [STREAM]           columns, types, nullability, event time and watermark
  .timestamps [iso|ns]       timestamps as ISO-8601 or integer nanoseconds (now: )" +
                  std::string(settings_.timestamps_ns ? "ns" : "iso") + R"()

Keys: Tab completes keywords, streams, columns, commands and file names; Up and Down walk the
history; Ctrl-C cancels a running query or clears the line; Ctrl-D on an empty line quits.
)";
  if (!io_.history_path.empty()) h += "History: " + io_.history_path + "\n";
  std::fputs(h.c_str(), io_.out);
  std::fflush(io_.out);
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

bool Session::cmd_load(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    error(".load takes one file", "e.g. .load examples/cam_stats.vsql");
    return false;
  }
  return load_file(args[0]);
}

bool Session::bind_input(const std::string& name, const std::string& path, bool check_stream) {
  if (check_stream && !is_source(name)) {
    bool derived = program_ && program_->program.streams.count(name);
    if (derived) {
      error("'" + name + "' is a derived stream; only source streams read input",
            "derived streams are computed from their inputs");
      return false;
    }
    std::vector<std::string> sources;
    if (program_)
      for (const SourceStream& s : program_->program.sources) sources.push_back(s.name);
    std::string hint = did_you_mean(name, sources);
    if (hint.empty())
      hint = sources.empty() ? "declare it first: CREATE STREAM " + name + " (...);"
                             : "the source streams are: " + [&] {
                                 std::string s;
                                 for (const std::string& n : sources) s += (s.empty() ? "" : ", ") + n;
                                 return s;
                               }();
    error("no source stream '" + name + "'", hint);
    return false;
  }
  if (path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      error("cannot read '" + path + "': " + std::strerror(errno));
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      error("cannot read '" + path + "': " + std::strerror(EISDIR));
      return false;
    }
  }
  inputs_[name].push_back(path);
  return true;
}

bool Session::cmd_input(const std::vector<std::string>& args) {
  if (args.empty()) {
    if (!program_ || program_->program.sources.empty()) {
      std::fprintf(io_.out, "no source streams yet\n");
      std::fflush(io_.out);
      return true;
    }
    std::vector<Record> rows;
    for (const SourceStream& s : program_->program.sources) {
      auto it = inputs_.find(s.name);
      if (it == inputs_.end() || it->second.empty()) {
        rows.push_back({s.name, std::string("(none)")});
        continue;
      }
      for (const std::string& p : it->second) rows.push_back({s.name, p == "-" ? std::string("- (standard input)") : p});
    }
    std::fputs(render_table({"stream", "input"}, {false, false}, rows, {}).c_str(), io_.out);
    std::fflush(io_.out);
    return true;
  }
  bool ok = true;
  for (const std::string& a : args) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      error(".input takes NAME=PATH, not '" + a + "'", "e.g. .input camera=data/camera.csv, or camera=- for standard input");
      ok = false;
      continue;
    }
    std::string name = unquote_name(a.substr(0, eq)), path = a.substr(eq + 1);
    if (path.empty()) {
      if (!inputs_.erase(name)) {
        error("stream '" + name + "' has no input to unbind");
        ok = false;
      }
      continue;
    }
    if (!bind_input(name, path)) {
      ok = false;
      continue;
    }
    const std::vector<std::string>& all = inputs_[name];
    if (all.size() > 1) {
      std::string list;
      for (const std::string& p : all) list += (list.empty() ? "" : ", ") + p;
      note(name + " now reads " + std::to_string(all.size()) + " inputs, interleaved by event time: " + list +
           " (.input " + name + "= unbinds them all)");
    }
  }
  return ok;
}

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
    for (size_t i = 0; i < from.size(); ++i) out += (i ? ", " : "") + from[i];
  }
  out += "\n";
  std::vector<Record> rows;
  auto time = schema.event_time();
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const Column& c = schema.columns[i];
    if (!c.resolvable) continue;
    std::string notes;
    if (time && static_cast<size_t>(*time) == i) notes = "event time";
    if (c.hidden) notes += std::string(notes.empty() ? "" : ", ") + "hidden (not in SELECT *)";
    rows.push_back({c.name, type_name(c.type.type), std::string(c.type.nullable ? "NULL" : "NOT NULL"), notes});
  }
  std::string table = render_table({"column", "type", "null", "notes"}, {false, false, false, false}, rows, {});
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
      out += "  input: ";
      for (size_t i = 0; i < in->second.size(); ++i) out += (i ? ", " : "") + (in->second[i] == "-" ? "- (standard input)" : in->second[i]);
      out += "\n";
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

bool Session::cmd_schema(const std::vector<std::string>& args) {
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
    for (size_t i = 0; i < stream_order_.size(); ++i) out += (i ? "\n" : "") + schema_text(stream_order_[i]);
  } else {
    for (const std::string& a : args) {
      std::string name = unquote_name(a);
      if (!program_->program.streams.count(name)) {
        std::string hint = did_you_mean(name, stream_order_);
        if (hint.empty()) {
          hint = "the session's streams are: ";
          for (size_t i = 0; i < stream_order_.size(); ++i) hint += (i ? ", " : "") + stream_order_[i];
        }
        error("no stream '" + name + "'", hint);
        return false;
      }
      out += (out.empty() ? "" : "\n") + schema_text(name);
    }
  }
  std::fputs(out.c_str(), io_.out);
  std::fflush(io_.out);
  return true;
}

bool Session::cmd_explain(std::string_view rest, std::string_view line, size_t rest_offset) {
  std::string arg = trim(rest);
  std::string bare = arg;
  if (!bare.empty() && bare.back() == ';') bare = trim(bare.substr(0, bare.size() - 1));
  if (bare.empty()) {
    if (!program_ || program_->program.outputs.empty()) {
      std::fprintf(io_.out, "%s\n",
                   stream_order_.empty() ? "the session is empty: .explain SELECT ...; shows the plan of a query"
                                         : "the session has no derived streams yet: .explain SELECT ...; shows the plan of a query");
      std::fflush(io_.out);
      return true;
    }
    std::fputs(explain_text(program_->program).c_str(), io_.out);
    std::fflush(io_.out);
    return true;
  }
  // `.explain NAME`: a stream of the session.
  std::string name = unquote_name(bare);
  if ((is_identifier(bare) || (bare.size() > 2 && bare.front() == '"' && bare.back() == '"')) && program_ &&
      program_->program.streams.count(name)) {
    LogicalProgram p;
    p.outputs.push_back({name, program_->program.streams.at(name), {}});
    std::fputs(explain_text(p).c_str(), io_.out);
    std::fflush(io_.out);
    return true;
  }
  std::string word = first_word(bare);
  if (is_identifier(bare) && word != "SELECT" && word != "CREATE") {
    error("no stream '" + name + "'", did_you_mean(name, stream_order_).empty()
                                          ? "give .explain a stream of the session or a query ended by ';'"
                                          : did_you_mean(name, stream_order_));
    return false;
  }
  // `.explain QUERY;`: the statement may go on over the next lines, to its ';'. The splitter
  // sees the line with `.explain` blanked out, so that columns stay those of the line typed.
  std::string blanked(line);
  for (size_t i = 0; i < rest_offset && i < blanked.size(); ++i)
    if (!std::isspace(static_cast<unsigned char>(blanked[i]))) blanked[i] = ' ';
  explain_prefix_ = std::string(line.substr(0, std::min(rest_offset, line.size())));
  explain_next_ = true;
  if (blanked.empty() || blanked.back() != '\n') blanked += '\n';
  splitter_.feed(blanked);
  int before = errors_;
  run_pending_statements();
  if (errors_ > before) {
    // run_pending_statements counted the error; meta() will count this command again.
    --errors_;
    return false;
  }
  return true;
}

bool Session::explain_statement(const SplitStatement& st, const Display& where) {
  Checked k = check(st.text);
  if (report(k, k.c->diags, where) > 0) return false;
  const bool create = first_word(st.text) == "CREATE";
  LogicalProgram p;
  if (create) {
    std::string name = declared_name(st.text);
    auto it = k.c->program.streams.find(name);
    if (it == k.c->program.streams.end()) return false;
    p.outputs.push_back({name, it->second, {}});
  } else {
    for (const ProgramOutput& o : k.c->program.outputs)
      if (o.range.begin >= k.prefix_len) p.outputs = {o};
    if (p.outputs.empty()) {
      error("nothing to explain", "give .explain a query ended by ';'");
      return false;
    }
  }
  std::fputs(explain_text(p).c_str(), io_.out);
  std::fflush(io_.out);
  return true;
}

bool Session::cmd_format(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(io_.out, "%s\n", format_name(settings_.format));
    std::fflush(io_.out);
    return true;
  }
  const std::string& f = args[0];
  if (args.size() == 1 && (f == "table" || f == "csv" || f == "jsonl")) {
    settings_.format = f == "table" ? ResultFormat::Table : f == "csv" ? ResultFormat::Csv : ResultFormat::Jsonl;
    return true;
  }
  error("unknown format '" + f + "'", "use table, csv or jsonl");
  return false;
}

bool Session::cmd_timestamps(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(io_.out, "%s\n", settings_.timestamps_ns ? "ns" : "iso");
    std::fflush(io_.out);
    return true;
  }
  if (args.size() == 1 && (args[0] == "iso" || args[0] == "ns")) {
    settings_.timestamps_ns = args[0] == "ns";
    return true;
  }
  error("unknown timestamp format '" + args[0] + "'", "use iso (ISO-8601, UTC) or ns (integer nanoseconds)");
  return false;
}

bool Session::cmd_limit(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(io_.out, "%s\n", settings_.limit ? std::to_string(settings_.limit).c_str() : "0 (all rows)");
    std::fflush(io_.out);
    return true;
  }
  const std::string& a = args[0];
  if (args.size() == 1 && !a.empty() && a.size() < 19 && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    settings_.limit = std::stoull(a);
    return true;
  }
  if (args.size() == 1 && a == "all") {
    settings_.limit = 0;
    return true;
  }
  error(".limit takes a number of rows, not '" + a + "'", "e.g. .limit 50; .limit 0 shows every row");
  return false;
}

bool Session::cmd_nullvalue(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(io_.out, "'%s'\n", settings_.null_text.c_str());
    std::fflush(io_.out);
    return true;
  }
  if (args.size() != 1) {
    error(".nullvalue takes one text", "e.g. .nullvalue NULL");
    return false;
  }
  settings_.null_text = args[0];
  return true;
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

bool Session::cmd_save(const std::vector<std::string>& args) {
  if (args.size() > 1) {
    error(".save takes one file", "e.g. .save session.vsql");
    return false;
  }
  std::string text = program_text();
  if (args.empty() || args[0] == "-") {
    std::fputs(text.c_str(), io_.out);
    std::fflush(io_.out);
    return true;
  }
  std::ofstream f(args[0], std::ios::binary | std::ios::trunc);
  if (!f) {
    error("cannot write '" + args[0] + "': " + std::strerror(errno));
    return false;
  }
  f << text;
  f.close();
  if (!f) {
    error("cannot write '" + args[0] + "': " + std::strerror(errno));
    return false;
  }
  if (io_.interactive) {
    std::fprintf(io_.out, "saved %zu statement%s to %s\n", statements_.size(), statements_.size() == 1 ? "" : "s",
                 args[0].c_str());
    std::fflush(io_.out);
  }
  return true;
}

bool Session::cmd_reset(const std::vector<std::string>& args) {
  if (!args.empty()) {
    error(".reset takes no argument");
    return false;
  }
  statements_.clear();
  prefix_.clear();
  stream_order_.clear();
  program_.reset();
  inputs_.clear();
  return true;
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
