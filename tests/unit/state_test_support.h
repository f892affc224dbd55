#pragma once
// Shared by the operator state tests (join_state_test.cpp, over_state_test.cpp): rows with
// STRING fields in both representations (hosted: a StringRef to bytes someone else owns;
// firmware: STRING(n) inline), emitted rows rendered to text by value at the moment they are
// emitted, and the save / load round trip that scribbles over every byte the restored operator
// must not keep pointing into.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/exec_context.h"
#include "runtime/ops/operator_stats.h"
#include "runtime/ops/state_io.h"
#include "runtime/row_layout.h"

namespace vlac::state_test {

namespace rt = vlac::rt;

/// A field's value as text: numbers exactly (floats by their bits), strings by their bytes.
inline std::string field_text(const uint8_t* row, const rt::Field& f, bool inline_strings) {
  if (rt::is_null(row, f)) return "NULL";
  char buf[64];
  switch (f.type) {
    case rt::FieldType::Bool: return rt::get<uint8_t>(row, f) ? "true" : "false";
    case rt::FieldType::Int32: return std::to_string(rt::get<int32_t>(row, f));
    case rt::FieldType::Float32: {
      uint32_t bits = rt::get<uint32_t>(row, f);
      std::snprintf(buf, sizeof buf, "f%08x", bits);
      return buf;
    }
    case rt::FieldType::Float64: {
      uint64_t bits = rt::get<uint64_t>(row, f);
      std::snprintf(buf, sizeof buf, "d%016llx", static_cast<unsigned long long>(bits));
      return buf;
    }
    case rt::FieldType::String: {
      if (inline_strings) {
        uint32_t n = rt::get<uint32_t>(row, f);
        return "'" + std::string(reinterpret_cast<const char*>(row + f.offset + 4), n) + "'";
      }
      rt::StringRef s = rt::get<rt::StringRef>(row, f);
      return "'" + std::string(s.data, s.size) + "'";
    }
    default: return std::to_string(rt::get<int64_t>(row, f));
  }
}

inline std::string row_text(const uint8_t* row, const rt::RowLayout& layout, bool inline_strings) {
  std::string t;
  for (size_t i = 0; i < layout.fields.size(); ++i) t += (i ? "|" : "") + field_text(row, layout.fields[i], inline_strings);
  return t;
}

/// Sets a STRING field: NULL when s is null; hosted rows point at *s (the caller keeps it).
inline void set_string(uint8_t* row, const rt::Field& f, bool inline_strings, const std::string* s) {
  if (!s) {
    rt::set_null(row, f, true);
    return;
  }
  if (f.nullable) rt::set_null(row, f, false);
  if (!inline_strings) {
    rt::put(row, f, rt::StringRef{s->data(), static_cast<uint32_t>(s->size())});
    return;
  }
  uint32_t n = static_cast<uint32_t>(s->size());
  std::memcpy(row + f.offset, &n, 4);
  std::memcpy(row + f.offset + 4, s->data(), n);
}

/// Copies a STRING field of one row into a key row (the generated key kernel's work): the NULL
/// bit, else the StringRef (hosted) or the size and bytes (inline; the rest stays zero).
inline void copy_string(const uint8_t* from, const rt::Field& ff, uint8_t* to, const rt::Field& tf, bool inline_strings) {
  if (rt::is_null(from, ff)) return rt::set_null(to, tf, true);
  if (!inline_strings) return rt::put(to, tf, rt::get<rt::StringRef>(from, ff));
  uint32_t n = rt::get<uint32_t>(from, ff);
  std::memcpy(to + tf.offset, &n, 4);
  std::memcpy(to + tf.offset + 4, from + ff.offset + 4, n);
}

/// Where an operator's emit kernel writes: each row as text, rendered while its strings are valid.
struct Sink {
  std::vector<std::string> out;
  std::string (*render)(const uint8_t* row) = nullptr;
};

/// A hosted operator's context: outputs[0] is its Sink.
struct HostedCtx {
  Sink sink;
  void* outputs[1];
  rt::ExecContext ctx;
  HostedCtx() {
    outputs[0] = &sink;
    ctx.outputs = outputs;
  }
  HostedCtx(const HostedCtx&) = delete;
};
inline void hosted_emit(rt::ExecContext* ctx, const uint8_t* row) {
  auto* sink = static_cast<Sink*>(ctx->outputs[0]);
  sink->out.push_back(sink->render(row));
}

inline void expect_same_stats(const rt::OperatorStats& a, const rt::OperatorStats& b) {
  EXPECT_EQ(a.rows_in, b.rows_in);
  EXPECT_EQ(a.rows_out, b.rows_out);
  EXPECT_EQ(a.late_dropped, b.late_dropped);
  EXPECT_EQ(a.capacity_dropped, b.capacity_dropped);
  EXPECT_EQ(a.windows_updated, b.windows_updated);
  EXPECT_EQ(a.buffered, b.buffered);
  EXPECT_EQ(a.peak_buffered, b.peak_buffered);
}

/// Two states byte for byte; on a difference, where the first one is (not a dump of both).
inline void expect_same_bytes(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, const char* what) {
  if (a == b) return;
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  ADD_FAILURE() << what << ": " << a.size() << " and " << b.size() << " bytes, first difference at byte " << i;
}

template <class Op>
std::vector<uint8_t> saved(const Op& op) {
  std::vector<uint8_t> bytes;
  rt::StateWriter w(&bytes);
  op.save_state(w);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.size(), bytes.size());
  // A caller's buffer of exactly that size takes the same bytes; one byte less is refused.
  std::vector<uint8_t> exact(bytes.size());
  rt::StateWriter fits(exact.data(), exact.size());
  op.save_state(fits);
  EXPECT_TRUE(fits.ok());
  expect_same_bytes(exact, bytes, "saved into a caller's buffer");
  if (!bytes.empty()) {
    rt::StateWriter small(exact.data(), exact.size() - 1);
    op.save_state(small);
    EXPECT_FALSE(small.ok());
  }
  return bytes;
}

/// Loads `bytes` into `op` from a copy that is overwritten afterwards, so that the restored
/// operator cannot keep pointing into it; the load must use every byte.
template <class Op>
bool load_from_copy(Op& op, const std::vector<uint8_t>& bytes) {
  auto copy = std::make_unique<uint8_t[]>(bytes.size() + 1);
  if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
  rt::StateReader r(copy.get(), bytes.size());
  bool ok = op.load_state(r);
  EXPECT_EQ(ok, r.ok());
  EXPECT_TRUE(r.at_end()) << r.remaining() << " bytes left";
  std::memset(copy.get(), 0xA5, bytes.size() + 1);
  return ok && r.at_end();
}

/// Cut points for a run of n steps: 0 (the empty state), n (after the end) and `k` random
/// indices in between, sorted.
inline std::vector<size_t> cut_points(uint64_t seed, size_t n, size_t k) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> cuts = {0, n};
  for (size_t i = 0; i < k && n > 1; ++i) cuts.push_back(1 + rng() % (n - 1));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

/// Runs `steps` through one Runner (an operator with its sink: out(), step(), op) without a
/// break, saving its state at the cut points; then, from each cut's bytes, a fresh Runner
/// loads the state, runs the rest, and must emit exactly what the original emitted from there,
/// end with the same counters and save the same bytes. Truncated state is refused. Returns the
/// uninterrupted Runner (for the caller's checks that the run reached what it is meant to).
template <class Runner, class Config, class Step>
std::unique_ptr<Runner> check_round_trips(const Config& config, const std::vector<Step>& steps, uint64_t seed) {
  const std::vector<size_t> cuts = cut_points(seed, steps.size(), 4);
  auto original = std::make_unique<Runner>(config);
  std::vector<std::vector<uint8_t>> state;
  std::vector<size_t> emitted;
  for (size_t i = 0, c = 0; i <= steps.size(); ++i) {
    for (; c < cuts.size() && cuts[c] == i; ++c) {
      state.push_back(saved(*original->op));
      emitted.push_back(original->out().size());
    }
    if (i < steps.size()) original->step(steps[i]);
  }
  const std::vector<uint8_t> end_state = saved(*original->op);
  for (size_t k = 0; k < cuts.size(); ++k) {
    SCOPED_TRACE("cut at step " + std::to_string(cuts[k]) + " of " + std::to_string(steps.size()));
    Runner restored(config);
    if (!load_from_copy(*restored.op, state[k])) {
      ADD_FAILURE() << "load_state refused its own state";
      continue;
    }
    expect_same_bytes(saved(*restored.op), state[k], "the restored state saved again");
    for (size_t i = cuts[k]; i < steps.size(); ++i) restored.step(steps[i]);
    const std::vector<std::string>& all = original->out();
    const std::vector<std::string> rest(all.begin() + static_cast<std::ptrdiff_t>(emitted[k]), all.end());
    EXPECT_EQ(restored.out().size(), rest.size());
    for (size_t i = 0; i < rest.size() && i < restored.out().size(); ++i)
      if (restored.out()[i] != rest[i]) {
        ADD_FAILURE() << "output " << i << " after the cut:\n  restored " << restored.out()[i] << "\n  original " << rest[i];
        break;
      }
    expect_same_stats(restored.op->stats(), original->op->stats());
    expect_same_bytes(saved(*restored.op), end_state, "the end states");
  }
  const std::vector<uint8_t>& middle = state[state.size() / 2];
  for (size_t len : {size_t{0}, middle.size() / 2, middle.size() - 1}) {
    Runner cut(config);
    rt::StateReader r(middle.data(), len);
    EXPECT_FALSE(cut.op->load_state(r)) << len << " of " << middle.size() << " bytes";
  }
  return original;
}

}  // namespace vlac::state_test
