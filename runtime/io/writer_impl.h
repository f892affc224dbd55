#pragma once
// Shared by the three RowWriter implementations (internal to runtime/io): the output buffer
// and the plain text of a value.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/io/row_writer.h"
#include "runtime/value_format.h"

namespace vlac::rt {

/// A growable byte buffer written through raw pointers: a formatter asks for room for the
/// most it may write (room), writes, and says where it stopped (commit). Nothing is zero-filled
/// and no value allocates; the buffer only grows when one row is larger than it.
class OutputBuffer {
 public:
  explicit OutputBuffer(size_t capacity) : data_(new char[capacity]), cap_(capacity) {}

  /// At least n writable bytes at the end.
  char* room(size_t n) {
    if (cap_ - size_ < n) grow(n);
    return data_.get() + size_;
  }
  /// The bytes up to `end` (a pointer into the last room()) are now part of the buffer.
  void commit(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void append(const char* s, size_t n) {
    std::memcpy(room(n), s, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void push(char c) { *room(1) = c, ++size_; }

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

 private:
  void grow(size_t n);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t cap_;
};

/// A RowWriter that formats into a reused buffer and hands it to the FILE in large writes:
/// one fwrite per 256 KiB rather than one stdio call per field (flush() writes what is there,
/// for live input).
class BufferedWriter : public RowWriter {
 public:
  static constexpr size_t kSpillBytes = 256 * 1024;

  void flush() override;
  uint64_t bytes_written() const override { return bytes_written_; }

  /// A writer without a FILE (RowFormatter) keeps its rows in the buffer, taken with these.
  std::string_view formatted() const { return {buf_.data(), buf_.size()}; }
  void clear_formatted() { buf_.clear(); }

 protected:
  BufferedWriter(std::FILE* out, std::vector<std::string> column_names, RowLayout layout, WriterOptions options);

  /// Hands the buffer to the FILE (without fflush).
  void write_buffer();
  /// Formatted rows (RowFormatter), for the writers that take them (CSV, JSON Lines): appended
  /// as a row is.
  void append_formatted(std::string_view rows) {
    if (finished_) return;
    buf_.append(rows);
    spill_if_full();
  }
  /// Called after each row: keeps memory bounded on large outputs.
  void spill_if_full() {
    if (buf_.size() >= kSpillBytes && out_) write_buffer();
  }

  std::FILE* out_;
  std::vector<std::string> names_;
  RowLayout layout_;
  WriterOptions options_;
  OutputBuffer buf_;
  IsoTimestampFormat iso_;  // the timestamps of every column
  bool finished_ = false;

 private:
  uint64_t bytes_written_ = 0;
};

/// Writes the text of field f of row, which is not NULL and not a STRING, at p (room for
/// kValueFormatBufSize bytes) as CSV and the table show it: decimal integers, shortest
/// round-trip floats (NaN, Infinity, -Infinity), true/false, ISO-8601 or integer-nanosecond
/// timestamps (ISO through `iso`), integer-nanosecond intervals. Returns the end.
char* put_value_text(char* p, const uint8_t* row, const Field& f, bool timestamps_ns, IsoTimestampFormat& iso);

/// As put_value_text, appended to a string; a STRING's text is appended raw.
void append_value_text(std::string* out, const uint8_t* row, const Field& f, bool timestamps_ns,
                       IsoTimestampFormat& iso);

/// The keys of a JSON object of these columns: `{"a":`, `,"b":`, ... (escaped), for append_json_object.
std::vector<std::string> json_object_keys(const std::vector<std::string>& names);

/// Appends a row as a JSON object (no newline), as JSON Lines output writes it (LANGUAGE.md §7):
/// `null` for NULL, "NaN" / "Infinity" / "-Infinity" as strings, timestamps as ISO-8601 strings
/// or, with `ns`, integer nanoseconds. keys: json_object_keys of the fields' names.
void append_json_object(OutputBuffer& buf, const std::vector<std::string>& keys, const std::vector<Field>& fields,
                        const uint8_t* row, bool ns, IsoTimestampFormat& iso);

std::unique_ptr<RowWriter> make_csv_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                           WriterOptions options);
std::unique_ptr<RowWriter> make_jsonl_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options);
std::unique_ptr<RowWriter> make_table_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options);

}  // namespace vlac::rt
