#pragma once
// Evaluates the small constant expressions the binder needs at compile time: window sizes,
// watermark bounds, frame sizes (`INTERVAL '1' SECOND`, `-50ms`, `2 * 1s`, `10`).

#include <cstdint>
#include <optional>
#include <string>

#include "plan/scalar_expr.h"

namespace vlac {

std::optional<int64_t> constant_interval(const ScalarExpr& e);
std::optional<int64_t> constant_integer(const ScalarExpr& e);

/// A duration as an INTERVAL literal in the largest unit that divides it: INTERVAL '50' MILLISECOND.
std::string interval_literal(int64_t ns);

}  // namespace vlac
