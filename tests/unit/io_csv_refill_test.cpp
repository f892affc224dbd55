// The CSV reader over LineInput's block buffer (issue 14): records, quoted line ends, CR-only
// line ends, BOMs and over-long lines that cross a buffer refill. Each input is read with tiny
// read blocks (1 byte upwards, so that a refill falls at every position of every record) and
// must give exactly what the hand-written expectation says, which is also what the default
// 1 MiB block gives.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "runtime/io/line_input.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"

namespace {

using namespace vlac::rt;
using namespace vlac::rt::io_test;

/// Everything a read shows: the open error, then each row, then the messages, the rejects file
/// and the counts.
std::string transcript(std::FILE* in, const SourceSpec& spec, size_t block) {
  std::FILE* messages = std::tmpfile();
  std::FILE* rejects = std::tmpfile();
  std::string out;
  {
    RejectSink sink(messages, rejects, OnError::Skip);
    auto reader = open_csv_reader("camera.csv", in, spec, sink, block);
    std::string error;
    if (!reader->open(&error)) out += "error: " + error + "\n";
    std::vector<uint8_t> row(spec.layout.size);
    while (reader->next(row.data())) out += "row: " + render(row.data(), spec) + "\n";
    const InputStats& s = reader->stats();
    out += "messages:\n" + contents(messages) + "rejects:\n" + contents(rejects);
    out += "read " + std::to_string(s.read) + " accepted " + std::to_string(s.accepted) + " rejected " +
           std::to_string(s.rejected) + "\n";
    EXPECT_EQ(s.accepted + s.rejected, s.read);
    EXPECT_EQ(reader->read_error(), "");
  }
  std::fclose(messages);
  std::fclose(rejects);
  return out;
}

/// Checks `input` against `want` with every block size from 1 to 40 and the default.
void expect_with_every_block(const std::string& input, const SourceSpec& spec, const std::string& want) {
  for (size_t block : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{4}, size_t{5}, size_t{7}, size_t{8},
                       size_t{11}, size_t{13}, size_t{16}, size_t{17}, size_t{31}, size_t{40}, size_t{4096}}) {
    SCOPED_TRACE("block " + std::to_string(block));
    std::FILE* in = file_with(input);
    EXPECT_EQ(transcript(in, spec, block), want);
    std::fclose(in);
  }
}

SourceSpec id_text() { return make_spec({{"id", FieldType::Int32, false}, {"text", FieldType::String}}); }

TEST(IoCsvRefill, RecordsAcrossRefills) {
  expect_with_every_block("id,text\n1,hello\n22,world\n", id_text(),
                          "row: 1|'hello'\nrow: 22|'world'\nmessages:\nrejects:\nread 2 accepted 2 rejected 0\n");
}

TEST(IoCsvRefill, QuotedLineEndsAcrossRefills) {
  // Line 2-3: a value holding a line end; lines 4-5: a bad record of two lines, rejected at
  // its first line with its raw text; line 6: a quoted comma and an escaped quote.
  expect_with_every_block("id,text\n1,\"ab\ncd\"\nx,\"p\nq\"\n3,\"a,\"\"b\"\"\"\n", id_text(),
                          "row: 1|'ab\ncd'\nrow: 3|'a,\"b\"'\n"
                          "messages:\ncamera.csv:4: column 'id': cannot read 'x' as INT32\n"
                          "rejects:\nx,\"p\nq\"\n"
                          "read 3 accepted 2 rejected 1\n");
}

TEST(IoCsvRefill, CrOnlyAndCrlfAcrossRefills) {
  const std::string want = "row: 1|'a'\nrow: 2|'b'\nmessages:\nrejects:\nread 2 accepted 2 rejected 0\n";
  expect_with_every_block("id,text\r1,a\r2,b\r", id_text(), want);
  expect_with_every_block("id,text\r\n1,a\r\n2,b\r\n", id_text(), want);
  // CR-only: a bad third line is reported as line 3, a quoted LF stays in its value.
  expect_with_every_block("id,text\r1,\"x\ny\"\rz,c\r", id_text(),
                          "row: 1|'x\ny'\nmessages:\ncamera.csv:3: column 'id': cannot read 'z' as INT32\n"
                          "rejects:\nz,c\rread 2 accepted 1 rejected 1\n");
}

TEST(IoCsvRefill, LastLineWithoutLineEndAndBom) {
  expect_with_every_block("\xEF\xBB\xBFid,text\n1,a\n2,b", id_text(),
                          "row: 1|'a'\nrow: 2|'b'\nmessages:\nrejects:\nread 2 accepted 2 rejected 0\n");
  // An unterminated quote at the end: the rest of the input is one bad record.
  expect_with_every_block("id,text\n1,a\n2,\"b\nc", id_text(),
                          "row: 1|'a'\nmessages:\ncamera.csv:3: unterminated quoted field\n"
                          "rejects:\n2,\"b\nc\nread 2 accepted 1 rejected 1\n");
}

TEST(IoCsvRefill, LinesLongerThanTheBuffer) {
  const std::string long_text(5000, 'x');
  const std::string quoted_long = std::string(3000, 'y') + "\n" + std::string(3000, 'z');
  expect_with_every_block("id,text\n1," + long_text + "\n2,\"" + quoted_long + "\"\n3,s\n", id_text(),
                          "row: 1|'" + long_text + "'\nrow: 2|'" + quoted_long +
                              "'\nrow: 3|'s'\nmessages:\nrejects:\nread 3 accepted 3 rejected 0\n");
}

TEST(IoCsvRefill, EmptyLinesAndOneColumnFiles) {
  expect_with_every_block("id,text\n\n1,a\n\n\n2,b\n", id_text(),
                          "row: 1|'a'\nrow: 2|'b'\nmessages:\nrejects:\nread 2 accepted 2 rejected 0\n");
  // In a one-column file an empty line is a NULL row; line 4 is reported as line 4.
  expect_with_every_block("text\na\n\nb,c\n", make_spec({{"text", FieldType::String}}),
                          "row: 'a'\nrow: NULL\nmessages:\ncamera.csv:4: expected 1 field, found 2\n"
                          "rejects:\nb,c\nread 3 accepted 2 rejected 1\n");
}

TEST(IoCsvRefill, NineteenDigitTimestampsAndInt64OverflowByOne) {
  const SourceSpec spec = make_spec({{"ts", FieldType::Timestamp, false}, {"n", FieldType::Int64}});
  expect_with_every_block("ts,n\n1795501799964688985,9223372036854775807\n1,9223372036854775808\n"
                          "9223372036854775808,1\n-9223372036854775808,-9223372036854775808\n",
                          spec,
                          "row: 1795501799964688985|9223372036854775807\n"
                          "row: -9223372036854775808|-9223372036854775808\n"
                          "messages:\n"
                          "camera.csv:3: column 'n': cannot read '9223372036854775808' as INT64\n"
                          "camera.csv:4: column 'ts': cannot read '9223372036854775808' as TIMESTAMP\n"
                          "rejects:\n1,9223372036854775808\n9223372036854775808,1\n"
                          "read 4 accepted 2 rejected 2\n");
}

TEST(IoCsvRefill, BytesInTheFilesStdioBufferAreReadFirst) {
  // A format sniffer takes the first byte with getc and pushes it back: stdio then holds the
  // start of the input in its own buffer, which must come before anything read(2) returns.
  for (size_t block : {size_t{0}, size_t{1}, size_t{3}}) {
    SCOPED_TRACE("block " + std::to_string(block));
    std::string input = "id,text\n";
    std::string want;
    for (int i = 0; i < 3000; ++i) {  // more than one stdio buffer
      input += std::to_string(i) + ",v" + std::to_string(i) + "\n";
      want += "row: " + std::to_string(i) + "|'v" + std::to_string(i) + "'\n";
    }
    std::FILE* in = file_with(input);
    const int c = std::getc(in);
    ASSERT_EQ(c, 'i');
    std::ungetc(c, in);
    EXPECT_EQ(transcript(in, id_text(), block), want + "messages:\nrejects:\nread 3000 accepted 3000 rejected 0\n");
    std::fclose(in);
  }
}

TEST(IoCsvRefill, LineInputWithoutADescriptor) {
  // fmemopen has no file descriptor: LineInput reads it with fread.
  std::string text = "a\r\nbb\r\nccc";
  std::FILE* f = fmemopen(text.data(), text.size(), "r");
  LineInput in(f, 2);
  std::vector<std::string> lines;
  std::string_view line;
  while (in.read(&line)) lines.emplace_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"a\r\n", "bb\r\n", "ccc"}));
  EXPECT_EQ(in.line_number(), 3u);
  EXPECT_FALSE(in.failed());
  std::fclose(f);
}

TEST(IoCsvRefill, MutatedInputsReadTheSameWithEveryBlockSize) {
  // Random edits of a valid file (quotes, separators, line ends of every kind, digits, BOM
  // bytes) must read identically, rows, messages and rejects, whatever the read block size.
  const SourceSpec spec = camera_spec();
  const std::string seed =
      "ts,cam_id,frame_id,brightness,objects\n"
      "1795501799964688985,1,0,0.0649301,1\n"
      "\"1795501799967860579\",2,0,-0.0244907,0\r\n"
      "2026-11-24T06:31:29.5Z,3,7,\"1e3\",12\n"
      "1795501799970000000,,9223372036854775807,nan,\n";
  const char kBytes[] = {',', '"', '"', '\n', '\r', 'a', '1', '9', '.', '-', '\xEF', ' '};
  std::mt19937 rng(1414);
  for (int i = 0; i < 600; ++i) {
    std::string input = seed;
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0; --edits) {
      const size_t at = rng() % (input.size() + 1);
      if (rng() % 3 == 0 && at < input.size()) input.erase(at, 1 + rng() % 3);
      else input.insert(at, 1, kBytes[rng() % sizeof kBytes]);
    }
    std::FILE* in = file_with(input);
    const std::string want = transcript(in, spec, 0);
    std::fclose(in);
    for (size_t block : {size_t{1}, size_t{3}, size_t{16}}) {
      std::FILE* again = file_with(input);
      ASSERT_EQ(transcript(again, spec, block), want) << "block " << block << ", input [" << input << "]";
      std::fclose(again);
    }
  }
}

}  // namespace
