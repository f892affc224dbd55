// libFuzzer target: any bytes as a CSV file and as a JSON Lines file, read to the end against
// a schema with a column of every parsing rule. A reader must not crash, must terminate, and
// must account for every record (accepted + rejected == read). Built by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/io/reject_sink.h"
#include "tests/fuzz/reader_fuzz_spec.h"

namespace {

void read_all(const std::string& input, bool jsonl) {
  const vlac::rt::SourceSpec spec = vlac::test::reader_fuzz_spec();
  std::FILE* in = input.empty() ? std::tmpfile() : fmemopen(const_cast<char*>(input.data()), input.size(), "r");
  std::FILE* devnull = std::fopen("/dev/null", "w");
  {
    vlac::rt::RejectSink sink(devnull, devnull);
    auto reader = jsonl ? vlac::rt::open_jsonl_reader("fuzz.jsonl", in, spec, sink)
                        : vlac::rt::open_csv_reader("fuzz.csv", in, spec, sink);
    std::string error;
    if (reader->open(&error)) {
      std::vector<uint8_t> row(spec.layout.size);
      uint64_t rows = 0;
      while (reader->next(row.data()))
        if (++rows > input.size() + 1) std::abort();  // more rows than bytes: not terminating
    }
    const vlac::rt::InputStats st = reader->stats();
    if (st.accepted + st.rejected != st.read || sink.rejected() != st.rejected) std::abort();
  }
  std::fclose(devnull);
  std::fclose(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  read_all(input, false);
  read_all(input, true);
  return 0;
}
