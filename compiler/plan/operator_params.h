#pragma once
// The parameters of stateful operators, as plain data that both plans carry: the logical plan's
// nodes hold them as the binder made them, and lowering copies them into the physical plan, so
// that backends read them there without knowing the logical node types.

#include <cstdint>
#include <optional>
#include <string>

#include "plan/scalar_expr.h"

namespace vlac {

/// WITH options of the statement whose operator holds the state (§3). nullopt = not given.
struct Capacities {
  std::optional<int64_t> max_keys;
  std::optional<int64_t> max_open_windows;
  std::optional<int64_t> max_buffered_rows;
};

enum class WindowKind { Tumble, Hop, Session, Cumulate };
std::string window_kind_name(WindowKind k);

/// A window table function's parameters, all in nanoseconds.
struct WindowSpec {
  WindowKind kind = WindowKind::Tumble;
  int time_column = -1;  // in the window's input
  int64_t size = 0;      // TUMBLE size, HOP size, CUMULATE max size
  int64_t slide = 0;     // HOP slide, CUMULATE step
  int64_t gap = 0;       // SESSION gap
  int64_t offset = 0;
  int64_t slice = 0;     // HOP, CUMULATE: > 0 when computed from slices this long (slice-windows)
};

/// One aggregate of a GROUP BY: `function(arg)`.
struct AggregateCall {
  AggregateFunction function = AggregateFunction::CountStar;
  ScalarExprPtr arg;  // null for COUNT(*); over the aggregate's input
  ColumnType result;
  SourceRange range;

  AggregateCall clone() const;
};

enum class FrameUnit { Rows, Range };

/// One OVER expression: `function(arg) OVER (... frame)`.
struct OverCall {
  AggregateFunction function = AggregateFunction::CountStar;
  ScalarExprPtr arg;  // null for COUNT(*)
  ColumnType result;
  FrameUnit unit = FrameUnit::Range;
  bool unbounded = true;  // UNBOUNDED PRECEDING
  int64_t preceding = 0;  // rows (ROWS) or nanoseconds (RANGE) when bounded
  int64_t lag_offset = 1; // LAG's n
  SourceRange range;

  OverCall clone() const;
};

enum class JoinType { Inner, Left };

}  // namespace vlac
