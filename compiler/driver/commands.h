#pragma once
// The CLI's commands, one function each; argument vectors exclude the command name.

#include <optional>
#include <string>
#include <vector>

namespace vlac {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

int run_check(const std::vector<std::string>& args);
int run_explain(const std::vector<std::string>& args);
int run_run(const std::vector<std::string>& args);
int run_emit_llvm(const std::vector<std::string>& args);

/// Reads a whole file; nullopt (after printing "vlac: cannot read ...") when it cannot.
std::optional<std::string> read_program_file(const std::string& path);

}  // namespace vlac
