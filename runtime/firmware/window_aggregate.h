#pragma once
// Firmware WindowAggregate and WindowAssign: fixed-capacity versions of rt::WindowAggregateOp and
// rt::WindowAssignOp (runtime/ops/window_aggregate.{h,cpp}), with the same rows, output order and
// counters. See fw_common.h for the firmware rules.
//
// WindowAggregate<Ctx, K, kInSize, kKeySize, kAccSize, kOutSize, kMaxKeys, kMaxOpenWindows>
//   TUMBLE, HOP, CUMULATE, end-of-input GROUP BY: kMaxOpenWindows windows open at once, each
//   with at most kMaxKeys groups (the hosted max_open_windows and max_keys). A row that fits in
//   none of its windows because a window or group table is full is counted capacity_dropped; one
//   whose windows have all fired, late_dropped (a row with both counts as capacity, as hosted).
//   Windowed state: kMaxOpenWindows * kMaxKeys * (kKeySize + kAccSize + ~12) bytes.
//   SESSION: at most kMaxKeys keys (keys are never forgotten, as hosted: a new key beyond them is
//   dropped), each with at most kMaxOpenWindows open sessions.
//   Session state: kMaxKeys * (kKeySize + kMaxOpenWindows * (kAccSize + 24) + ~16) bytes; the
//   two share storage (a union), so the operator's size is the larger of the two.
//
// K (all static):
//   void key(Ctx*, const uint8_t* in, uint8_t* key);           // key zeroed before
//   void update(Ctx*, uint8_t* acc, const uint8_t* in, int64_t time, int64_t seq);
//   void merge(Ctx*, uint8_t* acc, const uint8_t* other);       // SESSION merges
//   void finalize(Ctx*, const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out);
//   void emit(Ctx*, const uint8_t* row);

#include <cstddef>
#include <cstdint>

#include "runtime/firmware/fw_common.h"

namespace vlac::fw {

template <class Ctx, class K, size_t kInSize, size_t kKeySize, size_t kAccSize, size_t kOutSize, size_t kMaxKeys,
          size_t kMaxOpenWindows>
class WindowAggregate {
  static_assert(kInSize > 0 && kKeySize > 0 && kAccSize > 0 && kOutSize > 0, "row sizes must be positive");
  static_assert(kMaxKeys > 0 && kMaxOpenWindows > 0, "capacities must be positive");

 public:
  struct Config {
    WindowMode mode = WindowMode::Tumble;  // which windows (EndOfInput: GROUP BY without a window)
    int64_t size = 0;        // TUMBLE/HOP size, CUMULATE max size (ns)
    int64_t slide = 0;       // HOP slide, CUMULATE step (ns)
    int64_t gap = 0;         // SESSION gap (ns)
    int64_t offset = 0;      // window alignment offset (ns)
    int32_t time_offset = -1;  // byte offset of the INT64 event time in input rows; -1: arrival order
    bool global = false;     // EndOfInput with no keys: exactly one row even over no input
  };

  void init(Ctx* ctx, const Config& config) {
    ctx_ = ctx;
    config_ = config;
    stats_ = Stats{};
    watermark_ = INT64_MIN;
    seq_ = 0;
    if (config_.mode == WindowMode::Session) {
      state_.session.keys.clear();
      for (size_t k = 0; k < kMaxKeys; ++k) state_.session.count[k] = 0;
    } else {
      for (size_t i = 0; i < kMaxOpenWindows; ++i) state_.windows[i].used = false;
    }
    if (config_.mode == WindowMode::EndOfInput) open_window(INT64_MIN, INT64_MAX);
  }

  /// Adds one input row (kInSize bytes).
  void push(const uint8_t* row) {
    ++stats_.rows_in;
    int64_t seq = seq_++;
    int64_t t = seq;
    if (config_.time_offset >= 0) t = load_i64(row + config_.time_offset);
    __builtin_memset(key_buf_, 0, kKeySize);
    K::key(ctx_, row, key_buf_);
    if (config_.mode == WindowMode::Session) push_session(row, t, seq);
    else push_windowed(row, t, seq);
  }

  /// The input watermark is now w (INT64_MAX at end of input): fires what it completes.
  void advance(int64_t w) {
    if (w <= watermark_) return;
    watermark_ = w;
    if (config_.mode == WindowMode::Session) {
      fire_sessions(w);
      return;
    }
    while (true) {
      Window* next = nullptr;
      for (size_t i = 0; i < kMaxOpenWindows; ++i) {
        Window& win = state_.windows[i];
        if (!win.used || win.end > w) continue;
        if (!next || win.end < next->end || (win.end == next->end && win.start < next->start)) next = &win;
      }
      if (!next) break;
      next->used = false;
      if (config_.mode == WindowMode::EndOfInput && config_.global && next->groups.size() == 0) {
        __builtin_memset(acc_buf_, 0, kAccSize);
        __builtin_memset(key_buf_, 0, kKeySize);
        fire(key_buf_, acc_buf_, next->start, next->end);
      }
      for (uint32_t g = 0; g < next->groups.size(); ++g) fire(next->groups.key(g), next->accs[g], next->start, next->end);
    }
  }
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  const Stats& stats() const { return stats_; }

 private:
  // Trivially constructible (no member initializers), to share storage in a union.
  struct Window {
    bool used;
    int64_t start, end;
    KeyTable<kKeySize, kMaxKeys> groups;
    alignas(8) uint8_t accs[kMaxKeys][kAccSize];
  };
  struct Session {
    int64_t start, end, first_seq;
    alignas(8) uint8_t acc[kAccSize];
  };

  Window* open_window(int64_t start, int64_t end) {
    for (size_t i = 0; i < kMaxOpenWindows; ++i) {
      Window& win = state_.windows[i];
      if (win.used) continue;
      win.used = true;
      win.start = start;
      win.end = end;
      win.groups.clear();
      return &win;
    }
    return nullptr;
  }

  void push_windowed(const uint8_t* row, int64_t t, int64_t seq) {
    bool accepted = false, full = false;
    auto add = [&](int64_t start, int64_t end) {
      if (end <= watermark_) return;  // this window has fired: the row is late for it
      Window* win = nullptr;
      for (size_t i = 0; i < kMaxOpenWindows; ++i)
        if (state_.windows[i].used && state_.windows[i].end == end && state_.windows[i].start == start) win = &state_.windows[i];
      if (!win) {
        win = open_window(start, end);
        if (!win) {
          full = true;
          return;
        }
      }
      bool inserted;
      uint32_t g = win->groups.find_or_insert(key_buf_, &inserted);
      if (g == KeyTable<kKeySize, kMaxKeys>::kNone) {
        full = true;
        return;
      }
      if (inserted) __builtin_memset(win->accs[g], 0, kAccSize);
      K::update(ctx_, win->accs[g], row, t, seq);
      accepted = true;
    };
    if (config_.mode == WindowMode::EndOfInput) {
      add(INT64_MIN, INT64_MAX);
    } else {
      for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset, add);
    }
    if (!accepted) ++(full ? stats_.capacity_dropped : stats_.late_dropped);
  }

  void push_session(const uint8_t* row, int64_t t, int64_t seq) {
    const int64_t end = sat_add(t, config_.gap);  // clamped, as hosted
    bool inserted;
    uint32_t k = state_.session.keys.find_or_insert(key_buf_, &inserted);
    if (k == KeyTable<kKeySize, kMaxKeys>::kNone) {
      ++stats_.capacity_dropped;
      return;
    }
    Session* open = state_.session.sessions[k];
    size_t& n = state_.session.count[k];
    // Sessions [start, end) that the new event's [t, t + gap) overlaps merge with it.
    size_t first = n;
    for (size_t i = 0; i < n; ++i)
      if (overlaps(open[i], t, end)) {
        first = i;
        break;
      }
    if (first == n) {
      if (end <= watermark_) {  // its own session would already have fired
        ++stats_.late_dropped;
        return;
      }
      if (n >= kMaxOpenWindows) {
        ++stats_.capacity_dropped;
        return;
      }
      Session& s = open[n++];
      s.start = t;
      s.end = end;
      s.first_seq = seq;
      __builtin_memset(s.acc, 0, kAccSize);
      K::update(ctx_, s.acc, row, t, seq);
      return;
    }
    Session& into = open[first];
    into.start = min64(into.start, t);
    into.end = max64(into.end, end);
    // The other hits, from the last back (as hosted), merge into the first and leave.
    for (size_t h = n; h-- > first + 1;) {
      Session& other = open[h];
      if (!overlaps(other, t, end)) continue;
      K::merge(ctx_, into.acc, other.acc);
      into.start = min64(into.start, other.start);
      into.end = max64(into.end, other.end);
      into.first_seq = min64(into.first_seq, other.first_seq);
      erase_session(open, n, h);
    }
    K::update(ctx_, into.acc, row, t, seq);
  }

  /// Whether an event's [t, end) overlaps the session (ends clamped at INT64_MAX, as hosted).
  static bool overlaps(const Session& s, int64_t t, int64_t end) {
    return rt::before_end(s.start, end) && rt::before_end(t, s.end);
  }

  /// Removes open[at] of the n open sessions, keeping the others' order.
  static void erase_session(Session* open, size_t& n, size_t at) {
    for (size_t j = at; j + 1 < n && j + 1 < kMaxOpenWindows; ++j) copy_session(open[j], open[j + 1]);
    --n;
  }

  static void copy_session(Session& to, const Session& from) {
    to.start = from.start;
    to.end = from.end;
    to.first_seq = from.first_seq;
    __builtin_memcpy(to.acc, from.acc, kAccSize);
  }

  void fire(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end) {
    __builtin_memset(out_buf_, 0, kOutSize);
    K::finalize(ctx_, key, acc, start, end, out_buf_);
    ++stats_.rows_out;
    K::emit(ctx_, out_buf_);
  }

  void fire_sessions(int64_t w) {
    // Every session that ends at or before w, by end, start, then first appearance (first_seq
    // is unique, so the order is total): the earliest due one at a time.
    while (true) {
      uint32_t best_key = 0;
      size_t best = SIZE_MAX;
      for (uint32_t k = 0; k < state_.session.keys.high(); ++k)
        for (size_t i = 0; i < state_.session.count[k]; ++i) {
          const Session& s = state_.session.sessions[k][i];
          if (s.end > w) continue;
          if (best != SIZE_MAX) {
            const Session& b = state_.session.sessions[best_key][best];
            if (s.end > b.end || (s.end == b.end && (s.start > b.start || (s.start == b.start && s.first_seq > b.first_seq))))
              continue;
          }
          best_key = k;
          best = i;
        }
      if (best == SIZE_MAX) break;
      const Session& s = state_.session.sessions[best_key][best];
      fire(state_.session.keys.key(best_key), s.acc, s.start, s.end);
      erase_session(state_.session.sessions[best_key], state_.session.count[best_key], best);
    }
  }

  Ctx* ctx_ = nullptr;
  Config config_;
  Stats stats_;
  int64_t watermark_ = INT64_MIN;
  int64_t seq_ = 0;
  alignas(8) uint8_t key_buf_[kKeySize] = {};
  alignas(8) uint8_t acc_buf_[kAccSize] = {};
  alignas(8) uint8_t out_buf_[kOutSize] = {};
  struct SessionState {
    KeyTable<kKeySize, kMaxKeys> keys;
    Session sessions[kMaxKeys][kMaxOpenWindows];
    size_t count[kMaxKeys];
  };
  // The windowed and the session state share storage: the mode is fixed by init().
  union State {
    // TUMBLE, HOP, CUMULATE and end-of-input: open windows (fired in (end, start) order).
    Window windows[kMaxOpenWindows];
    // SESSION: keys, and each key's open sessions in the hosted vector's order.
    SessionState session;
  } state_ = {};
};

/// The non-aggregating window table function: copies each row once per window it belongs to,
/// with window_start, window_end and window_time (INT64, 24 bytes) written at window_start_offset.
/// K: void emit(Ctx*, const uint8_t* row). No state besides the output buffer.
template <class Ctx, class K, size_t kInSize, size_t kOutSize>
class WindowAssign {
  static_assert(kInSize > 0 && kOutSize > 0, "row sizes must be positive");

 public:
  struct Config {
    WindowMode mode = WindowMode::Tumble;  // Tumble, Hop or Cumulate
    int64_t size = 0;          // TUMBLE/HOP size, CUMULATE max size (ns)
    int64_t slide = 0;         // HOP slide, CUMULATE step (ns)
    int64_t offset = 0;        // window alignment offset (ns)
    int32_t time_offset = 0;   // byte offset of the INT64 event time in input rows
    uint32_t window_start_offset = 0;  // byte offset of window_start in output rows (end +8, time +16)
  };

  void init(Ctx* ctx, const Config& config) {
    ctx_ = ctx;
    config_ = config;
    stats_ = Stats{};
  }

  void push(const uint8_t* row) {
    ++stats_.rows_in;
    int64_t t = load_i64(row + config_.time_offset);
    // The output row is the input row (same leading layout) followed by the window columns.
    __builtin_memcpy(out_, row, kInSize < kOutSize ? kInSize : kOutSize);
    if (static_cast<size_t>(config_.window_start_offset) + 24 > kOutSize) return;
    for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset,
                    [&](int64_t start, int64_t end) {
                      int64_t time = wrap_sub(end, 1);
                      store_i64(out_ + config_.window_start_offset, start);
                      store_i64(out_ + config_.window_start_offset + 8, end);
                      store_i64(out_ + config_.window_start_offset + 16, time);
                      ++stats_.rows_out;
                      K::emit(ctx_, out_);
                    });
  }
  void advance(int64_t) {}
  int64_t output_watermark(int64_t input_w) const { return input_w; }
  const Stats& stats() const { return stats_; }

 private:
  Ctx* ctx_ = nullptr;
  Config config_;
  Stats stats_;
  alignas(8) uint8_t out_[kOutSize] = {};
};

}  // namespace vlac::fw
