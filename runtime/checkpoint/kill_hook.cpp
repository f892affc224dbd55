#include "runtime/checkpoint/kill_hook.h"

#include <csignal>
#include <cstdint>
#include <cstdlib>

#include "runtime/checkpoint/durable_file.h"

namespace vlac::rt {
namespace {

struct Hook {
  bool loaded = false;
  uint64_t kill_at = UINT64_MAX;  // unset or not a number: never
  uint64_t written = 0;           // snapshot temp-file bytes written by this process
};
Hook hook;

void load_hook() {
  hook.loaded = true;
  const char* text = std::getenv("VLAC_CHECKPOINT_KILL_AT");
  if (!text || !*text) return;
  uint64_t v = 0;
  for (const char* p = text; *p; ++p) {
    if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10) return;
    v = v * 10 + static_cast<uint64_t>(*p - '0');
  }
  hook.kill_at = v;
}

}  // namespace

void reset_checkpoint_kill_hook() { hook = Hook{}; }

bool write_snapshot_bytes(int fd, const void* data, size_t n, const std::string& path, std::string* error) {
  constexpr size_t kPiece = size_t{1} << 16;
  if (!hook.loaded) load_hook();
  const auto* p = static_cast<const uint8_t*>(data);
  for (;;) {
    if (hook.written >= hook.kill_at) std::raise(SIGKILL);
    if (n == 0) return true;
    size_t piece = n < kPiece ? n : kPiece;
    if (hook.kill_at - hook.written < piece) piece = static_cast<size_t>(hook.kill_at - hook.written);
    if (!write_all(fd, p, piece, path, error)) return false;
    p += piece;
    n -= piece;
    hook.written += piece;
  }
}

}  // namespace vlac::rt
