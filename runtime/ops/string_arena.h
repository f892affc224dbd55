#pragma once
// Owns the bytes of strings kept in operator state (group keys, MIN/MAX/FIRST/LAST values).
// Strings are copied in once, when a group is created or a value replaced, and freed together
// when the state that owns the arena (a fired window, a closed session) goes away.

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace vlac::rt {

class StringArena {
 public:
  const char* copy(const char* data, uint32_t size) {
    if (size == 0) return "";
    if (used_ + size > capacity_) grow(size);
    char* out = chunks_.back().get() + used_;
    std::memcpy(out, data, size);
    used_ += size;
    return out;
  }
  void clear() {
    chunks_.clear();
    used_ = capacity_ = 0;
  }

 private:
  void grow(uint32_t at_least) {
    capacity_ = at_least > kChunk ? at_least : kChunk;
    chunks_.push_back(std::make_unique<char[]>(capacity_));
    used_ = 0;
  }
  static constexpr uint32_t kChunk = 4096;
  std::vector<std::unique_ptr<char[]>> chunks_;
  uint32_t used_ = 0, capacity_ = 0;
};

}  // namespace vlac::rt
