// JSON Lines output (LANGUAGE.md §7): one object per row, columns in order, `null` for NULL.
// JSON has no NaN or Infinity, so those are the strings "NaN", "Infinity", "-Infinity" (which
// the JSON Lines reader accepts back for float columns).

#include <cmath>

#include "runtime/io/json_text.h"
#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {

std::vector<std::string> json_object_keys(const std::vector<std::string>& names) {
  // `{"name":` / `,"name":` escaped once rather than for every row.
  std::vector<std::string> keys;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string key(i == 0 ? "{" : ",");
    json::append_string(&key, names[i].data(), names[i].size());
    key += ':';
    keys.push_back(std::move(key));
  }
  return keys;
}

void append_json_object(OutputBuffer& buf, const std::vector<std::string>& keys, const std::vector<Field>& fields,
                        const uint8_t* row, bool ns, IsoTimestampFormat& iso) {
  if (fields.empty()) buf.push('{');
  for (size_t i = 0; i < fields.size(); ++i) {
    buf.append(keys[i]);
    const Field& f = fields[i];
    if (is_null(row, f)) {
      buf.append("null", 4);
      continue;
    }
    if (f.type == FieldType::String) {
      const StringRef s = get<StringRef>(row, f);
      buf.commit(json::write_string(buf.room(json::max_string_bytes(s.size)), s.data, s.size));
      continue;
    }
    // NaN, Infinity, -Infinity and ISO timestamps are JSON strings.
    bool quoted = f.type == FieldType::Timestamp && !ns;
    if (f.type == FieldType::Float32) quoted = !std::isfinite(get<float>(row, f));
    if (f.type == FieldType::Float64) quoted = !std::isfinite(get<double>(row, f));
    char* p = buf.room(kValueFormatBufSize + 2);
    if (quoted) *p++ = '"';
    p = put_value_text(p, row, f, ns, iso);
    if (quoted) *p++ = '"';
    buf.commit(p);
  }
  buf.push('}');
}

namespace {

class JsonlWriter final : public BufferedWriter {
 public:
  JsonlWriter(std::FILE* out, std::vector<std::string> names, RowLayout layout, WriterOptions options)
      : BufferedWriter(out, std::move(names), std::move(layout), options) {
    keys_ = json_object_keys(names_);
  }

  void write(const uint8_t* row) override {
    if (finished_) return;
    append_json_object(buf_, keys_, layout_.fields, row, options_.timestamps_ns, iso_);
    buf_.append("\n", 1);
    spill_if_full();
  }

  bool takes_formatted() const override { return true; }
  void write_formatted(std::string_view rows) override { append_formatted(rows); }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    flush();
  }

 private:
  std::vector<std::string> keys_;
};

}  // namespace

std::unique_ptr<RowWriter> make_jsonl_writer(std::FILE* out, std::vector<std::string> names, RowLayout layout,
                                             WriterOptions options) {
  return std::make_unique<JsonlWriter>(out, std::move(names), std::move(layout), options);
}

}  // namespace vlac::rt
