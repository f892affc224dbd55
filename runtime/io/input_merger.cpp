#include "runtime/io/input_merger.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/io/stop_signals.h"

namespace vlac::rt {

void InputMerger::add(int stream, RowReader* reader, uint32_t row_size, int32_t time_offset) {
  cursors_.push_back({stream, reader, time_offset, std::vector<uint8_t>(row_size), false, INT64_MIN});
}

bool InputMerger::next_merged(int* stream, const uint8_t** row, int64_t* time) {
  if (!started_) {
    started_ = true;
    for (Cursor& c : cursors_) refill(c);
  } else if (last_ >= 0) {
    refill(cursors_[last_]);
  }
  last_ = earliest();
  if (last_ < 0) return false;
  const Cursor& c = cursors_[last_];
  *stream = c.stream;
  *row = c.row.data();
  *time = c.time;
  return true;
}

int InputMerger::earliest() const {
  int best = -1;
  for (size_t i = 0; i < cursors_.size(); ++i)
    if (cursors_[i].has_row && (best < 0 || cursors_[i].time < cursors_[best].time)) best = static_cast<int>(i);
  return best;
}

namespace {

int64_t wall_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

}  // namespace

bool InputMerger::next_idling(int* stream, const uint8_t** row, int64_t* time) {
  if (!started_) {
    started_ = true;
    const int64_t now = wall_ns();
    for (Cursor& c : cursors_) {
      c.wanted = true;
      c.last_row_ns = now;
    }
  } else if (last_ >= 0) {
    cursors_[last_].wanted = true;  // its row was returned: it has none until it is read again
    cursors_[last_].has_row = false;
  }
  read_wanted(false);
  last_ = earliest();
  while (last_ < 0) {  // nothing to give: wait for any input still to come, however long
    bool any = false;
    for (const Cursor& c : cursors_) any |= c.wanted;
    if (!any) return false;
    read_wanted(true);
    last_ = earliest();
  }
  const Cursor& c = cursors_[last_];
  *stream = c.stream;
  *row = c.row.data();
  *time = c.time;
  return true;
}

void InputMerger::read_wanted(bool block) {
  std::vector<pollfd> fds;
  std::vector<size_t> polled;
  for (;;) {
    fds.clear();
    polled.clear();
    const int64_t now = wall_ns();
    int64_t wait_ns = block ? -1 : 0;  // -1: no limit
    for (size_t i = 0; i < cursors_.size(); ++i) {
      Cursor& c = cursors_[i];
      if (!c.wanted) continue;
      const int fd = c.reader->wait_fd();
      if (fd < 0) {  // a file, or a record is there: no wait
        refill(c);
        c.wanted = false;
        if (c.has_row) {
          c.last_row_ns = now;
          if (c.idle) idle_changed_ = true;
          c.idle = false;
        }
        continue;
      }
      if (!c.idle) {
        const int64_t left = c.last_row_ns + idle_timeout_ns_ - now;
        if (left <= 0) {  // quiet for the timeout: idle from now on
          c.idle = true;
          idle_changed_ = true;
        } else if (!block) {
          wait_ns = wait_ns < 0 ? left : std::min(wait_ns, left);
        }
      }
      fds.push_back({fd, POLLIN, 0});
      polled.push_back(i);
    }
    if (fds.empty()) return;
    // Active inputs without a row: wait until one has something or the first turns idle. Only
    // idle ones left: look (block: wait) and go on.
    bool active_waiting = false;
    for (size_t i : polled) active_waiting |= !cursors_[i].idle;
    if (!active_waiting && !block) wait_ns = 0;
    const int timeout_ms = wait_ns < 0 ? -1 : static_cast<int>((wait_ns + 999999) / 1000000);
    // After SIGINT/SIGTERM every live input is read: what had arrived, then its end
    // (LineInput::wait_live).
    const size_t inputs = fds.size();
    if (const int wake = StopSignals::wake_fd(); wake >= 0) fds.push_back({wake, POLLIN, 0});
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno == EINTR) continue;  // the signal: the wake pipe says so next time
    const bool stopped = ready > 0 && fds.size() > inputs && fds.back().revents != 0;
    bool got = false;
    for (size_t k = 0; k < inputs; ++k) {
      if (!stopped && (ready <= 0 || fds[k].revents == 0)) continue;
      Cursor& c = cursors_[polled[k]];
      refill(c);  // something came: a row, a reject, or the end
      if (c.has_row || c.reader->wait_fd() < 0) c.wanted = false;
      if (c.has_row) {
        c.last_row_ns = wall_ns();
        if (c.idle) idle_changed_ = true;
        c.idle = false;
        got = true;
      } else if (!c.wanted) {
        got = true;  // ended
      }
    }
    if (block && got) return;
    if (!block && !active_waiting) return;
  }
}

}  // namespace vlac::rt
