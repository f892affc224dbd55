#pragma once
// `--no-optimize` and `--disable-pass=NAME`: one parser and one help text for every command that
// compiles a program (explain, run, build, emit-llvm), so they accept and describe the same flags.

#include <string>
#include <vector>

#include "frontend/frontend.h"

namespace vlac {

enum class FlagParse {
  NotMine,  // not an optimizer flag: the caller goes on with its own options
  Taken,    // parsed into the options (and `i` moved past a separate value)
  Error,    // a usage error, described in `*error`
};

/// Parses `args[i]` when it is `--no-optimize`, `--disable-pass=NAME` or `--disable-pass NAME`.
/// An unknown pass name is an error that lists the passes.
FlagParse parse_optimizer_flag(const std::vector<std::string>& args, size_t& i, FrontendOptions* options, std::string* error);

/// `help` with the line "{optimizer flags}" replaced by the flags' help lines, their text from
/// `column` as the command's other options (the pass list taken from the optimizer, so it never
/// goes stale).
std::string with_optimizer_flags(const char* help, size_t column);

}  // namespace vlac
