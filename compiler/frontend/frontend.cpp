#include "frontend/frontend.h"

#include "parse/parser.h"
#include "sema/binder.h"

namespace vlac {

Compilation compile_program(std::string name, std::string text, const FrontendOptions& options) {
  Compilation c;
  c.file = std::make_unique<SourceFile>(std::move(name), std::move(text));
  ast::Program ast = parse_program(*c.file, c.diags);
  c.program = bind_program(ast, *c.file, c.diags);
  if (c.diags.has_errors()) return c;
  verify_plan(c.program, "binding");
  if (options.optimize) c.optimizer_report = optimize(c.program, options.optimizer);
  return c;
}

}  // namespace vlac
