#pragma once
// The slices of a sliced window aggregate (runtime/ops/window_aggregate.h), and who reads them.
// Window merging (opt/merge_windows.cpp) lets several aggregates of one input share one store:
// the first (the owner) receives the rows and updates one slice per row; every reader, the
// owner included, fires its own windows from the same slices. A slice leaves once every reader
// has fired every window that holds it. Each reader combines slices in its own SliceFifo
// (runtime/ops/slice_fifo.h), registered here so that the owner can bring it a late row for a
// slice it has already taken in. Header-only C++17, no heap of its own.

#include <cstdint>

#include "runtime/ops/container_state.h"
#include "runtime/ops/late_rows.h"
#include "runtime/ops/window_math.h"

namespace vlac::rt {

/// The most aggregates that may share one slice store (the merge pass forms no larger group).
constexpr int kMaxSliceReaders = 8;

/// One aggregate reading a slice store: its windows (kind 1 HOP, TUMBLE as a HOP whose slide
/// is its size; 2 CUMULATE), how far it has fired, and its row counters, which the owner keeps
/// since it alone sees the rows.
struct SliceReader {
  int kind = 1;
  int64_t size = 0, slide = 0, offset = 0;
  int64_t fired_to = INT64_MIN;  // every window ending at or before this has fired
  uint64_t rows_in = 0, late_dropped = 0, capacity_dropped = 0;
#if !defined(VLAC_FIRMWARE)
  LateRows late;  // the reader's --late report (not state: set when the run is wired)
#else
  static constexpr LateRows late{};
#endif

  int64_t last_end(int64_t t) const { return last_window_end(kind, t, size, slide, offset); }
  /// Whether a window of this reader that holds the slice starting at `start` is yet to fire.
  bool live(int64_t start) const { return last_end(start) > fired_to; }
};

template <class OpenWindows, class Fifo>
struct SliceStore {
  OpenWindows* slices = nullptr;  // by (end, start): the owner's
  uint64_t opened = 0;            // slices opened so far: readers that get no rows notice new ones by it
  uint64_t closed = 0;            // slices closed so far (not saved): a pointer to a slice holds while it is unchanged
  SliceReader readers[kMaxSliceReaders];
  Fifo* fifos[kMaxSliceReaders];  // each reader's, kept by the reader
  int reader_count = 0;

  void reset(OpenWindows* owner_slices) {
    slices = owner_slices;
    opened = 0;
    closed = 0;
    reader_count = 0;
  }
  /// Registers a reader; -1 when kMaxSliceReaders already read the store.
  int add_reader(const SliceReader& r, Fifo* fifo) {
    if (reader_count == kMaxSliceReaders) return -1;
    readers[reader_count] = r;
    fifos[reader_count] = fifo;
    return reader_count++;
  }
  /// A row with `key` and arrival `seq` went into the slice starting at `start`: every reader
  /// that has taken that slice into its FIFO gets it too. update(acc, arena) applies the row.
  template <class Update>
  void row_added(int64_t start, const uint8_t* key, int64_t seq, Update&& update) {
    for (int r = 0; r < reader_count; ++r) {
      const SliceReader& reader = readers[r];
      fifos[r]->late_row(start, key, seq, [&reader](int64_t s) { return reader.live(s); }, update);
    }
  }
  /// The slices opened and each reader's record (the slices are saved by the owner with its
  /// windows; the readers and their FIFOs are wired at construction, so their count must match).
  void save(StateWriter& w) const {
    w.u64(opened);
    w.u64(static_cast<uint64_t>(reader_count));
    for (int r = 0; r < reader_count; ++r) {
      const SliceReader& x = readers[r];
      w.i64(x.kind);
      w.i64(x.size);
      w.i64(x.slide);
      w.i64(x.offset);
      w.i64(x.fired_to);
      w.u64(x.rows_in);
      w.u64(x.late_dropped);
      w.u64(x.capacity_dropped);
    }
  }
  bool load(StateReader& in) {
    opened = in.u64();
    if (in.u64() != static_cast<uint64_t>(reader_count)) in.fail();
    for (int r = 0; in.ok() && r < reader_count; ++r) {
      SliceReader& x = readers[r];
      x.kind = static_cast<int>(in.i64());
      x.size = in.i64();
      x.slide = in.i64();
      x.offset = in.i64();
      x.fired_to = in.i64();
      x.rows_in = in.u64();
      x.late_dropped = in.u64();
      x.capacity_dropped = in.u64();
    }
    return in.ok();
  }

  /// Closes the oldest slices once every reader has fired every window that holds them.
  template <class Groups>
  void release() {
    int64_t start, end;
    Groups* groups;
    while (slices->first(&start, &end, &groups)) {
      for (int r = 0; r < reader_count; ++r)
        if (readers[r].live(start)) return;
      slices->close_first();
      ++closed;
    }
  }
};

}  // namespace vlac::rt
