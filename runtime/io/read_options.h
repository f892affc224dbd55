#pragma once
// How a reader gets its bytes besides the FILE itself (LANGUAGE.md §10): a restored standard
// input is replayed from the checkpoint's journal before it is read on, and what is read from
// it is copied to the journal before it is parsed.

#include <cstddef>
#include <string>

namespace vlac::rt {

struct ReadOptions {
  /// The size of one read; 0 is the default (1 MiB). Tests make it small to put buffer refills
  /// everywhere in a record.
  size_t read_block_size = 0;
  /// Bytes delivered before any other (a restored standard input: the header text it had).
  std::string prefix;
  /// Read to its end after the prefix and before the FILE (the journal from the snapshot's
  /// position); -1 for none. Not owned or closed.
  int replay_fd = -1;
  /// Every byte read from the FILE itself (not the prefix or the replay) is written here
  /// before it is parsed; a failed write is a read error. -1 for none. Not owned or closed.
  int tee_fd = -1;

  /// Live input whose writer stops writing at SIGINT/SIGTERM and closes it (an MQTT source's
  /// pipe): after the signal it is read to its end, so nothing that had arrived is lost. Other
  /// live input (standard input, whose writer may go on) ends at the signal.
  bool read_to_end_after_stop = false;

  /// The bytes are not just those of a file from its start: seek() only sets the counters.
  bool streamed() const { return !prefix.empty() || replay_fd >= 0 || tee_fd >= 0; }
};

}  // namespace vlac::rt
