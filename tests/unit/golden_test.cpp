// Data-driven front-end tests: adding a file adds a test.
//   tests/diagnostics/*.vsql  wrong programs; their exact diagnostics are in *.expected, and
//                             `-- expect: LINE:COL` lines, written by hand, say where each error is.
//   tests/programs/*.vsql, examples/*.vsql and every ```vsql block of docs/*.md: valid programs.
#include <gtest/gtest.h>

#include <regex>

#include "frontend/frontend.h"
#include "physical/physical_plan.h"
#include "test_files.h"

namespace vlac::test {
namespace {

class DiagnosticGolden : public testing::TestWithParam<std::string> {};

TEST_P(DiagnosticGolden, MatchesExpectedText) {
  const std::string path = GetParam();
  const std::string text = read_file(full_path(path));
  Compilation c = compile_program(path, text);
  // As `vlac check`: a program the front end accepts is lowered too (lowering reports what no
  // backend can run, e.g. too many windows per event for a window that is not aggregated).
  std::string actual = render_report(*c.file, c.diags);
  bool errors = c.diags.has_errors();
  if (!errors) {
    Diagnostics lowering;
    lower_to_physical(c.program, *c.file, lowering);
    actual += render_report(*c.file, lowering);
    errors = lowering.has_errors();
  }
  EXPECT_TRUE(errors) << path << " should not compile";

  // Every hand-written expectation names a reported error position.
  std::regex expect_line(R"(-- expect: (\d+):(\d+))");
  int expectations = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), expect_line), end; it != end; ++it) {
    ++expectations;
    std::string where = path + ":" + (*it)[1].str() + ":" + (*it)[2].str() + ": error: ";
    EXPECT_NE(actual.find(where), std::string::npos) << "no error at " << where << " in:\n" << actual;
  }
  EXPECT_GT(expectations, 0) << path << " has no '-- expect: LINE:COL' line";

  std::string expected_path = full_path(path.substr(0, path.size() - 5) + ".expected");
  ASSERT_TRUE(std::filesystem::exists(expected_path)) << "missing " << expected_path;
  EXPECT_EQ(actual, read_file(expected_path));
}

INSTANTIATE_TEST_SUITE_P(Files, DiagnosticGolden, testing::ValuesIn(files_in("tests/diagnostics", ".vsql")),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& ch : name) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

struct ValidProgram {
  std::string name;
  std::string text;
};

std::vector<ValidProgram> valid_programs() {
  std::vector<ValidProgram> out;
  for (const char* dir : {"tests/programs", "examples"})
    for (const std::string& p : files_in(dir, ".vsql")) out.push_back({p, read_file(full_path(p))});
  for (const std::string& doc : files_in("docs", ".md")) {
    int i = 0;
    for (const std::string& block : vsql_blocks(read_file(full_path(doc))))
      out.push_back({doc + "#" + std::to_string(++i), block});
  }
  return out;
}

void PrintTo(const ValidProgram& p, std::ostream* os) { *os << p.name; }

class ValidPrograms : public testing::TestWithParam<ValidProgram> {};

TEST_P(ValidPrograms, CheckCleanly) {
  const ValidProgram& p = GetParam();
  Compilation c = compile_program(p.name, p.text);
  EXPECT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
  EXPECT_FALSE(c.program.outputs.empty()) << p.name << " has no output";
}

INSTANTIATE_TEST_SUITE_P(Files, ValidPrograms, testing::ValuesIn(valid_programs()),
                         [](const testing::TestParamInfo<ValidProgram>& info) {
                           std::string name = info.param.name;
                           for (char& ch : name) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace vlac::test
