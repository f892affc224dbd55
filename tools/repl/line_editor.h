#pragma once
// The REPL's terminal side: line editing, history and Tab completion with libedit (BSD
// editline), for `vlac repl` when standard input is a terminal.

#include <string>

namespace vlac::repl {

class Session;

class LineEditor {
 public:
  /// `history_path`: the history file, read now and rewritten after each entry (its directory
  /// is created when missing; failures to read or write it are ignored). Empty: no file.
  LineEditor(Session& session, std::string history_path);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  enum class Result { Line, Interrupted, EndOfInput };
  /// Reads one line (with its '\n') after showing `prompt`. Interrupted: Ctrl-C; EndOfInput:
  /// Ctrl-D on an empty line, or the terminal went away.
  Result read(const std::string& prompt, std::string* line);
  /// Adds an entry (a statement or a command) to the history and saves the history file.
  void remember(const std::string& entry);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace vlac::repl
