// `.input`: which files feed the source streams, and opening them when a query runs.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "physical/physical_plan.h"
#include "repl/command_args.h"
#include "repl/session_internal.h"
#include "runtime/io/table_writer.h"
#include "runtime/nearest_name.h"

namespace vlac::repl {

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
                             : "the source streams are: " + join_names(sources);
    error("no source stream '" + name + "'", hint);
    return false;
  }
  if (rt::is_mqtt_url(path)) {  // checked here, connected when a query reads it
    std::string why;
    if (!rt::parse_mqtt_url(path, &why)) {
      error("'" + path + "' is no MQTT address: " + why, "e.g. .input camera=mqtt://localhost/robot/camera?format=csv");
      return false;
    }
  } else if (path != "-") {
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

bool Session::cmd_input(const CommandLine& c) {
  const std::vector<std::string>& args = c.args;
  if (args.empty()) {
    if (!program_ || program_->program.sources.empty()) {
      std::fprintf(io_.out, "no source streams yet\n");
      std::fflush(io_.out);
      return true;
    }
    std::vector<std::vector<std::string>> rows;
    for (const SourceStream& s : program_->program.sources) {
      auto it = inputs_.find(s.name);
      if (it == inputs_.end() || it->second.empty()) {
        rows.push_back({s.name, std::string("(none)")});
        continue;
      }
      for (const std::string& p : it->second) rows.push_back({s.name, shown_input(p)});
    }
    std::fputs(rt::render_text_table({"stream", "input"}, rows).c_str(), io_.out);
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
      note(name + " now reads " + std::to_string(all.size()) + " inputs, interleaved by event time: " + join_names(all) +
           " (.input " + name + "= unbinds them all)");
    }
  }
  return ok;
}

bool Session::open_inputs(const PhysicalPlan& plan, QueryInputs& q, const std::atomic<bool>* cancel) const {
  q.files.assign(plan.sources.size(), {});
  std::vector<std::string> missing;
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    const PhysicalSource& src = plan.sources[s];
    if (src.consumers.empty()) continue;  // the query does not read it
    auto it = inputs_.find(src.stream);
    if (it == inputs_.end() || it->second.empty()) {
      missing.push_back(src.stream);
      continue;
    }
    for (const std::string& path : it->second) {
      if (rt::is_mqtt_url(path)) {
        InputFile in;
        std::string why;
        if (!q.mqtt.open_input(path, src, io_.err, cancel, &in, &why)) {
          error(why + " (input of " + src.stream + ")");
          return false;
        }
        q.live = true;
        q.live_streams += (q.live_streams.empty() ? "" : ", ") + src.stream;
        q.files[s].push_back(std::move(in));
        continue;
      }
      if (path == "-") {
        q.live = true;
        q.live_streams += (q.live_streams.empty() ? "" : ", ") + src.stream;
        q.files[s].push_back({"<stdin>", stdin, rt::input_format_for(path, settings_.input_format), true});
        continue;
      }
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (!f) {
        error("cannot read '" + path + "' (input of " + src.stream + "): " + std::strerror(errno));
        return false;
      }
      q.opened.push_back(f);
      q.files[s].push_back({path, f, rt::input_format_for(path, settings_.input_format), false});
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
              " (a CSV file, a JSON Lines file (.jsonl, .ndjson, .json), - for standard input, or an MQTT topic "
              "mqtt://HOST[:PORT]/TOPIC)");
    return false;
  }
  return true;
}

}  // namespace vlac::repl
