#include "runtime/checkpoint/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vlac::rt {
namespace {

bool fail_errno(std::string* error, const std::string& what, const std::string& path, int err) {
  if (error) *error = what + " " + path + ": " + errno_text(err);
  return false;
}

}  // namespace

std::string path_in(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string errno_text(int err) { return std::strerror(err); }

bool write_all(int fd, const void* data, size_t n, const std::string& path, std::string* error) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    const ssize_t k = ::write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return fail_errno(error, "cannot write", path, errno);
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool read_whole_file(const std::string& path, std::vector<uint8_t>* out, std::string* error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_errno(error, "cannot read", path, errno);
  out->clear();
  uint8_t buf[1 << 16];
  for (;;) {
    const ssize_t k = ::read(fd, buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      const int err = errno;
      ::close(fd);
      return fail_errno(error, "cannot read", path, err);
    }
    if (k == 0) break;
    out->insert(out->end(), buf, buf + k);
  }
  ::close(fd);
  return true;
}

bool make_dir(const std::string& dir, std::string* error) {
  if (::mkdir(dir.c_str(), 0777) == 0) return true;
  const int err = errno;
  struct stat st;
  if (err == EEXIST && ::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    if (error) *error = "cannot use " + dir + " as a checkpoint directory: it is not a directory";
    return false;
  }
  return fail_errno(error, "cannot create directory", dir, err);
}

bool sync_dir(const std::string& dir, std::string* error) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_errno(error, "cannot open directory", dir, errno);
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  return ok || fail_errno(error, "cannot fsync directory", dir, err);
}

bool replace_file_atomically(const std::string& dir, const std::string& name,
                             const std::function<bool(int fd, const std::string& tmp_path, std::string* error)>& fill,
                             std::string* error) {
  const std::string final_path = path_in(dir, name);
  const std::string tmp_path = final_path + ".tmp";
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return fail_errno(error, "cannot create", tmp_path, errno);
  bool ok = fill(fd, tmp_path, error);
  if (ok && ::fsync(fd) != 0) ok = fail_errno(error, "cannot fsync", tmp_path, errno);
  if (::close(fd) != 0 && ok) ok = fail_errno(error, "cannot close", tmp_path, errno);
  if (ok && ::rename(tmp_path.c_str(), final_path.c_str()) != 0)
    ok = fail_errno(error, "cannot rename " + tmp_path + " to", final_path, errno);
  if (!ok) {
    ::unlink(tmp_path.c_str());
    return false;
  }
  return sync_dir(dir, error);
}

}  // namespace vlac::rt
