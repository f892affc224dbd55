#pragma once
// TEST-ONLY fault injection for the crash test of checkpoints (docs/checkpoints.md, "Test
// hook"): with the environment variable VLAC_CHECKPOINT_KILL_AT=N, the process raises SIGKILL
// as soon as N bytes of snapshot temporary files have been written, counted over every snapshot
// this process writes (so N larger than one snapshot lands in a later one). The bytes are
// written in pieces that stop exactly at N, so the kill can fall in the middle of a file. Not for
// production use; unset (the normal case) it costs one getenv per process.

#include <cstddef>
#include <string>

namespace vlac::rt {

/// write_all of a snapshot's bytes to its temporary file, honouring VLAC_CHECKPOINT_KILL_AT.
bool write_snapshot_bytes(int fd, const void* data, size_t n, const std::string& path, std::string* error);

/// For unit tests that fork a child to be killed: forgets the bytes counted so far and reads
/// VLAC_CHECKPOINT_KILL_AT again at the next snapshot write.
void reset_checkpoint_kill_hook();

}  // namespace vlac::rt
