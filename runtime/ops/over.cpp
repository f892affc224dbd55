#include "runtime/ops/over.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace vlac::rt {

OverOp::OverOp(ExecContext* ctx, OverConfig config, OverKernels kernels)
    : ctx_(ctx), config_(std::move(config)), kernels_(kernels), rows_(config_.input_layout),
      partitions_index_(config_.key_layout, 0) {
  key_buf_.assign(config_.key_layout->size, 0);
  args_buf_.assign(config_.args_size, 0);
  out_buf_.assign(config_.out_size, 0);
}

void OverOp::push(const uint8_t* row) {
  ++stats_.rows_in;
  int64_t t;
  std::memcpy(&t, row + config_.time_offset, sizeof t);
  if (t < watermark_) {  // the watermark has passed it: its frame values are already out
    ++stats_.late_dropped;
    return;
  }
  if (rows_.size() >= config_.max_buffered_rows) {
    ++stats_.capacity_dropped;
    return;
  }
  pending_.emplace_back(t, seq_++, rows_.add(row));
  std::push_heap(pending_.begin(), pending_.end(), std::greater<>());
  stats_.buffered = rows_.size();
  stats_.peak_buffered = std::max(stats_.peak_buffered, stats_.buffered);
}

void OverOp::advance(int64_t w) {
  if (w <= watermark_) return;
  watermark_ = w;
  // Rows with time < w leave, one group of equal times at a time: a RANGE frame holds all of
  // a row's peers, so the group's values enter the RANGE frames before any result is taken.
  while (!pending_.empty() && std::get<0>(pending_.front()) < w) {
    const int64_t t = std::get<0>(pending_.front());
    group_.clear();
    while (!pending_.empty() && std::get<0>(pending_.front()) == t) {
      std::pop_heap(pending_.begin(), pending_.end(), std::greater<>());
      group_.push_back(std::get<2>(pending_.back()));
      pending_.pop_back();
    }
    const std::vector<uint32_t>& group = group_;
    group_part_.assign(group.size(), 0);
    group_index_.assign(group.size(), 0);
    group_args_.assign(group.size() * config_.args_size, 0);
    group_results_.assign(group.size() * config_.results_size, 0);
    std::vector<uint32_t>& part = group_part_;
    std::vector<int64_t>& index = group_index_;
    auto args_of = [&](size_t g) { return group_args_.data() + g * config_.args_size; };
    auto results_of = [&](size_t g) { return group_results_.data() + g * config_.results_size; };
    for (size_t g = 0; g < group.size(); ++g) {
      const uint8_t* row = rows_.row(group[g]);
      std::memset(key_buf_.data(), 0, key_buf_.size());
      kernels_.key(ctx_, row, key_buf_.data());
      bool inserted;
      uint32_t p = partitions_index_.find_or_insert(key_buf_.data(), config_.max_keys, &inserted);
      if (p == UINT32_MAX) {  // more partitions than max_keys: the row is dropped
        ++stats_.capacity_dropped;
        part[g] = UINT32_MAX;
        continue;
      }
      if (inserted) {
        partitions_.emplace_back();
        partitions_.back().frames.resize(config_.calls.size());
      }
      part[g] = p;
      index[g] = partitions_[p].rows++;
      kernels_.args(ctx_, row, args_of(g));
    }
    // ROWS frames and LAG: row by row in arrival order (peers are ordered by arrival).
    for (size_t g = 0; g < group.size(); ++g) {
      if (part[g] == UINT32_MAX) continue;
      for (size_t c = 0; c < config_.calls.size(); ++c) {
        const OverCallSpec& spec = config_.calls[c];
        Frame& f = partitions_[part[g]].frames[c];
        OverEntry e{t, index[g], 0, 0};
        bool has = spec.function != OverFunction::CountStar && over_read_value(args_of(g), spec.arg, &e.i, &e.f);
        if (spec.function == OverFunction::Lag) {
          f.write_result(spec, results_of(g));
          f.push_lag(spec, e, has);
          continue;
        }
        if (!spec.rows) continue;
        f.evict(spec, t, index[g]);
        if (has || spec.function == OverFunction::CountStar) f.add(spec, e);
        f.write_result(spec, results_of(g));
      }
    }
    // RANGE frames: every peer in (evicting for time t again is a no-op), then the results.
    for (size_t c = 0; c < config_.calls.size(); ++c) {
      const OverCallSpec& spec = config_.calls[c];
      if (spec.rows || spec.function == OverFunction::Lag) continue;
      for (size_t g = 0; g < group.size(); ++g) {
        if (part[g] == UINT32_MAX) continue;
        Frame& f = partitions_[part[g]].frames[c];
        f.evict(spec, t, index[g]);
        OverEntry e{t, index[g], 0, 0};
        bool has = spec.function != OverFunction::CountStar && over_read_value(args_of(g), spec.arg, &e.i, &e.f);
        if (has || spec.function == OverFunction::CountStar) f.add(spec, e);
      }
      for (size_t g = 0; g < group.size(); ++g)
        if (part[g] != UINT32_MAX) partitions_[part[g]].frames[c].write_result(spec, results_of(g));
    }
    for (size_t g = 0; g < group.size(); ++g) {
      if (part[g] != UINT32_MAX) {
        std::memset(out_buf_.data(), 0, out_buf_.size());
        kernels_.finish(ctx_, rows_.row(group[g]), results_of(g), out_buf_.data());
        ++stats_.rows_out;
        kernels_.emit(ctx_, out_buf_.data());
      }
      rows_.remove(group[g]);
    }
  }
  stats_.buffered = rows_.size();
}

}  // namespace vlac::rt
