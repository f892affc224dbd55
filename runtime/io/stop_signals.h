#pragma once
// SIGINT and SIGTERM on a run (LANGUAGE.md §10, §12): stop reading, write out what was emitted,
// print the statistics if asked, and exit 128 + the signal (130, 143) without firing the open
// windows (with --drain: end the live inputs instead). The handler only records the signal and
// makes wake_fd() readable (a self-pipe); the run polls stop_flag() after every row, and a read
// of live input waits on its input and on wake_fd() together, so that it ends even when the
// signal came just before it began to wait. A second signal of the same kind kills the process
// the ordinary way (SA_RESETHAND), in case a read does not return.

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
  /// A descriptor that is readable once SIGINT or SIGTERM arrived, and stays so; -1 when no
  /// StopSignals is installed.
  static int wake_fd();
  /// 128 + the signal: 130 for SIGINT, 143 for SIGTERM.
  static int exit_status() { return 128 + signal_number(); }
};

}  // namespace vlac::rt
