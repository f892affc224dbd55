#include "runtime/ops/window_aggregate.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "runtime/ops/window_math.h"

namespace vlac::rt {

WindowAggregateOp::WindowAggregateOp(ExecContext* ctx, WindowAggregateConfig config, WindowAggregateKernels kernels)
    : ctx_(ctx), config_(config), kernels_(kernels) {
  key_buf_.assign(config_.key_layout->size, 0);
  out_buf_.assign(config_.out_size, 0);
  if (config_.mode == WindowMode::Session) session_keys_ = std::make_unique<GroupTable>(config_.key_layout, 0);
  if (config_.mode == WindowMode::EndOfInput) {
    windows_.emplace(std::make_pair(INT64_MAX, INT64_MIN), std::make_unique<GroupTable>(config_.key_layout, config_.acc_size));
    next_fire_ = INT64_MAX;
  }
}

void WindowAggregateOp::push(const uint8_t* row) {
  ++stats_.rows_in;
  int64_t seq = seq_++;
  int64_t t = seq;
  if (config_.time_offset >= 0) std::memcpy(&t, row + config_.time_offset, sizeof t);
  std::memset(key_buf_.data(), 0, key_buf_.size());
  kernels_.key(ctx_, row, key_buf_.data());
  if (config_.mode == WindowMode::Session) push_session(row, t, seq);
  else push_windowed(row, t, seq);
}

void WindowAggregateOp::push_windowed(const uint8_t* row, int64_t t, int64_t seq) {
  bool accepted = false, full = false;
  auto add = [&](int64_t start, int64_t end) {
    if (end <= watermark_) return;  // this window has fired: the row is late for it
    auto k = std::make_pair(end, start);
    auto it = windows_.find(k);
    if (it == windows_.end()) {
      if (windows_.size() >= config_.max_open_windows) {
        full = true;
        return;
      }
      it = windows_.emplace(k, std::make_unique<GroupTable>(config_.key_layout, config_.acc_size)).first;
      next_fire_ = std::min(next_fire_, end);
    }
    GroupTable* groups = it->second.get();
    bool inserted;
    uint32_t g = groups->find_or_insert(key_buf_.data(), config_.max_keys, &inserted);
    if (g == UINT32_MAX) {
      full = true;
      return;
    }
    kernels_.update(ctx_, groups->acc(g), row, t, seq, &groups->arena());
    accepted = true;
  };
  if (config_.mode == WindowMode::EndOfInput) {
    add(INT64_MIN, INT64_MAX);
  } else {
    for_each_window(static_cast<int>(config_.mode), t, config_.size, config_.slide, config_.offset, add);
  }
  if (!accepted) ++(full ? stats_.capacity_dropped : stats_.late_dropped);
}

void WindowAggregateOp::push_session(const uint8_t* row, int64_t t, int64_t seq) {
  const int64_t end = sat_add(t, config_.gap);  // clamped: a session ending at INT64_MAX fires at the end
  bool inserted;
  uint32_t k = session_keys_->find_or_insert(key_buf_.data(), config_.max_keys, &inserted);
  if (k == UINT32_MAX) {
    ++stats_.capacity_dropped;
    return;
  }
  if (inserted) sessions_.emplace_back();
  std::vector<Session>& open = sessions_[k];
  // Sessions [start, end) that the new event's [t, t + gap) overlaps merge with it.
  std::vector<size_t> hits;
  for (size_t i = 0; i < open.size(); ++i)
    if (before_end(open[i].start, end) && before_end(t, open[i].end)) hits.push_back(i);
  if (hits.empty()) {
    if (end <= watermark_) {  // its own session would already have fired
      ++stats_.late_dropped;
      return;
    }
    if (open.size() >= config_.max_open_windows) {
      ++stats_.capacity_dropped;
      return;
    }
    open.push_back({t, end, seq, std::vector<uint8_t>(config_.acc_size, 0)});
    kernels_.update(ctx_, open.back().acc.data(), row, t, seq, &session_arena_);
    next_fire_ = std::min(next_fire_, end);
    return;
  }
  Session& into = open[hits[0]];
  into.start = std::min(into.start, t);
  into.end = std::max(into.end, end);
  for (size_t h = hits.size(); h-- > 1;) {
    Session& other = open[hits[h]];
    kernels_.merge(ctx_, into.acc.data(), other.acc.data(), &session_arena_);
    into.start = std::min(into.start, other.start);
    into.end = std::max(into.end, other.end);
    into.first_seq = std::min(into.first_seq, other.first_seq);
    open.erase(open.begin() + static_cast<std::ptrdiff_t>(hits[h]));
  }
  kernels_.update(ctx_, open[hits[0]].acc.data(), row, t, seq, &session_arena_);
}

void WindowAggregateOp::fire(const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end) {
  std::memset(out_buf_.data(), 0, out_buf_.size());
  kernels_.finalize(ctx_, key, acc, start, end, out_buf_.data());
  ++stats_.rows_out;
  kernels_.emit(ctx_, out_buf_.data());
}

void WindowAggregateOp::advance(int64_t w) {
  if (w <= watermark_) return;
  watermark_ = w;
  if (w < next_fire_) return;  // nothing completes yet: the usual case, one compare per row
  if (config_.mode == WindowMode::Session) {
    fire_sessions(w);
    return;
  }
  while (!windows_.empty() && windows_.begin()->first.first <= w) {
    auto node = windows_.extract(windows_.begin());
    GroupTable& groups = *node.mapped();
    auto [end, start] = node.key();
    if (config_.mode == WindowMode::EndOfInput && config_.global && groups.size() == 0) {
      std::vector<uint8_t> acc(config_.acc_size, 0);
      std::memset(key_buf_.data(), 0, key_buf_.size());
      fire(key_buf_.data(), acc.data(), start, end);
    }
    for (uint32_t g = 0; g < groups.size(); ++g) fire(groups.key(g), groups.acc(g), start, end);
  }
  recompute_next_fire();
}

void WindowAggregateOp::fire_sessions(int64_t w) {
  // Every session that ends at or before w, by end, start, then first appearance.
  struct Due {
    int64_t end, start, first_seq;
    uint32_t key;
    size_t index;
  };
  std::vector<Due> due;
  for (uint32_t k = 0; k < sessions_.size(); ++k)
    for (size_t i = 0; i < sessions_[k].size(); ++i)
      if (sessions_[k][i].end <= w) due.push_back({sessions_[k][i].end, sessions_[k][i].start, sessions_[k][i].first_seq, k, i});
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    return std::tie(a.end, a.start, a.first_seq) < std::tie(b.end, b.start, b.first_seq);
  });
  for (const Due& d : due) {
    const Session& s = sessions_[d.key][d.index];
    fire(session_keys_->key(d.key), s.acc.data(), s.start, s.end);
  }
  for (auto& open : sessions_)
    open.erase(std::remove_if(open.begin(), open.end(), [w](const Session& s) { return s.end <= w; }), open.end());
  recompute_next_fire();
}

void WindowAggregateOp::recompute_next_fire() {
  next_fire_ = INT64_MAX;
  if (config_.mode == WindowMode::Session) {
    for (const auto& open : sessions_)
      for (const Session& s : open) next_fire_ = std::min(next_fire_, s.end);
  } else if (!windows_.empty()) {
    next_fire_ = windows_.begin()->first.first;
  }
}

WindowAssignOp::WindowAssignOp(ExecContext* ctx, WindowMode mode, int64_t size, int64_t slide, int64_t offset,
                               int32_t time_offset, uint32_t in_size, uint32_t out_size, uint32_t window_start_offset,
                               void (*emit)(ExecContext*, const uint8_t*))
    : ctx_(ctx), mode_(mode), size_(size), slide_(slide), offset_(offset), time_offset_(time_offset),
      in_size_(in_size), window_start_offset_(window_start_offset), emit_(emit), out_(out_size, 0) {}

void WindowAssignOp::push(const uint8_t* row) {
  ++stats_.rows_in;
  int64_t t;
  std::memcpy(&t, row + time_offset_, sizeof t);
  // The output row is the input row (same leading layout) followed by the window columns.
  std::memcpy(out_.data(), row, in_size_ < out_.size() ? in_size_ : out_.size());
  for_each_window(static_cast<int>(mode_), t, size_, slide_, offset_, [&](int64_t start, int64_t end) {
    int64_t time = end - 1;  // end > t >= INT64_MIN: no overflow
    std::memcpy(out_.data() + window_start_offset_, &start, 8);
    std::memcpy(out_.data() + window_start_offset_ + 8, &end, 8);
    std::memcpy(out_.data() + window_start_offset_ + 16, &time, 8);
    ++stats_.rows_out;
    emit_(ctx_, out_.data());
  });
}

}  // namespace vlac::rt
