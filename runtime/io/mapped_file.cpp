#include "runtime/io/mapped_file.h"

#include <sys/mman.h>
#include <unistd.h>

namespace vlac::rt {

bool MappedFile::map(int fd, uint64_t size) {
  unmap();
  const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  if (size == 0 || size > SIZE_MAX - 2 * page) return false;
  // A region one page longer than the file's pages, of anonymous zero pages; the file is then
  // mapped over its start. Past the file's last page the zeros stay: touching a page of a file
  // mapping past the file's end would raise SIGBUS instead.
  const size_t reserved = static_cast<size_t>((size + page - 1) / page * page + page);
  void* region = ::mmap(nullptr, reserved, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) return false;
  if (::mmap(region, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
    ::munmap(region, reserved);
    return false;
  }
  data_ = static_cast<char*>(region);
  size_ = size;
  reserved_ = reserved;
  return true;
}

void MappedFile::unmap() {
  if (data_) ::munmap(data_, reserved_);
  data_ = nullptr;
  size_ = 0;
  reserved_ = 0;
}

}  // namespace vlac::rt
