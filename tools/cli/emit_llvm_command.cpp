// `vlac emit-llvm`: prints the optimised LLVM IR the JIT would run for a program.
#include <iostream>

#include "codegen/jit/jit_engine.h"
#include "cli/commands.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace vlac {
namespace {
constexpr const char* kHelp = R"(usage: vlac emit-llvm PROGRAM.vsql

Prints the optimised LLVM IR of the program: one function per pipeline (vlac_pipeline_N), an
entry function per source stream (vlac_source_N), and per aggregate operator its emit function
and kernels (vlac_operator_N_key, _update, _merge, _finalize). See docs/runtime-interface.md.
)";
}  // namespace

int run_emit_llvm(const std::vector<std::string>& args) {
  std::string path;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kHelp;
      return kExitOk;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::cerr << "vlac: unknown option '" << a << "'\n" << kHelp;
      return kExitUsage;
    }
    if (!path.empty()) {
      std::cerr << "vlac: emit-llvm takes one program\n" << kHelp;
      return kExitUsage;
    }
    path = a;
  }
  if (path.empty()) {
    std::cerr << "vlac: emit-llvm needs a program\n" << kHelp;
    return kExitUsage;
  }
  Compilation c;
  PhysicalPlan plan;
  if (!compile_to_physical(path, c, plan)) return kExitError;
  std::cout << jit::emit_llvm_ir(plan);
  return kExitOk;
}

}  // namespace vlac
