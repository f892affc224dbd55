// Tests for the row writers (runtime/io/row_writer.h, LANGUAGE.md §7). Expected output is
// written by hand from the spec; 1795501889500000000 ns = 2026-11-24T06:31:29.5Z and
// 946684800000000000 ns = 2000-01-01T00:00:00Z (Python's datetime).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "io_test_support.h"

namespace {

using namespace vlac::rt;

using vlac::rt::io_test::contents;

const std::vector<std::string> kNames = {"b", "i", "l", "f", "d", "t", "iv", "s"};

RowLayout all_types_layout() {
  return RowLayout::make({{FieldType::Bool, true, 0},
                          {FieldType::Int32, true, 0},
                          {FieldType::Int64, true, 0},
                          {FieldType::Float32, true, 0},
                          {FieldType::Float64, true, 0},
                          {FieldType::Timestamp, true, 0},
                          {FieldType::Interval, true, 0},
                          {FieldType::String, true, 0}});
}

struct Values {
  bool b;
  int32_t i;
  int64_t l;
  float f;
  double d;
  int64_t t;
  int64_t iv;
  std::string s;
};

std::vector<uint8_t> make_row(const RowLayout& layout, const Values& v, const std::string* s_storage) {
  std::vector<uint8_t> row(layout.size, 0);
  const auto& fs = layout.fields;
  put(row.data(), fs[0], v.b);
  put(row.data(), fs[1], v.i);
  put(row.data(), fs[2], v.l);
  put(row.data(), fs[3], v.f);
  put(row.data(), fs[4], v.d);
  put(row.data(), fs[5], v.t);
  put(row.data(), fs[6], v.iv);
  put(row.data(), fs[7], StringRef{s_storage->data(), static_cast<uint32_t>(s_storage->size())});
  return row;
}

std::vector<uint8_t> null_row(const RowLayout& layout) {
  std::vector<uint8_t> row(layout.size, 0);
  for (const Field& f : layout.fields) set_null(row.data(), f, true);
  return row;
}

const float kNanF = std::numeric_limits<float>::quiet_NaN();
const float kInfF = std::numeric_limits<float>::infinity();
const double kInf = std::numeric_limits<double>::infinity();

// The rows every format is tested with (string storage must outlive the rows).
struct Fixture {
  RowLayout layout = all_types_layout();
  std::vector<Values> values = {
      {true, -5, INT64_MAX, 0.1f, 0.1, 1795501889500000000, -50000000, "plain"},
      {false, 0, -1, kNanF, -0.0, 0, 0, ""},
      {true, INT32_MAX, 0, kInfF, -kInf, 946684800000000000, 1, "say \"hi\",\nbye"},
      {false, INT32_MIN, INT64_MIN, -0.0f, 1e-7, -1, 2, "a\rb"},
      {true, 3, 4, 16777216.0f, 1e20, 1000000, 5, "x"},
      {false, 6, 7, 1.5f, 2.0, 8, 9, "\xC3\xA9/\\\x01\x1f\x7f"},
  };
  std::vector<std::vector<uint8_t>> rows;
  Fixture() {
    for (const Values& v : values) rows.push_back(make_row(layout, v, &v.s));
    rows.insert(rows.begin() + 1, null_row(layout));
  }
};

std::string write_all(const Fixture& fx, WriterOptions options) {
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, kNames, fx.layout, options);
  for (const auto& row : fx.rows) w->write(row.data());
  w->finish();
  const std::string text = contents(out);
  EXPECT_EQ(w->bytes_written(), text.size());
  std::fclose(out);
  return text;
}

TEST(IoWriterCsv, EveryType) {
  Fixture fx;
  EXPECT_EQ(write_all(fx, {OutputFormat::Csv, false}),
            "b,i,l,f,d,t,iv,s\n"
            "true,-5,9223372036854775807,0.1,0.1,2026-11-24T06:31:29.5Z,-50000000,plain\n"
            ",,,,,,,\n"
            "false,0,-1,NaN,-0,1970-01-01T00:00:00Z,0,\"\"\n"
            "true,2147483647,0,Infinity,-Infinity,2000-01-01T00:00:00Z,1,\"say \"\"hi\"\",\nbye\"\n"
            "false,-2147483648,-9223372036854775808,-0,1e-07,1969-12-31T23:59:59.999999999Z,2,\"a\rb\"\n"
            "true,3,4,16777216,1e+20,1970-01-01T00:00:00.001Z,5,x\n"
            "false,6,7,1.5,2,1970-01-01T00:00:00.000000008Z,9,\xC3\xA9/\\\x01\x1f\x7f\n");
}

TEST(IoWriterCsv, TimestampsAsNanoseconds) {
  Fixture fx;
  EXPECT_EQ(write_all(fx, {OutputFormat::Csv, true}),
            "b,i,l,f,d,t,iv,s\n"
            "true,-5,9223372036854775807,0.1,0.1,1795501889500000000,-50000000,plain\n"
            ",,,,,,,\n"
            "false,0,-1,NaN,-0,0,0,\"\"\n"
            "true,2147483647,0,Infinity,-Infinity,946684800000000000,1,\"say \"\"hi\"\",\nbye\"\n"
            "false,-2147483648,-9223372036854775808,-0,1e-07,-1,2,\"a\rb\"\n"
            "true,3,4,16777216,1e+20,1000000,5,x\n"
            "false,6,7,1.5,2,8,9,\xC3\xA9/\\\x01\x1f\x7f\n");
}

TEST(IoWriterCsv, HeaderOnceEvenWithoutRows) {
  const RowLayout layout = RowLayout::make({{FieldType::Int32, true, 0}, {FieldType::String, true, 0}, {FieldType::Int32, true, 0}});
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"a,b", "say \"x\"", "plain"}, layout, {});
  w->flush();
  w->finish();
  w->finish();
  EXPECT_EQ(contents(out), "\"a,b\",\"say \"\"x\"\"\",plain\n");
  std::fclose(out);
}

TEST(IoWriterCsv, FlushWritesWhatIsBuffered) {
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}});
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"n"}, layout, {});
  std::vector<uint8_t> row(layout.size, 0);
  put(row.data(), layout.fields[0], int32_t{42});
  w->write(row.data());
  w->flush();
  EXPECT_EQ(contents(out), "n\n42\n");
  EXPECT_EQ(w->bytes_written(), 5u);
  std::fseek(out, 0, SEEK_END);
  w->write(row.data());
  w->finish();
  EXPECT_EQ(contents(out), "n\n42\n42\n");
  EXPECT_EQ(w->bytes_written(), 8u);
  std::fclose(out);
}

TEST(IoWriterCsv, ResumeAppendsRowsWithoutASecondHeader) {
  // A restored run (LANGUAGE.md §10) appends to an output that holds the header and the rows
  // written before the snapshot: the file must read as if one run had written it.
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}});
  std::FILE* out = std::tmpfile();
  std::fputs("n\n1\n", out);  // what the first run wrote
  WriterOptions options;
  options.resume = true;
  auto w = make_row_writer(out, {"n"}, layout, options);
  std::vector<uint8_t> row(layout.size, 0);
  put(row.data(), layout.fields[0], int32_t{42});
  w->write(row.data());
  w->finish();
  EXPECT_EQ(contents(out), "n\n1\n42\n");
  EXPECT_EQ(w->bytes_written(), 3u);  // "42\n": counted from 0, as every writer counts
  std::fclose(out);
  // No row after the snapshot: nothing at all, not even the header.
  std::FILE* empty = std::tmpfile();
  auto none = make_row_writer(empty, {"n"}, layout, options);
  none->finish();
  EXPECT_EQ(contents(empty), "");
  EXPECT_EQ(none->bytes_written(), 0u);
  std::fclose(empty);
}

TEST(IoWriterJsonl, ResumeWritesTheSameRows) {
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}});
  for (bool resume : {false, true}) {
    std::FILE* out = std::tmpfile();
    WriterOptions options{OutputFormat::Jsonl, false};
    options.resume = resume;
    auto w = make_row_writer(out, {"a"}, layout, options);
    std::vector<uint8_t> row(layout.size, 0);
    put(row.data(), layout.fields[0], int32_t{7});
    w->write(row.data());
    w->finish();
    EXPECT_EQ(contents(out), "{\"a\":7}\n");
    EXPECT_EQ(w->bytes_written(), 8u);
    std::fclose(out);
  }
}

TEST(IoWriterCsv, LargeOutputIsWrittenInPieces) {
  const RowLayout layout = RowLayout::make({{FieldType::Int64, false, 0}});
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"n"}, layout, {});
  std::vector<uint8_t> row(layout.size, 0);
  std::string expected = "n\n";
  for (int64_t k = 0; k < 100000; ++k) {
    put(row.data(), layout.fields[0], k * 1000003);
    w->write(row.data());
    expected += std::to_string(k * 1000003) + "\n";
  }
  EXPECT_GT(w->bytes_written(), 0u) << "a full buffer goes out before finish()";
  w->finish();
  EXPECT_EQ(contents(out), expected);
  std::fclose(out);
}

TEST(IoWriterCsv, RowLargerThanTheBuffer) {
  // A 1 MiB string, quoted (it has a quote in it): more than the writer's 256 KiB buffer, so
  // the buffer grows for that row; the rows around it are whole.
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}, {FieldType::String, false, 0}});
  const std::string big = "\"" + std::string(1 << 20, 'q');
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"n", "s"}, layout, {});
  std::vector<uint8_t> row(layout.size, 0);
  for (int32_t n = 1; n <= 3; ++n) {
    put(row.data(), layout.fields[0], n);
    const std::string& s = n == 2 ? big : std::string("x");
    put(row.data(), layout.fields[1], StringRef{s.data(), static_cast<uint32_t>(s.size())});
    w->write(row.data());
  }
  w->finish();
  EXPECT_EQ(contents(out), "n,s\n1,x\n2,\"\"\"" + std::string(1 << 20, 'q') + "\"\n3,x\n");
  std::fclose(out);
}

TEST(IoWriterJsonl, RowLargerThanTheBuffer) {
  // 100000 control characters become 600000 bytes of \u0001 escapes in one row.
  const RowLayout layout = RowLayout::make({{FieldType::String, false, 0}});
  const std::string ctl(100000, '\x01');
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"s"}, layout, {OutputFormat::Jsonl, false});
  std::vector<uint8_t> row(layout.size, 0);
  put(row.data(), layout.fields[0], StringRef{ctl.data(), static_cast<uint32_t>(ctl.size())});
  w->write(row.data());
  w->finish();
  std::string expected = "{\"s\":\"";
  for (int i = 0; i < 100000; ++i) expected += "\\u0001";
  EXPECT_EQ(contents(out), expected + "\"}\n");
  EXPECT_EQ(w->bytes_written(), expected.size() + 3);
  std::fclose(out);
}

TEST(IoWriterJsonl, EveryType) {
  Fixture fx;
  EXPECT_EQ(write_all(fx, {OutputFormat::Jsonl, false}),
            "{\"b\":true,\"i\":-5,\"l\":9223372036854775807,\"f\":0.1,\"d\":0.1,\"t\":\"2026-11-24T06:31:29.5Z\","
            "\"iv\":-50000000,\"s\":\"plain\"}\n"
            "{\"b\":null,\"i\":null,\"l\":null,\"f\":null,\"d\":null,\"t\":null,\"iv\":null,\"s\":null}\n"
            "{\"b\":false,\"i\":0,\"l\":-1,\"f\":\"NaN\",\"d\":-0,\"t\":\"1970-01-01T00:00:00Z\",\"iv\":0,\"s\":\"\"}\n"
            "{\"b\":true,\"i\":2147483647,\"l\":0,\"f\":\"Infinity\",\"d\":\"-Infinity\",\"t\":\"2000-01-01T00:00:00Z\","
            "\"iv\":1,\"s\":\"say \\\"hi\\\",\\u000abye\"}\n"
            "{\"b\":false,\"i\":-2147483648,\"l\":-9223372036854775808,\"f\":-0,\"d\":1e-07,"
            "\"t\":\"1969-12-31T23:59:59.999999999Z\",\"iv\":2,\"s\":\"a\\u000db\"}\n"
            "{\"b\":true,\"i\":3,\"l\":4,\"f\":16777216,\"d\":1e+20,\"t\":\"1970-01-01T00:00:00.001Z\",\"iv\":5,\"s\":\"x\"}\n"
            "{\"b\":false,\"i\":6,\"l\":7,\"f\":1.5,\"d\":2,\"t\":\"1970-01-01T00:00:00.000000008Z\",\"iv\":9,"
            "\"s\":\"\xC3\xA9/\\\\\\u0001\\u001f\x7f\"}\n");
}

TEST(IoWriterJsonl, TimestampsAsNanoseconds) {
  Fixture fx;
  const std::string text = write_all(fx, {OutputFormat::Jsonl, true});
  EXPECT_NE(text.find("\"t\":1795501889500000000,"), std::string::npos);
  EXPECT_NE(text.find("\"t\":-1,"), std::string::npos);
  EXPECT_NE(text.find("\"t\":null,"), std::string::npos);
  EXPECT_EQ(text.find("Z\""), std::string::npos);
}

TEST(IoWriterJsonl, KeysAreEscaped) {
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}, {FieldType::Int32, false, 0}});
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"a\"b", "c\\d"}, layout, {OutputFormat::Jsonl, false});
  std::vector<uint8_t> row(layout.size, 0);
  w->write(row.data());
  w->finish();
  EXPECT_EQ(contents(out), "{\"a\\\"b\":0,\"c\\\\d\":0}\n");
  std::fclose(out);
}

TEST(IoWriterJsonl, NoRowsNoOutput) {
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}});
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"a"}, layout, {OutputFormat::Jsonl, false});
  w->finish();
  EXPECT_EQ(contents(out), "");
  EXPECT_EQ(w->bytes_written(), 0u);
  std::fclose(out);
}

TEST(IoWriterTable, AlignedWithFooter) {
  const RowLayout layout = RowLayout::make({{FieldType::String, true, 0},
                                            {FieldType::Int32, true, 0},
                                            {FieldType::Float64, true, 0},
                                            {FieldType::Timestamp, true, 0}});
  const auto& fs = layout.fields;
  const std::string cam = "cam", ab = "a\nb";
  std::vector<uint8_t> r1(layout.size, 0), r2(layout.size, 0), r3(layout.size, 0);
  put(r1.data(), fs[0], StringRef{cam.data(), 3});
  put(r1.data(), fs[1], int32_t{1});
  put(r1.data(), fs[2], 0.5);
  put(r1.data(), fs[3], int64_t{0});
  set_null(r2.data(), fs[0], true);
  put(r2.data(), fs[1], int32_t{-12});
  set_null(r2.data(), fs[2], true);
  put(r2.data(), fs[3], int64_t{1795501889500000000});
  put(r3.data(), fs[0], StringRef{ab.data(), 3});
  set_null(r3.data(), fs[1], true);
  put(r3.data(), fs[2], 100.0);
  put(r3.data(), fs[3], int64_t{-1});

  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"name", "n", "x", "t"}, layout, {OutputFormat::Table, false});
  w->write(r1.data());
  w->write(r2.data());
  w->flush();
  EXPECT_EQ(contents(out), "") << "a table is printed only at the end";
  w->write(r3.data());
  w->finish();
  const std::string expected =
      "name     n     x  t\n"
      "----  ----  ----  ------------------------------\n"
      "cam      1   0.5  1970-01-01T00:00:00Z\n"
      "NULL   -12  NULL  2026-11-24T06:31:29.5Z\n"
      "a\\nb  NULL   100  1969-12-31T23:59:59.999999999Z\n"
      "(3 rows)\n";
  EXPECT_EQ(contents(out), expected);
  EXPECT_EQ(w->bytes_written(), expected.size());
  std::fclose(out);
}

TEST(IoWriterTable, OneRowAndNoRows) {
  const RowLayout layout = RowLayout::make({{FieldType::Int64, false, 0}, {FieldType::String, false, 0}});
  const std::string word = "h\xC3\xA9llo";  // 5 characters, 6 bytes: width counts characters
  std::vector<uint8_t> row(layout.size, 0);
  put(row.data(), layout.fields[0], int64_t{7});
  put(row.data(), layout.fields[1], StringRef{word.data(), 6});
  {
    std::FILE* out = std::tmpfile();
    auto w = make_row_writer(out, {"count", "word"}, layout, {OutputFormat::Table, false});
    w->write(row.data());
    w->finish();
    EXPECT_EQ(contents(out),
              "count  word\n"
              "-----  -----\n"
              "    7  h\xC3\xA9llo\n"
              "(1 row)\n");
    std::fclose(out);
  }
  {
    std::FILE* out = std::tmpfile();
    auto w = make_row_writer(out, {"count", "word"}, layout, {OutputFormat::Table, true});
    w->finish();
    EXPECT_EQ(contents(out),
              "count  word\n"
              "-----  ----\n"
              "(0 rows)\n");
    std::fclose(out);
  }
}

TEST(IoWriterTable, NoBlanksAtALineEnd) {
  // An empty last cell (the empty string) ends the line after the cell before it: not after
  // that cell's padding and the separator ("a" + " " + "  " before). The REPL's tables are the
  // same writer and always looked so.
  const RowLayout layout = RowLayout::make({{FieldType::String, false, 0}, {FieldType::String, false, 0}});
  const std::string a = "a", bb = "bb", x = "x";
  std::vector<uint8_t> r1(layout.size, 0), r2(layout.size, 0);
  put(r1.data(), layout.fields[0], StringRef{a.data(), 1});
  put(r1.data(), layout.fields[1], StringRef{a.data(), 0});
  put(r2.data(), layout.fields[0], StringRef{bb.data(), 2});
  put(r2.data(), layout.fields[1], StringRef{x.data(), 1});
  std::FILE* out = std::tmpfile();
  auto w = make_row_writer(out, {"k", "note"}, layout, {OutputFormat::Table, false});
  w->write(r1.data());
  w->write(r2.data());
  w->finish();
  EXPECT_EQ(contents(out),
            "k   note\n"
            "--  ----\n"
            "a\n"
            "bb  x\n"
            "(2 rows)\n");
  std::fclose(out);
}

// What the writers print, the readers read back as the same values (NULL vs "", -0, NaN...).
std::vector<std::string> read_back(const std::string& text, bool jsonl) {
  SourceSpec spec;
  spec.column_names = kNames;
  spec.layout = all_types_layout();
  std::FILE* in = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), in);
  std::rewind(in);
  RejectSink sink(stderr);
  auto reader = jsonl ? open_jsonl_reader("t", in, spec, sink) : open_csv_reader("t", in, spec, sink);
  std::string error;
  EXPECT_TRUE(reader->open(&error)) << error;
  std::vector<std::string> out;
  std::vector<uint8_t> row(spec.layout.size);
  std::FILE* csv = std::tmpfile();
  auto w = make_row_writer(csv, kNames, spec.layout, {OutputFormat::Csv, true});
  while (reader->next(row.data())) w->write(row.data());
  w->finish();
  EXPECT_EQ(reader->stats().rejected, 0u);
  const std::string all = contents(csv);
  std::fclose(csv);
  std::fclose(in);
  return {all};
}

TEST(IoWriterRoundTrip, CsvAndJsonlReadBackExactly) {
  Fixture fx;
  const std::string reference = write_all(fx, {OutputFormat::Csv, true});
  for (bool ns : {false, true}) {
    EXPECT_EQ(read_back(write_all(fx, {OutputFormat::Csv, ns}), false), std::vector<std::string>{reference});
    EXPECT_EQ(read_back(write_all(fx, {OutputFormat::Jsonl, ns}), true), std::vector<std::string>{reference});
  }
}

}  // namespace
