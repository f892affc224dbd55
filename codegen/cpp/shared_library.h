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

/// A shared library of generated C++, built by the system compiler ($CXX, else c++) and loaded.
class GeneratedLibrary {
 public:
  GeneratedLibrary(void* handle, double ms) : handle_(handle), ms_(ms) {}
  ~GeneratedLibrary();
  GeneratedLibrary(const GeneratedLibrary&) = delete;
  GeneratedLibrary& operator=(const GeneratedLibrary&) = delete;
  void* lookup(const std::string& name) const;
  /// How long building took (0 when it came from the cache).
  double compile_ms() const { return ms_; }

 private:
  void* handle_;
  double ms_;
};

/// Builds `source` (which may include any runtime header) into a shared library with the
/// backend's flags plus `extra_flags`, or takes it from the cache ($VLAC_CACHE_DIR/cpp/, under
/// a hash of the source, the compiler command and the runtime headers), and loads it. nullptr
/// with a message when no compiler is found, it fails, or the library does not load.
std::unique_ptr<GeneratedLibrary> load_generated_library(const std::string& source, const std::string& extra_flags,
                                                         std::string* error);

/// The system C++ compiler: $CXX, else c++.
std::string system_compiler();

/// The complete C++ source of the shared library of `plan`.
std::string shared_library_source(const PhysicalPlan& plan);

/// Compiles (or takes from the cache) and loads the shared library of `plan`. The compiler is
/// $CXX, else c++. nullptr with a message when the compiler fails or cannot be found.
std::unique_ptr<CompiledCode> compile_shared_library(const PhysicalPlan& plan, std::string* error);

}  // namespace vlac::cpp
