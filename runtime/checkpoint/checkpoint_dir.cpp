#include "runtime/checkpoint/checkpoint_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "runtime/checkpoint/durable_file.h"
#include "runtime/checkpoint/kill_hook.h"

namespace vlac::rt {
namespace {

constexpr const char* kPrefix = "snapshot-";
constexpr const char* kSuffix = ".vcp";
constexpr const char* kTmpSuffix = ".vcp.tmp";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// The id of "snapshot-<digits>.vcp", or nullopt for any other name.
std::optional<uint64_t> snapshot_id(const std::string& name) {
  const std::string prefix = kPrefix, suffix = kSuffix;
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 || !ends_with(name, suffix))
    return std::nullopt;
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 19) return std::nullopt;
  uint64_t id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<uint64_t>(c - '0');
  }
  return id;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  return names;
}

}  // namespace

std::string CheckpointDir::file_name(uint64_t id) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%06llu", static_cast<unsigned long long>(id));
  return kPrefix + std::string(digits) + kSuffix;
}

std::string CheckpointDir::path_of(uint64_t id) const { return path_in(dir_, file_name(id)); }

bool CheckpointDir::open(const std::string& dir, std::string* error, Mode mode) {
  dir_ = dir;
  known_.clear();
  if (mode == Mode::ReadOnly) {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) {
      if (error) *error = "checkpoint directory " + dir + ": " + errno_text(errno);
      return false;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (error) *error = "checkpoint directory " + dir + ": not a directory";
      return false;
    }
    return true;
  }
  if (!make_dir(dir, error)) return false;
  // A .tmp is a snapshot whose commit never finished (the process died before the rename): it
  // was never a snapshot, so it goes.
  for (const std::string& name : names_in(dir))
    if (name.rfind(kPrefix, 0) == 0 && ends_with(name, kTmpSuffix)) ::unlink(path_in(dir, name).c_str());
  return true;
}

std::vector<uint64_t> CheckpointDir::ids() const {
  std::vector<uint64_t> ids;
  for (const std::string& name : names_in(dir_))
    if (std::optional<uint64_t> id = snapshot_id(name)) ids.push_back(*id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool CheckpointDir::read_entry(uint64_t id, Entry* entry, Snapshot* full) const {
  entry->id = id;
  std::vector<uint8_t> bytes;
  std::string error;
  Snapshot s;
  entry->valid = read_whole_file(path_of(id), &bytes, &error) && decode_snapshot(bytes.data(), bytes.size(), &s, &error);
  entry->file_bytes = bytes.size();
  if (entry->valid && s.id != id) {
    entry->valid = false;
    error = "it holds snapshot " + std::to_string(s.id);
  }
  if (!entry->valid) {
    entry->problem = error;
    known_[id] = *entry;
    return false;
  }
  entry->state_bytes = s.state.size();
  std::vector<uint8_t> state;
  state.swap(s.state);
  entry->snapshot = s;  // without the state
  known_[id] = *entry;
  if (full) {
    *full = std::move(s);
    full->state = std::move(state);
  }
  return true;
}

std::vector<CheckpointDir::Entry> CheckpointDir::list() const {
  std::vector<Entry> entries;
  for (uint64_t id : ids()) {
    Entry e;
    read_entry(id, &e, nullptr);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::optional<Snapshot> CheckpointDir::newest(std::FILE* messages, uint64_t max_id) const {
  std::vector<uint64_t> all = ids();
  std::vector<std::string> damaged;  // reported once we know what is used instead
  std::optional<Snapshot> found;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (*it > max_id) continue;
    Entry e;
    Snapshot full;
    if (read_entry(*it, &e, &full)) {
      found = std::move(full);
      break;
    }
    damaged.push_back("vlac: checkpoint " + path_of(*it) + " is damaged (" + e.problem + ")");
  }
  if (messages)
    for (const std::string& m : damaged)
      std::fprintf(messages, "%s; %s\n", m.c_str(),
                   found ? ("using snapshot " + std::to_string(found->id)).c_str() : "no older complete snapshot");
  return found;
}

std::optional<Snapshot> CheckpointDir::load(uint64_t id, std::string* error) const {
  Entry e;
  Snapshot full;
  if (read_entry(id, &e, &full)) return full;
  if (error) *error = "checkpoint " + path_of(id) + ": " + e.problem;
  return std::nullopt;
}

bool CheckpointDir::commit(Snapshot* s, int keep, std::string* error) {
  std::vector<uint64_t> all = ids();
  s->id = all.empty() ? 1 : all.back() + 1;
  const std::vector<uint8_t> bytes = encode_snapshot(*s);
  auto fill = [&](int fd, const std::string& tmp_path, std::string* e) {
    return write_snapshot_bytes(fd, bytes.data(), bytes.size(), tmp_path, e);
  };
  if (!replace_file_atomically(dir_, file_name(s->id), fill, error)) return false;
  Entry& e = known_[s->id];
  e.id = s->id;
  e.valid = true;
  e.state_bytes = s->state.size();
  e.file_bytes = bytes.size();
  std::vector<uint8_t> state;
  state.swap(s->state);
  e.snapshot = *s;  // the metadata, without a copy of the state
  s->state.swap(state);
  all.push_back(s->id);
  // Keep the newest `keep` that are not known to be damaged (and any damaged ones among them);
  // older files go. Unlinks are not fsynced: a removed snapshot that comes back after a power
  // loss is only an extra old snapshot.
  int kept = 0;
  const int want = keep < 1 ? 1 : keep;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (kept >= want) {
      ::unlink(path_of(*it).c_str());
      known_.erase(*it);
      continue;
    }
    auto known = known_.find(*it);
    if (known == known_.end() || known->second.valid) ++kept;
  }
  return true;
}

const CheckpointDir::Entry& CheckpointDir::entry_of(uint64_t id) const {
  auto it = known_.find(id);
  if (it != known_.end()) return it->second;
  Entry e;
  read_entry(id, &e, nullptr);
  return known_[id];
}

std::optional<uint64_t> CheckpointDir::oldest_stdin_offset() const {
  std::optional<uint64_t> oldest;
  for (uint64_t id : ids()) {
    const Entry& e = entry_of(id);
    if (!e.valid) continue;
    for (const SnapshotInput& in : e.snapshot.inputs)
      if (in.is_stdin && (!oldest || in.offset < *oldest)) oldest = in.offset;
  }
  return oldest;
}

void CheckpointDir::remove_newer_than(uint64_t id) {
  bool removed = false;
  for (uint64_t other : ids())
    if (other > id) {
      removed |= ::unlink(path_of(other).c_str()) == 0;
      known_.erase(other);
    }
  std::string ignored;
  if (removed) sync_dir(dir_, &ignored);
}

}  // namespace vlac::rt
