#pragma once
// Builds vlac's AST from one statement's ANTLR parse tree (used only by parser.cpp).

#include "VlacParser.h"
#include "ast/ast.h"
#include "diag/diagnostics.h"

namespace vlac {

class AstBuilder {
 public:
  /// `byte_offset` maps ANTLR's code-point indexes to byte offsets in the source.
  AstBuilder(Diagnostics& diags, const std::vector<uint32_t>& byte_offset)
      : diags_(diags), byte_offset_(byte_offset) {}

  ast::Statement statement(vlac_antlr::VlacParser::StatementContext* ctx);

 private:
  using P = vlac_antlr::VlacParser;

  SourceRange range(antlr4::ParserRuleContext* ctx) const;
  SourceRange range(antlr4::Token* token) const;
  SourceRange range(antlr4::tree::TerminalNode* node) const { return range(node->getSymbol()); }

  ast::Identifier identifier(P::IdentifierContext* ctx);
  ast::TypeSpec type_spec(P::TypeNameContext* ctx);
  ast::WithOption with_option(P::WithOptionContext* ctx);

  ast::QueryPtr query(P::QueryContext* ctx);
  void append_selects(P::QueryPrimaryContext* ctx, ast::Query& out);
  std::unique_ptr<ast::Select> select(P::SelectContext* ctx);
  ast::RelationPtr relation(P::RelationContext* ctx);
  std::unique_ptr<ast::WindowCall> window_call(P::WindowFunctionContext* ctx);

  ast::ExprPtr expr(P::ExpressionContext* ctx);
  ast::ExprPtr boolean(P::BooleanExpressionContext* ctx);
  ast::ExprPtr predicate(ast::ExprPtr value, P::PredicateContext* ctx, SourceRange whole);
  ast::ExprPtr value(P::ValueExpressionContext* ctx);
  ast::ExprPtr primary(P::PrimaryExpressionContext* ctx);
  ast::ExprPtr literal(P::LiteralContext* ctx);
  ast::ExprPtr duration(P::DurationLiteralContext* ctx);
  std::unique_ptr<ast::OverClause> over(P::OverClauseContext* ctx);

  Diagnostics& diags_;
  const std::vector<uint32_t>& byte_offset_;
};

}  // namespace vlac
