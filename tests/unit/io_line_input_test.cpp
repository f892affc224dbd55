// LineInput's line ends (runtime/io/line_input.h): LF, CRLF, or CR alone, decided by the
// input's first line end; a regular file read through its mapping; and the one "did you mean"
// rule (runtime/nearest_name.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "runtime/io/line_input.h"
#include "runtime/io/mapped_file.h"
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

/// A regular file holding `text`, at its start.
std::FILE* file_with(const std::string& text) {
  std::FILE* f = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), f);
  std::fflush(f);
  std::rewind(f);
  return f;
}

/// The lines left, each 4 bytes long: the offset moves by 4 per line.
Lines mapped_lines(vlac::rt::LineInput& in) {
  Lines out;
  std::string_view line;
  for (const uint64_t from = in.offset(); in.read(&line);) {
    out.emplace_back(line);
    EXPECT_EQ(in.offset(), from + out.size() * 4);
  }
  EXPECT_FALSE(in.failed()) << in.error();
  return out;
}

TEST(LineInput, AMappedFileGivesTheLinesAReadOneGives) {
  // Lengths around a page: the mapping's last page is followed by zeros, and a line ending at
  // the file's last byte still has its padding.
  for (size_t n : {size_t{1}, size_t{1023}, size_t{1024}, size_t{1025}, size_t{4096}}) {
    std::string text;
    Lines want;
    for (size_t i = 0; i < n; ++i) {
      char line[8];
      std::snprintf(line, sizeof line, "%03zu\n", i % 1000);
      text += line;
      want.emplace_back(line);
    }
    for (bool last_line_end : {true, false}) {
      if (!last_line_end) {
        text.pop_back();
        want.back().pop_back();
      }
      std::FILE* f = file_with(text);
      vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
      Lines got;
      std::string_view line;
      while (in.read(&line)) got.emplace_back(line);
      EXPECT_FALSE(in.failed()) << in.error();
      EXPECT_EQ(got, want) << n << " lines";
      EXPECT_EQ(in.offset(), text.size());
      EXPECT_EQ(in.ended_without_line_end(), !last_line_end);
      std::fclose(f);
    }
  }
}

TEST(LineInput, AMappedFileLongerThanItsWindowOfBytes) {
  // 10 MiB of lines of 1 to 199 bytes: a mapped file is shown 1 MiB at a time (line_input.h),
  // so lines straddle the steps at arbitrary places.
  std::string text;
  Lines want;
  for (uint64_t i = 0; text.size() < (size_t{10} << 20); ++i) {
    want.push_back(std::string(1 + (i * 7919) % 199, static_cast<char>('a' + i % 26)) + "\n");
    text += want.back();
  }
  std::FILE* f = file_with(text);
  vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
  Lines got;
  std::string_view line;
  uint64_t offset = 0;
  while (in.read(&line)) {
    got.emplace_back(line);
    offset += line.size();
    if (in.offset() != offset) break;
  }
  EXPECT_EQ(in.offset(), text.size());
  EXPECT_TRUE(got == want) << got.size() << " lines of " << want.size();
  // Back to the start of a line in the middle of the second step, and on to the end again.
  size_t at = 0, k = 0;
  while (at < (size_t{6} << 20)) at += want[k++].size();
  std::string error;
  ASSERT_TRUE(in.seek(at, k, false, &error)) << error;
  Lines rest;
  while (in.read(&line)) rest.emplace_back(line);
  EXPECT_TRUE(rest == Lines(want.begin() + static_cast<std::ptrdiff_t>(k), want.end()));
  EXPECT_EQ(in.line_number(), want.size());
  std::fclose(f);
}

TEST(LineInput, AMappedFileReadsOnWhatWasAppendedAfterIt) {
  std::FILE* f = file_with("aaa\nbbb\ncc");
  vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
  std::string_view line;
  ASSERT_TRUE(in.read(&line));
  EXPECT_EQ(line, "aaa\n");
  // Appended through another descriptor: the mapping ends at "cc", the rest is read.
  std::FILE* writer = std::fopen(("/proc/self/fd/" + std::to_string(::fileno(f))).c_str(), "a");
  ASSERT_NE(writer, nullptr);
  std::fputs("c\nddd\n", writer);
  std::fclose(writer);
  EXPECT_EQ(mapped_lines(in), (Lines{"bbb\n", "ccc\n", "ddd\n"}));
  std::fclose(f);
}

TEST(LineInput, AMappedFileSeeksInsideAndPastItsMapping) {
  std::FILE* f = file_with("aaa\nbbb\nccc\nddd\n");
  vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
  std::string_view line;
  ASSERT_TRUE(in.read(&line));
  std::string error;
  ASSERT_TRUE(in.seek(12, 3, false, &error)) << error;
  EXPECT_EQ(mapped_lines(in), (Lines{"ddd\n"}));
  ASSERT_TRUE(in.seek(4, 1, false, &error)) << error;  // back, after the mapping was left
  EXPECT_EQ(mapped_lines(in), (Lines{"bbb\n", "ccc\n", "ddd\n"}));
  EXPECT_EQ(in.line_number(), 4u);
  ASSERT_TRUE(in.seek(16, 4, false, &error)) << error;  // at the end
  EXPECT_EQ(mapped_lines(in), Lines{});
  EXPECT_FALSE(in.seek(17, 4, false, &error));
  std::fclose(f);
}

TEST(LineInput, AMappedFileAfterStdioHeldItsFirstBytes) {
  // A format sniffer's getc + ungetc: stdio holds the file's first block (4 KiB), handed out
  // first; the rest is mapped.
  std::string text;
  Lines want;
  for (int i = 0; i < 3000; ++i) {
    want.push_back(std::to_string(100 + i % 900) + "\n");
    text += want.back();
  }
  std::FILE* f = file_with(text);
  std::ungetc(std::getc(f), f);
  vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
  EXPECT_EQ(mapped_lines(in), want);
  std::fclose(f);
}

TEST(LineInput, PastTheMappingsTheSigbusHandlerKnowsAFileIsRead) {
  // Every mapping has a slot in the SIGBUS handler's table; with every slot taken a file is not
  // mapped, and its lines are read as from any file. A freed slot is taken again.
  std::FILE* f = file_with("aaa\nbbb\nccc\n");
  std::vector<std::unique_ptr<vlac::rt::MappedFile>> held;
  for (int i = 0; i < vlac::rt::MappedFile::kMaxMappings; ++i) {
    held.push_back(std::make_unique<vlac::rt::MappedFile>());
    if (!held.back()->map(::fileno(f), 12)) held.pop_back();  // fewer free: another test's still mapped
  }
  vlac::rt::MappedFile extra;
  EXPECT_FALSE(extra.map(::fileno(f), 12));
  {
    vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
    EXPECT_EQ(mapped_lines(in), (Lines{"aaa\n", "bbb\n", "ccc\n"}));
  }
  held.pop_back();
  EXPECT_TRUE(extra.map(::fileno(f), 12));
  std::fclose(f);
}

TEST(LineInputDeathTest, AMappedFileCutShortIsAnErrorNotACrash) {
  // 40 pages of lines; after the first line is read the file is truncated, and the next page
  // touched past the new end raises SIGBUS, which the mapping's handler turns into an error.
  std::string text;
  for (int i = 0; i < 40 * 1024; ++i) text += "abc\n";
  const auto read_cut = [&] {
    std::FILE* f = file_with(text);
    vlac::rt::LineInput in(f, vlac::rt::ReadOptions{});
    std::string_view line;
    if (!in.read(&line)) std::_Exit(3);
    if (::ftruncate(::fileno(f), 4096) != 0) std::_Exit(4);
    while (in.read(&line)) {
    }
    std::_Exit(0);
  };
  EXPECT_EXIT(read_cut(), ::testing::ExitedWithCode(1),
              "vlac: error: .*: the input file was cut short while it was being read");
}

TEST(NearestName, OneRule) {
  EXPECT_EQ(vlac::did_you_mean("camra", {"cam", "camera"}), "did you mean 'camera'?");
  EXPECT_EQ(vlac::did_you_mean("BRIGHTNES", {"brightness"}), "did you mean 'brightness'?");  // any case
  EXPECT_EQ(vlac::did_you_mean("x", {"ts"}), "");  // changing every letter is no hint
  EXPECT_EQ(vlac::did_you_mean("idd", {"id", "ts"}), "did you mean 'id'?");
  EXPECT_EQ(vlac::did_you_mean("zzzzzz", {"cam"}), "");
}

}  // namespace
