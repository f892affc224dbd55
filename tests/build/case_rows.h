#pragma once
// The rows of a golden case's inputs (tests/e2e/cases/*: `--input NAME=PATH` in its args), read
// with the runtime's readers and interleaved by event time as `vlac run` does. For the snapshot
// tests that drive a generated class by hand: tests/build/class_snapshot_driver.cpp (host class)
// and tests/unit/firmware_snapshot_test.cpp (the firmware class of `vlac run --backend firmware`).

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/io/input_format.h"
#include "runtime/io/input_merger.h"
#include "runtime/io/reject_sink.h"
#include "runtime/io/row_reader.h"

namespace vlac::test {

class CaseRows {
 public:
  struct Source {
    rt::SourceSpec spec;
    int32_t time_offset;  // -1: none
  };
  CaseRows() : rejects_(nullptr) {}
  ~CaseRows() {
    readers_.clear();
    for (std::FILE* f : files_) std::fclose(f);
  }

  /// Opens `inputs` ({source index, path}); false with a message.
  bool open(const std::vector<Source>& sources, const std::vector<std::pair<int, std::string>>& inputs, std::string* error) {
    for (const auto& [s, path] : inputs) {
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (!f) {
        *error = "cannot read " + path;
        return false;
      }
      files_.push_back(f);
      const Source& src = sources[static_cast<size_t>(s)];
      auto reader = rt::open_row_reader(rt::input_format_for(path, std::nullopt), path, f, src.spec, rejects_);
      if (!reader->open(error)) return false;
      merger_.add(s, reader.get(), src.spec.layout.size, src.time_offset);
      readers_.push_back(std::move(reader));
    }
    return true;
  }

  /// The next row in the hosted layout of its source (valid until the next call).
  bool next(int* source, const uint8_t** row) {
    int64_t time;
    return merger_.next(source, row, &time);
  }

 private:
  rt::RejectSink rejects_;
  std::vector<std::FILE*> files_;
  std::vector<std::unique_ptr<rt::RowReader>> readers_;
  rt::InputMerger merger_;
};

/// `--input NAME=PATH` and `--timestamps ns` of a case's args (paths relative to `dir`).
struct CaseArgs {
  std::vector<std::pair<std::string, std::string>> inputs;  // stream name, path
  bool timestamps_ns = false;
};
inline CaseArgs parse_case_args(const std::vector<std::string>& words, const std::string& dir) {
  CaseArgs a;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "--input") {
      const std::string& v = words[++i];
      const size_t eq = v.find('=');
      std::string path = v.substr(eq + 1);
      if (!dir.empty() && path[0] != '/') path = dir + "/" + path;
      a.inputs.emplace_back(v.substr(0, eq), path);
    } else if (words[i] == "--timestamps") {
      a.timestamps_ns = words[++i] == "ns";
    }
  }
  return a;
}

}  // namespace vlac::test
