#pragma once
// What the files that implement Session share (session.cpp, session_check.cpp, session_run.cpp,
// session_inputs.cpp, session_schema.cpp, session_explain.cpp, meta_commands.cpp); not for
// users of the session.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exec/executor.h"
#include "exec/mqtt_endpoints.h"
#include "frontend/frontend.h"
#include "repl/session.h"

namespace vlac::repl {

/// A statement compiled after the session program: diagnostics at offsets below prefix_len are
/// in the session's own text.
struct Session::Checked {
  std::unique_ptr<Compilation> c;
  size_t prefix_len = 0;
  uint32_t prefix_lines = 0;
};

/// A meta-command line as typed: `.schema camera;`.
struct Session::CommandLine {
  std::string_view line;          // the whole line
  std::string rest;               // after the command's name
  size_t rest_offset = 0;         // where `rest` begins in `line`
  std::vector<std::string> args;  // `rest` split at blanks (split_args), a trailing ';' dropped
};

struct Session::MetaCommand {
  const char* name;
  bool (Session::*run)(const CommandLine&);
  bool listed;  // in meta_command_names(); the sqlite3 aliases (.read, .mode) are not
};

/// An input path as listings show it: `-` is named.
inline std::string shown_input(const std::string& path) { return path == "-" ? "- (standard input)" : path; }

/// The files a query reads, per source of its plan; the opened ones are closed with it.
struct QueryInputs {
  std::vector<std::vector<InputFile>> files;  // per source of the plan
  bool live = false;                          // one of them is standard input or MQTT
  std::string live_streams;                   // the streams that read it ("camera, radar")
  std::vector<std::FILE*> opened;             // closed by the destructor
  MqttEndpoints mqtt;                         // the MQTT topics read (LANGUAGE.md §12)

  QueryInputs() = default;
  QueryInputs(const QueryInputs&) = delete;
  QueryInputs& operator=(const QueryInputs&) = delete;
  ~QueryInputs() {
    for (std::FILE* f : opened) std::fclose(f);
  }
};

}  // namespace vlac::repl
