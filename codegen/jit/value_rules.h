#pragma once
// The runtime's value rules (runtime/scalar/) as LLVM bitcode, for the JIT: the same inline
// functions the C++ backend's generated code calls, compiled by clang at build time from
// codegen/jit/inline/value_rules.cpp and embedded in vlac (docs/decisions.md, issue 12).
// Generated code declares a rule by name with rule(); link_into() then links in only the rules
// the module calls, internal and always inlined, so O2 leaves no call behind.

#include <memory>

#include <llvm/IR/Module.h>

namespace vlac::jit {

class ValueRules {
 public:
  /// Rules for modules of `context`. The embedded bitcode is read at the first declare(), and
  /// then lazily: only the bodies of the rules linked.
  explicit ValueRules(llvm::LLVMContext& context) : context_(context) {}
  ~ValueRules();

  /// A declaration in `m` of the rule `name` (vlac_rule_...), typed as in the bitcode.
  llvm::FunctionCallee declare(llvm::Module& m, const char* name);
  /// Links the rules `m` declares into it (once, at the end of code generation).
  void link_into(llvm::Module& m);

 private:
  void read();

  llvm::LLVMContext& context_;
  std::unique_ptr<llvm::Module> rules_;
};

}  // namespace vlac::jit
