#include "runtime/io/parallel_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace vlac::rt {

namespace {

/// Where one row of a chunk begins and ends (lines relative to the chunk's start).
struct RowPosition {
  uint64_t begin_offset, begin_line;  // before_last_row() after it was read
  uint64_t end_offset, end_line;      // position() after it was read
  bool unterminated;
};

/// True when the input's first line end is a CR alone: then the input's line ends are CRs
/// (LineInput) and its line starts cannot be found by looking for '\n'.
bool has_cr_line_ends(int fd) {
  char buf[65536];
  const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] == '\n') return false;
    if (buf[i] == '\r') return i + 1 < n ? buf[i + 1] != '\n' : false;
  }
  return false;
}

/// Another FILE on the same file with its own offset (a dup() would share it).
std::FILE* reopen(int fd) {
  const int own = ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC);
  if (own < 0) return nullptr;
  std::FILE* f = ::fdopen(own, "rb");
  if (!f) ::close(own);
  return f;
}

}  // namespace

/// A chunk's rows: anonymous memory that grows by mremap (pages move, nothing is copied or
/// zeroed) and asks for huge pages. Fresh pages are what parsing on threads costs beyond the
/// parse itself: with a vector doubling per chunk, §1 at 2 M rows took 16,000 page faults
/// against 1,700 on one thread, and a fault is dear on a VM.
class RowBuffer {
 public:
  RowBuffer() = default;
  RowBuffer(const RowBuffer&) = delete;
  RowBuffer& operator=(const RowBuffer&) = delete;
  ~RowBuffer() {
    if (data_) ::munmap(data_, cap_);
  }
  uint8_t* data() const { return data_; }
  size_t capacity() const { return cap_; }
  /// Room for at least `bytes`; false when the memory cannot be had.
  bool reserve(size_t bytes) {
    if (bytes <= cap_) return true;
    constexpr size_t kHuge = size_t{2} << 20;
    const size_t want = (std::max(bytes, 2 * cap_) + kHuge - 1) / kHuge * kHuge;
    void* p = data_ ? ::mremap(data_, cap_, want, MREMAP_MAYMOVE)
                    : ::mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    ::madvise(p, want, MADV_HUGEPAGE);  // a hint: without huge pages, 4 KiB ones
    data_ = static_cast<uint8_t*>(p);
    cap_ = want;
    return true;
  }

 private:
  uint8_t* data_ = nullptr;
  size_t cap_ = 0;
};

// On cache lines of its own: its parser thread writes it on every row, while another parses the next.
struct alignas(kCacheLine) ParallelReader::Chunk {
  uint64_t index = 0;
  uint64_t begin = 0;  // the byte its parse began at
  bool ready = false;  // parsed, not yet released (under mu_)
  RowBuffer rows;
  uint64_t count = 0;
  std::vector<CollectedReject> rejects;
  std::vector<uint64_t> reject_before;  // per reject: the rows of the chunk before it
  std::vector<CollectedWarning> warnings;  // a JSON Lines reader's unknown fields, at most one
  std::vector<uint64_t> warning_before;
  std::vector<RowPosition> positions;   // per row, with ParallelReadOptions::positions
  InputPosition end;                    // after the chunk: lines and stats of the chunk alone
  std::string error;                    // a read error ended the chunk
  // The rows' strings: blocks that are reused, never moved.
  std::vector<std::vector<char>> blocks;
  size_t block = 0, used = 0;

  void clear() {
    count = 0;
    rejects.clear();
    reject_before.clear();
    warnings.clear();
    warning_before.clear();
    positions.clear();
    end = {};
    error.clear();
    block = 0;
    used = 0;
  }
  char* alloc(size_t n) {
    while (block < blocks.size() && used + n > blocks[block].size()) {
      ++block;
      used = 0;
    }
    if (block == blocks.size()) blocks.emplace_back(std::max<size_t>(n, size_t{1} << 20));
    char* out = blocks[block].data() + used;
    used += n;
    return out;
  }
};

// On cache lines of its own (runtime/cache_lines.h): its thread reads it on every row.
struct alignas(kCacheLine) ParallelReader::Worker {
  int index = 0;  // which of the threads (RowVisitor's `worker`)
  LineVector<uint8_t> row;  // a visited read: the row being parsed (written on every row)
  std::FILE* file = nullptr;
  std::vector<CollectedReject> collected;
  std::vector<CollectedWarning> warnings;
  RejectSink sink = RejectSink::collecting(&collected, &warnings);
  std::unique_ptr<RowReader> reader;
  uint64_t records = 0;  // under mu_
  std::thread thread;
  ~Worker() {
    reader.reset();
    if (file) std::fclose(file);
  }
};

ParallelReader::ParallelReader(std::string display_name, std::FILE* in, RowLayout layout, ReaderFactory make,
                               RejectSink& rejects, ParallelReadOptions options)
    : name_(std::move(display_name)), in_(in), layout_(std::move(layout)), make_(std::move(make)), rejects_(rejects),
      options_(options) {
  for (const Field& f : layout_.fields)
    if (f.type == FieldType::String) string_offsets_.push_back(f.offset);
  head_ = make_(in_, rejects_);
}

ParallelReader::~ParallelReader() { stop_workers(); }

bool ParallelReader::open(std::string* error) {
  if (!head_->open(error)) return false;
  const int fd = fileno(in_);
  struct stat st;
  if (options_.threads < 2 || fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return true;
  file_size_ = static_cast<uint64_t>(st.st_size);
  chunk_bytes_ = options_.chunk_bytes ? options_.chunk_bytes : ParallelReadOptions::kDefaultChunkBytes;
  start_ = head_->position();
  if (file_size_ < start_.offset + 2 * chunk_bytes_ || has_cr_line_ends(fd)) return true;
  // Every parser has its own FILE and reader, opened (header read) here, so that a failure
  // leaves the single reader in charge rather than failing the run.
  for (int i = 0; i <= options_.threads; ++i) {  // the last one is the run's own thread
    auto w = std::make_unique<Worker>();
    w->file = reopen(fd);
    if (w->file) w->reader = make_(w->file, w->sink);
    std::string ignored;
    if (!w->reader || !w->reader->open(&ignored)) {
      workers_.clear();
      return true;
    }
    w->index = i;
    w->row.assign(layout_.size, 0);
    workers_.push_back(std::move(w));
  }
  own_ = std::move(workers_.back());
  workers_.pop_back();
  split_ = true;
  after_ = start_;
  stats_ = start_.stats;
  return true;
}

bool ParallelReader::seek(const InputPosition& p, std::string* error) {
  if (!head_->seek(p, error)) return false;  // checks p against the file
  if (!split_) return true;
  if (started_) {
    *error = name_ + ": cannot go on from a position after reading began";
    return false;
  }
  // A last line without a line end, or too little left to split: the single reader goes on.
  if (p.ends_without_line_end || file_size_ < p.offset + 2 * chunk_bytes_) {
    split_ = false;
    return true;
  }
  start_ = p;
  after_ = p;
  stats_ = p.stats;
  return true;
}

void ParallelReader::start() {
  started_ = true;
  chunk_count_ = std::max<uint64_t>(1, (file_size_ - start_.offset + chunk_bytes_ - 1) / chunk_bytes_);
  expected_begin_ = start_.offset;
  line_base_ = start_.line;
  const size_t slots = workers_.size() + 2;
  for (size_t i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Chunk>());
  for (auto& w : workers_) w->thread = std::thread([this, p = w.get()] { work(*p); });
}

// At the end of the input: the threads stop and the chunks' memory goes.
void ParallelReader::finish() {
  stop_workers();
  cur_ = nullptr;
  slots_.clear();
  slots_.shrink_to_fit();
}

void ParallelReader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  room_.notify_all();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

uint64_t ParallelReader::line_start_at_or_after(int fd, uint64_t at) const {
  if (at == 0) return 0;
  char buf[4096];
  for (uint64_t from = at - 1; from < file_size_;) {  // a line starts after a '\n' at at-1 or later
    const ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(from));
    if (n <= 0) break;
    if (const void* nl = std::memchr(buf, '\n', static_cast<size_t>(n)))
      return from + static_cast<uint64_t>(static_cast<const char*>(nl) - buf) + 1;
    from += static_cast<uint64_t>(n);
  }
  return file_size_;
}

void ParallelReader::work(Worker& w) {
  for (;;) {
    uint64_t k;
    {
      std::unique_lock<std::mutex> lock(mu_);
      room_.wait(lock, [&] { return stopping_ || next_claim_ >= chunk_count_ || claimable(); });
      if (stopping_ || next_claim_ >= chunk_count_) return;
      k = next_claim_++;
    }
    parse_claimed(w, k);
  }
}

void ParallelReader::parse_claimed(Worker& w, uint64_t k) {
  Chunk* c = slots_[k % slots_.size()].get();
  const uint64_t begin = k == 0 ? start_.offset : line_start_at_or_after(fileno(w.file), nominal_begin(k));
  uint64_t records = 0;
  parse(w, k, begin, *c, &records);
  {
    std::lock_guard<std::mutex> lock(mu_);
    w.records += records;
    c->ready = true;
  }
  ready_.notify_all();
}

void ParallelReader::parse(Worker& w, uint64_t k, uint64_t begin, Chunk& chunk, uint64_t* records) {
  RowReader& reader = *w.reader;
  chunk.clear();
  chunk.index = k;
  chunk.begin = begin;
  w.collected.clear();
  w.warnings.clear();
  InputPosition from;
  from.offset = begin;  // lines and stats counted from here
  const uint64_t stop_at = k + 1 < chunk_count_ ? nominal_begin(k + 1) : UINT64_MAX;
  std::string error;
  if (!reader.seek_range(from, stop_at, &error)) {
    chunk.error = error;
    chunk.end = from;
    return;
  }
  if (visitor_) return parse_visited(w, k, chunk, records);
  const size_t row_size = layout_.size;
  for (;;) {
    if (!chunk.rows.reserve((chunk.count + 1) * row_size)) {
      chunk.error = name_ + ": out of memory for parsed rows";
      break;
    }
    uint8_t* row = chunk.rows.data() + chunk.count * row_size;
    const bool got = reader.next(row);
    if (has_new_reports(w, chunk)) [[unlikely]]
      note_reports(w, chunk);
    if (!got) break;
    // The reader's strings live until its next call: the chunk keeps its own copies.
    for (uint32_t off : string_offsets_) {
      StringRef s;
      std::memcpy(&s, row + off, sizeof s);
      if (s.size == 0) continue;
      char* copy = chunk.alloc(s.size);
      std::memcpy(copy, s.data, s.size);
      s.data = copy;
      std::memcpy(row + off, &s, sizeof s);
    }
    if (options_.positions) {
      const InputPosition b = reader.before_last_row(), a = reader.position();
      chunk.positions.push_back({b.offset, b.line, a.offset, a.line, a.ends_without_line_end});
    }
    ++chunk.count;
  }
  end_parse(w, chunk, records);
}

bool ParallelReader::has_new_reports(const Worker& w, const Chunk& chunk) {
  return w.collected.size() != chunk.reject_before.size() || w.warnings.size() != chunk.warning_before.size();
}

void ParallelReader::note_reports(const Worker& w, Chunk& chunk) {
  // What the reader's last call reported came before the row it returned (or the chunk's end).
  while (chunk.reject_before.size() < w.collected.size()) chunk.reject_before.push_back(chunk.count);
  while (chunk.warning_before.size() < w.warnings.size()) chunk.warning_before.push_back(chunk.count);
}

void ParallelReader::end_parse(Worker& w, Chunk& chunk, uint64_t* records) {
  chunk.rejects = std::move(w.collected);
  w.collected = {};
  chunk.warnings = std::move(w.warnings);
  w.warnings = {};
  chunk.end = w.reader->position();
  if (chunk.error.empty()) chunk.error = w.reader->read_error();
  *records = chunk.end.stats.read;
}

void ParallelReader::parse_visited(Worker& w, uint64_t k, Chunk& chunk, uint64_t* records) {
  RowReader& reader = *w.reader;
  const size_t slot = k % slots_.size();
  visitor_->begin_chunk(w.index, slot);
  for (;;) {
    const bool got = reader.next(w.row.data());
    if (has_new_reports(w, chunk)) [[unlikely]]
      note_reports(w, chunk);
    if (!got) break;
    visitor_->row(w.index, slot, w.row.data());
    ++chunk.count;
  }
  visitor_->end_chunk(w.index, slot);
  end_parse(w, chunk, records);
}

bool ParallelReader::next_visited(VisitedChunk* out) {
  if (!split_ || visited_error_) return false;
  if (!started_) start();
  if (next_chunk_ == chunk_count_) {
    stop_workers();  // the slots stay: the visitor may still be using them
    return false;
  }
  take_next_chunk();
  Chunk* c = cur_;
  cur_ = nullptr;
  // Its rejects (and the input's first warning), in the order next() reports them, where the
  // rejects before a row come before the warnings before it: nothing else is written between
  // them and the rows, which go to outputs of their own (the dealt run's condition).
  size_t warning = 0;
  for (size_t r = 0; r < c->rejects.size(); ++r) {
    for (; warning < c->warnings.size() && c->warning_before[warning] < c->reject_before[r]; ++warning)
      report_warning(c->warnings[warning]);
    report_reject(c->rejects[r]);
  }
  for (; warning < c->warnings.size(); ++warning) report_warning(c->warnings[warning]);
  stats_.read += c->count;
  stats_.accepted += c->count;
  if (!c->error.empty()) {
    read_error_ = c->error;
    visited_error_ = true;
    stop_workers();
  }
  line_base_ += c->end.line;
  expected_begin_ = c->end.offset;
  out->index = c->index;
  out->slot = c->index % slots_.size();
  out->rows = c->count;
  return true;
}

bool ParallelReader::take_next_chunk() {
  const uint64_t k = next_chunk_;
  Chunk* c = slots_[k % slots_.size()].get();
  for (std::unique_lock<std::mutex> lock(mu_); !(c->ready && c->index == k);) {
    if (next_claim_ == k && claimable()) {
      // No parser thread has taken chunk k yet: this thread parses it rather than wait.
      const uint64_t j = next_claim_++;
      lock.unlock();
      parse_claimed(*own_, j);
      lock.lock();
      continue;
    }
    ready_.wait(lock, [&] { return c->ready && c->index == k; });
  }
  ++next_chunk_;
  ++chunks_taken_;
  if (c->begin != expected_begin_) {
    // The guessed start was inside a quoted value that spans lines: parse again from the true
    // record boundary, where the chunk before ended.
    ++reparsed_;
    uint64_t records = 0;
    parse(*own_, k, expected_begin_, *c, &records);
    std::lock_guard<std::mutex> lock(mu_);
    own_->records += records;
  }
  cur_ = c;
  cur_row_ = 0;
  cur_reject_ = 0;
  cur_warning_ = 0;
  return true;
}

void ParallelReader::release(Chunk* c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    c->ready = false;
    ++released_;
  }
  room_.notify_all();
}

void ParallelReader::report_reject(const CollectedReject& r) {
  ++stats_.read;
  ++stats_.rejected;
  rejects_.reject(name_, line_base_ + r.line, r.reason, r.raw_record);
}

void ParallelReader::report_warning(const CollectedWarning& w) {
  // One reader warns once per input; each chunk's reader once per chunk.
  if (!warned_) rejects_.warn(name_, line_base_ + w.line, w.message);
  warned_ = true;
}

bool ParallelReader::next(uint8_t* row) {
  if (!split_) return head_->next(row);
  returned_row_ = false;
  if (!started_) start();
  while (!rejects_.should_stop()) {
    if (cur_) {
      if (cur_reject_ < cur_->rejects.size() && cur_->reject_before[cur_reject_] <= cur_row_) {
        report_reject(cur_->rejects[cur_reject_++]);
        continue;  // checks should_stop() before the next record, as one reader does
      }
      if (cur_warning_ < cur_->warnings.size() && cur_->warning_before[cur_warning_] <= cur_row_) {
        report_warning(cur_->warnings[cur_warning_++]);
        continue;
      }
      if (cur_row_ < cur_->count) {
        std::memcpy(row, cur_->rows.data() + cur_row_ * layout_.size, layout_.size);
        ++stats_.read;
        ++stats_.accepted;
        if (options_.positions) {
          const RowPosition& p = cur_->positions[cur_row_];
          before_ = {p.begin_offset, line_base_ + p.begin_line, {stats_.read - 1, stats_.accepted - 1, stats_.rejected}, false};
          after_ = {p.end_offset, line_base_ + p.end_line, stats_, p.unterminated};
        }
        ++cur_row_;
        returned_row_ = true;
        return true;
      }
      if (!cur_->error.empty()) {
        read_error_ = cur_->error;
        return false;
      }
      line_base_ += cur_->end.line;
      expected_begin_ = cur_->end.offset;
      // A chunk of no lines (guessed at the end of the file) began after a last line without a
      // line end as readily as after one with it: its reader cannot know, the chunk before does.
      const bool unterminated = cur_->end.line > 0 ? cur_->end.ends_without_line_end : after_.ends_without_line_end;
      after_ = {cur_->end.offset, line_base_, stats_, unterminated};
      release(cur_);
      cur_ = nullptr;
    }
    if (next_chunk_ == chunk_count_) {
      finish();
      return false;
    }
    take_next_chunk();
  }
  return false;
}

InputPosition ParallelReader::position() const {
  if (!split_) return head_->position();
  InputPosition p = after_;
  p.stats = stats_;
  return p;
}

InputPosition ParallelReader::before_last_row() const {
  if (!split_) return head_->before_last_row();
  return returned_row_ ? before_ : position();
}

ParallelReadStats ParallelReader::parallel_stats() const {
  ParallelReadStats s;
  s.parallel = split_;
  if (!split_) return s;
  s.chunks = chunks_taken_;
  s.reparsed = reparsed_;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& w : workers_) s.rows_per_thread.push_back(w->records);
  s.rows_per_thread.push_back(own_->records);
  return s;
}

}  // namespace vlac::rt
