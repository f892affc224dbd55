#include "codegen/jit/jit_engine.h"

#include "frontend/cache_dir.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/jit/program_codegen.h"
#include "codegen/jit/runtime_functions.h"

#include <unistd.h>

namespace vlac::jit {
namespace {

void initialise_llvm() {
  static bool done = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)done;
}

/// Runs the O2 pipeline of the new pass manager over the module.
void optimise(llvm::Module& m, llvm::TargetMachine* tm) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(m, mam);
}

std::unique_ptr<llvm::TargetMachine> host_target_machine() {
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return nullptr;
  auto tm = jtmb->createTargetMachine();
  if (!tm) return nullptr;
  return std::move(*tm);
}

/// A key for the unoptimised IR: the same IR, LLVM and vlac give the same object code.
std::string object_cache_key(const llvm::Module& m, const llvm::TargetMachine& tm) {
  std::string ir;
  llvm::raw_string_ostream os(ir);
  m.print(os, nullptr);
  os << tm.getTargetTriple().str() << tm.getTargetCPU() << tm.getTargetFeatureString() << LLVM_VERSION_STRING
     << " vlac-object-v1";
  return cache_key(os.str());
}

/// Optimises and compiles the module to an object file in memory.
std::unique_ptr<llvm::MemoryBuffer> compile_to_object(llvm::Module& m, llvm::TargetMachine& tm) {
  optimise(m, &tm);
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) return nullptr;
  pm.run(m);
  return llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(object.data(), object.size()), "vlac_program.o");
}

}  // namespace

std::string emit_llvm_ir(const PhysicalPlan& plan) {
  initialise_llvm();
  llvm::LLVMContext context;
  auto module = generate_module(plan, context);
  auto tm = host_target_machine();
  if (tm) {
    module->setDataLayout(tm->createDataLayout());
    module->setTargetTriple(tm->getTargetTriple().str());
  }
  optimise(*module, tm.get());
  std::string out;
  llvm::raw_string_ostream os(out);
  module->print(os, nullptr);
  return out;
}

struct CompiledProgram::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

CompiledProgram::~CompiledProgram() = default;

void* CompiledProgram::lookup(const std::string& name) {
  auto sym = impl_->jit->lookup(name);
  if (!sym) {
    llvm::consumeError(sym.takeError());
    return nullptr;
  }
  return sym->toPtr<void*>();
}

std::unique_ptr<CompiledProgram> compile(const PhysicalPlan& plan, std::string* error) {
  auto started = std::chrono::steady_clock::now();
  initialise_llvm();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) {
    *error = llvm::toString(jit.takeError());
    return nullptr;
  }
  // Runtime functions and the few C library functions generated code calls, by address.
  llvm::orc::SymbolMap symbols;
  auto& es = (*jit)->getExecutionSession();
  auto add = [&](const char* name, void* address) {
    symbols[es.intern(name)] = {llvm::orc::ExecutorAddr::fromPtr(address), llvm::JITSymbolFlags::Exported};
  };
  for (int i = 0; i < static_cast<int>(RuntimeFn::Count); ++i) add(runtime_fn(static_cast<RuntimeFn>(i)).name, runtime_fn(static_cast<RuntimeFn>(i)).address);
  size_t n = 0;
  const LibcSymbol* libc = libc_symbols(&n);
  for (size_t i = 0; i < n; ++i) add(libc[i].name, libc[i].address);
  if (auto err = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols)))) {
    *error = llvm::toString(std::move(err));
    return nullptr;
  }

  // The object code of a program is cached under its unoptimised IR: a rerun of an unchanged
  // program skips optimisation and code generation, most of the start-up time.
  llvm::LLVMContext context;
  auto module = generate_module(plan, context);
  module->setDataLayout((*jit)->getDataLayout());
  module->setTargetTriple((*jit)->getTargetTriple().str());
  auto tm = host_target_machine();
  if (!tm) {
    *error = "cannot create a target machine for this host";
    return nullptr;
  }
  std::filesystem::path dir = cache_dir();
  std::filesystem::path cached = dir.empty() ? std::filesystem::path() : dir / (object_cache_key(*module, *tm) + ".o");
  std::unique_ptr<llvm::MemoryBuffer> object;
  if (!cached.empty()) {
    if (auto buf = llvm::MemoryBuffer::getFile(cached.string())) object = std::move(*buf);
  }
  if (!object) {
    object = compile_to_object(*module, *tm);
    if (!object) {
      *error = "LLVM cannot emit object code for this host";
      return nullptr;
    }
    if (!cached.empty()) {  // write, then rename: a reader never sees half a file
      std::filesystem::path tmp = cached;
      tmp += ".tmp" + std::to_string(::getpid());
      std::ofstream out(tmp, std::ios::binary);
      out.write(object->getBufferStart(), static_cast<std::streamsize>(object->getBufferSize()));
      out.close();
      std::error_code ec;
      if (out) std::filesystem::rename(tmp, cached, ec);
      else std::filesystem::remove(tmp, ec);
    }
  }
  if (auto err = (*jit)->addObjectFile(std::move(object))) {
    *error = llvm::toString(std::move(err));
    return nullptr;
  }
  auto program = std::unique_ptr<CompiledProgram>(new CompiledProgram());
  program->impl_ = std::make_unique<CompiledProgram::Impl>();
  program->impl_->jit = std::move(*jit);
  // Materialise everything now, so that compile time is measured here, not at the first row.
  for (const Pipeline& p : plan.pipelines) program->lookup(pipeline_fn_name(p.id));
  for (size_t s = 0; s < plan.sources.size(); ++s) program->lookup(source_entry_fn_name(static_cast<int>(s)));
  program->compile_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return program;
}

}  // namespace vlac::jit
