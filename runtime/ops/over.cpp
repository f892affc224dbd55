#include "runtime/ops/over.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace vlac::rt {
namespace {

bool is_float_type(FieldType t) { return t == FieldType::Float32 || t == FieldType::Float64; }

/// Reads a numeric argument (false when NULL).
bool read_value(const uint8_t* args, const Field& f, int64_t* i, double* d) {
  if (is_null(args, f)) return false;
  switch (f.type) {
    case FieldType::Bool: *i = get<uint8_t>(args, f); break;
    case FieldType::Int32: *i = get<int32_t>(args, f); break;
    case FieldType::Float32: *d = get<float>(args, f); break;
    case FieldType::Float64: *d = get<double>(args, f); break;
    default: *i = get<int64_t>(args, f); break;
  }
  return true;
}

void write_number(uint8_t* row, const Field& f, int64_t i, double d) {
  switch (f.type) {
    case FieldType::Bool: put<uint8_t>(row, f, static_cast<uint8_t>(i != 0)); break;
    case FieldType::Int32: put<int32_t>(row, f, static_cast<int32_t>(i)); break;
    case FieldType::Float32: put<float>(row, f, static_cast<float>(d)); break;
    case FieldType::Float64: put<double>(row, f, d); break;
    default: put<int64_t>(row, f, i); break;
  }
  set_null(row, f, false);
}

}  // namespace

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

void OverOp::add(Frame& f, const OverCallSpec& c, const Entry& e) {
  f.values.push_back(e);
  ++f.count;
  if (e.is_float) {
    f.fsum += e.f;
    f.fsum2 += e.f * e.f;
  } else {
    f.isum = static_cast<int64_t>(static_cast<uint64_t>(f.isum) + static_cast<uint64_t>(e.i));
    f.fsum += static_cast<double>(e.i);
    f.fsum2 += static_cast<double>(e.i) * static_cast<double>(e.i);
  }
  if (c.function == OverFunction::Min || c.function == OverFunction::Max) {
    bool min = c.function == OverFunction::Min;
    auto dominated = [&](const Entry& back) {
      if (e.is_float) return min ? !(back.f < e.f) : !(back.f > e.f);
      return min ? !(back.i < e.i) : !(back.i > e.i);
    };
    while (!f.extreme.empty() && dominated(f.extreme.back())) f.extreme.pop_back();
    f.extreme.push_back(e);
  }
}

void OverOp::evict(Frame& f, const OverCallSpec& c, int64_t time, int64_t index) {
  if (c.unbounded) return;
  // ROWS n: positions index-n .. index; RANGE x: times time-x .. time (the boundary row is in).
  auto outside = [&](const Entry& e) {
    return c.rows ? e.index < index - c.preceding : e.time < time - c.preceding;
  };
  while (!f.values.empty() && outside(f.values.front())) {
    const Entry& e = f.values.front();
    --f.count;
    if (e.is_float) {
      f.fsum -= e.f;
      f.fsum2 -= e.f * e.f;
    } else {
      f.isum = static_cast<int64_t>(static_cast<uint64_t>(f.isum) - static_cast<uint64_t>(e.i));
      f.fsum -= static_cast<double>(e.i);
      f.fsum2 -= static_cast<double>(e.i) * static_cast<double>(e.i);
    }
    f.values.pop_front();
  }
  while (!f.extreme.empty() && outside(f.extreme.front())) f.extreme.pop_front();
}

void OverOp::write_result(const Frame& f, const OverCallSpec& c, uint8_t* results) const {
  const Field& r = c.result;
  set_null(results, r, true);
  bool float_arg = is_float_type(c.arg.type);
  switch (c.function) {
    case OverFunction::Count: write_number(results, r, f.count, 0); return;
    case OverFunction::CountStar: return;  // written by the caller (it counts rows, not values)
    case OverFunction::Sum:
      if (f.count) write_number(results, r, f.isum, f.fsum);
      return;
    case OverFunction::Avg:
      if (f.count) write_number(results, r, 0, (float_arg ? f.fsum : static_cast<double>(f.isum)) / static_cast<double>(f.count));
      return;
    case OverFunction::VarPop:
    case OverFunction::VarSamp:
    case OverFunction::StddevPop:
    case OverFunction::StddevSamp: {
      bool sample = c.function == OverFunction::VarSamp || c.function == OverFunction::StddevSamp;
      int64_t n = f.count;
      if (n == 0 || (sample && n < 2)) return;
      double mean = f.fsum / static_cast<double>(n);
      double m2 = f.fsum2 - mean * f.fsum;
      if (m2 < 0) m2 = 0;
      double var = m2 / static_cast<double>(sample ? n - 1 : n);
      bool stddev = c.function == OverFunction::StddevPop || c.function == OverFunction::StddevSamp;
      write_number(results, r, 0, stddev ? std::sqrt(var) : var);
      return;
    }
    case OverFunction::Min:
    case OverFunction::Max:
      if (!f.extreme.empty()) write_number(results, r, f.extreme.front().i, f.extreme.front().f);
      return;
    case OverFunction::First:
      if (!f.values.empty()) write_number(results, r, f.values.front().i, f.values.front().f);
      return;
    case OverFunction::Last:
      if (!f.values.empty()) write_number(results, r, f.values.back().i, f.values.back().f);
      return;
    case OverFunction::Lag:
      if (static_cast<int64_t>(f.lag.size()) == c.lag && f.lag.front().index >= 0)
        write_number(results, r, f.lag.front().i, f.lag.front().f);
      return;
  }
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
        Entry e{t, index[g], is_float_type(spec.arg.type), 0, 0};
        bool has = spec.function != OverFunction::CountStar && read_value(args_of(g), spec.arg, &e.i, &e.f);
        if (spec.function == OverFunction::Lag) {
          write_result(f, spec, results_of(g));
          if (!has) e.index = -1;  // a NULL still takes its place in the lag
          f.lag.push_back(e);
          if (static_cast<int64_t>(f.lag.size()) > spec.lag) f.lag.pop_front();
          continue;
        }
        if (!spec.rows) continue;
        if (has || spec.function == OverFunction::CountStar) add(f, spec, e);
        evict(f, spec, t, index[g]);
        write_result(f, spec, results_of(g));
        if (spec.function == OverFunction::CountStar) write_number(results_of(g), spec.result, static_cast<int64_t>(f.values.size()), 0);
      }
    }
    // RANGE frames: every peer in first, then the results.
    for (size_t c = 0; c < config_.calls.size(); ++c) {
      const OverCallSpec& spec = config_.calls[c];
      if (spec.rows || spec.function == OverFunction::Lag) continue;
      for (size_t g = 0; g < group.size(); ++g) {
        if (part[g] == UINT32_MAX) continue;
        Frame& f = partitions_[part[g]].frames[c];
        Entry e{t, index[g], is_float_type(spec.arg.type), 0, 0};
        bool has = spec.function != OverFunction::CountStar && read_value(args_of(g), spec.arg, &e.i, &e.f);
        if (has || spec.function == OverFunction::CountStar) add(f, spec, e);
      }
      for (size_t g = 0; g < group.size(); ++g) {
        if (part[g] == UINT32_MAX) continue;
        Frame& f = partitions_[part[g]].frames[c];
        evict(f, spec, t, index[g]);
        write_result(f, spec, results_of(g));
        if (spec.function == OverFunction::CountStar) write_number(results_of(g), spec.result, static_cast<int64_t>(f.values.size()), 0);
      }
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
