#include "exec/checkpointing.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "exec/executor.h"
#include "runtime/checkpoint/file_range.h"

namespace vlac {

uint64_t program_state_hash(const std::string& source, const std::string& plan_text, const std::string& backend) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the three texts, each ended by a zero byte
  for (const std::string* s : {&source, &plan_text, &backend}) {
    for (unsigned char c : *s) h = (h ^ c) * 1099511628211ull;
    h *= 1099511628211ull;
  }
  return h;
}

namespace {

std::string input_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string snapshot_mismatch(const rt::Snapshot& snapshot, uint64_t program_hash, const std::string& program,
                              const std::vector<std::string>& streams, const std::vector<std::vector<InputFile>>& inputs) {
  const std::string which = "checkpoint " + std::to_string(snapshot.id);
  if (snapshot.program_hash != program_hash)
    return which + " was taken by another program than '" + program + "' (its text, the optimiser flags, the backend " +
           "or the vlac version differ" + (snapshot.program.empty() ? "" : "; it ran '" + snapshot.program + "'") +
           "): use another --checkpoint directory, or empty this one to start over";
  std::vector<std::string> theirs, ours;
  for (const rt::SnapshotInput& in : snapshot.inputs) theirs.push_back(in.stream + "=" + in.name);
  for (size_t s = 0; s < inputs.size(); ++s)
    for (const InputFile& f : inputs[s]) ours.push_back(streams[s] + "=" + f.display_name);
  if (theirs != ours)
    return which + " read other inputs (" + input_list(theirs) + ") than this run (" + input_list(ours) + ")";
  size_t i = 0;
  for (const auto& files : inputs) {
    for (const InputFile& f : files) {
      const rt::SnapshotInput& in = snapshot.inputs[i++];
      if (in.is_stdin != f.live)
        return which + " read '" + in.name + "' as " + (in.is_stdin ? "standard input" : "a file") + "; this run does not";
      if (in.is_stdin) continue;
      const int fd = fileno(f.file);
      struct stat st {};
      if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) continue;  // a pipe cannot be checked
      const auto size = static_cast<uint64_t>(st.st_size);
      if (size < in.offset)
        return "input '" + f.display_name + "' changed since " + which + ": it has " + std::to_string(size) +
               " bytes, fewer than the " + std::to_string(in.offset) + " already read";
      ConsumedHash hash;
      if (!hash.advance(fd, in.offset)) return "cannot read '" + f.display_name + "' to check it against " + which;
      if (hash.crc() != in.consumed_crc)
        return "input '" + f.display_name + "' changed since " + which + ": its first " + std::to_string(in.offset) +
               " bytes (already read) differ";
      if (in.ends_without_line_end && size > in.offset)
        return "input '" + f.display_name + "' changed since " + which +
               ": its last line had no line end when it was read, and the file has grown since";
    }
  }
  return "";
}

bool ConsumedHash::advance(int fd, uint64_t offset) {
  if (offset <= upto_) return offset == upto_;
  bool complete = false;
  const uint32_t crc = rt::crc32c_of_file_prefix(fd, upto_, offset, crc_, &complete);
  if (!complete) return false;
  crc_ = crc;
  upto_ = offset;
  return true;
}

RunCheckpoints::RunCheckpoints(const CheckpointOptions& options, std::vector<Input> inputs, std::vector<Output> outputs,
                               std::function<rt::InputPosition(size_t)> position,
                               std::function<void(rt::StateWriter&)> save_state)
    : options_(options), inputs_(std::move(inputs)), outputs_(std::move(outputs)), position_(std::move(position)),
      save_state_(std::move(save_state)), hashes_(inputs_.size()) {
  if (options_.restore)
    for (size_t i = 0; i < inputs_.size() && i < options_.restore->inputs.size(); ++i)
      hashes_[i].start(options_.restore->inputs[i].offset, options_.restore->inputs[i].consumed_crc);
}

RunCheckpoints::~RunCheckpoints() { wait(); }

/// The outputs flushed to the kernel and where everything stands, between two rows.
bool RunCheckpoints::prepare(Pending* p) {
  for (const Output& o : outputs_) {
    if (o.writer) {
      o.writer->flush();
      if (o.writer->failed()) return false;  // the run reports the write error
    } else if (std::fflush(o.file) != 0) {
      error_ = rt::write_error_message(o.name, errno);
      return false;
    }
  }
  rt::Snapshot& snap = p->snapshot;
  snap.unix_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  snap.program_hash = options_.program_hash;
  snap.program = options_.program;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const Input& in = inputs_[i];
    const rt::InputPosition at = position_(i);
    rt::SnapshotInput s;
    s.name = in.name;
    s.stream = in.stream;
    s.is_stdin = in.is_stdin;
    s.offset = at.offset;
    s.line = at.line;
    s.read = at.stats.read;
    s.accepted = at.stats.accepted;
    s.rejected = at.stats.rejected;
    s.ends_without_line_end = at.ends_without_line_end;
    if (in.is_stdin) s.header_text = in.reader->header_text();
    snap.inputs.push_back(std::move(s));
  }
  for (const Output& o : outputs_) {
    const off_t at = ftello(o.file);
    snap.outputs.push_back({o.name, at < 0 ? 0 : static_cast<uint64_t>(at)});
  }
  rt::StateWriter w(&snap.state);
  save_state_(w);
  return true;
}

void RunCheckpoints::commit(Pending& p) {
  const auto started = std::chrono::steady_clock::now();
  std::string& error = commit_error_;
  for (size_t i = 0; i < inputs_.size() && error.empty(); ++i) {
    if (inputs_[i].is_stdin || inputs_[i].fd < 0) continue;
    if (!hashes_[i].advance(inputs_[i].fd, p.snapshot.inputs[i].offset))
      error = "cannot write checkpoint: cannot read '" + inputs_[i].name + "' again to hash it: " + std::strerror(errno);
    p.snapshot.inputs[i].consumed_crc = hashes_[i].crc();
  }
  // What the snapshot names must be on disk before it is: the outputs and the journal.
  for (const Output& o : outputs_)
    if (error.empty() && fsync(fileno(o.file)) != 0 && errno != EINVAL && errno != EROFS)
      error = "cannot write checkpoint: fsync of '" + o.name + "' failed: " + std::strerror(errno);
  std::string why;
  if (error.empty() && options_.journal && !options_.journal->sync(&why)) error = "cannot write checkpoint: " + why;
  if (error.empty() && !options_.store->commit(&p.snapshot, options_.keep, &why)) error = "cannot write checkpoint: " + why;
  commit_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

bool RunCheckpoints::committed() {
  if (!commit_error_.empty()) {
    error_ = commit_error_;
    return false;
  }
  ++taken_;
  last_id_ = in_flight_.snapshot.id;
  last_state_bytes_ = in_flight_.snapshot.state.size();
  if (options_.journal) {
    // The journal keeps what the oldest kept snapshot may still replay.
    std::string why;
    const std::optional<uint64_t> keep_from = options_.store->oldest_stdin_offset();
    if (keep_from && !options_.journal->compact(*keep_from, &why)) {
      error_ = "cannot write checkpoint: " + why;
      return false;
    }
  }
  return true;
}

bool RunCheckpoints::wait() {
  if (!worker_.joinable()) return error_.empty();
  worker_.join();
  return committed();
}

rt::CheckpointTake RunCheckpoints::take(bool final) {
  const auto started = std::chrono::steady_clock::now();
  struct AddTime {
    const std::chrono::steady_clock::time_point& from;
    double& to;
    ~AddTime() { to += std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count(); }
  } add_time{started, seconds_};
  // By time, a checkpoint due while the last is still being committed comes a little later; by
  // rows, it waits, so that snapshots are taken after exactly every N rows.
  if (worker_.joinable() && !final && options_.every_rows == 0 && !worker_done_.load(std::memory_order_acquire))
    return rt::CheckpointTake::Busy;
  if (!wait()) return rt::CheckpointTake::Stop;
  in_flight_ = Pending{};
  if (!prepare(&in_flight_)) return rt::CheckpointTake::Stop;
  const bool stop_after = options_.stop_after_rows && !final;
  if (final || stop_after) {  // the last one: on disk before the run ends
    commit(in_flight_);
    if (!committed()) return rt::CheckpointTake::Stop;
    stopped_by_hook_ = stop_after;
    return stop_after ? rt::CheckpointTake::Stop : rt::CheckpointTake::Taken;
  }
  worker_done_.store(false, std::memory_order_relaxed);
  worker_ = std::thread([this] {
    commit(in_flight_);
    worker_done_.store(true, std::memory_order_release);
  });
  return rt::CheckpointTake::Taken;
}

rt::InputPosition position_of(const rt::SnapshotInput& in) {
  rt::InputPosition p;
  p.offset = in.offset;
  p.line = in.line;
  p.stats.read = in.read;
  p.stats.accepted = in.accepted;
  p.stats.rejected = in.rejected;
  p.ends_without_line_end = in.ends_without_line_end;
  return p;
}

std::string iso_time(int64_t unix_ns) {
  const time_t t = static_cast<time_t>(unix_ns / 1000000000);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace vlac
