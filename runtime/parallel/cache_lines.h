#pragma once
// Data that one thread writes on every row while other threads run (`--threads`, LANGUAGE.md
// §11) must not share a cache line with anything another thread touches: each write would take
// the line from that thread's core, and the two would stall each other on every row. Which
// neighbour the allocator picks changes from run to run, so such false sharing shows as runs
// that are sometimes 1.5x slower (docs/benchmarks.md, "Dealt runs"). Objects get alignas
// (kCacheLine) (so `new` gives them whole lines); buffers of a size known only at run time come
// from OwnLines.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>

namespace vlac::rt {

inline constexpr size_t kCacheLine = 64;

/// n zeroed values of T on cache lines that nothing else is allocated on.
template <class T>
class OwnLines {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T>);

 public:
  OwnLines() = default;
  explicit OwnLines(size_t n) : data_(static_cast<T*>(::operator new(bytes(n), std::align_val_t{kCacheLine}))) {
    std::memset(static_cast<void*>(data_.get()), 0, bytes(n));
  }
  T* data() const { return data_.get(); }
  T& operator[](size_t i) const { return data_.get()[i]; }

 private:
  static size_t bytes(size_t n) { return (std::max<size_t>(n * sizeof(T), 1) + kCacheLine - 1) / kCacheLine * kCacheLine; }
  struct Free {
    void operator()(T* p) const { ::operator delete(static_cast<void*>(p), std::align_val_t{kCacheLine}); }
  };
  std::unique_ptr<T, Free> data_;
};

}  // namespace vlac::rt
