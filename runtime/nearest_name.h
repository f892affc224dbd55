#pragma once
// "did you mean" for every name a user can misspell: columns, streams, options, units, REPL
// commands, `--input`/`--output` names and CSV header columns. One rule everywhere: the
// candidate with the smallest edit distance (case-insensitive), if it is within a third of the
// name's length (at least 2) and leaves some of the name standing (less than its length). Header-only, so that the runtime's readers (and generated host
// programs) use the same rule as the compiler.

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlac {

/// Levenshtein distance, ignoring ASCII case.
inline size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The candidate closest to `name`, if one is close enough (see above); the first of equals.
inline std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::min(std::max<size_t>(2, name.size() / 3) + 1, name.size());
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

/// "did you mean 'x'?" or "".
inline std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  auto n = nearest_name(name, candidates);
  return n ? "did you mean '" + *n + "'?" : "";
}

}  // namespace vlac
