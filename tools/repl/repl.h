#pragma once
// `vlac repl`: an interactive shell for exploring streams (docs/repl.md).

#include <string>
#include <vector>

namespace vlac {

/// Runs the REPL; `args` exclude the command name. Interactive (line editing, history,
/// completion) when standard input is a terminal; otherwise it runs the statements it reads
/// and exits 1 if any of them failed.
int run_repl(const std::vector<std::string>& args);

}  // namespace vlac
