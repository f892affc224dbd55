// `vlac checkpoints DIR`: the snapshots a run with `--checkpoint DIR` has kept (LANGUAGE.md §10,
// docs/checkpoints.md), one line each: id, time, state size and rows read per input, or why a
// file is damaged. Only reads DIR.
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli/commands.h"
#include "runtime/checkpoint/checkpoint_dir.h"

namespace vlac {
namespace {

constexpr const char* kHelp = R"(usage: vlac checkpoints DIR

Lists the snapshots in DIR, the checkpoint directory of `vlac run --checkpoint DIR`, by id: when
each was taken (ISO-8601, UTC), the size of its operator state, and the rows read from each
input (NAME=ROWS, NAME as given to --input). A damaged or truncated snapshot file is listed with
the reason; a restart skips it. `vlac run ... --restore-from ID` restarts from one of them.
The file format is in docs/checkpoints.md.

Exits 1 when DIR does not exist or holds no complete snapshot, 2 on usage errors.
)";

/// "2026-12-03T14:51:57.123Z"
std::string iso_utc(int64_t unix_time_ns) {
  int64_t seconds = unix_time_ns / 1'000'000'000;
  int64_t ns = unix_time_ns % 1'000'000'000;
  if (ns < 0) {
    ns += 1'000'000'000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "?";
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ns / 1'000'000));
  return text;
}

std::string entry_line(const rt::CheckpointDir::Entry& e) {
  char head[64];
  std::snprintf(head, sizeof head, "%6" PRIu64 "  ", e.id);
  if (!e.valid) return head + ("damaged: " + e.problem);
  char state[32];
  std::snprintf(state, sizeof state, "%12" PRIu64, e.state_bytes);
  std::string line = head + iso_utc(e.snapshot.unix_time_ns) + "  " + state + "  ";
  for (size_t i = 0; i < e.snapshot.inputs.size(); ++i)
    line += (i ? " " : "") + e.snapshot.inputs[i].name + "=" + std::to_string(e.snapshot.inputs[i].read);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

int usage_error(const std::string& message) {
  std::cerr << "vlac: " << message << "\n" << kHelp;
  return kExitUsage;
}

}  // namespace

int run_checkpoints(const std::vector<std::string>& args) {
  std::string dir;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kHelp;
      return kExitOk;
    }
    if (a.size() > 1 && a[0] == '-') return usage_error("unknown option '" + a + "'");
    if (!dir.empty()) return usage_error("checkpoints takes one directory");
    dir = a;
  }
  if (dir.empty()) return usage_error("checkpoints needs a directory");
  rt::CheckpointDir d;
  std::string error;
  if (!d.open(dir, &error, rt::CheckpointDir::Mode::ReadOnly)) {
    std::cerr << "vlac: " << error << "\n";
    return kExitError;
  }
  const std::vector<rt::CheckpointDir::Entry> entries = d.list();
  if (entries.empty()) {
    std::cerr << "vlac: " << dir << " holds no snapshot\n";
    return kExitError;
  }
  std::cout << "    id  time (UTC)                 state bytes  rows read\n";
  bool any_valid = false;
  for (const rt::CheckpointDir::Entry& e : entries) {
    std::cout << entry_line(e) << "\n";
    any_valid |= e.valid;
  }
  if (!any_valid) {
    std::cerr << "vlac: " << dir << " holds no complete snapshot\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace vlac
