#pragma once
// The sink side of the hosted runtime: rows of an output stream as CSV, JSON Lines or a table
// for people (LANGUAGE.md §7, `--format csv|jsonl|table`, `--timestamps iso|ns`).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/row_layout.h"

namespace vlac::rt {

enum class OutputFormat { Csv, Jsonl, Table };

/// What only a table (OutputFormat::Table, runtime/io/table_writer.h) uses.
struct TableOptions {
  std::string null_text = "NULL";  // how NULL is shown
  uint64_t row_limit = 0;          // rows shown, the others only counted ("(9 rows, first 2 shown)"); 0: all
  /// Rows are printed as they come (at each flush()), each padded to the widths seen so far (a
  /// wider value widens its column from then on); the header is printed at once. For live input.
  bool streaming = false;
};

struct WriterOptions {
  OutputFormat format = OutputFormat::Csv;
  bool timestamps_ns = false;  // `--timestamps ns`: TIMESTAMP as integer nanoseconds, not ISO-8601
  TableOptions table;
  /// The output already holds the header and rows of the run this one goes on from (a restored
  /// checkpoint, LANGUAGE.md §10): CSV writes no header; bytes_written() still counts from 0.
  /// (A table cannot resume: the CLI refuses it.)
  bool resume = false;
};

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  /// Formats one row (of the layout given at construction) into the writer's buffer; the
  /// buffer goes to the FILE when it grows past 256 KiB, on flush() and on finish().
  virtual void write(const uint8_t* row) = 0;
  /// Writes buffered output and fflush()es the FILE (the caller does this after each input
  /// row when reading live input). A table writes nothing before finish() (unless streaming).
  virtual void flush() = 0;
  /// End of the stream: the table is printed here; CSV's header is written even when no row
  /// came. Call exactly once; later writes are ignored. The destructor does not write.
  virtual void finish() = 0;
  /// Bytes handed to the FILE so far (buffered bytes are not counted until they are written).
  virtual uint64_t bytes_written() const = 0;
  /// Whether write_formatted() is supported: CSV and JSON Lines (a table sizes its columns to
  /// the rows it holds).
  virtual bool takes_formatted() const { return false; }
  /// Writes whole rows that a RowFormatter of the same columns and options formatted: the bytes
  /// their write() calls would have written. Only when takes_formatted(): anywhere else the
  /// rows would be lost, so it aborts.
  virtual void write_formatted(std::string_view) { std::abort(); }
  /// 0, or the errno of the first write or fflush of the FILE that failed (ENOSPC on a full
  /// disk, EPIPE, ...). Once set, nothing more is written; the caller stops the run and reports
  /// it (write_error_message). Not virtual: callers check it after every row.
  int error() const { return error_; }
  bool failed() const { return error_ != 0; }

 protected:
  int error_ = 0;
};

class BufferedWriter;

/// Formats rows into memory as make_row_writer's writer with the same options writes them (no
/// header): rows formatted on a parser thread, written later in order by a writer's
/// write_formatted() (`--threads`, runtime/parallel/formatted_run.h). CSV and JSON Lines.
class RowFormatter {
 public:
  RowFormatter(std::vector<std::string> column_names, RowLayout layout, WriterOptions options);
  ~RowFormatter();
  /// What rows are written into; its bytes are kept until clear().
  RowWriter* writer() { return writer_.get(); }
  std::string_view bytes() const;
  void clear();

 private:
  std::unique_ptr<RowWriter> writer_;
  BufferedWriter* buffered_;  // writer_
};

/// Whether an output path means the process's standard output: "" (none given), `-` or
/// `/dev/stdout`. Every such output writes through the one `stdout` FILE, so several of them
/// interleave there (opening the path again per output would truncate it each time).
inline bool is_stdout_path(const std::string& path) { return path.empty() || path == "-" || path == "/dev/stdout"; }

/// The name messages give an output: the path as given, or for standard output ("-" or "")
/// the file it is redirected to when that is a file (`> /dev/full`), else `<stdout>`.
std::string output_display_name(const std::string& path);

/// "cannot write 'NAME': REASON" (strerror of `err`).
std::string write_error_message(const std::string& display_name, int err);

/// Closes a FILE written to (stdout is only flushed); 0 or the errno of the failed flush/close.
int close_output(std::FILE* f);

/// `out` is not owned or closed. column_names[i] names layout.fields[i].
std::unique_ptr<RowWriter> make_row_writer(std::FILE* out, std::vector<std::string> column_names, RowLayout layout,
                                           WriterOptions options);

}  // namespace vlac::rt
