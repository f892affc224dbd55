#include "parse/ast_builder.h"

#include <cctype>

#include "parse/durations.h"

namespace vlac {

using namespace vlac::ast;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Removes the quotes of 'text' or "name" and undoubles the inner quotes.
std::string unquote(const std::string& raw) {
  if (raw.size() < 2) return raw;
  char q = raw.front();
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    out += raw[i];
    if (raw[i] == q && i + 2 < raw.size() && raw[i + 1] == q) ++i;
  }
  return out;
}

template <typename T>
std::unique_ptr<T> make(SourceRange r) {
  auto node = std::make_unique<T>();
  node->range = r;
  return node;
}

}  // namespace

SourceRange AstBuilder::range(antlr4::Token* token) const {
  auto at = [&](size_t i) {
    return i < byte_offset_.size() ? byte_offset_[i] : byte_offset_.empty() ? 0 : byte_offset_.back();
  };
  size_t start = token->getStartIndex(), stop = token->getStopIndex();
  if (token->getType() == antlr4::Token::EOF || stop < start) return {at(start), at(start)};
  return {at(start), at(stop + 1)};
}

SourceRange AstBuilder::range(antlr4::ParserRuleContext* ctx) const {
  SourceRange b = range(ctx->getStart());
  antlr4::Token* stop = ctx->getStop();
  if (!stop || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return b;
  return SourceRange::cover(b, range(stop));
}

Identifier AstBuilder::identifier(P::IdentifierContext* ctx) {
  if (ctx->QUOTED_IDENTIFIER()) return {unquote(ctx->getText()), range(ctx)};
  return {ctx->getText(), range(ctx)};
}

TypeSpec AstBuilder::type_spec(P::TypeNameContext* ctx) {
  TypeSpec spec{Type::null(), range(ctx)};
  if (ctx->TIMESTAMP()) return {Type::timestamp(), spec.range};
  if (ctx->INTERVAL()) return {Type::interval(), spec.range};
  Identifier name = identifier(ctx->identifier());
  auto kind = type_kind_from_name(name.name);
  if (!kind) {
    diags_.error(name.range, "unknown type '" + name.name + "'",
                 "types are BOOL, INT32 (INT), INT64 (BIGINT), FLOAT32 (REAL), FLOAT64 (DOUBLE), "
                 "TIMESTAMP, INTERVAL, STRING and STRING(n)");
    return spec;
  }
  spec.type.kind = *kind;
  if (ctx->INTEGER_VALUE()) {
    if (*kind != TypeKind::String) {
      diags_.error(spec.range, "type " + type_name(spec.type) + " takes no length",
                   "only STRING(n) has a length");
      return spec;
    }
    const std::string digits = ctx->INTEGER_VALUE()->getText();
    unsigned long long n = digits.size() > 9 ? 0 : std::stoull(digits);
    if (n == 0 || n > 1'000'000'000ull) {
      diags_.error(range(ctx->INTEGER_VALUE()), "STRING length must be between 1 and 1000000000");
      return spec;
    }
    spec.type.max_bytes = static_cast<uint32_t>(n);
  }
  return spec;
}

WithOption AstBuilder::with_option(P::WithOptionContext* ctx) {
  WithOption opt;
  opt.name = identifier(ctx->identifier());
  opt.range = range(ctx);
  P::WithValueContext* v = ctx->withValue();
  opt.value_range = range(v);
  opt.text = v->getText();
  if (v->INTEGER_VALUE()) {
    opt.value_kind = OptionValueKind::Integer;
  } else if (v->DECIMAL_VALUE()) {
    opt.value_kind = OptionValueKind::Decimal;
  } else if (v->STRING_LITERAL()) {
    opt.value_kind = OptionValueKind::String;
    opt.text = unquote(v->getText());
  } else if (v->durationLiteral()) {
    opt.value_kind = OptionValueKind::Duration;
    auto d = duration(v->durationLiteral());
    if (d) opt.duration_ns = static_cast<LiteralExpr&>(*d).interval_ns;
  } else {
    opt.value_kind = OptionValueKind::Identifier;
    opt.text = identifier(v->identifier()).name;
  }
  return opt;
}

Statement AstBuilder::statement(P::StatementContext* ctx) {
  Statement st;
  st.range = range(ctx);
  if (auto* c = dynamic_cast<P::CreateSourceStreamContext*>(ctx)) {
    st.kind = StatementKind::CreateSource;
    st.name = identifier(c->name);
    for (P::TableElementContext* el : c->tableElement()) {
      if (auto* col = dynamic_cast<P::ColumnDefinitionContext*>(el)) {
        st.columns.push_back({identifier(col->identifier()), type_spec(col->typeName()),
                              col->NOT() != nullptr, range(col)});
      } else if (auto* wm = dynamic_cast<P::WatermarkDefinitionContext*>(el)) {
        st.watermarks.push_back({identifier(wm->identifier()), value(wm->valueExpression()), range(wm)});
      }
    }
    if (c->withClause())
      for (auto* o : c->withClause()->withOption()) st.options.push_back(with_option(o));
  } else if (auto* c = dynamic_cast<P::CreateDerivedStreamContext*>(ctx)) {
    st.kind = StatementKind::CreateDerived;
    st.name = identifier(c->name);
    if (c->withClause())
      for (auto* o : c->withClause()->withOption()) st.options.push_back(with_option(o));
    st.query = query(c->query());
  } else if (auto* c = dynamic_cast<P::QueryStatementContext*>(ctx)) {
    st.kind = StatementKind::Query;
    st.query = query(c->query());
  }
  return st;
}

// ---- queries ----------------------------------------------------------------------------------

QueryPtr AstBuilder::query(P::QueryContext* ctx) {
  auto q = std::make_unique<Query>();
  q->range = range(ctx);
  for (P::QueryPrimaryContext* p : ctx->queryPrimary()) append_selects(p, *q);
  return q;
}

void AstBuilder::append_selects(P::QueryPrimaryContext* ctx, Query& out) {
  if (ctx->select()) {
    out.selects.push_back(select(ctx->select()));
    return;
  }
  for (P::QueryPrimaryContext* p : ctx->query()->queryPrimary()) append_selects(p, out);
}

std::unique_ptr<Select> AstBuilder::select(P::SelectContext* ctx) {
  auto s = std::make_unique<Select>();
  s->range = range(ctx);
  for (P::SelectItemContext* item : ctx->selectItem()) {
    SelectItem out;
    out.range = range(item);
    if (dynamic_cast<P::SelectAllContext*>(item)) {
      out.kind = SelectItemKind::Star;
    } else if (auto* of = dynamic_cast<P::SelectAllOfContext*>(item)) {
      out.kind = SelectItemKind::QualifiedStar;
      out.qualifier = identifier(of->identifier());
    } else if (auto* e = dynamic_cast<P::SelectExpressionContext*>(item)) {
      out.kind = SelectItemKind::Expr;
      out.expr = expr(e->expression());
      if (e->alias) out.alias = identifier(e->alias);
    }
    s->items.push_back(std::move(out));
  }
  P::FromClauseContext* from = ctx->fromClause();
  s->from = relation(from->relation());
  for (P::JoinClauseContext* j : from->joinClause()) {
    Join join;
    join.range = range(j);
    if (P::JoinKindContext* k = j->joinKind()) {
      bool left = k->LEFT() != nullptr, asof = k->ASOF() != nullptr;
      join.kind = asof ? (left ? JoinKind::LeftAsof : JoinKind::Asof) : (left ? JoinKind::Left : JoinKind::Inner);
    }
    join.right = relation(j->relation());
    join.condition = boolean(j->booleanExpression());
    s->joins.push_back(std::move(join));
  }
  if (ctx->where) s->where = boolean(ctx->where);
  if (ctx->GROUP()) {
    auto exprs = ctx->expression();
    for (P::ExpressionContext* e : exprs) s->group_by.push_back(expr(e));
    s->group_by_range = SourceRange::cover(range(ctx->GROUP()), range(exprs.back()));
  }
  if (ctx->having) s->having = boolean(ctx->having);
  return s;
}

RelationPtr AstBuilder::relation(P::RelationContext* ctx) {
  auto r = std::make_unique<Relation>();
  r->range = range(ctx);
  if (auto* w = dynamic_cast<P::WindowRelationContext*>(ctx)) {
    r->kind = RelationKind::Window;
    r->window = window_call(w->windowFunction());
    if (w->alias) r->alias = identifier(w->alias);
  } else if (auto* s = dynamic_cast<P::StreamRelationContext*>(ctx)) {
    r->kind = RelationKind::Stream;
    r->stream = identifier(s->identifier(0));
    if (s->alias) r->alias = identifier(s->alias);
  } else if (auto* q = dynamic_cast<P::SubqueryRelationContext*>(ctx)) {
    r->kind = RelationKind::Subquery;
    r->subquery = query(q->query());
    if (q->alias) r->alias = identifier(q->alias);
  }
  return r;
}

std::unique_ptr<WindowCall> AstBuilder::window_call(P::WindowFunctionContext* ctx) {
  auto w = std::make_unique<WindowCall>();
  w->function = identifier(ctx->fn);
  const std::string fn = lower(w->function.name);
  if (fn == "tumble") w->kind = WindowKind::Tumble;
  else if (fn == "hop") w->kind = WindowKind::Hop;
  else if (fn == "session") w->kind = WindowKind::Session;
  else if (fn == "cumulate") w->kind = WindowKind::Cumulate;
  else
    diags_.error(w->function.range, "unknown window function '" + w->function.name + "'",
                 "window table functions are TUMBLE, HOP, SESSION and CUMULATE");
  P::WindowInputContext* in = ctx->windowInput();
  auto input = std::make_unique<Relation>();
  input->range = range(in);
  if (in->identifier()) {
    input->kind = RelationKind::Stream;
    input->stream = identifier(in->identifier());
  } else {
    input->kind = RelationKind::Subquery;
    input->subquery = query(in->query());
  }
  w->input = std::move(input);
  w->time_column = identifier(ctx->timeCol);
  for (P::ValueExpressionContext* v : ctx->valueExpression()) w->args.push_back(value(v));
  return w;
}

// ---- expressions ------------------------------------------------------------------------------

ExprPtr AstBuilder::expr(P::ExpressionContext* ctx) { return boolean(ctx->booleanExpression()); }

ExprPtr AstBuilder::boolean(P::BooleanExpressionContext* ctx) {
  if (auto* c = dynamic_cast<P::PredicatedContext*>(ctx)) {
    ExprPtr v = value(c->valueExpression());
    if (!c->predicate()) return v;
    return predicate(std::move(v), c->predicate(), range(ctx));
  }
  if (auto* c = dynamic_cast<P::LogicalNotContext*>(ctx)) {
    auto e = make<UnaryExpr>(range(ctx));
    e->op = UnaryOp::Not;
    e->operand = boolean(c->booleanExpression());
    return e;
  }
  auto binary = [&](BinaryOp op, P::BooleanExpressionContext* l, P::BooleanExpressionContext* r,
                    antlr4::tree::TerminalNode* tok) {
    auto e = make<BinaryExpr>(range(ctx));
    e->op = op;
    e->op_range = range(tok);
    e->left = boolean(l);
    e->right = boolean(r);
    return e;
  };
  if (auto* c = dynamic_cast<P::LogicalAndContext*>(ctx)) return binary(BinaryOp::And, c->left, c->right, c->AND());
  auto* c = dynamic_cast<P::LogicalOrContext*>(ctx);
  return binary(BinaryOp::Or, c->left, c->right, c->OR());
}

ExprPtr AstBuilder::predicate(ExprPtr v, P::PredicateContext* ctx, SourceRange whole) {
  if (auto* c = dynamic_cast<P::ComparisonContext*>(ctx)) {
    auto e = make<BinaryExpr>(whole);
    P::ComparisonOperatorContext* op = c->comparisonOperator();
    e->op_range = range(op);
    if (op->EQ()) e->op = BinaryOp::Eq;
    else if (op->NEQ()) e->op = BinaryOp::Ne;
    else if (op->LT()) e->op = BinaryOp::Lt;
    else if (op->LTE()) e->op = BinaryOp::Le;
    else if (op->GT()) e->op = BinaryOp::Gt;
    else e->op = BinaryOp::Ge;
    e->left = std::move(v);
    e->right = value(c->right);
    return e;
  }
  if (auto* c = dynamic_cast<P::BetweenContext*>(ctx)) {
    auto e = make<BetweenExpr>(whole);
    e->negated = c->NOT() != nullptr;
    e->value = std::move(v);
    e->lower = value(c->lower);
    e->upper = value(c->upper);
    return e;
  }
  if (auto* c = dynamic_cast<P::InListContext*>(ctx)) {
    auto e = make<InListExpr>(whole);
    e->negated = c->NOT() != nullptr;
    e->value = std::move(v);
    for (P::ExpressionContext* x : c->expression()) e->list.push_back(expr(x));
    return e;
  }
  if (auto* c = dynamic_cast<P::LikeContext*>(ctx)) {
    auto e = make<LikeExpr>(whole);
    e->negated = c->NOT() != nullptr;
    e->value = std::move(v);
    e->pattern = value(c->pattern);
    return e;
  }
  auto* c = dynamic_cast<P::NullTestContext*>(ctx);
  auto e = make<IsNullExpr>(whole);
  e->negated = c->NOT() != nullptr;
  e->value = std::move(v);
  return e;
}

ExprPtr AstBuilder::value(P::ValueExpressionContext* ctx) {
  if (auto* c = dynamic_cast<P::ValueDefaultContext*>(ctx)) return primary(c->primaryExpression());
  if (auto* c = dynamic_cast<P::UnarySignContext*>(ctx)) {
    auto e = make<UnaryExpr>(range(ctx));
    e->op = c->op->getType() == P::MINUS ? UnaryOp::Negate : UnaryOp::Plus;
    e->operand = value(c->valueExpression());
    return e;
  }
  auto e = make<BinaryExpr>(range(ctx));
  if (auto* c = dynamic_cast<P::MultiplicativeContext*>(ctx)) {
    e->op = c->op->getType() == P::STAR ? BinaryOp::Mul : c->op->getType() == P::SLASH ? BinaryOp::Div : BinaryOp::Mod;
    e->op_range = range(c->op);
    e->left = value(c->left);
    e->right = value(c->right);
  } else if (auto* c = dynamic_cast<P::AdditiveContext*>(ctx)) {
    e->op = c->op->getType() == P::PLUS ? BinaryOp::Add : BinaryOp::Sub;
    e->op_range = range(c->op);
    e->left = value(c->left);
    e->right = value(c->right);
  } else {
    auto* cc = dynamic_cast<P::ConcatenationContext*>(ctx);
    e->op = BinaryOp::Concat;
    e->op_range = range(cc->CONCAT());
    e->left = value(cc->left);
    e->right = value(cc->right);
  }
  return e;
}

std::unique_ptr<OverClause> AstBuilder::over(P::OverClauseContext* ctx) {
  if (!ctx) return nullptr;
  auto o = std::make_unique<OverClause>();
  o->range = range(ctx);
  auto exprs = ctx->expression();
  for (P::ExpressionContext* e : exprs)
    if (e != ctx->orderKey) o->partition_by.push_back(expr(e));
  o->order_by = expr(ctx->orderKey);
  if (P::FrameContext* f = ctx->frame()) {
    Frame frame;
    frame.kind = f->kind->getType() == P::ROWS ? FrameKind::Rows : FrameKind::Range;
    frame.range = range(f);
    P::FrameStartContext* start = f->frameStart();
    frame.unbounded = start->UNBOUNDED() != nullptr;
    if (!frame.unbounded) frame.preceding = value(start->valueExpression());
    o->frame = std::move(frame);
  }
  return o;
}

ExprPtr AstBuilder::primary(P::PrimaryExpressionContext* ctx) {
  SourceRange r = range(ctx);
  if (auto* c = dynamic_cast<P::LiteralValueContext*>(ctx)) return literal(c->literal());
  if (auto* c = dynamic_cast<P::CastContext*>(ctx)) {
    auto e = make<CastExpr>(r);
    e->operand = expr(c->expression());
    e->target = type_spec(c->typeName());
    return e;
  }
  if (auto* c = dynamic_cast<P::CaseWhenContext*>(ctx)) {
    auto e = make<CaseExpr>(r);
    if (c->operand) e->operand = expr(c->operand);
    for (P::WhenClauseContext* w : c->whenClause()) e->whens.push_back({expr(w->condition), expr(w->result)});
    if (c->elseExpr) e->else_result = expr(c->elseExpr);
    return e;
  }
  if (auto* c = dynamic_cast<P::SubstringContext*>(ctx)) {
    auto e = make<SubstringExpr>(r);
    auto args = c->expression();
    e->value = expr(args[0]);
    e->from = expr(args[1]);
    if (args.size() > 2) e->length = expr(args[2]);
    return e;
  }
  if (auto* c = dynamic_cast<P::StarCallContext*>(ctx)) {
    auto e = make<CallExpr>(r);
    e->function = identifier(c->fn);
    e->star = true;
    e->over = over(c->overClause());
    return e;
  }
  if (auto* c = dynamic_cast<P::FunctionCallContext*>(ctx)) {
    auto e = make<CallExpr>(r);
    e->function = identifier(c->fn);
    for (P::ExpressionContext* a : c->expression()) e->args.push_back(expr(a));
    e->over = over(c->overClause());
    return e;
  }
  if (auto* c = dynamic_cast<P::QualifiedColumnContext*>(ctx)) {
    auto e = make<ColumnExpr>(r);
    e->qualifier = identifier(c->qualifier);
    e->name = identifier(c->column);
    return e;
  }
  if (auto* c = dynamic_cast<P::ColumnNameContext*>(ctx)) {
    auto e = make<ColumnExpr>(r);
    e->name = identifier(c->identifier());
    return e;
  }
  auto* c = dynamic_cast<P::ParenthesizedContext*>(ctx);
  return expr(c->expression());
}

ExprPtr AstBuilder::duration(P::DurationLiteralContext* ctx) {
  auto e = make<LiteralExpr>(range(ctx));
  e->literal = LiteralKind::Interval;
  const std::string text = ctx->getText();
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (ctx->BAD_DURATION()) {  // `2sec`: a number run into a word that is not a unit
    const std::string word = text.substr(digits), amount = text.substr(0, digits);
    auto unit = short_unit_for(word);
    diags_.error(e->range, "unknown duration unit '" + word + "'",
                 unit ? "did you mean " + amount + *unit + "? (" + std::string(kShortUnitHint) + ")"
                      : std::string(kShortUnitHint) + ", e.g. " + amount + "ms");
    return e;
  }
  auto unit = unit_nanoseconds(text.substr(digits));
  auto ns = unit ? duration_nanoseconds(text.substr(0, digits), *unit) : std::nullopt;
  if (!ns) diags_.error(e->range, "duration '" + text + "' is out of range", "a duration must fit in 64-bit nanoseconds (about 292 years)");
  else e->interval_ns = *ns;
  return e;
}

ExprPtr AstBuilder::literal(P::LiteralContext* ctx) {
  auto e = make<LiteralExpr>(range(ctx));
  if (dynamic_cast<P::NullLiteralContext*>(ctx)) {
    e->literal = LiteralKind::Null;
  } else if (auto* c = dynamic_cast<P::BooleanLiteralContext*>(ctx)) {
    e->literal = LiteralKind::Bool;
    e->bool_value = c->TRUE() != nullptr;
  } else if (dynamic_cast<P::IntegerLiteralContext*>(ctx)) {
    e->literal = LiteralKind::Integer;
    e->text = ctx->getText();
  } else if (dynamic_cast<P::DecimalLiteralContext*>(ctx)) {
    e->literal = LiteralKind::Decimal;
    e->text = ctx->getText();
  } else if (dynamic_cast<P::StringLiteralContext*>(ctx)) {
    e->literal = LiteralKind::String;
    e->text = unquote(ctx->getText());
  } else if (auto* c = dynamic_cast<P::TimestampLiteralContext*>(ctx)) {
    e->literal = LiteralKind::Timestamp;
    e->text = unquote(c->STRING_LITERAL()->getText());
  } else if (auto* c = dynamic_cast<P::IntervalLiteralContext*>(ctx)) {
    e->literal = LiteralKind::Interval;
    Identifier unit = identifier(c->unit);
    auto unit_ns = unit_nanoseconds(unit.name);
    if (!unit_ns) {
      auto near = nearest_unit(unit.name);
      diags_.error(unit.range, "unknown interval unit '" + unit.name + "'",
                   near ? "did you mean " + *near + "? (" + std::string(kUnitHint) + ")" : std::string(kUnitHint));
      return e;
    }
    std::string amount = unquote(c->STRING_LITERAL()->getText());
    auto ns = duration_nanoseconds(amount, *unit_ns);
    if (!ns) {
      diags_.error(range(c->STRING_LITERAL()), "invalid interval amount '" + amount + "'",
                   "write a number such as '50', '-8' or '1.5' that is a whole number of nanoseconds");
      return e;
    }
    e->interval_ns = c->sign ? -*ns : *ns;
  } else if (auto* c = dynamic_cast<P::ShorthandDurationContext*>(ctx)) {
    return duration(c->durationLiteral());
  }
  return e;
}

}  // namespace vlac
