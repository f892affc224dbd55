#pragma once
// The file system calls of the checkpoint directory, with errors as one-line messages: whole
// writes, whole reads, and replacing a file atomically (temporary file, fsync, rename, fsync of
// the directory), which snapshot commits and journal compactions share. Hosted only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vlac::rt {

/// "DIR/NAME" (DIR as given).
std::string path_in(const std::string& dir, const std::string& name);

/// strerror(err) as a string.
std::string errno_text(int err);

/// Writes all n bytes (retrying short writes and EINTR); false with "cannot write PATH: ...".
bool write_all(int fd, const void* data, size_t n, const std::string& path, std::string* error);

/// The whole file; false with "cannot read PATH: ..." when it cannot be opened or read.
bool read_whole_file(const std::string& path, std::vector<uint8_t>* out, std::string* error);

/// Creates `dir` (one level) when it does not exist; false when it cannot or is not a directory.
bool make_dir(const std::string& dir, std::string* error);

/// fsync of the directory itself, so that a rename or unlink in it survives a power loss.
bool sync_dir(const std::string& dir, std::string* error);

/// Replaces (or creates) DIR/NAME so that a crash leaves either the old file or the whole new
/// one: `fill` writes the new contents to DIR/NAME.tmp (an fd open for writing, empty), which is
/// then fsynced, renamed over DIR/NAME, and DIR fsynced. The .tmp is removed when anything fails.
bool replace_file_atomically(const std::string& dir, const std::string& name,
                             const std::function<bool(int fd, const std::string& tmp_path, std::string* error)>& fill,
                             std::string* error);

}  // namespace vlac::rt
