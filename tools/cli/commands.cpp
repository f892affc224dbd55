#include "cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "plan/explain.h"

namespace vlac {
namespace {

constexpr const char* kCheckHelp = R"(usage: vlac check PROGRAM.vsql

Parses and type-checks a program and prints every error and warning it finds, each with its
file:line:col, the source line, a caret and a hint. Exits 0 when there is no error, 1 otherwise.
)";

constexpr const char* kExplainHelp = R"(usage: vlac explain PROGRAM.vsql [--format text|json] [--no-optimize] [--disable-pass=NAME]

Prints the program's logical plan: for each output, its operators with their output schema
(names, types, nullability), event-time column and watermark.

options:
  --format text|json   text for people (default), or JSON (stable; see docs/explain-json.md)
  --no-optimize        print the plan as bound, before any optimizer pass
  --disable-pass=NAME  skip one optimizer pass (repeatable); passes, in order:
                       fold-constants, remove-identity-projections,
                       push-filters-through-projections, merge-filters,
                       push-filters-into-joins, push-filters-below-aggregates,
                       push-filters-below-windows, merge-projections,
                       share-subexpressions
)";

int usage_error(const std::string& message, const char* help) {
  std::cerr << "vlac: " << message << "\n" << help;
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

bool compile_to_physical(const std::string& path, Compilation& c, PhysicalPlan& plan) {
  std::optional<std::string> text = read_program_file(path);
  if (!text) return false;
  c = compile_program(path, std::move(*text));
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
  return compile_to_physical(path, c, plan) ? kExitOk : kExitError;
}

int run_explain(const std::vector<std::string>& args) {
  std::string path, format = "text";
  FrontendOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kExplainHelp;
      return kExitOk;
    } else if (a == "--format" || a.rfind("--format=", 0) == 0) {
      if (a == "--format") {
        if (i + 1 >= args.size()) return usage_error("--format needs a value: text or json", kExplainHelp);
        format = args[++i];
      } else {
        format = a.substr(9);
      }
      if (format != "text" && format != "json") return usage_error("unknown format '" + format + "': use text or json", kExplainHelp);
    } else if (a == "--no-optimize") {
      options.optimize = false;
    } else if (a.rfind("--disable-pass=", 0) == 0) {
      std::string name = a.substr(15);
      bool known = false;
      for (const std::string& p : optimizer_pass_names()) known |= p == name;
      if (!known) return usage_error("unknown pass '" + name + "'", kExplainHelp);
      options.optimizer.disabled.insert(name);
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option '" + a + "'", kExplainHelp);
    } else if (!path.empty()) {
      return usage_error("explain takes one program", kExplainHelp);
    } else {
      path = a;
    }
  }
  if (path.empty()) return usage_error("explain needs a program", kExplainHelp);
  std::optional<Compilation> c = compile_file(path, options);
  if (!c) return kExitError;
  if (format == "json") std::cout << explain_json(c->program).dump(2) << "\n";
  else std::cout << explain_text(c->program) << fired_rules_text(c->optimizer_report, options.optimize);
  return kExitOk;
}

}  // namespace vlac
