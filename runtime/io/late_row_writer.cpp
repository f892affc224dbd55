#include "runtime/io/late_row_writer.h"

#include "runtime/io/json_text.h"
#include "runtime/io/writer_impl.h"

namespace vlac::rt {
namespace {

class JsonlLateWriter final : public LateRowWriter {
 public:
  JsonlLateWriter(std::FILE* out, std::vector<LateOperator> operators, WriterOptions options)
      : rows_(out, operators, options) {
    // One target per operator, made once so that the pointers LateRows carry stay valid.
    targets_.reserve(operators.size());
    for (size_t i = 0; i < operators.size(); ++i) targets_.push_back({this, i});
  }

  LateRows late_rows(size_t op) override {
    LateRows l;
    l.report = [](void* user, int port, const uint8_t* row, int64_t watermark) {
      const Target* t = static_cast<const Target*>(user);
      t->writer->rows_.add(t->op, port, row, watermark);
      t->writer->error_ = t->writer->rows_.error();  // a failed spill stops the run (RunStop)
    };
    l.user = &targets_[op];
    return l;
  }
  void write(const uint8_t*) override {}  // the rows come through late_rows()
  void flush() override {
    rows_.flush();
    error_ = rows_.error();
  }
  void finish() override {
    rows_.finish();
    error_ = rows_.error();
  }
  uint64_t bytes_written() const override { return rows_.bytes_written(); }

 private:
  /// The records, formatted into a BufferedWriter's buffer (spilled every 256 KiB).
  class Records final : public BufferedWriter {
   public:
    Records(std::FILE* out, const std::vector<LateOperator>& operators, WriterOptions options)
        : BufferedWriter(out, {}, RowLayout{}, options) {
      watermark_layout_ = RowLayout::make({{FieldType::Timestamp, false, 0}});
      for (const LateOperator& op : operators) {
        Op o;
        o.head = "{\"operator\":";
        json::append_string(&o.head, op.name.data(), op.name.size());
        for (const LatePort& p : op.ports) {
          Port port;
          port.head = o.head + ",\"stream\":";
          if (p.stream.empty()) port.head += "null";
          else json::append_string(&port.head, p.stream.data(), p.stream.size());
          port.head += ",\"watermark\":";
          port.keys = json_object_keys(p.column_names);
          port.fields = p.layout.fields;
          o.ports.push_back(std::move(port));
        }
        ops_.push_back(std::move(o));
      }
    }
    void add(size_t op, int port, const uint8_t* row, int64_t watermark) {
      if (finished_ || error_ != 0) return;
      const Port& p = ops_[op].ports[static_cast<size_t>(port)];
      buf_.append(p.head);
      uint8_t w[16] = {};
      __builtin_memcpy(w + watermark_layout_.fields[0].offset, &watermark, sizeof watermark);
      const bool ns = options_.timestamps_ns;
      char* at = buf_.room(kValueFormatBufSize + 2);
      if (!ns) *at++ = '"';
      at = put_value_text(at, w, watermark_layout_.fields[0], ns, iso_);
      if (!ns) *at++ = '"';
      buf_.commit(at);
      buf_.append(",\"row\":", 7);
      append_json_object(buf_, p.keys, p.fields, row, ns, iso_);
      buf_.append("}\n", 2);
      spill_if_full();
    }
    void write(const uint8_t*) override {}
    void finish() override {
      if (finished_) return;
      finished_ = true;
      flush();
    }

   private:
    struct Port {
      std::string head;  // {"operator":...,"stream":...,"watermark":
      std::vector<std::string> keys;
      std::vector<Field> fields;
    };
    struct Op {
      std::string head;
      std::vector<Port> ports;
    };
    std::vector<Op> ops_;
    RowLayout watermark_layout_;  // one TIMESTAMP, to format a watermark as a value
  };
  struct Target {
    JsonlLateWriter* writer;
    size_t op;
  };

  Records rows_;
  std::vector<Target> targets_;
};

}  // namespace

std::unique_ptr<LateRowWriter> make_late_row_writer(std::FILE* out, std::vector<LateOperator> operators, WriterOptions options) {
  return std::make_unique<JsonlLateWriter>(out, std::move(operators), options);
}

}  // namespace vlac::rt
