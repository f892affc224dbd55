// Running a query: it is checked and lowered with every other output left out, compiled by the
// JIT and run over the session's inputs by vlac::execute; Ctrl-C cancels it.
#include <signal.h>

#include <atomic>

#include "codegen/jit/jit_engine.h"
#include "physical/physical_plan.h"
#include "repl/query_output.h"
#include "repl/session_internal.h"

namespace vlac::repl {
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

constexpr const char* kLiveHint =
    "reading %s live (standard input: CSV with a header line first, or JSON Lines; Ctrl-D ends "
    "it); Ctrl-C cancels the query\n";

}  // namespace

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

  QueryInputs inputs;
  if (!open_inputs(plan, inputs, &g_cancel)) return false;
  const bool live = inputs.live;

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
  QueryOutput output(io_.out, io_.interactive, &g_cancel);
  if (!output.file()) {
    error("cannot set up the query's output");
    return false;
  }
  ExecutionOptions options;
  options.writer = result_writer_options(settings_, live);
  options.messages = io_.err;
  options.cancel = &g_cancel;
  std::fflush(io_.out);
  if (live && io_.interactive) {
    std::fprintf(io_.err, kLiveHint, inputs.live_streams.c_str());
    std::fflush(io_.err);
  }

  ExecutionReport result;
  if (!g_cancel.load()) result = vlac::execute(plan, *compiled, inputs.files, {output.file()}, options);
  const bool cancelled = g_cancel.load();
  if (live) clearerr(stdin);  // after end of input (Ctrl-D) or an interrupted read
  output.close();

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

}  // namespace vlac::repl
