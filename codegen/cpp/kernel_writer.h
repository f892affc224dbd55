#pragma once
// Writes the C++ functions of a physical plan: an entry function per source stream, a function
// per pipeline, an emit function per operator and each operator's kernels: the C++ backend's
// counterpart of codegen/jit/program_codegen, with the same function names and signatures
// (docs/runtime-interface.md), so the runtime operators cannot tell the backends apart.
//
// Where a row goes next (a consumer call) depends on what the code is built into, so the
// caller says how to write one; everything about values is the same for every target.

#include <functional>
#include <string>

#include "codegen/cpp/cpp_expr.h"
#include "physical/physical_plan.h"

namespace vlac::cpp {

struct KernelWriterOptions {
  /// The type of every function's first argument.
  std::string ctx_type = "vlac::rt::ExecContext";
  /// "extern \"C\"" (a shared library the executor looks functions up in) or "static".
  std::string linkage = "extern \"C\"";
  /// Declare every row function before the definitions (free functions); members of a class
  /// need no declarations.
  bool declare_first = true;
  /// Firmware: strings inline in rows, no string arenas (kernels take no arena argument).
  StringStorage strings = StringStorage::Ref;
  /// Writes the statement that hands `row` to consumer `c`, in a function whose context
  /// argument is named `ctx`.
  std::function<std::string(const Consumer& c, const std::string& row)> consumer_call;
  /// Count rows into and out of each pipeline with a filter (ExecContext::pipeline_rows), for
  /// `vlac run --stats`; the generated classes of `vlac build` do not.
  bool count_pipeline_rows = false;
};

/// The functions, in an order that compiles (declarations first), as C++ source text.
std::string write_kernels(const PhysicalPlan& plan, const KernelWriterOptions& options);

}  // namespace vlac::cpp
