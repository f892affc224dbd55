// JSON Lines output (LANGUAGE.md §7): one object per row, columns in order, `null` for NULL.
// JSON has no NaN or Infinity, so those are the strings "NaN", "Infinity", "-Infinity" (which
// the JSON Lines reader accepts back for float columns).

#include <cmath>

#include "runtime/io/json_text.h"
#include "runtime/io/writer_impl.h"
#include "runtime/value_format.h"

namespace vlac::rt {
namespace {

class JsonlWriter final : public BufferedWriter {
 public:
  JsonlWriter(std::FILE* out, std::vector<std::string> names, RowLayout layout, WriterOptions options)
      : BufferedWriter(out, std::move(names), std::move(layout), options) {
    // `{"name":` / `,"name":` escaped once here rather than for every row.
    for (size_t i = 0; i < names_.size(); ++i) {
      std::string key(i == 0 ? "{" : ",");
      json::append_string(&key, names_[i].data(), names_[i].size());
      key += ':';
      keys_.push_back(std::move(key));
    }
  }

  void write(const uint8_t* row) override {
    if (finished_) return;
    const std::vector<Field>& fields = layout_.fields;
    const bool ns = options_.timestamps_ns;
    if (fields.empty()) buf_.push('{');
    for (size_t i = 0; i < fields.size(); ++i) {
      buf_.append(keys_[i]);
      const Field& f = fields[i];
      if (is_null(row, f)) {
        buf_.append("null", 4);
        continue;
      }
      if (f.type == FieldType::String) {
        const StringRef s = get<StringRef>(row, f);
        buf_.commit(json::write_string(buf_.room(json::max_string_bytes(s.size)), s.data, s.size));
        continue;
      }
      // NaN, Infinity, -Infinity and ISO timestamps are JSON strings.
      bool quoted = f.type == FieldType::Timestamp && !ns;
      if (f.type == FieldType::Float32) quoted = !std::isfinite(get<float>(row, f));
      if (f.type == FieldType::Float64) quoted = !std::isfinite(get<double>(row, f));
      char* p = buf_.room(kValueFormatBufSize + 2);
      if (quoted) *p++ = '"';
      p = put_value_text(p, row, f, ns, iso_);
      if (quoted) *p++ = '"';
      buf_.commit(p);
    }
    buf_.append("}\n", 2);
    spill_if_full();
  }

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
