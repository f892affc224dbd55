#pragma once
// Evaluates the small constant expressions the binder needs at compile time: window sizes,
// watermark bounds, frame sizes (`INTERVAL '1' SECOND`, `-50ms`, `2 * 1s`, `10`).

#include <cstdint>
#include <optional>

#include "plan/scalar_expr.h"

namespace vlac {

std::optional<int64_t> constant_interval(const ScalarExpr& e);
std::optional<int64_t> constant_integer(const ScalarExpr& e);

}  // namespace vlac
