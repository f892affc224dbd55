// Robustness: mutates and truncates every valid test program at random (fixed seed, thousands
// of variants) and requires the front end to finish with a result and well-formed diagnostics:
// no crash, no hang, no sanitizer report (CI runs this under ASan and UBSan).
// Inputs that once broke the front end are kept in tests/fuzz/regressions/ and replayed first.
#include <gtest/gtest.h>

#include <random>

#include "frontend/frontend.h"
#include "test_files.h"

namespace vlac::test {
namespace {

/// Pieces that make interesting mutations: tokens of the language and troublemakers.
const char* kFragments[] = {
    "SELECT", "FROM", "WHERE", "GROUP BY", "HAVING", "JOIN", "ASOF", "LEFT", "ON", "AND", "OR", "NOT",
    "(", ")", ",", ";", "*", ".", "'", "\"", "--", "/*", "*/", "||", "=", "<>", ">=", "-", "+", "/",
    "%", "NULL", "TRUE", "CAST(", "AS", "INTERVAL '1' SECOND", "50ms", "0", "-1", "9999999999999999999999",
    "1e309", "TUMBLE(", "HOP(", "SESSION(", "CUMULATE(", "OVER (ORDER BY ts)", "PARTITION BY", "ROWS",
    "RANGE", "BETWEEN", "PRECEDING", "CURRENT ROW", "UNION ALL", "WATERMARK FOR", "CREATE STREAM",
    "WITH (max_keys = 0)", "COUNT(*)", "LAG(", "ts", "window_start", "window_time", "\xc3\xa9", "\xff",
    "\t", "\n", "\r\n", "CASE WHEN", "THEN", "ELSE", "END", "IN (", "LIKE", "IS NULL", "SUBSTRING(",
    "TIMESTAMP '2026-02-30T00:00:00Z'", "INTERVAL '-8' HOUR", "STRING(0)", "STRING(99999999999)",
};

std::string mutate(const std::string& text, std::mt19937& rng) {
  std::string s = text;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0: s = s.substr(0, at); break;  // truncate
      case 1: if (at < s.size()) s.erase(at, 1 + rng() % 12); break;  // delete a run
      case 2: s.insert(at, kFragments[rng() % std::size(kFragments)]); break;
      case 3: if (at < s.size()) s[at] = static_cast<char>(rng() % 256); break;  // flip a byte
      case 4: {  // duplicate a slice
        size_t from = s.empty() ? 0 : rng() % s.size();
        s.insert(at, s.substr(from, rng() % 40));
        break;
      }
      default: s.insert(at, " ");
    }
  }
  return s;
}

/// Compiles `text` and checks that every diagnostic is well-formed and renders.
void expect_graceful(const std::string& text, const std::string& label) {
  Compilation c = compile_program("fuzz.vsql", text);
  for (const Diagnostic& d : c.diags.all()) {
    ASSERT_LE(d.range.begin, text.size()) << label;
    ASSERT_LE(d.range.begin, d.range.end) << label;
    ASSERT_FALSE(d.message.empty()) << label;
  }
  std::string report = render_report(*c.file, c.diags);
  if (c.diags.has_errors()) ASSERT_NE(report.find(": error: "), std::string::npos) << label;
}

TEST(Mutation, RegressionInputs) {
  for (const std::string& p : files_in("tests/fuzz/regressions", ".vsql")) expect_graceful(read_file(full_path(p)), p);
}

TEST(Mutation, ThousandsOfVariantsOfEveryValidProgram) {
  std::vector<std::string> seeds;
  for (const char* dir : {"tests/programs", "examples"})
    for (const std::string& p : files_in(dir, ".vsql")) seeds.push_back(read_file(full_path(p)));
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261124);
  const int kVariantsPerSeed = 600;
  int with_errors = 0, total = 0;
  for (size_t s = 0; s < seeds.size(); ++s) {
    for (int v = 0; v < kVariantsPerSeed; ++v) {
      std::string text = mutate(seeds[s], rng);
      Compilation c = compile_program("fuzz.vsql", text);
      with_errors += c.diags.has_errors();
      ++total;
      expect_graceful(text, "seed " + std::to_string(s) + " variant " + std::to_string(v));
      if (testing::Test::HasFatalFailure()) {
        ADD_FAILURE() << "input was:\n" << text;
        return;
      }
    }
  }
  // Most mutations break a program; if almost none do, the mutator has stopped mutating.
  EXPECT_GT(with_errors, total / 2);
}

}  // namespace
}  // namespace vlac::test
