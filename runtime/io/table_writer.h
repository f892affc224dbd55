#pragma once
// Tables for people: the layout of `--format table` (make_row_writer with OutputFormat::Table)
// and of the REPL's results and listings. Columns are separated by two blanks; numbers are
// right-aligned, other values left-aligned; a line of dashes under the header; a line never
// ends in blanks; control characters are shown escaped (\n, \r, \t, \xNN) so that a value never
// breaks the layout; width is counted in code points.
//
//   cam_id  frames  window_start
//   ------  ------  ------------------------
//        1      10  2026-11-24T06:31:29Z
//   (1 row)

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/row_layout.h"

namespace vlac::rt {

/// Appends `s` with control characters escaped.
void append_displayed(std::string* out, std::string_view s);

/// Terminal columns of UTF-8 text: one per code point (continuation bytes take none). Wide East
/// Asian characters would need a table of widths; vlac's data is mostly ASCII.
size_t display_width(std::string_view s);

/// Whether a column of this type is right-aligned (the numbers).
bool is_right_aligned(FieldType t);

/// Appends one line (with its '\n'): cell c padded to widths[c], right-aligned when
/// right_aligned[c], no blanks at the end.
void append_table_line(std::string* out, const std::vector<std::string_view>& cells, const std::vector<size_t>& widths,
                       const std::vector<bool>& right_aligned);

/// Appends the line of dashes under the header.
void append_table_rule(std::string* out, const std::vector<size_t>& widths);

/// "(0 rows)", "(1 row)", or "(123 rows, first 20 shown)" when fewer than all were shown.
std::string row_count_text(uint64_t total, uint64_t shown);

/// A table of texts (already displayable) with its header and rule, without a row count: for
/// listings that are not query results.
std::string render_text_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                              const std::vector<bool>& right_aligned = {});

}  // namespace vlac::rt
