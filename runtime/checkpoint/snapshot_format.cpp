// The snapshot file format (docs/checkpoints.md): little-endian, written byte by byte so that a
// file means the same on every host.
#include "runtime/checkpoint/snapshot_format.h"

#include <cstring>

#include "runtime/checkpoint/little_endian.h"
#include "runtime/ops/state_checksum.h"

namespace vlac::rt {
namespace {

// magic (8) + version (4) + total length (8)
constexpr size_t kPreamble = 8 + 4 + 8;
constexpr size_t kCrcBytes = 4;

class LittleEndianWriter {
 public:
  explicit LittleEndianWriter(std::vector<uint8_t>* out) : out_(out) {}
  void u8(uint8_t v) { out_->push_back(v); }
  void u32(uint32_t v) { fixed(v, 4); }
  void u64(uint64_t v) { fixed(v, 8); }
  void bytes(const void* p, size_t n) {
    if (n == 0) return;
    const size_t at = out_->size();
    out_->resize(at + n);
    std::memcpy(out_->data() + at, p, n);
  }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }

 private:
  void fixed(uint64_t v, int n) {
    uint8_t b[8];
    put_le(b, v, n);
    bytes(b, static_cast<size_t>(n));
  }
  std::vector<uint8_t>* out_;
};

/// Reads within [data, data + size); the first read past the end makes ok() false for good.
class LittleEndianReader {
 public:
  LittleEndianReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t u8() { return static_cast<uint8_t>(fixed(1)); }
  uint32_t u32() { return static_cast<uint32_t>(fixed(4)); }
  uint64_t u64() { return fixed(8); }
  bool flag() {
    const uint8_t v = u8();
    if (v > 1) ok_ = false;
    return v == 1;
  }
  const uint8_t* view(uint64_t n) {
    if (!ok_ || n > size_ - at_) {
      ok_ = false;
      return nullptr;
    }
    const uint8_t* p = data_ + at_;
    at_ += n;
    return p;
  }
  std::string str() {
    const uint32_t n = u32();
    const uint8_t* p = view(n);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }
  bool ok() const { return ok_; }
  size_t at() const { return at_; }

 private:
  uint64_t fixed(int n) {
    const uint8_t* p = view(static_cast<uint64_t>(n));
    return p ? get_le(p, n) : 0;
  }
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
  bool ok_ = true;
};

bool fail(std::string* error, std::string reason) {
  if (error) *error = std::move(reason);
  return false;
}

}  // namespace

std::vector<uint8_t> encode_snapshot(const Snapshot& s) {
  std::vector<uint8_t> out;
  size_t strings = s.program.size();
  for (const SnapshotInput& in : s.inputs) strings += in.name.size() + in.stream.size() + in.header_text.size() + 80;
  for (const SnapshotOutput& o : s.outputs) strings += o.name.size() + 12;
  out.reserve(80 + strings + s.state.size());  // one allocation: the state may be large
  LittleEndianWriter w(&out);
  w.bytes(kSnapshotMagic, sizeof kSnapshotMagic);
  w.u32(kSnapshotFormatVersion);
  w.u64(0);  // the total length, filled in below
  w.u64(s.id);
  w.u64(static_cast<uint64_t>(s.unix_time_ns));
  w.u64(s.program_hash);
  w.str(s.program);
  w.u32(static_cast<uint32_t>(s.inputs.size()));
  for (const SnapshotInput& in : s.inputs) {
    w.str(in.name);
    w.str(in.stream);
    w.u8(in.is_stdin ? 1 : 0);
    w.u64(in.offset);
    w.u64(in.line);
    w.u64(in.read);
    w.u64(in.accepted);
    w.u64(in.rejected);
    w.u8(in.ends_without_line_end ? 1 : 0);
    w.u32(in.consumed_crc);
    w.str(in.header_text);
  }
  w.u32(static_cast<uint32_t>(s.outputs.size()));
  for (const SnapshotOutput& o : s.outputs) {
    w.str(o.name);
    w.u64(o.bytes);
  }
  w.u64(s.state.size());
  w.bytes(s.state.data(), s.state.size());
  const uint64_t total = out.size() + kCrcBytes;
  put_le(out.data() + 12, total, 8);
  const uint32_t crc = crc32c(out.data(), out.size());
  w.u32(crc);
  return out;
}

bool decode_snapshot(const uint8_t* data, size_t size, Snapshot* out, std::string* error) {
  if (size < sizeof kSnapshotMagic || std::memcmp(data, kSnapshotMagic, sizeof kSnapshotMagic) != 0)
    return fail(error, size < sizeof kSnapshotMagic ? "truncated: " + std::to_string(size) + " bytes, no header"
                                                    : "not a vlac snapshot (wrong magic)");
  LittleEndianReader r(data, size);
  r.view(sizeof kSnapshotMagic);
  const uint32_t version = r.u32();
  const uint64_t total = r.u64();
  if (!r.ok()) return fail(error, "truncated: " + std::to_string(size) + " bytes, no header");
  if (version != kSnapshotFormatVersion)
    return fail(error, "unknown format version " + std::to_string(version) + " (this vlac reads version " +
                           std::to_string(kSnapshotFormatVersion) + ")");
  if (total != size) {
    if (size < total)
      return fail(error, "truncated: " + std::to_string(size) + " of " + std::to_string(total) + " bytes");
    return fail(error, std::to_string(size) + " bytes where the header says " + std::to_string(total));
  }
  if (size < kPreamble + kCrcBytes) return fail(error, "truncated: " + std::to_string(size) + " bytes");
  if (get_le(data + size - kCrcBytes, 4) != crc32c(data, size - kCrcBytes)) return fail(error, "checksum mismatch");

  // The checksum matched, so what follows fails only for a file written wrong (or a collision).
  LittleEndianReader body(data, size - kCrcBytes);
  body.view(kPreamble);
  Snapshot s;
  s.id = body.u64();
  s.unix_time_ns = static_cast<int64_t>(body.u64());
  s.program_hash = body.u64();
  s.program = body.str();
  const uint32_t inputs = body.u32();
  for (uint32_t i = 0; i < inputs && body.ok(); ++i) {
    SnapshotInput in;
    in.name = body.str();
    in.stream = body.str();
    in.is_stdin = body.flag();
    in.offset = body.u64();
    in.line = body.u64();
    in.read = body.u64();
    in.accepted = body.u64();
    in.rejected = body.u64();
    in.ends_without_line_end = body.flag();
    in.consumed_crc = body.u32();
    in.header_text = body.str();
    s.inputs.push_back(std::move(in));
  }
  const uint32_t outputs = body.u32();
  for (uint32_t i = 0; i < outputs && body.ok(); ++i) {
    SnapshotOutput o;
    o.name = body.str();
    o.bytes = body.u64();
    s.outputs.push_back(std::move(o));
  }
  const uint64_t state_size = body.u64();
  if (const uint8_t* state = body.view(state_size)) s.state.assign(state, state + state_size);
  if (!body.ok()) return fail(error, "malformed contents");
  if (body.at() != size - kCrcBytes) return fail(error, "malformed contents (bytes after the state)");
  *out = std::move(s);
  return true;
}

}  // namespace vlac::rt
