#pragma once
// What the trials of `--threads` share (LANGUAGE.md §11): a keyed aggregate tried in partitions
// against the run's thread (partitioned_aggregate.h), the outputs tried on their own thread
// against it (output_thread.h). Each times a few stretches of rows each way and keeps the
// threads only when they were clearly faster.

#include <chrono>

namespace vlac::rt::trial {

/// How much faster (rows per second) the way with more threads must have been to be kept:
/// less is within the noise of so short a measurement, and one thread takes less CPU.
constexpr double kFasterBy = 1.05;

/// Whether the way with more threads, at `threaded` rows per second, beat `one` by kFasterBy.
inline bool threads_win(double threaded, double one) { return threaded > kFasterBy * one; }

/// A monotonic clock, in seconds.
inline double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace vlac::rt::trial
