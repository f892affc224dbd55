#pragma once
// `vlac run --backend cpp`: writes a plan's functions as C++ (codegen/cpp/kernel_writer), builds
// them into a shared library with the system C++ compiler, and loads it. The library's
// functions have the names and signatures the JIT's have, so the executor runs both on the same
// runtime operators. Libraries are cached by a hash of their source and the compiler command.

#include <memory>
#include <string>

#include "physical/compiled_code.h"
#include "physical/physical_plan.h"

namespace vlac::cpp {

/// The complete C++ source of the shared library of `plan`.
std::string shared_library_source(const PhysicalPlan& plan);

/// Compiles (or takes from the cache) and loads the shared library of `plan`. The compiler is
/// $CXX, else c++. nullptr with a message when the compiler fails or cannot be found.
std::unique_ptr<CompiledCode> compile_shared_library(const PhysicalPlan& plan, std::string* error);

}  // namespace vlac::cpp
