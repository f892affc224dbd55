#pragma once
// A bounded single-producer single-consumer queue of row batches, between the run's thread and
// one partition's thread (hosted `--threads`, LANGUAGE.md §11). Lock-free: the producer owns
// one counter and the consumer the other; a side that has to wait sleeps in std::atomic::wait
// (a futex), so an idle partition costs no core. Slots are reused and keep their buffers'
// capacity, so after warm-up a row allocates nothing.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include <sys/mman.h>

namespace vlac::rt {

class BatchQueue {
 public:
  static constexpr uint32_t kSlots = 8;
  /// A growing byte buffer that, unlike std::vector, does not zero what it grows by. It grows
  /// with realloc: a large block is then moved by remapping its pages, not copied into fresh
  /// ones (which a dealt run's lists, megabytes each, paid for in copies and page faults).
  /// What it grows by is then faulted in with one call (prefault()), not a page at a time.
  class Bytes {
   public:
    uint8_t* data() { return data_.get(); }
    size_t size() const { return size_; }
    void clear() { size_ = 0; }
    /// n more bytes at the end, uninitialised.
    uint8_t* grow(size_t n) {
      if (size_ + n > capacity_) {
        const size_t capacity = std::max(2 * capacity_, size_ + n);
        void* bigger = std::realloc(data_.get(), capacity);
        if (!bigger) throw std::bad_alloc();
        data_.release();
        data_.reset(static_cast<uint8_t*>(bigger));
        prefault(static_cast<uint8_t*>(bigger) + capacity_, static_cast<uint8_t*>(bigger) + capacity);
        capacity_ = capacity;
      }
      size_ += n;
      return data_.get() + size_ - n;
    }

   private:
    /// Maps the whole pages in [from, to) now. Touched one at a time, each page is a fault: a
    /// dealt run's lists (about 6 MB a chunk, in chunk_slots() slots) took some 6,000 faults
    /// to fill the first time, 30-40 ms of a 2 M-row run on a VM, where a fault is dear
    /// (docs/benchmarks.md, "Dealt lists faulted in at once"). Where MADV_POPULATE_WRITE is
    /// unknown (Linux before 5.14) the call fails and the pages fault as before.
    static void prefault(uint8_t* from, uint8_t* to) {
      constexpr uintptr_t kPage = 4096, kLeast = 64 * 1024;  // below 16 pages, faults cost little
      const uintptr_t b = (reinterpret_cast<uintptr_t>(from) + kPage - 1) & ~(kPage - 1);
      const uintptr_t e = reinterpret_cast<uintptr_t>(to) & ~(kPage - 1);
#ifdef MADV_POPULATE_WRITE
      if (e > b && e - b >= kLeast) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_POPULATE_WRITE);
#else
      (void)b, (void)e, (void)kLeast;
#endif
    }
    struct Free {
      void operator()(uint8_t* p) const { std::free(p); }
    };
    std::unique_ptr<uint8_t, Free> data_;
    size_t size_ = 0, capacity_ = 0;
  };
  struct Batch {
    Bytes bytes;
    uint32_t rows = 0;
  };

  // ---- the producer (the run's thread) ----
  /// The next slot to fill, emptied; waits while every slot is published and not yet finished.
  Batch& open() {
    const uint32_t h = head_.load(std::memory_order_relaxed);
    for (uint32_t t = tail_.load(std::memory_order_acquire); h - t == kSlots; t = tail_.load(std::memory_order_acquire))
      tail_.wait(t, std::memory_order_acquire);
    Batch& b = slots_[h % kSlots];
    b.bytes.clear();
    b.rows = 0;
    return b;
  }
  /// Hands the slot open() returned to the consumer.
  void publish() {
    head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    signal();
  }
  /// Waits until the consumer has finished every published batch: what it did is then visible.
  void wait_empty() const {
    const uint32_t h = head_.load(std::memory_order_relaxed);
    for (uint32_t t = tail_.load(std::memory_order_acquire); t != h; t = tail_.load(std::memory_order_acquire))
      tail_.wait(t, std::memory_order_acquire);
  }
  /// Wakes the consumer to look at `stop` (take()).
  void signal() {
    signal_.fetch_add(1, std::memory_order_release);
    signal_.notify_one();
  }

  // ---- the consumer (the partition's thread) ----
  /// The next published batch, waiting for one; null once `stop` is set (and signal() called).
  Batch* take(const std::atomic<bool>& stop) {
    const uint32_t t = tail_.load(std::memory_order_relaxed);
    for (;;) {
      const uint32_t s = signal_.load(std::memory_order_acquire);
      if (head_.load(std::memory_order_acquire) != t) return &slots_[t % kSlots];
      if (stop.load(std::memory_order_acquire)) return nullptr;
      signal_.wait(s, std::memory_order_acquire);
    }
  }
  /// The batch take() returned is done with.
  void release() {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    tail_.notify_one();
  }

 private:
  std::array<Batch, kSlots> slots_;
  alignas(64) std::atomic<uint32_t> head_{0};    // batches published (the producer's)
  alignas(64) std::atomic<uint32_t> tail_{0};    // batches finished (the consumer's)
  alignas(64) std::atomic<uint32_t> signal_{0};  // bumped to wake the consumer
};

}  // namespace vlac::rt
