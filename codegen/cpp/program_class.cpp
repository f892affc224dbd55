#include "codegen/cpp/program_class.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <set>

#include "codegen/cpp/kernel_writer.h"
#include "physical/kernel_names.h"
#include "physical/operator_settings.h"

namespace vlac::cpp {

std::string class_name_of(const std::string& stem) {
  std::string out;
  bool upper = true;
  for (char c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "Program" + out;
  return out;
}

std::string row_struct_name(const std::string& stream) { return class_name_of(stream) + "Row"; }

int64_t firmware_capacity(const PhysicalOperator& op, const FirmwareDefaults& defaults, const std::string& option) {
  const Capacities& with = op.capacities;
  if (option == "max_keys") return with.max_keys.value_or(defaults.max_keys);
  if (option == "max_buffered_rows") return with.max_buffered_rows.value_or(defaults.max_buffered_rows);
  if (with.max_open_windows) return *with.max_open_windows;
  // One event of a HOP or CUMULATE window opens size/slide windows; two more let the next
  // step open before the watermark closes the oldest.
  int64_t need = defaults.max_open_windows;
  bool stepped = op.windowed && (op.window.kind == WindowKind::Hop || op.window.kind == WindowKind::Cumulate);
  if (stepped && op.window.slide > 0) need = std::max(need, op.window.size / op.window.slide + 2);
  return need;
}

std::vector<FirmwareCapacity> firmware_capacities(const PhysicalOperator& op, const FirmwareDefaults& defaults) {
  std::vector<const char*> options;
  const Capacities& with = op.capacities;
  switch (op.kind) {
    case OperatorKind::WindowAggregate: options = {"max_keys", "max_open_windows"}; break;
    case OperatorKind::WindowAssign: break;
    case OperatorKind::IntervalJoin:
    case OperatorKind::AsofJoin:
    case OperatorKind::WindowJoin:
    case OperatorKind::Over: options = {"max_keys", "max_buffered_rows"}; break;
  }
  std::vector<FirmwareCapacity> out;
  for (const char* o : options) {
    const std::string name = o;
    bool from_with = name == "max_keys" ? with.max_keys.has_value()
                     : name == "max_open_windows" ? with.max_open_windows.has_value()
                                                  : with.max_buffered_rows.has_value();
    out.push_back({o, firmware_capacity(op, defaults, name), from_with});
  }
  return out;
}

std::string identifier_of(const std::string& name) {
  static const std::set<std::string> kKeywords = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "const", "constexpr",
      "continue", "default", "delete", "do", "double", "else", "enum", "explicit", "export", "extern", "false", "float",
      "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr",
      "operator", "or", "private", "protected", "public", "register", "return", "short", "signed", "sizeof", "static",
      "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "while", "xor", "int32_t", "int64_t", "uint8_t", "row", "s_", "ctx"};
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  if (kKeywords.count(out)) out += "_";
  return out;
}

namespace {

std::string str(int64_t v) {
  if (v == INT64_MIN) return "INT64_MIN";
  return "INT64_C(" + std::to_string(v) + ")";
}

const char* field_type_name(rt::FieldType t) {
  switch (t) {
    case rt::FieldType::Bool: return "Bool";
    case rt::FieldType::Int32: return "Int32";
    case rt::FieldType::Int64: return "Int64";
    case rt::FieldType::Float32: return "Float32";
    case rt::FieldType::Float64: return "Float64";
    case rt::FieldType::Timestamp: return "Timestamp";
    case rt::FieldType::Interval: return "Interval";
    case rt::FieldType::String: return "String";
  }
  return "Int64";
}

std::string field_literal(const rt::Field& f) {
  return "vlac::rt::Field{vlac::rt::FieldType::" + std::string(field_type_name(f.type)) + ", " + (f.nullable ? "true" : "false") +
         ", " + std::to_string(f.offset) + ", " + std::to_string(f.null_bit) + ", " + std::to_string(f.max_bytes) + "}";
}

const char* type_comment(rt::FieldType t) {
  switch (t) {
    case rt::FieldType::Timestamp: return "  // TIMESTAMP: ns since 1970-01-01T00:00:00Z";
    case rt::FieldType::Interval: return "  // INTERVAL: ns";
    default: return "";
  }
}

const char* window_mode_name(rt::WindowMode m) {
  switch (m) {
    case rt::WindowMode::Tumble: return "Tumble";
    case rt::WindowMode::Hop: return "Hop";
    case rt::WindowMode::Cumulate: return "Cumulate";
    case rt::WindowMode::Session: return "Session";
    case rt::WindowMode::EndOfInput: return "EndOfInput";
  }
  return "Tumble";
}

const char* over_function_name(rt::OverFunction f) {
  static const char* const kNames[] = {"Count", "CountStar", "Sum", "Avg", "Min", "Max", "First",
                                       "Last", "VarPop", "VarSamp", "StddevPop", "StddevSamp", "Lag"};
  return kNames[static_cast<int>(f)];
}

std::string flag(bool b) { return b ? "true" : "false"; }

class ClassWriter {
 public:
  ClassWriter(const PhysicalPlan& plan, std::string program_path, std::string stem, BuildTarget target,
              const FirmwareDefaults& defaults, const ClassExtras& extras)
      : plan_(plan), path_(std::move(program_path)), stem_(std::move(stem)), target_(target), defaults_(defaults),
        extras_(extras), name_(class_name_of(stem_)) {}

  ProgramClass run() {
    ProgramClass pc;
    pc.class_name = name_;
    pc.header_name = stem_ + ".h";
    pc.header = header();
    if (host()) pc.main_cpp = main_cpp();
    pc.cmake = cmake();
    return pc;
  }

 private:
  bool host() const { return target_ == BuildTarget::Host; }
  std::string ctx_type() const { return host() ? "vlac::rt::ExecContext" : name_; }

  // ---- names ----------------------------------------------------------------------------------

  std::string row_struct(const std::string& stream) { return row_struct_name(stream); }
  std::string sink_type(const std::string& output) { return class_name_of(output) + "Sink"; }
  std::string op_member(int i) { return "op" + std::to_string(i); }

  // ---- capacities -----------------------------------------------------------------------------

  // Firmware capacities: the WITH option, else the documented default (firmware_capacities).
  int64_t fw_max_keys(const PhysicalOperator& op) { return firmware_capacity(op, defaults_, "max_keys"); }
  int64_t fw_max_buffered_rows(const PhysicalOperator& op) { return firmware_capacity(op, defaults_, "max_buffered_rows"); }
  int64_t fw_open_windows(const PhysicalOperator& op) { return firmware_capacity(op, defaults_, "max_open_windows"); }

  // ---- the header -----------------------------------------------------------------------------

  std::string header() {
    std::string h;
    h += "// " + name_ + ": generated by vlac from " + path_ + " (vlac build --target " + (host() ? "host" : "firmware") +
         ").\n// Do not edit: change the program and build again.\n//\n";
    h += "// Push each source's rows in event-time order per source with push_<stream>(row); results\n"
         "// arrive at the sinks given to the constructor, as LANGUAGE.md §5 orders them. Call finish()\n"
         "// at the end of input. advance_watermark(w) tells every source that no event before w will\n"
         "// come (an idle sensor), so windows can close without new rows.\n";
    if (!host())
      h += "//\n// Firmware: no heap, no exceptions, no RTTI, no virtual calls. All state is in the object\n"
           "// (kStateBytes); a row that does not fit a capacity is dropped and counted (operator_stats).\n";
    h += "#pragma once\n\n";
    // The runtime headers hold a firmware and a hosted variant: the header picks its own, so
    // it compiles included alone (before any hosted vlac header in the same file).
    if (!host()) h += "#ifndef VLAC_FIRMWARE\n#define VLAC_FIRMWARE 1\n#endif\n\n";
    h += "#include <cmath>\n#include <cstddef>\n#include <cstdint>\n\n";
    h += "#include \"runtime/kernel_support.h\"\n";
    h += "#include \"runtime/ops/storage.h\"\n#include \"runtime/ops/window_aggregate.h\"\n#include \"runtime/watermarks.h\"\n";
    h += "#include \"runtime/ops/asof_join.h\"\n#include \"runtime/ops/interval_join.h\"\n#include \"runtime/ops/window_join.h\"\n";
    h += "#include \"runtime/ops/over.h\"\n";
    h += "#include \"runtime/class_snapshot.h\"\n";
    h += "\nclass " + name_ + " {\n public:\n";
    h += row_structs();
    h += public_api();
    h += " private:\n";
    h += kernels();
    h += kernel_structs();
    if (!host()) h += dims_structs();
    h += state();
    h += private_functions();
    std::string counters;
    if (extras_.count_pipeline_rows) {
      h += "  /// Rows into and past each pipeline with a filter, [2p] and [2p+1] (vlac run --stats).\n"
           "  uint64_t* pipeline_rows = nullptr;\n";
      counters = " + sizeof(uint64_t*)";
    }
    h += "};\n\n";
    h += "static_assert(sizeof(" + name_ + ") == " + name_ + "::kStateBytes" + counters +
         ", \"the object is its state and nothing else\");\n";
    h += out_of_class();
    return with_program_hash(h);
  }

  /// kProgramHash: FNV-1a of the class text from `#pragma once` on (the rows, kernels, operator
  /// configurations, capacities and state: everything that shapes the snapshot's bytes), with
  /// the hash itself as a placeholder. Not the file name in the first comment.
  static std::string with_program_hash(std::string h) {
    const size_t from = h.find("#pragma once");
    uint64_t hash = 14695981039346656037ull;
    for (size_t i = from; i < h.size(); ++i) {
      hash ^= static_cast<unsigned char>(h[i]);
      hash *= 1099511628211ull;
    }
    char hex[19];
    std::snprintf(hex, sizeof hex, "0x%016llx", static_cast<unsigned long long>(hash));
    const size_t at = h.find(kHashPlaceholder);
    return h.replace(at, std::strlen(kHashPlaceholder), hex);
  }
  static constexpr const char* kHashPlaceholder = "0xPROGRAM_HASH_TBD";

  std::string member_type(const rt::Field& f) {
    if (f.type == rt::FieldType::String)
      return host() ? "vlac::cg::Str" : "vlac::cg::FixedString<" + std::to_string(f.max_bytes) + ">";
    return cpp_type(f.type);
  }

  std::string row_struct_text(const std::string& name, const std::vector<std::string>& columns, const rt::RowLayout& layout,
                              const std::string& what) {
    std::string s = "  /// " + what + "\n  struct " + name + " {\n";
    for (size_t i = 0; i < columns.size(); ++i) {
      const rt::Field& f = layout.fields[i];
      std::string id = identifier_of(columns[i]);
      s += "    " + member_type(f) + " " + id + "{};" + type_comment(f.type) + "\n";
      if (f.nullable) s += "    bool " + id + "_null = false;  // NULL\n";
    }
    return s + "  };\n";
  }

  std::string row_structs() {
    std::string s = "  // ---- rows ----\n";
    for (const PhysicalSource& src : plan_.sources)
      s += row_struct_text(row_struct(src.stream), src.column_names, src.layout, "A row of source stream " + src.stream + ".");
    for (const PhysicalOutput& out : plan_.outputs) {
      s += row_struct_text(row_struct(out.name), out.column_names, out.layout, "A result row of " + out.name + ".");
      s += "  using " + sink_type(out.name) + " = void (*)(void* user, const " + row_struct(out.name) + "& row);\n";
    }
    s += "  using Stats = vlac::rt::OperatorStats;\n\n";
    return s;
  }

  std::string sink_params() {
    std::string s;
    for (const PhysicalOutput& out : plan_.outputs) s += sink_type(out.name) + " " + identifier_of(out.name) + " = nullptr, ";
    return s + "void* user = nullptr";
  }

  std::string public_api() {
    std::string s = "  // ---- the pipeline ----\n";
    s += "  /// Results go to one sink per output (nullptr: dropped), each called with `user`.\n";
    s += "  explicit " + name_ + "(" + sink_params() + ");\n";
    s += "  " + name_ + "(const " + name_ + "&) = delete;\n  " + name_ + "& operator=(const " + name_ + "&) = delete;\n\n";
    for (size_t i = 0; i < plan_.sources.size(); ++i) {
      const PhysicalSource& src = plan_.sources[i];
      s += "  void push_" + identifier_of(src.stream) + "(const " + row_struct(src.stream) + "& row);\n";
    }
    s += "  /// No event of any source earlier than `w` (ns) will come: windows that ends close.\n";
    s += "  void advance_watermark(int64_t w);\n";
    s += "  /// End of input: every open window fires and every buffered row leaves.\n  void finish();\n\n";
    s += "  static constexpr size_t kOperators = " + std::to_string(plan_.operators.size()) + ";\n";
    s += "  /// Counters of operator i (rows in/out, late and capacity drops), in explain's order.\n";
    s += "  const Stats& operator_stats(size_t i) const;\n\n";
    s += snapshot_api();
    if (host()) {
      s += "  // ---- rows in the runtime's layout (for main.cpp and other drivers) ----\n";
      s += "  static constexpr size_t kSources = " + std::to_string(plan_.sources.size()) + ";\n";
      s += "  /// Whether operator i aggregates per window (--stats: its windows updated).\n";
      std::string cases;
      for (const PhysicalOperator& op : plan_.operators)
        if (op.kind == OperatorKind::WindowAggregate && op.windowed) cases += "      case " + std::to_string(op.id) + ":\n";
      s += cases.empty() ? "  static constexpr bool operator_updates_windows(size_t) { return false; }\n"
                         : "  static constexpr bool operator_updates_windows(size_t i) {\n    switch (i) {\n" + cases +
                               "        return true;\n      default: return false;\n    }\n  }\n";
      s += "  static constexpr size_t kOutputs = " + std::to_string(plan_.outputs.size()) + ";\n";
      s += "  static const char* source_name(size_t i);\n  static const char* output_name(size_t i);\n";
      s += "  static const vlac::rt::RowLayout& source_layout(size_t i);\n";
      s += "  /// Byte offset of source i's event time in its rows; -1 when it has none.\n";
      s += "  static int32_t source_time_offset(size_t i);\n";
      s += "  static std::vector<std::string> source_columns(size_t i);\n";
      s += "  /// Which columns of source i the program reads (the readers skip the others); empty = all.\n";
      s += "  static std::vector<bool> source_read_columns(size_t i);\n";
      s += "  static const vlac::rt::RowLayout& output_layout(size_t i);\n";
      s += "  static std::vector<std::string> output_columns(size_t i);\n";
      s += "  void push_raw(size_t source, const uint8_t* row);\n";
      s += "  using RawSink = void (*)(void* user, const uint8_t* row);\n";
      s += "  /// Replaces output i's typed sink with one that gets rows in the runtime's layout.\n";
      s += "  void set_raw_sink(size_t output, RawSink sink, void* user);\n\n";
    }
    return s;
  }

  std::string snapshot_api() {
    std::string s = "  // ---- snapshots (LANGUAGE.md §10; format: runtime/class_snapshot.h) ----\n";
    s += "  /// Identifies the program and the state layout; a snapshot restores only into its class.\n";
    s += "  static constexpr uint64_t kProgramHash = UINT64_C(" + std::string(kHashPlaceholder) + ");\n";
    s += "  /// Writes the whole state into buf: the bytes written, 0 (nothing usable) when cap is too small";
    s += host() ? " (snapshot_size() tells what it takes).\n" : " (kSnapshotBytes always suffices).\n";
    s += "  size_t snapshot(uint8_t* buf, size_t cap) const;\n";
    s += "  /// The bytes snapshot() writes now" + std::string(host() ? " (the state grows with the keys and rows held)" : " (at most kSnapshotBytes)") +
         ": a dry run, nothing is copied.\n  size_t snapshot_size() const;\n";
    s += "  /// Replaces the state with a snapshot's. False, the state unchanged, for a snapshot of another program or\n"
         "  /// format, a damaged or truncated one; the sinks and `user` stay.\n";
    s += "  bool restore(const uint8_t* buf, size_t n);\n\n";
    return s;
  }

  std::string kernels() {
    KernelWriterOptions options;
    options.ctx_type = ctx_type();
    options.linkage = "static";
    options.declare_first = false;
    options.strings = host() ? StringStorage::Ref : StringStorage::Inline;
    options.count_pipeline_rows = extras_.count_pipeline_rows;
    options.consumer_call = [&](const Consumer& c, const std::string& row) -> std::string {
      switch (c.kind) {
        case ConsumerKind::Pipeline: return pipeline_fn_name(c.index) + "(ctx, " + row + ");";
        case ConsumerKind::Output: return "self(ctx)->deliver_" + std::to_string(c.index) + "(" + row + ");";
        case ConsumerKind::Operator: break;
      }
      std::string call = "self(ctx)->s_." + op_member(c.index) + ".push(";
      if (is_join(plan_.operators[c.index].kind)) call += std::to_string(c.port) + ", ";
      return call + row + ");";
    };
    std::string k = "  // ---- generated pipelines and kernels (docs/runtime-interface.md) ----\n";
    if (host()) {
      k += "  struct HostContext : vlac::rt::ExecContext {\n    " + name_ + "* self;\n  };\n";
      k += "  static " + name_ + "* self(vlac::rt::ExecContext* ctx) { return static_cast<HostContext*>(ctx)->self; }\n\n";
    } else {
      k += "  static " + name_ + "* self(" + name_ + "* ctx) { return ctx; }\n\n";
    }
    std::string text = write_kernels(plan_, options);
    // Indent into the class.
    std::string out;
    size_t at = 0;
    while (at < text.size()) {
      size_t nl = text.find('\n', at);
      std::string line = text.substr(at, nl - at);
      out += line.empty() ? "\n" : "  " + line + "\n";
      at = nl == std::string::npos ? text.size() : nl + 1;
    }
    return k + out;
  }

  /// Operators take their kernels as a struct of static functions (inlined).
  std::string kernel_structs() {
    std::string s;
    for (const PhysicalOperator& op : plan_.operators) {
      std::string n = std::to_string(op.id);
      s += "  struct Op" + n + "Kernels {\n";
      auto fwd = [&](const char* kernel, const std::string& ret, const std::string& params, const std::string& args) {
        s += "    static " + ret + " " + kernel + "(" + ctx_type() + "* ctx, " + params + ") { return " + name_ + "::" +
             aggregate_kernel_fn_name(op.id, kernel) + "(ctx, " + args + "); }\n";
      };
      if (op.kind == OperatorKind::WindowAggregate) {
        // Hosted kernels copy kept strings into the operator's arena; firmware rows hold them inline.
        const std::string arena = host() ? "vlac::rt::StringArena* arena" : "vlac::rt::NoArena*";
        const std::string pass = host() ? ", arena" : "";
        fwd("key", "void", "const uint8_t* in, uint8_t* key", "in, key");
        fwd("update", "void", "uint8_t* acc, const uint8_t* in, int64_t time, int64_t seq, " + arena, "acc, in, time, seq" + pass);
        fwd("merge", "void", "uint8_t* acc, const uint8_t* other, " + arena, "acc, other" + pass);
        fwd("finalize", "void", "const uint8_t* key, const uint8_t* acc, int64_t start, int64_t end, uint8_t* out",
            "key, acc, start, end, out");
      } else if (is_join(op.kind)) {
        fwd("left_key", "void", "const uint8_t* row, uint8_t* key", "row, key");
        fwd("right_key", "void", "const uint8_t* row, uint8_t* key", "row, key");
        fwd("combine", "int32_t", "const uint8_t* left, const uint8_t* right, uint8_t* out", "left, right, out");
      } else if (op.kind == OperatorKind::Over) {
        fwd("key", "void", "const uint8_t* row, uint8_t* key", "row, key");
        fwd("args", "void", "const uint8_t* row, uint8_t* args", "row, args");
        fwd("finish", "void", "const uint8_t* row, const uint8_t* results, uint8_t* out", "row, results, out");
      }
      s += "    static void emit(" + ctx_type() + "* ctx, const uint8_t* row) { " + name_ + "::" + operator_emit_fn_name(op.id) +
           "(ctx, row); }\n  };\n";
    }
    return s + "\n";
  }

  std::string sz(uint32_t v) { return std::to_string(v); }

  /// The storage policy of an operator: growing on hosts, fixed by its Dims on firmware.
  std::string storage(const PhysicalOperator& op) {
    return host() ? "vlac::rt::HostedStorage" : "vlac::rt::FixedStorage<Op" + std::to_string(op.id) + "Dims>";
  }

  /// The operator's class: one template for both targets, over its kernels and its storage.
  std::string operator_type(const PhysicalOperator& op) {
    std::string k = "Op" + std::to_string(op.id) + "Kernels";
    if (op.kind == OperatorKind::WindowAggregate)
      return "vlac::rt::WindowAggregate<" + ctx_type() + ", " + k + ", " + storage(op) + ">";
    if (op.kind == OperatorKind::WindowAssign) return "vlac::rt::WindowAssign<" + ctx_type() + ", " + k + ", " + storage(op) + ">";
    // joins
    if (is_join(op.kind)) return std::string("vlac::rt::") + join_class(op.kind) + "<" + ctx_type() + ", " + k + ", " + storage(op) + ">";
    return "vlac::rt::Over<" + ctx_type() + ", " + k + ", " + storage(op) + ">";
  }

  /// Firmware: the compile-time sizes and capacities of each operator's fixed storage.
  std::string dims_structs() {
    std::string s;
    for (const PhysicalOperator& op : plan_.operators) {
      s += "  struct Op" + std::to_string(op.id) + "Dims : vlac::rt::OperatorDims {\n";
      auto dim = [&](const char* name, int64_t v) { s += "    static constexpr size_t " + std::string(name) + " = " + std::to_string(v) + ";\n"; };
      dim("in_size", op.input_layout.size);
      dim("out_size", op.output_layout.size);
      if (op.kind == OperatorKind::WindowAggregate) {
        dim("key_size", op.key_layout.size);
        dim("acc_size", op.acc_layout.size);
        dim("max_keys", fw_max_keys(op));
        dim("max_open_windows", fw_open_windows(op));
        s += "    static constexpr bool session = " + flag(operator_settings(op).mode == rt::WindowMode::Session) + ";\n";
        s += "    static constexpr bool sliced = " + flag(operator_settings(op).slice > 0) + ";\n";
      }
      // joins
      if (is_join(op.kind)) {
        dim("left_size", op.port_layouts[0].size);
        dim("right_size", op.port_layouts[1].size);
        dim("key_size", op.key_layout.size);
        dim("max_keys", fw_max_keys(op));
        dim("max_buffered_rows", fw_max_buffered_rows(op));
      }
      if (op.kind == OperatorKind::Over) {
        dim("key_size", op.key_layout.size);
        dim("args_size", op.args_layout.size);
        dim("results_size", op.results_layout.size);
        dim("calls", static_cast<int64_t>(op.over_calls.size()));
        dim("max_keys", fw_max_keys(op));
        dim("max_buffered_rows", fw_max_buffered_rows(op));
        // Each call's frame keeps only what its function needs (values, MIN/MAX candidates, moments).
        std::string values, extreme, moments;
        for (const rt::OverCallSpec& call : operator_settings(op).calls) {
          const rt::OverFrameSizes z = rt::over_frame_sizes(call, static_cast<uint64_t>(fw_max_buffered_rows(op)));
          const char* sep = values.empty() ? "" : ", ";
          values += sep + std::to_string(z.values);
          extreme += sep + std::to_string(z.extreme);
          moments += sep + std::to_string(z.moments);
        }
        const std::string n = std::to_string(op.over_calls.size());
        s += "    static constexpr size_t frame_values[" + n + "] = {" + values + "}, frame_extreme[" + n + "] = {" + extreme +
             "}, frame_moments[" + n + "] = {" + moments + "};\n";
      }
      s += "  };\n";
    }
    return s;
  }

  std::string state() {
    std::string s = "  // ---- state: everything the pipeline keeps between calls ----\n  struct State {\n";
    s += "    // restore() builds a new one in place (a placement new of its own: no <new> on firmware).\n"
         "    static void* operator new(size_t, void* at) noexcept { return at; }\n";
    if (host()) {
      s += "    explicit State(" + name_ + "* self);\n";
      s += "    HostContext ctx;\n";
    }
    for (const PhysicalOperator& op : plan_.operators) {
      std::string comment = op.source_text.substr(0, op.source_text.find('\n'));
      s += "    " + operator_type(op) + " " + op_member(op.id) + ";  // " + op.display_name + ": " + comment + "\n";
    }
    for (const PhysicalSource& src : plan_.sources) {
      std::string id = identifier_of(src.stream);
      s += "    int64_t " + id + "_max_time = INT64_MIN, " + id + "_watermark = INT64_MIN;  // W = max(time) - " +
           std::to_string(src.watermark_bound_ns) + " ns\n";
    }
    for (const PhysicalOperator& op : plan_.operators)
      s += "    vlac::rt::OperatorWatermarks " + op_member(op.id) + "_wm;  // told and forwarded\n";
    for (size_t i = 0; i < plan_.outputs.size(); ++i) {
      s += "    " + sink_type(plan_.outputs[i].name) + " sink" + std::to_string(i) + " = nullptr;\n";
      if (host()) s += "    RawSink raw_sink" + std::to_string(i) + " = nullptr;\n    void* raw_user" + std::to_string(i) + " = nullptr;\n";
    }
    s += "    void* user = nullptr;\n  };\n  State s_;\n\n";
    return s;
  }

  std::string private_functions() {
    std::string s;
    s += "  void accept(int64_t* max_time, int64_t* watermark, int64_t bound, int64_t time);\n";
    s += "  void propagate();\n";
    s += "  /// Every operator and watermark as the constructor leaves them.\n  void init_state();\n";
    s += "  /// The state of a new object (operators rebuilt in place), the sinks kept.\n  void reset_state();\n";
    s += "  void save_state(vlac::rt::StateWriter& w) const;\n  bool load_state(vlac::rt::StateReader& r);\n";
    for (size_t i = 0; i < plan_.outputs.size(); ++i) s += "  void deliver_" + std::to_string(i) + "(const uint8_t* row);\n";
    s += "\n public:\n";
    s += "  /// The bytes of state this object holds: all the RAM the pipeline needs besides the\n"
         "  /// caller's rows and the stack" +
         std::string(host() ? " (on hosts, operators also grow on the heap)" : "") + ".\n";
    s += "  static constexpr size_t kStateBytes = sizeof(State);\n";
    if (!host()) {
      // The class's own state (two times per source, three watermarks per operator), then each
      // operator's bound (runtime/class_snapshot.h).
      std::string bound = "vlac::rt::kClassSnapshotFrameBytes + " +
                          std::to_string(16 * plan_.sources.size() + 24 * plan_.operators.size());
      for (const PhysicalOperator& op : plan_.operators)
        bound += " +\n      vlac::rt::fixed_operator_snapshot_bound<decltype(State::" + op_member(op.id) + ")>()";
      s += "  /// The most bytes snapshot() writes: a buffer of this size always takes a snapshot.\n";
      s += "  static constexpr size_t kSnapshotBytes = " + bound + ";\n";
    }
    return s;
  }

  // ---- definitions after the class -------------------------------------------------------------

  std::string layout_function(const rt::RowLayout& l) {
    std::string s = "[] {\n    vlac::rt::RowLayout l;\n";
    for (const rt::Field& f : l.fields) s += "    l.fields.push_back(" + field_literal(f) + ");\n";
    s += "    l.null_bytes = " + sz(l.null_bytes) + ";\n    l.size = " + sz(l.size) + ";\n    return l;\n  }()";
    return s;
  }

  std::string out_of_class() {
    std::string s = "\n// ---- definitions ----\n\n";
    s += constructor();
    // push_<stream>
    for (size_t i = 0; i < plan_.sources.size(); ++i) {
      const PhysicalSource& src = plan_.sources[i];
      std::string id = identifier_of(src.stream);
      s += "inline void " + name_ + "::push_" + id + "(const " + row_struct(src.stream) + "& in) {\n";
      s += "  alignas(8) uint8_t row[" + sz(src.layout.size) + "] = {};\n";
      for (size_t c = 0; c < src.column_names.size(); ++c) {
        const rt::Field& f = src.layout.fields[c];
        std::string m = "in." + identifier_of(src.column_names[c]);
        std::string off = sz(f.offset);
        if (f.type == rt::FieldType::String) {
          std::string v = host() ? m : "vlac::cg::Str{" + m + ".data, " + m + ".size}";
          s += "  vlac::cg::store_string(row, " + off + ", " + sz(f.max_bytes) + ", " + v + ");\n";
        } else if (f.type == rt::FieldType::Bool) {
          s += "  vlac::cg::store_bool(row, " + off + ", " + m + ");\n";
        } else {
          s += "  vlac::cg::store<" + cpp_type(f.type) + ">(row, " + off + ", " + m + ");\n";
        }
        if (f.nullable) s += "  vlac::cg::set_null(row, " + sz(f.null_bit) + ", " + m + "_null);\n";
      }
      if (host()) s += "  push_raw(" + std::to_string(i) + ", row);\n}\n\n";
      else s += accept_row(i, "row") + "}\n\n";
    }
    if (host()) {
      s += "inline void " + name_ + "::push_raw(size_t source, const uint8_t* row) {\n  s_.ctx.scratch.reset();\n  switch (source) {\n";
      for (size_t i = 0; i < plan_.sources.size(); ++i) s += "    case " + std::to_string(i) + ": {\n" + accept_row(i, "row", "      ") + "      break;\n    }\n";
      s += "    default: break;\n  }\n}\n\n";
    }
    s += "inline void " + name_ + "::accept(int64_t* max_time, int64_t* watermark, int64_t bound, int64_t time) {\n"
         "  if (time <= *max_time) return;\n  *max_time = time;\n"
         "  int64_t w = vlac::rt::source_watermark(time, bound);\n"
         "  if (w > *watermark) {\n    *watermark = w;\n    propagate();\n  }\n}\n\n";
    s += "inline void " + name_ + "::advance_watermark(int64_t w) {\n";
    for (const PhysicalSource& src : plan_.sources) {
      std::string id = identifier_of(src.stream);
      s += "  if (w > s_." + id + "_watermark) s_." + id + "_watermark = w;\n";
    }
    s += "  propagate();\n}\n\n";
    s += "inline void " + name_ + "::finish() {\n";
    for (const PhysicalSource& src : plan_.sources) s += "  s_." + identifier_of(src.stream) + "_watermark = INT64_MAX;\n";
    s += "  propagate();\n}\n\n";
    s += propagate();
    s += deliver();
    s += "inline const " + name_ + "::Stats& " + name_ + "::operator_stats(size_t i) const {\n  switch (i) {\n";
    for (const PhysicalOperator& op : plan_.operators)
      s += "    case " + std::to_string(op.id) + ": return s_." + op_member(op.id) + ".stats();\n";
    s += "    default: break;\n  }\n  static const Stats none{};\n  return none;\n}\n\n";
    s += snapshot_functions();
    if (host()) s += host_tables();
    return s;
  }

  std::string accept_row(size_t i, const std::string& row, const std::string& indent = "  ") {
    const PhysicalSource& src = plan_.sources[i];
    std::string id = identifier_of(src.stream);
    std::string s = indent + source_entry_fn_name(static_cast<int>(i)) + "(" + (host() ? "&s_.ctx" : "this") + ", " + row + ");\n";
    if (src.time_field >= 0)
      s += indent + "accept(&s_." + id + "_max_time, &s_." + id + "_watermark, " + str(src.watermark_bound_ns) +
           ", vlac::cg::load<int64_t>(" + row + ", " + sz(src.layout.fields[src.time_field].offset) + "));\n";
    return s;
  }

  std::string constructor() {
    std::string s;
    if (host()) {
      s += "inline " + name_ + "::State::State(" + name_ + "* self) : ctx{} {\n  ctx.self = self;\n}\n\n";
      s += "inline " + name_ + "::" + name_ + "(" + sink_params_def() + ") : s_(this) {\n";
    } else {
      s += "inline " + name_ + "::" + name_ + "(" + sink_params_def() + ") {\n";
    }
    s += "  init_state();\n";
    for (size_t i = 0; i < plan_.outputs.size(); ++i) s += "  s_.sink" + std::to_string(i) + " = " + identifier_of(plan_.outputs[i].name) + ";\n";
    s += "  s_.user = user;\n}\n\n";
    s += "inline void " + name_ + "::init_state() {\n";
    // Every operator: its runtime configuration as a literal, the same for both targets.
    for (const PhysicalOperator& op : plan_.operators) {
      if (is_window_operator(op)) s += window_operator_init(op);
      if (is_join(op.kind)) s += join_operator_init(op);
      if (op.kind == OperatorKind::Over) s += over_operator_init(op);
    }
    // Window merging: an aggregate that shares another's slices fires from them.
    for (const PhysicalOperator& op : plan_.operators)
      if (op.reads_slices_of >= 0)
        s += "  s_.op" + std::to_string(op.id) + ".read_slices_of(s_.op" + std::to_string(op.reads_slices_of) + ".slice_store());\n";
    for (const PhysicalSource& src : plan_.sources) {
      std::string id = identifier_of(src.stream);
      s += "  s_." + id + "_max_time = INT64_MIN;\n  s_." + id + "_watermark = INT64_MIN;\n";
    }
    for (const PhysicalOperator& op : plan_.operators) s += "  s_." + op_member(op.id) + "_wm = vlac::rt::OperatorWatermarks{};\n";
    s += "}\n\n";
    return s;
  }

  std::string reset_state() {
    std::string keep, put_back;
    auto kept = [&](const std::string& type, const std::string& field) {
      keep += "  " + type + " const " + field + " = s_." + field + ";\n";
      put_back += "  s_." + field + " = " + field + ";\n";
    };
    for (size_t i = 0; i < plan_.outputs.size(); ++i) {
      const std::string n = std::to_string(i);
      kept(sink_type(plan_.outputs[i].name), "sink" + n);
      if (host()) {
        kept("RawSink", "raw_sink" + n);
        kept("void*", "raw_user" + n);
      }
    }
    kept("void*", "user");
    return "inline void " + name_ + "::reset_state() {\n" + keep + "  s_.~State();\n  new (&s_) State(" + (host() ? "this" : "") +
           ");\n" + put_back + "  init_state();\n}\n\n";
  }

  /// snapshot(), restore() and the payload they frame: the class's own state (each source's
  /// max time and watermark, each operator's watermarks), then each operator's, in id order.
  std::string snapshot_functions() {
    const std::string id = "vlac::rt::ClassSnapshotId{kProgramHash, kStateBytes}";
    std::string save = "inline void " + name_ + "::save_state(vlac::rt::StateWriter& w) const {\n";
    std::string load = "inline bool " + name_ + "::load_state(vlac::rt::StateReader& r) {\n";
    for (const PhysicalSource& src : plan_.sources) {
      std::string m = "s_." + identifier_of(src.stream);
      save += "  w.i64(" + m + "_max_time);\n  w.i64(" + m + "_watermark);\n";
      load += "  " + m + "_max_time = r.i64();\n  " + m + "_watermark = r.i64();\n";
    }
    for (const PhysicalOperator& op : plan_.operators) {
      save += "  vlac::rt::save_watermarks(w, s_." + op_member(op.id) + "_wm);\n";
      load += "  vlac::rt::load_watermarks(r, &s_." + op_member(op.id) + "_wm);\n";
    }
    for (const PhysicalOperator& op : plan_.operators) {
      save += "  s_." + op_member(op.id) + ".save_state(w);\n";
      load += "  if (!s_." + op_member(op.id) + ".load_state(r)) return false;\n";
    }
    save += "}\n\n";
    load += "  return r.ok() && r.at_end();\n}\n\n";
    std::string s = save + load;
    s += "inline size_t " + name_ + "::snapshot(uint8_t* buf, size_t cap) const {\n  return vlac::rt::write_class_snapshot(buf, cap, " +
         id + ", [this](vlac::rt::StateWriter& w) { save_state(w); });\n}\n\n";
    s += "inline size_t " + name_ + "::snapshot_size() const {\n  return vlac::rt::class_snapshot_size([this](vlac::rt::StateWriter& w) { save_state(w); });\n}\n\n";
    s += "inline bool " + name_ + "::restore(const uint8_t* buf, size_t n) {\n"
         "  const uint8_t* payload = nullptr;\n  size_t size = 0;\n"
         "  if (!vlac::rt::open_class_snapshot(buf, n, " + id + ", &payload, &size)) return false;\n"
         "  reset_state();  // operators load into new ones\n"
         "  vlac::rt::StateReader r(payload, size);\n"
         "  if (load_state(r)) return true;\n"
         "  reset_state();  // a checksummed payload that does not parse (forged): a new object's state\n"
         "  return false;\n}\n\n";
    return s + reset_state();
  }

  std::string sink_params_def() {
    std::string s;
    for (const PhysicalOutput& out : plan_.outputs) s += sink_type(out.name) + " " + identifier_of(out.name) + ", ";
    return s + "void* user";
  }


  static std::string over_call(const rt::OverCallSpec& c) {
    return "vlac::rt::OverCallSpec{vlac::rt::OverFunction::" + std::string(over_function_name(c.function)) + ", " + flag(c.rows) +
           ", " + flag(c.unbounded) + ", " + str(c.preceding) + ", " + str(c.lag) + ", " + field_literal(c.arg) + ", " +
           field_literal(c.result) + "}";
  }

  static std::string indent(const std::string& text, const std::string& by) {
    std::string out;
    for (char c : text) {
      out += c;
      if (c == '\n') out += by;
    }
    return out;
  }

  static bool is_window_operator(const PhysicalOperator& op) {
    return op.kind == OperatorKind::WindowAggregate || op.kind == OperatorKind::WindowAssign;
  }

  static std::string u64(uint64_t v) { return v == UINT64_MAX ? "UINT64_MAX" : "UINT64_C(" + std::to_string(v) + ")"; }

  /// `s_.opN.init(ctx, config);` with the configuration every backend derives from the plan
  /// (physical/operator_settings), written as a literal.
  std::string window_operator_init(const PhysicalOperator& op) {
    std::string s = "  {\n";
    auto set = [&](const char* field, const std::string& value) { s += "    c." + std::string(field) + " = " + value + ";\n"; };
    if (op.kind == OperatorKind::WindowAggregate) {
      const rt::WindowAggregateConfig c = window_aggregate_config(op);
      s += "    vlac::rt::WindowAggregateConfig c;\n";
      set("mode", std::string("vlac::rt::WindowMode::") + window_mode_name(c.mode));
      set("size", str(c.size));
      set("slide", str(c.slide));
      set("gap", str(c.gap));
      set("offset", str(c.offset));
      set("slice", str(c.slice));
      set("time_offset", std::to_string(c.time_offset));
      set("global", flag(c.global));
      set("key_size", sz(c.key_size));
      set("acc_size", sz(c.acc_size));
      set("out_size", sz(c.out_size));
      if (host()) {
        s += "    static const vlac::rt::RowLayout key = " + indent(layout_function(op.key_layout), "    ") + ";\n";
        set("key_layout", "&key");
        // Snapshots write the strings of accumulators (MIN/MAX of a STRING) by value.
        s += "    static const vlac::rt::RowLayout acc = " + indent(layout_function(op.acc_layout), "    ") + ";\n";
        set("acc_layout", "&acc");
      }
      set("max_keys", u64(host() ? c.max_keys : static_cast<uint64_t>(fw_max_keys(op))));
      set("max_open_windows", u64(host() ? c.max_open_windows : static_cast<uint64_t>(fw_open_windows(op))));
    } else {
      const rt::WindowAssignConfig c = window_assign_config(op);
      s += "    vlac::rt::WindowAssignConfig c;\n";
      set("mode", std::string("vlac::rt::WindowMode::") + window_mode_name(c.mode));
      set("size", str(c.size));
      set("slide", str(c.slide));
      set("offset", str(c.offset));
      set("time_offset", std::to_string(c.time_offset));
      set("in_size", sz(c.in_size));
      set("out_size", sz(c.out_size));
      set("window_start_offset", sz(c.window_start_offset));
    }
    return s + "    s_." + op_member(op.id) + ".init(" + (host() ? "&s_.ctx" : "this") + ", c);\n  }\n";
  }

  // ---- joins ----

  static const char* join_class(OperatorKind k) {
    return k == OperatorKind::IntervalJoin ? "IntervalJoin" : k == OperatorKind::AsofJoin ? "AsofJoin" : "WindowJoin";
  }

  /// `s_.opN.init(ctx, config);` for a join, with join_config(op) written as a literal.
  std::string join_operator_init(const PhysicalOperator& op) {
    const rt::JoinConfig c = join_config(op);
    std::string s = "  {\n    vlac::rt::JoinConfig c;\n";
    auto set = [&](const char* field, const std::string& value) { s += "    c." + std::string(field) + " = " + value + ";\n"; };
    set("left_time", std::to_string(c.left_time));
    set("right_time", std::to_string(c.right_time));
    set("left_outer", flag(c.left_outer));
    set("lower", str(c.lower));
    set("upper", str(c.upper));
    set("hold_back", str(c.hold_back));
    set("left_window_start", std::to_string(c.left_window_start));
    set("left_window_end", std::to_string(c.left_window_end));
    set("right_window_start", std::to_string(c.right_window_start));
    set("right_window_end", std::to_string(c.right_window_end));
    set("key_size", sz(c.key_size));
    set("out_size", sz(c.out_size));
    set("key_null_bytes", sz(c.key_null_bytes));
    if (host()) {
      const char* names[3] = {"left", "right", "key"};
      const rt::RowLayout* layouts[3] = {c.left_layout, c.right_layout, c.key_layout};
      for (int i = 0; i < 3; ++i) {
        s += "    static const vlac::rt::RowLayout " + std::string(names[i]) + " = " + indent(layout_function(*layouts[i]), "    ") + ";\n";
        set((std::string(names[i]) + "_layout").c_str(), "&" + std::string(names[i]));
      }
    }
    set("max_keys", u64(host() ? c.max_keys : static_cast<uint64_t>(fw_max_keys(op))));
    set("max_buffered_rows", u64(host() ? c.max_buffered_rows : static_cast<uint64_t>(fw_max_buffered_rows(op))));
    set("scan_ratio", std::to_string(c.scan_ratio) + "u");
    set("scan_grace", std::to_string(c.scan_grace) + "u");
    return s + "    s_." + op_member(op.id) + ".init(" + (host() ? "&s_.ctx" : "this") + ", c);\n  }\n";
  }

  /// `s_.opN.init(ctx, config);` for OVER: over_config's values as a literal, with the calls in
  /// an array that init copies.
  std::string over_operator_init(const PhysicalOperator& op) {
    const OperatorSettings st = operator_settings(op);
    const rt::OverConfig c = over_config(op, st.calls);
    std::string s = "  {\n    const vlac::rt::OverCallSpec calls[] = {\n";
    for (const rt::OverCallSpec& call : st.calls) s += "        " + over_call(call) + ",\n";
    s += "    };\n    vlac::rt::OverConfig c;\n";
    auto set = [&](const char* field, const std::string& value) { s += "    c." + std::string(field) + " = " + value + ";\n"; };
    set("time_offset", std::to_string(c.time_offset));
    set("in_size", sz(c.in_size));
    set("key_size", sz(c.key_size));
    set("args_size", sz(c.args_size));
    set("results_size", sz(c.results_size));
    set("out_size", sz(c.out_size));
    if (host()) {
      s += "    static const vlac::rt::RowLayout input = " + indent(layout_function(op.input_layout), "    ") + ";\n";
      s += "    static const vlac::rt::RowLayout key = " + indent(layout_function(op.key_layout), "    ") + ";\n";
      set("input_layout", "&input");
      set("key_layout", "&key");
    }
    set("calls", "calls");
    set("num_calls", sz(c.num_calls));
    set("max_keys", u64(host() ? c.max_keys : static_cast<uint64_t>(fw_max_keys(op))));
    set("max_buffered_rows", u64(host() ? c.max_buffered_rows : static_cast<uint64_t>(fw_max_buffered_rows(op))));
    return s + "    s_." + op_member(op.id) + ".init(" + (host() ? "&s_.ctx" : "this") + ", c);\n  }\n";
  }

  std::string propagate() {
    // LANGUAGE.md §5 through rt::advance_operator (runtime/watermarks.h), as rt::Engine does:
    // operators in topological order, each told the minimum watermark of what feeds each port.
    std::string s = "inline void " + name_ + "::propagate() {\n";
    for (const PhysicalOperator& op : plan_.operators) {
      std::string m = op_member(op.id);
      s += "  {  // " + op.display_name + " #" + std::to_string(op.id) + "\n    const int64_t w[] = {";
      for (size_t p = 0; p < op.port_origins.size(); ++p) {
        std::string w = "INT64_MAX";
        for (const TimeOrigin& t : op.port_origins[p]) {
          std::string origin = t.is_source ? "s_." + identifier_of(plan_.sources[t.index].stream) + "_watermark"
                                           : "s_." + op_member(t.index) + "_wm.out";
          w = w == "INT64_MAX" ? origin : "vlac::rt::min_watermark(" + w + ", " + origin + ")";
        }
        s += (p ? ", " : "") + w;
      }
      s += "};\n    vlac::rt::advance_operator<" + std::to_string(op.port_origins.size()) + ">(s_." + m + ", s_." + m + "_wm, w);\n  }\n";
    }
    return s + "}\n\n";
  }

  std::string deliver() {
    std::string s;
    for (size_t i = 0; i < plan_.outputs.size(); ++i) {
      const PhysicalOutput& out = plan_.outputs[i];
      std::string n = std::to_string(i);
      s += "inline void " + name_ + "::deliver_" + n + "(const uint8_t* row) {\n";
      if (host()) s += "  if (s_.raw_sink" + n + ") {\n    s_.raw_sink" + n + "(s_.raw_user" + n + ", row);\n    return;\n  }\n";
      s += "  if (!s_.sink" + n + ") return;\n  " + row_struct(out.name) + " r;\n";
      for (size_t c = 0; c < out.column_names.size(); ++c) {
        const rt::Field& f = out.layout.fields[c];
        std::string m = "r." + identifier_of(out.column_names[c]);
        std::string off = sz(f.offset);
        if (f.type == rt::FieldType::String) {
          if (host()) s += "  " + m + " = vlac::cg::load_string(row, " + off + ");\n";
          else
            s += "  {\n    vlac::cg::Str v = vlac::cg::load_string(row, " + off + ");\n    " + m + ".size = v.size;\n    if (v.size) __builtin_memcpy(" +
                 m + ".data, v.data, v.size);\n  }\n";
        } else if (f.type == rt::FieldType::Bool) {
          s += "  " + m + " = vlac::cg::load_bool(row, " + off + ");\n";
        } else {
          s += "  " + m + " = vlac::cg::load<" + cpp_type(f.type) + ">(row, " + off + ");\n";
        }
        if (f.nullable) s += "  " + m + "_null = vlac::cg::is_null(row, " + sz(f.null_bit) + ");\n";
      }
      s += "  s_.sink" + n + "(s_.user, r);\n}\n\n";
    }
    return s;
  }

  std::string host_tables() {
    std::string s = "\n";
    auto names = [&](const std::string& fn, auto get) {
      std::string t = "inline const char* " + name_ + "::" + fn + "(size_t i) {\n  static const char* const names[] = {";
      for (size_t i = 0; i < get.size(); ++i) t += cpp_string_literal(get[i]) + ", ";
      return t + "nullptr};\n  return names[i];\n}\n\n";
    };
    std::vector<std::string> sn, on;
    for (const auto& src : plan_.sources) sn.push_back(src.stream);
    for (const auto& out : plan_.outputs) on.push_back(out.name);
    s += names("source_name", sn) + names("output_name", on);
    s += "inline const vlac::rt::RowLayout& " + name_ + "::source_layout(size_t i) {\n  switch (i) {\n";
    for (size_t i = 0; i < plan_.sources.size(); ++i)
      s += "    case " + std::to_string(i) + ": {\n      static const vlac::rt::RowLayout l = " +
           indent(layout_function(plan_.sources[i].layout), "      ") + ";\n      return l;\n    }\n";
    s += "    default: break;\n  }\n  static const vlac::rt::RowLayout none;\n  return none;\n}\n\n";
    s += "inline int32_t " + name_ + "::source_time_offset(size_t i) {\n  switch (i) {\n";
    for (size_t i = 0; i < plan_.sources.size(); ++i) {
      const PhysicalSource& src = plan_.sources[i];
      s += "    case " + std::to_string(i) + ": return " +
           (src.time_field >= 0 ? sz(src.layout.fields[src.time_field].offset) : std::string("-1")) + ";\n";
    }
    s += "    default: return -1;\n  }\n}\n\n";
    s += "inline const vlac::rt::RowLayout& " + name_ + "::output_layout(size_t i) {\n  switch (i) {\n";
    for (size_t i = 0; i < plan_.outputs.size(); ++i)
      s += "    case " + std::to_string(i) + ": {\n      static const vlac::rt::RowLayout l = " +
           indent(layout_function(plan_.outputs[i].layout), "      ") + ";\n      return l;\n    }\n";
    s += "    default: break;\n  }\n  static const vlac::rt::RowLayout none;\n  return none;\n}\n\n";
    auto columns = [&](const std::string& fn, auto lists) {
      std::string t = "inline std::vector<std::string> " + name_ + "::" + fn + "(size_t i) {\n  switch (i) {\n";
      for (size_t i = 0; i < lists.size(); ++i) {
        t += "    case " + std::to_string(i) + ": return {";
        for (const std::string& c : lists[i]) t += cpp_string_literal(c) + ", ";
        t += "};\n";
      }
      return t + "    default: return {};\n  }\n}\n\n";
    };
    std::vector<std::vector<std::string>> sc, oc;
    for (const auto& src : plan_.sources) sc.push_back(src.column_names);
    for (const auto& out : plan_.outputs) oc.push_back(out.column_names);
    s += columns("source_columns", sc) + columns("output_columns", oc);
    s += "inline std::vector<bool> " + name_ + "::source_read_columns(size_t i) {\n  switch (i) {\n";
    for (size_t i = 0; i < plan_.sources.size(); ++i) {
      if (plan_.sources[i].read_columns.empty()) continue;
      s += "    case " + std::to_string(i) + ": return {";
      for (bool read : plan_.sources[i].read_columns) s += read ? "true, " : "false, ";
      s += "};\n";
    }
    s += "    default: return {};\n  }\n}\n\n";
    s += "inline void " + name_ + "::set_raw_sink(size_t output, RawSink sink, void* user) {\n  switch (output) {\n";
    for (size_t i = 0; i < plan_.outputs.size(); ++i)
      s += "    case " + std::to_string(i) + ":\n      s_.raw_sink" + std::to_string(i) + " = sink;\n      s_.raw_user" +
           std::to_string(i) + " = user;\n      break;\n";
    s += "    default: break;\n  }\n}\n";
    return s;
  }

  // ---- main.cpp and CMakeLists.txt ---------------------------------------------------------------

  std::string main_cpp() {
    std::string s = "// A drop-in for `vlac run " + path_ + "`: generated by vlac build --target host.\n";
    s += "#include \"" + stem_ + ".h\"\n#include \"runtime/host_main.h\"\n\n";
    s += "int main(int argc, char** argv) { return vlac::rt::host_main<" + name_ + ">(argc, argv, \"" + stem_ + "\"); }\n";
    return s;
  }

  std::string cmake() {
    std::string s = "# Generated by vlac build (" + path_ + "). " +
                    std::string(host() ? "Builds the drop-in for `vlac run` and the header-only class."
                                       : "The header-only class is the INTERFACE target " + stem_ +
                                             "_pipeline: link your firmware to it. `cmake --build B --target " + stem_ +
                                             "_check` compiles the header alone with its flags.") +
                    "\ncmake_minimum_required(VERSION 3.16)\nproject(" + stem_ + " CXX)\nset(CMAKE_CXX_STANDARD 17)\nset(CMAKE_CXX_STANDARD_REQUIRED ON)\n";
    s += "add_library(" + stem_ + "_pipeline INTERFACE)\ntarget_include_directories(" + stem_ + "_pipeline INTERFACE ${CMAKE_CURRENT_SOURCE_DIR})\n";
    if (host()) {
      s += "file(GLOB VLAC_RUNTIME_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/runtime/*.cpp ${CMAKE_CURRENT_SOURCE_DIR}/runtime/io/*.cpp)\n";
      s += "add_library(vlac_runtime STATIC ${VLAC_RUNTIME_SOURCES})\ntarget_include_directories(vlac_runtime PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})\n";
      s += "# The JSON Lines reader parses with simdjson (Debian: libsimdjson-dev); --threads parses on threads.\n"
           "find_package(simdjson 3.0 REQUIRED CONFIG)\nfind_package(Threads REQUIRED)\n"
           "target_link_libraries(vlac_runtime PUBLIC simdjson::simdjson Threads::Threads)\n";
      s += "target_link_libraries(" + stem_ + "_pipeline INTERFACE vlac_runtime)\n";
      s += "# Same float results as vlac's JIT: no fused multiply-adds.\ntarget_compile_options(" + stem_ +
           "_pipeline INTERFACE -ffp-contract=off)\n";
      s += "add_executable(" + stem_ + " main.cpp)\ntarget_link_libraries(" + stem_ + " PRIVATE " + stem_ + "_pipeline)\n";
    } else {
      s += "target_compile_definitions(" + stem_ + "_pipeline INTERFACE VLAC_FIRMWARE)\n";
      s += "target_compile_options(" + stem_ + "_pipeline INTERFACE -fno-exceptions -fno-rtti -ffp-contract=off)\n";
      s += "# Not built by default: a source file that includes the header and nothing else.\n";
      s += "file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/" + stem_ + "_check.cpp CONTENT \"#include \\\"" + stem_ +
           ".h\\\"\\n\")\n";
      s += "add_library(" + stem_ + "_check OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_BINARY_DIR}/" + stem_ + "_check.cpp)\n";
      s += "target_link_libraries(" + stem_ + "_check PRIVATE " + stem_ + "_pipeline)\n";
    }
    return s;
  }

  const PhysicalPlan& plan_;
  std::string path_, stem_;
  BuildTarget target_;
  FirmwareDefaults defaults_;
  ClassExtras extras_;
  std::string name_;
};

}  // namespace

ProgramClass write_program_class(const PhysicalPlan& plan, const std::string& program_path, const std::string& stem,
                                 BuildTarget target, const FirmwareDefaults& defaults, const ClassExtras& extras) {
  return ClassWriter(plan, program_path, stem, target, defaults, extras).run();
}

}  // namespace vlac::cpp
