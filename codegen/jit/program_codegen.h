#pragma once
// Generates one LLVM module for a physical plan: a function per pipeline, an entry function per
// source stream, an emit function per operator, and the kernels of each aggregate operator.
// Function names are stable (docs/runtime-interface.md), so `vlac emit-llvm` output is
// deterministic and the JIT can look each one up.

#include <memory>
#include <string>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "physical/kernel_names.h"
#include "physical/physical_plan.h"

namespace vlac::jit {

using vlac::aggregate_kernel_fn_name;
using vlac::operator_emit_fn_name;
using vlac::pipeline_fn_name;
using vlac::source_entry_fn_name;

std::unique_ptr<llvm::Module> generate_module(const PhysicalPlan& plan, llvm::LLVMContext& context);

}  // namespace vlac::jit
