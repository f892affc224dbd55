// The vlac command line: `vlac COMMAND [options]`. Exit codes (LANGUAGE.md §8): 0 ok, 1 program
// or input errors, 2 usage errors.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "repl/repl.h"
#include "runtime/io/row_writer.h"

namespace {

constexpr const char* kUsage = R"(usage: vlac COMMAND [options]

Compiles and runs stream pipelines written in the vlac language.

commands:
  check PROGRAM.vsql      report errors in a program (exit 1 if there are any)
  explain PROGRAM.vsql    print the program's logical plan
  run PROGRAM.vsql --input NAME=PATH ...
                          compile the program (LLVM JIT, or C++ with --backend cpp) and
                          stream the inputs through it
  build PROGRAM.vsql -o DIR [--target host|firmware]
                          emit the program as a C++17 class (docs/firmware.md)
  emit-llvm PROGRAM.vsql  print the optimised LLVM IR of the program
  repl [PROGRAM.vsql]     an interactive shell: declare streams, run queries (docs/repl.md)
  checkpoints DIR         list the snapshots of `vlac run --checkpoint DIR`

Run 'vlac COMMAND --help' for a command's options.
options:
  --help       print this help
  --version    print vlac's version
)";

int dispatch(std::vector<std::string> args);

}  // namespace

/// Every command's standard output (plans, IR, help, REPL results) is flushed here, and a
/// failed write (`> /dev/full`) is an error like any other: exit 1, naming the file.
int main(int argc, char** argv) {
  const int status = dispatch(std::vector<std::string>(argv + 1, argv + argc));
  // std::cout writes through to stdio's stdout (synced, the default), so one fflush covers both.
  if (status != vlac::kExitOk) return status;  // it has said what went wrong
  if (const int err = vlac::rt::close_output(stdout); err != 0) {
    std::cerr << "vlac: " << vlac::rt::write_error_message(vlac::rt::output_display_name("-"), err) << "\n";
    return vlac::kExitError;
  }
  return status;
}

namespace {

int dispatch(std::vector<std::string> args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return vlac::kExitUsage;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return vlac::kExitOk;
  }
  if (command == "--version") {
    std::cout << "vlac " << VLAC_VERSION << "\n";
    return vlac::kExitOk;
  }
  if (command == "check") return vlac::run_check(args);
  if (command == "explain") return vlac::run_explain(args);
  if (command == "run") return vlac::run_run(args);
  if (command == "emit-llvm") return vlac::run_emit_llvm(args);
  if (command == "build") return vlac::run_build(args);
  if (command == "repl") return vlac::run_repl(args);
  if (command == "checkpoints") return vlac::run_checkpoints(args);
  std::cerr << "vlac: unknown command '" << command << "'\n" << kUsage;
  return vlac::kExitUsage;
}

}  // namespace
