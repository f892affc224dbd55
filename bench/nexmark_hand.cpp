// The hand-written baseline of the Nexmark workloads (bench/suite/workloads/nexmark_*): what a
// competent programmer writes for one query without an engine, the practical limit vlac is
// compared against. Plain C++17: mmap, memchr, std::from_chars/to_chars, std:: hash maps.
//   nexmark_hand --query q0|q1|q2|q5|q7|q8|q11 --input STREAM=PATH ... --output PATH
// Reads the CSV files nexmark_gen writes (a header, then unquoted fields; columns found by name)
// and writes CSV with the columns of the workload's program.vsql, timestamps as integer ns.
// Rows are processed as they come where the query allows it (q0, q1, q2, q5, q7); windows close
// when their end is 4 s (the programs' WATERMARK bound) behind the greatest time seen, so the
// bounded disorder nexmark_gen may add changes nothing. q8 and q11 group first, then join/sweep.
// Output order may differ from vlac's; the suite compares row counts and column checksums.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kWatermarkDelay = 4 * kSecond;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "nexmark_hand: %s\n", message.c_str());
  std::exit(1);
}

int64_t to_int(std::string_view text) {
  int64_t value = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) {
    fail("not an integer: " + std::string(text));
  }
  return value;
}

// A memory-mapped CSV file read row by row; `columns` names the fields wanted, in that order.
class CsvReader {
 public:
  CsvReader(const std::string& path, std::initializer_list<std::string_view> columns) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) fail("cannot read " + path);
    size_ = static_cast<size_t>(info.st_size);
    if (size_ > 0) {
      void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED) fail("cannot map " + path);
      ::madvise(map, size_, MADV_SEQUENTIAL);
      data_ = static_cast<const char*>(map);
    }
    ::close(fd);
    end_ = data_ + size_;
    cursor_ = data_;
    std::vector<std::string_view> header;
    if (!next_line(header)) fail(path + ": no header");
    for (const std::string_view column : columns) {
      const auto found = std::find(header.begin(), header.end(), column);
      if (found == header.end()) fail(path + ": no column " + std::string(column));
      wanted_.push_back(static_cast<size_t>(found - header.begin()));
    }
    fields_.resize(wanted_.size());
  }
  ~CsvReader() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next row's wanted fields, or false at the end.
  bool next() {
    if (!next_line(line_)) return false;
    for (size_t i = 0; i < wanted_.size(); ++i) {
      if (wanted_[i] >= line_.size()) fail("short row");
      fields_[i] = line_[wanted_[i]];
    }
    return true;
  }
  std::string_view text(size_t i) const { return fields_[i]; }
  int64_t integer(size_t i) const { return to_int(fields_[i]); }

 private:
  bool next_line(std::vector<std::string_view>& fields) {
    fields.clear();
    if (cursor_ >= end_) return false;
    const char* newline = static_cast<const char*>(std::memchr(cursor_, '\n', static_cast<size_t>(end_ - cursor_)));
    const char* line_end = newline != nullptr ? newline : end_;
    const char* start = cursor_;
    cursor_ = newline != nullptr ? newline + 1 : end_;
    if (line_end > start && line_end[-1] == '\r') --line_end;
    for (;;) {
      const char* comma = static_cast<const char*>(std::memchr(start, ',', static_cast<size_t>(line_end - start)));
      if (comma == nullptr) break;
      fields.emplace_back(start, static_cast<size_t>(comma - start));
      start = comma + 1;
    }
    fields.emplace_back(start, static_cast<size_t>(line_end - start));
    return true;
  }

  const char* data_ = nullptr;
  const char* end_ = nullptr;
  const char* cursor_ = nullptr;
  size_t size_ = 0;
  std::vector<size_t> wanted_;
  std::vector<std::string_view> line_;
  std::vector<std::string_view> fields_;
};

// Buffered CSV output without allocation per value. Strings are written as they are: the
// generator's strings hold no comma, quote or newline.
class CsvWriter {
 public:
  CsvWriter(const std::string& path, std::string_view header) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) fail("cannot write " + path);
    buffer_.resize(1 << 20);
    append(header);
    end_row();
  }
  ~CsvWriter() {
    flush();
    std::fclose(file_);
  }
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  CsvWriter& integer(int64_t value) {
    separate();
    used_ = static_cast<size_t>(std::to_chars(&buffer_[used_], &buffer_[0] + buffer_.size(), value).ptr - &buffer_[0]);
    return *this;
  }
  CsvWriter& real(double value) {  // shortest round-trip form, as vlac writes FLOAT64
    separate();
    used_ = static_cast<size_t>(std::to_chars(&buffer_[used_], &buffer_[0] + buffer_.size(), value).ptr - &buffer_[0]);
    return *this;
  }
  CsvWriter& text(std::string_view value) {
    separate();
    if (value.size() > 4096) fail("field too long");
    append(value);
    return *this;
  }
  void end_row() {
    buffer_[used_++] = '\n';
    first_ = true;
    if (used_ > buffer_.size() - 8192) flush();
  }

 private:
  void separate() {
    if (!first_) buffer_[used_++] = ',';
    first_ = false;
  }
  void append(std::string_view value) {
    std::memcpy(&buffer_[used_], value.data(), value.size());
    used_ += value.size();
  }
  void flush() {
    std::fwrite(buffer_.data(), 1, used_, file_);
    used_ = 0;
  }
  std::FILE* file_;
  std::string buffer_;
  size_t used_ = 0;
  bool first_ = true;
};

int64_t window_start(int64_t time, int64_t size) {
  const int64_t rest = time % size;
  return time - (rest < 0 ? rest + size : rest);
}

// Open windows keyed by their start, each with per-query state; `close` hands a window whose end
// the watermark (greatest time seen - 4 s) has reached to `emit`, in order of window start.
template <typename State>
class OpenWindows {
 public:
  explicit OpenWindows(int64_t size) : size_(size) {}
  State& at(int64_t start) { return windows_[start]; }
  template <typename Emit>
  void advance(int64_t time, Emit&& emit) {
    if (time <= max_time_) return;
    max_time_ = time;
    close_before(max_time_ - kWatermarkDelay, emit);
  }
  template <typename Emit>
  void finish(Emit&& emit) {
    close_before(INT64_MAX, emit);
  }

 private:
  template <typename Emit>
  void close_before(int64_t watermark, Emit& emit) {
    while (!windows_.empty() && windows_.begin()->first <= watermark - size_) {
      emit(windows_.begin()->first, windows_.begin()->second);
      windows_.erase(windows_.begin());
    }
  }
  int64_t size_;
  int64_t max_time_ = INT64_MIN;
  std::map<int64_t, State> windows_;
};

using Inputs = std::unordered_map<std::string, std::string>;

const std::string& input(const Inputs& inputs, const std::string& name) {
  const auto found = inputs.find(name);
  if (found == inputs.end()) fail("missing --input " + name + "=PATH");
  return found->second;
}

// q0 (pass-through) and q1 (price * 0.908): every bid, parsed and written again.
void pass_through(const Inputs& inputs, const std::string& output, bool convert) {
  CsvReader bid(input(inputs, "bid"), {"auction", "bidder", "price", "channel", "date_time"});
  CsvWriter out(output, "auction,bidder,price,channel,date_time");
  while (bid.next()) {
    out.integer(bid.integer(0)).integer(bid.integer(1));
    if (convert) {
      out.real(static_cast<double>(bid.integer(2)) * 0.908);
    } else {
      out.integer(bid.integer(2));
    }
    out.text(bid.text(3)).integer(bid.integer(4)).end_row();
  }
}

// q2: the bids on auctions whose id is a multiple of 123.
void q2(const Inputs& inputs, const std::string& output) {
  CsvReader bid(input(inputs, "bid"), {"auction", "price"});
  CsvWriter out(output, "auction,price");
  while (bid.next()) {
    const int64_t auction = bid.integer(0);
    if (auction % 123 == 0) out.integer(auction).integer(bid.integer(1)).end_row();
  }
}

// q5: bids per auction per HOP(2 s, 10 s) window; per window the auctions with the most bids.
void q5(const Inputs& inputs, const std::string& output) {
  constexpr int64_t kSlide = 2 * kSecond;
  constexpr int64_t kSize = 10 * kSecond;
  CsvReader bid(input(inputs, "bid"), {"auction", "date_time"});
  CsvWriter out(output, "auction,window_start,window_end,num");
  OpenWindows<std::unordered_map<int64_t, int64_t>> windows(kSize);
  const auto emit = [&](int64_t start, const std::unordered_map<int64_t, int64_t>& counts) {
    int64_t most = 0;
    for (const auto& [auction, count] : counts) most = std::max(most, count);
    for (const auto& [auction, count] : counts) {
      if (count == most) out.integer(auction).integer(start).integer(start + kSize).integer(count).end_row();
    }
  };
  while (bid.next()) {
    const int64_t auction = bid.integer(0);
    const int64_t time = bid.integer(1);
    const int64_t last_start = window_start(time, kSlide);
    for (int64_t start = last_start; start > time - kSize; start -= kSlide) ++windows.at(start)[auction];
    windows.advance(time, emit);
  }
  windows.finish(emit);
}

// q7: per TUMBLE(10 s) window the highest price and the bids that carry it.
void q7(const Inputs& inputs, const std::string& output) {
  constexpr int64_t kSize = 10 * kSecond;
  struct Bid {
    int64_t auction, bidder, date_time;
  };
  struct Highest {
    int64_t price = INT64_MIN;
    std::vector<Bid> bids;
  };
  CsvReader bid(input(inputs, "bid"), {"auction", "bidder", "price", "date_time"});
  CsvWriter out(output, "auction,bidder,price,date_time,window_end");
  OpenWindows<Highest> windows(kSize);
  const auto emit = [&](int64_t start, const Highest& highest) {
    for (const Bid& b : highest.bids) {
      out.integer(b.auction).integer(b.bidder).integer(highest.price).integer(b.date_time).integer(start + kSize).end_row();
    }
  };
  while (bid.next()) {
    const int64_t price = bid.integer(2);
    const int64_t time = bid.integer(3);
    Highest& highest = windows.at(window_start(time, kSize));
    if (price > highest.price) {
      highest.price = price;
      highest.bids.clear();
    }
    if (price == highest.price) highest.bids.push_back({bid.integer(0), bid.integer(1), time});
    windows.advance(time, emit);
  }
  windows.finish(emit);
}

struct PairHash {
  size_t operator()(const std::pair<int64_t, int64_t>& p) const {
    return std::hash<int64_t>()(p.first * 0x9e3779b97f4a7c15ULL ^ p.second);
  }
};

// q8: persons who entered and created an auction in the same TUMBLE(10 s) window.
void q8(const Inputs& inputs, const std::string& output) {
  constexpr int64_t kSize = 10 * kSecond;
  CsvReader person(input(inputs, "person"), {"id", "name", "date_time"});
  // (window start, id) -> name; the mapped file outlives the views.
  std::unordered_map<std::pair<int64_t, int64_t>, std::string_view, PairHash> persons;
  while (person.next()) persons.emplace(std::make_pair(window_start(person.integer(2), kSize), person.integer(0)), person.text(1));
  CsvReader auction(input(inputs, "auction"), {"seller", "date_time"});
  std::unordered_set<std::pair<int64_t, int64_t>, PairHash> sellers;
  CsvWriter out(output, "id,name,window_start");
  while (auction.next()) {
    const auto key = std::make_pair(window_start(auction.integer(1), kSize), auction.integer(0));
    if (!sellers.insert(key).second) continue;
    const auto found = persons.find(key);
    if (found != persons.end()) out.integer(key.second).text(found->second).integer(key.first).end_row();
  }
}

// q11: bids per bidder per SESSION window with a 10 s gap.
void q11(const Inputs& inputs, const std::string& output) {
  constexpr int64_t kGap = 10 * kSecond;
  CsvReader bid(input(inputs, "bid"), {"bidder", "date_time"});
  std::unordered_map<int64_t, std::vector<int64_t>> times;
  while (bid.next()) times[bid.integer(0)].push_back(bid.integer(1));
  CsvWriter out(output, "bidder,bid_count,window_start,window_end");
  for (auto& [bidder, list] : times) {
    if (!std::is_sorted(list.begin(), list.end())) std::sort(list.begin(), list.end());
    size_t first = 0;
    for (size_t i = 1; i <= list.size(); ++i) {
      if (i == list.size() || list[i] - list[i - 1] >= kGap) {
        out.integer(bidder).integer(static_cast<int64_t>(i - first)).integer(list[first]).integer(list[i - 1] + kGap).end_row();
        first = i;
      }
    }
  }
}

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: nexmark_hand --query q0|q1|q2|q5|q7|q8|q11 --input STREAM=PATH ... --output PATH\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string query;
  std::string output;
  Inputs inputs;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) usage();
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--query") {
      query = value;
    } else if (flag == "--output") {
      output = value;
    } else if (flag == "--input" && value.find('=') != std::string::npos) {
      inputs[value.substr(0, value.find('='))] = value.substr(value.find('=') + 1);
    } else {
      usage();
    }
  }
  if (output.empty()) usage();
  if (query == "q0" || query == "q1") {
    pass_through(inputs, output, query == "q1");
  } else if (query == "q2") {
    q2(inputs, output);
  } else if (query == "q5") {
    q5(inputs, output);
  } else if (query == "q7") {
    q7(inputs, output);
  } else if (query == "q8") {
    q8(inputs, output);
  } else if (query == "q11") {
    q11(inputs, output);
  } else {
    usage();
  }
  return 0;
}
