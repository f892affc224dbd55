#pragma once
// Shared by the three RowWriter implementations (internal to runtime/io): the output buffer
// and the plain text of a value.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/io/row_writer.h"

namespace vlac::rt {

/// A RowWriter that formats into a reused std::string and hands it to the FILE in large
/// writes: one fwrite per 64 KiB rather than one stdio call per field.
class BufferedWriter : public RowWriter {
 public:
  static constexpr size_t kSpillBytes = 64 * 1024;

  void flush() override;
  uint64_t bytes_written() const override { return bytes_written_; }
  int error() const override { return error_; }

 protected:
  BufferedWriter(std::FILE* out, std::vector<std::string> column_names, RowLayout layout, WriterOptions options);

  /// Hands the buffer to the FILE (without fflush).
  void write_buffer();
  /// Called after each row: keeps memory bounded on large outputs.
  void spill_if_full() {
    if (buf_.size() >= kSpillBytes) write_buffer();
  }

  std::FILE* out_;
  std::vector<std::string> names_;
  RowLayout layout_;
  WriterOptions options_;
  std::string buf_;
  bool finished_ = false;

 private:
  uint64_t bytes_written_ = 0;
  int error_ = 0;
};

/// Appends the text of field f of row, which is not NULL, as CSV and the table show it:
/// decimal integers, shortest round-trip floats (NaN, Infinity, -Infinity), true/false,
/// ISO-8601 or integer-nanosecond timestamps, integer-nanosecond intervals, strings raw.
void append_value_text(std::string* out, const uint8_t* row, const Field& f, bool timestamps_ns);

std::unique_ptr<RowWriter> make_csv_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                           WriterOptions options);
std::unique_ptr<RowWriter> make_jsonl_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options);
std::unique_ptr<RowWriter> make_table_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options);

}  // namespace vlac::rt
