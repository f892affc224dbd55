#pragma once
// Which reader an input gets (LANGUAGE.md §7): CSV or JSON Lines, from `--input-format`, from the
// file's extension, or for standard input from its first byte. One rule for `vlac run`, the
// REPL's `.input` and the host main (docs/decisions.md).

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/io/row_reader.h"

namespace vlac::rt {

/// Detect: decided at open() by the first byte of the input: `{` is JSON Lines, anything else CSV;
/// for a restored standard input (ReadOptions with a prefix or a replay_fd), CSV when the prefix
/// (the header text, RowReader::header_text()) is not empty, JSON Lines when it is.
enum class InputFormat { Csv, Jsonl, Detect };

/// "csv" or "jsonl" (the values of `--input-format`); nullopt for anything else.
std::optional<InputFormat> parse_input_format(std::string_view name);

/// The format an input gets: `given` (`--input-format`) when there is one; else for standard
/// input ("-") Detect; else JSON Lines when the path ends in .jsonl, .ndjson or .json (in any
/// case), CSV otherwise.
InputFormat input_format_for(std::string_view path, std::optional<InputFormat> given);

/// A reader of `format` (see open_csv_reader, open_jsonl_reader). `in` is not owned or closed.
std::unique_ptr<RowReader> open_row_reader(InputFormat format, std::string display_name, std::FILE* in, SourceSpec spec,
                                           RejectSink& rejects, const ReadOptions& options = {});

/// The reader of an input file (not standard input) for `--threads threads` (LANGUAGE.md §11):
/// with threads > 1 and CSV or JSON Lines, a ParallelReader (runtime/io/parallel_reader.h) over
/// that format's readers, keeping every row's position when `positions` (checkpoints); else
/// open_row_reader. The parse chunk is 4 MiB, or VLAC_TEST_PARSE_CHUNK_BYTES when set (a test
/// hook: tiny chunks put boundaries everywhere in small files).
std::unique_ptr<RowReader> open_file_reader(InputFormat format, std::string display_name, std::FILE* in, SourceSpec spec,
                                            RejectSink& rejects, int threads, bool positions = false);

/// `--threads N`: N, or every core for 0.
int thread_count(int requested);

}  // namespace vlac::rt
