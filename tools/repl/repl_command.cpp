// `vlac repl`: the command line, the interactive loop (libedit) and the non-interactive one.
#include "repl/repl.h"

#include <pwd.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "frontend/frontend.h"
#include "repl/line_editor.h"
#include "repl/session.h"

#ifndef VLAC_VERSION
#define VLAC_VERSION "dev"
#endif

namespace vlac {
namespace {

constexpr int kOk = 0, kError = 1, kUsage = 2;

constexpr const char* kReplHelp = R"(usage: vlac repl [PROGRAM.vsql] [--input NAME=PATH ...] [options]

An interactive shell for exploring streams. Type CREATE STREAM statements to build up a session
program, and queries to run at once over the inputs bound with .input; statements end with ';'
and may span lines. Type .help inside for the commands (.input, .schema, .explain, .format,
.save, ...). Line editing, history and Tab completion when standard input is a terminal.

When standard input is not a terminal (vlac repl < script.sql), the statements and commands are
run in order without prompts, and the exit status is 1 if any of them failed.

options:
  PROGRAM.vsql             load a program first (as .load does: its streams are added, its
                           queries run)
  --input NAME=PATH        bind source stream NAME to PATH (as .input does; repeatable)
  --input-format csv|jsonl read every input in this format, whatever its name (default: by
                           extension; standard input by its first byte)
  --format table|csv|jsonl how results are printed (default table)
  --timestamps iso|ns      timestamps as ISO-8601 (default) or integer nanoseconds
  --limit N                rows a table shows (default 20; 0 shows all)
  --echo                   print each input line before its result (for scripts)
  --help                   print this help

History is kept in $XDG_STATE_HOME/vlac/history (~/.local/state/vlac/history by default).
See docs/repl.md.
)";

int usage(const std::string& message) {
  std::cerr << "vlac: " << message << "\nRun 'vlac repl --help' for the options.\n";
  return kUsage;
}

std::string history_path() {
  namespace fs = std::filesystem;
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && state[0] == '/') return (fs::path(state) / "vlac" / "history").string();
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    const passwd* pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : nullptr;
  }
  if (!home || !*home) return "";
  return (fs::path(home) / ".local" / "state" / "vlac" / "history").string();
}

struct ReplOptions {
  std::string program;
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string format = "table";
  std::optional<rt::InputFormat> input_format;
  bool timestamps_ns = false;
  uint64_t limit = 20;
  bool echo = false;
};

int interactive_loop(repl::Session& session, const std::string& history) {
  // Characters as the terminal sends them (UTF-8), for the line editor.
  std::setlocale(LC_CTYPE, "");
  std::printf("vlac %s interactive shell. Statements end with ';'. Type .help for the commands, Ctrl-D to quit.\n",
              VLAC_VERSION);
  std::fflush(stdout);
  repl::LineEditor editor(session, history);
  std::string entry;
  while (!session.quit_requested()) {
    std::string line;
    repl::LineEditor::Result r = editor.read(session.in_statement() ? "   ...> " : "vlac> ", &line);
    if (r == repl::LineEditor::Result::Interrupted) {
      std::fputs("^C\n", stdout);
      std::fflush(stdout);
      session.discard_pending();
      entry.clear();
      continue;
    }
    if (r == repl::LineEditor::Result::EndOfInput) {
      std::fputc('\n', stdout);
      break;
    }
    bool meta = entry.empty() && line.find_first_not_of(" \t") != std::string::npos &&
                line[line.find_first_not_of(" \t")] == '.';
    entry += line;
    session.feed_line(line);
    if (!session.in_statement()) {
      if (meta) {
        while (!entry.empty() && (entry.back() == '\n' || entry.back() == '\r')) entry.pop_back();
        editor.remember(entry);
      } else {
        editor.remember(repl::history_form(entry));
      }
      entry.clear();
    }
  }
  std::fflush(stdout);
  return kOk;
}

int batch_loop(repl::Session& session, bool echo) {
  char* buf = nullptr;
  size_t cap = 0;
  ssize_t n;
  while (!session.quit_requested() && (n = getline(&buf, &cap, stdin)) >= 0) {
    std::string line(buf, static_cast<size_t>(n));
    if (echo) {
      std::fputs(line.c_str(), stdout);
      if (line.empty() || line.back() != '\n') std::fputc('\n', stdout);
      std::fflush(stdout);
    }
    session.feed_line(line);
  }
  std::free(buf);
  if (!session.quit_requested()) session.finish_input();
  std::fflush(stdout);
  return session.errors() > 0 ? kError : kOk;
}

}  // namespace

int run_repl(const std::vector<std::string>& args) {
  ReplOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], value;
    bool has_value = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_value = true;
    }
    auto take = [&](const char* what) -> bool {
      if (has_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      (void)what;
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::cout << kReplHelp;
      return kOk;
    } else if (a == "--input") {
      if (!take("NAME=PATH")) return usage("--input needs NAME=PATH");
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
        return usage("--input takes NAME=PATH, not '" + value + "'");
      o.inputs.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (a == "--input-format") {
      if (!take("csv or jsonl") || !(o.input_format = rt::parse_input_format(value)))
        return usage("--input-format takes csv or jsonl");
    } else if (a == "--format") {
      if (!take("a format") || (value != "table" && value != "csv" && value != "jsonl"))
        return usage("--format takes table, csv or jsonl");
      o.format = value;
    } else if (a == "--timestamps") {
      if (!take("iso or ns") || (value != "iso" && value != "ns")) return usage("--timestamps takes iso or ns");
      o.timestamps_ns = value == "ns";
    } else if (a == "--limit") {
      if (!take("N") || value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 18)
        return usage("--limit takes a number of rows (0: all)");
      o.limit = std::stoull(value);
    } else if (a == "--echo") {
      o.echo = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage("unknown option '" + a + "'");
    } else if (o.program.empty()) {
      o.program = a;
    } else {
      return usage("repl takes at most one program; unexpected '" + a + "'");
    }
  }

  // --input names a source stream of the program (as for `vlac run`, a usage error otherwise).
  if (!o.inputs.empty()) {
    std::vector<std::string> sources;
    if (!o.program.empty()) {
      std::string why;
      Compilation c = compile_program(o.program, read_source_text(o.program, &why).value_or(""));
      for (const SourceStream& s : c.program.sources) sources.push_back(s.name);
    }
    for (const auto& [name, path] : o.inputs) {
      bool known = false;
      for (const std::string& s : sources) known |= s == name;
      if (!known) return usage("--input names no source stream '" + name + "'" + (o.program.empty() ? " (no program given)" : ""));
    }
  }

  repl::SessionIo io;
  io.interactive = isatty(STDIN_FILENO) != 0;
  if (io.interactive) io.history_path = history_path();
  repl::Session session(io);
  repl::Settings& s = session.settings();
  s.format = o.format == "csv" ? repl::ResultFormat::Csv : o.format == "jsonl" ? repl::ResultFormat::Jsonl : repl::ResultFormat::Table;
  s.timestamps_ns = o.timestamps_ns;
  s.input_format = o.input_format;
  s.limit = o.limit;

  bool ok = true;
  for (const auto& [name, path] : o.inputs) ok &= session.bind_input(name, path, false);
  if (!o.program.empty()) ok &= session.load_file(o.program);
  if (!ok && !io.interactive) {
    batch_loop(session, o.echo);
    return kError;
  }
  return io.interactive ? interactive_loop(session, io.history_path) : batch_loop(session, o.echo);
}

}  // namespace vlac
