#include "runtime/io/input_format.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "runtime/io/parallel_reader.h"

namespace vlac::rt {
namespace {

bool ends_with_ignoring_case(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

/// Looks at the first byte at open(), then hands everything to a CSV or JSON Lines reader.
/// Standard input is read live, so the byte is taken and pushed back (one ungetc is always
/// allowed), never read ahead further; the reader then takes it from stdio's buffer like any
/// other byte, so it reaches the ReadOptions tee too. A restored standard input (a prefix or a
/// replay) is not looked at: its prefix is the header text of the run it goes on from, which
/// only JSON Lines has empty.
class DetectingReader final : public RowReader {
 public:
  DetectingReader(std::string name, std::FILE* in, SourceSpec spec, RejectSink& rejects, ReadOptions options)
      : name_(std::move(name)), in_(in), spec_(std::move(spec)), rejects_(rejects), options_(std::move(options)) {}

  bool open(std::string* error) override {
    if (!inner_ && (!options_.prefix.empty() || options_.replay_fd >= 0)) open_inner(options_.prefix.empty());
    if (!inner_) {
      errno = 0;
      const int c = std::getc(in_);
      if (c == EOF && std::ferror(in_)) {  // interrupted (Ctrl-C) or unreadable
        *error = name_ + ": cannot read: " + std::strerror(errno != 0 ? errno : EIO);
        return false;
      }
      if (c != EOF) std::ungetc(c, in_);
      else std::clearerr(in_);  // an empty input: the CSV reader says so
      open_inner(c == '{');
    }
    return inner_->open(error);
  }
  bool next(uint8_t* row) override { return inner_ && inner_->next(row); }
  int wait_fd() override { return inner_ ? inner_->wait_fd() : -1; }
  const InputStats& stats() const override { return inner_ ? inner_->stats() : none_; }
  const std::string& read_error() const override { return inner_ ? inner_->read_error() : RowReader::read_error(); }
  InputPosition position() const override { return inner_ ? inner_->position() : InputPosition{}; }
  InputPosition before_last_row() const override { return inner_ ? inner_->before_last_row() : InputPosition{}; }
  bool seek(const InputPosition& p, std::string* error) override {
    if (inner_) return inner_->seek(p, error);
    *error = name_ + ": cannot go on from a position before the input is opened";
    return false;
  }
  const std::string& header_text() const override { return inner_ ? inner_->header_text() : RowReader::header_text(); }

 private:
  void open_inner(bool jsonl) {
    inner_ = jsonl ? open_jsonl_reader(name_, in_, std::move(spec_), rejects_, options_)
                   : open_csv_reader(name_, in_, std::move(spec_), rejects_, options_);
  }

  std::string name_;
  std::FILE* in_;
  SourceSpec spec_;
  RejectSink& rejects_;
  ReadOptions options_;
  std::unique_ptr<RowReader> inner_;
  InputStats none_;
};

}  // namespace

std::optional<InputFormat> parse_input_format(std::string_view name) {
  if (name == "csv") return InputFormat::Csv;
  if (name == "jsonl") return InputFormat::Jsonl;
  return std::nullopt;
}

InputFormat input_format_for(std::string_view path, std::optional<InputFormat> given) {
  if (given) return *given;
  if (path == "-") return InputFormat::Detect;
  for (std::string_view ext : {".jsonl", ".ndjson", ".json"})
    if (ends_with_ignoring_case(path, ext)) return InputFormat::Jsonl;
  return InputFormat::Csv;
}

std::unique_ptr<RowReader> open_row_reader(InputFormat format, std::string display_name, std::FILE* in, SourceSpec spec,
                                           RejectSink& rejects, const ReadOptions& options) {
  switch (format) {
    case InputFormat::Jsonl: return open_jsonl_reader(std::move(display_name), in, std::move(spec), rejects, options);
    case InputFormat::Detect:
      return std::make_unique<DetectingReader>(std::move(display_name), in, std::move(spec), rejects, options);
    case InputFormat::Csv: break;
  }
  return open_csv_reader(std::move(display_name), in, std::move(spec), rejects, options);
}

std::unique_ptr<RowReader> open_file_reader(InputFormat format, std::string display_name, std::FILE* in, SourceSpec spec,
                                            RejectSink& rejects, int threads, bool positions) {
  if (threads < 2 || (format != InputFormat::Csv && format != InputFormat::Jsonl))
    return open_row_reader(format, std::move(display_name), in, std::move(spec), rejects);
  ParallelReadOptions parallel;
  parallel.threads = threads;
  parallel.positions = positions;
  if (const char* hook = std::getenv("VLAC_TEST_PARSE_CHUNK_BYTES")) parallel.chunk_bytes = std::strtoull(hook, nullptr, 10);
  RowLayout layout = spec.layout;
  auto make = [format, display_name, spec = std::move(spec)](std::FILE* f, RejectSink& sink) {
    return open_row_reader(format, display_name, f, spec, sink);
  };
  return std::make_unique<ParallelReader>(std::move(display_name), in, std::move(layout), std::move(make), rejects, parallel);
}

int thread_count(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

}  // namespace vlac::rt
