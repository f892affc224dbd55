// Running a query: it is checked and lowered with every other output left out, compiled by the
// JIT and run over the session's inputs by vlac::execute; Ctrl-C cancels it.
#include <signal.h>

#include <atomic>
#include <functional>

#include "codegen/jit/jit_engine.h"
#include "physical/physical_plan.h"
#include "repl/session_internal.h"
#include "repl/table.h"

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

bool right_aligned(rt::FieldType t) {
  return t == rt::FieldType::Int32 || t == rt::FieldType::Int64 || t == rt::FieldType::Float32 ||
         t == rt::FieldType::Float64 || t == rt::FieldType::Interval;
}

constexpr const char* kLiveHint =
    "reading %s from standard input: CSV with a header line first (or JSON Lines); "
    "Ctrl-D ends the input, Ctrl-C cancels the query\n";


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
  if (!open_inputs(plan, inputs)) return false;
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
        std::fprintf(io_.err, kLiveHint, inputs.live_streams.c_str());
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
    std::fprintf(io_.err, kLiveHint, inputs.live_streams.c_str());
    std::fflush(io_.err);
  }

  ExecutionReport result;
  bool cancelled = false;
  if (!g_cancel.load()) result = vlac::execute(plan, *compiled, inputs.files, {target}, options);
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

}  // namespace vlac::repl
