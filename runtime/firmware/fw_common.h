#pragma once
// Firmware runtime (LANGUAGE.md §9): the shared parts of the fixed-capacity operators that
// generated firmware code uses. Header-only, C++17, no exceptions, no RTTI, no heap, no virtual
// functions, no guarded statics; only <cstdint>, <cstddef> and <cmath> (and row_layout.h with
// VLAC_FIRMWARE). Every capacity is a template parameter, so an operator's size is a constant.
//
// The operators mirror the hosted ones in runtime/ops (same rows, same order, same counters);
// where a hosted container grows, the firmware one is full: the row is dropped and counted in
// Stats::capacity_dropped, never written past the end.

#include <cstddef>
#include <cstdint>

#include "runtime/ops/fixed_containers.h"
#include "runtime/ops/operator_stats.h"
#include "runtime/ops/window_math.h"
#include "runtime/scalar/wrapping.h"

namespace vlac::fw {

/// The counters of one operator: the hosted operators' (rows in/out, late and capacity drops).
using Stats = rt::OperatorStats;

using rt::WindowMode;

// ---- integers and window math, shared with the hosted runtime ---------------------------------

using rt::sat_add;
using rt::sat_sub;
using rt::for_each_window;
using rt::tumble_start;
using rt::wrap_add;
using rt::wrap_mul;
using rt::wrap_sub;
inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

inline int64_t load_i64(const uint8_t* p) {
  int64_t v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store_i64(uint8_t* p, int64_t v) { __builtin_memcpy(p, &v, sizeof v); }

// ---- containers (runtime/ops/fixed_containers.h) -------------------------------------------

using rt::KeyTable;
using rt::PendingHeap;
using rt::Ring;
using rt::RowSlots;
using rt::pow2_at_least;

}  // namespace vlac::fw
