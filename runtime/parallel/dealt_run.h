#pragma once
// A keyed operator whose rows are dealt out by the parser threads (`vlac run --threads N`,
// LANGUAGE.md §11): a "dealt run". PartitionedWindowAggregate deals rows out from the run's
// thread, which therefore still reads every row, runs the pipeline before the operator and
// waits for every partition at every firing. Here no row passes through the run's thread:
//
//   parser thread (chunk k)   parses a row, runs the source's pipeline (generated, on its own
//                             ExecContext); the row the pipeline pushes at the operator goes to
//                             KeyDealer::deal, which appends it to chunk k's list for its key's
//                             partition, with its arrival number in the chunk and the largest
//                             event time of the chunk's rows before it.
//   partition thread p        takes its lists chunk by chunk in order; a row's watermark is
//                             then known (the largest time of the chunks before, which the run's
//                             thread adds up, and of the rows before it in its chunk), so the
//                             partition drops late rows and emits results as one thread would,
//                             on its own, into a buffer, each with its place in one thread's
//                             order.
//   run's thread              takes the chunks in order (rejects reported, starts checked:
//                             ParallelReader::next_visited), tells the partitions where each
//                             begins, and emits the partitions' results merged by that place.
//
// When the outputs are CSV or JSON Lines files of their own (DealtFormatting), each partition
// also runs what comes after the operator (its emit kernel: the pipelines into the outputs) and
// formats the rows it writes, so that the run's thread only writes each result's bytes in that
// order: otherwise an operator with as many results as rows (OVER) left the run's thread as
// much work as every other thread. The source may then also write to outputs of its own
// (filtered rows beside the aggregate): the parser threads format those rows a chunk at a time,
// and the run's thread writes each chunk's bytes as it takes the chunk, as in a formatted run
// (runtime/parallel/formatted_run.h).
//
// Why the partitions need not fire together: over the whole run, one thread's results come in
// an order the partitions can give each result, and a partition whose watermark has reached W
// has given every result placed at or before W (docs/decisions.md, "Issue 16: dealt runs"):
//   - a window aggregate (DealtAggregateOp): by (window end, window start, first arrival); a
//     window fires when the watermark reaches its end, and every window a later row opens ends
//     after that watermark; SESSION's too (a session's end only grows, and a session that would
//     end before the watermark is late);
//   - OVER (DealtOverOp): by (time, arrival); a row is emitted when the watermark passes its
//     time, and a later row with an earlier time than the watermark is late.
// A result that every partition has fired past is therefore safe to emit.
//
// `--late`: a partition drops late rows as one thread would, and keeps each with its arrival
// number; the run's thread reports them in arrival order, those of every partition merged, up
// to the rows every partition has taken (its chunks done), and when the operator feeds others
// only up to the next firing it replays (below), as one thread reports them between firings.
//
// What it needs (the traits' can_deal and the executor's dealable()): one input file, split;
// the operator is the program's only one, fed by that input only, and writes only to outputs
// of its own (the source may write to others when they are formatted: above); a key and no capacity limits; no checkpoints, --on-error fail or live
// input. Sliced windows (HOP, CUMULATE) are dealt too: every partition holds every slice, as
// in PartitionedWindowAggregate, because the dealers announce to every partition the rows that
// may open one (KeyDealer::announce_slice).
//
// Feeding further operators (DealtSource::replay; the executor's dealt_feeding_operator()): a
// keyed window aggregate or OVER that alone takes the file's rows may feed the rest of the
// program, which runs on the run's thread in an rt::Engine where a DealtStandIn takes the
// operator's place. There the rest must see the source's watermark move as on one thread: the
// operator's results of a firing arrive when the watermark is the last one before the firing,
// then the watermark moves to the one that fired it. Between two firings no row reaches the rest,
// and moving an operator's watermark from W' to W'' in steps with no row between does what moving
// it at once does (operators fire by thresholds, in order, and only rows are judged late). So
// only the watermark moves across a window end matter. The parser threads note them per chunk
// (DealtChunk::crossings: window ends lie on a grid, DealtAggregateOp::window_end_grid; for
// SESSION and OVER every nanosecond, so every move), and the run's thread replays each that
// fires something, once every partition has fired up to it: the watermark before it, then after
// it, the stand-in emitting the merged results up to the latter (emit_until).

#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/cache_lines.h"
#include "runtime/exec_context.h"
#include "runtime/io/parallel_reader.h"
#include "runtime/io/row_writer.h"
#include "runtime/io/run_stop.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/ops/operator.h"
#include "runtime/parallel/batch_queue.h"
#include "runtime/parallel/chunk_formatters.h"
#include "runtime/parallel/fired_groups.h"
#include "runtime/parallel/key_partition.h"
#include "runtime/parallel/packed_rows.h"

namespace vlac::rt {

/// The rest of the program when a dealt operator feeds further operators (above): an engine on
/// the run's thread, whose stand-in for the dealt operator emits the merged results.
class DealtReplay {
 public:
  virtual ~DealtReplay() = default;
  /// The source's watermark is now w (when higher): the engine moves every operator to it.
  virtual void raise_watermark(int64_t w) = 0;
  /// The end of input: every watermark at +inf.
  virtual void end_of_input() = 0;
};

/// The source of a dealt run and the program around its operator.
struct DealtSource {
  void (*entry)(ExecContext*, const uint8_t*) = nullptr;  // generated: the source's pipeline
  int32_t time_offset = -1;  // of the event time in the source's rows; -1: none
  int64_t bound_ns = 0;      // the watermark's delay
  size_t operators = 1;      // the program's operators (what ExecContext::operators holds)
  size_t op_id = 0;          // the dealt operator's
  size_t outputs = 0;        // the program's outputs
  size_t pipeline_counters = 0;  // 2 x pipelines when `--stats` counts them, else 0
  LateRows late;                 // `--late`: where the operator's late rows go (none: null report)
  /// Feeding further operators (above): what moves their watermark; null: the operator feeds none.
  DealtReplay* replay = nullptr;
};

/// Results formatted on the partitions' threads (above): the program's outputs, each
/// takes_formatted() and on a file of its own, and a formatter like each.
struct DealtFormatting {
  std::vector<RowWriter*> writers;
  std::function<std::unique_ptr<RowFormatter>(size_t)> make_formatter;
  /// Per output: written by the source's pipelines (on the parser threads), not by the
  /// operator's results. Empty: none is.
  std::vector<bool> from_source;
};

/// A chunk's rows for one partition: packed rows [local seq][max time before]. Its parser
/// thread appends to it on every row (runtime/cache_lines.h).
struct alignas(kCacheLine) DealtList {
  BatchQueue::Bytes rows;
};

/// Feeding further operators: a row after which the chunk's watermark passes a window end:
/// the largest event times of the chunk's rows before and with it, and the rows pushed at the
/// operator up to it.
struct DealtCrossing {
  int64_t before = 0;
  int64_t after = 0;
  int64_t pushes = 0;  // `--late`: the late rows arriving before this are reported before the firing
};

/// A chunk's rows for each partition, and what the partitions need to know of the chunk.
struct alignas(kCacheLine) DealtChunk {
  std::vector<DealtList> lists;  // per partition
  int64_t max_time = INT64_MIN;          // of the chunk's source rows
  uint64_t pushes = 0;                   // rows pushed at the operator
  int64_t base_max = INT64_MIN;          // of the chunks before (set by the run's thread)
  uint64_t base_seq = 0;                 // rows pushed in the chunks before
  std::atomic<size_t> done{0};           // partitions done with it
  std::vector<std::string> source_bytes;  // per output the source writes to: its rows' bytes (ChunkFormatters)
  // Feeding further operators: each row after which the chunk's watermark passes a window end,
  // in order (arrival numbers in the chunk).
  std::vector<DealtCrossing> crossings;
};

/// A parser thread's end of the operator: the generated pipeline pushes the rows at `front`
/// (the runtime's push function sees that it has a dealer), and deal() appends each to its
/// key's list. On cache lines of its own: its thread writes it on every row.
template <class Front>
class alignas(kCacheLine) KeyDealer {
 public:
  // Markers in a partition's list (PackedRows::append_marker; announce_slice says why): the
  // largest event time of the chunk's rows before a row, then a time in the row's slice.
  static constexpr int64_t kMaxBefore = -1;
  static constexpr int64_t kOpenSlice = -2;

  void deal(const uint8_t* row) {
    const uint8_t* key = front.key_of(row);
    const uint32_t p = key_partition(keys.hash(key), partitions);
    if constexpr (kMaySlice)
      if (slice_time_offset >= 0) announce_slice(row);
    packer->append(lists[p].rows, row, seq++, max_before);
  }

  /// A sliced window aggregate (HOP, CUMULATE): one thread opens a slice with the first row
  /// that falls in it, and every partition must open it at that row too, so that its FIFO keeps
  /// one thread's shape (slice_opened in runtime/ops/slice_fifo.h says why). Whether the row
  /// opens it (it may be late, or the slice open already) only the partitions can tell, at the
  /// row's watermark, so every partition is sent the row's place and time whenever its slice is
  /// not that of the chunk's row before: rarely, as rows mostly fall in the slice of the row
  /// before (a later row in the same slice opens nothing: the earlier one did, or was late for
  /// every window, which the later one then is too).
  void announce_slice(const uint8_t* row) {
    int64_t t;
    std::memcpy(&t, row + slice_time_offset, sizeof t);
    if (t >= slice_start && t < slice_end) return;
    front.slice_of(t, &slice_start, &slice_end);
    for (uint64_t q = 0; q < partitions; ++q) {
      PackedRows::append_marker(lists[q].rows, kMaxBefore, max_before);
      PackedRows::append_marker(lists[q].rows, kOpenSlice, t);
    }
  }
  static constexpr bool kMaySlice = requires(Front& f, int64_t* at) { f.slice_of(int64_t{0}, at, at); };

  Front front;  // computes keys (on `ctx`)
  KeyRows keys;
  const PackedRows* packer = nullptr;
  DealtChunk* chunk = nullptr;         // the chunk being parsed
  DealtList* lists = nullptr;  // its lists
  uint64_t partitions = 1;
  int64_t seq = 0;                 // rows pushed in it so far
  int64_t max_before = INT64_MIN;  // the largest event time of its rows before this one
  int64_t next_window_end = INT64_MAX;  // feeding further operators: the first after max_before's watermark
  int32_t slice_time_offset = -1;  // sliced: of the rows' event time (announce_slice)
  int64_t slice_start = 1, slice_end = 0;  // the slice of the chunk's last row (none yet)
  ExecContext ctx;
  std::vector<void*> operators;
  LineVector<uint64_t> pipeline_rows;
  ChunkFormatters source_rows;  // the outputs the source writes to (DealtFormatting::from_source)
};

/// What the executor and `--stats` need of a dealt run, whatever its operator.
class DealtRunner : public RowVisitor {
 public:
  /// Reads `reader` (split: ParallelReader::split) to its end, then ends the input. False when
  /// `stop` (may be null) stopped it first.
  virtual bool run(ParallelReader& reader, RunStop* stop) = 0;
  virtual OperatorStats stats() const = 0;
  virtual std::vector<uint64_t> partition_rows() const = 0;
  /// Adds what the parser threads counted for `--stats` to `counters` (pipeline_counters long).
  virtual void add_pipeline_rows(uint64_t* counters) const = 0;
  /// Feeding further operators, on the run's thread: emits the results placed up to w, which
  /// every partition has handed over.
  virtual void emit_until(int64_t w) = 0;
};

/// The dealt operator's place in the engine of the rest of the program (DealtReplay): advancing
/// it emits the run's results up to the watermark. Its counters are the run's (stats()).
class DealtStandIn final : public StatefulOperator {
 public:
  void advance(int64_t w) override { run->emit_until(w); }
  const OperatorStats& stats() const override { return stats_; }
  void save_state(StateWriter&) const override {}  // never checkpointed: runs on the parser threads are not
  bool load_state(StateReader&) override { return false; }
  bool set_late_rows(const LateRows&) override { return true; }  // the dealt run reports the operator's (DealtSource::late)

  DealtRunner* run = nullptr;  // set once made

 private:
  OperatorStats stats_;
};

/// How a window aggregate runs dealt. Its results: [first arrival][window end] rows, each
/// window's after a marker with its start.
struct DealtAggregateOp {
  using Op = HostedWindowAggregate;
  using Config = WindowAggregateConfig;
  using Kernels = WindowAggregateKernels;
  static constexpr bool kStrict = false;  // a result placed at W is out once the watermark is W
  static bool can_deal(const Config& config);
  static const RowLayout* key_layout(const Config& c) { return c.key_layout; }
  /// Sliced: where the rows' event time is, so that the dealers announce the slices they open.
  static int32_t slice_time_offset(const Config& c) { return computes_from_slices(c) ? c.time_offset : -1; }
  /// Every end of its windows is phase + k * grid (grid 0: they all end at the end of input;
  /// SESSION: grid 1, every nanosecond). A coarser truth is enough: a crossing noted where no
  /// window ends fires nothing, and is skipped.
  static void window_end_grid(const Config& c, int64_t* grid, int64_t* phase);
};

/// How OVER runs dealt. Its results: [arrival][time] rows.
struct DealtOverOp {
  using Op = HostedOver;
  using Config = OverConfig;
  using Kernels = OverKernels;
  static constexpr bool kStrict = true;  // a row at time t is out once the watermark is past t
  static bool can_deal(const Config& config);
  static const RowLayout* key_layout(const Config& c) { return c.key_layout; }
  static int32_t slice_time_offset(const Config&) { return -1; }
  /// It emits a row once the watermark passes the row's time, which may be any nanosecond.
  static void window_end_grid(const Config&, int64_t* grid, int64_t* phase) {
    *grid = 1;
    *phase = 0;
  }
};

template <class Traits>
class DealtRun final : public DealtRunner {
  using Op = typename Traits::Op;

 public:
  /// `ctx`: the run's thread's, through which results are emitted. `reader`: the split input
  /// (its parser threads and chunk slots), read by run(). Starts the partition threads, each
  /// of which makes its operator (runtime/cache_lines.h says why there) and waits for chunks.
  /// `formatting`: null, or the outputs the partitions format the results for.
  DealtRun(ExecContext* ctx, const typename Traits::Config& config, const typename Traits::Kernels& kernels,
           const RowLayout* in_layout, const RowLayout* out_layout, int partitions, const DealtSource& source,
           const ParallelReader& reader, const DealtFormatting* formatting = nullptr);
  ~DealtRun() override;

  bool run(ParallelReader& reader, RunStop* stop) override;
  OperatorStats stats() const override;
  std::vector<uint64_t> partition_rows() const override;
  void add_pipeline_rows(uint64_t* counters) const override;
  void emit_until(int64_t w) override;

  void begin_chunk(int worker, size_t slot) override;
  void row(int worker, size_t slot, const uint8_t* row) override;
  void end_chunk(int worker, size_t slot) override;

 private:
  /// Results handed from a partition to the run's thread: entries placed as the traits say
  /// (packed rows, or when formatting each output's byte count), and when formatting each
  /// output's bytes of those entries, in their order.
  struct Results {
    BatchQueue::Bytes entries;
    std::vector<std::string> text;  // per output
  };
  struct alignas(kCacheLine) Partition {  // its thread writes it on every row
    size_t index = 0;
    DealtRun* run = nullptr;
    Op op;
    ExecContext ctx;
    void* outputs[1] = {this};  // OVER's results reach the partition through its emit kernel
    std::thread thread;
    uint64_t rows = 0;
    int64_t watermark = INT64_MIN;
    Results out;  // results not yet handed over
    int64_t seq = 0;         // the arrival number of the row being pushed
    BatchQueue::Bytes late;  // --late: the rows dropped as late since the last hand-over (packed with their arrival numbers)
    std::vector<uint8_t> out_row;
    // Formatting: what comes after the operator runs on fctx, whose outputs are the formatters.
    ExecContext fctx;
    std::vector<std::unique_ptr<RowFormatter>> formatters;
    std::vector<void*> formatter_outputs, no_operators;
    LineVector<uint64_t> pipeline_rows;
    std::vector<uint32_t> size_before;  // a result's: each formatter's size before it
    std::vector<FiredGroup> groups;
    std::vector<std::pair<int64_t, int64_t>> due;  // sliced: the windows a firing completes
    // Handed to the run's thread, under mu.
    std::mutex mu;
    std::deque<Results> handed;
    std::vector<Results> spare;  // buffers the run's thread is done with
    int64_t progress = INT64_MIN;          // every result placed up to here has been handed
    std::deque<BatchQueue::Bytes> handed_late;
    int64_t late_done = 0;  // --late: every late row arriving before this has been handed
    // The run's thread's merge.
    std::deque<Results> merging;
    size_t at = 0;     // in merging.front().entries
    std::vector<size_t> text_at;  // in each of merging.front().text
    int64_t start = 0;  // a window's start, from the last marker
    bool has_head = false;
    uint8_t* head = nullptr;
    int64_t head_seq = 0, head_place = 0, head_start = 0;
    // The run's thread's merge of the late rows (--late).
    std::deque<BatchQueue::Bytes> merging_late;
    size_t late_at = 0;  // in merging_late.front()
    uint8_t* late_head = nullptr;  // null: none loaded
    int64_t late_seq = 0, late_watermark = 0;
  };

  void work(Partition& part);
  /// The partition's watermark is now w: it emits (fires) what that completes.
  void advance(Partition& part, int64_t w);
  void push(Partition& part, uint8_t* row, int64_t seq);
  /// A row (of this partition or another) may open the slice of time t (KeyDealer::announce_slice).
  void open_slice(Partition& part, int64_t t);
  /// Sliced: fires the windows that the watermark's move from `before` to w completes.
  void fire_sliced(Partition& part, int64_t before, int64_t w);
  /// A result of the partition, placed at (place, seq): packed, or formatted (DealtFormatting).
  void result(Partition& part, const uint8_t* row, int64_t seq, int64_t place);
  /// Writes or emits the merge's next result, the head of `part`.
  void emit(Partition& part);
  /// OVER's emit kernel in a partition: packs the result with its place.
  static void pack_result(ExecContext* ctx, const uint8_t* row);
  /// Hands the results over, and the late rows with `late_done` (the arrival number before
  /// which every row the partition is dealt has been taken).
  void hand_over(Partition& part, int64_t late_done);
  /// The LateRows of a partition's operator: keeps the row, with its arrival number.
  static void keep_late(void* part, int port, const uint8_t* row, int64_t watermark);
  /// Reports the late rows arriving before `done`, every partition's merged by arrival.
  void report_late(int64_t done);
  bool load_late(Partition& part);
  int64_t watermark_of(int64_t max_time) const;
  /// Emits every result that no partition can still precede; true when every partition has
  /// finished and everything is emitted.
  bool merge();
  /// Takes what the partitions handed over; returns how far every partition has handed its
  /// results (INT64_MAX: all finished).
  int64_t collect();
  /// Emits the merged results placed up to `up_to` (at most collect()'s); true when it is
  /// INT64_MAX (every partition has finished) and everything is emitted.
  bool emit_merged(int64_t up_to);
  /// The partition whose head is the merge's next result (heads loaded from what was handed
  /// over); null: none handed over.
  Partition* next_result();
  /// Feeding further operators: the first window end after watermark w (INT64_MAX: none before
  /// the end of input).
  int64_t next_window_end_after(int64_t w) const;
  /// Queues chunk c's crossings (taking its list).
  void queue_crossings(DealtChunk& c);
  /// Replays the queued crossings that every partition has fired past (`progress`).
  void replay_ready(int64_t progress);
  bool load_head(Partition& part);
  void stop_partitions();

  ExecContext* ctx_;
  typename Traits::Config config_;
  typename Traits::Kernels kernels_;
  DealtSource source_;
  PackedRows in_packer_, out_packer_;
  Op front_;  // emits, on the run's thread (a window aggregate's)
  std::vector<std::unique_ptr<Partition>> parts_;
  std::vector<std::unique_ptr<KeyDealer<Op>>> dealers_;  // per parser thread
  std::vector<std::unique_ptr<DealtChunk>> chunks_;      // per reader slot
  ParallelReader* reader_ = nullptr;
  // The chunks the partitions may take (chunk k once published_ > k), its top bit set once no
  // more come.
  std::atomic<uint64_t> published_{0};
  std::atomic<bool> abort_{false};
  // Partitions whose operator is made (counted by their threads; a member, not the
  // constructor's local, because a thread still notifies after the constructor may have seen it).
  std::atomic<size_t> made_{0};
  std::atomic<uint32_t> events_{0};  // bumped when a partition hands results over
  std::vector<RowWriter*> writers_;  // formatting: the outputs (else empty)
  uint64_t emitted_ = 0;             // results merged
  int64_t end_grid_ = 0, end_phase_ = 0;  // feeding further operators: window_end_grid()
  // ... those to replay: each chunk's list, with what the chunks before it add to its times and
  // arrival numbers, and how far it has been replayed.
  struct CrossingBatch {
    std::vector<DealtCrossing> list;
    int64_t base_max = INT64_MIN;
    int64_t base_seq = 0;
    size_t at = 0;
    /// The source's watermark after a row whose chunk's largest time up to it is t.
    int64_t watermark(int64_t t, const DealtRun& run) const { return run.watermark_of(std::max(base_max, t)); }
  };
  std::deque<CrossingBatch> crossing_batches_;
  /// The first of b's crossings from b.at whose watermark after is at least `target` (b.list's
  /// size: none).
  size_t first_reaching(const CrossingBatch& b, int64_t target) const;
  std::vector<std::vector<DealtCrossing>> spare_crossings_;  // lists replayed, their capacity kept for chunks to come
  int64_t late_done_ = 0;                // --late: every partition has handed the late rows arriving before this
};

using DealtAggregate = DealtRun<DealtAggregateOp>;
using DealtOver = DealtRun<DealtOverOp>;

}  // namespace vlac::rt
