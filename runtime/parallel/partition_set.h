#pragma once
// The partitions of an operator fed by the run's thread (`vlac run --threads N`, LANGUAGE.md
// §11): partitioned_aggregate.h and partitioned_window_join.h. Partition 0 is the run's own
// thread's; each other one has a thread of its own, fed through a bounded lock-free queue of
// row batches (batch_queue.h). At a firing each partition packs what it fires, each row with an
// arrival number and its window, and the run's thread emits them merged by (window end, window
// start, arrival number): one thread's order, for the aggregate's groups and the join's left rows
// alike.

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/parallel/batch_queue.h"
#include "runtime/parallel/packed_rows.h"

namespace vlac::rt {

/// A window a partition fired rows of.
struct FiredWindow {
  int64_t end, start;
};

/// What every partition has: its queue, the rows it fired, and the merge's place in them.
struct PartitionQueue {
  BatchQueue queue;  // partitions 1..N-1: their rows
  BatchQueue::Batch* filling = nullptr;  // the batch the run's thread is filling, if any
  uint64_t rows = 0;  // rows dealt to it in this run
  // A firing: the rows it fired, packed, each with its arrival number and the index of its
  // window in `windows`.
  BatchQueue::Bytes fired;
  std::vector<FiredWindow> windows;
  // The run's thread's merge of `fired`: the next entry, and the one unpacked (null: none).
  uint8_t* next = nullptr;
  uint8_t* row = nullptr;
  int64_t seq = 0, window = 0;
  std::thread thread;

  /// Starts a firing.
  void clear_fired() {
    fired.clear();
    windows.clear();
  }
  /// The index in `windows` of the window [start, end), the last one unless it is new.
  int64_t window_index(int64_t start, int64_t end) {
    if (windows.empty() || windows.back().end != end || windows.back().start != start) windows.push_back({end, start});
    return static_cast<int64_t>(windows.size() - 1);
  }
};

/// The partitions (Part: a PartitionQueue with what the operator keeps per partition).
template <class Part>
class PartitionSet {
 public:
  ~PartitionSet() { stop(); }

  size_t size() const { return parts_.size(); }
  bool empty() const { return parts_.empty(); }
  Part& operator[](size_t p) const { return *parts_[p]; }
  const std::vector<std::unique_ptr<Part>>& all() const { return parts_; }

  /// Makes `n` partitions, calls init(part, p) on each, then starts the threads of 1..n-1, each
  /// running work(part) (which takes its batches with take()).
  template <class Init, class Work>
  void start(size_t n, Init init, Work work) {
    stop_.store(false, std::memory_order_relaxed);
    before_.resize(n, 0);
    for (size_t p = 0; p < n; ++p) {
      parts_.push_back(std::make_unique<Part>());
      init(*parts_.back(), p);
    }
    for (size_t p = 1; p < parts_.size(); ++p) parts_[p]->thread = std::thread([work, part = parts_[p].get()] { work(*part); });
  }
  /// A partition thread's next batch; null once stopped.
  BatchQueue::Batch* take(Part& part) const { return part.queue.take(stop_); }
  /// Stops and joins the threads (the partitions stay, for their state).
  void stop() {
    stop_.store(true, std::memory_order_release);
    for (size_t p = 1; p < parts_.size(); ++p) {
      if (!parts_[p]->thread.joinable()) continue;
      parts_[p]->queue.signal();
      parts_[p]->thread.join();
    }
  }
  /// Stops the threads and forgets the partitions (not the rows they took: rows()).
  void clear() {
    stop();
    before_ = rows();
    parts_.clear();
  }

  /// The batch the run's thread fills for `part`.
  BatchQueue::Batch& filling(Part& part) const {
    if (!part.filling) part.filling = &part.queue.open();
    return *part.filling;
  }
  /// One more entry in part's filling batch: handed over when it is full.
  void added(Part& part) const {
    BatchQueue::Batch& batch = *part.filling;
    if (++batch.rows >= kBatchRows || batch.bytes.size() >= kBatchBytes) publish(part);
  }
  void publish(Part& part) const {
    if (!part.filling) return;
    part.filling = nullptr;
    part.queue.publish();
  }
  /// Hands over every partial batch and waits until every partition has taken its rows.
  void drain() const {
    for (const auto& part : parts_) publish(*part);
    for (const auto& part : parts_) part->queue.wait_empty();
  }
  /// A marker (PackedRows::append_marker) after the rows of partitions 1..N-1, handed over.
  void mark_others(int64_t kind, int64_t value, bool hand_over) const {
    for (size_t p = 1; p < parts_.size(); ++p) {
      PackedRows::append_marker(filling(*parts_[p]).bytes, kind, value);
      added(*parts_[p]);
      if (hand_over) publish(*parts_[p]);
    }
  }
  /// Waits until partitions 1..N-1 have done what they were handed.
  void wait_others() const {
    for (size_t p = 1; p < parts_.size(); ++p) parts_[p]->queue.wait_empty();
  }

  /// Calls emit(row) for every partition's fired rows (packed by `packer`), merged by (window
  /// end, window start, arrival number): each partition's are in that order already.
  template <class Emit>
  void emit_fired(const PackedRows& packer, Emit emit) const {
    start_merge(packer);
    auto before = [](const Part& a, const Part& b) {
      const FiredWindow& x = a.windows[static_cast<size_t>(a.window)];
      const FiredWindow& y = b.windows[static_cast<size_t>(b.window)];
      if (x.end != y.end) return x.end < y.end;
      if (x.start != y.start) return x.start < y.start;
      return a.seq < b.seq;
    };
    for (;;) {  // the least of their heads, row by row
      Part* first = nullptr;
      for (const auto& part : parts_)
        if (part->row && (!first || before(*part, *first))) first = part.get();
      if (!first) return;
      emit(first->row);
      next_fired(packer, *first);
    }
  }

  /// Puts every partition's merge at its first fired row (unpacked by `packer` into row, seq
  /// and window; row null when it fired none).
  void start_merge(const PackedRows& packer) const {
    for (const auto& part : parts_) {
      part->next = part->fired.data();
      next_fired(packer, *part);
    }
  }
  /// Moves a partition's merge on to its next fired row.
  static void next_fired(const PackedRows& packer, Part& part) {
    if (part.next == part.fired.data() + part.fired.size()) {
      part.row = nullptr;
      return;
    }
    part.next = packer.unpack(part.next, &part.row, &part.seq, &part.window);
  }

  /// The rows each partition took in this run, over every time the partitions were started.
  std::vector<uint64_t> rows() const {
    std::vector<uint64_t> rows = before_;
    for (size_t p = 0; p < parts_.size(); ++p) rows[p] += parts_[p]->rows;
    return rows;
  }
  uint64_t total_rows() const {
    uint64_t n = 0;
    for (uint64_t r : rows()) n += r;
    return n;
  }

 private:
  // A batch is handed over when it holds this many rows or bytes: big enough that the queue's
  // synchronisation is rare, small enough that a partition starts soon.
  static constexpr uint32_t kBatchRows = 512;
  static constexpr size_t kBatchBytes = 256 * 1024;

  std::vector<std::unique_ptr<Part>> parts_;
  std::vector<uint64_t> before_;  // per partition: the rows it took before the partitions last started
  std::atomic<bool> stop_{false};
};

}  // namespace vlac::rt
