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

void append_csv_string(OutputBuffer* out, const char* s, size_t n) {
  if (!needs_quotes(s, n)) {
    out->append(s, n);
    return;
  }
  char* p = out->room(2 * n + 2);  // every byte a doubled quote, and the two around
  *p++ = '"';
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '"') *p++ = '"';
    *p++ = s[i];
  }
  *p++ = '"';
  out->commit(p);
}

class CsvWriter final : public BufferedWriter {
 public:
  CsvWriter(std::FILE* out, std::vector<std::string> names, RowLayout layout, WriterOptions options)
      : BufferedWriter(out, std::move(names), std::move(layout), options) {
    if (options.resume) return;  // the output holds the header already
    // Into the buffer now, so it precedes every row and appears even if none comes.
    for (size_t i = 0; i < names_.size(); ++i) {
      if (i > 0) buf_.push(',');
      append_csv_string(&buf_, names_[i].data(), names_[i].size());
    }
    buf_.push('\n');
  }

  void write(const uint8_t* row) override {
    if (finished_) return;
    const std::vector<Field>& fields = layout_.fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) buf_.push(',');
      const Field& f = fields[i];
      if (is_null(row, f)) continue;
      if (f.type == FieldType::String) {
        const StringRef s = get<StringRef>(row, f);
        append_csv_string(&buf_, s.data, s.size);
      } else {
        buf_.commit(put_value_text(buf_.room(kValueFormatBufSize), row, f, options_.timestamps_ns, iso_));
      }
    }
    buf_.push('\n');
    spill_if_full();
  }

  bool takes_formatted() const override { return true; }
  void write_formatted(std::string_view rows) override { append_formatted(rows); }

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
