#include "runtime/checkpoint/stdin_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/checkpoint/durable_file.h"
#include "runtime/checkpoint/file_range.h"
#include "runtime/checkpoint/little_endian.h"

namespace vlac::rt {
namespace {

// The header: magic "VLACJRNL" (8), format version (u32), zero (u32), base (u64).
constexpr char kMagic[8] = {'V', 'L', 'A', 'C', 'J', 'R', 'N', 'L'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kHeader = 24;

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

}  // namespace

bool StdinJournal::open(const std::string& dir, std::string* error) {
  close();
  dir_ = dir;
  path_ = path_in(dir, kFileName);
  ::unlink((path_ + ".tmp").c_str());  // a compaction that never finished
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno != ENOENT) return fail(error, "cannot open " + path_ + ": " + errno_text(errno));
    if (!replace(0, false, error)) return false;
  }
  return attach(error);
}

void StdinJournal::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  base_ = 0;
}

bool StdinJournal::attach(std::string* error) {
  const int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) return fail(error, "cannot open " + path_ + ": " + errno_text(errno));
  uint8_t header[kHeader];
  const ssize_t k = ::pread(fd, header, sizeof header, 0);
  if (k != static_cast<ssize_t>(sizeof header) || std::memcmp(header, kMagic, sizeof kMagic) != 0 ||
      get_le(header + 8, 4) != kVersion) {
    ::close(fd);
    return fail(error, path_ + " is not a vlac standard-input journal (or of another format version)");
  }
  if (fd_ < 0) {
    fd_ = fd;
  } else {
    // Same descriptor number for the reader that tees into it.
    const bool ok = ::dup2(fd, fd_) >= 0;
    const int err = errno;
    ::close(fd);
    if (!ok) return fail(error, "cannot reopen " + path_ + ": " + errno_text(err));
  }
  base_ = get_le(header + 16, 8);
  return true;
}

uint64_t StdinJournal::end() const {
  struct stat st;
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || static_cast<uint64_t>(st.st_size) < kHeader) return base_;
  return base_ + (static_cast<uint64_t>(st.st_size) - kHeader);
}

bool StdinJournal::sync(std::string* error) {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) return fail(error, "cannot fsync " + path_ + ": " + errno_text(errno));
  return true;
}

int StdinJournal::open_replay(uint64_t offset, std::string* error) const {
  const uint64_t last = end();
  if (offset < base_ || offset > last) {
    fail(error, "standard input journal " + path_ + " holds bytes " + std::to_string(base_) + " to " +
                    std::to_string(last) + ", not offset " + std::to_string(offset));
    return -1;
  }
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::lseek(fd, static_cast<off_t>(kHeader + (offset - base_)), SEEK_SET) < 0) {
    fail(error, "cannot read " + path_ + ": " + errno_text(errno));
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

bool StdinJournal::compact(uint64_t keep_from, std::string* error) {
  if (keep_from <= base_) return true;
  if (keep_from > end())
    return fail(error, "cannot compact " + path_ + " from offset " + std::to_string(keep_from) +
                           ": it ends at " + std::to_string(end()));
  return replace(keep_from, true, error);
}

bool StdinJournal::reset(uint64_t base, std::string* error) { return replace(base, false, error); }

bool StdinJournal::replace(uint64_t new_base, bool keep_tail, std::string* error) {
  const uint64_t copy_from = new_base, copy_to = fd_ >= 0 && keep_tail ? end() : new_base;
  auto fill = [&](int out, const std::string& tmp_path, std::string* e) {
    uint8_t header[kHeader] = {};
    std::memcpy(header, kMagic, sizeof kMagic);
    put_le(header + 8, kVersion, 4);
    put_le(header + 16, new_base, 8);
    if (!write_all(out, header, sizeof header, tmp_path, e)) return false;
    if (copy_from >= copy_to) return true;
    bool written = true;
    errno = 0;
    const bool read = read_file_range(fd_, kHeader + (copy_from - base_), kHeader + (copy_to - base_),
                                      [&](const uint8_t* p, size_t n) { return written = write_all(out, p, n, tmp_path, e); });
    if (written && !read)
      return fail(e, "cannot read " + path_ + ": " + (errno ? errno_text(errno) : "it ended early"));
    return read && written;
  };
  if (!replace_file_atomically(dir_, kFileName, fill, error)) return false;
  return fd_ < 0 || attach(error);
}

}  // namespace vlac::rt
