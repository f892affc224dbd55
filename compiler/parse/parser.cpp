#include "parse/parser.h"

#include <algorithm>
#include <set>

#include "VlacLexer.h"
#include "VlacParser.h"
#include "antlr4-runtime.h"
#include "parse/ast_builder.h"

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

/// Records the first syntax error of a statement as a vlac diagnostic.
class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorListener(Diagnostics& diags, const std::vector<uint32_t>& offsets)
      : diags_(diags), offsets_(offsets) {}

  bool failed() const { return failed_; }

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* bad, size_t, size_t,
                   const std::string&, std::exception_ptr) override {
    if (failed_) return;  // later errors of the same statement are usually echoes of the first
    failed_ = true;
    auto* parser = dynamic_cast<VlacParser*>(recognizer);
    SourceRange r = token_range(bad);
    std::string text = bad ? bad->getText() : "";
    std::string expected = expected_tokens(parser);

    if ((!bad || bad->getType() == antlr4::Token::EOF) && expected == "';'") {
      diags_.error(r, "missing ';' at the end of the statement", "every statement ends with ';'");
    } else if (!bad || bad->getType() == antlr4::Token::EOF) {
      diags_.error(r, "unexpected end of input", expected.empty() ? "" : "expected " + expected);
    } else if (bad->getType() == VlacParser::SEMI) {
      diags_.error(r, "unexpected ';': the statement is incomplete", expected.empty() ? "" : "expected " + expected);
    } else if (bad->getType() == VlacParser::UNRECOGNIZED) {
      diags_.error(r, "unexpected character '" + text + "'", hint_for_character(text));
    } else if (is_name_like_keyword(bad->getType()) && parser &&
               parser->getExpectedTokens().contains(static_cast<size_t>(VlacParser::IDENTIFIER))) {
      diags_.error(r, "'" + text + "' is a reserved word and cannot be a name here",
                   "quote it to use it as a name: \"" + text + "\"");
    } else {
      diags_.error(r, "syntax error: unexpected '" + text + "'", expected.empty() ? "" : "expected " + expected);
    }
  }

 private:
  SourceRange token_range(antlr4::Token* t) const {
    if (!t) return {};
    auto at = [&](size_t i) { return offsets_[std::min(i, offsets_.size() - 1)]; };
    if (t->getType() == antlr4::Token::EOF) return {at(t->getStartIndex()), at(t->getStartIndex())};
    return {at(t->getStartIndex()), at(t->getStopIndex() + 1)};
  }

  static std::string hint_for_character(const std::string& c) {
    if (c == "\"") return "a quoted name needs a closing \"";
    if (c == "!") return "write <> or != for 'not equal', NOT for negation";
    if (c == "[" || c == "]" || c == "{" || c == "}") return "vlac uses ( ) for grouping";
    if (c == "&") return "write AND";
    if (c == "|") return "write OR, or || to concatenate strings";
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

  Diagnostics& diags_;
  const std::vector<uint32_t>& offsets_;
  bool failed_ = false;
};

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

  // Split at every ';' and parse each statement on its own.
  size_t begin = 0;
  while (begin < tokens.size()) {
    size_t end = begin;
    while (end < tokens.size() && tokens[end]->getType() != VlacLexer::SEMI) ++end;
    size_t stop = std::min(end + 1, tokens.size());  // include the ';' when there is one

    // The stream a CREATE STREAM declares: if the statement is broken, statements that read
    // the stream are not also reported as reading an unknown stream.
    std::string declared;
    if (stop - begin >= 3 && tokens[begin]->getType() == VlacLexer::CREATE &&
        tokens[begin + 1]->getType() == VlacLexer::STREAM &&
        tokens[begin + 2]->getType() == VlacLexer::IDENTIFIER)
      declared = tokens[begin + 2]->getText();

    std::vector<std::unique_ptr<antlr4::Token>> chunk;
    for (size_t i = begin; i < stop; ++i) chunk.push_back(std::make_unique<antlr4::CommonToken>(tokens[i].get()));
    antlr4::Token* last = tokens[stop - 1].get();
    auto eof = std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF, "<EOF>");
    eof->setStartIndex(last->getStopIndex() + 1);
    eof->setStopIndex(last->getStopIndex());
    eof->setLine(last->getLine());
    chunk.push_back(std::move(eof));
    begin = stop;

    antlr4::ListTokenSource source(std::move(chunk));
    antlr4::CommonTokenStream stream(&source);
    VlacParser parser(&stream);
    SyntaxErrorListener listener(diags, offsets);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
    VlacParser::SingleStatementContext* tree = parser.singleStatement();
    if (listener.failed()) {
      if (!declared.empty()) program.broken_streams.push_back(declared);
      continue;
    }

    size_t before = diags.error_count();
    AstBuilder builder(diags, offsets);
    ast::Statement st = builder.statement(tree->statement());
    if (diags.error_count() == before) program.statements.push_back(std::move(st));
  }
  return program;
}

}  // namespace vlac
