#include "parse/durations.h"

#include "runtime/nearest_name.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

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

namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::string> nearest_unit(std::string_view word) {
  static constexpr std::string_view kWords[] = {"nanosecond", "microsecond", "millisecond", "second",
                                                "minute",     "hour",        "day"};
  std::vector<std::string> words;
  for (std::string_view candidate : kWords) {
    words.emplace_back(candidate);
    words.push_back(std::string(candidate) + "s");
  }
  std::optional<std::string> best = nearest_name(lower(word), words);
  if (!best) {  // an abbreviation such as `secs` or `hrs`
    static constexpr std::pair<std::string_view, std::string_view> kLong[] = {
        {"ns", "nanosecond"}, {"us", "microsecond"}, {"ms", "millisecond"}, {"s", "second"},
        {"min", "minute"},    {"h", "hour"},         {"d", "day"}};
    if (auto short_unit = short_unit_for(word))
      for (auto [s, l] : kLong)
        if (s == *short_unit) best = std::string(l);
  }
  if (!best) return std::nullopt;
  const bool lower_case = std::none_of(word.begin(), word.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  if (!lower_case)
    for (char& c : *best) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return best;
}

std::optional<std::string> short_unit_for(std::string_view word) {
  const std::string w = lower(word);
  static constexpr std::pair<std::string_view, std::string_view> kAbbreviations[] = {
      {"sec", "s"},   {"secs", "s"},    {"nsec", "ns"},   {"nsecs", "ns"},  {"nanos", "ns"},
      {"usec", "us"}, {"usecs", "us"},  {"micros", "us"}, {"msec", "ms"},   {"msecs", "ms"},
      {"millis", "ms"}, {"m", "min"},   {"mins", "min"},  {"hr", "h"},      {"hrs", "h"},
  };
  for (auto [from, to] : kAbbreviations)
    if (w == from) return std::string(to);
  static constexpr std::pair<int64_t, std::string_view> kShort[] = {
      {1, "ns"}, {1'000, "us"}, {1'000'000, "ms"}, {1'000'000'000, "s"},
      {60'000'000'000, "min"}, {3'600'000'000'000, "h"}, {86'400'000'000'000, "d"}};
  if (auto ns = unit_nanoseconds(w))  // a whole word: 2second, 5minutes
    for (auto [n, name] : kShort)
      if (n == *ns) return std::string(name);
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
