#pragma once
// `vlac run --backend firmware` (LANGUAGE.md §8): the firmware class of a program (the one
// `vlac build --target firmware` writes, codegen/cpp/program_class), compiled for this machine
// into a shared library (codegen/cpp/shared_library: the system compiler, cached) with a few C
// functions around it. They take rows in the hosted layout the readers produce, fill the
// class's row structs, and hand its results back in the hosted layout the writers take, so
// `vlac run` reads, writes and reports exactly as with the other backends while the rows go
// through the device's code: the same fixed capacities, the same drops.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codegen/cpp/program_class.h"
#include "codegen/cpp/shared_library.h"
#include "physical/compiled_code.h"
#include "physical/physical_plan.h"
#include "runtime/ops/operator_stats.h"

namespace vlac::cpp {

/// The C++ source of the library: the firmware class of `firmware` (lowered with inline
/// strings) and the C functions that convert between it and the rows of `hosted` (the same
/// program lowered for the hosted runtime). "" with a message when the two do not match.
std::string firmware_run_source(const PhysicalPlan& hosted, const PhysicalPlan& firmware, const std::string& stem,
                                const FirmwareDefaults& defaults, std::string* error);

/// A compiled firmware class. One instance of the pipeline at a time (create, push, finish).
class FirmwareProgram final : public CompiledCode {
 public:
  using WriteFn = void (*)(void* writer, const uint8_t* row);

  /// Compiles (or takes from the cache) and loads the library; nullptr with a message.
  static std::unique_ptr<FirmwareProgram> build(const PhysicalPlan& hosted, const PhysicalPlan& firmware, const std::string& stem,
                                                const FirmwareDefaults& defaults, std::string* error);
  ~FirmwareProgram() override;

  /// A new pipeline: output o's rows go to write(writers[o], row) in the hosted layout;
  /// `pipeline_rows` (null: not counted) as rt::ExecContext::pipeline_rows.
  void start(WriteFn write, void* const* writers, uint64_t* pipeline_rows);
  /// A row of source `source`, in the hosted layout.
  void push(int source, const uint8_t* row) { push_(pipeline_, source, row); }
  void finish() { finish_(pipeline_); }
  rt::OperatorStats operator_stats(size_t i) const;
  /// The class's kStateBytes, as this machine's compiler lays it out.
  uint64_t state_bytes() const { return state_bytes_(); }
  /// The pipeline's whole state (the class's snapshot(), LANGUAGE.md §10: versioned, with the
  /// program's hash and a CRC-32C); empty before start() or if the class's bound was too small.
  std::vector<uint8_t> snapshot() const;
  /// Replaces the started pipeline's state with a snapshot() of the same program (sinks and
  /// pipeline_rows stay). False, the state unchanged, for another program's, a damaged or a
  /// truncated snapshot, or before start().
  bool restore(const uint8_t* data, size_t size);

  void* lookup(const std::string& name) override { return library_->lookup(name); }
  double compile_ms() const override { return library_->compile_ms(); }
  const char* backend_name() const override { return "firmware"; }

 private:
  explicit FirmwareProgram(std::unique_ptr<GeneratedLibrary> library) : library_(std::move(library)) {}

  std::unique_ptr<GeneratedLibrary> library_;
  void* pipeline_ = nullptr;
  void* (*create_)(WriteFn, void* const*, uint64_t*) = nullptr;
  void (*push_)(void*, int32_t, const uint8_t*) = nullptr;
  void (*finish_)(void*) = nullptr;
  void (*stats_)(const void*, uint64_t, uint64_t*) = nullptr;
  void (*destroy_)(void*) = nullptr;
  uint64_t (*state_bytes_)() = nullptr;
  uint64_t (*snapshot_bytes_)() = nullptr;
  uint64_t (*snapshot_)(const void*, uint8_t*, uint64_t) = nullptr;
  int32_t (*restore_)(void*, const uint8_t*, uint64_t) = nullptr;
};

}  // namespace vlac::cpp
