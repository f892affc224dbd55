// Tests for the JSON Lines reader (runtime/io, LANGUAGE.md §7). Expected rows and reasons are
// written by hand from the spec; 2026-11-24T06:31:29.5Z = 1795501889500000000 ns (Python).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"
#include "io_test_support.h"

namespace {

using namespace vlac::rt;

using namespace vlac::rt::io_test;

struct Result {
  std::vector<std::string> rows;
  InputStats stats;
  std::string messages;
  std::string rejects;
  bool stopped = false;
};

Result read_jsonl(const std::string& input, const SourceSpec& spec, OnError on_error = OnError::Skip) {
  Result r;
  std::FILE* in = file_with(input);
  std::FILE* messages = std::tmpfile();
  std::FILE* rejects = std::tmpfile();
  {
    RejectSink sink(messages, rejects, on_error);
    auto reader = open_jsonl_reader("cam.jsonl", in, spec, sink);
    std::string error;
    EXPECT_TRUE(reader->open(&error)) << error;
    std::vector<uint8_t> row(spec.layout.size);
    while (reader->next(row.data())) r.rows.push_back(render(row.data(), spec));
    r.stats = reader->stats();
    r.stopped = sink.should_stop();
    EXPECT_EQ(sink.rejected(), r.stats.rejected);
  }
  r.messages = contents(messages);
  r.rejects = contents(rejects);
  std::fclose(in);
  std::fclose(messages);
  std::fclose(rejects);
  EXPECT_EQ(r.stats.accepted + r.stats.rejected, r.stats.read);
  EXPECT_EQ(r.stats.accepted, r.rows.size());
  return r;
}

using Rows = std::vector<std::string>;

TEST(IoJsonlReader, FieldsByNameNullAndMissing) {
  const Result r = read_jsonl(
      "{\"ts\": 1000000000, \"cam_id\": 1, \"frame_id\": 7, \"brightness\": 0.5, \"objects\": 3}\n"
      "{\"objects\":0,\"ts\":\"2026-11-24T06:31:29.5Z\",\"cam_id\":null}\n"
      "  {  \"ts\" :\t2 , \"brightness\" : -1.25e1 }  \n"
      "{\"ts\":3,\"frame_id\":-9223372036854775808}",
      camera_spec());
  EXPECT_EQ(r.rows, (Rows{"1000000000|1|7|0.5|3", "1795501889500000000|NULL|NULL|NULL|0", "2|NULL|NULL|-12.5|NULL",
                          "3|NULL|-9223372036854775808|NULL|NULL"}));
  EXPECT_EQ(r.messages, "");
  EXPECT_EQ(r.stats.read, 4u);
}

TEST(IoJsonlReader, ValuesOfEveryType) {
  const SourceSpec spec = make_spec({{"b", FieldType::Bool},
                                     {"i", FieldType::Int32},
                                     {"d", FieldType::Float64},
                                     {"f", FieldType::Float32},
                                     {"t", FieldType::Timestamp},
                                     {"iv", FieldType::Interval},
                                     {"s", FieldType::String}});
  const Result r = read_jsonl(
      "{\"b\":true,\"i\":-2147483648,\"d\":1E2,\"f\":\"NaN\",\"t\":\"2026-11-24T08:31:29+02:00\",\"iv\":-5,\"s\":\"\"}\n"
      "{\"b\":false,\"i\":0,\"d\":\"-Infinity\",\"f\":\"Infinity\",\"t\":-1,\"iv\":0,\"s\":\"x\"}\n",
      spec);
  EXPECT_EQ(r.rows, (Rows{"true|-2147483648|100|nan|1795501889000000000|-5|''", "false|0|-inf|inf|-1|0|'x'"}));
}

TEST(IoJsonlReader, StringEscapes) {
  const SourceSpec spec = make_spec({{"s", FieldType::String}, {"k\"ey", FieldType::Int32}});
  const Result r = read_jsonl(
      "{\"s\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"}\n"
      "{\"s\":\"\\u00e9\\u20AC\\ud83d\\ude00\\u0000!\"}\n"
      "{\"s\":\"\xC3\xA9 raw\", \"k\\\"ey\": 5}\n"
      "{\"\\u0073\":\"escaped key\"}\n",
      spec);
  EXPECT_EQ(r.rows, (Rows{"'q\" b\\ s/ \b\f\n\r\t'|NULL", std::string("'\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\0!'|NULL", 18),
                          "'\xC3\xA9 raw'|5", "'escaped key'|NULL"}));
  EXPECT_EQ(r.stats.rejected, 0u);
}

TEST(IoJsonlReader, SeveralEscapedStringsInOneRow) {
  const SourceSpec spec = make_spec({{"a", FieldType::String}, {"b", FieldType::String}, {"c", FieldType::String}});
  const Result r = read_jsonl("{\"a\":\"1\\n\",\"b\":\"2\\t\",\"c\":\"3\\\"\"}\n", spec);
  EXPECT_EQ(r.rows, (Rows{"'1\n'|'2\t'|'3\"'"}));
}

TEST(IoJsonlReader, BlankLinesCrLfAndBom) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}});
  const Result r = read_jsonl("\xEF\xBB\xBF{\"a\":1}\r\n\r\n\n   \n{\"a\":2}\r\n{\"a\":\"x\"}\r\n", spec);
  EXPECT_EQ(r.rows, (Rows{"1", "2"}));
  EXPECT_EQ(r.stats.read, 3u);
  EXPECT_EQ(r.messages, "cam.jsonl:6: column 'a': expected a number, found \"x\"\n");
  EXPECT_EQ(r.rejects, "{\"a\":\"x\"}\r\n");
}

TEST(IoJsonlReader, UnknownFieldsWarnOnce) {
  const Result r = read_jsonl(
      "{\"ts\":1}\n"
      "{\"ts\":2,\"x\":1,\"y\":{\"nested\":[1,2,{\"z\":null}]},\"x\":\"again\"}\n"
      "{\"ts\":3,\"w\":true}\n",
      camera_spec());
  EXPECT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.messages, "cam.jsonl:2: warning: ignoring unknown fields 'x', 'y'\n");
}

struct BadCase {
  std::string line;
  std::string reason;
};

TEST(IoJsonlReader, MalformedReasons) {
  const SourceSpec spec = make_spec({{"ts", FieldType::Timestamp, false},
                                     {"cam_id", FieldType::Int32},
                                     {"ok", FieldType::Bool},
                                     {"name", FieldType::String, true, 4},
                                     {"x", FieldType::Float64}});
  const std::vector<BadCase> cases = {
      {"[1,2]", "not a JSON object"},
      {"42", "not a JSON object"},
      {"\"ts\"", "not a JSON object"},
      {"ts=1", "not a JSON object"},
      {"{\"ts\":1,\"cam_id\":\"abc\"}", "column 'cam_id': expected a number, found \"abc\""},
      {"{\"ts\":1,\"cam_id\":true}", "column 'cam_id': expected a number, found true"},
      {"{\"ts\":1,\"cam_id\":{\"a\":1}}", "column 'cam_id': expected a number, found an object"},
      {"{\"ts\":1,\"cam_id\":[1]}", "column 'cam_id': expected a number, found an array"},
      {"{\"ts\":1,\"cam_id\":1.5}", "column 'cam_id': cannot read '1.5' as INT32"},
      {"{\"ts\":1,\"cam_id\":2147483648}", "column 'cam_id': cannot read '2147483648' as INT32"},
      {"{\"ts\":1,\"ok\":1}", "column 'ok': expected true or false, found 1"},
      {"{\"ts\":1,\"ok\":\"true\"}", "column 'ok': expected true or false, found \"true\""},
      {"{\"ts\":1,\"name\":5}", "column 'name': expected a string, found 5"},
      {"{\"ts\":1,\"name\":\"abcde\"}", "column 'name': 5 bytes do not fit STRING(4)"},
      {"{\"ts\":1,\"name\":\"a\xFF\"}", "column 'name': invalid UTF-8"},
      {"{\"ts\":1,\"x\":\"1.5\"}", "column 'x': expected a number, found \"1.5\""},
      {"{\"ts\":\"yesterday\"}", "column 'ts': cannot read 'yesterday' as TIMESTAMP"},
      {"{\"ts\":1.5e9}", "column 'ts': cannot read '1.5e9' as TIMESTAMP"},
      {"{\"ts\":false}", "column 'ts': expected a number or a string, found false"},
      {"{\"ts\":null}", "column 'ts': NULL in a NOT NULL column"},
      {"{\"cam_id\":1}", "missing column 'ts', which is NOT NULL"},
      {"{}", "missing column 'ts', which is NOT NULL"},
      {"{\"ts\":1,\"ts\":2}", "column 'ts': appears twice in the object"},
      {"{\"ts\":1", "invalid JSON at byte 8: expected ',' or '}'"},
      {"{\"ts\":1} x", "invalid JSON at byte 10: text after the object"},
      {"{\"ts\":1,}", "invalid JSON at byte 9: expected a field name"},
      {"{ts:1}", "invalid JSON at byte 2: expected a field name"},
      {"{\"ts\" 1}", "invalid JSON at byte 7: expected ':'"},
      {"{\"ts\":01}", "invalid JSON at byte 8: expected ',' or '}'"},
      {"{\"ts\":-}", "invalid JSON at byte 7: invalid number"},
      {"{\"ts\":nul}", "invalid JSON at byte 7: invalid literal"},
      {"{\"ts\":1,\"name\":\"ab", "invalid JSON at byte 16: unterminated string"},
      {"{\"ts\":1,\"name\":\"a\\x\"}", "invalid JSON at byte 18: invalid escape in a string"},
      {"{\"ts\":1,\"name\":\"\\u12\"}", "invalid JSON at byte 17: invalid \\u escape"},
      {"{\"ts\":1,\"name\":\"\\ud800\"}", "invalid JSON at byte 16: unpaired UTF-16 surrogate in \\u escape"},
      {"{\"ts\":1,\"name\":\"\\udc00\\ud800\"}", "invalid JSON at byte 16: unpaired UTF-16 surrogate in \\u escape"},
      {"{\"ts\":1,\"name\":\"a\tb\"}", "invalid JSON at byte 18: control character in a string"},
      {"{\"ts\":1,\"other\":[1,}", "invalid JSON at byte 20: unexpected character"},
      {"{\"ts\":1,\"other\":@}", "invalid JSON at byte 17: unexpected character"},
  };
  for (const BadCase& c : cases) {
    const Result r = read_jsonl("{\"ts\":0}\n" + c.line + "\n{\"ts\":5}\n", spec);
    EXPECT_EQ(r.messages, "cam.jsonl:2: " + c.reason + "\n") << "line: " << c.line;
    EXPECT_EQ(r.rejects, c.line + "\n");
    EXPECT_EQ(r.rows, (Rows{"0|NULL|NULL|NULL|NULL", "5|NULL|NULL|NULL|NULL"}));
    EXPECT_EQ(r.stats.read, 3u);
    EXPECT_EQ(r.stats.rejected, 1u);
  }
}

TEST(IoJsonlReader, DeepNestingInAnUnknownFieldIsRejectedNotACrash) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}});
  const std::string deep(100000, '[');
  const Result r = read_jsonl("{\"junk\":" + deep + "}\n", spec);
  EXPECT_EQ(r.stats.rejected, 1u);
  EXPECT_EQ(r.messages, "cam.jsonl:1: invalid JSON at byte 73: nesting too deep\n");
}

TEST(IoJsonlReader, FailFast) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}});
  const Result r = read_jsonl("{\"a\":1}\n{\"a\":x}\n{\"a\":3}\n", spec, OnError::Fail);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.rows, (Rows{"1"}));
  EXPECT_EQ(r.messages, "cam.jsonl:2: invalid JSON at byte 6: unexpected character\n");
}

TEST(IoJsonlReader, EmptyInputHasNoRows) {
  const Result r = read_jsonl("", camera_spec());
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.stats.read, 0u);
}

// The warning lists the unknown fields of the first accepted object that has any, not those of
// rejected objects before it: what a reader of any chunk of the file can say alone (--threads).
TEST(IoJsonlReader, UnknownFieldsOfRejectedObjectsAreNotListed) {
  const Result r = read_jsonl(
      "{\"ts\":\"bad\",\"q\":1}\n"
      "{\"ts\":1}\n"
      "{\"ts\":2,\"x\":1}\n",
      camera_spec());
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_NE(r.messages.find("cam.jsonl:3: warning: ignoring unknown field 'x'\n"), std::string::npos) << r.messages;
  EXPECT_EQ(r.messages.find("'q'"), std::string::npos) << r.messages;
}

// ------------------------------------------------------------------------------------------
// Columns nothing reads (SourceSpec::read_columns, from prune-source-columns)

TEST(IoJsonlColumnMask, ReadColumnsAreThoseOfTheUnmaskedReadSkippedOnesNull) {
  const std::string input =
      "\xEF\xBB\xBF{\"ts\": 1000000000, \"cam_id\": 1, \"frame_id\": 7, \"brightness\": 0.5, \"objects\": 3}\r\n"
      "{\"objects\":0,\"ts\":\"2026-11-24T06:31:29.5Z\",\"cam_id\":null,\"frame_id\":\"\\u0041\"}\n"
      "{\"ts\":3,\"frame_id\":-9223372036854775808,\"extra\":[1]}\n";
  SourceSpec spec = camera_spec();
  spec.read_columns = {true, true, false, true, true};
  const Result r = read_jsonl(input, spec);
  // Row 2's frame_id ("A", a string) would be a reject if read; skipped, it is not.
  EXPECT_EQ(r.rows, (Rows{"1000000000|1|NULL|0.5|3", "1795501889500000000|NULL|NULL|NULL|0", "3|NULL|NULL|NULL|NULL"}));
  EXPECT_EQ(r.stats.rejected, 0u);
  EXPECT_EQ(r.messages, "cam.jsonl:3: warning: ignoring unknown field 'extra'\n");
  EXPECT_EQ(read_jsonl(input, camera_spec()).stats.rejected, 1u) << "unmasked, row 2's frame_id is a reject";
}

TEST(IoJsonlColumnMask, BadOrMissingValuesOfUnreadColumnsAreNotRejects) {
  const SourceSpec all = make_spec({{"ts", FieldType::Timestamp, false},
                                    {"id", FieldType::Int32, false},
                                    {"name", FieldType::String, true, 4}});
  SourceSpec spec = all;
  spec.read_columns = {true, false, false};
  // id is NOT NULL and unread: missing, null or a string is accepted and stays 0; name is
  // nullable and unread: too long for STRING(4) is accepted and NULL.
  const std::string input = "{\"ts\":1}\n{\"ts\":2,\"id\":null}\n{\"ts\":3,\"id\":\"x\",\"name\":\"abcdef\"}\n";
  const Result r = read_jsonl(input, spec);
  EXPECT_EQ(r.rows, (Rows{"1|0|NULL", "2|0|NULL", "3|0|NULL"}));
  SourceSpec strings = make_spec({{"ts", FieldType::Timestamp, false}, {"s", FieldType::String, false}});
  strings.read_columns = {true, false};  // an unread NOT NULL STRING is the empty string
  EXPECT_EQ(read_jsonl("{\"ts\":1,\"s\":\"abc\"}\n{\"ts\":2}\n", strings).rows, (Rows{"1|''", "2|''"}));
  EXPECT_EQ(r.messages, "");
  EXPECT_EQ(read_jsonl(input, all).messages,
            "cam.jsonl:1: missing column 'id', which is NOT NULL\n"
            "cam.jsonl:2: column 'id': NULL in a NOT NULL column\n"
            "cam.jsonl:3: column 'id': expected a number, found \"x\"\n");
}

TEST(IoJsonlColumnMask, LinesAreStillCheckedAsJson) {
  SourceSpec spec = make_spec({{"ts", FieldType::Timestamp, false}, {"name", FieldType::String, true, 4}});
  spec.read_columns = {true, false};
  const std::vector<BadCase> cases = {
      {"{\"ts\":1,\"name\":\"ab", "invalid JSON at byte 16: unterminated string"},
      {"{\"ts\":1,\"name\":\"a\\x\"}", "invalid JSON at byte 18: invalid escape in a string"},
      {"{\"ts\":1,\"name\":nul}", "invalid JSON at byte 16: invalid literal"},
      {"{\"ts\":1,\"name\":\"a\",\"name\":\"b\"}", "column 'name': appears twice in the object"},
      {"{\"ts\":1,\"name\":\"a\"", "invalid JSON at byte 19: expected ',' or '}'"},
      {"{\"name\":\"a\"}", "missing column 'ts', which is NOT NULL"},
  };
  for (const BadCase& c : cases) {
    const Result r = read_jsonl("{\"ts\":0}\n" + c.line + "\n{\"ts\":5}\n", spec);
    EXPECT_EQ(r.messages, "cam.jsonl:2: " + c.reason + "\n") << "line: " << c.line;
    EXPECT_EQ(r.rejects, c.line + "\n");
    EXPECT_EQ(r.rows, (Rows{"0|NULL", "5|NULL"}));
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Lines that simdjson's path (jsonl_reader.cpp) must read exactly as the hand-written parser:
// expectations are from the JSON grammar and IEEE rounding, worked out in the comments.

TEST(IoJsonlFastPath, TrailingBlanksAndLinesAroundThePaddingSize) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int64}, {"s", FieldType::String}});
  // `{"a":7,"s":""}` is 14 bytes: a string of n - 14 bytes makes an n-byte line. simdjson pads
  // with 64 bytes and works in 64-byte blocks, so lengths around 64 and 128 are the edges.
  std::string input, expected_s;
  Rows expected;
  for (const size_t n : {14u, 63u, 64u, 65u, 127u, 128u, 129u}) {
    const std::string s(n - 14, 'x');
    input += "{\"a\":7,\"s\":\"" + s + "\"}\n";
    expected.push_back("7|'" + s + "'");
  }
  input += "{\"a\":8}   \t  \n";                      // blanks after the object
  input += "{\"a\":9}" + std::string(64, ' ') + "\n";  // a whole padding's worth of them
  input += "{\"s\":\"z\",\"a\":123}";                  // a number ends the last line (no line end)
  expected.insert(expected.end(), {"8|NULL", "9|NULL", "123|'z'"});
  const Result r = read_jsonl(input, spec);
  EXPECT_EQ(r.rows, expected);
  EXPECT_EQ(r.messages, "");
}

TEST(IoJsonlFastPath, VeryLongLine) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}, {"s", FieldType::String}});
  const std::string big(1 << 20, 'y');
  std::string escaped;  // 100000 `\n` escapes decode to 100000 newlines
  for (int i = 0; i < 100000; ++i) escaped += "\\n";
  const Result r = read_jsonl("{\"a\":1,\"s\":\"" + big + "\"}\n{\"s\":\"" + escaped + "\",\"a\":2}\n{\"a\":3}\n", spec);
  EXPECT_EQ(r.rows, (Rows{"1|'" + big + "'", "2|'" + std::string(100000, '\n') + "'", "3|NULL"}));
}

TEST(IoJsonlFastPath, NumberForms) {
  const SourceSpec spec = make_spec({{"i", FieldType::Int64}, {"d", FieldType::Float64}, {"f", FieldType::Float32}});
  const Result r = read_jsonl(
      // -0 is 0 as an integer and keeps its sign as a float.
      "{\"i\":-0,\"d\":-0,\"f\":-0}\n"
      // Beyond the range: overflow is infinity, underflow zero (with the sign), as IEEE rounds.
      "{\"d\":1e400,\"f\":1e39}\n"
      "{\"d\":-1e400,\"f\":-1e39}\n"
      "{\"d\":1e-400,\"f\":-1e-50}\n"
      // The int64 limits.
      "{\"i\":9223372036854775807}\n"
      "{\"i\":-9223372036854775808,\"d\":1E+2,\"f\":0.1}\n"
      // 1 + 2^-24 = 1.000000059604644775390625 is halfway between the floats 1 and 1 + 2^-23;
      // a little above it is 1 + 2^-23 = 1.00000012 (%.9g), though the nearest double is the
      // halfway point itself, which rounds to even (1). Exactly halfway is 1.
      "{\"f\":1.00000005960464477539062500001}\n"
      "{\"f\":1.000000059604644775390625}\n"
      // Integers only: 1.0 and 1e3 are not INT64 text, nor is 2^63.
      "{\"i\":1.0}\n"
      "{\"i\":1e3}\n"
      "{\"i\":9223372036854775808}\n",
      spec);
  EXPECT_EQ(r.rows, (Rows{"0|-0|-0", "NULL|inf|inf", "NULL|-inf|-inf", "NULL|0|-0", "9223372036854775807|NULL|NULL",
                          "-9223372036854775808|100|0.100000001", "NULL|NULL|1.00000012", "NULL|NULL|1"}));
  EXPECT_EQ(r.messages,
            "cam.jsonl:9: column 'i': cannot read '1.0' as INT64\n"
            "cam.jsonl:10: column 'i': cannot read '1e3' as INT64\n"
            "cam.jsonl:11: column 'i': cannot read '9223372036854775808' as INT64\n");
}

TEST(IoJsonlFastPath, UnknownFieldsAreCheckedAsJson) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}});
  const std::vector<BadCase> cases = {
      // Byte positions count from 1: `{"a":1,"x":` is 11 bytes.
      {"{\"a\":1,\"x\":tru}", "invalid JSON at byte 12: invalid literal"},
      {"{\"a\":1,\"x\":1x}", "invalid JSON at byte 13: expected ',' or '}'"},
      {"{\"a\":1,\"x\":01}", "invalid JSON at byte 13: expected ',' or '}'"},
      {"{\"a\":1,\"x\":[1 2]}", "invalid JSON at byte 15: expected ',' or ']'"},
      {"{\"a\":1,\"x\ty\":2}", "invalid JSON at byte 10: control character in a string"},
      {"{\"a\":1}}", "invalid JSON at byte 8: text after the object"},
      // 65 nested arrays: one more than the hand-written parser takes; the 65th '[' is byte 70.
      {"{\"x\":" + std::string(65, '[') + std::string(65, ']') + "}", "invalid JSON at byte 70: nesting too deep"},
  };
  for (const BadCase& c : cases) {
    const Result r = read_jsonl("{\"a\":0}\n" + c.line + "\n{\"a\":5}\n", spec);
    EXPECT_EQ(r.messages, "cam.jsonl:2: " + c.reason + "\n") << "line: " << c.line;
    EXPECT_EQ(r.rows, (Rows{"0", "5"}));
  }
  // 64 nested arrays are within the limit.
  const Result ok = read_jsonl("{\"x\":" + std::string(64, '[') + std::string(64, ']') + ",\"a\":1}\n", spec);
  EXPECT_EQ(ok.rows, (Rows{"1"}));
  EXPECT_EQ(ok.messages, "cam.jsonl:1: warning: ignoring unknown field 'x'\n");
}
