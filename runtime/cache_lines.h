#pragma once
// Data that one thread writes on every row while other threads run (`--threads`, LANGUAGE.md
// §11) must not share a cache line with anything another thread touches: each write would take
// the line from that thread's core, and the two would stall each other on every row. Which
// neighbour the allocator picks changes from run to run, so such false sharing shows as runs
// that are sometimes 1.4x slower (docs/benchmarks.md, "The slow two-thread runs were false
// sharing"). Such objects are alignas(kCacheLine), so that `new` gives them whole lines; such
// buffers are LineVectors.

#include <cstddef>
#include <new>
#include <vector>

namespace vlac::rt {

inline constexpr size_t kCacheLine = 64;

/// Allocates whole cache lines: nothing else is allocated on the lines it hands out.
template <class T>
struct LineAllocator {
  using value_type = T;
  LineAllocator() = default;
  template <class U>
  LineAllocator(const LineAllocator<U>&) {}

  T* allocate(size_t n) { return static_cast<T*>(::operator new(bytes(n), std::align_val_t{kCacheLine})); }
  void deallocate(T* p, size_t) { ::operator delete(static_cast<void*>(p), std::align_val_t{kCacheLine}); }
  template <class U>
  bool operator==(const LineAllocator<U>&) const { return true; }

 private:
  static size_t bytes(size_t n) { return (n * sizeof(T) + kCacheLine - 1) / kCacheLine * kCacheLine; }
};

template <class T>
using LineVector = std::vector<T, LineAllocator<T>>;

}  // namespace vlac::rt
