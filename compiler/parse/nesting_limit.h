#pragma once
// How deeply a statement's expressions and queries may nest (docs/reference.md §7.1). Checked
// on the tokens before ANTLR parses them, so that no recursive pass (the parser, the AST
// builder, the binder, the optimizer, the code generators, explain) ever meets a tree deeper
// than its stack allows.

#include <cstddef>
#include <optional>
#include <vector>

namespace vlac {

/// The deepest a statement may nest. Every '(' (a parenthesised expression, function call,
/// CAST, subquery), CASE and unary operator is one level, and so is each operator of a chain
/// of binary operators (`a + b + c` is two levels: the tree of a chain is as deep as it is
/// long), as SQLite counts its expression depth.
constexpr int kMaxNestingDepth = 256;

struct NestingProblem {
  size_t token = 0;  // index (into the statement's tokens) of the token that goes too deep
  bool chain = false;  // a long chain of binary operators rather than nesting
};

/// The first place where the statement whose token types are `types` (default channel, in
/// order) nests deeper than kMaxNestingDepth; nullopt when it does not. The count is an upper
/// bound of the depth of the statement's tree; it never needs more than O(nesting) memory
/// and does not recurse.
std::optional<NestingProblem> find_too_deep_nesting(const std::vector<size_t>& types);

}  // namespace vlac
