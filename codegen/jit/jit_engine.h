#pragma once
// Compiles a physical plan to native code with LLVM ORC (LLJIT): generates the module,
// optimises it with the new pass manager (O2), and resolves the generated functions. The
// runtime functions generated code calls are made visible with absoluteSymbols.

#include <memory>
#include <string>

#include "physical/compiled_code.h"
#include "physical/physical_plan.h"

namespace vlac::jit {

/// The optimised IR of a plan, as `vlac emit-llvm` prints it.
std::string emit_llvm_ir(const PhysicalPlan& plan);

class CompiledProgram final : public CompiledCode {
 public:
  ~CompiledProgram() override;
  /// The address of a generated function (see physical/kernel_names.h for the names).
  void* lookup(const std::string& name) override;
  double compile_ms() const override { return compile_ms_; }
  const char* backend_name() const override { return "JIT"; }

 private:
  friend std::unique_ptr<CompiledProgram> compile(const PhysicalPlan& plan, std::string* error);
 public:
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  double compile_ms_ = 0;
};

std::unique_ptr<CompiledProgram> compile(const PhysicalPlan& plan, std::string* error);

}  // namespace vlac::jit
