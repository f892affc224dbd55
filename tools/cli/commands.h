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
int run_checkpoints(const std::vector<std::string>& args);

struct Compilation;
struct FrontendOptions;
struct PhysicalPlan;
namespace cpp {
struct FirmwareDefaults;
}

/// Reads, compiles and lowers the program at `path`, printing its diagnostics; false when it
/// cannot be read or has errors. `c` must outlive `plan` (the plan points into it). `options`:
/// --no-optimize and --disable-pass (cli/optimizer_flags.h).
bool compile_to_physical(const std::string& path, Compilation& c, PhysicalPlan& plan, const FrontendOptions& options);

/// Lowers a compiled program for the firmware class (strings inline in rows) and checks what
/// firmware cannot hold (unbounded or computed strings); prints errors, and warnings when
/// asked. False on errors.
bool lower_for_firmware(const Compilation& c, PhysicalPlan& plan, bool print_warnings);

/// `--default-capacity NAME=N` (build --target firmware, run --backend firmware): sets one
/// firmware default; false with a message for an unknown name or a number out of range.
bool parse_default_capacity(const std::string& value, cpp::FirmwareDefaults* defaults, std::string* error);

/// Reads a whole file; nullopt (after printing "vlac: cannot read ...") when it cannot.
std::optional<std::string> read_program_file(const std::string& path);

}  // namespace vlac
