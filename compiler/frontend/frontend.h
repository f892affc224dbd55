#pragma once
// Runs the front and middle end on one program: parse, bind, optimise. Used by every command
// of the CLI, by the REPL and by the tests.

#include <memory>
#include <string>

#include "diag/diagnostics.h"
#include "opt/optimizer.h"
#include "plan/logical_plan.h"

namespace vlac {

struct Compilation {
  std::unique_ptr<SourceFile> file;
  Diagnostics diags;
  LogicalProgram program;  // meaningful only when !diags.has_errors()
  OptimizerReport optimizer_report;  // empty when not optimised
};

struct FrontendOptions {
  bool optimize = true;
  OptimizerOptions optimizer;
};

Compilation compile_program(std::string name, std::string text, const FrontendOptions& options = {});

}  // namespace vlac
