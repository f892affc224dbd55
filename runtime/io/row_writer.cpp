#include "runtime/io/row_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {

BufferedWriter::BufferedWriter(std::FILE* out, std::vector<std::string> column_names, RowLayout layout,
                               WriterOptions options)
    : out_(out), names_(std::move(column_names)), layout_(std::move(layout)), options_(options) {
  buf_.reserve(kSpillBytes + 4096);
}

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

void append_value_text(std::string* out, const uint8_t* row, const Field& f, bool timestamps_ns) {
  char tmp[kValueFormatBufSize];
  size_t n = 0;
  switch (f.type) {
    case FieldType::Bool:
      *out += get<bool>(row, f) ? "true" : "false";
      return;
    case FieldType::Int32: n = format_int64(get<int32_t>(row, f), tmp); break;
    case FieldType::Int64:
    case FieldType::Interval: n = format_int64(get<int64_t>(row, f), tmp); break;
    case FieldType::Float32: n = format_float(get<float>(row, f), tmp); break;
    case FieldType::Float64: n = format_double(get<double>(row, f), tmp); break;
    case FieldType::Timestamp: {
      const int64_t ns = get<int64_t>(row, f);
      n = timestamps_ns ? format_int64(ns, tmp) : format_timestamp_iso(ns, tmp);
      break;
    }
    case FieldType::String: {
      const StringRef s = get<StringRef>(row, f);
      if (s.size > 0) out->append(s.data, s.size);
      return;
    }
  }
  out->append(tmp, n);
}

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
