// The REPL's session (tools/repl/session.h) in-process: statements accumulate, errors point
// into what was typed and are not added, queries run over bound inputs, completion.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "frontend/frontend.h"
#include "repl/completion.h"
#include "repl/session.h"

namespace vlac::repl {
namespace {

const std::string kCamera = std::string(VLAC_SOURCE_DIR) + "/tests/repl/camera.csv";

const char* kDeclare =
    "CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, frame_id INT64, brightness FLOAT32,\n"
    "                      objects INT32, WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);\n";

/// A session whose output and messages go to memory.
class Captured {
 public:
  Captured() {
    io_.out = open_memstream(&out_buf_, &out_size_);
    io_.err = open_memstream(&err_buf_, &err_size_);
    session_ = std::make_unique<Session>(io_);
  }
  ~Captured() {
    session_.reset();
    std::fclose(io_.out);
    std::fclose(io_.err);
    std::free(out_buf_);
    std::free(err_buf_);
  }
  Session& s() { return *session_; }
  void feed(const std::string& text) {
    size_t i = 0;
    while (i < text.size()) {
      size_t e = text.find('\n', i);
      e = e == std::string::npos ? text.size() : e + 1;
      session_->feed_line(text.substr(i, e - i));
      i = e;
    }
  }
  /// What was printed since the last call.
  std::string out() { return take(io_.out, out_buf_, out_size_, out_seen_); }
  std::string err() { return take(io_.err, err_buf_, err_size_, err_seen_); }

 private:
  static std::string take(std::FILE* f, char*& buf, size_t& size, size_t& seen) {
    std::fflush(f);
    std::string s(buf + seen, size - seen);
    seen = size;
    return s;
  }
  SessionIo io_;
  char *out_buf_ = nullptr, *err_buf_ = nullptr;
  size_t out_size_ = 0, err_size_ = 0, out_seen_ = 0, err_seen_ = 0;
  std::unique_ptr<Session> session_;
};

TEST(ReplSession, CreateStreamIsAddedAndConfirmed) {
  Captured c;
  c.feed(kDeclare);
  EXPECT_EQ(c.out(), "created source stream camera (5 columns, event time ts)\n");
  EXPECT_EQ(c.err(), "");
  EXPECT_EQ(c.s().statements().size(), 1u);
  EXPECT_EQ(c.s().errors(), 0);
}

TEST(ReplSession, ErrorsPointIntoTheStatementAsTyped) {
  Captured c;
  c.feed(kDeclare);
  c.out();
  c.feed("SELECT cam_id,\n  brightnes\nFROM camera;\n");
  std::string err = c.err();
  EXPECT_NE(err.find("<repl>:2:3: error: unknown column 'brightnes'"), std::string::npos) << err;
  EXPECT_NE(err.find(" 2 |   brightnes"), std::string::npos) << err;
  EXPECT_NE(err.find("did you mean 'brightness'?"), std::string::npos) << err;
  EXPECT_EQ(c.s().errors(), 1);
}

TEST(ReplSession, ABrokenStatementIsNotAdded) {
  Captured c;
  c.feed(kDeclare);
  c.feed("CREATE STREAM bright AS SELECT nope FROM camera;\n");
  EXPECT_EQ(c.s().statements().size(), 1u);
  EXPECT_NE(c.err().find("<repl>:1:32: error: unknown column 'nope'"), std::string::npos);
  // A duplicate declaration names the session, not a line of its hidden program text.
  c.feed("CREATE STREAM camera (x INT32);\n");
  std::string err = c.err();
  EXPECT_NE(err.find("stream 'camera' is already declared"), std::string::npos) << err;
  EXPECT_NE(err.find("declared earlier in this session"), std::string::npos) << err;
  EXPECT_EQ(c.s().statements().size(), 1u);
}

TEST(ReplSession, QueryPrintsATableAndCountsEveryRow) {
  Captured c;
  c.feed(kDeclare);
  c.feed(".input camera=" + kCamera + "\n");
  c.feed(".limit 2\n");
  c.out();
  c.feed("SELECT cam_id, frame_id FROM camera;\n");
  EXPECT_EQ(c.out(),
            "cam_id  frame_id\n"
            "------  --------\n"
            "     1         0\n"
            "     2         0\n"
            "(8 rows, first 2 shown)\n");
  EXPECT_EQ(c.err(), "");
}

TEST(ReplSession, DerivedStreamsAreReadNotRun) {
  Captured c;
  c.feed(kDeclare);
  c.feed("CREATE STREAM bright AS SELECT cam_id, ts FROM camera WHERE brightness > 0.1;\n");
  EXPECT_EQ(c.out(),
            "created source stream camera (5 columns, event time ts)\n"
            "created derived stream bright (2 columns, event time ts)\n");
  c.feed(".input camera=" + kCamera + "\n");
  c.feed("SELECT COUNT(*) AS n FROM bright;\n");
  EXPECT_EQ(c.out(), "n\n-\n6\n(1 row)\n");
}

TEST(ReplSession, MissingInputIsAnError) {
  Captured c;
  c.feed(kDeclare);
  c.out();
  c.feed("SELECT cam_id FROM camera;\n");
  EXPECT_EQ(c.out(), "");
  EXPECT_NE(c.err().find("error: stream 'camera' has no input"), std::string::npos);
  EXPECT_EQ(c.s().errors(), 1);
}

TEST(ReplSession, SavedProgramChecks) {
  Captured c;
  c.feed(kDeclare);
  c.feed("CREATE STREAM stats AS SELECT cam_id, COUNT(*) AS n\n"
         "FROM TUMBLE(camera, ts, INTERVAL '1' SECOND) GROUP BY cam_id, window_start, window_end;\n");
  ASSERT_EQ(c.s().statements().size(), 2u);
  Compilation check = compile_program("saved.vsql", c.s().program_text());
  EXPECT_FALSE(check.diags.has_errors()) << render_report(*check.file, check.diags);
  EXPECT_EQ(check.program.outputs.size(), 1u);
}

TEST(ReplSession, MetaCommandErrors) {
  Captured c;
  c.feed(".schem\n");
  EXPECT_NE(c.err().find("did you mean '.schema'?"), std::string::npos);
  c.feed(".format xml\n");
  EXPECT_NE(c.err().find("unknown format 'xml'"), std::string::npos);
  c.feed(".input camera=x.csv\n");
  EXPECT_NE(c.err().find("no source stream 'camera'"), std::string::npos);
  EXPECT_EQ(c.s().errors(), 3);
  c.feed(".quit\n");
  EXPECT_TRUE(c.s().quit_requested());
}

TEST(ReplCompletion, KeywordsStreamsColumnsAndCommands) {
  Captured c;
  c.feed(kDeclare);
  Catalog cat = c.s().catalog();
  Completions k = complete(cat, "", "SEL");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"SELECT"}));
  k = complete(cat, "", "sel");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"select"}));
  k = complete(cat, "", "SELECT cam_id FROM ca");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"camera"}));
  EXPECT_EQ(k.word, "ca");
  k = complete(cat, "", "SELECT bri");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"brightness"}));
  k = complete(cat, "SELECT ts,\n", "  obj");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"objects"}));
  k = complete(cat, "", "SELECT c.fr");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"frame_id"}));
  k = complete(cat, "", "SELECT 'bri");  // inside a string: nothing
  EXPECT_TRUE(k.candidates.empty());
  k = complete(cat, "", ".sch");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{".schema"}));
  k = complete(cat, "", ".schema ca");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"camera"}));
  k = complete(cat, "", ".input ca");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"camera="}));
  EXPECT_FALSE(k.add_space);
  k = complete(cat, "", ".format j");
  EXPECT_EQ(k.candidates, (std::vector<std::string>{"jsonl"}));
  EXPECT_EQ(common_prefix({"window_end", "window_start"}), "window_");
}

}  // namespace
}  // namespace vlac::repl
