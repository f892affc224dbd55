#include "runtime/ops/joins.h"

#include "runtime/scalar/time_math.h"

#include <algorithm>
#include <functional>
#include <cstring>

namespace vlac::rt {

// ---- JoinBase ---------------------------------------------------------------------------------

JoinBase::JoinBase(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels)
    : ctx_(ctx), config_(config), kernels_(kernels), keys_(config.key_layout, 0) {
  key_buf_.assign(config.key_layout->size, 0);
  out_buf_.assign(config.out_size, 0);
}

bool JoinBase::key_of(int port, const uint8_t* row) {
  std::memset(key_buf_.data(), 0, key_buf_.size());
  (port == 0 ? kernels_.left_key : kernels_.right_key)(ctx_, row, key_buf_.data());
  for (uint32_t i = 0; i < config_.key_layout->null_bytes; ++i)
    if (key_buf_[i] != 0) return false;
  return true;
}

bool JoinBase::emit(const uint8_t* left, const uint8_t* right) {
  std::memset(out_buf_.data(), 0, out_buf_.size());
  // The residual condition is part of ON: it decides whether a pair matches, never whether a
  // LEFT join's unmatched row (right = NULLs, where it would be NULL or false) is output.
  if (!kernels_.combine(ctx_, left, right, out_buf_.data()) && right) return false;
  ++stats_.rows_out;
  kernels_.emit(ctx_, out_buf_.data());
  return true;
}

int64_t JoinBase::time_of(int port, const uint8_t* row) const {
  int64_t t;
  std::memcpy(&t, row + (port == 0 ? config_.left_time : config_.right_time), sizeof t);
  return t;
}

bool JoinBase::admit(int port, const uint8_t* row, int64_t* time) {
  ++stats_.rows_in;
  *time = time_of(port, row);
  if (*time >= watermark_[port]) return true;
  ++stats_.late_dropped;
  return false;
}

void JoinBase::note_buffered(uint64_t now) {
  stats_.buffered = now;
  stats_.peak_buffered = std::max(stats_.peak_buffered, now);
}

// ---- interval join ----------------------------------------------------------------------------

IntervalJoinOp::IntervalJoinOp(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels)
    : JoinBase(ctx, config, kernels) {
  rows_[0] = std::make_unique<RowStore>(config.left_layout);
  rows_[1] = std::make_unique<RowStore>(config.right_layout);
}

bool IntervalJoinOp::can_match_later(int port, int64_t t) const {
  // Later rows of the other side have time >= its watermark. A left row at t matches right
  // rows up to t + upper; a right row at s matches left rows down to s - lower.
  // Both computed exactly; at the end of the input nothing can match any more.
  if (watermark_[1 - port] == kEndOfInput) return false;
  if (port == 0) return shifted_at_least(t, config_.upper, watermark_[1]);
  return shifted_back_at_least(t, config_.lower, watermark_[0]);
}

void IntervalJoinOp::push(int port, const uint8_t* row) {
  int64_t t;
  if (!admit(port, row, &t)) return;
  bool has_key = key_of(port, row);
  bool matched = false;
  uint32_t key = UINT32_MAX;
  if (has_key) {
    bool inserted;
    key = keys_.find_or_insert(key_buf_.data(), UINT64_MAX, &inserted);
    for (auto& side : by_key_) side.resize(keys_.size());
    int other = 1 - port;
    for (const auto& [ot, slot] : by_key_[other][key]) {
      if (!time_diff_within(port == 0 ? t : ot, port == 0 ? ot : t, config_.lower, config_.upper)) continue;
      // A pair that fails the rest of the ON condition is no match (a LEFT join's left row
      // stays unmatched).
      const uint8_t* o = rows_[other]->row(slot);
      if (!(port == 0 ? emit(row, o) : emit(o, row))) continue;
      if (port == 1) matched_[slot] = 1;
      matched = true;
    }
  }
  bool keep = (has_key || (port == 0 && config_.left_outer)) && can_match_later(port, t);
  if (keep && rows_[port]->size() >= config_.max_buffered_rows) {
    ++stats_.capacity_dropped;
    keep = false;
  }
  if (!keep) {
    if (port == 0 && config_.left_outer && !matched) emit(row, nullptr);
    return;
  }
  uint32_t slot = rows_[port]->add(row);
  if (port == 0) {
    if (matched_.size() <= slot) matched_.resize(slot + 1);
    matched_[slot] = matched;
  }
  arrival_[port].push_back({t, slot, key});
  if (has_key) by_key_[port][key].push_back({t, slot});
  note_buffered(rows_[0]->size() + rows_[1]->size());
}

void IntervalJoinOp::advance_ports(const int64_t* w, int) {
  bool moved = w[0] > watermark_[0] || w[1] > watermark_[1];
  watermark_[0] = std::max(watermark_[0], w[0]);
  watermark_[1] = std::max(watermark_[1], w[1]);
  if (moved) purge();
}

void IntervalJoinOp::purge() {
  // Rows leave in arrival order, so each is at the front of its key's list too. A row that
  // arrived early but can still match holds back the rows behind it: bounded by the disorder.
  for (int port = 0; port < 2; ++port) {
    auto& fifo = arrival_[port];
    while (!fifo.empty() && !can_match_later(port, fifo.front().time)) {
      Held h = fifo.front();
      fifo.pop_front();
      if (h.key != UINT32_MAX) by_key_[port][h.key].pop_front();
      if (port == 0 && config_.left_outer && !matched_[h.slot]) emit(rows_[0]->row(h.slot), nullptr);
      rows_[port]->remove(h.slot);
    }
  }
  note_buffered(rows_[0]->size() + rows_[1]->size());
}

// ---- as-of join -------------------------------------------------------------------------------

AsofJoinOp::AsofJoinOp(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels)
    : JoinBase(ctx, config, kernels), left_rows_(config.left_layout), right_rows_(config.right_layout) {}

void AsofJoinOp::push(int port, const uint8_t* row) {
  int64_t t;
  if (!admit(port, row, &t)) return;
  bool has_key = key_of(port, row);
  if (port == 1) {
    if (!has_key) return;  // a NULL key never matches
    bool inserted;
    uint32_t key = keys_.find_or_insert(key_buf_.data(), UINT64_MAX, &inserted);
    if (right_by_key_.size() < keys_.size()) right_by_key_.resize(keys_.size());
    Versions& versions = right_by_key_[key];
    // Find the place of t from the back (rows come nearly in time order).
    auto it = versions.end();
    while (it != versions.begin() && std::prev(it)->first > t) --it;
    if (it != versions.begin() && std::prev(it)->first == t) {  // equal times: the later arrival wins
      right_rows_.remove(std::prev(it)->second);
      std::prev(it)->second = right_rows_.add(row);
    } else {
      if (right_rows_.size() >= config_.max_buffered_rows) {
        ++stats_.capacity_dropped;
        return;
      }
      versions.insert(it, {t, right_rows_.add(row)});
    }
    purge_key(versions);  // amortised O(1): each row is purged once
  } else {
    if (left_rows_.size() >= config_.max_buffered_rows) {
      ++stats_.capacity_dropped;
      return;
    }
    uint32_t slot = left_rows_.add(row);
    if (pending_key_.size() <= slot) {
      pending_key_.resize(slot + 1);
      pending_has_key_.resize(slot + 1);
    }
    pending_has_key_[slot] = has_key;
    if (has_key) {
      bool inserted;
      pending_key_[slot] = keys_.find_or_insert(key_buf_.data(), UINT64_MAX, &inserted);
      if (right_by_key_.size() < keys_.size()) right_by_key_.resize(keys_.size());
    }
    pending_.emplace_back(t, seq_++, slot);
    std::push_heap(pending_.begin(), pending_.end(), std::greater<>());
  }
  note_buffered(left_rows_.size() + right_rows_.size());
}

void AsofJoinOp::release(int64_t upto) {
  // Left rows leave in time order (ties by arrival) once no earlier left row and no right row
  // at or before their time can still come: time < min(W_left, W_right).
  while (!pending_.empty() && (std::get<0>(pending_.front()) < upto || upto == kEndOfInput)) {
    std::pop_heap(pending_.begin(), pending_.end(), std::greater<>());
    auto [t, seq, slot] = pending_.back();
    pending_.pop_back();
    const uint8_t* left = left_rows_.row(slot);
    const uint8_t* right = nullptr;
    if (pending_has_key_[slot]) {
      const Versions& versions = right_by_key_[pending_key_[slot]];
      auto it = std::upper_bound(versions.begin(), versions.end(), t,
                                 [](int64_t x, const std::pair<int64_t, uint32_t>& v) { return x < v.first; });
      if (it != versions.begin()) right = right_rows_.row(std::prev(it)->second);
    }
    if (right || config_.left_outer) emit(left, right);
    left_rows_.remove(slot);
  }
}

void AsofJoinOp::purge_key(Versions& versions) {
  // Left rows still to be matched have time >= min(W_left, W_right): later ones are not late
  // (>= W_left), pending ones have not been released (>= the release point). Of a key's right
  // rows before that time only the newest can still be met.
  const int64_t needed = std::min(watermark_[0], watermark_[1]);
  // Pop from the front while the next version is also before `needed`.
  while (versions.size() >= 2 && versions[1].first <= needed) {
    right_rows_.remove(versions.front().second);
    versions.pop_front();
  }
}

void AsofJoinOp::purge_right() {
  for (auto& versions : right_by_key_) purge_key(versions);
}

void AsofJoinOp::advance_ports(const int64_t* w, int) {
  watermark_[0] = std::max(watermark_[0], w[0]);
  watermark_[1] = std::max(watermark_[1], w[1]);
  release(std::min(watermark_[0], watermark_[1]));
  // Purging walks every key: do it once the right side has grown, not on every watermark.
  if (++advances_since_purge_ >= kPurgeEvery || watermark_[0] == INT64_MAX) {
    advances_since_purge_ = 0;
    purge_right();
  }
  note_buffered(left_rows_.size() + right_rows_.size());
}

// ---- window join ------------------------------------------------------------------------------

WindowJoinOp::WindowJoinOp(ExecContext* ctx, const JoinConfig& config, const JoinKernels& kernels)
    : JoinBase(ctx, config, kernels), rows_{RowStore(config.left_layout), RowStore(config.right_layout)} {}

void WindowJoinOp::push(int port, const uint8_t* row) {
  ++stats_.rows_in;
  int64_t start, end;
  std::memcpy(&start, row + (port == 0 ? config_.left_window_start : config_.right_window_start), 8);
  std::memcpy(&end, row + (port == 0 ? config_.left_window_end : config_.right_window_end), 8);
  if (end <= watermark_[port]) {  // its window has fired
    ++stats_.late_dropped;
    return;
  }
  if (rows_[port].size() >= config_.max_buffered_rows) {
    ++stats_.capacity_dropped;
    return;
  }
  windows_[port][{end, start}].push_back(rows_[port].add(row));
  note_buffered(rows_[0].size() + rows_[1].size());
}

void WindowJoinOp::advance_ports(const int64_t* w, int) {
  watermark_[0] = std::max(watermark_[0], w[0]);
  watermark_[1] = std::max(watermark_[1], w[1]);
  int64_t fire = std::min(watermark_[0], watermark_[1]);
  // Windows fire in (end, start) order; per window, left rows in arrival order, each with its
  // right matches in arrival order.
  while (true) {
    const std::pair<int64_t, int64_t>* next = nullptr;  // (end, start); an end may be INT64_MAX
    for (auto& side : windows_)
      if (!side.empty() && (!next || side.begin()->first < *next)) next = &side.begin()->first;
    if (!next || next->first > fire) break;
    const std::pair<int64_t, int64_t> window = *next;
    std::vector<uint32_t> left, right;
    if (auto it = windows_[0].find(window); it != windows_[0].end()) {
      left = std::move(it->second);
      windows_[0].erase(it);
    }
    if (auto it = windows_[1].find(window); it != windows_[1].end()) {
      right = std::move(it->second);
      windows_[1].erase(it);
    }
    std::vector<std::vector<uint8_t>> right_keys;
    std::vector<bool> right_has_key;
    for (uint32_t slot : right) {
      right_has_key.push_back(key_of(1, rows_[1].row(slot)));
      right_keys.push_back(key_buf_);
    }
    for (uint32_t ls : left) {
      const uint8_t* l = rows_[0].row(ls);
      bool has_key = key_of(0, l);
      bool matched = false;
      for (size_t r = 0; has_key && r < right.size(); ++r) {
        if (!right_has_key[r] || !keys_.equal(right_keys[r].data(), key_buf_.data())) continue;
        emit(l, rows_[1].row(right[r]));
        matched = true;
      }
      if (!matched && config_.left_outer) emit(l, nullptr);
    }
    for (uint32_t s : left) rows_[0].remove(s);
    for (uint32_t s : right) rows_[1].remove(s);
  }
  note_buffered(rows_[0].size() + rows_[1].size());
}

}  // namespace vlac::rt
