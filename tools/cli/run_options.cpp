#include "cli/run_options.h"

#include "cli/optimizer_flags.h"

namespace vlac {

const char* const kRunHelp = R"(usage: vlac run PROGRAM.vsql --input NAME=PATH ... [options]

Compiles the program to native code (LLVM ORC JIT, or C++ with --backend cpp|firmware) and
streams the inputs through it.

options:
  --input NAME=PATH       read source stream NAME from PATH (CSV, or JSON Lines when PATH ends in
                          .jsonl, .ndjson or .json, in any case); repeat for each source; repeat one
                          NAME to read several files as one stream; PATH - reads standard input
                          live (JSON Lines when its first byte is '{', else CSV); only one input
                          can read standard input
  --input-format csv|jsonl    read every input in this format, whatever its name
  --output NAME=PATH      write output NAME to PATH (needed when the program has several outputs)
  --format csv|jsonl|table    output format (default csv)
  --timestamps iso|ns     write timestamps as ISO-8601 (default) or integer nanoseconds
  --backend jit|cpp|firmware
                          code generator (default jit); cpp: C++ built by the system compiler;
                          firmware: the class of `vlac build --target firmware` built for this
                          machine, so the rows are the device's: the capacities of WITH, else the
                          firmware defaults, and a row that does not fit is dropped and counted
                          (--stats: "over capacity")
  --default-capacity NAME=N
                          with --backend firmware: the default of max_keys, max_open_windows or
                          max_buffered_rows for operators whose WITH does not set it; repeatable
  --stats                 print rows read/accepted/rejected per source, per operator rows in and
                          out (an aggregate's after HAVING), late and capacity drops, a window
                          aggregate's windows updated, rows into and past each filter, and each
                          UNION ALL's rows per branch, on standard error
  --rejects PATH          also write each malformed input row, as it was, to PATH
  --on-error skip|fail    skip malformed rows (default) or stop with exit status 1
{optimizer flags}

A write that fails (a full disk) is exit status 1. SIGINT or SIGTERM stops reading, keeps what was
written, prints --stats and exits 130 (SIGTERM: 143) without firing open windows.
)";

std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, std::string* error) {
  RunOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    // --flag=value and --flag value are both accepted.
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos &&
        (a.rfind("--input=", 0) == 0 || a.rfind("--output=", 0) == 0 || a.rfind("--format=", 0) == 0 ||
         a.rfind("--timestamps=", 0) == 0 || a.rfind("--backend=", 0) == 0 || a.rfind("--rejects=", 0) == 0 ||
         a.rfind("--on-error=", 0) == 0 || a.rfind("--input-format=", 0) == 0 || a.rfind("--default-capacity=", 0) == 0)) {
      size_t eq = a.find('=');
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    auto take = [&](const char* what) -> bool {
      if (has_value) return true;
      if (i + 1 >= args.size()) {
        *error = a + " needs " + what;
        return false;
      }
      value = args[++i];
      return true;
    };
    auto name_path = [&](std::vector<std::pair<std::string, std::string>>& into) {
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
        *error = a + " takes NAME=PATH, not '" + value + "'";
        return false;
      }
      into.emplace_back(value.substr(0, eq), value.substr(eq + 1));
      return true;
    };
    if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (FlagParse f = parse_optimizer_flag(args, i, &o.compile, error); f != FlagParse::NotMine) {
      if (f == FlagParse::Error) return std::nullopt;
    } else if (a == "--input") {
      if (!take("NAME=PATH") || !name_path(o.inputs)) return std::nullopt;
    } else if (a == "--output") {
      if (!take("NAME=PATH") || !name_path(o.outputs)) return std::nullopt;
    } else if (a == "--input-format") {
      if (!take("csv or jsonl")) return std::nullopt;
      if (value != "csv" && value != "jsonl") {
        *error = "unknown input format '" + value + "': use csv or jsonl";
        return std::nullopt;
      }
      o.input_format = value;
    } else if (a == "--format") {
      if (!take("csv, jsonl or table")) return std::nullopt;
      if (value != "csv" && value != "jsonl" && value != "table") {
        *error = "unknown format '" + value + "': use csv, jsonl or table";
        return std::nullopt;
      }
      o.format = value;
    } else if (a == "--timestamps") {
      if (!take("iso or ns")) return std::nullopt;
      if (value != "iso" && value != "ns") {
        *error = "unknown timestamp format '" + value + "': use iso or ns";
        return std::nullopt;
      }
      o.timestamps_ns = value == "ns";
    } else if (a == "--backend") {
      if (!take("jit, cpp or firmware")) return std::nullopt;
      if (value != "jit" && value != "cpp" && value != "firmware") {
        *error = "unknown backend '" + value + "': use jit, cpp or firmware";
        return std::nullopt;
      }
      o.backend = value;
    } else if (a == "--default-capacity") {
      if (!take("NAME=N")) return std::nullopt;
      o.default_capacities.push_back(value);
    } else if (a == "--stats") {
      o.stats = true;
    } else if (a == "--rejects") {
      if (!take("a path")) return std::nullopt;
      o.rejects_path = value;
    } else if (a == "--on-error") {
      if (!take("skip or fail")) return std::nullopt;
      if (value != "skip" && value != "fail") {
        *error = "unknown --on-error mode '" + value + "': use skip or fail";
        return std::nullopt;
      }
      o.fail_fast = value == "fail";
    } else if (a.size() > 1 && a[0] == '-') {
      *error = "unknown option '" + a + "'";
      return std::nullopt;
    } else if (o.program.empty()) {
      o.program = a;
    } else {
      *error = "run takes one program; unexpected '" + a + "'";
      return std::nullopt;
    }
  }
  std::string stdin_reader;
  for (const auto& [name, path] : o.inputs) {
    if (path != "-") continue;
    if (!stdin_reader.empty()) {
      *error = "standard input can feed only one --input ('" + stdin_reader + "=-' and '" + name +
               "=-'): give the other a file or a named pipe";
      return std::nullopt;
    }
    stdin_reader = name;
  }
  if (!o.default_capacities.empty() && o.backend != "firmware") {
    *error = "--default-capacity is for --backend firmware";
    return std::nullopt;
  }
  if (!o.help && o.program.empty()) {
    *error = "run needs a program";
    return std::nullopt;
  }
  return o;
}

}  // namespace vlac
