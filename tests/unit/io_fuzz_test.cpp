// Mutation tests of the readers (runtime/io): valid CSV and JSON Lines inputs are damaged
// thousands of times with a fixed seed (byte flips, truncation, inserted quotes, commas, line
// ends, NULs, invalid UTF-8, duplicated spans). Whatever the damage, a reader must not crash
// (run these under -DVLAC_SANITIZE=ON), must keep accepted + rejected == read, must report
// every rejected record on one message line in input order, and must only accept rows that
// satisfy the spec (NOT NULL, STRING(n), valid UTF-8).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/io/field_text.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"
#include "tests/fuzz/reader_fuzz_spec.h"
#include "test_files.h"

namespace {

using namespace vlac::rt;

SourceSpec fuzz_spec() { return vlac::test::reader_fuzz_spec(); }

const std::vector<std::string> kCsvSeeds = {
    "ts,id,v,ok,name,note,iv,big\n"
    "2026-11-24T06:31:29.5Z,1,0.5,true,cam,plain,5,1e10\n"
    "1000,2,,FALSE,\"a,b\",\"two\nlines\",,-0\n"
    "1001,3,NaN,1,\"\",\"say \"\"hi\"\"\",-7,Infinity\n",

    "\xEF\xBB\xBFid,ts,name,extra\r\n"
    "1,5,x,?\r\n"
    "\r\n"
    "2,6,\"\xC3\xA9t\xC3\xA9\",\"q\r\nr\"\r\n"
    "3,7,,\r\n",

    "ts,id\n1,1\n2,2\n3,3\n4,4\n5,5\n6,6\n7,7\n8,8\n",

    "note,ts,id,big\n"
    "\"a\"\"\"\"b\",1,1,2.5\n"
    "\"\n\n\",2,2,\n"
    ",3,3,1e-300\n",
};

const std::vector<std::string> kJsonlSeeds = {
    "{\"ts\":\"2026-11-24T06:31:29.5Z\",\"id\":1,\"v\":0.5,\"ok\":true,\"name\":\"cam\",\"note\":\"p\\\"l\\\\a\\/in\"}\n"
    "{\"ts\":1000,\"id\":2,\"v\":null,\"ok\":false,\"note\":\"\\u00e9\\ud83d\\ude00\\n\",\"iv\":-5}\n"
    "{\"id\":3,\"ts\":1001,\"big\":\"-Infinity\",\"extra\":{\"a\":[1,2,{\"b\":null}]}}\n",

    "\xEF\xBB\xBF{\"ts\":1,\"id\":1}\r\n\r\n{ \"ts\" : 2 , \"id\" : 2 , \"v\" : -1.5e3 }\r\n"
    "{\"ts\":3,\"id\":3,\"name\":\"\xC3\xA9\"}\n",

    "{\"ts\":1,\"id\":1}\n{\"ts\":2,\"id\":2}\n{\"ts\":3,\"id\":3}\n{\"ts\":4,\"id\":4}\n{\"ts\":5,\"id\":5}\n",
};

const std::vector<std::string> kInserts = {"\"", ",", "\n", "\r", "\r\n", std::string(1, '\0'), "\xFF", "\xC3", "\xED\xA0\x80",
                                           "\"\"", "{", "}", "[", "]", "\\", ":", "\\u", "\\ud800", "null", "-", "e", " "};

std::string mutate(std::string s, std::mt19937& rng) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n == 0 ? 1 : n)); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < edits; ++k) {
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 2:
      case 3:  // insert a troublesome byte sequence
        s.insert(pick(s.size() + 1), kInserts[pick(kInserts.size())]);
        break;
      case 4:  // delete a byte
        if (!s.empty()) s.erase(pick(s.size()), 1);
        break;
      case 5: {  // duplicate a span
        const size_t at = pick(s.size() + 1);
        const size_t len = pick(s.size() - at + 1);
        s.insert(pick(s.size() + 1), s.substr(at, len));
        break;
      }
    }
  }
  return s;
}

std::string drain(char* buf, size_t size) {
  std::string s(buf ? buf : "", size);
  std::free(buf);
  return s;
}

// Reads `input` completely and checks the invariants; returns its stats.
InputStats check_run(const std::string& input, bool jsonl) {
  const SourceSpec spec = fuzz_spec();
  const std::string name = jsonl ? "fuzz.jsonl" : "fuzz.csv";
  std::FILE* in = input.empty() ? std::tmpfile() : fmemopen(const_cast<char*>(input.data()), input.size(), "r");
  char* mbuf = nullptr;
  char* rbuf = nullptr;
  size_t msize = 0, rsize = 0;
  std::FILE* messages = open_memstream(&mbuf, &msize);
  std::FILE* rejects = open_memstream(&rbuf, &rsize);
  InputStats stats;
  uint64_t sink_count = 0;
  bool opened = false;
  std::string error;
  {
    RejectSink sink(messages, rejects);
    auto reader = jsonl ? open_jsonl_reader(name, in, spec, sink) : open_csv_reader(name, in, spec, sink);
    opened = reader->open(&error);
    if (opened) {
      std::vector<uint8_t> row(spec.layout.size);
      uint64_t guard = 0;
      while (reader->next(row.data())) {
        EXPECT_LT(++guard, 100000u) << "reader does not terminate";
        if (guard >= 100000u) break;
        // Touch every value (ASan checks the string bytes) and check what the spec promises.
        for (const Field& f : spec.layout.fields) {
          if (is_null(row.data(), f)) {
            EXPECT_TRUE(f.nullable);
            continue;
          }
          if (f.type == FieldType::String) {
            const StringRef s = get<StringRef>(row.data(), f);
            if (f.max_bytes > 0) {
              EXPECT_LE(s.size, f.max_bytes);
            }
            EXPECT_TRUE(is_valid_utf8(s.data, s.size));
          }
        }
      }
    } else {
      EXPECT_FALSE(error.empty());
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
    stats = reader->stats();
    sink_count = sink.rejected();
    EXPECT_EQ(reader->read_error(), "");
  }
  std::fclose(messages);
  std::fclose(rejects);
  std::fclose(in);
  const std::string msg = drain(mbuf, msize);
  const std::string rej = drain(rbuf, rsize);

  EXPECT_EQ(stats.accepted + stats.rejected, stats.read);
  EXPECT_EQ(sink_count, stats.rejected);
  // Every message is one line: `name:LINE: reason` for each reject, at most one warning.
  uint64_t reports = 0, warnings = 0, last_line = 0;
  size_t pos = 0;
  while (pos < msg.size()) {
    const size_t end = msg.find('\n', pos);
    EXPECT_NE(end, std::string::npos);
    if (end == std::string::npos) break;
    const std::string line = msg.substr(pos, end - pos);
    pos = end + 1;
    EXPECT_EQ(line.compare(0, name.size() + 1, name + ":"), 0) << line;
    if (line.find(": warning: ") != std::string::npos) {
      ++warnings;
      continue;
    }
    ++reports;
    const uint64_t n = std::strtoull(line.c_str() + name.size() + 1, nullptr, 10);
    EXPECT_GT(n, last_line) << "reports come in input order: " << line;
    last_line = n;
  }
  EXPECT_EQ(reports, stats.rejected) << msg;
  EXPECT_LE(warnings, 1u);
  if (stats.rejected > 0) {
    EXPECT_FALSE(rej.empty());
  }
  // Raw records are copied, plus at most one added line end each.
  EXPECT_LE(rej.size(), input.size() + stats.rejected);
  return stats;
}

void fuzz(const std::vector<std::string>& seeds, bool jsonl, uint32_t seed) {
  std::mt19937 rng(seed);
  uint64_t accepted = 0, rejected = 0;
  for (const std::string& s : seeds) {
    const InputStats clean = check_run(s, jsonl);
    EXPECT_GT(clean.accepted, 0u);
    EXPECT_EQ(clean.rejected, 0u) << "seed inputs are valid";
    for (int i = 0; i < 5000; ++i) {
      const std::string input = mutate(s, rng);
      SCOPED_TRACE(testing::Message() << "mutation " << i);
      const InputStats st = check_run(input, jsonl);
      accepted += st.accepted;
      rejected += st.rejected;
      if (testing::Test::HasFailure()) {
        ADD_FAILURE() << "input was: [" << input << "]";
        return;
      }
    }
  }
  // The mutations must exercise both outcomes, or the test proves little.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(rejected, 1000u);
}

// Inputs that once broke a reader, found by tests/fuzz/run_fuzz.sh, replayed first.
TEST(IoFuzzRegressions, ReplayedWithoutFailure) {
  for (const char* ext : {".csv", ".jsonl"}) {
    for (const std::string& p : vlac::test::files_in("tests/fuzz/regressions", ext)) {
      SCOPED_TRACE(p);
      check_run(vlac::test::read_file(vlac::test::full_path(p)), std::string(ext) == ".jsonl");
    }
  }
}

TEST(IoFuzzCsv, MutatedInputs) { fuzz(kCsvSeeds, false, 20261124); }

TEST(IoFuzzJsonl, MutatedInputs) { fuzz(kJsonlSeeds, true, 4180); }

}  // namespace
