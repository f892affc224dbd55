#pragma once
// Reading a byte range of a file in blocks with pread (the file offset is left alone): the
// CRC-32C of what an input consumed, so that a restart notices a changed input file, and the
// copy of a journal's tail when it is compacted. Hosted only.

#include <cstddef>
#include <cstdint>
#include <functional>

namespace vlac::rt {

/// Calls `each` with consecutive blocks of bytes [from, to) of `fd`. False when the file ends
/// before `to`, a read fails (errno set), or `each` returns false.
bool read_file_range(int fd, uint64_t from, uint64_t to, const std::function<bool(const uint8_t*, size_t)>& each);

/// crc32c (runtime/ops/state_checksum.h) of bytes [from, to) of `fd`, chained onto `crc`:
/// crc32c_of_file_prefix(fd, 0, n, 0) is the checksum of the first n bytes. When the file is
/// shorter than `to` or cannot be read, *complete (if given) is set false and the result covers
/// only what was read; otherwise *complete is true.
uint32_t crc32c_of_file_prefix(int fd, uint64_t from, uint64_t to, uint32_t crc, bool* complete = nullptr);

}  // namespace vlac::rt
