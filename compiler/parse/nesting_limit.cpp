#include "parse/nesting_limit.h"

#include <algorithm>

#include "VlacLexer.h"

namespace vlac {
namespace {

using L = vlac_antlr::VlacLexer;

/// Operators that make one more level of tree around their operands.
bool is_operator(size_t t) {
  switch (t) {
    case L::PLUS: case L::MINUS: case L::STAR: case L::SLASH: case L::PERCENT: case L::CONCAT:
    case L::EQ: case L::NEQ: case L::LT: case L::LTE: case L::GT: case L::GTE:
    case L::AND: case L::OR: case L::NOT: case L::LIKE: case L::BETWEEN: case L::IN: case L::IS:
      return true;
    default:
      return false;
  }
}

/// Tokens that end one expression and start another at the same level (list items, clauses).
bool is_separator(size_t t) {
  switch (t) {
    case L::COMMA: case L::WHEN: case L::THEN: case L::ELSE: case L::SELECT: case L::FROM: case L::WHERE:
    case L::GROUP: case L::HAVING: case L::ON: case L::JOIN: case L::UNION: case L::ORDER: case L::PARTITION:
      return true;
    default:
      return false;
  }
}

/// An open '(' or CASE, or the statement itself.
struct Group {
  size_t open = 0;
  bool is_case = false;
  int ops = 0;           // operators of the current expression so far
  int deepest_child = 0; // the deepest group closed within the current expression
  int deepest = 0;       // the deepest expression of the group so far (ops + its deepest child)
  bool chain = false;    // whether that expression is deep mostly by its own operators

  void end_expression() {
    if (ops + deepest_child > deepest) {
      deepest = ops + deepest_child;
      chain = ops > deepest_child;
    }
    ops = deepest_child = 0;
  }
};

}  // namespace

std::optional<NestingProblem> find_too_deep_nesting(const std::vector<size_t>& types) {
  std::vector<Group> open(1);
  int running = 1;  // sum over the open groups of 1 + their operators so far
  for (size_t i = 0; i < types.size(); ++i) {
    const size_t t = types[i];
    Group& top = open.back();
    if (t == L::LPAREN || t == L::CASE) {
      Group g;
      g.open = i;
      g.is_case = t == L::CASE;
      open.push_back(g);
      if (++running > kMaxNestingDepth) return NestingProblem{i, false};
    } else if ((t == L::RPAREN || t == L::END) && open.size() > 1) {
      // Close the nearest matching group (and any unclosed ones inside it: a syntax error the
      // parser reports).
      const bool want_case = t == L::END;
      auto match = std::find_if(open.rbegin(), open.rend() - 1, [&](const Group& g) { return g.is_case == want_case; });
      if (match == open.rend() - 1) continue;
      while (true) {
        Group g = open.back();
        open.pop_back();
        running -= 1 + g.ops;
        g.end_expression();
        const int depth = 1 + g.deepest;
        Group& parent = open.back();
        parent.deepest_child = std::max(parent.deepest_child, depth);
        // The group's whole subtree, below everything open around it.
        if (running + depth > kMaxNestingDepth) return NestingProblem{g.open, g.chain};
        if (g.is_case == want_case) break;
      }
    } else if (is_operator(t)) {
      ++top.ops;
      if (++running > kMaxNestingDepth) return NestingProblem{i, top.ops * 2 > running};
    } else if (is_separator(t)) {
      running -= top.ops;
      top.end_expression();
    }
  }
  return std::nullopt;
}

}  // namespace vlac
