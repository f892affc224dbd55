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
  std::vector<std::pair<std::string, std::string>> inputs;   // stream name, path ("-" = stdin, mqtt://...)
  std::vector<std::pair<std::string, std::string>> outputs;  // output name, path
  std::string format = "csv";      // csv | jsonl | table
  std::string input_format;        // --input-format csv|jsonl; "" = by extension (rt::input_format_for)
  bool timestamps_ns = false;      // --timestamps ns
  std::string backend = "jit";     // jit | cpp | firmware
  /// --default-capacity NAME=N (firmware): "max_keys=64", ..., checked by parse_default_capacity
  std::vector<std::string> default_capacities;
  bool stats = false;
  bool drain = false;              // --drain: SIGINT/SIGTERM ends the inputs (LANGUAGE.md §12)
  int64_t idle_timeout_ns = 0;     // --idle-timeout DURATION (LANGUAGE.md §12); 0 = off
  std::string rejects_path;
  std::string late_path;           // --late PATH (LANGUAGE.md §12); "" = none
  bool fail_fast = false;          // --on-error fail
  FrontendOptions compile;         // --no-optimize, --disable-pass=NAME (cli/optimizer_flags.h)
  // --checkpoint DIR (LANGUAGE.md §10); "" = none
  std::string checkpoint_dir;
  uint64_t checkpoint_every_rows = 0;               // --checkpoint-every 100000rows
  int64_t checkpoint_every_ns = 10'000'000'000;     // --checkpoint-every 10s (the default)
  int keep_checkpoints = 2;                         // --keep-checkpoints N
  uint64_t restore_from = 0;                        // --restore-from ID; 0 = the newest
  /// --threads N (LANGUAGE.md §11): -1 = not given (1); 0 = every core
  int threads = -1;
  bool help = false;
};

extern const char* const kRunHelp;  // "{optimizer flags}" marks where with_optimizer_flags puts them

/// `--checkpoint-every`: "10s", "1.5s", "500ms", "2m", "1h" or "100000rows"; false for anything else.
bool parse_checkpoint_interval(const std::string& text, uint64_t* rows, int64_t* ns);

/// Parses run's arguments; nullopt with `*error` set on a usage error.
std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, std::string* error);

}  // namespace vlac
