#pragma once
// A program of pipelines only (filters and projections, no operator) over one input file, run
// by the parser threads (`vlac run --threads N`, LANGUAGE.md §11): a "formatted run".
//
//   parser thread (chunk k)   parses a row and runs the source's pipelines (generated, on its
//                             own ExecContext); the rows they write to an output are formatted
//                             there, into chunk k's bytes for that output (RowFormatter).
//   run's thread              takes the chunks in order (rejects reported, starts checked:
//                             ParallelReader::next_visited) and hands each output's bytes of
//                             the chunk to its writer (RowWriter::write_formatted).
//
// Without an operator there is no state and no watermark, so a row's output depends on the
// row alone: the outputs hold one thread's rows in one thread's order, and the run's thread
// does little more than write. Otherwise the run's thread would run every row's pipelines and
// format its rows, and with the parse split it does nothing else (docs/decisions.md, "Issue 16:
// formatted runs").
//
// What it needs (the executor's formattable()): one input file, split; no operator; CSV or
// JSON Lines outputs, each on a file of its own (two outputs on standard output interleave by
// their writers' buffers, which chunks of bytes would not keep); no checkpoints, --late,
// --on-error fail or live input.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cache_lines.h"
#include "runtime/exec_context.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/io/run_stop.h"
#include "runtime/parallel/chunk_formatters.h"

namespace vlac::rt {

/// The source of a formatted run and the program around it.
struct FormattedSource {
  void (*entry)(ExecContext*, const uint8_t*) = nullptr;  // generated: the source's pipelines (no operator)
  size_t pipeline_counters = 0;  // 2 x pipelines when `--stats` counts them, else 0
};

class FormattedRun final : public RowVisitor {
 public:
  /// `writers`: the program's outputs, each takes_formatted(); `make_formatter(i)`: a formatter
  /// like writers[i]. `reader`: the split input (its parser threads and chunk slots).
  FormattedRun(const FormattedSource& source, std::vector<RowWriter*> writers,
               const std::function<std::unique_ptr<RowFormatter>(size_t)>& make_formatter, const ParallelReader& reader);

  /// Reads `reader` to its end; false when `stop` (may be null) stopped it first.
  bool run(ParallelReader& reader, RunStop* stop);
  /// Adds what the parser threads counted for `--stats` to `counters` (pipeline_counters long).
  void add_pipeline_rows(uint64_t* counters) const;

  void begin_chunk(int worker, size_t slot) override;
  void row(int worker, size_t slot, const uint8_t* row) override;
  void end_chunk(int worker, size_t slot) override;

 private:
  /// A parser thread's pipelines and formatters; its thread writes it on every row.
  struct alignas(kCacheLine) Worker {
    ExecContext ctx;
    ChunkFormatters formatters;  // every output's
    std::vector<uint64_t> pipeline_rows;
  };
  /// A chunk slot: its bytes per output, once its parser thread is done with it.
  struct Slot {
    std::vector<std::string> bytes;
  };

  FormattedSource source_;
  std::vector<RowWriter*> writers_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Slot> slots_;
};

}  // namespace vlac::rt
