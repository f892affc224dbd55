#pragma once
// The options of `vlac run` (LANGUAGE.md §8) and their parsing.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontend/frontend.h"

namespace vlac {

struct RunOptions {
  std::string program;
  std::vector<std::pair<std::string, std::string>> inputs;   // stream name, path ("-" = stdin)
  std::vector<std::pair<std::string, std::string>> outputs;  // output name, path
  std::string format = "csv";      // csv | jsonl | table
  std::string input_format;        // --input-format csv|jsonl; "" = by extension (rt::input_format_for)
  bool timestamps_ns = false;      // --timestamps ns
  std::string backend = "jit";     // jit | cpp | firmware
  /// --default-capacity NAME=N (firmware): "max_keys=64", ..., checked by parse_default_capacity
  std::vector<std::string> default_capacities;
  bool stats = false;
  std::string rejects_path;
  bool fail_fast = false;          // --on-error fail
  FrontendOptions compile;         // --no-optimize, --disable-pass=NAME (cli/optimizer_flags.h)
  bool help = false;
};

extern const char* const kRunHelp;  // "{optimizer flags}" marks where with_optimizer_flags puts them

/// Parses run's arguments; nullopt with `*error` set on a usage error.
std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, std::string* error);

}  // namespace vlac
