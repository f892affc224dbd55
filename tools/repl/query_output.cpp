#include "repl/query_output.h"

#include <cerrno>

namespace vlac::repl {

rt::WriterOptions result_writer_options(const Settings& settings, bool live) {
  rt::WriterOptions w;
  w.format = settings.format == ResultFormat::Table ? rt::OutputFormat::Table
             : settings.format == ResultFormat::Csv ? rt::OutputFormat::Csv
                                                    : rt::OutputFormat::Jsonl;
  w.timestamps_ns = settings.timestamps_ns;
  w.table.null_text = settings.null_text;
  w.table.streaming = live;
  w.table.row_limit = live ? 0 : settings.limit;  // live rows are shown as they come, every one
  return w;
}

QueryOutput::QueryOutput(std::FILE* out, bool interactive, const std::atomic<bool>* cancel)
    : out_(out), cancel_(interactive ? cancel : nullptr), file_(out) {
  if (!cancel_) return;
  cookie_io_functions_t io{};
  io.write = &QueryOutput::write;
  file_ = fopencookie(this, "w", io);
}

ssize_t QueryOutput::write(void* cookie, const char* buf, size_t size) {
  auto* self = static_cast<QueryOutput*>(cookie);
  if (!self->line_ended_ && self->cancel_->load(std::memory_order_relaxed)) {
    std::fputc('\n', self->out_);
    self->line_ended_ = true;
  }
  errno = 0;
  const size_t n = std::fwrite(buf, 1, size, self->out_);
  if (std::fflush(self->out_) != 0 || n < size) {
    if (errno == 0) errno = EIO;
    return -1;
  }
  return static_cast<ssize_t>(n);
}

void QueryOutput::close() {
  if (file_ && file_ != out_) std::fclose(file_);
  file_ = nullptr;
  if (cancel_ && !line_ended_ && cancel_->load()) {
    std::fputc('\n', out_);
    line_ended_ = true;
  }
  std::fflush(out_);
}

}  // namespace vlac::repl
