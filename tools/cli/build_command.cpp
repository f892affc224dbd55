// `vlac build PROGRAM.vsql -o DIR [--target host|firmware]`: writes the program as a C++17 class
// (codegen/cpp/program_class), the runtime headers it includes, a CMakeLists.txt and, for hosts,
// a main.cpp that runs like `vlac run`. docs/firmware.md.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include "codegen/cpp/firmware_run.h"
#include "codegen/cpp/program_class.h"
#include "codegen/cpp/runtime_files.h"
#include "diag/diagnostics.h"
#include "cli/commands.h"
#include "cli/optimizer_flags.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace vlac {
namespace {

constexpr const char* kBuildHelp = R"(usage: vlac build PROGRAM.vsql -o DIR [--target host|firmware] [--default-capacity NAME=N ...]

Writes the program as self-contained C++17 into DIR: one class per program (PROGRAM.h), the
runtime headers it includes (DIR/runtime/), and a CMakeLists.txt.

  --target host       (default) the class on the hosted runtime, and main.cpp: a drop-in for
                      `vlac run` (cmake -S DIR -B DIR/build && cmake --build DIR/build)
  --target firmware   no heap, no exceptions, no RTTI: fixed capacities from WITH options or
                      the defaults (max_keys 16, max_open_windows 4, max_buffered_rows 64);
                      strings must be STRING(n); prints each operator's capacities and
                      kStateBytes (measured with the system C++ compiler when there is one)
  --default-capacity NAME=N   firmware: the default of one capacity (max_keys, max_open_windows,
                      max_buffered_rows) for the operators whose WITH does not set it; repeatable
  -o, --output DIR    where to write (created if needed)
{optimizer flags}
)";

/// Firmware rows hold strings inline, so every string must have a bound, and nothing may need
/// a scratch buffer (computed strings). Reports each offending expression at its source.
void check_firmware_strings(const LogicalProgram& program, const PhysicalPlan& plan, Diagnostics& diags) {
  std::function<void(const ScalarExpr&)> visit = [&](const ScalarExpr& e) {
    for (const auto& a : e.args) visit(*a);
    if (e.op == ExprOp::Cast && e.type.type.is_float() && e.args[0]->type.type.is_string())
      diags.error(e.range, "the firmware target does not parse floats from strings yet (CAST(string AS FLOAT32/FLOAT64))",
                  "parse the number on the host, or send it as a FLOAT column; integers, BOOL and TIMESTAMP parse on firmware");
    if (!e.type.type.is_string()) return;
    bool computed = e.op == ExprOp::Concat || (e.op == ExprOp::Cast && !e.args[0]->type.type.is_string()) ||
                    (e.op == ExprOp::Call && (e.function == ScalarFunction::Upper || e.function == ScalarFunction::Lower));
    if (computed) {
      diags.error(e.range, "the firmware target does not compute new strings yet (||, UPPER, LOWER, CAST to STRING)",
                  "compute the string on the host, or compare and pass strings through unchanged");
    } else if (e.type.type.max_bytes == 0 && e.op != ExprOp::Literal) {
      diags.error(e.range, "an unbounded STRING cannot be held by firmware",
                  "declare the column as STRING(n), n the most bytes it may hold, or CAST(x AS STRING(n))");
    }
  };
  for (const Pipeline& p : plan.pipelines)
    for (const PipelineStep& step : p.steps) {
      if (step.predicate) visit(*step.predicate);
      for (const auto& e : step.exprs) visit(*e);
    }
  for (const PhysicalOperator& op : plan.operators) {
    for (const auto& k : op.keys) visit(*k);
    for (const AccumulatorSlots& s : op.slots)
      if (s.arg) visit(*s.arg);
    for (const OverCall& c : op.over_calls)
      if (c.arg) visit(*c.arg);
    for (const auto& k : op.join.left_keys) visit(*k);
    for (const auto& k : op.join.right_keys) visit(*k);
    if (op.join.residual) visit(*op.join.residual);
  }
  for (const PhysicalSource& s : plan.sources) {
    const SourceStream* declared = nullptr;  // for the columns' positions
    for (const SourceStream& d : program.sources)
      if (d.name == s.stream) declared = &d;
    for (size_t i = 0; i < s.column_names.size(); ++i)
      if (s.layout.fields[i].type == rt::FieldType::String && s.layout.fields[i].max_bytes == 0)
        diags.error(declared && i < declared->column_ranges.size() ? declared->column_ranges[i] : SourceRange{},
                    "column '" + s.column_names[i] + "' of stream " + s.stream + " is an unbounded STRING, which firmware cannot hold",
                    "declare it as STRING(n), n the most bytes it may hold");
  }
}

/// An operator's name as `vlac run --stats` and explain call it.
const char* operator_kind_name(const PhysicalOperator& op) {
  switch (op.kind) {
    case OperatorKind::WindowAggregate: return op.windowed ? "WindowAggregate" : "GroupAggregate";
    case OperatorKind::WindowAssign: return "WindowAssign";
    case OperatorKind::IntervalJoin: return "IntervalJoin";
    case OperatorKind::AsofJoin: return "AsofJoin";
    case OperatorKind::WindowJoin: return "WindowJoin";
    case OperatorKind::Over: return "Over";
  }
  return "operator";
}

/// What a firmware build chose and what it costs: each operator's capacities (WITH or the
/// default) and kStateBytes, measured by compiling the class with the system compiler (the
/// library `vlac run --backend firmware` loads, so a later run finds it cached).
void report_firmware_build(const Compilation& c, const PhysicalPlan& plan, const cpp::ProgramClass& pc, const std::string& stem,
                           const cpp::FirmwareDefaults& defaults) {
  std::cerr << "vlac: capacities of " << pc.class_name << " (WITH options of its streams, else the firmware defaults):\n";
  for (const PhysicalOperator& op : plan.operators) {
    std::vector<cpp::FirmwareCapacity> caps = cpp::firmware_capacities(op, defaults);
    std::cerr << "  operator #" << op.id << " " << operator_kind_name(op) << ":";
    for (size_t i = 0; i < caps.size(); ++i)
      std::cerr << (i ? ", " : " ") << caps[i].option << " " << caps[i].value << (caps[i].from_with ? " (WITH)" : " (default)");
    if (caps.empty()) std::cerr << " no capacity (holds no rows)";
    std::string text = op.source_text.substr(0, op.source_text.find('\n'));
    std::cerr << (text.empty() ? "" : "   -- " + text) << "\n";
  }
  Diagnostics ignored;  // the firmware lowering has reported on the program
  PhysicalPlan hosted = lower_to_physical(c.program, *c.file, ignored);
  std::string error;
  std::unique_ptr<cpp::FirmwareProgram> program =
      ignored.has_errors() ? nullptr : cpp::FirmwareProgram::build(hosted, plan, stem, defaults, &error);
  if (program) {
    std::cerr << "vlac: " << pc.class_name << "::kStateBytes = " << program->state_bytes() << " as " << cpp::system_compiler()
              << " lays it out on this machine (" << 8 * sizeof(void*) << "-bit); the device's compiler gives the exact figure\n";
  } else {
    std::cerr << "vlac: " << pc.class_name << "::kStateBytes not measured (" << error.substr(0, error.find('\n'))
              << "); it is sizeof(" << pc.class_name << ") wherever the header is compiled\n";
  }
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();  // a full disk may refuse the buffered bytes only here
  if (!out) {
    std::cerr << "vlac: cannot write '" << path.string() << "'\n";
    return false;
  }
  return true;
}

}  // namespace

bool lower_for_firmware(const Compilation& c, PhysicalPlan& plan, bool print_warnings) {
  Diagnostics lowering;
  LoweringOptions options;
  options.inline_strings = true;
  plan = lower_to_physical(c.program, *c.file, lowering, options);
  if (!lowering.has_errors()) check_firmware_strings(c.program, plan, lowering);
  if (print_warnings || lowering.has_errors()) std::cerr << render_report(*c.file, lowering);
  return !lowering.has_errors();
}

bool parse_default_capacity(const std::string& value, cpp::FirmwareDefaults* defaults, std::string* error) {
  size_t eq = value.find('=');
  std::string name = value.substr(0, eq), number = eq == std::string::npos ? "" : value.substr(eq + 1);
  int64_t* field = name == "max_keys" ? &defaults->max_keys
                   : name == "max_open_windows" ? &defaults->max_open_windows
                   : name == "max_buffered_rows" ? &defaults->max_buffered_rows
                                                 : nullptr;
  bool digits = !number.empty() && number.size() <= 9 && number.find_first_not_of("0123456789") == std::string::npos;
  if (!field || !digits || std::stoll(number) < 1) {
    *error = "--default-capacity takes max_keys=N, max_open_windows=N or max_buffered_rows=N (N from 1 to 999999999), not '" +
             value + "'";
    return false;
  }
  *field = std::stoll(number);
  return true;
}

int run_build(const std::vector<std::string>& args) {
  std::string program_path, out_dir, target = "host";
  cpp::FirmwareDefaults defaults;
  FrontendOptions options;
  bool defaults_given = false;
  std::string error;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::cout << with_optimizer_flags(kBuildHelp, 22);
      return kExitOk;
    } else if (FlagParse f = parse_optimizer_flag(args, i, &options, &error); f != FlagParse::NotMine) {
      if (f == FlagParse::Error) return std::cerr << "vlac: " << error << "\n", kExitUsage;
    } else if (a == "-o" || a == "--output") {
      if (!value(&out_dir)) return std::cerr << "vlac: " << a << " needs a directory\n", kExitUsage;
    } else if (a == "--target") {
      if (!value(&target) || (target != "host" && target != "firmware"))
        return std::cerr << "vlac: --target takes host or firmware\n", kExitUsage;
    } else if (a == "--default-capacity") {
      std::string v;
      if (!value(&v) || !parse_default_capacity(v, &defaults, &error))
        return std::cerr << "vlac: " << (error.empty() ? "--default-capacity needs NAME=N" : error) << "\n", kExitUsage;
      defaults_given = true;
    } else if (!a.empty() && a[0] == '-') {
      return std::cerr << "vlac: unknown option '" << a << "'\nRun 'vlac build --help' for the options.\n", kExitUsage;
    } else if (program_path.empty()) {
      program_path = a;
    } else {
      return std::cerr << "vlac: one program at a time ('" << a << "')\n", kExitUsage;
    }
  }
  if (program_path.empty()) return std::cerr << "vlac: build needs a PROGRAM.vsql\n" << with_optimizer_flags(kBuildHelp, 22), kExitUsage;
  if (out_dir.empty()) return std::cerr << "vlac: build needs -o DIR\n", kExitUsage;
  bool firmware = target == "firmware";
  if (defaults_given && !firmware) return std::cerr << "vlac: --default-capacity is for --target firmware\n", kExitUsage;

  std::optional<std::string> text = read_program_file(program_path);
  if (!text) return kExitError;
  Compilation c = compile_program(program_path, std::move(*text), options);
  std::cerr << render_report(*c.file, c.diags);
  if (c.diags.has_errors()) return kExitError;
  PhysicalPlan plan;
  if (firmware) {
    if (!lower_for_firmware(c, plan, true)) return kExitError;
  } else {
    Diagnostics lowering;
    plan = lower_to_physical(c.program, *c.file, lowering);
    std::cerr << render_report(*c.file, lowering);
    if (lowering.has_errors()) return kExitError;
  }

  namespace fs = std::filesystem;
  std::string stem = fs::path(program_path).stem().string();
  cpp::ProgramClass pc = cpp::write_program_class(plan, fs::path(program_path).filename().string(), stem,
                                                  firmware ? cpp::BuildTarget::Firmware : cpp::BuildTarget::Host, defaults);
  fs::path dir = out_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::cerr << "vlac: cannot create '" << out_dir << "': " << ec.message() << "\n", kExitError;
  std::vector<std::string> runtime = firmware ? std::vector<std::string>{"runtime/row_layout.h", "runtime/kernel_support.h", "runtime/value_format.h",
                                                                         "runtime/scalar/",
                                                                         "runtime/ops/window_math.h", "runtime/ops/operator_stats.h", "runtime/ops/late_rows.h",
                                                                         "runtime/ops/state_io.h", "runtime/ops/container_state.h",
                                                                         "runtime/ops/over_spec.h", "runtime/ops/over_frame.h",
                                                                         "runtime/ops/storage.h", "runtime/ops/fixed_containers.h",
                                                                         "runtime/ops/sort.h", "runtime/ops/slice_store.h", "runtime/ops/slice_fifo.h",
                                                                         "runtime/ops/window_aggregate.h",
                                                                         "runtime/watermarks.h",
                                                                         "runtime/ops/join_core.h", "runtime/ops/interval_join.h",
                                                                         "runtime/ops/asof_join.h", "runtime/ops/window_join.h", "runtime/ops/over.h",
                                                                         "runtime/ops/state_checksum.h", "runtime/class_snapshot.h"}
                                              : std::vector<std::string>{"runtime/"};
  if (!cpp::write_embedded_files(dir, runtime, &error)) return std::cerr << "vlac: " << error << "\n", kExitError;
  if (!write_file(dir / pc.header_name, pc.header) || !write_file(dir / "CMakeLists.txt", pc.cmake)) return kExitError;
  if (!pc.main_cpp.empty() && !write_file(dir / "main.cpp", pc.main_cpp)) return kExitError;
  std::cerr << "vlac: wrote " << (dir / pc.header_name).string() << " (class " << pc.class_name << ")"
            << (pc.main_cpp.empty() ? "" : ", main.cpp") << ", CMakeLists.txt and runtime/ for --target " << target << "\n";
  if (firmware) report_firmware_build(c, plan, pc, stem, defaults);
  return kExitOk;
}

}  // namespace vlac
