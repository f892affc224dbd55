// Reader positions (LANGUAGE.md §10, issue 15). A reader stopped after any number of rows, at
// any read block size, and a fresh reader that seeks to the first one's position() or
// before_last_row() and reads on must together show exactly what one uninterrupted read shows:
// the rows, the reject messages with their line numbers, the rejects file and the counts. What
// one uninterrupted read shows is written out by hand for each case (`want`), from §7's rules.
// The second reader either seeks in the file, or is a restored standard input: the header text
// as prefix, the bytes after the position replayed from a descriptor, then an empty FILE.
// Also: the prefix, replay and tee of standard input on real pipes, and a journal that must hold
// exactly the bytes that went into the pipe.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "io_test_support.h"
#include "runtime/io/input_format.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"

namespace {

using namespace vlac::rt;
using namespace vlac::rt::io_test;

enum class Format { Csv, Jsonl, Detect };

/// One reader with its own reject sink, opened.
struct Reading {
  Collected messages, rejects;
  RejectSink sink{messages.file(), rejects.file()};
  std::unique_ptr<RowReader> reader;
  SourceSpec spec;
  std::vector<uint8_t> row;
  std::string rows;  // "row: ...\n" for each row read

  Reading(Format format, std::FILE* in, const SourceSpec& s, const ReadOptions& options) : spec(s), row(s.layout.size) {
    const std::string name = format == Format::Jsonl ? "cam.jsonl" : "camera.csv";
    switch (format) {
      case Format::Csv: reader = open_csv_reader(name, in, spec, sink, options); break;
      case Format::Jsonl: reader = open_jsonl_reader(name, in, spec, sink, options); break;
      case Format::Detect: reader = open_row_reader(InputFormat::Detect, "<stdin>", in, spec, sink, options); break;
    }
    std::string error;
    EXPECT_TRUE(reader->open(&error)) << error;
  }
  bool next() {
    if (!reader->next(row.data())) return false;
    rows += "row: " + render(row.data(), spec) + "\n";
    return true;
  }
  void read_all() {
    while (next()) {
    }
    EXPECT_EQ(reader->read_error(), "");
  }
};

std::string show(const std::string& rows, const std::string& messages, const std::string& rejects,
                 const InputStats& s) {
  return rows + "messages:\n" + messages + "rejects:\n" + rejects + "read " + std::to_string(s.read) + " accepted " +
         std::to_string(s.accepted) + " rejected " + std::to_string(s.rejected) + "\n";
}

ReadOptions block_options(size_t block) {
  ReadOptions o;
  o.read_block_size = block;
  return o;
}

/// A pipe holding `bytes`, its write end closed; returns the read end.
int pipe_with(const std::string& bytes) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  EXPECT_LT(bytes.size(), 60000u);  // fits the pipe's buffer
  EXPECT_EQ(::write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fds[1]);
  return fds[0];
}

void expect_same_place(const InputPosition& a, const InputPosition& b) {
  EXPECT_EQ(a.offset, b.offset);
  EXPECT_EQ(a.line, b.line);
  EXPECT_EQ(a.ends_without_line_end, b.ends_without_line_end);
  EXPECT_EQ(a.stats.read, b.stats.read);
  EXPECT_EQ(a.stats.accepted, b.stats.accepted);
  EXPECT_EQ(a.stats.rejected, b.stats.rejected);
}

struct Case {
  std::string name;
  Format format;
  std::string input;
  SourceSpec spec;
  std::string want;  // one uninterrupted read, by hand
  /// False where the first line end decides something a restored standard input cannot know
  /// (JSON Lines has no header to carry it): only the file is tested.
  bool restorable_as_stdin = true;
};

/// Reads `c` in two halves cut after k rows (at position(), or before_last_row() with the k-th
/// row given back), the second half from a fresh reader that seeks; returns the two halves'
/// transcript and the second reader's final position in *end.
std::string cut_read(const Case& c, std::FILE* in, size_t block, size_t k, bool before_last, bool as_stdin,
                     InputPosition* end) {
  std::string rows, messages, rejects, header;
  InputPosition at;
  {
    std::rewind(in);
    Reading first(c.format, in, c.spec, block_options(block));
    size_t kept = 0;
    bool got = false;
    for (size_t i = 0; i < k; ++i) {
      kept = first.rows.size();
      if (!(got = first.next())) break;
    }
    at = before_last ? first.reader->before_last_row() : first.reader->position();
    rows = before_last && got ? first.rows.substr(0, kept) : first.rows;
    messages = first.messages.text();
    rejects = first.rejects.text();
    header = first.reader->header_text();
    EXPECT_EQ(at.stats.read, at.stats.accepted + at.stats.rejected);
  }
  std::FILE* second_in = in;
  ReadOptions options = block_options(block);
  int replay = -1;
  if (as_stdin) {
    replay = pipe_with(c.input.substr(at.offset));
    options.prefix = header;
    options.replay_fd = replay;
    second_in = std::fopen("/dev/null", "r");
  } else {
    std::rewind(in);
  }
  {
    Reading second(c.format, second_in, c.spec, options);
    EXPECT_EQ(second.reader->header_text(), header);
    std::string error;
    EXPECT_TRUE(second.reader->seek(at, &error)) << error;
    expect_same_place(second.reader->position(), at);
    second.read_all();
    *end = second.reader->position();
    rows += second.rows;
    messages += second.messages.text();
    rejects += second.rejects.text();
  }
  if (as_stdin) {
    ::close(replay);
    std::fclose(second_in);
  }
  return show(rows, messages, rejects, end->stats);
}

/// Every block size 1..4096, and 0 (the default, whose reader maps the file: line_input.h),
/// every cut (0 rows up to one past the last), both positions, both ways of going on.
void expect_every_cut(const Case& c) {
  SCOPED_TRACE(c.name);
  std::FILE* in = file_with(c.input);
  for (size_t block = 0; block <= 4096; ++block) {
    InputPosition whole_end;
    {
      std::rewind(in);
      Reading whole(c.format, in, c.spec, block_options(block));
      whole.read_all();
      ASSERT_EQ(show(whole.rows, whole.messages.text(), whole.rejects.text(), whole.reader->stats()), c.want)
          << "block " << block;
      whole_end = whole.reader->position();
      ASSERT_EQ(whole_end.offset, c.input.size());
    }
    for (size_t k = 0; k <= whole_end.stats.accepted + 1; ++k) {
      for (bool before_last : {false, true}) {
        for (bool as_stdin : {false, true}) {
          if (as_stdin && !c.restorable_as_stdin) continue;
          InputPosition end;
          ASSERT_EQ(cut_read(c, in, block, k, before_last, as_stdin, &end), c.want)
              << "block " << block << ", cut after " << k << (before_last ? " rows, before the last" : " rows")
              << (as_stdin ? ", as standard input" : "");
          expect_same_place(end, whole_end);
        }
      }
    }
  }
  std::fclose(in);
}

SourceSpec id_text() { return make_spec({{"id", FieldType::Int32, false}, {"text", FieldType::String}}); }

const char kNotInt[] = ": column 'id': cannot read '";

TEST(IoPosition, CsvQuotedLineEndsAndRejectsAcrossTheCut) {
  // Lines 2-3 one row, 4-5 one bad record (reported at its first line), 6 a row, 7 bad, 8-9 a
  // row whose value holds a CRLF.
  expect_every_cut({"quoted", Format::Csv, "id,text\n1,\"ab\ncd\"\nx,\"p\nq\"\n2,b\ny,z\n3,\"e\r\nf\"\n", id_text(),
                    "row: 1|'ab\ncd'\nrow: 2|'b'\nrow: 3|'e\r\nf'\n"
                    "messages:\ncamera.csv:4" + std::string(kNotInt) + "x' as INT32\n"
                    "camera.csv:7" + kNotInt + "y' as INT32\n"
                    "rejects:\nx,\"p\nq\"\ny,z\n"
                    "read 5 accepted 3 rejected 2\n"});
}

TEST(IoPosition, CsvCrlfWithAnEmptyLine) {
  expect_every_cut({"crlf", Format::Csv, "id,text\r\n1,a\r\nbad\r\n2,b\r\n\r\n3,c\r\n", id_text(),
                    "row: 1|'a'\nrow: 2|'b'\nrow: 3|'c'\n"
                    "messages:\ncamera.csv:3: expected 2 fields, found 1\n"
                    "rejects:\nbad\r\nread 4 accepted 3 rejected 1\n"});
}

TEST(IoPosition, CsvCrOnly) {
  // A quoted LF stays in its value; the input's line ends are CR, decided by the header's.
  expect_every_cut({"cr", Format::Csv, "id,text\r1,a\rz,c\r2,\"x\ny\"\r3,q\r", id_text(),
                    "row: 1|'a'\nrow: 2|'x\ny'\nrow: 3|'q'\n"
                    "messages:\ncamera.csv:3" + std::string(kNotInt) + "z' as INT32\n"
                    "rejects:\nz,c\rread 4 accepted 3 rejected 1\n"});
  // A quoted CR ends a physical line of a CR-only input: the row spans lines 2-3. The line
  // after the cut may start with LF: the restored reader must not take "\r\n" for a line end.
  expect_every_cut({"cr quoted", Format::Csv, "id,text\r1,\"a\rb\"\r\n2,c", id_text(),
                    "row: 1|'a\rb'\n"
                    "messages:\ncamera.csv:4" + std::string(kNotInt) + "\\n2' as INT32\n"
                    "rejects:\n\n2,c\nread 2 accepted 1 rejected 1\n"});
}

TEST(IoPosition, CsvBomAndEmptyLinesBeforeTheHeader) {
  expect_every_cut({"bom", Format::Csv, "\xEF\xBB\xBFid,text\n1,a\n2,b\n", id_text(),
                    "row: 1|'a'\nrow: 2|'b'\nmessages:\nrejects:\nread 2 accepted 2 rejected 0\n"});
  // The header is line 3; its text (what a restored standard input replays) is all three lines.
  expect_every_cut({"bom, empty lines", Format::Csv, "\xEF\xBB\xBF\n\nid,text\nq,1\n1,a\n", id_text(),
                    "row: 1|'a'\nmessages:\ncamera.csv:4" + std::string(kNotInt) + "q' as INT32\n"
                    "rejects:\nq,1\nread 2 accepted 1 rejected 1\n"});
}

TEST(IoPosition, CsvRejectsRightBeforeAndAfterEveryCut) {
  expect_every_cut({"rejects", Format::Csv, "id,text\nbad1\n1,a\nbad2\nbad3\n2,b\nbad4\n", id_text(),
                    "row: 1|'a'\nrow: 2|'b'\n"
                    "messages:\ncamera.csv:2: expected 2 fields, found 1\ncamera.csv:4: expected 2 fields, found 1\n"
                    "camera.csv:5: expected 2 fields, found 1\ncamera.csv:7: expected 2 fields, found 1\n"
                    "rejects:\nbad1\nbad2\nbad3\nbad4\nread 6 accepted 2 rejected 4\n"});
}

TEST(IoPosition, CsvLastLineWithoutLineEnd) {
  expect_every_cut({"row", Format::Csv, "id,text\n1,a\n2,b", id_text(),
                    "row: 1|'a'\nrow: 2|'b'\nmessages:\nrejects:\nread 2 accepted 2 rejected 0\n"});
  expect_every_cut({"reject", Format::Csv, "id,text\n1,a\nbad", id_text(),
                    "row: 1|'a'\nmessages:\ncamera.csv:3: expected 2 fields, found 1\n"
                    "rejects:\nbad\nread 2 accepted 1 rejected 1\n"});
  expect_every_cut({"unterminated quote", Format::Csv, "id,text\n1,a\n2,\"b\nc", id_text(),
                    "row: 1|'a'\nmessages:\ncamera.csv:3: unterminated quoted field\n"
                    "rejects:\n2,\"b\nc\nread 2 accepted 1 rejected 1\n"});
  expect_every_cut({"header only", Format::Csv, "id,text", id_text(),
                    "messages:\nrejects:\nread 0 accepted 0 rejected 0\n"});
}

TEST(IoPosition, CsvOneColumnNullRowsAndLongLines) {
  // In a one-column file an empty line is a NULL row.
  expect_every_cut({"one column", Format::Csv, "text\na\n\nb,c\n", make_spec({{"text", FieldType::String}}),
                    "row: 'a'\nrow: NULL\nmessages:\ncamera.csv:4: expected 1 field, found 2\n"
                    "rejects:\nb,c\nread 3 accepted 2 rejected 1\n"});
  const std::string x(5000, 'x'), quoted = std::string(3000, 'y') + "\n" + std::string(3000, 'z');
  expect_every_cut({"long", Format::Csv, "id,text\n1," + x + "\n2,\"" + quoted + "\"\n3,s\n", id_text(),
                    "row: 1|'" + x + "'\nrow: 2|'" + quoted + "'\nrow: 3|'s'\n"
                    "messages:\nrejects:\nread 3 accepted 3 rejected 0\n"});
}

TEST(IoPosition, JsonLines) {
  // A blank line is no record; the last line has no line end.
  expect_every_cut({"jsonl", Format::Jsonl,
                    "{\"id\":1,\"text\":\"a\"}\n{\"id\":\"x\"}\n\n{\"id\":2,\"text\":\"b\"}\r\n{\"text\":\"q\"}\n{\"id\":3}",
                    id_text(),
                    "row: 1|'a'\nrow: 2|'b'\nrow: 3|NULL\n"
                    "messages:\ncam.jsonl:2: column 'id': expected a number, found \"x\"\n"
                    "cam.jsonl:5: missing column 'id', which is NOT NULL\n"
                    "rejects:\n{\"id\":\"x\"}\n{\"text\":\"q\"}\nread 5 accepted 3 rejected 2\n"});
  // A BOM, and CR line ends: a cut at offset 0 must skip the BOM again.
  expect_every_cut({"jsonl bom cr", Format::Jsonl, "\xEF\xBB\xBF{\"id\":1}\r{\"id\":null}\r{\"id\":2,\"text\":\"c\"}\r",
                    id_text(),
                    "row: 1|NULL\nrow: 2|'c'\n"
                    "messages:\ncam.jsonl:2: column 'id': NULL in a NOT NULL column\n"
                    "rejects:\n{\"id\":null}\rread 3 accepted 2 rejected 1\n"});
}

TEST(IoPosition, JsonLinesKeepTheLineEndsTheFirstLineDecided) {
  // The first line end is a CR, so "\r\n" later is a CR line end and a line starting with LF:
  // line 3 is "\n{"id":"x"}\r". A reader that seeks past line 1 must still read CR line ends
  // (it learns them from the file's start). A restored standard input of JSON Lines has no
  // header to carry them: that case is only tested on the file.
  Case c{"jsonl mixed ends", Format::Jsonl, "{\"id\":1}\r{\"id\":2}\r\n{\"id\":\"x\"}\r{\"id\":3}\r", id_text(),
         "row: 1|NULL\nrow: 2|NULL\nrow: 3|NULL\n"
         "messages:\ncam.jsonl:3: column 'id': expected a number, found \"x\"\n"
         "rejects:\n\n{\"id\":\"x\"}\rread 4 accepted 3 rejected 1\n"};
  c.restorable_as_stdin = false;
  expect_every_cut(c);
}

TEST(IoPosition, PositionsByHand) {
  // "id,text\n" is 8 bytes, "1,a\n" 4, "bad\n" 4, "2,b" 3.
  std::FILE* in = file_with("id,text\n1,a\nbad\n2,b");
  Reading r(Format::Csv, in, id_text(), {});
  EXPECT_EQ(r.reader->header_text(), "id,text\n");
  auto expect_at = [](const InputPosition& p, uint64_t offset, uint64_t line, InputStats s, bool unterminated) {
    expect_same_place(p, InputPosition{offset, line, s, unterminated});
  };
  expect_at(r.reader->position(), 8, 1, {0, 0, 0}, false);
  expect_at(r.reader->before_last_row(), 8, 1, {0, 0, 0}, false);
  ASSERT_TRUE(r.next());
  expect_at(r.reader->position(), 12, 2, {1, 1, 0}, false);
  expect_at(r.reader->before_last_row(), 8, 1, {0, 0, 0}, false);
  ASSERT_TRUE(r.next());  // past the bad line 3
  expect_at(r.reader->position(), 19, 4, {3, 2, 1}, true);
  expect_at(r.reader->before_last_row(), 16, 3, {2, 1, 1}, false);
  ASSERT_FALSE(r.next());
  expect_at(r.reader->position(), 19, 4, {3, 2, 1}, true);
  expect_at(r.reader->before_last_row(), 19, 4, {3, 2, 1}, true);
  std::fclose(in);

  // JSON Lines: a 3-byte BOM, 9 bytes of line 1, a blank line 2, 9 bytes of line 3.
  std::FILE* j = file_with("\xEF\xBB\xBF{\"id\":1}\n\n{\"id\":2}\n");
  Reading rj(Format::Jsonl, j, id_text(), {});
  EXPECT_EQ(rj.reader->header_text(), "");
  expect_at(rj.reader->position(), 0, 0, {0, 0, 0}, false);
  ASSERT_TRUE(rj.next());
  expect_at(rj.reader->position(), 12, 1, {1, 1, 0}, false);
  expect_at(rj.reader->before_last_row(), 0, 0, {0, 0, 0}, false);
  ASSERT_TRUE(rj.next());
  expect_at(rj.reader->position(), 22, 3, {2, 2, 0}, false);
  expect_at(rj.reader->before_last_row(), 13, 2, {1, 1, 0}, false);
  std::fclose(j);
}

TEST(IoPosition, SeekInAFileWhoseFirstByteWasSniffed) {
  // The format sniffer's getc fills stdio's buffer from the file; a seek must not hand out
  // those bytes of the old position.
  const std::string input = "id,text\n1,a\nbad\n2,b\n3,c\n";
  for (size_t block : {size_t{0}, size_t{1}, size_t{4}, size_t{4096}}) {
    SCOPED_TRACE("block " + std::to_string(block));
    std::FILE* in = file_with(input);
    InputPosition at;
    {
      Reading first(Format::Detect, in, id_text(), block_options(block));
      ASSERT_TRUE(first.next());
      ASSERT_TRUE(first.next());
      at = first.reader->before_last_row();
    }
    std::rewind(in);
    Reading second(Format::Detect, in, id_text(), block_options(block));
    std::string error;
    ASSERT_TRUE(second.reader->seek(at, &error)) << error;
    second.read_all();
    EXPECT_EQ(show(second.rows, second.messages.text(), second.rejects.text(), second.reader->stats()),
              "row: 2|'b'\nrow: 3|'c'\nmessages:\nrejects:\nread 4 accepted 3 rejected 1\n");
    std::fclose(in);
  }
}

TEST(IoPosition, SeekErrors) {
  std::FILE* in = file_with("id,text\n1,a\n");
  Reading r(Format::Csv, in, id_text(), {});
  std::string error;
  EXPECT_FALSE(r.reader->seek(InputPosition{100, 9, {}, false}, &error));
  EXPECT_EQ(error, "camera.csv: cannot go on from byte 100: the file has 12 bytes, fewer than the 100 to go on after");
  EXPECT_FALSE(r.reader->seek(InputPosition{3, 0, {}, false}, &error));
  EXPECT_EQ(error, "camera.csv: cannot go on from byte 3, inside the header");
  std::fclose(in);
}

// ---- Standard input: the tee (journal), and a restored input (prefix + replay + the rest).

/// A pipe whose write end a thread fills with `bytes` in small pieces, then closes.
class Feeder {
 public:
  explicit Feeder(std::string bytes) : bytes_(std::move(bytes)) {
    EXPECT_LT(bytes_.size(), 60000u);
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    in_ = ::fdopen(fds[0], "r");
    writer_ = std::thread([this, fd = fds[1]] {
      size_t at = 0, piece = 1;
      while (at < bytes_.size()) {
        const size_t n = std::min(piece, bytes_.size() - at);
        if (::write(fd, bytes_.data() + at, n) != static_cast<ssize_t>(n)) break;
        at += n;
        piece = piece % 7 + 1;
      }
      ::close(fd);
    });
  }
  ~Feeder() {
    writer_.join();  // the bytes fit the pipe's buffer: the writer never waits for the reader
    std::fclose(in_);
  }
  std::FILE* in() { return in_; }

 private:
  std::string bytes_;
  std::FILE* in_;
  std::thread writer_;
};

/// The contents of descriptor fd (a file), from its start.
std::string file_text(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  for (off_t at = 0; (n = ::pread(fd, buf, sizeof buf, at)) > 0; at += n) s.append(buf, static_cast<size_t>(n));
  return s;
}

/// A descriptor of a new temporary file.
int temp_fd() {
  std::FILE* f = std::tmpfile();
  const int fd = ::dup(::fileno(f));
  std::fclose(f);
  return fd;
}

const char kCsv[] = "id,text\n1,a\nbad\n2,\"b\nc\"\n3,d\nx,y\n4,e\n";
const char kCsvWant[] =
    "row: 1|'a'\nrow: 2|'b\nc'\nrow: 3|'d'\nrow: 4|'e'\n"
    "messages:\n<stdin>:3: expected 2 fields, found 1\n<stdin>:7: column 'id': cannot read 'x' as INT32\n"
    "rejects:\nbad\nx,y\nread 6 accepted 4 rejected 2\n";
const char kJsonl[] = "{\"id\":1,\"text\":\"a\"}\n{\"id\":\"x\"}\n{\"id\":2}\n\n{\"id\":3,\"text\":\"c\"}\n";
const char kJsonlWant[] =
    "row: 1|'a'\nrow: 2|NULL\nrow: 3|'c'\n"
    "messages:\n<stdin>:2: column 'id': expected a number, found \"x\"\n"
    "rejects:\n{\"id\":\"x\"}\nread 4 accepted 3 rejected 1\n";

TEST(IoStdinJournal, TheTeeGetsExactlyTheBytesOfStandardInput) {
  // The format is detected from the first byte (getc + ungetc on the FILE): that byte and
  // everything stdio buffered with it must reach the tee, in order.
  for (const auto& [input, want] : {std::pair<std::string, std::string>{kCsv, kCsvWant}, {kJsonl, kJsonlWant}}) {
    for (size_t block : {size_t{0}, size_t{1}, size_t{3}, size_t{4096}}) {
      SCOPED_TRACE("block " + std::to_string(block) + ", " + input.substr(0, 8));
      Feeder feed(input);
      const int journal = temp_fd();
      ReadOptions options = block_options(block);
      options.tee_fd = journal;
      {
        Reading r(Format::Detect, feed.in(), id_text(), options);
        r.read_all();
        EXPECT_EQ(show(r.rows, r.messages.text(), r.rejects.text(), r.reader->stats()), want);
      }
      EXPECT_EQ(file_text(journal), input);
      ::close(journal);
    }
  }
}

TEST(IoStdinJournal, ARestoredStandardInputGoesOnFromTheJournal) {
  // Reading 1 reads standard input (a pipe) with a journal, stops after k rows; run 2 gets the
  // header text as prefix, the journal from the position on, then what standard input still
  // holds (what run 1 did not read), with a new journal. Both runs together read as one; the
  // two journals together are standard input. The format of run 2 is detected from its prefix.
  for (const auto& [input, want] : {std::pair<std::string, std::string>{kCsv, kCsvWant}, {kJsonl, kJsonlWant}}) {
    for (size_t block : {size_t{0}, size_t{1}, size_t{2}, size_t{5}, size_t{4096}}) {
      for (size_t k = 0; k <= 5; ++k) {
        for (bool before_last : {false, true}) {
          SCOPED_TRACE("block " + std::to_string(block) + ", k " + std::to_string(k) + ", " + input.substr(0, 8) +
                       (before_last ? ", before the last row" : ""));
          std::string rows, messages, rejects, header;
          InputPosition at;
          const int journal1 = temp_fd(), journal2 = temp_fd();
          ReadOptions options1 = block_options(block);
          options1.tee_fd = journal1;
          {
            Feeder feed(input);
            Reading first(Format::Detect, feed.in(), id_text(), options1);
            size_t kept = 0;
            bool got = false;
            for (size_t i = 0; i < k; ++i) {
              kept = first.rows.size();
              if (!(got = first.next())) break;
            }
            at = before_last ? first.reader->before_last_row() : first.reader->position();
            rows = before_last && got ? first.rows.substr(0, kept) : first.rows;
            messages = first.messages.text();
            rejects = first.rejects.text();
            header = first.reader->header_text();
          }
          const std::string read1 = file_text(journal1);
          ASSERT_EQ(read1, input.substr(0, read1.size()));
          ASSERT_LE(at.offset, read1.size());
          const int replay = ::open(("/proc/self/fd/" + std::to_string(journal1)).c_str(), O_RDONLY);
          ASSERT_GE(replay, 0);
          ASSERT_EQ(::lseek(replay, static_cast<off_t>(at.offset), SEEK_SET), static_cast<off_t>(at.offset));
          ReadOptions options2 = block_options(block);
          options2.prefix = header;
          options2.replay_fd = replay;
          options2.tee_fd = journal2;
          {
            Feeder rest(input.substr(read1.size()));
            Reading second(Format::Detect, rest.in(), id_text(), options2);
            std::string error;
            ASSERT_TRUE(second.reader->seek(at, &error)) << error;
            second.read_all();
            rows += second.rows;
            messages += second.messages.text();
            rejects += second.rejects.text();
            EXPECT_EQ(show(rows, messages, rejects, second.reader->stats()), want);
            EXPECT_EQ(second.reader->position().offset, input.size());
          }
          EXPECT_EQ(read1 + file_text(journal2), input);
          ::close(replay);
          ::close(journal1);
          ::close(journal2);
        }
      }
    }
  }
}

TEST(IoStdinJournal, AJournalThatCannotBeWrittenOrReadIsAReadError) {
  {
    Feeder feed(kCsv);
    ReadOptions options;
    options.tee_fd = ::open("/dev/full", O_WRONLY);
    ASSERT_GE(options.tee_fd, 0);
    Collected messages;
    RejectSink sink(messages.file());
    auto reader = open_csv_reader("<stdin>", feed.in(), id_text(), sink, options);
    std::string error;
    EXPECT_FALSE(reader->open(&error));
    EXPECT_EQ(error, "<stdin>: cannot copy the input to the journal: No space left on device");
    ::close(options.tee_fd);
  }
  {
    ReadOptions options;
    options.replay_fd = ::open("/dev/null", O_WRONLY);  // not readable
    ASSERT_GE(options.replay_fd, 0);
    std::FILE* empty = std::fopen("/dev/null", "r");
    Collected messages;
    RejectSink sink(messages.file());
    auto reader = open_jsonl_reader("<stdin>", empty, id_text(), sink, options);
    std::string error;
    ASSERT_TRUE(reader->open(&error)) << error;
    std::vector<uint8_t> row(id_text().layout.size);
    EXPECT_FALSE(reader->next(row.data()));
    EXPECT_EQ(reader->read_error(), "<stdin>: cannot read the journal: Bad file descriptor");
    ::close(options.replay_fd);
    std::fclose(empty);
  }
}

}  // namespace
