// CSV output (LANGUAGE.md §7): a header row always, RFC 4180 quoting only where needed, NULL
// as an empty field and the empty string as `""` so that the two read back differently.

#include <cstring>

#include "runtime/io/writer_impl.h"

namespace vlac::rt {
namespace {

bool needs_quotes(const char* s, size_t n) {
  if (n == 0) return true;  // `""`: an unquoted empty field would read back as NULL
  for (size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

void append_csv_string(std::string* out, const char* s, size_t n) {
  if (!needs_quotes(s, n)) {
    out->append(s, n);
    return;
  }
  *out += '"';
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '"') *out += '"';
    *out += s[i];
  }
  *out += '"';
}

class CsvWriter final : public BufferedWriter {
 public:
  CsvWriter(std::FILE* out, std::vector<std::string> names, RowLayout layout, WriterOptions options)
      : BufferedWriter(out, std::move(names), std::move(layout), options) {
    // Into the buffer now, so it precedes every row and appears even if none comes.
    for (size_t i = 0; i < names_.size(); ++i) {
      if (i > 0) buf_ += ',';
      append_csv_string(&buf_, names_[i].data(), names_[i].size());
    }
    buf_ += '\n';
  }

  void write(const uint8_t* row) override {
    if (finished_) return;
    const std::vector<Field>& fields = layout_.fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) buf_ += ',';
      const Field& f = fields[i];
      if (is_null(row, f)) continue;
      if (f.type == FieldType::String) {
        const StringRef s = get<StringRef>(row, f);
        append_csv_string(&buf_, s.data, s.size);
      } else {
        append_value_text(&buf_, row, f, options_.timestamps_ns);
      }
    }
    buf_ += '\n';
    spill_if_full();
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    flush();
  }
};

}  // namespace

std::unique_ptr<RowWriter> make_csv_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                           WriterOptions options) {
  return std::make_unique<CsvWriter>(out, std::move(names), std::move(layout), options);
}

}  // namespace vlac::rt
