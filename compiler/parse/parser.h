#pragma once
// Turns program text into vlac's AST. This folder is the only code that includes ANTLR headers.
// The parser does no semantic checks beyond spelling (type names, interval units, window
// function names): name resolution and typing are the binder's.

#include "ast/ast.h"
#include "diag/diagnostics.h"

namespace vlac {

/// Parses a whole program. Statements with syntax errors are reported and left out, so that the
/// binder can still check the rest (the streams they declare are listed in broken_streams);
/// every other statement is returned in order. A statement missing its ';' before a CREATE or
/// SELECT that opens a line is reported as such and kept, and the next one is parsed normally.
ast::Program parse_program(const SourceFile& file, Diagnostics& diags);

}  // namespace vlac
