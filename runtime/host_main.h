#pragma once
// The `main` of a program built with `vlac build --target host`: reads inputs and writes outputs
// the way `vlac run` does (LANGUAGE.md §7, §8: the same flags where they make sense, the same
// exit codes), driving the generated class through its raw-row interface. Several input files
// are interleaved by event time (rt::InputMerger, as in `vlac run`).

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/io/input_format.h"
#include "runtime/io/input_merger.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/run_stop.h"
#include "runtime/io/stop_signals.h"
#include "runtime/nearest_name.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"

namespace vlac::rt {

namespace host_main_detail {

inline int usage(const char* prog, const std::string& message) {
  std::fprintf(stderr, "%s: %s\nRun '%s --help' for the options.\n", prog, message.c_str(), prog);
  return 2;
}

}  // namespace host_main_detail

template <typename Program>
int host_main(int argc, char** argv, const char* prog) {
  using namespace host_main_detail;
  std::vector<std::vector<std::string>> inputs(Program::kSources);
  std::vector<std::string> outputs(Program::kOutputs);
  WriterOptions writer;
  std::string rejects_path;
  bool fail_fast = false, stats = false;
  int threads = 1;  // --threads N (LANGUAGE.md §11): parser threads per input file
  std::optional<InputFormat> input_format;  // --input-format
  std::string stdin_reader;                 // the one --input NAME=- (standard input is read once)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::printf("usage: %s --input NAME=PATH ... [--output NAME=PATH ...] [--format csv|jsonl|table]\n"
                  "       [--input-format csv|jsonl] [--timestamps iso|ns] [--stats] [--rejects PATH]\n"
                  "       [--on-error skip|fail] [--threads N]\n"
                  "Runs the pipeline built by `vlac build --target host`, like `vlac run` does.\n", prog);
      return 0;
    } else if (a == "--input" || a == "--output") {
      if (!value(&v) || v.find('=') == std::string::npos) return usage(prog, a + " needs NAME=PATH");
      std::string name = v.substr(0, v.find('=')), path = v.substr(v.find('=') + 1);
      bool found = false;
      size_t n = a == "--input" ? Program::kSources : Program::kOutputs;
      for (size_t k = 0; k < n; ++k) {
        if (name != (a == "--input" ? Program::source_name(k) : Program::output_name(k))) continue;
        found = true;
        if (a == "--input" && path == "-" && !stdin_reader.empty())
          return usage(prog, "standard input can feed only one --input ('" + stdin_reader + "=-' and '" + name + "=-')");
        if (a == "--input" && path == "-") stdin_reader = name;
        if (a == "--input") inputs[k].push_back(path);
        else outputs[k] = path;
      }
      if (!found) {
        std::vector<std::string> names;
        for (size_t k = 0; k < n; ++k) names.emplace_back(a == "--input" ? Program::source_name(k) : Program::output_name(k));
        std::string hint = did_you_mean(name, names);
        return usage(prog, a + " names no " + (a == "--input" ? "source stream '" : "output '") + name + "'" +
                               (hint.empty() ? "" : "; " + hint));
      }
    } else if (a == "--input-format") {
      if (!value(&v) || !(input_format = parse_input_format(v))) return usage(prog, "--input-format takes csv or jsonl");
    } else if (a == "--format") {
      if (!value(&v) || (v != "csv" && v != "jsonl" && v != "table")) return usage(prog, "--format takes csv, jsonl or table");
      writer.format = v == "jsonl" ? OutputFormat::Jsonl : v == "table" ? OutputFormat::Table : OutputFormat::Csv;
    } else if (a == "--timestamps") {
      if (!value(&v) || (v != "iso" && v != "ns")) return usage(prog, "--timestamps takes iso or ns");
      writer.timestamps_ns = v == "ns";
    } else if (a == "--rejects") {
      if (!value(&rejects_path)) return usage(prog, "--rejects needs a PATH");
    } else if (a == "--on-error") {
      if (!value(&v) || (v != "skip" && v != "fail")) return usage(prog, "--on-error takes skip or fail");
      fail_fast = v == "fail";
    } else if (a == "--stats") {
      stats = true;
    } else if (a == "--threads") {
      if (!value(&v) || v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos)
        return usage(prog, "--threads takes a number of threads (0 uses every core)");
      threads = thread_count(std::atoi(v.c_str()));
    } else {
      return usage(prog, "unknown option '" + a + "'");
    }
  }
  for (size_t s = 0; s < Program::kSources; ++s)
    if (inputs[s].empty()) return usage(prog, std::string("source stream '") + Program::source_name(s) + "' has no --input");
  if (Program::kOutputs > 1)
    for (size_t o = 0; o < Program::kOutputs; ++o)
      if (outputs[o].empty()) return usage(prog, "the program has several outputs; give each an --output NAME=PATH");

  std::vector<std::FILE*> open_files;
  struct Closer {
    std::vector<std::FILE*>& files;
    ~Closer() {
      for (std::FILE* f : files)
        if (f) std::fclose(f);
    }
  } closer{open_files};
  auto open = [&](const std::string& path, const char* mode) {
    std::FILE* f = std::fopen(path.c_str(), mode);
    if (f) open_files.push_back(f);
    return f;
  };
  auto open_output = [&](const std::string& path) { return is_stdout_path(path) ? stdout : open(path, "wb"); };
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", prog, message.c_str());
    return 1;
  };

  std::vector<std::unique_ptr<RowWriter>> writers;
  std::vector<std::pair<std::FILE*, std::string>> written;  // each output and the rejects file, named
  for (size_t o = 0; o < Program::kOutputs; ++o) {
    std::FILE* f = open_output(outputs[o]);
    if (!f) return fail("cannot write '" + outputs[o] + "': " + std::strerror(errno));
    written.emplace_back(f, output_display_name(outputs[o]));
    writers.push_back(make_row_writer(f, Program::output_columns(o), Program::output_layout(o), writer));
  }
  std::FILE* rejects_file = nullptr;
  if (!rejects_path.empty() && !(rejects_file = open_output(rejects_path)))
    return fail("cannot write '" + rejects_path + "': " + std::strerror(errno));
  if (rejects_file) written.emplace_back(rejects_file, output_display_name(rejects_path));
  RejectSink rejects(stderr, rejects_file, fail_fast ? OnError::Fail : OnError::Skip);

  // The program object may be large (its state); it lives on the heap, not the stack.
  auto program = std::make_unique<Program>();
  for (size_t o = 0; o < Program::kOutputs; ++o)
    program->set_raw_sink(o, [](void* w, const uint8_t* row) { static_cast<RowWriter*>(w)->write(row); }, writers[o].get());

  StopSignals signals;  // SIGINT/SIGTERM: stop reading, keep what was emitted, exit 130/143
  auto signalled = [] { return StopSignals::stop_flag()->load(std::memory_order_relaxed); };
  auto stopped_by_signal = [&] {
    std::fprintf(stderr, "%s: stopped by %s; open windows were not fired\n", prog, StopSignals::signal_name());
    return StopSignals::exit_status();
  };
  std::vector<std::unique_ptr<RowReader>> readers;
  std::vector<size_t> reader_stream;
  InputMerger merger;
  bool live = false;
  for (size_t s = 0; s < Program::kSources; ++s) {
    const RowLayout& layout = Program::source_layout(s);
    for (const std::string& path : inputs[s]) {
      bool is_stdin = path == "-";
      std::FILE* f = is_stdin ? stdin : open(path, "rb");
      if (!f) return signalled() ? stopped_by_signal() : fail("cannot read '" + path + "': " + std::strerror(errno));
      live |= is_stdin;
      SourceSpec spec{Program::source_name(s), Program::source_columns(s), layout, Program::source_read_columns(s)};
      std::string display = is_stdin ? "<stdin>" : path;
      const InputFormat format = input_format_for(path, input_format);
      auto reader = is_stdin ? open_row_reader(format, display, f, spec, rejects)
                             : open_file_reader(format, display, f, spec, rejects, threads);
      std::string error;
      if (!reader->open(&error)) return signalled() ? stopped_by_signal() : fail(error);
      merger.add(static_cast<int>(s), reader.get(), layout.size, Program::source_time_offset(s));
      reader_stream.push_back(s);
      readers.push_back(std::move(reader));
    }
  }
  // A failed write stops the run: nothing more can be delivered.
  auto write_error = [&]() -> std::string {
    for (size_t o = 0; o < writers.size(); ++o)
      if (writers[o]->error() != 0) return write_error_message(written[o].second, writers[o]->error());
    if (rejects.rejects_error() != 0) return write_error_message(rejects_path, rejects.rejects_error());
    return {};
  };
  std::vector<const RowWriter*> watched;
  for (const auto& w : writers) watched.push_back(w.get());
  RunStop stop(&rejects, StopSignals::stop_flag(), std::move(watched), live);  // cheap after every row
  bool stopped = false;
  int stream;
  const uint8_t* row;
  int64_t time;
  while (merger.next(&stream, &row, &time)) {
    program->push_raw(static_cast<size_t>(stream), row);
    if (live)
      for (auto& w : writers) w->flush();
    if (stop.after_row()) {
      stopped = true;
      break;
    }
  }
  if (!stopped && stop.now()) stopped = true;
  if (!stopped) program->finish();
  for (auto& w : writers) w->finish();
  std::string error = write_error();
  // The last flush and close can fail too (a full disk takes buffered bytes at close).
  for (size_t i = 0; i < written.size(); ++i) {
    bool seen = false;
    for (size_t j = 0; j < i; ++j) seen |= written[j].first == written[i].first;
    if (seen) continue;
    const int err = close_output(written[i].first);
    if (written[i].first != stdout)
      for (std::FILE*& f : open_files)
        if (f == written[i].first) f = nullptr;
    if (err != 0 && error.empty()) error = write_error_message(written[i].second, err);
  }
  if (stats) {
    std::fprintf(stderr, "%s: stats\n", prog);
    for (size_t s = 0; s < Program::kSources; ++s) {
      InputStats sum;
      for (size_t r = 0; r < readers.size(); ++r)
        if (reader_stream[r] == s) {
          sum.read += readers[r]->stats().read;
          sum.accepted += readers[r]->stats().accepted;
          sum.rejected += readers[r]->stats().rejected;
        }
      std::fprintf(stderr, "  source %s: %llu read, %llu accepted, %llu rejected\n", Program::source_name(s),
                   static_cast<unsigned long long>(sum.read), static_cast<unsigned long long>(sum.accepted),
                   static_cast<unsigned long long>(sum.rejected));
    }
    for (size_t i = 0; i < Program::kOperators; ++i) {
      const auto& st = program->operator_stats(i);
      std::fprintf(stderr, "  operator #%zu: %llu in, %llu out, %llu late, %llu over capacity", i,
                   static_cast<unsigned long long>(st.rows_in), static_cast<unsigned long long>(st.rows_out),
                   static_cast<unsigned long long>(st.late_dropped), static_cast<unsigned long long>(st.capacity_dropped));
      if (Program::operator_updates_windows(i))
        std::fprintf(stderr, ", %llu windows updated", static_cast<unsigned long long>(st.windows_updated));
      std::fputc('\n', stderr);
    }
  }
  if (!error.empty()) return fail(error);
  if (signalled()) return stopped_by_signal();
  for (const auto& r : readers)
    if (!r->read_error().empty()) return fail(r->read_error());
  if (stopped) return fail("stopped at the first malformed row (--on-error fail)");
  return 0;
}

}  // namespace vlac::rt
