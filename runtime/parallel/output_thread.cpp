#include "runtime/parallel/output_thread.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/parallel/trial.h"

namespace vlac::rt {
namespace {

// A batch is handed over at this many rows or bytes: the queue's synchronisation is then rare,
// and the thread writes while the run's thread fills the next ones.
constexpr uint32_t kBatchRows = 1024;
constexpr size_t kBatchBytes = 256 * 1024;

}  // namespace

OutputTrial OutputTrial::from_environment() {
  OutputTrial trial;
  if (const char* hook = std::getenv("VLAC_TEST_OUTPUT_TRIAL")) {
    trial.warm_rows = 3;
    trial.slice_rows = 4;
    trial.keep = std::strcmp(hook, "run") == 0 ? Keep::RunThread : Keep::Thread;
  }
  return trial;
}

/// What the run writes an output through.
class OutputThread::Front final : public RowWriter {
 public:
  Front(OutputThread* owner, size_t index) : owner_(owner), index_(index) {}
  void write(const uint8_t* row) override { owner_->write(index_, row, *this); }
  void flush() override {
    owner_->drain();
    real().flush();
    error_ = real().error();
  }
  void finish() override {
    owner_->drain();
    real().finish();
    error_ = real().error();
  }
  uint64_t bytes_written() const override {
    owner_->drain();
    return real().bytes_written();
  }
  /// Takes the real writer's error, once the thread is done with it.
  void take_error() {
    owner_->drain();
    error_ = real().error();
  }
  RowWriter& real() const { return *owner_->writers_[index_]; }

 private:
  OutputThread* owner_;
  size_t index_;
};

OutputThread::OutputThread(std::vector<RowWriter*> writers, std::vector<const RowLayout*> layouts, const OutputTrial& trial)
    : writers_(std::move(writers)), trial_(trial) {
  for (size_t i = 0; i < writers_.size(); ++i) {
    packers_.emplace_back(layouts[i]);
    fronts_.push_back(std::make_unique<Front>(this, i));
  }
  next_step_ = trial_.warm_rows;
  thread_ = std::thread([this] { work(); });
}

RowWriter* OutputThread::writer(size_t i) const { return fronts_[i].get(); }

OutputThread::~OutputThread() {
  drain();
  stop_.store(true, std::memory_order_release);
  queue_.signal();
  thread_.join();
}

void OutputThread::write(size_t i, const uint8_t* row, Front& front) {
  if (direct_) {
    RowWriter& w = front.real();
    w.write(row);
    if (w.failed()) front.take_error();
  } else if (failed_.load(std::memory_order_relaxed)) {
    return front.take_error();  // the run stops at this row
  } else {
    if (!filling_) filling_ = &queue_.open();
    // The entry's arrival number says whose row it is.
    packers_[i].append(filling_->bytes, row, static_cast<int64_t>(i), 0);
    if (++filling_->rows >= kBatchRows || filling_->bytes.size() >= kBatchBytes) publish();
  }
  if (++rows_ == next_step_) step();
}

void OutputThread::step() {
  // A slice on the thread is timed to its last row handed over: the queue then holds at most
  // kSlots batches, which the thread writes while the next slice goes on, in the steady state
  // that the trial is to measure. (Called at next_step_ only: never again once decided.)
  const double now = trial::seconds_now();
  if (slices_ > 0) (direct_ ? run_thread_seconds_ : thread_seconds_) += now - mark_seconds_;
  const bool was_direct = direct_;
  if (++slices_ > 2 * trial_.rounds) {
    decided_ = true;
    thread_rate_ = static_cast<double>(trial_.rounds * trial_.slice_rows) / std::max(thread_seconds_, 1e-9);
    run_thread_rate_ = static_cast<double>(trial_.rounds * trial_.slice_rows) / std::max(run_thread_seconds_, 1e-9);
    direct_ = trial_.keep == OutputTrial::Keep::RunThread ||
              (trial_.keep == OutputTrial::Keep::Faster && !trial::threads_win(thread_rate_, run_thread_rate_));
  } else {
    direct_ = slices_ % 2 == 0;  // odd slices on the thread, even ones on the run's thread
    next_step_ = rows_ + trial_.slice_rows;
  }
  if (direct_ && !was_direct) drain();  // what the thread holds is written before the run's thread writes more
  mark_seconds_ = trial::seconds_now();
}

std::string OutputThread::placement() const {
  char rates[160];
  std::snprintf(rates, sizeof rates, "%.2f M rows/s there, %.2f M on the run's thread", thread_rate_ / 1e6,
                run_thread_rate_ / 1e6);
  if (!decided_) return "formatted and written on a thread of their own (too few rows for a trial)";
  return direct_ ? "formatted and written on the run's thread after a trial (" + std::string(rates) + ")"
                 : "formatted and written on a thread of their own after a trial (" + std::string(rates) + ")";
}

void OutputThread::publish() {
  if (!filling_) return;
  filling_ = nullptr;
  queue_.publish();
}

void OutputThread::drain() {
  publish();
  queue_.wait_empty();
}

void OutputThread::work() {
  while (BatchQueue::Batch* batch = queue_.take(stop_)) {
    uint8_t* at = batch->bytes.data();
    for (uint32_t r = 0; r < batch->rows; ++r) {
      int64_t output, unused;
      uint8_t* row;
      // Every packer unpacks the entry's header alike: the first tells whose row it is.
      std::memcpy(&output, at, sizeof output);
      at = packers_[static_cast<size_t>(output)].unpack(at, &row, &output, &unused);
      RowWriter& w = *writers_[static_cast<size_t>(output)];
      w.write(row);
      if (w.failed()) failed_.store(true, std::memory_order_release);
    }
    queue_.release();
  }
}

}  // namespace vlac::rt
