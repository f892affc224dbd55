#include "runtime/io/row_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {

void OutputBuffer::grow(size_t n) {
  size_t cap = cap_ * 2;
  while (cap - size_ < n) cap *= 2;
  std::unique_ptr<char[]> bigger(new char[cap]);
  std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  cap_ = cap;
}

BufferedWriter::BufferedWriter(std::FILE* out, std::vector<std::string> column_names, RowLayout layout,
                               WriterOptions options)
    : out_(out), names_(std::move(column_names)), layout_(std::move(layout)), options_(options),
      buf_(kSpillBytes + 64 * 1024) {}

void BufferedWriter::write_buffer() {
  if (!buf_.empty() && error_ == 0) {
    errno = 0;
    const size_t n = std::fwrite(buf_.data(), 1, buf_.size(), out_);
    bytes_written_ += n;
    if (n < buf_.size()) error_ = errno != 0 ? errno : EIO;
  }
  buf_.clear();
}

void BufferedWriter::flush() {
  write_buffer();
  if (error_ != 0) return;
  errno = 0;
  if (std::fflush(out_) != 0 || std::ferror(out_)) error_ = errno != 0 ? errno : EIO;
}

std::string output_display_name(const std::string& path) {
  if (!is_stdout_path(path) || path == "/dev/stdout") return path;
  char target[4096];
  const ssize_t n = ::readlink("/proc/self/fd/1", target, sizeof target - 1);
  if (n > 0 && target[0] == '/') return std::string(target, static_cast<size_t>(n));
  return "<stdout>";
}

std::string write_error_message(const std::string& display_name, int err) {
  return "cannot write '" + display_name + "': " + std::strerror(err);
}

int close_output(std::FILE* f) {
  errno = 0;
  const bool ok = f == stdout ? std::fflush(f) == 0 && !std::ferror(f) : std::fclose(f) == 0;
  return ok ? 0 : errno != 0 ? errno : EIO;
}

char* put_value_text(char* p, const uint8_t* row, const Field& f, bool timestamps_ns, IsoTimestampFormat& iso) {
  switch (f.type) {
    case FieldType::Bool:
      if (get<bool>(row, f)) return static_cast<char*>(std::memcpy(p, "true", 4)) + 4;
      return static_cast<char*>(std::memcpy(p, "false", 5)) + 5;
    case FieldType::Int32: return p + format_int64(get<int32_t>(row, f), p);
    case FieldType::Int64:
    case FieldType::Interval: return p + format_int64(get<int64_t>(row, f), p);
    case FieldType::Float32: return p + format_float(get<float>(row, f), p);
    case FieldType::Float64: return p + format_double(get<double>(row, f), p);
    case FieldType::Timestamp: {
      const int64_t ns = get<int64_t>(row, f);
      return p + (timestamps_ns ? format_int64(ns, p) : iso(ns, p));
    }
    case FieldType::String: break;
  }
  return p;
}

void append_value_text(std::string* out, const uint8_t* row, const Field& f, bool timestamps_ns,
                       IsoTimestampFormat& iso) {
  if (f.type == FieldType::String) {
    const StringRef s = get<StringRef>(row, f);
    if (s.size > 0) out->append(s.data, s.size);
    return;
  }
  char tmp[kValueFormatBufSize];
  out->append(tmp, static_cast<size_t>(put_value_text(tmp, row, f, timestamps_ns, iso) - tmp));
}

RowFormatter::RowFormatter(std::vector<std::string> column_names, RowLayout layout, WriterOptions options) {
  options.resume = true;  // no header: the real writer writes it
  writer_ = make_row_writer(nullptr, std::move(column_names), std::move(layout), options);
  if (!writer_->takes_formatted()) std::abort();  // a table: the caller's bug (formattable())
  buffered_ = static_cast<BufferedWriter*>(writer_.get());  // CSV and JSON Lines writers are
}

RowFormatter::~RowFormatter() = default;

std::string_view RowFormatter::bytes() const { return buffered_->formatted(); }

void RowFormatter::clear() { buffered_->clear_formatted(); }

std::unique_ptr<RowWriter> make_row_writer(std::FILE* out, std::vector<std::string> column_names, RowLayout layout,
                                           WriterOptions options) {
  switch (options.format) {
    case OutputFormat::Jsonl: return make_jsonl_writer(out, std::move(column_names), std::move(layout), options);
    case OutputFormat::Table: return make_table_writer(out, std::move(column_names), std::move(layout), options);
    case OutputFormat::Csv: break;
  }
  return make_csv_writer(out, std::move(column_names), std::move(layout), options);
}

}  // namespace vlac::rt
