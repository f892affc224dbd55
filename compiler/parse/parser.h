#pragma once
// Turns program text into vlac's AST. This folder is the only code that includes ANTLR headers.
// The parser does no semantic checks beyond spelling (type names, interval units, window
// function names): name resolution and typing are the binder's.

#include "ast/ast.h"
#include "diag/diagnostics.h"

namespace vlac {

/// Parses a whole program. Statements with syntax errors are reported and left out, so that the
/// binder can still check the rest; every other statement is returned in order.
ast::Program parse_program(const SourceFile& file, Diagnostics& diags);

}  // namespace vlac
