// LineInput's line ends (runtime/io/line_input.h): LF, CRLF, or CR alone, decided by the
// input's first line end; and the one "did you mean" rule (runtime/nearest_name.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/io/line_input.h"
#include "runtime/nearest_name.h"

namespace {

std::vector<std::string> lines_of(std::string text) {
  std::FILE* f = fmemopen(text.data(), text.size(), "r");
  vlac::rt::LineInput in(f);
  std::vector<std::string> out;
  std::string_view line;
  while (in.read(&line)) out.emplace_back(line);
  EXPECT_EQ(in.line_number(), out.size());
  std::fclose(f);
  return out;
}

using Lines = std::vector<std::string>;

TEST(LineInput, LfCrlfAndCrLineEnds) {
  EXPECT_EQ(lines_of("a\nb\nc"), (Lines{"a\n", "b\n", "c"}));
  EXPECT_EQ(lines_of("a\r\nb\r\n"), (Lines{"a\r\n", "b\r\n"}));
  EXPECT_EQ(lines_of("a\rb\rc\r"), (Lines{"a\r", "b\r", "c\r"}));
  EXPECT_EQ(lines_of("a\r"), (Lines{"a\r"}));  // one line ended by CR: nothing follows
  EXPECT_EQ(lines_of(""), Lines{});
}

TEST(LineInput, FirstLineEndDecides) {
  // An LF file keeps a CR inside a later line (a quoted value's) in that line.
  EXPECT_EQ(lines_of("h\n\"a\rb\"\n"), (Lines{"h\n", "\"a\rb\"\n"}));
  // A CR file keeps an LF inside a later line.
  EXPECT_EQ(lines_of("h\ra\nb\r"), (Lines{"h\r", "a\nb\r"}));
}

TEST(NearestName, OneRule) {
  EXPECT_EQ(vlac::did_you_mean("camra", {"cam", "camera"}), "did you mean 'camera'?");
  EXPECT_EQ(vlac::did_you_mean("BRIGHTNES", {"brightness"}), "did you mean 'brightness'?");  // any case
  EXPECT_EQ(vlac::did_you_mean("x", {"ts"}), "");  // changing every letter is no hint
  EXPECT_EQ(vlac::did_you_mean("idd", {"id", "ts"}), "did you mean 'id'?");
  EXPECT_EQ(vlac::did_you_mean("zzzzzz", {"cam"}), "");
}

}  // namespace
