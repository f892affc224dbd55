#pragma once
// Helpers shared by the runtime I/O tests: source specs, in-memory files, and rows rendered
// as text (`v1|v2|...`) so that expectations can be written by hand.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/io/row_reader.h"

namespace vlac::rt::io_test {

struct Col {
  std::string name;
  FieldType type;
  bool nullable = true;
  uint32_t max_bytes = 0;
};

/// A memory FILE (open_memstream) that keeps what is written to it: messages, rejects files.
class Collected {
 public:
  Collected() : f_(open_memstream(&data_, &size_)) {}
  ~Collected() {
    std::fclose(f_);
    std::free(data_);
  }
  Collected(const Collected&) = delete;
  Collected& operator=(const Collected&) = delete;
  std::FILE* file() { return f_; }
  std::string text() {
    std::fflush(f_);
    return data_ ? std::string(data_, size_) : std::string();
  }
  size_t size() {
    std::fflush(f_);
    return size_;
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  std::FILE* f_;
};

inline SourceSpec make_spec(const std::vector<Col>& cols) {
  SourceSpec spec;
  spec.stream = "s";
  std::vector<RowLayout::ColumnSpec> cs;
  for (const Col& c : cols) {
    spec.column_names.push_back(c.name);
    cs.push_back({c.type, c.nullable, c.max_bytes});
  }
  spec.layout = RowLayout::make(cs);
  return spec;
}

// The stream of LANGUAGE.md §1.
inline SourceSpec camera_spec() {
  return make_spec({{"ts", FieldType::Timestamp, false},
                    {"cam_id", FieldType::Int32},
                    {"frame_id", FieldType::Int64},
                    {"brightness", FieldType::Float32},
                    {"objects", FieldType::Int32}});
}

inline std::FILE* file_with(const std::string& text) {
  std::FILE* f = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  return f;
}

inline std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// One row as `v1|v2|...`: NULL, true/false, integers (timestamps as ns), floats with %.9g /
// %.17g, strings in single quotes.
inline std::string render(const uint8_t* row, const SourceSpec& spec) {
  std::string out;
  char buf[64];
  for (size_t i = 0; i < spec.layout.fields.size(); ++i) {
    const Field& f = spec.layout.fields[i];
    if (i > 0) out += '|';
    if (is_null(row, f)) {
      out += "NULL";
      continue;
    }
    switch (f.type) {
      case FieldType::Bool: out += get<bool>(row, f) ? "true" : "false"; break;
      case FieldType::Int32: out += std::to_string(get<int32_t>(row, f)); break;
      case FieldType::Int64:
      case FieldType::Timestamp:
      case FieldType::Interval: out += std::to_string(get<int64_t>(row, f)); break;
      case FieldType::Float32:
        std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(get<float>(row, f)));
        out += buf;
        break;
      case FieldType::Float64:
        std::snprintf(buf, sizeof buf, "%.17g", get<double>(row, f));
        out += buf;
        break;
      case FieldType::String: {
        const StringRef s = get<StringRef>(row, f);
        out += '\'';
        out.append(s.data, s.size);
        out += '\'';
        break;
      }
    }
  }
  return out;
}

}  // namespace vlac::rt::io_test
