#include "runtime/io/mapped_file.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

namespace vlac::rt {
namespace {

// The mappings the SIGBUS handler knows: an address range and the file's path per slot. A slot
// is claimed by its `begin` (0: free); the handler reads it without a lock, so the path is
// written before `end` is published and a slot is freed by clearing `end` first.
constexpr int kSlots = MappedFile::kMaxMappings;
struct Slot {
  std::atomic<uintptr_t> begin{0}, end{0};
  char path[256];
  size_t path_size;
};
Slot g_slots[kSlots];
struct sigaction g_previous;

[[noreturn]] void cut_short(const Slot& s) {
  // Only async-signal-safe calls: write(2) and _exit(2). The outputs' buffers are lost.
  static const char kBefore[] = "vlac: error: ";
  static const char kAfter[] = ": the input file was cut short while it was being read\n";
  (void)!::write(STDERR_FILENO, kBefore, sizeof kBefore - 1);
  (void)!::write(STDERR_FILENO, s.path, s.path_size);
  (void)!::write(STDERR_FILENO, kAfter, sizeof kAfter - 1);
  ::_exit(1);
}

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto at = reinterpret_cast<uintptr_t>(info->si_addr);
  for (const Slot& s : g_slots) {
    const uintptr_t end = s.end.load(std::memory_order_acquire);
    if (end != 0 && at >= s.begin.load(std::memory_order_relaxed) && at < end) cut_short(s);
  }
  // Not an input's mapping: the handler before, or the default (the fault happens again).
  if (g_previous.sa_flags & SA_SIGINFO) return g_previous.sa_sigaction(sig, info, context);
  if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) return g_previous.sa_handler(sig);
  ::signal(SIGBUS, SIG_DFL);
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &g_previous);
  });
}

int claim_slot(int fd, uintptr_t begin, uintptr_t end) {
  for (int i = 0; i < kSlots; ++i) {
    uintptr_t free = 0;
    if (!g_slots[i].begin.compare_exchange_strong(free, begin, std::memory_order_acq_rel)) continue;
    Slot& s = g_slots[i];
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(link.c_str(), s.path, sizeof s.path);
    if (n > 0) {
      s.path_size = static_cast<size_t>(n);
    } else {
      std::memcpy(s.path, "an input", 8);
      s.path_size = 8;
    }
    s.end.store(end, std::memory_order_release);
    return i;
  }
  return -1;  // more mappings than slots
}

void free_slot(int i) {
  g_slots[i].end.store(0, std::memory_order_release);
  g_slots[i].begin.store(0, std::memory_order_release);
}

uint64_t page_size() {
  static const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace

bool MappedFile::map(int fd, uint64_t size) {
  unmap();
  const uint64_t page = page_size();
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
  install_handler();
  const auto begin = reinterpret_cast<uintptr_t>(region);
  slot_ = claim_slot(fd, begin, begin + reserved);
  if (slot_ < 0) {  // the handler could not explain this mapping's SIGBUS: the file is read instead
    ::munmap(region, reserved);
    return false;
  }
  data_ = static_cast<char*>(region);
  size_ = size;
  reserved_ = reserved;
  return true;
}

void MappedFile::release(uint64_t from, uint64_t to) {
  const uint64_t page = page_size();
  // Whole pages: the one holding `to` is still being read; the one holding `from` was read past
  // at the last step, which kept it because of `to`.
  from = from / page * page;
  to = to / page * page;
  if (data_ && from < to && to <= size_) ::madvise(data_ + from, static_cast<size_t>(to - from), MADV_DONTNEED);
}

void MappedFile::populate(uint64_t from, uint64_t to) {
#ifdef MADV_POPULATE_READ
  const uint64_t page = page_size();
  from = from / page * page;
  to = std::min(to, size_);
  if (data_ && from < to) ::madvise(data_ + from, static_cast<size_t>(to - from), MADV_POPULATE_READ);
#else
  (void)from, (void)to;
#endif
}

void MappedFile::unmap() {
  if (slot_ >= 0) free_slot(slot_);
  slot_ = -1;
  if (data_) ::munmap(data_, reserved_);
  data_ = nullptr;
  size_ = 0;
  reserved_ = 0;
}

}  // namespace vlac::rt
