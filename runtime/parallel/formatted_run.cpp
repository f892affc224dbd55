#include "runtime/parallel/formatted_run.h"

#include <algorithm>

namespace vlac::rt {

FormattedRun::FormattedRun(const FormattedSource& source, std::vector<RowWriter*> writers,
                           const std::function<std::unique_ptr<RowFormatter>(size_t)>& make_formatter,
                           const ParallelReader& reader)
    : source_(source), writers_(std::move(writers)) {
  for (int w = 0; w < reader.parser_threads(); ++w) {
    workers_.push_back(std::make_unique<Worker>());
    Worker& worker = *workers_.back();
    worker.formatters.init(writers_.size(), [](size_t) { return true; }, make_formatter);
    worker.pipeline_rows.assign(std::max<size_t>(source_.pipeline_counters, 1), 0);
    worker.ctx.outputs = worker.formatters.outputs();
    worker.ctx.pipeline_rows = source_.pipeline_counters ? worker.pipeline_rows.data() : nullptr;
  }
  slots_.resize(reader.chunk_slots());  // their bytes sized by ChunkFormatters::end_chunk
}

// ---- the parser threads ---------------------------------------------------------------------

void FormattedRun::begin_chunk(int worker, size_t) {
  workers_[static_cast<size_t>(worker)]->formatters.begin_chunk();
}

void FormattedRun::row(int worker, size_t, const uint8_t* row) {
  Worker& w = *workers_[static_cast<size_t>(worker)];
  w.ctx.scratch.reset();
  source_.entry(&w.ctx, row);  // writes the outputs' rows into w's formatters
}

void FormattedRun::end_chunk(int worker, size_t slot) {
  workers_[static_cast<size_t>(worker)]->formatters.end_chunk(&slots_[slot].bytes);
}

// ---- the run's thread -----------------------------------------------------------------------

bool FormattedRun::run(ParallelReader& reader, RunStop* stop) {
  reader.set_visitor(this);
  VisitedChunk chunk;
  while (reader.next_visited(&chunk)) {
    ChunkFormatters::write(slots_[chunk.slot].bytes, writers_);
    reader.release_visited(chunk.slot);
    if (stop && stop->now()) return false;
  }
  return true;
}

void FormattedRun::add_pipeline_rows(uint64_t* counters) const {
  for (const auto& w : workers_)
    for (size_t i = 0; i < source_.pipeline_counters; ++i) counters[i] += w->pipeline_rows[i];
}

}  // namespace vlac::rt
