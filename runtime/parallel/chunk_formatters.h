#pragma once
// Rows a parser thread formats for outputs a chunk at a time (`vlac run --threads`): a formatted
// run's rows (runtime/parallel/formatted_run.h), and those a dealt run's source writes beside
// its operator (runtime/parallel/dealt_run.h). At the chunk's end each output's bytes go into
// the chunk's slot; the run's thread writes them as it takes the chunks, in order.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/io/row_writer.h"

namespace vlac::rt {

class ChunkFormatters {
 public:
  /// `outputs` outputs; a formatter, made by make(i), for each output i that formats(i).
  void init(size_t outputs, const std::function<bool(size_t)>& formats,
            const std::function<std::unique_ptr<RowFormatter>(size_t)>& make) {
    formatters_.resize(outputs);
    writers_.assign(outputs > 0 ? outputs : 1, nullptr);
    for (size_t i = 0; i < outputs; ++i) {
      if (!formats(i)) continue;
      formatters_[i] = make(i);
      writers_[i] = formatters_[i]->writer();
    }
  }
  /// What the pipelines write into (ExecContext::outputs): the formatters, null for the others.
  void** outputs() { return writers_.data(); }

  /// A chunk begins; also a chunk parsed again (its guessed start was wrong): what it formatted goes.
  void begin_chunk() {
    for (auto& f : formatters_)
      if (f) f->clear();
  }
  /// The chunk ends: each formatting output's bytes into (*slot)[i] (sized per output; the
  /// strings keep their capacity).
  void end_chunk(std::vector<std::string>* slot) {
    slot->resize(formatters_.size());
    for (size_t i = 0; i < formatters_.size(); ++i) {
      if (!formatters_[i]) continue;
      (*slot)[i].assign(formatters_[i]->bytes());
      formatters_[i]->clear();
    }
  }
  /// The run's thread: a chunk's bytes (end_chunk's slot) to the outputs' writers.
  static void write(const std::vector<std::string>& slot, const std::vector<RowWriter*>& writers) {
    for (size_t i = 0; i < slot.size(); ++i)
      if (!slot[i].empty()) writers[i]->write_formatted(slot[i]);
  }

 private:
  std::vector<std::unique_ptr<RowFormatter>> formatters_;  // per output; null: not formatted here
  std::vector<void*> writers_;
};

}  // namespace vlac::rt
