// rt::ParallelReader (runtime/io/parallel_reader.h) against its reference, one plain CSV reader
// (open_csv_reader, tested on its own in io_csv_reader_test and io_position_test): over CSV files
// generated from fixed seeds, at every thread count and many chunk sizes, both readers must give
// the same rows (every field decoded), the same reject messages and rejects file at the same
// moments, the same stats and the same positions after every row; a parallel reader that seeks
// to a position of the plain one must go on exactly as the plain one does; under
// --on-error fail both stop at the same record. The files put chunk boundaries everywhere:
// inside quoted values that span lines (so that a guessed chunk start is wrong), next to
// malformed records and empty lines, at a last line without a line end.
//
// Also built alone with ThreadSanitizer (tests/tsan/CMakeLists.txt), with fewer files.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"

namespace {

using namespace vlac::rt;
using vlac::rt::io_test::Collected;
using vlac::rt::io_test::Col;
using vlac::rt::io_test::make_spec;

// Files per test. Opening a ParallelReader costs ~10 ms (threads, megabyte buffers), and each
// file is read at 30 settings: this keeps the test at a few seconds.
#if defined(__SANITIZE_THREAD__)
constexpr uint64_t kFiles = 12;  // ThreadSanitizer makes each read several times slower
#else
constexpr uint64_t kFiles = 20;
#endif
constexpr int kThreads[] = {2, 3, 4};
constexpr uint64_t kChunks[] = {1, 2, 3, 5, 8, 13, 64, 200, 4096};
const std::string kName = "in.csv";  // the display name of both readers

// ---- Generated files

struct Generated {
  std::string text;
  SourceSpec spec;
  size_t block = 0;  // the readers' read block size (0: the default)
};

/// Random CSV text of a random spec, from a seed. Most records are valid; some are malformed
/// in each way the reader rejects; quoted values hold commas, doubled quotes and line ends, and
/// text that looks like records (so that a chunk guessed inside them parses rows).
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Generated file(const std::string& eol_choice = "") {
    Generated g;
    eol_ = !eol_choice.empty() ? eol_choice : chance(0.5) ? "\n" : "\r\n";
    // The spec: a NOT NULL time column and up to five others, in a random order.
    std::vector<Col> cols = {{"ts", FieldType::Timestamp, false}};
    static constexpr FieldType kTypes[] = {FieldType::Int32,     FieldType::Int64,  FieldType::Float64,
                                           FieldType::Timestamp, FieldType::String, FieldType::Bool};
    const size_t others = pick(6);
    for (size_t i = 0; i < others; ++i) cols.push_back({"c" + std::to_string(i), kTypes[pick(6)], !chance(0.2)});
    std::shuffle(cols.begin(), cols.end(), rng_);
    g.spec = make_spec(cols);
    if (cols.size() > 1 && chance(0.2)) {  // a column nothing reads: its values are not converted
      g.spec.read_columns.assign(cols.size(), true);
      g.spec.read_columns[pick(cols.size())] = false;
    }
    // The header: the spec's columns in another order, perhaps without a nullable one, perhaps
    // with one the spec does not know (a warning).
    header_.clear();
    for (size_t i = 0; i < cols.size(); ++i)
      if (!(cols[i].nullable && chance(0.1))) header_.push_back(static_cast<int>(i));
    if (chance(0.2)) header_.push_back(-1);
    std::shuffle(header_.begin(), header_.end(), rng_);
    cols_ = cols;

    std::string& t = g.text;
    if (chance(0.3)) t += "\xEF\xBB\xBF";
    if (chance(0.1)) t += eol_;  // an empty line before the header
    for (size_t i = 0; i < header_.size(); ++i) {
      if (i > 0) t += ',';
      const std::string name = header_[i] < 0 ? "extra" : cols[static_cast<size_t>(header_[i])].name;
      t += chance(0.2) ? "\"" + name + "\"" : name;
    }
    t += eol_;
    const size_t records = 3 + pick(chance(0.2) ? 300 : 100);
    for (size_t r = 0; r < records; ++r) {
      while (chance(0.05)) t += eol_;  // empty lines (a NULL row when the header has one column)
      t += record();
      if (r + 1 < records || chance(0.5)) t += eol_;
    }
    if (chance(0.15)) {  // an unterminated quote: the rest of the file is one bad record
      if (t.size() >= eol_.size() && t.compare(t.size() - eol_.size(), eol_.size(), eol_) != 0) t += eol_;
      t += "1,\"never closed" + eol_ + "2,b";
      if (chance(0.5)) t += eol_;
    }
    // Small read blocks put buffer refills everywhere. The default (1 MiB) reads the whole rest
    // of the file at every chunk's start: only on small files, to keep the test quick.
    static constexpr size_t kBlocks[] = {16, 100, 4096};
    g.block = t.size() < 2000 && chance(0.3) ? 0 : kBlocks[pick(3)];
    return g;
  }

 private:
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  /// A value of a string column: often plain, sometimes anything a quoted value may hold.
  std::string text_value() {
    static const char* kPieces[] = {"a", "bc", "x y", "42", ",", "\"", "\"\"", "\n", "\r\n", "é", "-", "7,x,1.5",
                                    "\n3,ab,0.5\n", "\"\n", "\n\"", "", "z\r"};
    std::string s;
    const size_t n = chance(0.5) ? 1 + pick(3) : pick(8);
    for (size_t i = 0; i < n; ++i) s += chance(0.6) ? kPieces[pick(4)] : kPieces[pick(std::size(kPieces))];
    if (chance(0.03)) {  // a value of many lines: several chunks may guess a start inside it
      const size_t lines = 5 + pick(30);
      for (size_t i = 0; i < lines; ++i) s += std::to_string(i) + ",q," + std::to_string(i * 3) + eol_;
    }
    return s;
  }

  /// Quotes a value (doubling its quotes) when it must be quoted, and sometimes when it need not.
  std::string field_text(const std::string& v, bool is_string) {
    const bool must = v.find_first_of(",\"\r\n") != std::string::npos || (is_string && v.empty());
    if (!must && !chance(0.1)) return v;
    std::string q = "\"";
    for (char c : v) {
      q += c;
      if (c == '"') q += '"';
    }
    return q + "\"";
  }

  std::string value(const Col& c) {
    if (c.nullable && chance(0.1)) return "";  // unquoted empty: NULL
    char buf[64];
    switch (c.type) {
      case FieldType::Int32: return std::to_string(static_cast<int32_t>(rng_() % 200001) - 100000);
      case FieldType::Int64: return std::to_string(static_cast<int64_t>(rng_()));
      case FieldType::Float64: {
        static const char* kFixed[] = {"1e-3", "-0", "3.25", "1.5E3", "0.1"};
        if (chance(0.3)) return kFixed[pick(std::size(kFixed))];
        std::snprintf(buf, sizeof buf, "%.17g", std::uniform_real_distribution<double>(-1e6, 1e6)(rng_));
        return buf;
      }
      case FieldType::Timestamp:
        if (chance(0.7)) return std::to_string(1700000000000000000LL + static_cast<int64_t>(rng_() % 1000000000000ULL));
        std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<int>(1 + pick(12)),
                      static_cast<int>(1 + pick(28)), static_cast<int>(pick(24)), static_cast<int>(pick(60)),
                      static_cast<int>(pick(60)), static_cast<int>(pick(1000)));
        return buf;
      case FieldType::Bool: {
        static const char* kBools[] = {"true", "false", "1", "0", "TRUE", "False"};
        return kBools[pick(std::size(kBools))];
      }
      default: return text_value();
    }
  }

  /// One record without its line end: valid, or malformed in one of the ways the reader rejects.
  std::string record() {
    std::vector<std::string> fields;
    for (int h : header_) {
      if (h < 0) {
        fields.push_back(field_text(text_value(), true));
      } else {
        const Col& c = cols_[static_cast<size_t>(h)];
        fields.push_back(field_text(value(c), c.type == FieldType::String));
      }
    }
    if (chance(0.1)) {
      const size_t f = pick(fields.size());
      switch (pick(5)) {
        case 0:  // wrong field count
          if (fields.size() > 1 && chance(0.5)) fields.pop_back();
          else fields.push_back("zz");
          break;
        case 1: {  // a value that is no value of its column's type (a string column takes anything)
          const int h = header_[f];
          fields[f] = h >= 0 && cols_[static_cast<size_t>(h)].type == FieldType::String ? "\"\"\"ok\"" : "12x";
          break;
        }
        case 2:  // NULL in the NOT NULL time column
          for (size_t i = 0; i < header_.size(); ++i)
            if (header_[i] >= 0 && cols_[static_cast<size_t>(header_[i])].name == "ts") fields[i] = "";
          break;
        case 3: fields[f] = "ab\"cd"; break;     // a quote inside an unquoted field
        case 4: fields[f] = "\"ab\"cd"; break;   // text after the closing quote
      }
    }
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) out += (i > 0 ? "," : "") + fields[i];
    return out;
  }

  std::mt19937_64 rng_;
  std::string eol_;
  std::vector<Col> cols_;
  std::vector<int> header_;  // per header column: its index in cols_, or -1 for one the spec lacks
};

// ---- Reading

/// The run's reject sink: messages and the rejects file in memory.
struct Sink {
  Collected messages, rejects;
  RejectSink sink;
  explicit Sink(OnError on_error) : sink(messages.file(), rejects.file(), on_error) {}
};

/// Every field of a row, exactly: NULL, integers, floats as hex, strings with their length.
std::string exact(const uint8_t* row, const SourceSpec& spec) {
  std::string out;
  char buf[64];
  for (const Field& f : spec.layout.fields) {
    if (!out.empty()) out += '|';
    if (is_null(row, f)) {
      out += "NULL";
      continue;
    }
    switch (f.type) {
      case FieldType::Bool: out += get<bool>(row, f) ? "true" : "false"; break;
      case FieldType::Int32: out += std::to_string(get<int32_t>(row, f)); break;
      case FieldType::Int64:
      case FieldType::Timestamp:
      case FieldType::Interval: out += std::to_string(get<int64_t>(row, f)); break;
      case FieldType::Float32: std::snprintf(buf, sizeof buf, "%a", static_cast<double>(get<float>(row, f))); out += buf; break;
      case FieldType::Float64: std::snprintf(buf, sizeof buf, "%a", get<double>(row, f)); out += buf; break;
      case FieldType::String: {
        const StringRef s = get<StringRef>(row, f);
        out += std::to_string(s.size) + "'" + std::string(s.data, s.size) + "'";
        break;
      }
    }
  }
  return out;
}

/// What a reader showed after each row it returned.
struct Step {
  std::string row;
  InputStats stats;
  InputPosition after, before;  // position(), before_last_row()
  size_t messages = 0;          // bytes of messages reported by then
};

/// Everything one read showed.
struct Transcript {
  InputPosition start;  // position() before the first row
  std::vector<Step> steps;
  std::string messages, rejects, read_error;
  InputStats stats;
  InputPosition end, end_before;  // position() and before_last_row() once next() returned false
};

Transcript read_rest(RowReader& reader, Sink& sink, const SourceSpec& spec) {
  Transcript t;
  t.start = reader.position();
  std::vector<uint8_t> row(spec.layout.size);
  while (reader.next(row.data()))
    t.steps.push_back({exact(row.data(), spec), reader.stats(), reader.position(), reader.before_last_row(),
                       sink.messages.size()});
  t.messages = sink.messages.text();
  t.rejects = sink.rejects.text();
  t.read_error = reader.read_error();
  t.stats = reader.stats();
  t.end = reader.position();
  t.end_before = reader.before_last_row();
  return t;
}

std::string show(const InputPosition& p) {
  return "{offset " + std::to_string(p.offset) + ", line " + std::to_string(p.line) + ", read " +
         std::to_string(p.stats.read) + ", accepted " + std::to_string(p.stats.accepted) + ", rejected " +
         std::to_string(p.stats.rejected) + (p.ends_without_line_end ? ", no line end}" : "}");
}
bool same(const InputPosition& a, const InputPosition& b) { return show(a) == show(b); }
bool same(const InputStats& a, const InputStats& b) {
  return a.read == b.read && a.accepted == b.accepted && a.rejected == b.rejected;
}

/// The first difference between two reads, if any. Positions after each row are compared when
/// the parallel reader keeps them (`positions`); at the end, unless `end_positions` is false.
::testing::AssertionResult same_reads(const Transcript& want, const Transcript& got, bool positions,
                                      bool end_positions = true) {
  if (!same(want.start, got.start))
    return ::testing::AssertionFailure() << "position() before the first row " << show(want.start) << " wanted, got "
                                         << show(got.start);
  const size_t n = std::min(want.steps.size(), got.steps.size());
  for (size_t i = 0; i < n; ++i) {
    const Step &w = want.steps[i], &g = got.steps[i];
    const std::string at = "after row " + std::to_string(i + 1) + ": ";
    if (w.row != g.row) return ::testing::AssertionFailure() << at << "row\n  want " << w.row << "\n  got  " << g.row;
    if (!same(w.stats, g.stats)) return ::testing::AssertionFailure() << at << "stats differ";
    if (w.messages != g.messages)
      return ::testing::AssertionFailure() << at << w.messages << " bytes of messages wanted, got " << g.messages
                                           << "\n  want: " << want.messages << "\n  got:  " << got.messages;
    if (positions && !same(w.after, g.after))
      return ::testing::AssertionFailure() << at << "position() " << show(w.after) << " wanted, got " << show(g.after);
    if (positions && !same(w.before, g.before))
      return ::testing::AssertionFailure() << at << "before_last_row() " << show(w.before) << " wanted, got "
                                           << show(g.before);
  }
  if (want.steps.size() != got.steps.size())
    return ::testing::AssertionFailure() << want.steps.size() << " rows wanted, got " << got.steps.size();
  if (want.messages != got.messages)
    return ::testing::AssertionFailure() << "messages\n  want: " << want.messages << "\n  got:  " << got.messages;
  if (want.rejects != got.rejects)
    return ::testing::AssertionFailure() << "rejects file\n  want: " << want.rejects << "\n  got:  " << got.rejects;
  if (want.read_error != got.read_error) return ::testing::AssertionFailure() << "read error " << got.read_error;
  if (!same(want.stats, got.stats) || got.stats.read != got.stats.accepted + got.stats.rejected)
    return ::testing::AssertionFailure() << "stats at the end: read " << got.stats.read << " accepted "
                                         << got.stats.accepted << " rejected " << got.stats.rejected;
  if (!end_positions) return ::testing::AssertionSuccess();
  if (!same(want.end, got.end))
    return ::testing::AssertionFailure() << "position() at the end " << show(want.end) << " wanted, got "
                                         << show(got.end);
  if (!same(want.end_before, got.end_before))
    return ::testing::AssertionFailure() << "before_last_row() at the end " << show(want.end_before)
                                         << " wanted, got " << show(got.end_before);
  return ::testing::AssertionSuccess();
}

/// A generated file on disk, in a temporary folder removed at the end.
class TempFiles {
 public:
  TempFiles() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vlac_parallel_XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
    EXPECT_FALSE(dir_.empty());
  }
  ~TempFiles() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return path;
  }

 private:
  std::string dir_;
};

/// One plain CSV reader of `path`, opened, optionally sought to `from`.
Transcript read_plain(const std::string& path, const Generated& g, OnError on_error,
                      const InputPosition* from = nullptr) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  Sink sink(on_error);
  auto reader = open_csv_reader(kName, in, g.spec, sink.sink, g.block);
  std::string error;
  EXPECT_TRUE(reader->open(&error)) << error;
  if (from) {
    EXPECT_TRUE(reader->seek(*from, &error)) << error;
  }
  Transcript t = read_rest(*reader, sink, g.spec);
  reader.reset();
  std::fclose(in);
  return t;
}

struct ParallelRead {
  Transcript t;
  ParallelReadStats stats;
};

/// One ParallelReader of `path`, opened, optionally sought to `from`.
ParallelRead read_parallel(const std::string& path, const Generated& g, OnError on_error, int threads,
                           uint64_t chunk_bytes, bool positions, const InputPosition* from = nullptr) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  Sink sink(on_error);
  ParallelReadOptions options;
  options.threads = threads;
  options.chunk_bytes = chunk_bytes;
  options.positions = positions;
  ReaderFactory make = [&g](std::FILE* f, RejectSink& s) { return open_csv_reader(kName, f, g.spec, s, g.block); };
  ParallelRead out;
  {
    ParallelReader reader(kName, in, g.spec.layout, make, sink.sink, options);
    std::string error;
    EXPECT_TRUE(reader.open(&error)) << error;
    if (from) {
      EXPECT_TRUE(reader.seek(*from, &error)) << error;
    }
    out.t = read_rest(reader, sink, g.spec);
    out.stats = reader.parallel_stats();
  }
  std::fclose(in);
  return out;
}

std::string config(uint64_t seed, int threads, uint64_t chunk, bool positions) {
  return "seed " + std::to_string(seed) + ", " + std::to_string(threads) + " threads, chunks of " +
         std::to_string(chunk) + " bytes" + (positions ? "" : ", no positions");
}

/// Chunk sizes to try on a file of `size` bytes: kChunks and one larger than the file.
std::vector<uint64_t> chunk_sizes(size_t size) {
  std::vector<uint64_t> out(std::begin(kChunks), std::end(kChunks));
  out.push_back(size + 1);
  return out;
}

// ---- Tests

TEST(ParallelReader, ReadsGeneratedFilesAsOneReader) {
  TempFiles files;
  uint64_t split = 0, reparsed = 0, rejected = 0;
  for (uint64_t seed = 1; seed <= kFiles; ++seed) {
    const Generated g = Generator(seed).file();
    const std::string path = files.write("f" + std::to_string(seed) + ".csv", g.text);
    const Transcript want = read_plain(path, g, OnError::Skip);
    ASSERT_EQ(want.end.offset, g.text.size()) << "seed " << seed;
    rejected += want.stats.rejected;
    for (int threads : kThreads) {
      for (uint64_t chunk : chunk_sizes(g.text.size())) {
        const bool positions = threads != 3;  // positions kept or not must not change the rows
        const ParallelRead got = read_parallel(path, g, OnError::Skip, threads, chunk, positions);
        ASSERT_TRUE(same_reads(want, got.t, positions)) << config(seed, threads, chunk, positions);
        // Split exactly when the file holds two chunks after its header.
        EXPECT_EQ(got.stats.parallel, g.text.size() >= want.start.offset + 2 * chunk)
            << config(seed, threads, chunk, positions);
        if (got.stats.parallel) {
          ++split;
          reparsed += got.stats.reparsed;
          EXPECT_EQ(got.stats.rows_per_thread.size(), static_cast<size_t>(threads + 1));
        }
      }
    }
  }
  // The files did exercise what they are for.
  EXPECT_GT(split, kFiles * 3 * 6);
  EXPECT_GT(reparsed, 0u);
  EXPECT_GT(rejected, kFiles);
}

TEST(ParallelReader, GoesOnFromAPositionOfOneReader) {
  // A checkpoint taken by a run on one thread restores on several: position() or
  // before_last_row() after row k of the plain reader, given to a new parallel reader's seek().
  TempFiles files;
  for (uint64_t seed = 101; seed < 101 + kFiles; ++seed) {
    const Generated g = Generator(seed).file();
    const std::string path = files.write("f" + std::to_string(seed) + ".csv", g.text);
    const Transcript whole = read_plain(path, g, OnError::Skip);
    std::mt19937_64 rng(seed);
    const size_t rows = whole.steps.size();
    for (size_t k : {size_t{0}, rows, static_cast<size_t>(rng() % (rows + 1)), static_cast<size_t>(rng() % (rows + 1))}) {
      for (bool before : {false, true}) {
        const InputPosition at =
            k == 0 ? whole.start : before ? whole.steps[k - 1].before : whole.steps[k - 1].after;
        const Transcript want = read_plain(path, g, OnError::Skip, &at);
        const int threads = kThreads[rng() % std::size(kThreads)];
        const std::vector<uint64_t> chunks = chunk_sizes(g.text.size());
        const uint64_t chunk = chunks[rng() % chunks.size()];
        const ParallelRead got = read_parallel(path, g, OnError::Skip, threads, chunk, true, &at);
        ASSERT_TRUE(same_reads(want, got.t, true))
            << config(seed, threads, chunk, true) << ", from " << show(at) << " after row " << k
            << (before ? ", before the last row" : "");
      }
    }
  }
}

TEST(ParallelReader, StopsAtTheSameRejectUnderOnErrorFail) {
  TempFiles files;
  uint64_t tested = 0;
  for (uint64_t seed = 201; tested < kFiles / 2; ++seed) {
    const Generated g = Generator(seed).file();
    const std::string path = files.write("f" + std::to_string(seed) + ".csv", g.text);
    const Transcript want = read_plain(path, g, OnError::Fail);
    if (want.stats.rejected == 0) continue;
    ++tested;
    for (int threads : {2, 4}) {
      for (uint64_t chunk : {1, 3, 13, 200}) {
        // The position once stopped is not compared: the parallel reader's stays after the last
        // row while one reader's is after the failing record. Nothing reads it (a run stopped
        // by --on-error fail takes no checkpoint).
        const ParallelRead got = read_parallel(path, g, OnError::Fail, threads, chunk, true);
        ASSERT_TRUE(same_reads(want, got.t, true, false)) << config(seed, threads, chunk, true) << ", --on-error fail";
      }
    }
  }
}

TEST(ParallelReader, AFileTooSmallToSplitIsReadByOneReader) {
  TempFiles files;
  Generated g;
  g.spec = make_spec({{"ts", FieldType::Timestamp, false}, {"s", FieldType::String}});
  g.text = "ts,s\n1,\"a\nb\"\n,x\n3,c";  // 19 bytes, 14 after the header
  const std::string path = files.write("small.csv", g.text);
  const Transcript want = read_plain(path, g, OnError::Skip);
  ASSERT_EQ(want.steps.size(), 2u);
  ASSERT_EQ(want.stats.rejected, 1u);
  for (uint64_t chunk : {8, 100}) {  // two chunks do not fit
    const ParallelRead got = read_parallel(path, g, OnError::Skip, 2, chunk, true);
    EXPECT_FALSE(got.stats.parallel);
    EXPECT_TRUE(same_reads(want, got.t, true)) << "chunks of " << chunk;
  }
  const ParallelRead got = read_parallel(path, g, OnError::Skip, 2, 7, true);  // just fit
  EXPECT_TRUE(got.stats.parallel);
  EXPECT_TRUE(same_reads(want, got.t, true)) << "chunks of 7";
}

TEST(ParallelReader, KeepsALastLineWithoutLineEndAtTheEnd) {
  // Chunks of 1 byte after the 3 of the header: the last chunk's guessed start is the end of
  // the file (no '\n' after byte 5), right where the chunk before it ended. That chunk reads no
  // line; the position after it must still say that the last line had no line end (a
  // checkpoint uses it to refuse a file that grew since).
  TempFiles files;
  Generated g;
  g.spec = make_spec({{"ts", FieldType::Timestamp, false}});
  g.text = "ts\n1\n22";
  const std::string path = files.write("last.csv", g.text);
  const Transcript want = read_plain(path, g, OnError::Skip);
  EXPECT_EQ(show(want.end), show(InputPosition{7, 3, {2, 2, 0}, true}));
  for (bool positions : {false, true}) {
    const ParallelRead got = read_parallel(path, g, OnError::Skip, 2, 1, positions);
    EXPECT_TRUE(got.stats.parallel);
    EXPECT_TRUE(same_reads(want, got.t, positions));
  }
}

TEST(ParallelReader, CrLineEndsAreReadByOneReader) {
  // A file of CR line ends has no '\n' to find line starts by: it is not split, and still reads
  // as one reader reads it (its quoted values may hold LF).
  TempFiles files;
  for (uint64_t seed = 301; seed < 301 + kFiles / 4 + 1; ++seed) {
    const Generated g = Generator(seed).file("\r");
    const std::string path = files.write("cr" + std::to_string(seed) + ".csv", g.text);
    const Transcript want = read_plain(path, g, OnError::Skip);
    ASSERT_GT(want.steps.size() + want.stats.rejected, 2u) << "seed " << seed;
    for (int threads : kThreads) {
      for (uint64_t chunk : {1, 13}) {
        const ParallelRead got = read_parallel(path, g, OnError::Skip, threads, chunk, true);
        EXPECT_FALSE(got.stats.parallel);
        ASSERT_TRUE(same_reads(want, got.t, true)) << config(seed, threads, chunk, true) << ", CR line ends";
      }
    }
  }
}

}  // namespace
