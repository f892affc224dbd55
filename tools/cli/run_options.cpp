#include "cli/run_options.h"

#include <algorithm>
#include <cctype>
#include <string>

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
                          can read standard input; PATH mqtt://HOST[:PORT]/TOPIC subscribes to an
                          MQTT topic (QoS 1; + and # allowed), live: each message is one row, a
                          JSON object, or with ?format=csv one CSV record in the declared column
                          order; ?count=N ends the input after N messages (else SIGINT/SIGTERM
                          ends it); a malformed message is reported as mqtt://HOST/TOPIC#N
  --input-format csv|jsonl    read every input in this format, whatever its name
  --output NAME=PATH      write output NAME to PATH (needed when the program has several outputs);
                          PATH mqtt://HOST[:PORT]/TOPIC publishes one JSON object per row (QoS 1)
  --format csv|jsonl|table    output format (default csv); a table of live input is printed
                          row by row as the rows come
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
                          (PATH - : standard output)
  --late PATH             also write each row an operator drops as late, as JSON Lines, in the
                          order of the drops: {"operator": "#N Kind" as --stats names it,
                          "stream": the stream its input reads, "watermark": the operator's
                          watermark that made it late, "row": the operator's input row}
                          (PATH - : standard output; not with --backend firmware)
  --on-error skip|fail    skip malformed rows (default) or stop with exit status 1
  --checkpoint DIR        write snapshots of the run's state to DIR, and start from the newest one
                          there: after a crash the outputs end exactly as an uninterrupted run's
                          (every output must be a file given with --output)
  --checkpoint-every 10s|100000rows
                          how often (default 10s; also ms, m, h)
  --keep-checkpoints N    snapshots kept in DIR (default 2)
  --restore-from ID       start from an older snapshot (`vlac checkpoints DIR` lists them): the
                          outputs are cut back to it and the newer snapshots are deleted
  --threads N             use N threads (0: every core; default 1): input files (CSV, JSON
                          Lines) are parsed on N threads, and keyed window aggregates, joins
                          and OVER run in N partitions by key where that measures faster; a
                          program over one file whose rows reach one keyed aggregate or OVER
                          has them dealt out to its partitions by the parser threads, and one
                          of filters and projections only runs them there; outputs may be
                          written on a thread of their own; the output, rejects and late rows
                          are the same, byte for byte, as with one thread, and --stats says
                          where each operator ran (docs/threads.md)
  --drain                 SIGINT or SIGTERM ends the live inputs (stdin, MQTT) after what has
                          arrived, as the end of a file does (files are read to their end):
                          every open window fires and the run exits 0
  --idle-timeout DURATION a live input (stdin, MQTT) that gives no row for DURATION of wall-clock
                          time (5s, 200ms) stops holding back the watermarks of the operators it
                          feeds, until its next row, which may then be late (default: off)
{optimizer flags}

A write that fails (a full disk) is exit status 1. SIGINT or SIGTERM stops reading, keeps what was
written, prints --stats and exits 130 (SIGTERM: 143) without firing open windows; with
--checkpoint it writes a last snapshot and exits 0, and the next run goes on from there.
An MQTT broker that cannot be reached is exit status 1; a connection lost during the run is
reported and retried with backoff.
)";

bool parse_checkpoint_interval(const std::string& text, uint64_t* rows, int64_t* ns) {
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) ++digits;
  if (digits == 0 || digits == text.size()) return false;
  const std::string number = text.substr(0, digits), unit = text.substr(digits);
  if (unit == "rows") {
    if (number.find('.') != std::string::npos || number.size() > 18) return false;
    *rows = std::stoull(number);
    *ns = 0;
    return *rows > 0;
  }
  double scale = unit == "ms" ? 1e6 : unit == "s" ? 1e9 : unit == "m" ? 60e9 : unit == "h" ? 3600e9 : 0;
  if (scale == 0 || std::count(number.begin(), number.end(), '.') > 1 || number == ".") return false;
  const double value = std::stod(number) * scale;
  if (!(value >= 1e6) || value > 1e18) return false;  // at least 1 ms
  *ns = static_cast<int64_t>(value);
  *rows = 0;
  return true;
}

std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, std::string* error) {
  RunOptions o;
  std::string set_checkpoint_flag;  // the last flag that needs --checkpoint
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    // --flag=value and --flag value are both accepted.
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos &&
        (a.rfind("--input=", 0) == 0 || a.rfind("--output=", 0) == 0 || a.rfind("--format=", 0) == 0 ||
         a.rfind("--timestamps=", 0) == 0 || a.rfind("--backend=", 0) == 0 || a.rfind("--rejects=", 0) == 0 || a.rfind("--late=", 0) == 0 ||
         a.rfind("--on-error=", 0) == 0 || a.rfind("--input-format=", 0) == 0 || a.rfind("--default-capacity=", 0) == 0 ||
         a.rfind("--checkpoint=", 0) == 0 || a.rfind("--checkpoint-every=", 0) == 0 ||
         a.rfind("--keep-checkpoints=", 0) == 0 || a.rfind("--restore-from=", 0) == 0 || a.rfind("--threads=", 0) == 0 ||
         a.rfind("--idle-timeout=", 0) == 0)) {
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
    } else if (a == "--drain") {
      o.drain = true;
    } else if (a == "--idle-timeout") {
      if (!take("a duration")) return std::nullopt;
      uint64_t rows = 0;
      if (!parse_checkpoint_interval(value, &rows, &o.idle_timeout_ns) || rows != 0) {
        *error = "--idle-timeout takes a duration (5s, 200ms, 2m), not '" + value + "'";
        return std::nullopt;
      }
    } else if (a == "--rejects") {
      if (!take("a path")) return std::nullopt;
      o.rejects_path = value;
    } else if (a == "--late") {
      if (!take("a path")) return std::nullopt;
      o.late_path = value;
    } else if (a == "--on-error") {
      if (!take("skip or fail")) return std::nullopt;
      if (value != "skip" && value != "fail") {
        *error = "unknown --on-error mode '" + value + "': use skip or fail";
        return std::nullopt;
      }
      o.fail_fast = value == "fail";
    } else if (a == "--checkpoint") {
      if (!take("a directory")) return std::nullopt;
      o.checkpoint_dir = value;
    } else if (a == "--checkpoint-every") {
      if (!take("an interval")) return std::nullopt;
      if (!parse_checkpoint_interval(value, &o.checkpoint_every_rows, &o.checkpoint_every_ns)) {
        *error = "--checkpoint-every takes a duration (10s, 500ms, 2m, 1h) or a row count (100000rows), not '" + value + "'";
        return std::nullopt;
      }
      set_checkpoint_flag = a;
    } else if (a == "--keep-checkpoints" || a == "--restore-from") {
      if (!take("a number")) return std::nullopt;
      const bool keep = a == "--keep-checkpoints";
      if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
          std::stoull(value) == 0) {
        *error = a + (keep ? " takes a number of snapshots of at least 1" : " takes a snapshot id (`vlac checkpoints DIR` lists them)") +
                 ", not '" + value + "'";
        return std::nullopt;
      }
      if (keep) o.keep_checkpoints = static_cast<int>(std::min<uint64_t>(std::stoull(value), 1000000));
      else o.restore_from = std::stoull(value);
      set_checkpoint_flag = a;
    } else if (a == "--threads") {
      if (!take("a number of threads")) return std::nullopt;
      if (value.empty() || value.size() > 4 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        *error = "--threads takes a number of threads (0 uses every core), not '" + value + "'";
        return std::nullopt;
      }
      o.threads = std::stoi(value);
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
  if (!o.late_path.empty() && o.backend == "firmware") {
    *error = "--late is not available with --backend firmware: its class counts late rows (--stats) but keeps none to "
             "report; use --backend jit or cpp";
    return std::nullopt;
  }
  if (!set_checkpoint_flag.empty() && o.checkpoint_dir.empty()) {
    *error = set_checkpoint_flag + " needs --checkpoint DIR";
    return std::nullopt;
  }
  if (o.idle_timeout_ns > 0 && o.backend == "firmware") {
    *error = "--idle-timeout is for --backend jit or cpp: the firmware class keeps its own watermarks";
    return std::nullopt;
  }
  if (!o.checkpoint_dir.empty() && o.drain) {
    *error = "--drain ends the live inputs where the signal came, which no snapshot records: use it without --checkpoint";
    return std::nullopt;
  }
  if (!o.checkpoint_dir.empty() && o.format == "table") {
    *error = "--checkpoint cannot resume a table (--format table prints it at the end): use csv or jsonl";
    return std::nullopt;
  }
  if (!o.help && o.program.empty()) {
    *error = "run needs a program";
    return std::nullopt;
  }
  return o;
}

}  // namespace vlac
