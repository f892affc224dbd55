#pragma once
// The snapshot() / restore() framing of the classes `vlac build` writes (LANGUAGE.md §10,
// docs/firmware.md "Snapshots"): the class's state as bytes, wrapped so that a snapshot of
// another program, of another format or of another ABI, a damaged one and a truncated one are
// refused before any state is touched.
//
//   offset  size  field
//        0     4  magic "VLCS"
//        4     4  format version (kClassSnapshotVersion)
//        8     8  program hash (the class's kProgramHash: what determines its state layout)
//       16     8  state bytes (the class's kStateBytes as this compiler lays it out: pins the ABI)
//       24     8  payload length L
//       32     L  payload: the class's own state, then each operator's save_state, in id order
//     32+L     4  CRC-32C of bytes [0, 32+L)
//
// Integers are in the machine's byte order (the state bytes field tells machines apart).
// Header-only, no heap, no exceptions: firmware-clean.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "runtime/ops/state_checksum.h"
#include "runtime/ops/state_io.h"
#include "runtime/watermarks.h"

namespace vlac::rt {

constexpr uint32_t kClassSnapshotVersion = 2;  // 2: an integer AVG keeps its sum's upper word
constexpr size_t kClassSnapshotHeaderBytes = 32;
constexpr size_t kClassSnapshotTrailerBytes = 4;
constexpr size_t kClassSnapshotFrameBytes = kClassSnapshotHeaderBytes + kClassSnapshotTrailerBytes;

/// An operator's watermarks in the class's own state.
inline void save_watermarks(StateWriter& w, const OperatorWatermarks& wm) {
  for (int64_t v : wm.in) w.i64(v);
  w.i64(wm.out);
}
inline void load_watermarks(StateReader& r, OperatorWatermarks* wm) {
  for (int64_t& v : wm->in) v = r.i64();
  wm->out = r.i64();
}

/// What a firmware operator's save_state writes at most. Its fixed containers save the part in
/// use as bytes, with their counts and positions as 64-bit integers (runtime/ops/
/// fixed_containers.h): at most the operator's size where size_t has 64 bits, and where it has
/// 32 (a Cortex-M) each widened count at most doubles its own bytes; plus a margin.
template <class Op>
constexpr size_t fixed_operator_snapshot_bound() {
  return (sizeof(size_t) < 8 ? 2 : 1) * sizeof(Op) + 256;
}

/// Who a snapshot belongs to: the generated class's constants.
struct ClassSnapshotId {
  uint64_t program_hash;
  uint64_t state_bytes;
};

/// The bytes a snapshot takes when `save(w)` writes the payload (a dry run: nothing is copied).
template <class Save>
inline size_t class_snapshot_size(Save&& save) {
  StateWriter probe(nullptr, 0);
  save(probe);
  return kClassSnapshotFrameBytes + probe.size();
}

/// Writes a snapshot into buf (cap bytes): the bytes written, 0 when cap is too small.
template <class Save>
inline size_t write_class_snapshot(uint8_t* buf, size_t cap, const ClassSnapshotId& id, Save&& save) {
  if (buf == nullptr || cap < kClassSnapshotFrameBytes) return 0;
  StateWriter payload(buf + kClassSnapshotHeaderBytes, cap - kClassSnapshotFrameBytes);
  save(payload);
  if (!payload.ok()) return 0;
  const uint64_t length = payload.size();
  StateWriter header(buf, kClassSnapshotHeaderBytes);
  header.bytes("VLCS", 4);
  header.put(kClassSnapshotVersion);
  header.u64(id.program_hash);
  header.u64(id.state_bytes);
  header.u64(length);
  const size_t body = kClassSnapshotHeaderBytes + static_cast<size_t>(length);
  const uint32_t crc = crc32c(buf, body);
  std::memcpy(buf + body, &crc, sizeof crc);
  return body + kClassSnapshotTrailerBytes;
}

/// Checks a snapshot's framing against `id`: true with its payload when it is this class's,
/// of this format, whole (bytes after it are ignored) and undamaged.
inline bool open_class_snapshot(const uint8_t* buf, size_t n, const ClassSnapshotId& id, const uint8_t** payload,
                                size_t* payload_size) {
  if (buf == nullptr || n < kClassSnapshotFrameBytes) return false;
  StateReader header(buf, kClassSnapshotHeaderBytes);
  char magic[4];
  uint32_t version = 0;
  header.bytes(magic, 4);
  header.get(&version);
  const uint64_t program_hash = header.u64(), state_bytes = header.u64(), length = header.u64();
  if (std::memcmp(magic, "VLCS", 4) != 0 || version != kClassSnapshotVersion || program_hash != id.program_hash ||
      state_bytes != id.state_bytes)
    return false;
  if (length > n - kClassSnapshotFrameBytes) return false;  // truncated
  const size_t body = kClassSnapshotHeaderBytes + static_cast<size_t>(length);
  uint32_t crc = 0;
  std::memcpy(&crc, buf + body, sizeof crc);
  if (crc != crc32c(buf, body)) return false;
  *payload = buf + kClassSnapshotHeaderBytes;
  *payload_size = static_cast<size_t>(length);
  return true;
}

}  // namespace vlac::rt
