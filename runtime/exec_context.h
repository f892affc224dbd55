#pragma once
// What generated code receives as its first argument. Generated code reads `operators` and
// `outputs` (their offsets are part of the runtime interface, docs/runtime-interface.md) and
// reaches everything else through runtime functions.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vlac::rt {

/// Per-row scratch memory for computed strings (concatenation, UPPER, CAST to STRING). Reset
/// before each input row; strings a row produces live until the row has been fully processed.
class ScratchArena {
 public:
  char* alloc(uint32_t n) {
    if (used_ + n > buf_.size()) {
      // Grow into a fresh buffer; the old one stays alive until the next reset, because
      // earlier strings of this row may point into it.
      retired_.push_back(std::move(buf_));
      buf_.assign(n > 65536 ? n : 65536, 0);
      used_ = 0;
    }
    char* out = buf_.data() + used_;
    used_ += n;
    return out;
  }
  void reset() {
    used_ = 0;
    retired_.clear();
  }

 private:
  std::vector<char> buf_;
  std::vector<std::vector<char>> retired_;
  size_t used_ = 0;
};

struct ExecContext {
  void** operators = nullptr;  // offset 0: runtime operator objects by id
  void** outputs = nullptr;    // offset 8: output sinks by id
  /// offset 16: for `--stats`, per pipeline p with a Filter step, [2p] rows in and [2p+1] rows
  /// out (past its filters: WHERE, HAVING); null when nothing counts (then nothing is counted).
  uint64_t* pipeline_rows = nullptr;
  ScratchArena scratch;
};

}  // namespace vlac::rt
