// Live input (`--input NAME=-` from a pipe or terminal, LANGUAGE.md §7): a reader must return
// each record as soon as its line end has arrived, never waiting for more input. A writer
// thread feeds a pipe one record at a time and waits until the reader has returned it before
// writing the next; if the reader waited for more, the writer gives up after a timeout, closes
// the pipe (so the test ends instead of hanging) and the test fails.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"

namespace {

using namespace vlac::rt;
using namespace std::chrono_literals;

SourceSpec live_spec() {
  SourceSpec spec;
  spec.stream = "s";
  spec.column_names = {"ts", "text"};
  spec.layout = RowLayout::make({{FieldType::Timestamp, false, 0}, {FieldType::String, true, 0}});
  return spec;
}

// One step of the feed: the pieces written (with a pause between them, so that a record may
// arrive in parts), then the number of rows the reader must have returned before the next step.
struct Step {
  std::vector<std::string> pieces;
  int rows_after;
};

class Feed {
 public:
  explicit Feed(std::vector<Step> steps) : steps_(std::move(steps)) {
    if (::pipe(fds_) != 0) ADD_FAILURE() << "pipe() failed";
    in_ = ::fdopen(fds_[0], "r");
    thread_ = std::thread([this] { run(); });
  }
  ~Feed() {
    thread_.join();
    std::fclose(in_);
  }
  std::FILE* in() const { return in_; }

  /// The reader reports progress: `rows` rows returned so far (the header counts as step 0).
  void returned(int rows) {
    std::lock_guard<std::mutex> lock(m_);
    returned_ = rows;
    cv_.notify_all();
  }
  bool stalled() const { return stalled_; }

 private:
  void run() {
    for (const Step& step : steps_) {
      for (size_t i = 0; i < step.pieces.size(); ++i) {
        if (i > 0) std::this_thread::sleep_for(20ms);
        const std::string& p = step.pieces[i];
        if (::write(fds_[1], p.data(), p.size()) != static_cast<ssize_t>(p.size())) ADD_FAILURE() << "write failed";
      }
      std::unique_lock<std::mutex> lock(m_);
      if (!cv_.wait_for(lock, 5s, [&] { return returned_ >= step.rows_after; })) {
        stalled_ = true;  // the reader is waiting for input it does not need
        break;
      }
    }
    ::close(fds_[1]);
  }

  std::vector<Step> steps_;
  int fds_[2] = {-1, -1};
  std::FILE* in_ = nullptr;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  int returned_ = -1;
  bool stalled_ = false;
};

std::string text_of(const uint8_t* row, const SourceSpec& spec) {
  const Field& ts = spec.layout.fields[0];
  const Field& text = spec.layout.fields[1];
  std::string out = std::to_string(get<int64_t>(row, ts)) + ":";
  if (is_null(row, text)) return out + "NULL";
  const StringRef s = get<StringRef>(row, text);
  return out + std::string(s.data, s.size);
}

TEST(IoCsvLive, ReturnsEachRecordWithoutWaitingForMoreInput) {
  const SourceSpec spec = live_spec();
  Feed feed({{{"ts,text\n"}, 0},
             {{"1,a\n"}, 1},
             {{"2,b", "c\n"}, 2},                          // a record arriving in two parts
             {{"3,\"multi\n", "line\"\n"}, 3},             // a quoted line end: needs the next line
             {{"bad,x\n", "4,d\r\n"}, 4},                  // a rejected record, then a CRLF one
             {{"5,\"\"\n"}, 5}});
  RejectSink sink(nullptr);
  auto reader = open_csv_reader(std::string(kStdinDisplayName), feed.in(), spec, sink);
  std::string error;
  ASSERT_TRUE(reader->open(&error)) << error;
  feed.returned(0);
  std::vector<uint8_t> row(spec.layout.size);
  std::vector<std::string> got;
  while (reader->next(row.data())) {
    got.push_back(text_of(row.data(), spec));
    feed.returned(static_cast<int>(got.size()));
  }
  EXPECT_FALSE(feed.stalled()) << "next() waited for input beyond the record it returns";
  EXPECT_EQ(got, (std::vector<std::string>{"1:a", "2:bc", "3:multi\nline", "4:d", "5:"}));
  EXPECT_EQ(reader->stats().rejected, 1u);
}

TEST(IoJsonlLive, ReturnsEachRecordWithoutWaitingForMoreInput) {
  const SourceSpec spec = live_spec();
  Feed feed({{{}, 0},
             {{"{\"ts\":1,\"text\":\"a\"}\n"}, 1},
             {{"{\"ts\":2,", "\"text\":\"b\"}\n"}, 2},
             {{"\n", "{\"ts\":3}\r\n"}, 3}});
  RejectSink sink(nullptr);
  auto reader = open_jsonl_reader(std::string(kStdinDisplayName), feed.in(), spec, sink);
  std::string error;
  ASSERT_TRUE(reader->open(&error)) << error;
  feed.returned(0);
  std::vector<uint8_t> row(spec.layout.size);
  std::vector<std::string> got;
  while (reader->next(row.data())) {
    got.push_back(text_of(row.data(), spec));
    feed.returned(static_cast<int>(got.size()));
  }
  EXPECT_FALSE(feed.stalled()) << "next() waited for input beyond the record it returns";
  EXPECT_EQ(got, (std::vector<std::string>{"1:a", "2:b", "3:NULL"}));
}

}  // namespace
