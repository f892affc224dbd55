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
int run_build(const std::vector<std::string>& args);

struct Compilation;
struct PhysicalPlan;

/// Reads, compiles and lowers the program at `path`, printing its diagnostics; false when it
/// cannot be read or has errors. `c` must outlive `plan` (the plan points into it).
bool compile_to_physical(const std::string& path, Compilation& c, PhysicalPlan& plan);

/// Reads a whole file; nullopt (after printing "vlac: cannot read ...") when it cannot.
std::optional<std::string> read_program_file(const std::string& path);

}  // namespace vlac
