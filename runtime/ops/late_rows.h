#pragma once
// Where an operator reports the rows it drops as late (`vlac run --late PATH`, LANGUAGE.md §12),
// besides counting them. Every late drop goes through LateRows::drop, which counts the row and
// reports it, so the count (`--stats`) and the report can never diverge. Plain data: a function
// pointer and its argument, null by default (a predictable branch on a drop, nothing per
// accepted row). The firmware class has no report (LANGUAGE.md §9: its state is all of its RAM,
// and `vlac run --late` refuses --backend firmware): there drop() only counts.

#include <cstdint>

namespace vlac::rt {

#if defined(VLAC_FIRMWARE)
struct LateRows {
  static void drop(uint64_t* count, int, const uint8_t*, int64_t) { ++*count; }
};
#else
struct LateRows {
  /// Called with the input port (0, or a join's 1 for its right input), the operator's input
  /// row (valid during the call) and the operator's watermark that made it late (a join's: that
  /// side's).
  using Report = void (*)(void* user, int port, const uint8_t* row, int64_t watermark);
  Report report = nullptr;
  void* user = nullptr;

  /// Counts a row dropped as late into *count and reports it.
  void drop(uint64_t* count, int port, const uint8_t* row, int64_t watermark) const {
    ++*count;
    if (report) report(user, port, row, watermark);
  }
};
#endif

}  // namespace vlac::rt
