#pragma once
// Interval units as the language spells them: `ns us ms s min h d` and NANOSECOND ... DAY.

#include <cstdint>
#include <optional>
#include <string_view>

namespace vlac {

/// Nanoseconds in one `unit`, or nullopt when the word is not a unit.
std::optional<int64_t> unit_nanoseconds(std::string_view unit);

/// The duration `amount unit`, where amount is a decimal such as "50", "-8" or "1.5"; nullopt
/// when the amount does not parse, overflows, or is not a whole number of nanoseconds.
std::optional<int64_t> duration_nanoseconds(std::string_view amount, int64_t unit_ns);

/// The units a user may write, for hints.
inline constexpr std::string_view kUnitHint =
    "units are ns, us, ms, s, min, h, d or NANOSECOND, MICROSECOND, MILLISECOND, SECOND, MINUTE, "
    "HOUR, DAY";

}  // namespace vlac
