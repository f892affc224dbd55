#pragma once
// Runs a program in-process through the JIT, with CSV text as input and output, for tests.

#include <cstdio>
#include <string>
#include <vector>

#include "codegen/jit/jit_engine.h"
#include "exec/executor.h"
#include "frontend/frontend.h"
#include "physical/physical_plan.h"

namespace vlac::test {

struct RunResult {
  bool compiled = false;
  std::string diagnostics;
  std::vector<std::string> outputs;  // CSV text per output
  std::string messages;              // malformed-row reports
  ExecutionReport report;
};

/// `inputs[s]` is the CSV text of source stream s (in declaration order).
inline RunResult run_program(const std::string& program, const std::vector<std::string>& inputs) {
  RunResult r;
  Compilation c = compile_program("t.vsql", program);
  Diagnostics lowering;
  PhysicalPlan plan;
  if (!c.diags.has_errors()) plan = lower_to_physical(c.program, *c.file, lowering);
  r.diagnostics = render_report(*c.file, c.diags) + render_report(*c.file, lowering);
  if (c.diags.has_errors() || lowering.has_errors()) return r;
  std::string error;
  auto program_code = jit::compile(plan, &error);
  if (!program_code) {
    r.diagnostics += error;
    return r;
  }
  r.compiled = true;
  std::vector<std::vector<InputFile>> in(plan.sources.size());
  std::vector<std::FILE*> opened;
  for (size_t s = 0; s < plan.sources.size() && s < inputs.size(); ++s) {
    std::FILE* f = fmemopen(const_cast<char*>(inputs[s].data()), inputs[s].size(), "r");
    opened.push_back(f);
    in[s].push_back({"in" + std::to_string(s) + ".csv", f});
  }
  std::vector<char*> bufs(plan.outputs.size(), nullptr);
  std::vector<size_t> sizes(plan.outputs.size(), 0);
  std::vector<std::FILE*> outs;
  for (size_t o = 0; o < plan.outputs.size(); ++o) outs.push_back(open_memstream(&bufs[o], &sizes[o]));
  char* msg = nullptr;
  size_t msg_size = 0;
  ExecutionOptions options;
  options.messages = open_memstream(&msg, &msg_size);
  r.report = execute(plan, *program_code, in, outs, options);
  for (size_t o = 0; o < outs.size(); ++o) {
    std::fclose(outs[o]);
    r.outputs.emplace_back(bufs[o], sizes[o]);
    std::free(bufs[o]);
  }
  std::fclose(options.messages);
  r.messages.assign(msg, msg_size);
  std::free(msg);
  for (std::FILE* f : opened) std::fclose(f);
  return r;
}

}  // namespace vlac::test
