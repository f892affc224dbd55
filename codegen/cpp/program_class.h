#pragma once
// `vlac build`: one C++ class per program (LANGUAGE.md §9). A row struct per stream,
// `push_<stream>(const Row&)` per source, `advance_watermark(w)`, `finish()`, a plain callback
// sink per output and `kStateBytes`. The class holds the runtime operators as members and calls
// the kernels of codegen/cpp/kernel_writer, the same ones `vlac run --backend cpp` uses:
//
//   host      the hosted runtime operators (runtime/ops), unbounded unless WITH says otherwise;
//   firmware  the fixed-capacity, header-only operators (runtime/firmware): no heap, no
//             exceptions, no RTTI, no virtual calls; STRING(n) values inline in rows.

#include <string>
#include <vector>

#include "physical/physical_plan.h"

namespace vlac::cpp {

enum class BuildTarget { Host, Firmware };

/// Firmware capacities when a program's WITH options give none (docs/firmware.md).
struct FirmwareDefaults {
  int64_t max_keys = 16;
  int64_t max_open_windows = 4;  // raised to what one event's HOP/CUMULATE windows need
  int64_t max_buffered_rows = 64;
};

/// One capacity of a firmware operator as the generated class sizes it.
struct FirmwareCapacity {
  const char* option;  // "max_keys", "max_open_windows", "max_buffered_rows"
  int64_t value;
  bool from_with;      // true: the stream's WITH option; false: the default
};

/// The capacities the firmware class gives `op` (WITH, else `defaults`), the ones its operator
/// kind uses: window aggregates max_keys and max_open_windows, joins and OVER max_keys and
/// max_buffered_rows, window assignment none.
std::vector<FirmwareCapacity> firmware_capacities(const PhysicalOperator& op, const FirmwareDefaults& defaults);
int64_t firmware_capacity(const PhysicalOperator& op, const FirmwareDefaults& defaults, const std::string& option);

/// What the generated class carries besides the contract of LANGUAGE.md §9.
struct ClassExtras {
  /// `vlac run --backend firmware --stats`: a public `uint64_t* pipeline_rows` (null: not
  /// counted) that the pipelines with a filter count their rows into, as the executor's do.
  bool count_pipeline_rows = false;
};

struct ProgramClass {
  std::string class_name;   // CamStats
  std::string header_name;  // cam_stats.h
  std::string header;       // the class
  std::string main_cpp;     // host: a drop-in for `vlac run`; empty for firmware
  std::string cmake;        // CMakeLists.txt
};

/// C++ names: a class name from a file stem (cam_stats -> CamStats), an identifier from a
/// column or stream name (invalid characters become '_', a C++ keyword gets a trailing '_').
std::string class_name_of(const std::string& stem);
std::string identifier_of(const std::string& name);
/// The row struct of a stream in the generated class: camera -> CameraRow.
std::string row_struct_name(const std::string& stream);

ProgramClass write_program_class(const PhysicalPlan& plan, const std::string& program_path, const std::string& stem,
                                 BuildTarget target, const FirmwareDefaults& defaults = {},
                                 const ClassExtras& extras = {});

}  // namespace vlac::cpp
