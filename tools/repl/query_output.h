#pragma once
// Where a query's rows go and how they look: the runtime's writers (CSV, JSON Lines, or the
// table of runtime/io/table_writer.h, as `vlac run --format` prints them) with the session's
// settings. At a terminal Ctrl-C cancels a query and the terminal echoes "^C" where the cursor
// is, so what is printed after the cancel (the table, or its row count) starts a new line.

#include <atomic>
#include <cstdio>

#include "repl/session.h"
#include "runtime/io/row_writer.h"

namespace vlac::repl {

/// The runtime writer's options for a query's result: a table shows the first settings.limit
/// rows and counts all; over live input it shows every row as it comes.
rt::WriterOptions result_writer_options(const Settings& settings, bool live);

class QueryOutput {
 public:
  /// `cancel`: the flag Ctrl-C sets; watched only when `interactive`.
  QueryOutput(std::FILE* out, bool interactive, const std::atomic<bool>* cancel);
  ~QueryOutput() { close(); }
  QueryOutput(const QueryOutput&) = delete;
  QueryOutput& operator=(const QueryOutput&) = delete;

  /// What the executor writes to (null when it could not be set up).
  std::FILE* file() const { return file_; }
  /// After the run: hands on what is left and ends the line of the "^C" if nothing did.
  void close();

 private:
  static ssize_t write(void* cookie, const char* buf, size_t size);

  std::FILE* out_;
  const std::atomic<bool>* cancel_ = nullptr;  // null: no cancel to watch, rows go straight to out_
  std::FILE* file_ = nullptr;                  // out_, or a stream that passes its bytes on to out_
  bool line_ended_ = false;                    // the line end after "^C" is printed
};

}  // namespace vlac::repl
