#pragma once
// A checkpoint of `vlac run --checkpoint DIR` as bytes (LANGUAGE.md §10): what a snapshot file
// holds, and its versioned binary format. Byte by byte in docs/checkpoints.md: magic, format
// version, total length, the fields below as little-endian fixed-width integers and
// length-prefixed strings, the engine's state blob, and a trailing CRC-32C over every byte before
// it. Hosted only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vlac::rt {

/// Where one input was when the snapshot was taken (runtime/io/row_reader.h InputPosition).
struct SnapshotInput {
  std::string name;        // as given to --input ("<stdin>" for standard input)
  std::string stream;      // the source stream it feeds
  bool is_stdin = false;
  uint64_t offset = 0, line = 0, read = 0, accepted = 0, rejected = 0;
  bool ends_without_line_end = false;
  uint32_t consumed_crc = 0;   // crc32c of bytes [0, offset) (files; 0 for stdin)
  std::string header_text;     // for stdin replay
};

/// An output's committed length (outputs first, then the rejects file).
struct SnapshotOutput {
  std::string name;
  uint64_t bytes = 0;
};

struct Snapshot {
  uint64_t id = 0;
  int64_t unix_time_ns = 0;
  uint64_t program_hash = 0;
  std::string program;  // program file name, for messages
  std::vector<SnapshotInput> inputs;
  std::vector<SnapshotOutput> outputs;
  std::vector<uint8_t> state;  // engine + operators (opaque here)
};

/// "VLACSNAP": the first eight bytes of every snapshot file.
inline constexpr char kSnapshotMagic[8] = {'V', 'L', 'A', 'C', 'S', 'N', 'A', 'P'};
/// Raised whenever the layout changes; a file of another version is refused, never guessed at.
inline constexpr uint32_t kSnapshotFormatVersion = 2;  // 2: an integer AVG keeps its sum's upper word

std::vector<uint8_t> encode_snapshot(const Snapshot& s);

/// Decodes a whole snapshot file. False with a one-line reason in *error ("checksum mismatch",
/// "truncated: 100 of 180 bytes", "not a vlac snapshot (wrong magic)", "unknown format version
/// 9") when the bytes are not a complete snapshot of this format; *out is then unspecified.
bool decode_snapshot(const uint8_t* data, size_t size, Snapshot* out, std::string* error);

}  // namespace vlac::rt
