#pragma once
// `vlac run --late PATH` (LANGUAGE.md §12): every row an operator drops as late, as one JSON
// Lines record in the order of the drops:
//   {"operator":"#N Kind","stream":NAME,"watermark":W,"row":{...}}
// "operator" as `--stats` names it; "stream" the stream the operator's input port reads (null
// when no single named stream feeds it); "watermark" the operator's watermark that made the row
// late (a join's: that side's), a timestamp as output writes them (`--timestamps`); "row" the
// operator's input row, its visible columns by name, formatted as JSON Lines output is.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/io/row_writer.h"
#include "runtime/ops/late_rows.h"
#include "runtime/row_layout.h"

namespace vlac::rt {

/// One input port of an operator: what its rows are.
struct LatePort {
  std::string stream;                     // "" when no single named stream feeds it: null
  std::vector<std::string> column_names;  // the visible columns, in order
  RowLayout layout;                       // the port's row layout restricted to those columns
};

/// One operator: its `--stats` name ("#3 WindowAggregate") and its input ports.
struct LateOperator {
  std::string name;
  std::vector<LatePort> ports;
};

/// A RowWriter (flush, bytes_written, error: what checkpoints and the run's stop checks use)
/// whose rows come through the LateRows of each operator instead of write().
class LateRowWriter : public RowWriter {
 public:
  /// What operator `op` (an index into the operators given) reports its late rows to; valid
  /// while the writer lives.
  virtual LateRows late_rows(size_t op) = 0;
};

/// Only options.timestamps_ns is read. `out` is not owned or closed.
std::unique_ptr<LateRowWriter> make_late_row_writer(std::FILE* out, std::vector<LateOperator> operators, WriterOptions options);

}  // namespace vlac::rt
