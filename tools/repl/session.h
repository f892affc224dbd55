#pragma once
// The REPL's session (`vlac repl`, docs/repl.md), without the terminal: it takes lines of
// input, splits them into statements and meta-commands, keeps the session program, runs
// queries through the JIT and prints results and diagnostics. The line editor (libedit) and
// the non-interactive loop in repl_command.cpp feed it lines.
//
// The session program is the text of the accepted CREATE STREAM statements. A new statement is
// checked by compiling the session program followed by it; only the new statement's diagnostics
// are shown, against the lines it was typed on. A bare query compiles the same way, with every
// output but its own left out, and runs over the inputs bound with `.input`.

#include <cstdint>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repl/statement_splitter.h"
#include "runtime/io/input_format.h"

namespace vlac {
struct Compilation;
class Diagnostics;
struct PhysicalPlan;
}  // namespace vlac

namespace vlac::repl {

struct QueryInputs;  // session_internal.h

enum class ResultFormat { Table, Csv, Jsonl };

struct Settings {
  ResultFormat format = ResultFormat::Table;
  bool timestamps_ns = false;
  uint64_t limit = 20;     // rows a table shows; 0: all
  std::optional<rt::InputFormat> input_format;  // --input-format; none: rt::input_format_for's rule
  std::string null_text = "NULL";  // how a table shows NULL (as `vlac run --format table`)
};

struct SessionIo {
  std::FILE* out = stdout;   // results
  std::FILE* err = stderr;   // diagnostics, errors, notes
  bool interactive = false;  // a person at a terminal: Ctrl-C cancels a query, hints for live input
  std::string history_path;  // shown by .help
};

/// What completion needs to know about the session's streams.
struct Catalog {
  std::vector<std::string> streams;  // in declaration order
  std::vector<std::string> sources;
  std::map<std::string, std::vector<std::string>> columns;  // every nameable column per stream
};

/// Where a statement's text sits in what the user typed or loaded, for diagnostics.
struct Display {
  std::string name;   // "<repl>" or the loaded file's path
  std::string text;   // the lines shown under a diagnostic
  size_t offset = 0;  // where the statement begins in `text`
};

class Session {
 public:
  explicit Session(SessionIo io);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// One line of input, with or without its '\n'. Runs every statement it completes, or the
  /// meta-command it is.
  void feed_line(std::string_view line);
  /// End of input: an unfinished statement is checked as it is (and reported: it lacks ';').
  void finish_input();
  /// Ctrl-C at the prompt: forgets the unfinished statement.
  void discard_pending();
  /// An unfinished statement is pending: the continuation prompt is due.
  bool in_statement() const { return splitter_.in_statement(); }
  /// The text of the unfinished statement (for completion).
  const std::string& pending_text() const { return splitter_.buffer(); }
  bool quit_requested() const { return quit_; }
  /// Statements and commands that failed so far.
  int errors() const { return errors_; }

  // ---- pieces, for the command line and tests ----

  /// `.load FILE`: checks the file against the session as a whole, then adds its streams and
  /// runs its queries in order. False (and nothing added) when it has errors.
  bool load_file(const std::string& path);
  /// `.input NAME=PATH`. With `check_stream` false the stream may be declared later (the
  /// command line binds inputs before loading the program).
  bool bind_input(const std::string& name, const std::string& path, bool check_stream = true);
  /// Runs one statement (CREATE STREAM or query) as if typed; false on error.
  bool execute(const SplitStatement& st, const Display& where);
  /// The session's statements as a program that `vlac check` accepts.
  std::string program_text() const;
  Catalog catalog() const;
  Settings& settings() { return settings_; }
  const std::vector<std::string>& statements() const { return statements_; }

 private:
  struct Checked;      // a statement compiled after the session program
  struct CommandLine;  // a meta-command as typed (meta_commands.cpp)
  struct MetaCommand;  // one entry of the meta-command table
  static const std::vector<MetaCommand>& meta_commands();
  friend const std::vector<std::string>& meta_command_names();

  // session.cpp: statements
  void run_pending_statements();
  bool add_stream(const SplitStatement& st, const Display& where);
  void error(const std::string& message, const std::string& hint = {}) const;
  void note(const std::string& message) const;
  bool is_source(const std::string& stream) const;

  // session_check.cpp: a statement checked against the session, its diagnostics shown
  Checked check(std::string_view text) const;
  size_t report(const Checked& k, const Diagnostics& diags, const Display& where) const;

  // session_run.cpp: a query run over the inputs
  bool run_query(const SplitStatement& st, const Display& where);

  // session_inputs.cpp: `.input` and the files a query reads
  /// `cancel`: set by Ctrl-C; it also ends the MQTT topics the query reads.
  bool open_inputs(const PhysicalPlan& plan, QueryInputs& opened, const std::atomic<bool>* cancel) const;
  bool cmd_input(const CommandLine& c);

  // session_schema.cpp: `.schema`
  bool cmd_schema(const CommandLine& c);
  std::string schema_text(const std::string& stream) const;

  // session_explain.cpp: `.explain`
  bool cmd_explain(const CommandLine& c);
  bool explain_statement(const SplitStatement& st, const Display& where);

  // meta_commands.cpp: the table of meta-commands and the settings commands
  void meta(std::string_view line);
  bool cmd_help(const CommandLine& c);
  bool cmd_quit(const CommandLine& c);
  bool cmd_load(const CommandLine& c);
  bool cmd_format(const CommandLine& c);
  bool cmd_timestamps(const CommandLine& c);
  bool cmd_limit(const CommandLine& c);
  bool cmd_nullvalue(const CommandLine& c);
  bool cmd_save(const CommandLine& c);
  bool cmd_reset(const CommandLine& c);

  SessionIo io_;
  Settings settings_;
  StatementSplitter splitter_;
  bool explain_next_ = false;        // the pending statement came after `.explain`
  std::string explain_prefix_;       // what `.explain` replaced by blanks, to show it again
  std::vector<std::string> statements_;  // accepted CREATE STREAM statements, as typed
  std::string prefix_;               // statements_ joined, each followed by '\n'
  std::vector<std::string> stream_order_;
  std::unique_ptr<Compilation> program_;  // the session program, compiled (null when empty)
  std::map<std::string, std::vector<std::string>> inputs_;
  bool quit_ = false;
  int errors_ = 0;
};

/// The meta-commands, for completion and "did you mean".
const std::vector<std::string>& meta_command_names();

/// The name a CREATE STREAM statement declares ("" when it is not one).
std::string declared_name(std::string_view statement);

}  // namespace vlac::repl
