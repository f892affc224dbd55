#include "parse/parser.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "VlacLexer.h"
#include "VlacParser.h"
#include "antlr4-runtime.h"
#include "parse/ast_builder.h"
#include "parse/nesting_limit.h"

namespace vlac {
namespace {

using vlac_antlr::VlacLexer;
using vlac_antlr::VlacParser;

/// Byte offset of every code point (ANTLR indexes characters by code point), plus one past the end.
std::vector<uint32_t> code_point_offsets(const std::string& text) {
  std::vector<uint32_t> offsets;
  offsets.reserve(text.size() + 1);
  for (uint32_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  offsets.push_back(static_cast<uint32_t>(text.size()));
  return offsets;
}

/// The offset of the first byte that is not part of valid UTF-8, or npos.
size_t invalid_utf8_at(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) return i;
    i += n;
  }
  return std::string::npos;
}

/// How a token type is shown in "expected ..." hints.
std::string token_display(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  switch (type) {
    case VlacParser::IDENTIFIER: return "a name";
    case VlacParser::QUOTED_IDENTIFIER: return "";
    case VlacParser::INTEGER_VALUE: return "a number";
    case VlacParser::DECIMAL_VALUE: return "";
    case VlacParser::STRING_LITERAL: return "a string";
    case VlacParser::DURATION_VALUE: return "a duration";
    case VlacParser::BAD_DURATION: return "";
    case VlacParser::NULL_: return "NULL";
    case antlr4::Token::EOF: return "end of input";
    default: break;
  }
  std::string literal = vocab.getLiteralName(type);
  if (!literal.empty()) return literal;  // already quoted: '('
  return vocab.getSymbolicName(type);    // keywords: SELECT, FROM, ...
}

/// Reserved words that people plausibly choose as column or stream names. Only for these does
/// a syntax error suggest quoting; `SELECT FROM s` is a missing select list, not a bad name.
bool is_name_like_keyword(size_t type) {
  switch (type) {
    case VlacParser::ASOF: case VlacParser::CURRENT: case VlacParser::END: case VlacParser::INTERVAL:
    case VlacParser::LEFT: case VlacParser::ORDER: case VlacParser::OUTER: case VlacParser::OVER:
    case VlacParser::PARTITION: case VlacParser::PRECEDING: case VlacParser::RANGE: case VlacParser::ROW:
    case VlacParser::ROWS: case VlacParser::STREAM: case VlacParser::TIMESTAMP: case VlacParser::UNBOUNDED:
    case VlacParser::WATERMARK: case VlacParser::INNER: case VlacParser::ALL:
      return true;
    default:
      return false;
  }
}

/// Records the first syntax error of a statement as a vlac diagnostic, without reporting it
/// yet: parse_program decides whether it stands (see the missing-';' rule there).
class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  explicit SyntaxErrorListener(const std::vector<uint32_t>& offsets) : offsets_(offsets) {}

  bool failed() const { return failed_; }
  const Diagnostic& error() const { return error_; }
  /// The index of the offending token in the statement's token stream (npos: unknown).
  size_t bad_token_index() const { return bad_index_; }

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* bad, size_t, size_t,
                   const std::string&, std::exception_ptr) override {
    if (failed_) return;  // later errors of the same statement are usually echoes of the first
    failed_ = true;
    if (bad) bad_index_ = bad->getTokenIndex();
    auto* parser = dynamic_cast<VlacParser*>(recognizer);
    SourceRange r = token_range(bad);
    std::string text = bad ? bad->getText() : "";
    std::string expected = expected_tokens(parser);
    auto report = [&](std::string message, std::string hint = {}) {
      error_ = {Severity::Error, r, std::move(message), std::move(hint)};
    };

    if ((!bad || bad->getType() == antlr4::Token::EOF) && expected == "';'") {
      report("missing ';' at the end of the statement", "every statement ends with ';'");
    } else if (!bad || bad->getType() == antlr4::Token::EOF) {
      report("unexpected end of input", expected.empty() ? "" : "expected " + expected);
    } else if (bad->getType() == VlacParser::SEMI) {
      report("unexpected ';': the statement is incomplete", expected.empty() ? "" : "expected " + expected);
    } else if (bad->getType() == VlacParser::UNRECOGNIZED) {
      report("unexpected character '" + text + "'", hint_for_character(text));
    } else if (is_name_like_keyword(bad->getType()) && parser &&
               parser->getExpectedTokens().contains(static_cast<size_t>(VlacParser::IDENTIFIER))) {
      report("'" + text + "' is a reserved word and cannot be a name here",
             "quote it to use it as a name: \"" + text + "\"");
    } else if (after_comma(parser, bad) &&
               (bad->getType() == VlacParser::FROM || bad->getType() == VlacParser::RPAREN)) {
      report("syntax error: unexpected '" + text + "'", "remove the ',' before " + (bad->getType() == VlacParser::FROM ? text : "')'"));
    } else {
      report("syntax error: unexpected '" + text + "'", expected.empty() ? "" : "expected " + expected);
    }
  }

 private:
  SourceRange token_range(antlr4::Token* t) const {
    if (!t) return {};
    auto at = [&](size_t i) { return offsets_[std::min(i, offsets_.size() - 1)]; };
    if (t->getType() == antlr4::Token::EOF) return {at(t->getStartIndex()), at(t->getStartIndex())};
    return {at(t->getStartIndex()), at(t->getStopIndex() + 1)};
  }

  /// Whether the token before `bad` is a ',' (a list that ends in a comma).
  static bool after_comma(VlacParser* parser, antlr4::Token* bad) {
    if (!parser || bad->getTokenIndex() == 0 || bad->getTokenIndex() == static_cast<size_t>(-1)) return false;
    antlr4::Token* prev = parser->getTokenStream()->get(bad->getTokenIndex() - 1);
    return prev && prev->getType() == VlacParser::COMMA;
  }

  static std::string hint_for_character(const std::string& c) {
    if (c == "\"") return "a quoted name needs a closing \"";
    if (c == "!") return "write <> or != for 'not equal', NOT for negation";
    if (c == "[" || c == "]" || c == "{" || c == "}") return "vlac uses ( ) for grouping";
    if (c == "&") return "write AND";
    if (c == "|") return "write OR, or || to concatenate strings";
    if (c == "#") return "comments are written -- to the end of the line, or /* ... */";
    if (c == "`") return "quote names with \"...\", not with backquotes";
    return "";
  }

  /// A short "one of ..." list of what the parser would have accepted, or "" when it is long.
  static std::string expected_tokens(VlacParser* parser) {
    if (!parser) return "";
    antlr4::misc::IntervalSet set;
    try {
      set = parser->getExpectedTokens();
    } catch (...) {
      return "";
    }
    std::vector<std::string> names;
    for (size_t type : set.toList()) {
      std::string name = token_display(parser->getVocabulary(), type);
      if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    if (names.empty() || names.size() > 6) return "";
    if (names.size() == 1) return names[0];
    std::string out = "one of ";
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
  }

  const std::vector<uint32_t>& offsets_;
  bool failed_ = false;
  Diagnostic error_;
  size_t bad_index_ = std::string::npos;
};

/// One statement's tokens, parsed: the parse tree lives as long as this object.
struct ParsedStatement {
  std::unique_ptr<antlr4::ListTokenSource> source;
  std::unique_ptr<antlr4::CommonTokenStream> stream;
  std::unique_ptr<VlacParser> parser;
  std::unique_ptr<SyntaxErrorListener> listener;
  VlacParser::SingleStatementContext* tree = nullptr;
};

/// Parses tokens[begin, stop) as one statement, with a ';' added after them when `add_semi`.
std::unique_ptr<ParsedStatement> parse_statement(const std::vector<std::unique_ptr<antlr4::Token>>& tokens,
                                                 size_t begin, size_t stop, bool add_semi,
                                                 const std::vector<uint32_t>& offsets) {
  std::vector<std::unique_ptr<antlr4::Token>> chunk;
  for (size_t i = begin; i < stop; ++i) chunk.push_back(std::make_unique<antlr4::CommonToken>(tokens[i].get()));
  antlr4::Token* last = tokens[stop - 1].get();
  size_t next = last->getStopIndex() + 1;
  if (add_semi) {
    // A copy of the last token keeps its token source, which ANTLR's error recovery reads.
    auto semi = std::make_unique<antlr4::CommonToken>(last);
    semi->setType(VlacLexer::SEMI);
    semi->setText(";");
    semi->setStartIndex(next);
    semi->setStopIndex(next - 1);  // takes no room in the source
    semi->setLine(last->getLine());
    chunk.push_back(std::move(semi));
  }
  auto eof = std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF, "<EOF>");
  eof->setStartIndex(next);
  eof->setStopIndex(next - 1);
  eof->setLine(last->getLine());
  chunk.push_back(std::move(eof));

  auto p = std::make_unique<ParsedStatement>();
  p->source = std::make_unique<antlr4::ListTokenSource>(std::move(chunk));
  p->stream = std::make_unique<antlr4::CommonTokenStream>(p->source.get());
  p->parser = std::make_unique<VlacParser>(p->stream.get());
  p->listener = std::make_unique<SyntaxErrorListener>(offsets);
  p->parser->removeErrorListeners();
  p->parser->addErrorListener(p->listener.get());
  p->tree = p->parser->singleStatement();
  return p;
}

/// The name a statement starting at tokens[begin] declares with CREATE STREAM, or "".
std::string declared_stream(const std::vector<std::unique_ptr<antlr4::Token>>& tokens, size_t begin, size_t stop) {
  if (stop - begin < 3 || tokens[begin]->getType() != VlacLexer::CREATE ||
      tokens[begin + 1]->getType() != VlacLexer::STREAM)
    return "";
  const antlr4::Token* name = tokens[begin + 2].get();
  if (name->getType() == VlacLexer::IDENTIFIER) return name->getText();
  if (name->getType() != VlacLexer::QUOTED_IDENTIFIER) return "";
  const std::string raw = name->getText();
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    out += raw[i];
    if (raw[i] == '"' && i + 2 < raw.size() && raw[i + 1] == '"') ++i;
  }
  return out;
}

/// Reports unterminated comments and quotes, which the lexer leaves as stray characters, and
/// returns the index of the first token they swallow (everything after them belongs to them).
size_t check_unterminated(const std::vector<std::unique_ptr<antlr4::Token>>& tokens,
                          const std::vector<uint32_t>& offsets, Diagnostics& diags) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    antlr4::Token* t = tokens[i].get();
    uint32_t at = offsets[std::min<size_t>(t->getStartIndex(), offsets.size() - 1)];
    if (t->getType() == VlacLexer::UNRECOGNIZED && t->getText() == "'") {
      diags.error({at, at + 1}, "unterminated string literal", "close it with ' (a quote inside a string is written '')");
      return i;
    }
    if (t->getType() == VlacLexer::UNRECOGNIZED && t->getText() == "\"") {
      diags.error({at, at + 1}, "unterminated quoted name", "close it with \" (a quote inside a name is written \"\")");
      return i;
    }
    if (t->getType() == VlacLexer::SLASH && i + 1 < tokens.size() &&
        tokens[i + 1]->getType() == VlacLexer::STAR &&
        tokens[i + 1]->getStartIndex() == t->getStartIndex() + 1) {
      diags.error({at, at + 2}, "unterminated block comment", "close it with */");
      return i;
    }
  }
  return tokens.size();
}

/// Reports a statement that nests too deeply to be parsed and compiled safely (nesting_limit.h).
bool report_too_deep(const std::vector<std::unique_ptr<antlr4::Token>>& tokens, size_t begin, size_t stop,
                     const std::vector<uint32_t>& offsets, Diagnostics& diags) {
  std::vector<size_t> types;
  types.reserve(stop - begin);
  for (size_t i = begin; i < stop; ++i) types.push_back(tokens[i]->getType());
  std::optional<NestingProblem> p = find_too_deep_nesting(types);
  if (!p) return false;
  const antlr4::Token* t = tokens[begin + p->token].get();
  auto at = [&](size_t i) { return offsets[std::min(i, offsets.size() - 1)]; };
  const SourceRange r{at(t->getStartIndex()), at(t->getStopIndex() + 1)};
  const bool subquery = t->getType() == VlacLexer::LPAREN && begin + p->token + 1 < stop &&
                        tokens[begin + p->token + 1]->getType() == VlacLexer::SELECT;
  const std::string limit = std::to_string(kMaxNestingDepth);
  if (p->chain)
    diags.error(r, "expression nested too deeply: its chain of operators is more than " + limit + " levels deep",
                "each operator of a chain such as a + b + c is one level; split it over derived streams "
                "(CREATE STREAM ... AS), or use IN (...) instead of a long chain of OR");
  else
    diags.error(r, std::string(subquery ? "query" : "expression") + " nested too deeply: more than " + limit + " levels",
                "at most " + limit + " levels of parentheses, subqueries, CASE and operators; compute part of it in a "
                "derived stream (CREATE STREAM ... AS)");
  return true;
}

/// SELECT DISTINCT and aggregates of DISTINCT values (COUNT(DISTINCT x)) are not supported
/// yet. DISTINCT is not a keyword of the grammar, so they would read as a column named
/// DISTINCT: a DISTINCT right after SELECT or a function's '(' and before the start of an
/// expression is reported as what it means.
bool report_distinct(const std::vector<std::unique_ptr<antlr4::Token>>& tokens, size_t begin, size_t stop,
                     const std::vector<uint32_t>& offsets, Diagnostics& diags) {
  for (size_t i = begin + 1; i + 1 < stop; ++i) {
    const antlr4::Token* t = tokens[i].get();
    if (t->getType() != VlacLexer::IDENTIFIER) continue;
    std::string upper = t->getText();
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper != "DISTINCT") continue;
    const size_t prev = tokens[i - 1]->getType(), next = tokens[i + 1]->getType();
    if (next == VlacLexer::FROM || next == VlacLexer::COMMA || next == VlacLexer::AS || next == VlacLexer::RPAREN ||
        next == VlacLexer::SEMI || next == VlacLexer::DOT)
      continue;  // a column that happens to be called distinct
    const bool in_call = prev == VlacLexer::LPAREN && i >= begin + 2 && tokens[i - 2]->getType() == VlacLexer::IDENTIFIER;
    if (prev != VlacLexer::SELECT && !in_call) continue;
    auto at = [&](size_t k) { return offsets[std::min(k, offsets.size() - 1)]; };
    const SourceRange r{at(t->getStartIndex()), at(t->getStopIndex() + 1)};
    if (in_call)
      diags.error(r, tokens[i - 2]->getText() + "(DISTINCT ...) is not supported yet",
                  "compute the distinct values with GROUP BY in a derived stream, then aggregate that (e.g. COUNT(*))");
    else
      diags.error(r, "SELECT DISTINCT is not supported yet",
                  "group by the selected columns instead: SELECT a, b FROM s GROUP BY a, b");
    return true;
  }
  return false;
}

}  // namespace

ast::Program parse_program(const SourceFile& file, Diagnostics& diags) {
  ast::Program program;
  const std::string& text = file.text();
  if (size_t bad = invalid_utf8_at(text); bad != std::string::npos) {
    diags.error({static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)},
                "the program is not valid UTF-8 text", "save the file as UTF-8");
    return program;
  }
  const std::vector<uint32_t> offsets = code_point_offsets(text);

  antlr4::ANTLRInputStream input(text);
  VlacLexer lexer(&input);
  lexer.removeErrorListeners();  // every character lexes (UNRECOGNIZED catches the rest)
  std::vector<std::unique_ptr<antlr4::Token>> all = lexer.getAllTokens();

  // Default-channel tokens only; comments and white space are not the parser's business.
  std::vector<std::unique_ptr<antlr4::Token>> tokens;
  for (auto& t : all)
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) tokens.push_back(std::move(t));
  // An unterminated comment or quote swallows the rest of the file, so the statement it starts
  // in is incomplete: drop it too, rather than report its missing end a second time.
  size_t kept = check_unterminated(tokens, offsets, diags);
  if (kept < tokens.size()) {
    while (kept > 0 && tokens[kept - 1]->getType() != VlacLexer::SEMI) --kept;
    tokens.resize(kept);
  }

  // Builds the AST of a statement that parsed; one with errors is left out, but the stream it
  // declares is remembered, so that statements reading it are not reported as reading an
  // unknown stream.
  auto build = [&](const ParsedStatement& parsed, const std::string& declared) {
    size_t before = diags.error_count();
    AstBuilder builder(diags, offsets);
    ast::Statement st = builder.statement(parsed.tree->statement());
    if (diags.error_count() == before) program.statements.push_back(std::move(st));
    else if (!declared.empty()) program.broken_streams.push_back(declared);
  };

  // Split at every ';' and parse each statement on its own.
  size_t begin = 0;
  while (begin < tokens.size()) {
    size_t end = begin;
    while (end < tokens.size() && tokens[end]->getType() != VlacLexer::SEMI) ++end;
    size_t stop = std::min(end + 1, tokens.size());  // include the ';' when there is one
    const std::string declared = declared_stream(tokens, begin, stop);
    if (report_too_deep(tokens, begin, stop, offsets, diags) || report_distinct(tokens, begin, stop, offsets, diags)) {
      if (!declared.empty()) program.broken_streams.push_back(declared);
      begin = stop;
      continue;
    }

    std::unique_ptr<ParsedStatement> parsed = parse_statement(tokens, begin, stop, false, offsets);
    if (!parsed->listener->failed()) {
      build(*parsed, declared);
      begin = stop;
      continue;
    }
    // A statement that stops at a CREATE or SELECT opening a line, after what is a whole
    // statement by itself, lacks its ';': report that, and parse the next statement normally.
    size_t bad = parsed->listener->bad_token_index();
    if (bad != std::string::npos && bad > 0 && begin + bad < stop) {
      const antlr4::Token* next = tokens[begin + bad].get();
      const antlr4::Token* prev = tokens[begin + bad - 1].get();
      if ((next->getType() == VlacLexer::CREATE || next->getType() == VlacLexer::SELECT) &&
          next->getLine() > prev->getLine()) {
        std::unique_ptr<ParsedStatement> head = parse_statement(tokens, begin, begin + bad, true, offsets);
        if (!head->listener->failed()) {
          uint32_t at = offsets[std::min<size_t>(prev->getStopIndex() + 1, offsets.size() - 1)];
          diags.error({at, at}, "missing ';' at the end of the statement", "every statement ends with ';'");
          build(*head, declared);
          begin += bad;
          continue;
        }
      }
    }
    const Diagnostic& d = parsed->listener->error();
    diags.error(d.range, d.message, d.hint);
    if (!declared.empty()) program.broken_streams.push_back(declared);
    begin = stop;
  }
  return program;
}

}  // namespace vlac
