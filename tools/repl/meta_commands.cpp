// The meta-commands: their table, the dispatch of a `.command` line, and the commands that
// change settings or the session as a whole. `.input`, `.schema` and `.explain` have files of
// their own (session_inputs.cpp, session_schema.cpp, session_explain.cpp).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "repl/command_args.h"
#include "repl/session_internal.h"
#include "runtime/nearest_name.h"

namespace vlac::repl {
namespace {

const char* format_name(ResultFormat f) {
  switch (f) {
    case ResultFormat::Table: return "table";
    case ResultFormat::Csv: return "csv";
    case ResultFormat::Jsonl: return "jsonl";
  }
  return "table";
}

}  // namespace

const std::vector<Session::MetaCommand>& Session::meta_commands() {
  // In the order .help and completion list them; the sqlite3 names are accepted, not listed.
  static const std::vector<MetaCommand> table = {
      {".exit", &Session::cmd_quit, true},         {".explain", &Session::cmd_explain, true},
      {".format", &Session::cmd_format, true},     {".help", &Session::cmd_help, true},
      {".input", &Session::cmd_input, true},       {".limit", &Session::cmd_limit, true},
      {".load", &Session::cmd_load, true},         {".nullvalue", &Session::cmd_nullvalue, true},
      {".quit", &Session::cmd_quit, true},         {".reset", &Session::cmd_reset, true},
      {".save", &Session::cmd_save, true},         {".schema", &Session::cmd_schema, true},
      {".timestamps", &Session::cmd_timestamps, true},
      {".read", &Session::cmd_load, false},        {".mode", &Session::cmd_format, false},
  };
  return table;
}

const std::vector<std::string>& meta_command_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Session::MetaCommand& m : Session::meta_commands())
      if (m.listed) out.push_back(m.name);
    return out;
  }();
  return names;
}

void Session::meta(std::string_view line) {
  std::string t = trim(line);
  // A trailing ';' is forgiven: `.schema camera;`
  size_t name_end = 0;
  while (name_end < t.size() && !std::isspace(static_cast<unsigned char>(t[name_end]))) ++name_end;
  std::string name = t.substr(0, name_end);
  if (name.size() > 1 && name.back() == ';') name.pop_back();
  CommandLine c;
  c.line = line;
  c.rest = t.substr(name_end);
  c.rest_offset = line.find(name) + name.size();
  std::string args_text = trim(c.rest);
  if (!args_text.empty() && args_text.back() == ';') args_text.pop_back();
  c.args = split_args(args_text);
  for (const MetaCommand& m : meta_commands()) {
    if (name != m.name) continue;
    if (!(this->*m.run)(c)) ++errors_;
    return;
  }
  const std::string hint = did_you_mean(name, meta_command_names());
  error("unknown command '" + name + "'", hint.empty() ? "type .help for the commands" : hint + " (.help lists the commands)");
  ++errors_;
}

bool Session::cmd_quit(const CommandLine&) {
  quit_ = true;
  return true;
}

bool Session::cmd_help(const CommandLine&) {
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

bool Session::cmd_load(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
  if (args.size() != 1) {
    error(".load takes one file", "e.g. .load examples/cam_stats.vsql");
    return false;
  }
  return load_file(args[0]);
}

bool Session::cmd_format(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
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

bool Session::cmd_timestamps(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
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

bool Session::cmd_limit(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
  if (args.empty()) {
    std::fprintf(io_.out, "%s\n", settings_.limit ? std::to_string(settings_.limit).c_str() : "0 (all rows)");
    std::fflush(io_.out);
    return true;
  }
  const std::string& a = args[0];
  if (args.size() == 1 && !a.empty() && a.size() < 19 && std::all_of(a.begin(), a.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
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

bool Session::cmd_nullvalue(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
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

bool Session::cmd_save(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
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

bool Session::cmd_reset(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
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

}  // namespace vlac::repl
