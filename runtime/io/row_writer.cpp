#include "runtime/io/row_writer.h"

#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {

BufferedWriter::BufferedWriter(std::FILE* out, std::vector<std::string> column_names, RowLayout layout,
                               WriterOptions options)
    : out_(out), names_(std::move(column_names)), layout_(std::move(layout)), options_(options) {
  buf_.reserve(kSpillBytes + 4096);
}

void BufferedWriter::write_buffer() {
  if (!buf_.empty()) bytes_written_ += std::fwrite(buf_.data(), 1, buf_.size(), out_);
  buf_.clear();
}

void BufferedWriter::flush() {
  write_buffer();
  std::fflush(out_);
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
