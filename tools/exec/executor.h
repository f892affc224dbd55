#pragma once
// Runs a compiled program: builds the runtime objects of a physical plan (writers, operators
// with their generated kernels, readers), drives the engine to the end of the inputs, and
// reports what happened. Shared by `vlac run`, the REPL and the in-process tests.

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "codegen/cpp/firmware_run.h"
#include "physical/compiled_code.h"
#include "physical/physical_plan.h"
#include "runtime/io/input_format.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/ops/operator.h"

namespace vlac {

struct CheckpointOptions;  // exec/checkpointing.h

struct InputFile {
  std::string display_name;  // as given to --input; "<stdin>" for standard input
  std::FILE* file;           // not owned
  rt::InputFormat format = rt::InputFormat::Csv;  // rt::input_format_for
  bool live = false;         // standard input or MQTT: flush outputs after every row
  /// Bytes read before the file's own (an MQTT CSV source: the header of its columns).
  std::string prefix = {};
  /// Set: messages name a record `NAME#N`, N = record_number(line) (an MQTT source's messages).
  std::function<uint64_t(uint64_t)> record_number = {};
  /// Its writer closes it at SIGINT/SIGTERM (an MQTT source): read to its end after the signal.
  bool read_to_end_after_stop = false;
};

struct ExecutionOptions {
  rt::WriterOptions writer;
  std::FILE* messages = stderr;       // malformed-row reports and warnings
  std::FILE* rejects = nullptr;       // --rejects
  /// What messages call output o and the rejects file (output_display_name); when absent,
  /// the output's name in the program and "the rejects file".
  std::vector<std::string> output_names;
  std::string rejects_name;
  /// `--late PATH` (runtime/io/late_row_writer.h): every row dropped as late, as JSON Lines;
  /// null: none. Keyed aggregates are then not partitioned (--threads), so that the drops come
  /// in one thread's order. Not for execute_firmware (its class reports no rows).
  std::FILE* late = nullptr;
  std::string late_name;  // what messages call it
  bool fail_fast = false;             // --on-error fail
  bool count_pipeline_rows = false;   // --stats: rows into and past filters and into unions
  /// Set (from another thread or a signal handler) to stop the run after the current row; the
  /// report then says "cancelled", open windows are not fired, and a read interrupted by the
  /// signal is no read error. Used by the REPL's Ctrl-C and by run's SIGINT/SIGTERM.
  const std::atomic<bool>* cancel = nullptr;
  /// `--drain` (LANGUAGE.md §12): `cancel` ends the inputs instead, and every open window fires.
  bool drain = false;
  /// `--idle-timeout` (LANGUAGE.md §12) in ns; 0: off (rt::Engine::set_idle_timeout).
  int64_t idle_timeout_ns = 0;
  /// Per output: written as JSON Lines whatever `writer.format` says (an MQTT topic).
  std::vector<bool> jsonl_outputs;
  /// `--threads N` (LANGUAGE.md §11, resolved: rt::thread_count): a CSV or JSON Lines file is
  /// parsed by this many threads (rt::open_file_reader), and a keyed aggregate runs in this many
  /// partitions (rt::PartitionedWindowAggregate), and above 1 the outputs of a run of files
  /// without checkpoints are written on a thread of their own (rt::OutputThread); 1 does all
  /// of it on the run's thread.
  int threads = 1;
  /// `--checkpoint DIR` (exec/checkpointing.h); null: no checkpoints. With it, a run stopped by
  /// `cancel` takes a final checkpoint.
  const CheckpointOptions* checkpoint = nullptr;
};

struct ExecutionReport {
  bool ok = true;                     // false: an input could not be opened or read, an output or
                                      // the rejects file could not be written, or fail-fast stopped
  std::string error;                  // why, when !ok (one line)
  bool cancelled = false;             // !ok because options.cancel stopped it
  std::vector<rt::InputStats> sources;   // per source stream, summed over its files
  std::vector<rt::OperatorStats> operators;
  /// Per pipeline p: [2p] rows in, [2p+1] rows past its filters (pipelines with a Filter only).
  std::vector<uint64_t> pipeline_rows;
  uint64_t checkpoints = 0;           // checkpoints committed by this run
  uint64_t last_checkpoint = 0;       // the id of the last one
  double checkpoint_seconds = 0;      // wall-clock time the run spent taking them
  double checkpoint_commit_seconds = 0;  // and their commits on their own thread
  uint64_t checkpoint_state_bytes = 0;  // the last one's operator state
  bool stopped_after_checkpoint = false;  // the test hook stopped the run after its checkpoint
  /// Per input (in --input order) that was parsed on several threads: its name and how.
  std::vector<std::pair<std::string, rt::ParallelReadStats>> parallel_inputs;
  /// Per keyed operator run in partitions (--threads).
  struct Partitions {
    size_t op;                  // its index
    std::vector<uint64_t> rows;  // the rows each partition took
    uint64_t gathered_rows = 0;  // the rows it took while gathered on the run's thread
    std::string placement;  // "" or where it ran and why (gathered onto the run's thread, ...)
    /// Its peak of buffered rows is the sum of its partitions' peaks (a dealt OVER: one
    /// thread's, which no thread sees, is at most that).
    bool peak_summed = false;
  };
  std::vector<Partitions> partitioned_operators;
  /// --threads: the operators with state that run whole on the run's thread, and why.
  struct Whole {
    size_t op;
    std::string reason;
  };
  std::vector<Whole> whole_operators;
  /// --threads: where the outputs were formatted and written (rt::OutputThread::placement), or "".
  std::string outputs_placement;
  /// --threads over a split file: why the parser threads did not deal out the rows of a keyed
  /// operator that they could otherwise deal, or "" (dealt, or the operator's line says why).
  std::string not_dealt;
};

/// Runs `program` (compiled from `plan`) over `inputs[s]` (the files of source stream s),
/// writing output o to `outputs[o]`.
ExecutionReport execute(const PhysicalPlan& plan, CompiledCode& program,
                        const std::vector<std::vector<InputFile>>& inputs, const std::vector<std::FILE*>& outputs,
                        const ExecutionOptions& options);

/// The same for `vlac run --backend firmware`: `plan` is the program lowered for the host (the
/// readers' and writers' rows), `program` its firmware class compiled for this machine.
ExecutionReport execute_firmware(const PhysicalPlan& plan, cpp::FirmwareProgram& program,
                                 const std::vector<std::vector<InputFile>>& inputs, const std::vector<std::FILE*>& outputs,
                                 const ExecutionOptions& options);

/// The engine alone: runs `program` over readers already open (`readers[s]` feed source stream
/// s), writing output o to `writers[o]`, with no files, rejects, stop checks or flushes. For
/// benchmarks on rows in memory (bench/engine_bench.cpp). Returns the operators' counts.
std::vector<rt::OperatorStats> execute_rows(const PhysicalPlan& plan, CompiledCode& program,
                                            const std::vector<std::vector<rt::RowReader*>>& readers,
                                            const std::vector<rt::RowWriter*>& writers);

/// Prints a report the way `vlac run --stats` does.
void print_stats(std::FILE* to, const PhysicalPlan& plan, const ExecutionReport& report, const CompiledCode& program);

}  // namespace vlac
