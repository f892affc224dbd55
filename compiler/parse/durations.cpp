#include "parse/durations.h"

#include <cctype>
#include <string>

namespace vlac {

std::optional<int64_t> unit_nanoseconds(std::string_view unit) {
  std::string u;
  for (char c : unit) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.size() > 1 && u.back() == 's' && u != "ns" && u != "us" && u != "ms") u.pop_back();
  constexpr int64_t kSecond = 1'000'000'000;
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"ns", 1}, {"nanosecond", 1}, {"us", 1'000}, {"microsecond", 1'000},
      {"ms", 1'000'000}, {"millisecond", 1'000'000}, {"s", kSecond}, {"second", kSecond},
      {"min", 60 * kSecond}, {"minute", 60 * kSecond}, {"h", 3600 * kSecond},
      {"hour", 3600 * kSecond}, {"d", 86400 * kSecond}, {"day", 86400 * kSecond},
  };
  for (auto [name, ns] : kUnits)
    if (name == u) return ns;
  return std::nullopt;
}

std::optional<int64_t> duration_nanoseconds(std::string_view amount, int64_t unit_ns) {
  size_t i = 0;
  while (i < amount.size() && amount[i] == ' ') ++i;
  bool negative = false;
  if (i < amount.size() && (amount[i] == '-' || amount[i] == '+')) negative = amount[i++] == '-';
  // Whole part and fraction, accumulated exactly in 128-bit arithmetic.
  __int128 whole = 0, frac = 0, frac_scale = 1;
  bool any_digit = false;
  for (; i < amount.size() && std::isdigit(static_cast<unsigned char>(amount[i])); ++i) {
    whole = whole * 10 + (amount[i] - '0');
    any_digit = true;
    if (whole > (static_cast<__int128>(1) << 64)) return std::nullopt;
  }
  if (i < amount.size() && amount[i] == '.') {
    for (++i; i < amount.size() && std::isdigit(static_cast<unsigned char>(amount[i])); ++i) {
      if (frac_scale > 1'000'000'000'000'000'000) return std::nullopt;
      frac = frac * 10 + (amount[i] - '0');
      frac_scale *= 10;
      any_digit = true;
    }
  }
  while (i < amount.size() && amount[i] == ' ') ++i;
  if (!any_digit || i != amount.size()) return std::nullopt;
  __int128 ns = whole * unit_ns;
  __int128 frac_ns = frac * unit_ns;
  if (frac_ns % frac_scale != 0) return std::nullopt;  // finer than a nanosecond
  ns += frac_ns / frac_scale;
  if (negative) ns = -ns;
  if (ns > INT64_MAX || ns < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(ns);
}

}  // namespace vlac
