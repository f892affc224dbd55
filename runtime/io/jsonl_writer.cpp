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
    if (fields.empty()) buf_ += '{';
    for (size_t i = 0; i < fields.size(); ++i) {
      buf_ += keys_[i];
      const Field& f = fields[i];
      if (is_null(row, f)) {
        buf_ += "null";
        continue;
      }
      switch (f.type) {
        case FieldType::String: {
          const StringRef s = get<StringRef>(row, f);
          json::append_string(&buf_, s.data, s.size);
          break;
        }
        case FieldType::Float32:
        case FieldType::Float64: {
          const double v = f.type == FieldType::Float32 ? get<float>(row, f) : get<double>(row, f);
          if (std::isfinite(v)) {
            append_value_text(&buf_, row, f, options_.timestamps_ns);
          } else {
            buf_ += '"';
            append_value_text(&buf_, row, f, options_.timestamps_ns);  // NaN, Infinity, -Infinity
            buf_ += '"';
          }
          break;
        }
        case FieldType::Timestamp:
          if (!options_.timestamps_ns) buf_ += '"';
          append_value_text(&buf_, row, f, options_.timestamps_ns);
          if (!options_.timestamps_ns) buf_ += '"';
          break;
        default:
          append_value_text(&buf_, row, f, options_.timestamps_ns);
          break;
      }
    }
    buf_ += "}\n";
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
