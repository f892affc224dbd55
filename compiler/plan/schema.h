#pragma once
// The columns a plan node produces.

#include <optional>
#include <string>
#include <vector>

#include "types/type.h"

namespace vlac {

struct Column {
  std::string name;
  ColumnType type;
  /// Hidden columns are not output and not part of `SELECT *`: a windowed result's implicit
  /// `window_time`, or an upstream column shadowed by a downstream window's own columns.
  bool hidden = false;
  /// Whether the column can be named in a query (false for shadowed columns).
  bool resolvable = true;
  /// Whether the column carries event time that a downstream window may use (Flink's rowtime
  /// attribute). The node's watermark bounds it.
  bool time_attribute = false;
};

struct Schema {
  std::vector<Column> columns;

  /// The node's event-time column: its first time attribute.
  std::optional<int> event_time() const {
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i].time_attribute) return static_cast<int>(i);
    return std::nullopt;
  }
  int size() const { return static_cast<int>(columns.size()); }
};

}  // namespace vlac
