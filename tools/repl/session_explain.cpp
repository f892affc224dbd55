// `.explain`: the logical plan of the session, of one of its streams, or of a statement typed
// after the command (which may go on over the next lines, to its ';').
#include <algorithm>
#include <cctype>

#include "plan/explain.h"
#include "repl/command_args.h"
#include "repl/session_internal.h"
#include "runtime/nearest_name.h"

namespace vlac::repl {

bool Session::cmd_explain(const CommandLine& c) {
  const std::string_view line = c.line;
  const size_t rest_offset = c.rest_offset;
  std::string arg = trim(c.rest);
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

}  // namespace vlac::repl
