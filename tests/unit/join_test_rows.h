#pragma once
// The rows the partitioned interval and as-of join tests play (partitioned_interval_join_test,
// partitioned_asof_join_test): both sides' layout, kernels that describe each output row as
// text, and random runs of rows and watermarks.

#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/join_core.h"
#include "runtime/ops/hosted_operators.h"
#include "join_harness.h"

namespace vlac::test::join_rows {

namespace rt = vlac::rt;
using vlac::test::Sink;
using Step = vlac::test::JoinStep;

// Both sides' rows: k STRING NULL, ts TIMESTAMP, id INT64, v INT64, name STRING.
inline const rt::RowLayout& row_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0},
                                                      {rt::FieldType::Timestamp, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::Int64, false, 0},
                                                      {rt::FieldType::String, false, 0}});
  return l;
}
inline const rt::RowLayout& key_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::String, true, 0}});
  return l;
}
inline const rt::Field& in(int i) { return row_layout().fields[static_cast<size_t>(i)]; }
inline std::string_view view(rt::StringRef s) { return s.size ? std::string_view(s.data, s.size) : std::string_view(); }

inline std::string describe(const uint8_t* row) {
  return "#" + std::to_string(rt::get<int64_t>(row, in(2))) + "@" + std::to_string(rt::get<int64_t>(row, in(1))) + " " +
         std::string(view(rt::get<rt::StringRef>(row, in(4))));
}

inline rt::JoinKernels kernels() {
  rt::JoinKernels k;
  auto key = [](rt::ExecContext*, const uint8_t* row, uint8_t* key) {
    const rt::Field& f = key_layout().fields[0];
    rt::set_null(key, f, rt::is_null(row, in(0)));
    if (!rt::is_null(row, in(0))) rt::put(key, f, rt::get<rt::StringRef>(row, in(0)));
  };
  k.left_key = key;
  k.right_key = key;
  // The residual condition rejects a pair whose values sum to a multiple of 7. The output is a
  // pointer to the pair's text (taken back by emit), made only for a pair that is output.
  k.combine = [](rt::ExecContext*, const uint8_t* left, const uint8_t* right, uint8_t* out) -> int32_t {
    if (right && (rt::get<int64_t>(left, in(3)) + rt::get<int64_t>(right, in(3))) % 7 == 0) return 0;
    auto* text = new std::string(describe(left) + " | " + (right ? describe(right) : "NULL"));
    std::memcpy(out, &text, sizeof text);
    return 1;
  };
  k.emit = [](rt::ExecContext* ctx, const uint8_t* row) {
    std::string* text;
    std::memcpy(&text, row, sizeof text);
    static_cast<Sink*>(ctx->outputs[0])->rows.push_back(std::move(*text));
    delete text;
  };
  return k;
}

inline const rt::RowLayout& out_layout() {
  static const rt::RowLayout l = rt::RowLayout::make({{rt::FieldType::Int64, false, 0}});
  return l;
}

/// Each side's times mostly increase, with disorder and late rows; each side's watermark is its
/// largest time so far minus 4, announced with the other's when it rises; INT64_MAX at the end.
inline std::vector<Step> make_steps(uint64_t seed, int n, bool hot, std::deque<std::string>* pool) {
  std::mt19937_64 rng(seed);
  std::vector<Step> steps;
  int64_t now = -50, max_t[2] = {INT64_MIN, INT64_MIN}, w[2] = {INT64_MIN, INT64_MIN};
  for (int i = 0; i < n; ++i) {
    const int port = static_cast<int>(rng() % 2);
    now += static_cast<int64_t>(rng() % 3);
    int64_t t = now - static_cast<int64_t>(rng() % 10);
    if (rng() % 50 == 0) t -= 40;  // late
    std::vector<uint8_t> row(row_layout().size, 0);
    const bool null_key = rng() % 19 == 0;
    rt::set_null(row.data(), in(0), null_key);
    pool->push_back(hot && rng() % 10 != 0 ? "hot" : "k" + std::to_string(rng() % 40));
    if (!null_key) rt::put(row.data(), in(0), rt::StringRef{pool->back().data(), static_cast<uint32_t>(pool->back().size())});
    rt::put(row.data(), in(1), t);
    rt::put(row.data(), in(2), static_cast<int64_t>(i));
    rt::put(row.data(), in(3), static_cast<int64_t>(rng() % 100));
    pool->push_back(std::string(rng() % 5, static_cast<char>('a' + rng() % 26)));
    rt::put(row.data(), in(4), rt::StringRef{pool->back().data(), static_cast<uint32_t>(pool->back().size())});
    steps.push_back({true, port, std::move(row), {0, 0}});
    if (t > max_t[port]) {
      max_t[port] = t;
      if (t - 4 > w[port]) {
        w[port] = t - 4;
        steps.push_back({false, 0, {}, {w[0], w[1]}});
      }
    }
  }
  steps.push_back({false, 0, {}, {INT64_MAX, INT64_MAX}});
  return steps;
}


/// The join configuration of these rows (times, keys, layouts); the rest is the test's.
inline rt::JoinConfig config(bool left_outer) {
  rt::JoinConfig c;
  c.left_outer = left_outer;
  c.left_time = c.right_time = static_cast<int32_t>(in(1).offset);
  c.key_size = key_layout().size;
  c.out_size = 8;
  c.key_null_bytes = key_layout().null_bytes;
  c.left_layout = c.right_layout = &row_layout();
  c.key_layout = &key_layout();
  return c;
}

}  // namespace vlac::test::join_rows
