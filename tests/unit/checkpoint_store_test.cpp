// The durable side of checkpoints (runtime/checkpoint/, docs/checkpoints.md): the snapshot file
// format rejects every damaged or truncated file, the directory commits, keeps and falls back
// past damaged snapshots, the test kill hook stops a commit mid-file, the standard-input journal
// appends, replays and compacts, and file prefixes are checksummed in blocks.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_dir.h"
#include "runtime/checkpoint/file_range.h"
#include "runtime/checkpoint/kill_hook.h"
#include "runtime/checkpoint/snapshot_format.h"
#include "runtime/checkpoint/stdin_journal.h"
#include "runtime/ops/state_checksum.h"

namespace vlac::rt {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the temp dir, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "vlac_ckpt_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

Snapshot sample_snapshot() {
  Snapshot s;
  s.id = 7;
  s.unix_time_ns = 1'764'773'517'123'456'789;
  s.program_hash = 0x0123456789ABCDEFull;
  s.program = "robot.vsql";
  SnapshotInput file;
  file.name = "data/cams.csv";
  file.stream = "cams";
  file.offset = 123456;
  file.line = 1001;
  file.read = 1000;
  file.accepted = 998;
  file.rejected = 2;
  file.consumed_crc = 0xDEADBEEF;
  s.inputs.push_back(file);
  SnapshotInput in;
  in.name = "<stdin>";
  in.stream = "imu";
  in.is_stdin = true;
  in.offset = 77;
  in.line = 4;
  in.read = 3;
  in.accepted = 3;
  in.ends_without_line_end = true;
  in.header_text = "ts,x\r\n";
  s.inputs.push_back(in);
  s.outputs.push_back({"out/stats.csv", 4096});
  s.outputs.push_back({"rejects.txt", 0});
  for (int i = 0; i < 40; ++i) s.state.push_back(static_cast<uint8_t>(i * 37));
  return s;
}

void expect_same(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.unix_time_ns, b.unix_time_ns);
  EXPECT_EQ(a.program_hash, b.program_hash);
  EXPECT_EQ(a.program, b.program);
  ASSERT_EQ(a.inputs.size(), b.inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    const SnapshotInput &x = a.inputs[i], &y = b.inputs[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.stream, y.stream);
    EXPECT_EQ(x.is_stdin, y.is_stdin);
    EXPECT_EQ(x.offset, y.offset);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.read, y.read);
    EXPECT_EQ(x.accepted, y.accepted);
    EXPECT_EQ(x.rejected, y.rejected);
    EXPECT_EQ(x.ends_without_line_end, y.ends_without_line_end);
    EXPECT_EQ(x.consumed_crc, y.consumed_crc);
    EXPECT_EQ(x.header_text, y.header_text);
  }
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    EXPECT_EQ(a.outputs[i].name, b.outputs[i].name);
    EXPECT_EQ(a.outputs[i].bytes, b.outputs[i].bytes);
  }
  EXPECT_EQ(a.state, b.state);
}

uint64_t le(const std::vector<uint8_t>& b, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

TEST(SnapshotFormat, RoundTrip) {
  const Snapshot s = sample_snapshot();
  const std::vector<uint8_t> bytes = encode_snapshot(s);
  Snapshot back;
  std::string error;
  ASSERT_TRUE(decode_snapshot(bytes.data(), bytes.size(), &back, &error)) << error;
  expect_same(s, back);

  Snapshot empty, empty_back;
  const std::vector<uint8_t> e = encode_snapshot(empty);
  ASSERT_TRUE(decode_snapshot(e.data(), e.size(), &empty_back, &error)) << error;
  expect_same(empty, empty_back);
}

// The layout by hand, as docs/checkpoints.md gives it: an empty snapshot is magic (8), version
// (4), total length (8), id, time, hash (3 x 8), program "" (4), 0 inputs (4), 0 outputs (4),
// state length 0 (8), CRC (4) = 68 bytes; with program "p", 69.
TEST(SnapshotFormat, LayoutAsDocumented) {
  // CRC-32C check value of the Castagnoli polynomial (RFC 3720 B.4): "123456789" -> E3069283.
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  Snapshot s;
  s.id = 0x0102;
  s.unix_time_ns = -1;
  s.program = "p";
  const std::vector<uint8_t> b = encode_snapshot(s);
  ASSERT_EQ(b.size(), 69u);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 8), "VLACSNAP");
  EXPECT_EQ(le(b, 8, 4), 2u);
  EXPECT_EQ(le(b, 12, 8), 69u);
  EXPECT_EQ(b[20], 0x02);
  EXPECT_EQ(b[21], 0x01);
  EXPECT_EQ(le(b, 28, 8), UINT64_MAX);  // -1 in two's complement
  EXPECT_EQ(le(b, 44, 4), 1u);
  EXPECT_EQ(b[48], 'p');
  EXPECT_EQ(le(b, 49, 4), 0u);  // inputs
  EXPECT_EQ(le(b, 53, 4), 0u);  // outputs
  EXPECT_EQ(le(b, 57, 8), 0u);  // state bytes
  EXPECT_EQ(le(b, 65, 4), crc32c(b.data(), 65));
}

TEST(SnapshotFormat, EveryTruncationIsRejected) {
  const std::vector<uint8_t> bytes = encode_snapshot(sample_snapshot());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Snapshot out;
    std::string error;
    EXPECT_FALSE(decode_snapshot(bytes.data(), n, &out, &error)) << n;
    EXPECT_FALSE(error.empty()) << n;
    if (n >= 20) EXPECT_EQ(error, "truncated: " + std::to_string(n) + " of " + std::to_string(bytes.size()) + " bytes");
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  Snapshot out;
  std::string error;
  EXPECT_FALSE(decode_snapshot(longer.data(), longer.size(), &out, &error));
}

TEST(SnapshotFormat, EveryFlippedBitIsRejected) {
  const std::vector<uint8_t> bytes = encode_snapshot(sample_snapshot());
  for (size_t at = 0; at < bytes.size(); ++at)
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bad = bytes;
      bad[at] ^= static_cast<uint8_t>(1u << bit);
      Snapshot out;
      std::string error;
      EXPECT_FALSE(decode_snapshot(bad.data(), bad.size(), &out, &error)) << at << " bit " << bit;
      EXPECT_FALSE(error.empty());
      if (at < 8) EXPECT_EQ(error, "not a vlac snapshot (wrong magic)");
      if (at >= 20) EXPECT_EQ(error, "checksum mismatch") << at;
    }
}

TEST(SnapshotFormat, UnknownVersionIsNamed) {
  std::vector<uint8_t> bytes = encode_snapshot(sample_snapshot());
  bytes[8] = 9;
  Snapshot out;
  std::string error;
  EXPECT_FALSE(decode_snapshot(bytes.data(), bytes.size(), &out, &error));
  EXPECT_EQ(error, "unknown format version 9 (this vlac reads version 2)");
}

// Contents that pass the checksum but do not parse (a writer's bug): refused, never read past.
TEST(SnapshotFormat, MalformedContentsBehindAGoodChecksum) {
  auto reseal = [](std::vector<uint8_t> b) {
    const uint32_t crc = crc32c(b.data(), b.size() - 4);
    for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
    return b;
  };
  Snapshot s;
  s.program = "p";
  const std::vector<uint8_t> good = encode_snapshot(s);  // inputs count at 49, outputs at 53
  for (const auto& [at, value] : std::vector<std::pair<size_t, uint8_t>>{{49, 1}, {49, 0xFF}, {53, 3}, {57, 1}, {44, 9}}) {
    std::vector<uint8_t> bad = good;
    bad[at] = value;
    bad = reseal(bad);
    Snapshot out;
    std::string error;
    EXPECT_FALSE(decode_snapshot(bad.data(), bad.size(), &out, &error)) << at;
    EXPECT_EQ(error.rfind("malformed contents", 0), 0u) << at << ": " << error;
  }
  // A flag that is neither 0 nor 1.
  Snapshot with_input;
  with_input.inputs.push_back(SnapshotInput{});
  std::vector<uint8_t> bad = encode_snapshot(with_input);
  // is_stdin follows id, time, hash (20 + 24), program "" (4), count (4), name "" (4), stream "" (4)
  ASSERT_EQ(bad[60], 0);
  bad[60] = 2;
  bad = reseal(bad);
  Snapshot out;
  std::string error;
  EXPECT_FALSE(decode_snapshot(bad.data(), bad.size(), &out, &error));
  EXPECT_EQ(error, "malformed contents");
}

Snapshot small(int64_t time, uint8_t fill) {
  Snapshot s;
  s.unix_time_ns = time;
  s.program = "p.vsql";
  s.state.assign(10, fill);
  return s;
}

TEST(CheckpointDir, CommitsWithIncreasingIdsAndKeepsTheNewest) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t / "ck", &error)) << error;  // created
  for (int i = 1; i <= 4; ++i) {
    Snapshot s = small(i, static_cast<uint8_t>(i));
    ASSERT_TRUE(d.commit(&s, 2, &error)) << error;
    EXPECT_EQ(s.id, static_cast<uint64_t>(i));
  }
  EXPECT_EQ(names_in(t / "ck"), (std::vector<std::string>{"snapshot-000003.vcp", "snapshot-000004.vcp"}));
  std::optional<Snapshot> n = d.newest(nullptr);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->id, 4u);
  EXPECT_EQ(n->state, std::vector<uint8_t>(10, 4));
  std::optional<Snapshot> three = d.load(3, &error);
  ASSERT_TRUE(three) << error;
  EXPECT_EQ(three->unix_time_ns, 3);
  EXPECT_FALSE(d.load(1, &error));
  EXPECT_NE(error.find("snapshot-000001.vcp"), std::string::npos) << error;

  // keep 1 (or less) keeps only the one just written
  Snapshot s = small(5, 5);
  ASSERT_TRUE(d.commit(&s, 0, &error)) << error;
  EXPECT_EQ(names_in(t / "ck"), (std::vector<std::string>{"snapshot-000005.vcp"}));

  // a later process continues the numbering
  CheckpointDir again;
  ASSERT_TRUE(again.open(t / "ck", &error)) << error;
  Snapshot next = small(6, 6);
  ASSERT_TRUE(again.commit(&next, 2, &error)) << error;
  EXPECT_EQ(next.id, 6u);
}

TEST(CheckpointDir, NewestFallsBackPastDamagedSnapshots) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t.path(), &error)) << error;
  for (int i = 1; i <= 4; ++i) {
    Snapshot s = small(i, static_cast<uint8_t>(i));
    ASSERT_TRUE(d.commit(&s, 10, &error)) << error;
  }
  // 4: a bit flipped in its state; 3: cut short (as by a crash of a file system without
  // rename-after-data ordering); 2 is intact.
  std::vector<uint8_t> four = file_bytes(d.path_of(4));
  four[four.size() - 6] ^= 0x10;
  write_bytes(d.path_of(4), four);
  std::vector<uint8_t> three = file_bytes(d.path_of(3));
  three.resize(50);
  write_bytes(d.path_of(3), three);

  char* text = nullptr;
  size_t size = 0;
  std::FILE* messages = open_memstream(&text, &size);
  std::optional<Snapshot> n = d.newest(messages);
  std::fclose(messages);
  const std::string said(text, size);
  std::free(text);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->id, 2u);
  EXPECT_EQ(n->state, std::vector<uint8_t>(10, 2));
  const std::string dir = t.path();
  EXPECT_EQ(said, "vlac: checkpoint " + dir + "/snapshot-000004.vcp is damaged (checksum mismatch); using snapshot 2\n" +
                      "vlac: checkpoint " + dir + "/snapshot-000003.vcp is damaged (truncated: 50 of " +
                      std::to_string(four.size()) + " bytes); using snapshot 2\n");

  std::optional<Snapshot> one = d.newest(nullptr, 1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->id, 1u);

  std::vector<CheckpointDir::Entry> entries = d.list();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_TRUE(entries[0].valid);
  EXPECT_TRUE(entries[1].valid);
  EXPECT_EQ(entries[1].state_bytes, 10u);
  EXPECT_TRUE(entries[1].snapshot.state.empty());
  EXPECT_EQ(entries[1].snapshot.unix_time_ns, 2);
  EXPECT_FALSE(entries[2].valid);
  EXPECT_FALSE(entries[3].valid);
  EXPECT_EQ(entries[3].problem, "checksum mismatch");

  // A file whose name and contents disagree is not trusted.
  fs::copy_file(d.path_of(1), d.path_of(9));
  std::optional<Snapshot> nine = d.load(9, &error);
  EXPECT_FALSE(nine);
  EXPECT_NE(error.find("it holds snapshot 1"), std::string::npos) << error;

  // Nothing valid at all.
  for (uint64_t id : {1, 2, 9}) fs::remove(d.path_of(id));
  messages = open_memstream(&text, &size);
  EXPECT_FALSE(d.newest(messages));
  std::fclose(messages);
  const std::string none(text, size);
  std::free(text);
  EXPECT_NE(none.find("snapshot-000003.vcp is damaged (truncated: 50 of"), std::string::npos) << none;
  EXPECT_NE(none.find("; no older complete snapshot\n"), std::string::npos) << none;
}

// A damaged snapshot does not count towards `keep`: two good ones stay besides it.
TEST(CheckpointDir, DamagedSnapshotsDoNotCountTowardsKeep) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t.path(), &error)) << error;
  for (int i = 1; i <= 2; ++i) {
    Snapshot s = small(i, 1);
    ASSERT_TRUE(d.commit(&s, 2, &error)) << error;
  }
  std::vector<uint8_t> two = file_bytes(d.path_of(2));
  two[30] ^= 1;
  write_bytes(d.path_of(2), two);
  ASSERT_EQ(d.newest(nullptr)->id, 1u);  // finds 2 damaged
  Snapshot s = small(3, 3);
  ASSERT_TRUE(d.commit(&s, 2, &error)) << error;
  EXPECT_EQ(s.id, 3u);
  EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"snapshot-000001.vcp", "snapshot-000002.vcp", "snapshot-000003.vcp"}));
  Snapshot s4 = small(4, 4);
  ASSERT_TRUE(d.commit(&s4, 2, &error)) << error;
  EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"snapshot-000003.vcp", "snapshot-000004.vcp"}));
}

TEST(CheckpointDir, TemporaryFilesAreIgnoredAndRemovedOnOpen) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t.path(), &error)) << error;
  Snapshot s = small(1, 1);
  ASSERT_TRUE(d.commit(&s, 2, &error)) << error;
  std::vector<uint8_t> whole = encode_snapshot(small(2, 2));
  write_bytes(t / "snapshot-000002.vcp.tmp", whole);  // complete, but never renamed: not a snapshot
  write_bytes(t / "notes.txt", {'x'});
  EXPECT_EQ(d.list().size(), 1u);
  EXPECT_EQ(d.newest(nullptr)->id, 1u);

  CheckpointDir reader;
  ASSERT_TRUE(reader.open(t.path(), &error, CheckpointDir::Mode::ReadOnly)) << error;
  EXPECT_TRUE(fs::exists(t / "snapshot-000002.vcp.tmp"));  // a listing changes nothing

  CheckpointDir writer;
  ASSERT_TRUE(writer.open(t.path(), &error)) << error;
  EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"notes.txt", "snapshot-000001.vcp"}));
  Snapshot next = small(3, 3);
  ASSERT_TRUE(writer.commit(&next, 2, &error)) << error;
  EXPECT_EQ(next.id, 2u);
}

TEST(CheckpointDir, OpenRefusesWhatIsNotADirectory) {
  TempDir t;
  write_bytes(t / "file", {'x'});
  CheckpointDir d;
  std::string error;
  EXPECT_FALSE(d.open(t / "file", &error));
  EXPECT_NE(error.find("not a directory"), std::string::npos) << error;
  EXPECT_FALSE(d.open(t / "missing", &error, CheckpointDir::Mode::ReadOnly));
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(t / "missing"));
}

TEST(CheckpointDir, RemoveNewerThan) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t.path(), &error)) << error;
  for (int i = 1; i <= 4; ++i) {
    Snapshot s = small(i, 1);
    ASSERT_TRUE(d.commit(&s, 10, &error)) << error;
  }
  d.remove_newer_than(2);
  EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"snapshot-000001.vcp", "snapshot-000002.vcp"}));
  Snapshot s = small(5, 1);
  ASSERT_TRUE(d.commit(&s, 10, &error)) << error;
  EXPECT_EQ(s.id, 3u);
}

Snapshot reading_stdin(uint64_t offset) {
  Snapshot s = small(1, 1);
  SnapshotInput file;
  file.name = "f.csv";
  file.offset = 5;  // not standard input: never counted
  s.inputs.push_back(file);
  SnapshotInput in;
  in.name = "<stdin>";
  in.is_stdin = true;
  in.offset = offset;
  s.inputs.push_back(in);
  return s;
}

// What the journal may drop: the bytes before the smallest stdin offset of a kept snapshot.
TEST(CheckpointDir, OldestStdinOffsetOfTheKeptSnapshots) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t.path(), &error)) << error;
  EXPECT_FALSE(d.oldest_stdin_offset());
  for (uint64_t offset : {10, 20, 30}) {
    Snapshot s = reading_stdin(offset);
    ASSERT_TRUE(d.commit(&s, 2, &error)) << error;
    EXPECT_EQ(s.state, std::vector<uint8_t>(10, 1));  // commit leaves the caller's state alone
  }
  EXPECT_EQ(d.oldest_stdin_offset(), std::optional<uint64_t>(20));  // 1 (offset 10) is gone
  CheckpointDir fresh;  // reads the files
  ASSERT_TRUE(fresh.open(t.path(), &error)) << error;
  EXPECT_EQ(fresh.oldest_stdin_offset(), std::optional<uint64_t>(20));
  // A damaged snapshot can never be restored: its offset does not hold bytes back.
  std::vector<uint8_t> two = file_bytes(d.path_of(2));
  two[25] ^= 1;
  write_bytes(d.path_of(2), two);
  CheckpointDir after_damage;
  ASSERT_TRUE(after_damage.open(t.path(), &error)) << error;
  EXPECT_EQ(after_damage.oldest_stdin_offset(), std::optional<uint64_t>(30));
}

// VLAC_CHECKPOINT_KILL_AT=N: a child commits and is killed after N bytes of the temp file; the
// directory then holds the previous snapshot and a partial .tmp that the next open removes.
TEST(CheckpointDir, KillHookStopsACommitMidFile) {
  TempDir t;
  CheckpointDir d;
  std::string error;
  ASSERT_TRUE(d.open(t.path(), &error)) << error;
  Snapshot first = small(1, 1);
  ASSERT_TRUE(d.commit(&first, 2, &error)) << error;
  Snapshot big;
  big.state.assign(200000, 7);  // several write pieces
  for (uint64_t kill_at : {0ull, 1ull, 100000ull, 131072ull, 199999ull}) {
    std::fflush(nullptr);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::setenv("VLAC_CHECKPOINT_KILL_AT", std::to_string(kill_at).c_str(), 1);
      reset_checkpoint_kill_hook();
      std::string e;
      Snapshot s = big;
      d.commit(&s, 2, &e);
      _exit(3);  // not reached when the hook works
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << kill_at;
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    EXPECT_EQ(fs::file_size(t / "snapshot-000002.vcp.tmp"), kill_at);
    EXPECT_FALSE(fs::exists(t / "snapshot-000002.vcp"));
    CheckpointDir after;
    ASSERT_TRUE(after.open(t.path(), &error)) << error;
    EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"snapshot-000001.vcp"}));
    EXPECT_EQ(after.newest(nullptr)->id, 1u);
  }
  // The whole file written: killed before the rename.
  const size_t whole = encode_snapshot(big).size();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setenv("VLAC_CHECKPOINT_KILL_AT", std::to_string(whole).c_str(), 1);
    reset_checkpoint_kill_hook();
    std::string e;
    Snapshot s = big;
    d.commit(&s, 2, &e);
    _exit(3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(fs::file_size(t / "snapshot-000002.vcp.tmp"), whole);
  EXPECT_EQ(d.newest(nullptr)->id, 1u);
}

std::string read_fd(int fd) {
  std::string out;
  char buf[7];  // small on purpose: several reads
  for (ssize_t k; (k = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(k));
  return out;
}

void append(int fd, const std::string& s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

TEST(StdinJournal, AppendReplayCompact) {
  TempDir t;
  StdinJournal j;
  std::string error;
  ASSERT_TRUE(j.open(t.path(), &error)) << error;
  EXPECT_EQ(j.base(), 0u);
  EXPECT_EQ(j.end(), 0u);
  const int fd = j.append_fd();
  append(fd, "ts,x\n1,2\n");
  append(fd, "3,4\n5,6\n");
  ASSERT_TRUE(j.sync(&error)) << error;
  EXPECT_EQ(j.end(), 17u);

  int r = j.open_replay(9, &error);
  ASSERT_GE(r, 0) << error;
  EXPECT_EQ(read_fd(r), "3,4\n5,6\n");
  ::close(r);
  r = j.open_replay(17, &error);
  ASSERT_GE(r, 0) << error;
  EXPECT_EQ(read_fd(r), "");
  ::close(r);
  EXPECT_EQ(j.open_replay(18, &error), -1);
  EXPECT_NE(error.find("holds bytes 0 to 17, not offset 18"), std::string::npos) << error;

  // Compaction keeps [13, end) and the append descriptor's number.
  ASSERT_TRUE(j.compact(13, &error)) << error;
  EXPECT_EQ(j.base(), 13u);
  EXPECT_EQ(j.end(), 17u);
  EXPECT_EQ(j.append_fd(), fd);
  append(fd, "7,8\n");
  EXPECT_EQ(j.end(), 21u);
  r = j.open_replay(13, &error);
  ASSERT_GE(r, 0) << error;
  EXPECT_EQ(read_fd(r), "5,6\n7,8\n");
  ::close(r);
  EXPECT_EQ(j.open_replay(12, &error), -1);
  EXPECT_NE(error.find("holds bytes 13 to 21, not offset 12"), std::string::npos) << error;
  EXPECT_TRUE(j.compact(5, &error));  // already dropped: nothing to do
  EXPECT_EQ(j.base(), 13u);
  EXPECT_FALSE(j.compact(22, &error));
  EXPECT_EQ(j.base(), 13u);
  EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"stdin.journal"}));

  // A later process continues the same journal; a stale .tmp of a compaction goes.
  j.close();
  write_bytes(t / "stdin.journal.tmp", {'x'});
  StdinJournal again;
  ASSERT_TRUE(again.open(t.path(), &error)) << error;
  EXPECT_EQ(again.base(), 13u);
  EXPECT_EQ(again.end(), 21u);
  EXPECT_EQ(names_in(t.path()), (std::vector<std::string>{"stdin.journal"}));
  append(again.append_fd(), "9\n");
  r = again.open_replay(17, &error);
  ASSERT_GE(r, 0) << error;
  EXPECT_EQ(read_fd(r), "7,8\n9\n");
  ::close(r);

  ASSERT_TRUE(again.reset(100, &error)) << error;
  EXPECT_EQ(again.base(), 100u);
  EXPECT_EQ(again.end(), 100u);
}

TEST(StdinJournal, RefusesAFileThatIsNotAJournal) {
  TempDir t;
  write_bytes(t / "stdin.journal", {'h', 'e', 'l', 'l', 'o'});
  StdinJournal j;
  std::string error;
  EXPECT_FALSE(j.open(t.path(), &error));
  EXPECT_NE(error.find("is not a vlac standard-input journal"), std::string::npos) << error;
}

TEST(FileRange, Crc32cOfFilePrefixInBlocks) {
  TempDir t;
  std::vector<uint8_t> data(200003);
  uint32_t x = 1;
  for (uint8_t& b : data) b = static_cast<uint8_t>((x = x * 1103515245u + 12345u) >> 16);
  write_bytes(t / "f", data);
  const int fd = ::open((t / "f").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  bool complete = false;
  for (uint64_t n : {0ull, 1ull, 65535ull, 65536ull, 65537ull, 200003ull}) {
    EXPECT_EQ(crc32c_of_file_prefix(fd, 0, n, 0, &complete), crc32c(data.data(), n)) << n;
    EXPECT_TRUE(complete);
  }
  // Chained: [0, 70000) then [70000, 150000) is the checksum of [0, 150000).
  const uint32_t head = crc32c_of_file_prefix(fd, 0, 70000, 0);
  EXPECT_EQ(crc32c_of_file_prefix(fd, 70000, 150000, head), crc32c(data.data(), 150000));
  // The file offset is untouched (pread).
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 0);
  // Past the end: not complete.
  crc32c_of_file_prefix(fd, 0, 200004, 0, &complete);
  EXPECT_FALSE(complete);
  ::close(fd);
}

}  // namespace
}  // namespace vlac::rt
