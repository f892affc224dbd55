// `vlac run`: compiles a program (LLVM JIT, or C++ with --backend cpp|firmware) and streams its inputs through it.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "codegen/cpp/firmware_run.h"
#include "codegen/cpp/program_class.h"
#include "codegen/cpp/shared_library.h"
#include "codegen/jit/jit_engine.h"
#include "cli/commands.h"
#include "frontend/frontend.h"
#include "cli/optimizer_flags.h"
#include "cli/run_checkpoint.h"
#include "cli/run_options.h"
#include "physical/physical_plan.h"
#include "exec/executor.h"
#include "exec/mqtt_endpoints.h"
#include "runtime/io/stop_signals.h"
#include "runtime/nearest_name.h"

namespace vlac {
namespace {

int usage(const std::string& message) {
  std::cerr << "vlac: " << message << "\n" << "Run 'vlac run --help' for the options.\n";
  return kExitUsage;
}

int fail(const std::string& message) {
  std::cerr << "vlac: " << message << "\n";
  return kExitError;
}

/// "; did you mean 'x'?" for a misspelt name, else the names there are.
std::string hint_for(const std::string& name, const std::map<std::string, int>& known) {
  std::vector<std::string> names;
  for (const auto& [n, i] : known) names.push_back(n);
  if (std::string hint = did_you_mean(name, names); !hint.empty()) return "; " + hint;
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  return names.empty() ? "" : " (there are: " + list + ")";
}


/// Files opened for the run, closed at the end (never stdin/stdout). Files written to are
/// closed by close_written(), which reports a failed flush or close; the rest on destruction.
struct OpenFiles {
  std::vector<std::FILE*> files;
  ~OpenFiles() {
    for (std::FILE* f : files) std::fclose(f);
  }
  std::FILE* open(const std::string& path, const char* mode) {
    std::FILE* f = std::fopen(path.c_str(), mode);
    if (f) files.push_back(f);
    return f;
  }
  /// Closes (stdout: flushes) each written file once; the first failure's message, or "".
  std::string close_written(const std::vector<std::pair<std::FILE*, std::string>>& written) {
    std::string error;
    std::set<std::FILE*> done;
    for (const auto& [f, name] : written) {
      if (!done.insert(f).second) continue;
      const int err = rt::close_output(f);
      if (f != stdout) files.erase(std::find(files.begin(), files.end(), f));
      if (err != 0 && error.empty()) error = rt::write_error_message(name, err);
    }
    return error;
  }
};

}  // namespace

int run_run(const std::vector<std::string>& args) {
  std::string error;
  std::optional<RunOptions> parsed = parse_run_options(args, &error);
  if (!parsed) return usage(error);
  const RunOptions& o = *parsed;
  if (o.help) {
    std::cout << with_optimizer_flags(kRunHelp, 26);
    return kExitOk;
  }

  cpp::FirmwareDefaults defaults;
  for (const std::string& v : o.default_capacities)
    if (!parse_default_capacity(v, &defaults, &error)) return usage(error);

  // ---- compile ----
  Compilation c;
  PhysicalPlan plan;
  FrontendOptions compile = o.compile;
  // --late writes operators' input rows whole: no source column may be left unread (as NULL).
  if (!o.late_path.empty()) compile.optimizer.disabled.insert("prune-source-columns");
  if (!compile_to_physical(o.program, c, plan, compile)) return kExitError;
  // --backend firmware: the program lowered for the firmware class too (strings inline).
  PhysicalPlan firmware_plan;
  if (o.backend == "firmware" && !lower_for_firmware(c, firmware_plan, false)) return kExitError;

  // ---- inputs and outputs named on the command line (usage errors, exit 2) ----
  std::map<std::string, int> source_index, output_index;
  for (size_t i = 0; i < plan.sources.size(); ++i) source_index[plan.sources[i].stream] = static_cast<int>(i);
  for (size_t i = 0; i < plan.outputs.size(); ++i) output_index[plan.outputs[i].name] = static_cast<int>(i);
  std::vector<std::vector<std::string>> input_paths(plan.sources.size());
  for (const auto& [name, path] : o.inputs) {
    auto it = source_index.find(name);
    if (it == source_index.end()) return usage("--input names no source stream '" + name + "'" + hint_for(name, source_index));
    input_paths[it->second].push_back(path);
  }
  for (size_t i = 0; i < plan.sources.size(); ++i)
    if (input_paths[i].empty()) return usage("source stream '" + plan.sources[i].stream + "' has no --input");
  // MQTT addresses (LANGUAGE.md §12): a malformed one is a usage error, before anything connects.
  auto check_mqtt = [&](const char* flag, const std::string& name, const std::string& path) {
    if (!rt::is_mqtt_url(path)) return true;
    if (!rt::parse_mqtt_url(path, &error)) error = std::string(flag) + " " + name + "=" + path + ": " + error;
    else if (!o.checkpoint_dir.empty() && std::string(flag) == "--output")
      error = "--checkpoint cannot cut back what was published to an MQTT topic after the snapshot (--output " + name + "=" +
              path + "): give --output a file";
    else return true;
    return false;
  };
  std::string live_inputs;  // --checkpoint journals one live input (LANGUAGE.md §10)
  for (const auto& [name, path] : o.inputs) {
    if (!check_mqtt("--input", name, path)) return usage(error);
    if (path == "-" || rt::is_mqtt_url(path)) live_inputs += (live_inputs.empty() ? "" : ", ") + name + "=" + path;
  }
  if (!o.checkpoint_dir.empty() && live_inputs.find(", ") != std::string::npos)
    return usage("--checkpoint keeps a journal of one live input (standard input or an MQTT topic), not of several (" +
                 live_inputs + ")");
  for (const auto& [name, path] : o.outputs)
    if (!check_mqtt("--output", name, path)) return usage(error);
  std::vector<std::string> output_paths(plan.outputs.size());
  for (const auto& [name, path] : o.outputs) {
    auto it = output_index.find(name);
    if (it == output_index.end()) return usage("--output names no output '" + name + "'" + hint_for(name, output_index));
    output_paths[it->second] = path;
  }
  if (plan.outputs.size() > 1) {
    std::string missing;
    for (size_t i = 0; i < plan.outputs.size(); ++i)
      if (output_paths[i].empty()) missing += (missing.empty() ? "" : ", ") + plan.outputs[i].name;
    if (!missing.empty())
      return usage("the program has " + std::to_string(plan.outputs.size()) +
                   " outputs; give each an --output NAME=PATH (missing: " + missing + ")");
  }

  // ---- code: the LLVM JIT, or the C++ backend / the firmware class through the system compiler ----
  std::unique_ptr<CompiledCode> program;
  cpp::FirmwareProgram* firmware = nullptr;
  if (o.backend == "firmware") {
    std::string stem = std::filesystem::path(o.program).stem().string();
    std::unique_ptr<cpp::FirmwareProgram> f = cpp::FirmwareProgram::build(plan, firmware_plan, stem, defaults, &error);
    firmware = f.get();
    program = std::move(f);
  } else {
    program = o.backend == "cpp" ? cpp::compile_shared_library(plan, &error) : std::unique_ptr<CompiledCode>(jit::compile(plan, &error));
  }
  if (!program) return fail("cannot compile the program: " + error);

  // ---- files and MQTT topics ----
  MqttEndpoints mqtt;  // declared before the files: they are closed first, which ends its sinks' input
  OpenFiles files;
  std::vector<std::vector<InputFile>> inputs(plan.sources.size());
  for (size_t s = 0; s < plan.sources.size(); ++s) {
    for (const std::string& path : input_paths[s]) {
      if (rt::is_mqtt_url(path)) {
        InputFile in;
        if (!mqtt.open_input(path, plan.sources[s], stderr, rt::StopSignals::stop_flag(), &in, &error, o.checkpoint_dir))
          return fail(error);
        inputs[s].push_back(std::move(in));
        continue;
      }
      bool is_stdin = path == "-";
      std::FILE* f = is_stdin ? stdin : files.open(path, "rb");
      if (!f) return fail("cannot read '" + path + "': " + std::strerror(errno));
      inputs[s].push_back({is_stdin ? "<stdin>" : path, f, rt::input_format_for(path, rt::parse_input_format(o.input_format)), is_stdin});
    }
  }
  // --checkpoint: the snapshot to go on from, checked before any output is touched.
  std::unique_ptr<CheckpointRun> checkpoint;
  if (!o.checkpoint_dir.empty()) {
    for (size_t i = 0; i < plan.outputs.size(); ++i)
      if (rt::is_stdout_path(output_paths[i]))
        return usage("--checkpoint writes every output to a file it can cut back after a crash: give output '" +
                     plan.outputs[i].name + "' an --output NAME=PATH that is not standard output");
    if (!o.rejects_path.empty() && rt::is_stdout_path(o.rejects_path))
      return usage("--checkpoint needs --rejects to name a file, not standard output");
    if (!o.late_path.empty() && rt::is_stdout_path(o.late_path))
      return usage("--checkpoint needs --late to name a file it can cut back, not standard output");
    checkpoint = std::make_unique<CheckpointRun>();
    if (!start_checkpoint_run(o, c, plan, inputs, !o.rejects_path.empty(), checkpoint.get(), &error)) return fail(error);
    if (checkpoint->snapshot)
      std::cerr << "vlac: continuing from checkpoint " << checkpoint->snapshot->id << " ("
                << iso_time(checkpoint->snapshot->unix_time_ns) << ") in " << o.checkpoint_dir << "\n";
  }
  // An output, the rejects or the late file: `-` is standard output (a checkpointed run refused
  // that above).
  auto open_output = [&](size_t index, const std::string& path) -> std::FILE* {
    if (rt::is_stdout_path(path)) return stdout;
    if (!checkpoint) return files.open(path, "wb");
    std::FILE* f = open_checkpointed_output(*checkpoint, index, path, &error);
    if (f) files.files.push_back(f);
    return f;
  };
  std::vector<std::FILE*> outputs;
  ExecutionOptions options;
  options.jsonl_outputs.assign(plan.outputs.size(), false);
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    std::FILE* f = nullptr;
    if (rt::is_mqtt_url(output_paths[i])) {
      f = mqtt.open_output(output_paths[i], stderr, &error);
      if (!f) return fail(error);
      files.files.push_back(f);
      options.jsonl_outputs[i] = true;  // one JSON object per message
    } else {
      f = open_output(i, output_paths[i]);
      if (!f) return fail(checkpoint ? error : "cannot write '" + output_paths[i] + "': " + std::strerror(errno));
    }
    outputs.push_back(f);
  }
  for (const std::string& path : output_paths) options.output_names.push_back(rt::output_display_name(path));
  options.writer.format = o.format == "jsonl" ? rt::OutputFormat::Jsonl : o.format == "table" ? rt::OutputFormat::Table : rt::OutputFormat::Csv;
  options.writer.timestamps_ns = o.timestamps_ns;
  // A table of live input (standard input, MQTT) is printed row by row as the rows come, not
  // at an end that may never come (LANGUAGE.md §12).
  for (const auto& [name, path] : o.inputs) options.writer.table.streaming |= path == "-" || rt::is_mqtt_url(path);
  options.fail_fast = o.fail_fast;
  options.count_pipeline_rows = o.stats;
  options.threads = o.threads < 0 ? 1 : rt::thread_count(o.threads);
  if (!o.rejects_path.empty()) {
    options.rejects = open_output(plan.outputs.size(), o.rejects_path);
    if (!options.rejects) return fail(checkpoint ? error : "cannot write '" + o.rejects_path + "': " + std::strerror(errno));
    options.rejects_name = rt::output_display_name(o.rejects_path);
  }
  if (!o.late_path.empty()) {  // after the rejects file in a snapshot's outputs
    const size_t index = plan.outputs.size() + (options.rejects ? 1 : 0);
    options.late = open_output(index, o.late_path);
    if (!options.late) return fail(checkpoint ? error : "cannot write '" + o.late_path + "': " + std::strerror(errno));
    options.late_name = rt::output_display_name(o.late_path);
  }
  if (checkpoint) {
    // Going back to an older snapshot: the newer ones describe outputs that no longer exist.
    if (o.restore_from != 0) checkpoint->store.remove_newer_than(o.restore_from);
    options.checkpoint = &checkpoint->options;
  }

  rt::StopSignals signals;  // SIGINT/SIGTERM: stop reading, keep what was emitted, exit 130/143
  options.cancel = rt::StopSignals::stop_flag();
  options.drain = o.drain;
  options.idle_timeout_ns = o.idle_timeout_ns;
  ExecutionReport report = firmware ? execute_firmware(plan, *firmware, inputs, outputs, options)
                                    : execute(plan, *program, inputs, outputs, options);
  // The last flush and close can fail too (a full disk takes buffered bytes at close).
  std::vector<std::pair<std::FILE*, std::string>> written;
  for (size_t i = 0; i < outputs.size(); ++i) written.emplace_back(outputs[i], options.output_names[i]);
  if (options.rejects) written.emplace_back(options.rejects, options.rejects_name);
  if (options.late) written.emplace_back(options.late, options.late_name);
  std::string close_error = files.close_written(written);
  // MQTT outputs: every message acknowledged by the broker (their pipes were just closed).
  if (std::string mqtt_error; !mqtt.finish(&mqtt_error) && close_error.empty()) close_error = mqtt_error;
  if (o.stats) print_stats(stderr, plan, report, *program);
  if (report.stopped_after_checkpoint && report.ok && close_error.empty()) {
    std::cerr << "vlac: stopped after checkpoint " << report.last_checkpoint << " (VLAC_TEST_STOP_AFTER_ROWS)\n";
    return kExitOk;
  }
  if (report.cancelled && close_error.empty()) {
    if (checkpoint && report.checkpoints > 0) {
      std::cerr << "vlac: stopped by " << rt::StopSignals::signal_name() << "; checkpoint " << report.last_checkpoint
                << " saved: the next run with --checkpoint " << o.checkpoint_dir << " goes on from here\n";
      return kExitOk;
    }
    std::cerr << "vlac: stopped by " << rt::StopSignals::signal_name() << "; open windows were not fired\n";
    return rt::StopSignals::exit_status();
  }
  if (!report.ok) return fail(report.error);
  if (!close_error.empty()) return fail(close_error);
  if (o.drain && rt::StopSignals::signal_number() != 0)
    std::cerr << "vlac: " << rt::StopSignals::signal_name() << " ended the inputs (--drain); every open window fired\n";
  return kExitOk;
}

}  // namespace vlac
