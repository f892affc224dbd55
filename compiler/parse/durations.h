#pragma once
// Interval units as the language spells them: `ns us ms s min h d` and NANOSECOND ... DAY.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vlac {

/// Nanoseconds in one `unit`, or nullopt when the word is not a unit.
std::optional<int64_t> unit_nanoseconds(std::string_view unit);

/// The duration `amount unit`, where amount is a decimal such as "50", "-8" or "1.5"; nullopt
/// when the amount does not parse, overflows, or is not a whole number of nanoseconds.
std::optional<int64_t> duration_nanoseconds(std::string_view amount, int64_t unit_ns);

/// The unit word nearest to a misspelled one (`MILISECOND` -> `MILLISECOND`), in the case the
/// user wrote it in; nullopt when none is close.
std::optional<std::string> nearest_unit(std::string_view word);

/// The short unit (`s`, `ms`, ...) that a word run into a number most likely means: `sec` and
/// `second` give `s`, `msec` gives `ms`, `hrs` gives `h`; nullopt when it means none.
std::optional<std::string> short_unit_for(std::string_view word);

/// The short units, for hints.
inline constexpr std::string_view kShortUnitHint = "short units are ns, us, ms, s, min, h, d";

/// The units a user may write, for hints.
inline constexpr std::string_view kUnitHint =
    "units are ns, us, ms, s, min, h, d or NANOSECOND, MICROSECOND, MILLISECOND, SECOND, MINUTE, "
    "HOUR, DAY";

}  // namespace vlac
