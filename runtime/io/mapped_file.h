#pragma once
// A regular file's bytes mapped read-only into memory, followed by at least one page of zeros,
// so that a reader may look a vector's width past the file's last byte. LineInput hands out
// lines of a mapped file as views into the mapping: reading a file this way costs no copy out of
// the kernel (docs/decisions.md, "Issue 16: input files mapped").
//
// The mapping is of the size the file had when it was mapped: bytes appended later are read
// by read(2) once the mapped ones are used up. A file truncated while it is mapped raises SIGBUS
// when a page past its new end is touched: the handler the first mapping installs then says
// which file was cut short and exits 1, an input that cannot be read (LANGUAGE.md §8). A SIGBUS
// at any other address goes to the handler that was there before (by default, a crash).

#include <cstddef>
#include <cstdint>

namespace vlac::rt {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() { unmap(); }

  /// At most this many files are mapped at once (the SIGBUS handler's table); a file past
  /// them is not mapped, and its reader reads it.
  static constexpr int kMaxMappings = 64;

  /// Maps bytes [0, size) of the regular file fd; false (and nothing mapped) when it cannot,
  /// or when kMaxMappings are mapped already.
  bool map(int fd, uint64_t size);
  void unmap();

  /// Gives back the memory of the pages from the one holding `from` up to the one holding `to`,
  /// that one kept (MADV_DONTNEED): reading them
  /// again maps them again from the page cache. Keeps the process's resident size to what is
  /// being read rather than the whole file.
  void release(uint64_t from, uint64_t to);
  /// Maps the pages holding bytes [from, to) now, with one call (MADV_POPULATE_READ), rather
  /// than a fault for every few pages as they are read: a fault is dear on a virtual machine
  /// (docs/benchmarks.md, "Input pages mapped a window at a time"). Only a hint: where it
  /// fails (Linux before 5.14; the file cut short) the pages fault as before.
  void populate(uint64_t from, uint64_t to);

  bool mapped() const { return data_ != nullptr; }
  const char* data() const { return data_; }
  /// The file's bytes mapped; at least kPadding more readable bytes follow them.
  uint64_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  uint64_t size_ = 0;
  size_t reserved_ = 0;  // the bytes of the region: the file's pages and a page of zeros
  int slot_ = -1;        // in the table the SIGBUS handler reads, or -1
};

}  // namespace vlac::rt
