// `vlac build PROGRAM.vsql -o DIR [--target host|firmware]`: writes the program as a C++17 class
// (codegen/cpp/program_class), the runtime headers it includes, a CMakeLists.txt and, for hosts,
// a main.cpp that runs like `vlac run`. docs/firmware.md.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include "codegen/cpp/program_class.h"
#include "codegen/cpp/runtime_files.h"
#include "diag/diagnostics.h"
#include "cli/commands.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace vlac {
namespace {

constexpr const char* kBuildHelp = R"(usage: vlac build PROGRAM.vsql -o DIR [--target host|firmware]

Writes the program as self-contained C++17 into DIR: one class per program (PROGRAM.h), the
runtime headers it includes (DIR/runtime/), and a CMakeLists.txt.

  --target host       (default) the class on the hosted runtime, and main.cpp: a drop-in for
                      `vlac run` (cmake -S DIR -B DIR/build && cmake --build DIR/build)
  --target firmware   no heap, no exceptions, no RTTI: fixed capacities from WITH options or
                      the defaults (max_keys 16, max_open_windows 4, max_buffered_rows 64);
                      strings must be STRING(n)
  -o, --output DIR    where to write (created if needed)
)";

/// Firmware rows hold strings inline, so every string must have a bound, and nothing may need
/// a scratch buffer (computed strings). Reports each offending expression at its source.
void check_firmware_strings(const PhysicalPlan& plan, Diagnostics& diags) {
  std::function<void(const ScalarExpr&)> visit = [&](const ScalarExpr& e) {
    for (const auto& a : e.args) visit(*a);
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
    if (op.kind != OperatorKind::WindowAggregate) continue;
    for (const auto& k : op.keys) visit(*k);
    for (const AccumulatorSlots& s : op.slots)
      if (s.arg) visit(*s.arg);
  }
  for (const PhysicalSource& s : plan.sources)
    for (size_t i = 0; i < s.column_names.size(); ++i)
      if (s.layout.fields[i].type == rt::FieldType::String && s.layout.fields[i].max_bytes == 0)
        diags.error({}, "column '" + s.column_names[i] + "' of stream " + s.stream + " is an unbounded STRING, which firmware cannot hold",
                    "declare it as STRING(n), n the most bytes it may hold");
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

int run_build(const std::vector<std::string>& args) {
  std::string program_path, out_dir, target = "host";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::cout << kBuildHelp;
      return kExitOk;
    } else if (a == "-o" || a == "--output") {
      if (!value(&out_dir)) return std::cerr << "vlac: " << a << " needs a directory\n", kExitUsage;
    } else if (a == "--target") {
      if (!value(&target) || (target != "host" && target != "firmware"))
        return std::cerr << "vlac: --target takes host or firmware\n", kExitUsage;
    } else if (!a.empty() && a[0] == '-') {
      return std::cerr << "vlac: unknown option '" << a << "'\nRun 'vlac build --help' for the options.\n", kExitUsage;
    } else if (program_path.empty()) {
      program_path = a;
    } else {
      return std::cerr << "vlac: one program at a time ('" << a << "')\n", kExitUsage;
    }
  }
  if (program_path.empty()) return std::cerr << "vlac: build needs a PROGRAM.vsql\n" << kBuildHelp, kExitUsage;
  if (out_dir.empty()) return std::cerr << "vlac: build needs -o DIR\n", kExitUsage;
  bool firmware = target == "firmware";

  std::optional<std::string> text = read_program_file(program_path);
  if (!text) return kExitError;
  Compilation c = compile_program(program_path, std::move(*text));
  std::cerr << render_report(*c.file, c.diags);
  if (c.diags.has_errors()) return kExitError;
  Diagnostics lowering;
  LoweringOptions options;
  options.inline_strings = firmware;
  PhysicalPlan plan = lower_to_physical(c.program, *c.file, lowering, options);
  if (firmware && !lowering.has_errors()) check_firmware_strings(plan, lowering);
  std::cerr << render_report(*c.file, lowering);
  if (lowering.has_errors()) return kExitError;

  namespace fs = std::filesystem;
  std::string stem = fs::path(program_path).stem().string();
  cpp::ProgramClass pc = cpp::write_program_class(plan, fs::path(program_path).filename().string(), stem,
                                                  firmware ? cpp::BuildTarget::Firmware : cpp::BuildTarget::Host);
  fs::path dir = out_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::cerr << "vlac: cannot create '" << out_dir << "': " << ec.message() << "\n", kExitError;
  std::string error;
  std::vector<std::string> runtime = firmware ? std::vector<std::string>{"runtime/row_layout.h", "runtime/kernel_support.h",
                                                                         "runtime/scalar/", "runtime/firmware/",
                                                                         "runtime/ops/window_math.h", "runtime/ops/operator_stats.h",
                                                                         "runtime/ops/over_spec.h", "runtime/ops/over_frame.h",
                                                                         "runtime/ops/storage.h", "runtime/ops/fixed_containers.h",
                                                                         "runtime/ops/sort.h", "runtime/ops/window_aggregate.h",
                                                                         "runtime/ops/over.h"}
                                              : std::vector<std::string>{"runtime/"};
  if (!cpp::write_embedded_files(dir, runtime, &error)) return std::cerr << "vlac: " << error << "\n", kExitError;
  if (!write_file(dir / pc.header_name, pc.header) || !write_file(dir / "CMakeLists.txt", pc.cmake)) return kExitError;
  if (!pc.main_cpp.empty() && !write_file(dir / "main.cpp", pc.main_cpp)) return kExitError;
  std::cerr << "vlac: wrote " << (dir / pc.header_name).string() << " (class " << pc.class_name << ")"
            << (pc.main_cpp.empty() ? "" : ", main.cpp") << ", CMakeLists.txt and runtime/ for --target " << target << "\n";
  return kExitOk;
}

}  // namespace vlac
