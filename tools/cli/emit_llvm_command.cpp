// `vlac emit-llvm`: prints the optimised LLVM IR the JIT would run for a program.
#include <iostream>

#include "codegen/jit/jit_engine.h"
#include "cli/commands.h"
#include "cli/optimizer_flags.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace vlac {
namespace {
constexpr const char* kHelp = R"(usage: vlac emit-llvm PROGRAM.vsql [--no-optimize] [--disable-pass=NAME]

Prints the optimised LLVM IR of the program: one function per pipeline (vlac_pipeline_N), an
entry function per source stream (vlac_source_N), and per aggregate operator its emit function
and kernels (vlac_operator_N_key, _update, _merge, _finalize). See docs/runtime-interface.md.

options:
{optimizer flags}
)";
}  // namespace

int run_emit_llvm(const std::vector<std::string>& args) {
  const std::string help = with_optimizer_flags(kHelp, 25);
  std::string path, error;
  FrontendOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << help;
      return kExitOk;
    }
    if (FlagParse f = parse_optimizer_flag(args, i, &options, &error); f != FlagParse::NotMine) {
      if (f == FlagParse::Error) return std::cerr << "vlac: " << error << "\n" << help, kExitUsage;
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::cerr << "vlac: unknown option '" << a << "'\n" << help;
      return kExitUsage;
    }
    if (!path.empty()) {
      std::cerr << "vlac: emit-llvm takes one program\n" << help;
      return kExitUsage;
    }
    path = a;
  }
  if (path.empty()) {
    std::cerr << "vlac: emit-llvm needs a program\n" << help;
    return kExitUsage;
  }
  Compilation c;
  PhysicalPlan plan;
  if (!compile_to_physical(path, c, plan, options)) return kExitError;
  std::cout << jit::emit_llvm_ir(plan);
  return kExitOk;
}

}  // namespace vlac
