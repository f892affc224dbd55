// Drives a class built with `vlac build --target host` through snapshot()/restore()
// (tests/build/class_snapshot_test.py compiles it with `-include DIR/program.h
// -DVLAC_PROGRAM=Class`):
//
//   driver --input NAME=PATH ... [--output NAME=PATH ...] [--timestamps ns] [--restore-every N]
//          [--save-at K FILE] [--refuse-at K FILE]
//
// Reads the inputs as `vlac run` does and writes each output as CSV (a program with one output:
// to stdout unless --output names it).
//   --restore-every N  after every N rows: snapshot, then restore from the bytes into a new
//                      object (the old one deleted), or every other time into the same one
//                      (whose snapshot must then be the same bytes); a snapshot into a
//                      buffer one byte short must write nothing. The first time, also checks
//                      that the snapshot with a flipped byte or truncated is refused (the state
//                      unchanged), and a forged one (valid checksum, payload cut short) too
//                      (the object then as constructed).
//   --save-at K FILE   writes the snapshot after K rows to FILE.
//   --refuse-at K FILE after K rows, restoring FILE (another program's) must be refused.
// A refusal that does not happen, or a state that changes on a refusal, exits 3.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime/class_snapshot.h"
#include "runtime/io/row_writer.h"
#include "tests/build/case_rows.h"

using Program = VLAC_PROGRAM;

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "class_snapshot_driver: %s\n", why.c_str());
  std::exit(3);
}

std::vector<uint8_t> snapshot_of(const Program& p) {
  std::vector<uint8_t> bytes(p.snapshot_size());
  if (p.snapshot(bytes.data(), bytes.size() - 1) != 0) fail("a snapshot into a buffer one byte short wrote something");
  if (p.snapshot(bytes.data(), bytes.size()) != bytes.size()) fail("snapshot() wrote other than snapshot_size() bytes");
  return bytes;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::vector<uint8_t> out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("cannot read " + path);
  for (int c; (c = std::fgetc(f)) != EOF;) out.push_back(static_cast<uint8_t>(c));
  std::fclose(f);
  return out;
}

void refused(Program& p, const std::vector<uint8_t>& bytes, const std::string& what) {
  const std::vector<uint8_t> before = snapshot_of(p);
  if (p.restore(bytes.data(), bytes.size())) fail(what + " was restored");
  if (snapshot_of(p) != before) fail(what + ": the refused restore changed the state");
}

/// A flipped bit in each field of the frame and in the payload, and truncations.
void check_refusals(Program& p, const std::vector<uint8_t>& own) {
  for (size_t at : {size_t{0}, size_t{4}, size_t{8}, size_t{16}, size_t{24}, size_t{32}, own.size() / 2, own.size() - 1}) {
    std::vector<uint8_t> flipped = own;
    flipped[at] ^= 0x01;
    refused(p, flipped, "a snapshot with byte " + std::to_string(at) + " flipped");
  }
  for (size_t n : {own.size() - 1, own.size() / 2, vlac::rt::kClassSnapshotFrameBytes, size_t{0}})
    refused(p, std::vector<uint8_t>(own.begin(), own.begin() + static_cast<std::ptrdiff_t>(n)),
            "a snapshot truncated to " + std::to_string(n) + " bytes");
  // Forged: the payload's last 8 bytes cut off, the length and the checksum made to match. The
  // frame passes, the payload does not parse: refused, and the object is then as constructed.
  std::vector<uint8_t> forged(own.begin(), own.end() - 12);
  uint64_t length = 0;
  std::memcpy(&length, forged.data() + 24, sizeof length);
  length -= 8;
  std::memcpy(forged.data() + 24, &length, sizeof length);
  const uint32_t crc = vlac::rt::crc32c(forged.data(), forged.size());
  forged.insert(forged.end(), reinterpret_cast<const uint8_t*>(&crc), reinterpret_cast<const uint8_t*>(&crc) + sizeof crc);
  if (p.restore(forged.data(), forged.size())) fail("a forged snapshot was restored");
  if (snapshot_of(p) != snapshot_of(Program())) fail("a forged snapshot left the object other than as constructed");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  vlac::test::CaseArgs args = vlac::test::parse_case_args(words, "");
  size_t restore_every = 0, save_at = 0, refuse_at = 0;
  std::string save_path, refuse_path;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "--restore-every") restore_every = std::stoul(words[i + 1]);
    if (words[i] == "--save-at" && i + 2 < words.size()) save_at = std::stoul(words[i + 1]), save_path = words[i + 2];
    if (words[i] == "--refuse-at" && i + 2 < words.size()) refuse_at = std::stoul(words[i + 1]), refuse_path = words[i + 2];
  }

  std::vector<vlac::test::CaseRows::Source> sources;
  for (size_t s = 0; s < Program::kSources; ++s)
    sources.push_back({vlac::rt::SourceSpec{Program::source_name(s), Program::source_columns(s), Program::source_layout(s),
                                            Program::source_read_columns(s)},
                       Program::source_time_offset(s)});
  std::vector<std::pair<int, std::string>> inputs;
  for (const auto& [name, path] : args.inputs)
    for (size_t s = 0; s < Program::kSources; ++s)
      if (name == Program::source_name(s)) inputs.emplace_back(static_cast<int>(s), path);
  vlac::test::CaseRows rows;
  std::string error;
  if (!rows.open(sources, inputs, &error)) fail(error);

  vlac::rt::WriterOptions options;
  options.timestamps_ns = args.timestamps_ns;
  std::vector<std::FILE*> files(Program::kOutputs, Program::kOutputs == 1 ? stdout : nullptr);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] != "--output") continue;
    const std::string& v = words[i + 1];
    for (size_t o = 0; o < Program::kOutputs; ++o)
      if (v.substr(0, v.find('=')) == Program::output_name(o) && !(files[o] = std::fopen(v.substr(v.find('=') + 1).c_str(), "wb")))
        fail("cannot write " + v);
  }
  std::vector<std::unique_ptr<vlac::rt::RowWriter>> writers;
  for (size_t o = 0; o < Program::kOutputs; ++o) {
    if (!files[o]) fail(std::string("no --output for ") + Program::output_name(o));
    writers.push_back(vlac::rt::make_row_writer(files[o], Program::output_columns(o), Program::output_layout(o), options));
  }
  auto make = [&] {
    auto p = std::make_unique<Program>();
    for (size_t o = 0; o < Program::kOutputs; ++o)
      p->set_raw_sink(o, [](void* w, const uint8_t* row) { static_cast<vlac::rt::RowWriter*>(w)->write(row); }, writers[o].get());
    return p;
  };
  std::unique_ptr<Program> program = make();
  size_t n = 0, restores = 0;
  std::vector<uint8_t> first;  // the first snapshot
  int source;
  const uint8_t* row;
  while (rows.next(&source, &row)) {
    program->push_raw(static_cast<size_t>(source), row);
    ++n;
    if (n == save_at) {
      const std::vector<uint8_t> bytes = snapshot_of(*program);
      std::FILE* f = std::fopen(save_path.c_str(), "wb");
      if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) fail("cannot write " + save_path);
    }
    if (n == refuse_at) refused(*program, read_bytes(refuse_path), "another program's snapshot");
    if (restore_every && n % restore_every == 0) {
      const std::vector<uint8_t> bytes = snapshot_of(*program);
      if (restores++ == 0) {
        check_refusals(*program, bytes);
        first = bytes;
      } else if (restores == 2) {  // an older state into a used object: all of it replaced
        if (!program->restore(first.data(), first.size()) || snapshot_of(*program) != first)
          fail("an older snapshot restored into a used object is not that snapshot's state");
      }
      if (restores % 2 == 1) {  // every other time into a new object, else into the used one
        program.reset();        // its arenas go: the restored strings must be the new object's own
        program = make();
      }
      if (!program->restore(bytes.data(), bytes.size())) fail("the snapshot after row " + std::to_string(n) + " was refused");
      if (snapshot_of(*program) != bytes) fail("the restored object's snapshot differs, after row " + std::to_string(n));
    }
  }
  program->finish();
  for (size_t o = 0; o < Program::kOutputs; ++o) {
    writers[o]->finish();
    if (files[o] != stdout) std::fclose(files[o]);
  }
  std::fprintf(stderr, "class_snapshot_driver: %zu rows, %zu restores\n", n, restores);
  return 0;
}
