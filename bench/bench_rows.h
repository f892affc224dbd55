#pragma once
// What the engine benchmarks share (bench/engine_bench.cpp, bench/cam_stats_bench.cpp): input
// rows held in memory, a reader that serves them to the engine, a null sink that counts result
// rows, and a clock. The engine is then measured without parsing or formatting.

#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/io/row_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/row_layout.h"

namespace vlac::bench {

using Clock = std::chrono::steady_clock;
inline double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

inline std::string read_text_file(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Rows of one layout, back to back, with the bytes of their strings kept alongside (a reader's
/// strings are valid only until its next call, so they are copied here).
class MemoryRows {
 public:
  explicit MemoryRows(const rt::RowLayout& layout) : layout_(layout) {}

  uint32_t row_size() const { return layout_.size; }
  size_t size() const { return layout_.size ? data_.size() / layout_.size : 0; }
  const std::vector<uint8_t>& data() const { return data_; }

  /// A zeroed row at the end, to fill in place (valid until the next add()).
  uint8_t* add() {
    data_.resize(data_.size() + layout_.size, 0);
    return data_.data() + data_.size() - layout_.size;
  }

  /// Copies every row `reader` (already open) gives, strings included. Returns the rows read.
  size_t read_all(rt::RowReader& reader) {
    std::vector<uint8_t> row(layout_.size);
    size_t n = 0;
    while (reader.next(row.data())) {
      own_strings(row.data());
      data_.insert(data_.end(), row.begin(), row.end());
      ++n;
    }
    return n;
  }

 private:
  void own_strings(uint8_t* row) {
    for (const rt::Field& f : layout_.fields) {
      if (f.type != rt::FieldType::String || rt::is_null(row, f)) continue;
      rt::StringRef s = rt::get<rt::StringRef>(row, f);
      if (s.size == 0) continue;
      if (chunks_.empty() || chunk_used_ + s.size > kChunk) {
        chunks_.push_back(std::make_unique<char[]>(s.size > kChunk ? s.size : kChunk));
        chunk_used_ = 0;
      }
      char* copy = chunks_.back().get() + chunk_used_;
      std::memcpy(copy, s.data, s.size);
      chunk_used_ += s.size;
      s.data = copy;
      rt::put(row, f, s);
    }
  }

  static constexpr size_t kChunk = 1 << 20;
  rt::RowLayout layout_;
  std::vector<uint8_t> data_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = 0;
};

/// Serves MemoryRows to the engine as an input would.
class MemoryReader final : public rt::RowReader {
 public:
  explicit MemoryReader(const MemoryRows& rows) : data_(rows.data()), size_(rows.row_size()) {}
  bool open(std::string*) override { return true; }
  bool next(uint8_t* row) override {
    if (at_ >= data_.size()) return false;
    std::memcpy(row, data_.data() + at_, size_);
    at_ += size_;
    ++stats_.read;
    ++stats_.accepted;
    return true;
  }
  const rt::InputStats& stats() const override { return stats_; }

 private:
  const std::vector<uint8_t>& data_;
  uint32_t size_;
  size_t at_ = 0;
  rt::InputStats stats_;
};

/// The null sink: counts result rows and sums one INT64 column (sum_offset >= 0), so the work
/// cannot be optimised away and results can be compared.
struct CountingSink final : rt::RowWriter {
  uint64_t rows = 0;
  int64_t sum = 0;
  int32_t sum_offset = -1;
  void write(const uint8_t* row) override {
    ++rows;
    if (sum_offset >= 0) {
      int64_t v;
      std::memcpy(&v, row + sum_offset, 8);
      sum += v;
    }
  }
  void flush() override {}
  void finish() override {}
  uint64_t bytes_written() const override { return 0; }
};

}  // namespace vlac::bench
