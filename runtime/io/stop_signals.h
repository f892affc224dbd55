#pragma once
// SIGINT and SIGTERM on a run (LANGUAGE.md §10, §12): stop reading, write out what was emitted,
// print the statistics if asked, and exit 128 + the signal (130, 143) without firing the open
// windows. The handler only records the signal; the run polls stop_flag() after every row, and
// a blocked read of live input returns at once (no SA_RESTART). A second signal of the same kind
// kills the process the ordinary way (SA_RESETHAND), in case a read does not return.

#include <atomic>

namespace vlac::rt {

class StopSignals {
 public:
  /// Installs the handlers; the destructor restores the previous ones.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// True once SIGINT or SIGTERM arrived.
  static const std::atomic<bool>* stop_flag();
  /// The signal that arrived, or 0.
  static int signal_number();
  /// "SIGINT", "SIGTERM" or "".
  static const char* signal_name();
  /// 128 + the signal: 130 for SIGINT, 143 for SIGTERM.
  static int exit_status() { return 128 + signal_number(); }
};

}  // namespace vlac::rt
