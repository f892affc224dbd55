#pragma once
// Storage policies: where an operator keeps its state. Every operator of runtime/ops is one
// template over a kernel policy K (how it computes on values) and a storage policy S (where it
// keeps them), so that one implementation serves every backend:
//
//   HostedStorage        growing containers; sizes and `WITH` limits known at run time
//                        (`vlac run` on the JIT or the C++ backend, host builds)
//   FixedStorage<Dims>   fixed-capacity inline containers, no heap (firmware builds); Dims is
//                        a struct of compile-time sizes and capacities written by the generator
//
// A container that is full refuses in both policies, and the operator drops the row and counts
// it (capacity_dropped): the same rows and counters at the same capacity.
//
// S::Dims holds the sizes an operator's fixed containers are made of (0 under HostedStorage,
// where the configuration's layouts give them); S::Arena is where kernels copy strings that
// state keeps (none in firmware: rows hold strings inline).

#include <cstddef>
#include <cstdint>

#include "runtime/ops/fixed_containers.h"

#if !defined(VLAC_FIRMWARE)
#include <vector>

#include "runtime/cache_lines.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_containers.h"
#include "runtime/ops/string_arena.h"
#endif

namespace vlac::rt {

/// Every size and capacity an operator's fixed storage may need. The generator derives one
/// struct per operator from it and overrides what the operator uses.
struct OperatorDims {
  static constexpr size_t in_size = 0, key_size = 0, acc_size = 0, out_size = 0;
  static constexpr size_t max_keys = 0, max_open_windows = 0, max_buffered_rows = 0;
  static constexpr bool session = false;  // a SESSION aggregate (keeps sessions, not windows)
  static constexpr bool sliced = false;   // a sliced HOP/CUMULATE (max_open_windows counts slices)
  // joins: the left (port 0) and right (port 1) input rows
  static constexpr size_t left_size = 0, right_size = 0;
  // OVER (with max_buffered_rows): and per call, the entries its frame's queues hold
  // (over_frame_sizes: values, MIN/MAX candidates, moments).
  static constexpr size_t args_size = 0, results_size = 0, calls = 0;
  static constexpr size_t frame_values[1] = {0}, frame_extreme[1] = {0}, frame_moments[1] = {0};
};

template <class D>
struct FixedStorage {
  using Dims = D;
  using Arena = NoArena;
  template <size_t N>
  using Bytes = FixedBytes<N>;
  template <size_t N>
  using StateBytes = FixedBytes<N>;
  template <size_t kKeySize, size_t kAccSize, size_t N>
  using GroupTable = FixedGroupTable<kKeySize, kAccSize, N>;
  template <class Table, size_t N>
  using OpenWindows = FixedOpenWindows<Table, N>;
  template <class T, size_t kKeys, size_t kPerKey>
  using Lists = FixedLists<T, kKeys, kPerKey>;
  template <class T, size_t N>
  using Vector = FixedVector<T, N == 0 ? 1 : N>;
  // joins
  template <size_t kRowSize, size_t N>
  using Rows = RowSlots<kRowSize, N == 0 ? 1 : N>;
  template <class T, size_t N>
  using Fifo = Ring<T, N == 0 ? 1 : N>;
  template <size_t N>
  using Heap = PendingHeap<N == 0 ? 1 : N>;
  template <size_t kKeySize, size_t N>
  using Keys = KeyTable<kKeySize == 0 ? 1 : kKeySize, N == 0 ? 1 : N>;
  template <class T, size_t N>
  using Array = FixedArray<T, N>;
  // OVER: its frames (one type per call) and their queues; pending rows use Rows and Heap.
  template <template <size_t> class Item, size_t N>
  using Items = FixedItems<Item, N>;
  template <class T, size_t N>
  using Queue = Ring<T, N>;  // N = 0: a queue the call does not use
};

#if !defined(VLAC_FIRMWARE)
struct HostedStorage {
  using Dims = OperatorDims;
  using Arena = StringArena;
  // An operator's buffers for the row at hand, written on every row: on cache lines of their
  // own, since with `--threads` other threads' operators may be allocated next to them.
  template <size_t>
  using Bytes = LineVector<uint8_t>;
  // Bytes kept per entry of its state (a session's accumulator): many, so not padded to lines.
  template <size_t>
  using StateBytes = std::vector<uint8_t>;
  template <size_t, size_t, size_t>
  using GroupTable = rt::GroupTable;
  template <class, size_t>
  using OpenWindows = HostedOpenWindows;
  template <class T, size_t, size_t>
  using Lists = HostedLists<T>;
  template <class T, size_t>
  using Vector = std::vector<T>;
  // joins
  template <size_t, size_t>
  using Rows = RowStore;
  template <class T, size_t>
  using Fifo = HostedFifo<T>;
  template <size_t>
  using Heap = HostedPendingHeap;
  template <size_t, size_t>
  using Keys = HostedKeyTable;
  template <class T, size_t>
  using Array = HostedArray<T>;
  // OVER: its frames (one type per call) and their queues; pending rows use Rows and Heap.
  template <template <size_t> class Item, size_t>
  using Items = HostedItems<Item<0>>;
  template <class T, size_t>
  using Queue = HostedQueue<T>;
};
#endif

}  // namespace vlac::rt
