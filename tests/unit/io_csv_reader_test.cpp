// Tests for the CSV reader and the reject sink (runtime/io, LANGUAGE.md §7). Expected rows,
// messages and reasons are written by hand from the spec; timestamps were computed with
// Python's datetime module (2026-11-24T06:31:29.5Z = 1795501889500000000 ns).
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
  bool opened = false;
  std::string error;
  std::vector<std::string> rows;
  InputStats stats;
  std::string messages;
  std::string rejects;
  bool stopped = false;
  uint64_t sink_count = 0;
};

Result read_csv(const std::string& input, const SourceSpec& spec, OnError on_error = OnError::Skip,
                const std::string& name = "camera.csv") {
  Result r;
  std::FILE* in = file_with(input);
  std::FILE* messages = std::tmpfile();
  std::FILE* rejects = std::tmpfile();
  {
    RejectSink sink(messages, rejects, on_error);
    auto reader = open_csv_reader(name, in, spec, sink);
    r.opened = reader->open(&r.error);
    if (r.opened) {
      std::vector<uint8_t> row(spec.layout.size);
      while (reader->next(row.data())) r.rows.push_back(render(row.data(), spec));
    }
    r.stats = reader->stats();
    r.stopped = sink.should_stop();
    r.sink_count = sink.rejected();
    EXPECT_EQ(reader->read_error(), "");
  }
  r.messages = contents(messages);
  r.rejects = contents(rejects);
  std::fclose(in);
  std::fclose(messages);
  std::fclose(rejects);
  EXPECT_EQ(r.stats.accepted + r.stats.rejected, r.stats.read);
  EXPECT_EQ(r.stats.accepted, r.rows.size());
  EXPECT_EQ(r.sink_count, r.stats.rejected);
  return r;
}

using Rows = std::vector<std::string>;

// ------------------------------------------------------------------------------------------
// Well-formed input

TEST(IoCsvReader, ReadsColumnsByNameInAnyOrder) {
  const Result r = read_csv(
      "objects,brightness,ts,frame_id,cam_id\n"
      "3,0.5,1000000000,7,1\n"
      "0,0.25,2026-11-24T06:31:29.5Z,8,2\n",
      camera_spec());
  ASSERT_TRUE(r.opened) << r.error;
  EXPECT_EQ(r.rows, (Rows{"1000000000|1|7|0.5|3", "1795501889500000000|2|8|0.25|0"}));
  EXPECT_EQ(r.stats.read, 2u);
  EXPECT_EQ(r.stats.rejected, 0u);
  EXPECT_EQ(r.messages, "");
  EXPECT_EQ(r.rejects, "");
}

TEST(IoCsvReader, UnquotedEmptyIsNullQuotedEmptyIsEmptyString) {
  const SourceSpec spec = make_spec({{"a", FieldType::String}, {"b", FieldType::String}, {"c", FieldType::Int32}});
  const Result r = read_csv("a,b,c\n,\"\",\n\"\",,5\n", spec);
  EXPECT_EQ(r.rows, (Rows{"NULL|''|NULL", "''|NULL|5"}));
}

TEST(IoCsvReader, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"text", FieldType::String}});
  const Result r = read_csv(
      "id,text\n"
      "1,\"a,b\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"\"\"\"\n"
      "5,plain text\n",
      spec);
  EXPECT_EQ(r.rows, (Rows{"1|'a,b'", "2|'say \"hi\"'", "3|'two\nlines'", "4|'\"'", "5|'plain text'"}));
}

TEST(IoCsvReader, QuotedHeaderNames) {
  const SourceSpec spec = make_spec({{"a,b", FieldType::Int32}, {"q\"", FieldType::Int32}});
  const Result r = read_csv("\"q\"\"\",\"a,b\"\n1,2\n", spec);
  ASSERT_TRUE(r.opened) << r.error;
  EXPECT_EQ(r.rows, (Rows{"2|1"}));
}

TEST(IoCsvReader, CrLfLineEnds) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"text", FieldType::String}});
  const Result r = read_csv("id,text\r\n1,x\r\n2,\"a\r\nb\"\r\n3,\"\"\r\n", spec);
  // A line end inside quotes is part of the value, exactly as written.
  EXPECT_EQ(r.rows, (Rows{"1|'x'", "2|'a\r\nb'", "3|''"}));
}

TEST(IoCsvReader, SkipsUtf8Bom) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"text", FieldType::String}});
  const Result r = read_csv("\xEF\xBB\xBFid,text\n1,\xC3\xA9t\xC3\xA9\n", spec);
  ASSERT_TRUE(r.opened) << r.error;
  EXPECT_EQ(r.rows, (Rows{"1|'\xC3\xA9t\xC3\xA9'"}));
  EXPECT_EQ(r.messages, "");  // `id` was found: the BOM is not part of its name
}

TEST(IoCsvReader, LastLineWithoutLineEnd) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"text", FieldType::String}});
  EXPECT_EQ(read_csv("id,text\n1,a\n2,b", spec).rows, (Rows{"1|'a'", "2|'b'"}));
  EXPECT_EQ(read_csv("id,text\r\n1,a\r\n2,b\r", spec).rows, (Rows{"1|'a'", "2|'b'"}));
}

TEST(IoCsvReader, EmptyLinesAreSkippedAndNotCounted) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"v", FieldType::Int32}});
  // Physical lines: 1 header, 2 empty, 3 "1,1", 4 empty (CRLF), 5 "x,2" (bad), 6 empty.
  const Result r = read_csv("id,v\n\n1,1\n\r\nx,2\n\n", spec);
  EXPECT_EQ(r.rows, (Rows{"1|1"}));
  EXPECT_EQ(r.stats.read, 2u);
  EXPECT_EQ(r.stats.rejected, 1u);
  EXPECT_EQ(r.messages, "camera.csv:5: column 'id': cannot read 'x' as INT32\n");
}

TEST(IoCsvReader, InAOneColumnFileAnEmptyLineIsANullRow) {
  // A writer writes a one-column row whose value is NULL as an empty line: reading it back must
  // give that row, not lose it.
  const SourceSpec spec = make_spec({{"v", FieldType::Int32}});
  const Result r = read_csv("v\n1\n\n2\n", spec);
  EXPECT_EQ(r.rows, (Rows{"1", "NULL", "2"}));
  EXPECT_EQ(r.stats.read, 3u);
}

TEST(IoCsvReader, HeaderOnlyFileHasNoRows) {
  for (const char* input : {"ts,cam_id,frame_id,brightness,objects\n", "ts,cam_id,frame_id,brightness,objects"}) {
    const Result r = read_csv(input, camera_spec());
    EXPECT_TRUE(r.opened) << r.error;
    EXPECT_TRUE(r.rows.empty());
    EXPECT_EQ(r.stats.read, 0u);
    EXPECT_EQ(r.messages, "");
  }
}

TEST(IoCsvReader, EmptyInputIsAnError) {
  const Result r = read_csv("", camera_spec());
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv: empty input, expected a header row");
}

TEST(IoCsvReader, MissingNotNullColumnIsAnError) {
  const Result r = read_csv("cam_id,frame_id,brightness,objects\n1,2,0.5,3\n", camera_spec());
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv: missing column 'ts', which is NOT NULL");

  const SourceSpec two = make_spec({{"a", FieldType::Int32, false}, {"b", FieldType::Int32, false}, {"c", FieldType::Int32}});
  const Result r2 = read_csv("c\n1\n", two, OnError::Skip, "x.csv");
  EXPECT_FALSE(r2.opened);
  EXPECT_EQ(r2.error, "x.csv: missing columns 'a', 'b', which are NOT NULL");
}

TEST(IoCsvReader, MissingNullableColumnIsNullInEveryRow) {
  const Result r = read_csv("ts,frame_id\n1,10\n2,20\n", camera_spec());
  ASSERT_TRUE(r.opened) << r.error;
  EXPECT_EQ(r.rows, (Rows{"1|NULL|10|NULL|NULL", "2|NULL|20|NULL|NULL"}));
  EXPECT_EQ(r.messages, "");
}

TEST(IoCsvReader, UnknownColumnsWarnOnce) {
  const Result r = read_csv("ts,a,cam_id,b\n1,x,1,y\n2,x,2,y\n3,x,3,y\n", camera_spec());
  ASSERT_TRUE(r.opened) << r.error;
  EXPECT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.messages, "camera.csv: warning: ignoring unknown columns 'a', 'b'\n");

  const Result dup = read_csv("a,ts,b,a,c,a\n1,2,3,4,5,6\n", camera_spec());
  EXPECT_EQ(dup.messages, "camera.csv: warning: ignoring unknown columns 'a', 'b', 'c'\n");

  const Result one = read_csv("ts,extra\n1,x\n", camera_spec());
  EXPECT_EQ(one.messages, "camera.csv: warning: ignoring unknown column 'extra'\n");
  EXPECT_EQ(one.rows, (Rows{"1|NULL|NULL|NULL|NULL"}));
}

TEST(IoCsvReader, UnknownColumnValuesAreNotChecked) {
  // An ignored column may hold anything, even what no column type could read.
  const Result r = read_csv("ts,junk\n1,\"a \"\"b\"\"\"\n2,\xFF\n", camera_spec());
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.stats.rejected, 0u);
}

TEST(IoCsvReader, ColumnNamedTwiceIsAnError) {
  const Result r = read_csv("ts,cam_id,cam_id\n1,2,3\n", camera_spec());
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv: column 'cam_id' appears twice in the header");
}

TEST(IoCsvReader, MalformedHeaderIsAnError) {
  Result r = read_csv("ts,\"cam_id\n", camera_spec());
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv:1: malformed header: unterminated quoted field");
  r = read_csv("ts,\"cam\"_id\n", camera_spec());
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv:1: malformed header: field 2: text after the closing quote");
}

TEST(IoCsvReader, NamesMatchExactly) {
  // Identifiers are case-sensitive (LANGUAGE.md): `TS` is not `ts`.
  const Result r = read_csv("TS,cam_id\n1,2\n", camera_spec());
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv: missing column 'ts', which is NOT NULL (did you mean 'ts' for the header's 'TS'?)");
  EXPECT_EQ(r.messages, "camera.csv: warning: ignoring unknown column 'TS'\n");
}

TEST(IoCsvReader, ValuesOfEveryType) {
  const SourceSpec spec = make_spec({{"b", FieldType::Bool},
                                     {"i", FieldType::Int32},
                                     {"l", FieldType::Int64},
                                     {"f", FieldType::Float32},
                                     {"d", FieldType::Float64},
                                     {"t", FieldType::Timestamp},
                                     {"iv", FieldType::Interval},
                                     {"s", FieldType::String, true, 4}});
  const Result r = read_csv(
      "b,i,l,f,d,t,iv,s\n"
      "true,-2147483648,9223372036854775807,1.5,-0.125,0,-50000000,abcd\n"
      "FALSE,+7,-9223372036854775808,-inf,nan,1970-01-02T00:00:00Z,0,\n"
      "1,0,0,1e3,2.5e-1,2026-11-24T08:31:29+02:00,1,\"\"\n"
      "0,1,1,Infinity,1e400,-1,2,x\n"
      "True,2,2,0,0,2000-01-01 00:00:00,3,\"a\"\n",
      spec);
  EXPECT_EQ(r.rows, (Rows{"true|-2147483648|9223372036854775807|1.5|-0.125|0|-50000000|'abcd'",
                          "false|7|-9223372036854775808|-inf|nan|86400000000000|0|NULL",
                          "true|0|0|1000|0.25|1795501889000000000|1|''",
                          "false|1|1|inf|inf|-1|2|'x'",
                          "true|2|2|0|0|946684800000000000|3|'a'"}));
  EXPECT_EQ(r.stats.rejected, 0u);
}

TEST(IoCsvReader, RowIsFullyOverwritten) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}, {"b", FieldType::String}});
  std::FILE* in = file_with("a,b\n1,x\n");
  RejectSink sink(nullptr);
  auto reader = open_csv_reader("t.csv", in, spec, sink);
  std::string error;
  ASSERT_TRUE(reader->open(&error));
  std::vector<uint8_t> row(spec.layout.size, 0xFF);  // every null bit set, garbage values
  ASSERT_TRUE(reader->next(row.data()));
  EXPECT_EQ(render(row.data(), spec), "1|'x'");
  EXPECT_FALSE(reader->next(row.data()));
  std::fclose(in);
}

// ------------------------------------------------------------------------------------------
// Malformed records: each reason, exactly

struct BadCase {
  std::string record;  // one data record after the camera header
  std::string reason;
};

TEST(IoCsvReader, MalformedReasons) {
  const std::vector<BadCase> cases = {
      {"1,2,3,0.5\n", "expected 5 fields, found 4"},
      {"1,2,3,0.5,4,5\n", "expected 5 fields, found 6"},
      {"1,2,3,abc,4\n", "column 'brightness': cannot read 'abc' as FLOAT32"},
      {"1,2,3, 0.5,4\n", "column 'brightness': cannot read ' 0.5' as FLOAT32"},
      {"1,2147483648,3,0.5,4\n", "column 'cam_id': cannot read '2147483648' as INT32"},
      {"1,2,3.0,0.5,4\n", "column 'frame_id': cannot read '3.0' as INT64"},
      {"yesterday,2,3,0.5,4\n", "column 'ts': cannot read 'yesterday' as TIMESTAMP"},
      {"2026-02-30T00:00:00Z,2,3,0.5,4\n", "column 'ts': cannot read '2026-02-30T00:00:00Z' as TIMESTAMP"},
      {",2,3,0.5,4\n", "column 'ts': NULL in a NOT NULL column"},
      {"\"\",2,3,0.5,4\n", "column 'ts': cannot read '' as TIMESTAMP"},
      {"1,\"2\"x,3,0.5,4\n", "column 'cam_id': text after the closing quote"},
      {"1,2\"x,3,0.5,4\n", "column 'cam_id': quote inside an unquoted field"},
      {"1,2,3,0.5,4,\"a\"b\n", "field 6: text after the closing quote"},
  };
  for (const BadCase& c : cases) {
    const Result r = read_csv("ts,cam_id,frame_id,brightness,objects\n" + c.record + "5,1,1,1,1\n", camera_spec());
    EXPECT_EQ(r.messages, "camera.csv:2: " + c.reason + "\n") << "record: " << c.record;
    EXPECT_EQ(r.rejects, c.record);
    EXPECT_EQ(r.rows, (Rows{"5|1|1|1|1"})) << "the next record is still read";
    EXPECT_EQ(r.stats.read, 2u);
    EXPECT_EQ(r.stats.rejected, 1u);
  }
}

TEST(IoCsvReader, FieldCountSingular) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}});
  EXPECT_EQ(read_csv("a\n1,2\n", spec).messages, "camera.csv:2: expected 1 field, found 2\n");
}

TEST(IoCsvReader, OtherTypeNamesInReasons) {
  const SourceSpec spec = make_spec({{"b", FieldType::Bool},
                                     {"d", FieldType::Float64},
                                     {"iv", FieldType::Interval},
                                     {"s", FieldType::String, true, 16},
                                     {"u", FieldType::String}});
  const std::string header = "b,d,iv,s,u\n";
  EXPECT_EQ(read_csv(header + "yes,1,1,a,a\n", spec).messages, "camera.csv:2: column 'b': cannot read 'yes' as BOOL\n");
  EXPECT_EQ(read_csv(header + "true,1.5.1,1,a,a\n", spec).messages,
            "camera.csv:2: column 'd': cannot read '1.5.1' as FLOAT64\n");
  EXPECT_EQ(read_csv(header + "true,1,50ms,a,a\n", spec).messages,
            "camera.csv:2: column 'iv': cannot read '50ms' as INTERVAL\n");
  EXPECT_EQ(read_csv(header + "true,1,1,abcdefghijklmnopqrstuvw,a\n", spec).messages,
            "camera.csv:2: column 's': 23 bytes do not fit STRING(16)\n");
  // Exactly n bytes fit; the limit counts bytes, not characters (é is two bytes).
  EXPECT_EQ(read_csv(header + "true,1,1,abcdefghijklmnop,a\n", spec).stats.accepted, 1u);
  EXPECT_EQ(read_csv(header + "true,1,1,\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9,a\n", spec).messages,
            "camera.csv:2: column 's': 18 bytes do not fit STRING(16)\n");
  EXPECT_EQ(read_csv(header + "true,1,1,a,\xC3(\n", spec).messages, "camera.csv:2: column 'u': invalid UTF-8\n");
}

TEST(IoCsvReader, UnprintableValuesAreEscapedInMessages) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}, {"b", FieldType::Int32}});
  const Result r = read_csv("a,b\n\"1\n2\",\"\t\x01\"\n", spec);
  EXPECT_EQ(r.messages, "camera.csv:2: column 'a': cannot read '1\\n2' as INT32\n");
  const std::string longer(100, '9');
  const Result r2 = read_csv("a,b\n1," + longer + "\n", spec);
  EXPECT_EQ(r2.messages, "camera.csv:2: column 'b': cannot read '" + std::string(48, '9') + "...' as INT32\n");
}

TEST(IoCsvReader, FirstProblemOfARecordIsReported) {
  // Fields are checked left to right; one message per record.
  const Result r = read_csv("ts,cam_id,frame_id,brightness,objects\n1,x,y,z,w\n", camera_spec());
  EXPECT_EQ(r.messages, "camera.csv:2: column 'cam_id': cannot read 'x' as INT32\n");
}

TEST(IoCsvReader, MultiLineRecordsAreReportedAtTheirFirstLine) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32, false}, {"text", FieldType::String}});
  const std::string bad_record = "x,\"first\nsecond\nthird\"\n";
  const Result r = read_csv(
      "id,text\n"          // line 1
      "1,\"a\nb\"\n"       // lines 2-3
      + bad_record +       // lines 4-6
      "2,\"c\"d\n"         // line 7
      "3,ok\n"             // line 8
      "4,\"e\r\nf\",9\r\n" // lines 9-10
      ",\"g\n\"\n",        // lines 11-12
      spec);
  EXPECT_EQ(r.rows, (Rows{"1|'a\nb'", "3|'ok'"}));
  EXPECT_EQ(r.messages,
            "camera.csv:4: column 'id': cannot read 'x' as INT32\n"
            "camera.csv:7: column 'text': text after the closing quote\n"
            "camera.csv:9: expected 2 fields, found 3\n"
            "camera.csv:11: column 'id': NULL in a NOT NULL column\n");
  // The rejects file holds each record as it was, its line ends (CRLF too) included.
  EXPECT_EQ(r.rejects, bad_record + "2,\"c\"d\n4,\"e\r\nf\",9\r\n,\"g\n\"\n");
  EXPECT_EQ(r.stats.read, 6u);
  EXPECT_EQ(r.stats.accepted, 2u);
  EXPECT_EQ(r.stats.rejected, 4u);
}

TEST(IoCsvReader, UnterminatedQuoteAtEndOfInput) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"text", FieldType::String}});
  const Result r = read_csv("id,text\n1,a\n2,\"open\n3,c\n4,d\n", spec);
  EXPECT_EQ(r.rows, (Rows{"1|'a'"}));
  EXPECT_EQ(r.messages, "camera.csv:3: unterminated quoted field\n");
  // Everything from the opening line to the end of input is that one record.
  EXPECT_EQ(r.rejects, "2,\"open\n3,c\n4,d\n");
  EXPECT_EQ(r.stats.read, 2u);
  EXPECT_EQ(r.stats.rejected, 1u);
}

TEST(IoCsvReader, RejectsFileGetsALineEndForTheLastRecord) {
  const SourceSpec spec = make_spec({{"id", FieldType::Int32}});
  const Result r = read_csv("id\nx\ny", spec);
  EXPECT_EQ(r.rejects, "x\ny\n");
  EXPECT_EQ(r.messages, "camera.csv:2: column 'id': cannot read 'x' as INT32\ncamera.csv:3: column 'id': cannot read 'y' as INT32\n");
}

TEST(IoCsvReader, FailFastStopsAtTheFirstMalformedRecord) {
  const Result r = read_csv("ts,cam_id\n1,1\n2,x\n3,3\n4,y\n", camera_spec(), OnError::Fail);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.rows, (Rows{"1|1|NULL|NULL|NULL"}));
  EXPECT_EQ(r.messages, "camera.csv:3: column 'cam_id': cannot read 'x' as INT32\n");
  EXPECT_EQ(r.rejects, "2,x\n");
  EXPECT_EQ(r.stats.read, 2u);
  EXPECT_EQ(r.stats.rejected, 1u);

  const Result skip = read_csv("ts,cam_id\n1,1\n2,x\n3,3\n4,y\n", camera_spec(), OnError::Skip);
  EXPECT_FALSE(skip.stopped);
  EXPECT_EQ(skip.rows.size(), 2u);
  EXPECT_EQ(skip.stats.rejected, 2u);
}

TEST(IoCsvReader, FailFastStopsOtherReadersOfTheSink) {
  const SourceSpec spec = make_spec({{"a", FieldType::Int32}});
  std::FILE* in1 = file_with("a\nbad\n1\n");
  std::FILE* in2 = file_with("a\n2\n3\n");
  RejectSink sink(nullptr, nullptr, OnError::Fail);
  auto r1 = open_csv_reader("one.csv", in1, spec, sink);
  auto r2 = open_csv_reader("two.csv", in2, spec, sink);
  std::string error;
  ASSERT_TRUE(r1->open(&error));
  ASSERT_TRUE(r2->open(&error));
  std::vector<uint8_t> row(spec.layout.size);
  EXPECT_TRUE(r2->next(row.data()));
  EXPECT_FALSE(r1->next(row.data()));
  EXPECT_TRUE(sink.should_stop());
  EXPECT_FALSE(r2->next(row.data()));
  std::fclose(in1);
  std::fclose(in2);
}

TEST(IoCsvReader, StringsStayValidUntilTheNextCall) {
  const SourceSpec spec = make_spec({{"a", FieldType::String}, {"b", FieldType::String}, {"c", FieldType::String}});
  std::FILE* in = file_with("a,b,c\n\"x\"\"1\",\"y\"\"2\",z\n");
  RejectSink sink(nullptr);
  auto reader = open_csv_reader("t.csv", in, spec, sink);
  std::string error;
  ASSERT_TRUE(reader->open(&error));
  std::vector<uint8_t> row(spec.layout.size);
  ASSERT_TRUE(reader->next(row.data()));
  // Two unescaped values in one row must not overwrite each other.
  EXPECT_EQ(render(row.data(), spec), "'x\"1'|'y\"2'|'z'");
  std::fclose(in);
}

TEST(IoCsvReader, UnreadableInput) {
  std::FILE* dir = std::fopen("/", "r");
  ASSERT_NE(dir, nullptr);
  RejectSink sink(nullptr);
  auto reader = open_csv_reader("/", dir, camera_spec(), sink);
  std::string error;
  EXPECT_FALSE(reader->open(&error));
  EXPECT_EQ(error, "/: cannot read: Is a directory");
  std::fclose(dir);
}

// ------------------------------------------------------------------------------------------
// RejectSink

TEST(IoCsvRejectSink, FormatsMessagesAndCounts) {
  std::FILE* messages = std::tmpfile();
  std::FILE* rejects = std::tmpfile();
  RejectSink sink(messages, rejects);
  sink.reject("<stdin>", 12, "expected 5 fields, found 4", "a,b\r\n");
  sink.warn("cam.jsonl", 3, "ignoring unknown field 'x'");
  sink.warn("cam.csv", 0, "ignoring unknown column 'y'");
  sink.reject("cam.csv", 7, "unterminated quoted field", "\"abc");
  EXPECT_EQ(sink.rejected(), 2u);
  EXPECT_FALSE(sink.should_stop());
  EXPECT_TRUE(sink.rejects_ok());
  EXPECT_EQ(contents(messages),
            "<stdin>:12: expected 5 fields, found 4\n"
            "cam.jsonl:3: warning: ignoring unknown field 'x'\n"
            "cam.csv: warning: ignoring unknown column 'y'\n"
            "cam.csv:7: unterminated quoted field\n");
  EXPECT_EQ(contents(rejects), "a,b\r\n\"abc\n");
  std::fclose(messages);
  std::fclose(rejects);
}

TEST(IoCsvRejectSink, FailModeAsksToStop) {
  RejectSink sink(nullptr, nullptr, OnError::Fail);
  EXPECT_FALSE(sink.should_stop());
  sink.reject("f", 1, "r", "x\n");
  EXPECT_TRUE(sink.should_stop());
}

TEST(IoCsvRejectSink, StdinDisplayName) {
  EXPECT_EQ(display_name_for_path("-"), "<stdin>");
  EXPECT_EQ(display_name_for_path("data/camera.csv"), "data/camera.csv");
  EXPECT_EQ(kStdinDisplayName, "<stdin>");
}

// ------------------------------------------------------------------------------------------
// Columns nothing reads (SourceSpec::read_columns, from prune-source-columns)

SourceSpec camera_reading(std::vector<bool> read) {
  SourceSpec spec = camera_spec();
  spec.read_columns = std::move(read);
  return spec;
}

/// `rows` with the fields of unread columns replaced by NULL.
Rows with_unread_null(const Rows& rows, const std::vector<bool>& read) {
  Rows out;
  for (const std::string& row : rows) {
    std::string masked;
    size_t begin = 0;
    for (size_t i = 0; i < read.size(); ++i) {
      size_t end = row.find('|', begin);
      if (end == std::string::npos) end = row.size();
      masked += (i ? "|" : "") + (read[i] ? row.substr(begin, end - begin) : std::string("NULL"));
      begin = end + 1;
    }
    out.push_back(masked);
  }
  return out;
}

TEST(IoCsvColumnMask, ReadColumnsAreThoseOfTheUnmaskedReadSkippedOnesNull) {
  // Quoted values, an escaped quote, a quoted line end, CRLF and a BOM, in read and unread
  // columns alike.
  const std::string input =
      "\xEF\xBB\xBFobjects,brightness,ts,frame_id,cam_id\r\n"
      "3,0.5,1000000000,7,1\r\n"
      "\"0\",\"0.25\",2026-11-24T06:31:29.5Z,\"8\",\"2\"\r\n"
      ",,5,,\n"
      "4,1.5,6,\"9\",\"3\"\n";
  for (const std::vector<bool>& read : {std::vector<bool>{true, true, false, true, true},
                                        std::vector<bool>{true, false, false, false, true},
                                        std::vector<bool>{true, false, false, false, false}}) {
    const Result all = read_csv(input, camera_spec());
    const Result masked = read_csv(input, camera_reading(read));
    ASSERT_TRUE(masked.opened) << masked.error;
    EXPECT_EQ(masked.rows, with_unread_null(all.rows, read));
    EXPECT_EQ(masked.stats.read, 4u);
    EXPECT_EQ(masked.stats.rejected, 0u);
    EXPECT_EQ(masked.messages, "");
  }
  // Written out for the first mask (frame_id unread): ts|cam_id|frame_id|brightness|objects.
  EXPECT_EQ(read_csv(input, camera_reading({true, true, false, true, true})).rows,
            (Rows{"1000000000|1|NULL|0.5|3", "1795501889500000000|2|NULL|0.25|0", "5|NULL|NULL|NULL|NULL",
                  "6|3|NULL|1.5|4"}));
}

TEST(IoCsvColumnMask, BadValuesInUnreadColumnsAreNotConverted) {
  // frame_id (nullable) and ts (NOT NULL) unread: a value that is no INT64, and an empty ts,
  // are accepted; the unread NOT NULL slot stays zero, the nullable one NULL.
  const Result r = read_csv("ts,cam_id,frame_id,brightness,objects\n1,2,abc,0.5,4\n,2,3.0,0.5,4\n",
                            camera_reading({false, true, false, true, true}));
  EXPECT_EQ(r.rows, (Rows{"0|2|NULL|0.5|4", "0|2|NULL|0.5|4"}));
  EXPECT_EQ(r.messages, "");
  // Unoptimised (every column read) both are rejects.
  EXPECT_EQ(read_csv("ts,cam_id,frame_id,brightness,objects\n1,2,abc,0.5,4\n", camera_spec()).messages,
            "camera.csv:2: column 'frame_id': cannot read 'abc' as INT64\n");
}

TEST(IoCsvColumnMask, AnUnreadNotNullStringIsTheEmptyString) {
  // A valid (empty) string, never a null pointer, for code that touches the field anyway.
  SourceSpec spec = make_spec({{"id", FieldType::Int32}, {"s", FieldType::String, false}});
  spec.read_columns = {true, false};
  EXPECT_EQ(read_csv("id,s\n1,abc\n2,\n", spec).rows, (Rows{"1|''", "2|''"}));
}

TEST(IoCsvColumnMask, RecordsAreStillCheckedForFieldCountAndQuoting) {
  // Only ts and cam_id are read; every reason below is the unmasked reader's (MalformedReasons).
  const std::vector<BadCase> cases = {
      {"1,2,3,0.5\n", "expected 5 fields, found 4"},
      {"1,2,3,0.5,4,5\n", "expected 5 fields, found 6"},
      {"1,2,3\"x,0.5,4\n", "column 'frame_id': quote inside an unquoted field"},
      {"1,2,3,\"0.5\"x,4\n", "column 'brightness': text after the closing quote"},
      {"1,x,3,0.5,4\n", "column 'cam_id': cannot read 'x' as INT32"},
      {",2,3,0.5,4\n", "column 'ts': NULL in a NOT NULL column"},
  };
  for (const BadCase& c : cases) {
    const Result r = read_csv("ts,cam_id,frame_id,brightness,objects\n" + c.record + "5,1,1,1,1\n",
                              camera_reading({true, true, false, false, false}));
    EXPECT_EQ(r.messages, "camera.csv:2: " + c.reason + "\n") << "record: " << c.record;
    EXPECT_EQ(r.rejects, c.record);
    EXPECT_EQ(r.rows, (Rows{"5|1|NULL|NULL|NULL"}));
    EXPECT_EQ(r.stats.rejected, 1u);
  }
  // Multi-line records keep their first line's number, an unterminated quote stays a reject.
  const SourceSpec spec = [] {
    SourceSpec s = make_spec({{"id", FieldType::Int32, false}, {"text", FieldType::String}});
    s.read_columns = {true, false};
    return s;
  }();
  const Result r = read_csv("id,text\n1,\"a\nb\"\nx,\"c\nd\"\n2,\"c\"d\n3,\"e\r\nf\",9\r\n4,\"open\n", spec);
  EXPECT_EQ(r.rows, (Rows{"1|NULL"}));
  EXPECT_EQ(r.messages,
            "camera.csv:4: column 'id': cannot read 'x' as INT32\n"
            "camera.csv:6: column 'text': text after the closing quote\n"
            "camera.csv:7: expected 2 fields, found 3\n"
            "camera.csv:9: unterminated quoted field\n");
}

TEST(IoCsvColumnMask, HeaderChecksAreUnchanged) {
  // A NOT NULL column missing from the header is an error even when nothing reads it.
  const Result r = read_csv("cam_id,frame_id\n1,2\n", camera_reading({false, true, true, true, true}));
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "camera.csv: missing column 'ts', which is NOT NULL");
}

}  // namespace
