// libFuzzer target: any bytes as a program through the front and middle end (parse, bind,
// plan, optimise) and the diagnostic renderer. Built by tests/fuzz/run_fuzz.sh with clang,
// ASan and UBSan; crashers are kept in tests/fuzz/regressions/ and replayed by vlac_tests.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "frontend/frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  vlac::Compilation c = vlac::compile_program("fuzz.vsql", text);
  for (const vlac::Diagnostic& d : c.diags.all())
    if (d.range.begin > text.size() || d.range.end < d.range.begin || d.message.empty()) std::abort();
  const std::string report = vlac::render_report(*c.file, c.diags);
  if (c.diags.has_errors() && report.find(": error: ") == std::string::npos) std::abort();
  return 0;
}
