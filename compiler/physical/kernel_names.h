#pragma once
// The stable names of the functions every backend generates for a physical plan
// (docs/runtime-interface.md): the executor looks them up by these names, whichever backend
// compiled them, and `vlac emit-llvm` output stays deterministic.

#include <string>

namespace vlac {

inline std::string pipeline_fn_name(int p) { return "vlac_pipeline_" + std::to_string(p); }
inline std::string source_entry_fn_name(int s) { return "vlac_source_" + std::to_string(s); }
inline std::string operator_emit_fn_name(int op) { return "vlac_operator_" + std::to_string(op) + "_emit"; }
/// An operator's kernel: "key", "update", "merge", "finalize", "left_key", "right_key",
/// "combine", "args", "finish".
inline std::string aggregate_kernel_fn_name(int op, const char* kernel) {
  return "vlac_operator_" + std::to_string(op) + "_" + kernel;
}

}  // namespace vlac
