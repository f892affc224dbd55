#pragma once
// The input of an operator test: rows, and the watermarks between them as the engine makes
// them (the largest time so far minus a bound, announced when it rises; INT64_MAX at the end).
// Shared by the window aggregate tests (slicing, state, partitions).

#include <cstdint>
#include <utility>
#include <vector>

namespace vlac::test {

/// A row, or a watermark (is_row false).
struct Step {
  bool is_row;
  std::vector<uint8_t> row;
  int64_t w;
};

/// Collects steps: each row, then the watermark when that row raised it.
class StepsBuilder {
 public:
  explicit StepsBuilder(int64_t bound) : bound_(bound) {}
  void row(std::vector<uint8_t> r, int64_t t) {
    steps_.push_back({true, std::move(r), 0});
    if (t <= max_t_) return;
    max_t_ = t;
    if (max_t_ - bound_ > w_) {
      w_ = max_t_ - bound_;
      steps_.push_back({false, {}, w_});
    }
  }
  /// The steps, ending with the watermark at INT64_MAX.
  std::vector<Step> finish() {
    steps_.push_back({false, {}, INT64_MAX});
    return std::move(steps_);
  }

 private:
  int64_t bound_;
  int64_t max_t_ = INT64_MIN, w_ = INT64_MIN;
  std::vector<Step> steps_;
};

}  // namespace vlac::test
