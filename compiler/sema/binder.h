#pragma once
// The binder: resolves names, checks types and time, and lowers a parsed program to its
// logical plan (LANGUAGE.md §2-§6). Every independent error is reported, not just the first.

#include "ast/ast.h"
#include "diag/diagnostics.h"
#include "plan/logical_plan.h"

namespace vlac {

LogicalProgram bind_program(const ast::Program& program, const SourceFile& file, Diagnostics& diags);

}  // namespace vlac
