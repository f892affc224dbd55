#pragma once
// The source interface of the hosted runtime: a reader turns one input (a file or standard
// input) into rows of a stream's RowLayout (LANGUAGE.md §7). Malformed records never reach the
// caller: they go to the RejectSink and the reader moves on.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cache_lines.h"
#include "runtime/io/read_options.h"
#include "runtime/io/reject_sink.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

/// What a source stream expects from its input: column i is called column_names[i] and has
/// layout.fields[i]. Columns with read_columns[i] false are read by nothing downstream: the
/// reader skips their values without converting them (a bad value there is no reject), and
/// leaves their field zero, or NULL when nullable. Records are still checked for their field
/// count (CSV) and syntax (CSV quoting, JSON). Empty read_columns = every column is read.
struct SourceSpec {
  std::string stream;
  std::vector<std::string> column_names;
  RowLayout layout;
  std::vector<bool> read_columns = {};

  bool reads(size_t column) const { return read_columns.empty() || read_columns[column]; }
};

/// Per-input counts. `read` is data records seen (not the header, not skipped empty lines);
/// accepted + rejected == read always.
struct InputStats {
  uint64_t read = 0, accepted = 0, rejected = 0;
};

/// Where a reader stands in its input (LANGUAGE.md §10): what a checkpoint records so that a
/// restored run goes on from there.
struct InputPosition {
  uint64_t offset = 0;   // bytes of the input consumed, from its first byte (header included)
  uint64_t line = 0;     // physical lines consumed (the header is line 1)
  InputStats stats;      // read / accepted / rejected up to here
  bool ends_without_line_end = false;  // the last byte consumed ends a last line with no '\n'
};

// alignas: a parser thread writes its reader's state on every row (runtime/cache_lines.h).
class alignas(kCacheLine) RowReader {
 public:
  virtual ~RowReader() = default;

  /// Reads the header (CSV). Returns false and sets *error (a one-line message that starts with
  /// the display name) for: unreadable input, an empty CSV input (no header), a malformed CSV
  /// header, a spec column named twice in the header, a NOT NULL column of the spec missing
  /// from the header (`camera.csv: missing column 'ts', which is NOT NULL`). Unknown header
  /// columns are ignored with ONE warning line on the reject sink's stream
  /// (`camera.csv: warning: ignoring unknown columns 'a', 'b'`). Nullable spec columns absent
  /// from the header are NULL in every row. Call once, before next().
  virtual bool open(std::string* error) = 0;

  /// Reads the next accepted record into `row` (layout.size bytes, fully overwritten).
  /// Malformed records are reported through the RejectSink and skipped. Returns false at end
  /// of input, when the sink says to stop, or on a read error (see read_error()). Strings in
  /// `row` stay valid until the next call on this reader. Returns each record as soon as its
  /// line end has arrived: it never waits for input beyond the record it returns.
  virtual bool next(uint8_t* row) = 0;

  virtual const InputStats& stats() const = 0;

  /// For `--idle-timeout` (LANGUAGE.md §12): the descriptor to poll until next() has a record to
  /// give, when it would wait for live input (standard input, a pipe, an MQTT source); -1 when it
  /// would not (a file, or a whole record or the end of input is already there).
  virtual int wait_fd() { return -1; }

  /// Empty, unless next() returned false because the input could not be read (not end of
  /// input); then a one-line message starting with the display name.
  virtual const std::string& read_error() const { return no_text(); }

  /// After everything next() has consumed: whole records (a quoted record spanning lines is
  /// consumed whole), the malformed ones and the empty lines read on the way included.
  /// (The defaults serve readers that cannot seek, such as in-memory ones in benchmarks: only
  /// the stats, and seek() fails.)
  virtual InputPosition position() const {
    InputPosition p;
    p.stats = stats();
    return p;
  }
  /// Just before the last row next() returned (at its first line), after the malformed records
  /// before it: where to go on from when that row was read but not yet used. position() when
  /// the last call of next() returned false.
  virtual InputPosition before_last_row() const { return position(); }
  /// After open(): goes on from `p` (a position() or before_last_row() of a reader of the same
  /// input and spec). A seekable file is repositioned there; any other input (a pipe, a
  /// restored standard input replayed through ReadOptions) only has its counters set: the
  /// caller arranged that its next bytes are those after p. Line numbers of later messages and
  /// stats() go on from p. False with *error (a one-line message starting with the display
  /// name) when p cannot be reached (e.g. the file is shorter).
  virtual bool seek(const InputPosition& /*p*/, std::string* error) {
    *error = "this input cannot go on from a position";
    return false;
  }
  /// seek(from), then reads only the records that begin before byte `stop_at`: next() returns
  /// false at the first record boundary at or after it (a record that begins before it is read
  /// whole). How a parallel reader parses one chunk of a file (runtime/io/parallel_reader.h).
  /// Readers that cannot split their input say so with *error.
  virtual bool seek_range(const InputPosition& from, uint64_t /*stop_at*/, std::string* error) {
    if (!seek(from, error)) return false;
    *error = "this input cannot be read in ranges";
    return false;
  }
  /// The bytes open() consumed: the CSV header line(s) with the line end (and a BOM and empty
  /// lines before it, if any); "" for JSON Lines. A restored standard input gets them back as
  /// ReadOptions::prefix.
  virtual const std::string& header_text() const { return no_text(); }

 protected:
  static const std::string& no_text() {
    static const std::string kNone;
    return kNone;
  }
};

/// CSV with a header row (RFC 4180 quoting, LF or CRLF, optional UTF-8 BOM). `display_name` is
/// used in messages (`<stdin>` for standard input). `in` is not owned or closed.
/// `read_block_size` is the size of the reads from `in`; 0 is the default (1 MiB); tests make it
/// small to put buffer refills everywhere in a record.
std::unique_ptr<RowReader> open_csv_reader(std::string display_name, std::FILE* in, SourceSpec spec,
                                           RejectSink& rejects, size_t read_block_size = 0);
std::unique_ptr<RowReader> open_csv_reader(std::string display_name, std::FILE* in, SourceSpec spec,
                                           RejectSink& rejects, const ReadOptions& options);

/// JSON Lines: one flat object per line, fields by name. `in` is not owned or closed.
std::unique_ptr<RowReader> open_jsonl_reader(std::string display_name, std::FILE* in, SourceSpec spec,
                                             RejectSink& rejects, const ReadOptions& options = {});

}  // namespace vlac::rt
