#pragma once
// A program compiled by one of the backends (the LLVM JIT, or the C++ backend through the
// system compiler): the addresses of its generated functions, by their stable names
// (physical/kernel_names.h). The executor needs nothing else, so both backends run on the same
// runtime operators.

#include <string>

namespace vlac {

class CompiledCode {
 public:
  virtual ~CompiledCode() = default;
  /// The address of a generated function; nullptr when there is none of that name.
  virtual void* lookup(const std::string& name) = 0;
  /// How long compiling took (0 when it came from a cache).
  virtual double compile_ms() const = 0;
  /// For messages and --stats: "JIT" or "C++".
  virtual const char* backend_name() const = 0;
};

}  // namespace vlac
