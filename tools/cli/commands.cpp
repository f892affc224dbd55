#include "cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/optimizer_flags.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "plan/explain.h"

namespace vlac {
namespace {

constexpr const char* kCheckHelp = R"(usage: vlac check PROGRAM.vsql

Parses and type-checks a program and prints every error and warning it finds, each with its
file:line:col, the source line, a caret and a hint. Exits 0 when there is no error, 1 otherwise.
)";

constexpr const char* kExplainHelp = R"(usage: vlac explain PROGRAM.vsql [--format text|json|dot] [--verbose] [--no-optimize] [--disable-pass=NAME]

Prints the program's logical plan: for each output, its operators with their output schema
(names, types, nullability), event-time column and watermark, then the optimizer rules that
fired.

options:
  --format text|json|dot text for people (default), JSON (stable; see docs/explain-json.md),
                         or the dataflow for Graphviz (`vlac explain p.vsql --format dot | dot -Tsvg`)
  --verbose              text: after the plan, each optimizer pass with its rewrites and time
{optimizer flags}
)";

int usage_error(const std::string& message, const char* help) {
  std::cerr << "vlac: " << message << "\n" << with_optimizer_flags(help, 25);
  return kExitUsage;
}

/// Compiles the program at `path` and prints its diagnostics; nullopt when it has errors.
std::optional<Compilation> compile_file(const std::string& path, const FrontendOptions& options) {
  std::optional<std::string> text = read_program_file(path);
  if (!text) return std::nullopt;
  Compilation c = compile_program(path, std::move(*text), options);
  std::cerr << render_report(*c.file, c.diags);
  if (c.diags.has_errors()) return std::nullopt;
  return c;
}

}  // namespace

std::optional<std::string> read_program_file(const std::string& path) {
  std::string error;
  std::optional<std::string> text = read_source_text(path, &error);
  if (!text) std::cerr << "vlac: cannot read '" << path << "': " << error << "\n";
  return text;
}

bool compile_to_physical(const std::string& path, Compilation& c, PhysicalPlan& plan, const FrontendOptions& options) {
  std::optional<std::string> text = read_program_file(path);
  if (!text) return false;
  c = compile_program(path, std::move(*text), options);
  std::cerr << render_report(*c.file, c.diags);
  if (c.diags.has_errors()) return false;
  Diagnostics lowering;
  plan = lower_to_physical(c.program, *c.file, lowering);
  std::cerr << render_report(*c.file, lowering);
  return !lowering.has_errors();
}

int run_check(const std::vector<std::string>& args) {
  std::string path;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kCheckHelp;
      return kExitOk;
    }
    if (a.size() > 1 && a[0] == '-') return usage_error("unknown option '" + a + "'", kCheckHelp);
    if (!path.empty()) return usage_error("check takes one program", kCheckHelp);
    path = a;
  }
  if (path.empty()) return usage_error("check needs a program", kCheckHelp);
  // Lowered too, so that check reports what `vlac run` would refuse (such as OVER over STRING).
  Compilation c;
  PhysicalPlan plan;
  return compile_to_physical(path, c, plan, FrontendOptions{}) ? kExitOk : kExitError;
}

int run_explain(const std::vector<std::string>& args) {
  std::string path, format = "text", error;
  bool verbose = false;
  FrontendOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << with_optimizer_flags(kExplainHelp, 25);
      return kExitOk;
    } else if (a == "--format" || a.rfind("--format=", 0) == 0) {
      if (a == "--format") {
        if (i + 1 >= args.size()) return usage_error("--format needs a value: text, json or dot", kExplainHelp);
        format = args[++i];
      } else {
        format = a.substr(9);
      }
      if (format != "text" && format != "json" && format != "dot")
        return usage_error("unknown format '" + format + "': use text, json or dot", kExplainHelp);
    } else if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (FlagParse f = parse_optimizer_flag(args, i, &options, &error); f != FlagParse::NotMine) {
      if (f == FlagParse::Error) return usage_error(error, kExplainHelp);
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option '" + a + "'", kExplainHelp);
    } else if (!path.empty()) {
      return usage_error("explain takes one program", kExplainHelp);
    } else {
      path = a;
    }
  }
  if (path.empty()) return usage_error("explain needs a program", kExplainHelp);
  if (verbose && format != "text") return usage_error("--verbose is for --format text", kExplainHelp);
  std::optional<Compilation> c = compile_file(path, options);
  if (!c) return kExitError;
  if (format == "json") std::cout << explain_json(c->program).dump(2) << "\n";
  else if (format == "dot") std::cout << explain_dot(c->program);
  else std::cout << explain_text(c->program) << fired_rules_text(c->optimizer_report, options.optimize)
                 << (verbose ? pass_times_text(c->optimizer_report, options.optimize) : "");
  return kExitOk;
}

}  // namespace vlac
