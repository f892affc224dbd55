#include "repl/statement_splitter.h"

#include <cctype>

namespace vlac::repl {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/// One step of the lexer shared by the splitter and the helpers below. `i` indexes `s`; the
/// function consumes one or two characters and returns how many, or 0 when it needs a character
/// beyond the end of `s` to decide (a '-' that may start "--", a closing quote that may be the
/// first of a doubled one, ...). `code` is set when the consumed text is code (not whitespace or
/// comment); `semicolon` when it is a statement-ending ';'.
size_t step(std::string_view s, size_t i, LexMode& mode, bool& code, bool& semicolon) {
  code = false;
  semicolon = false;
  const char c = s[i];
  const bool has_next = i + 1 < s.size();
  const char next = has_next ? s[i + 1] : '\0';
  switch (mode) {
    case LexMode::Code:
      if (c == '-') {
        if (!has_next) return 0;
        if (next == '-') {
          mode = LexMode::LineComment;
          return 2;
        }
        code = true;
        return 1;
      }
      if (c == '/') {
        if (!has_next) return 0;
        if (next == '*') {
          mode = LexMode::BlockComment;
          return 2;
        }
        code = true;
        return 1;
      }
      if (c == '\'') mode = LexMode::String;
      if (c == '"') mode = LexMode::QuotedName;
      if (c == ';') semicolon = true;
      code = !is_space(c);
      return 1;
    case LexMode::String:
    case LexMode::QuotedName: {
      code = true;
      const char quote = mode == LexMode::String ? '\'' : '"';
      if (c != quote) return 1;
      if (!has_next) return 0;
      if (next == quote) return 2;  // '' or "" stands for one quote
      mode = LexMode::Code;
      return 1;
    }
    case LexMode::LineComment:
      if (c == '\n') mode = LexMode::Code;
      return 1;
    case LexMode::BlockComment:
      if (c == '*') {
        if (!has_next) return 0;
        if (next == '/') {
          mode = LexMode::Code;
          return 2;
        }
      }
      return 1;
  }
  return 1;
}

}  // namespace

void StatementSplitter::feed(std::string_view text) {
  buffer_.append(text);
  std::string_view s = buffer_;
  size_t i = scanned_;
  while (i < s.size()) {
    bool code = false, semicolon = false;
    size_t n = step(s, i, mode_, code, semicolon);
    if (n == 0) break;  // wait for the next character
    if (code) stmt_has_code_ = true;
    i += n;
    if (semicolon) {
      if (stmt_has_code_ && !is_blank(std::string_view(buffer_).substr(stmt_begin_, i - 1 - stmt_begin_)))
        done_.push_back(make(stmt_begin_, i));
      // A lone ';' (an empty statement) is dropped.
      stmt_begin_ = i;
      stmt_has_code_ = false;
    }
  }
  scanned_ = i;
}

std::vector<SplitStatement> StatementSplitter::take() {
  std::vector<SplitStatement> out;
  out.swap(done_);
  return out;
}

bool StatementSplitter::in_statement() const {
  if (mode_ == LexMode::String || mode_ == LexMode::QuotedName || mode_ == LexMode::BlockComment) return true;
  if (stmt_has_code_) return true;
  // Characters held back for lookahead ('-' or '/' at the very end) are code unless they start
  // a comment; count them as pending.
  return scanned_ < buffer_.size();
}

SplitStatement StatementSplitter::pending() const {
  size_t end = buffer_.size();
  while (end > stmt_begin_ && is_space(buffer_[end - 1])) --end;
  return make(stmt_begin_, end);
}

void StatementSplitter::reset() {
  buffer_.clear();
  scanned_ = 0;
  stmt_begin_ = 0;
  stmt_has_code_ = false;
  mode_ = LexMode::Code;
  done_.clear();
}

SplitStatement StatementSplitter::make(size_t begin, size_t end) const {
  while (begin < end && is_space(buffer_[begin])) ++begin;
  SplitStatement st;
  st.text = buffer_.substr(begin, end - begin);
  st.begin = begin;
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < begin; ++i) {
    if (buffer_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  st.first_line = line;
  size_t line_end = buffer_.find('\n', end > begin ? end - 1 : begin);
  if (line_end == std::string::npos) line_end = buffer_.size();
  if (line_end < begin) line_end = begin;
  st.lines = buffer_.substr(line_start, line_end - line_start);
  st.offset_in_lines = begin - line_start;
  return st;
}

LexMode lex_mode_at_end(std::string_view text) {
  LexMode mode = LexMode::Code;
  size_t i = 0;
  while (i < text.size()) {
    bool code = false, semicolon = false;
    size_t n = step(text, i, mode, code, semicolon);
    if (n == 0) {
      // Undecided at the very end: a quote that closes the string, or a '-'/'/'/'*' alone.
      if (mode == LexMode::String || mode == LexMode::QuotedName) mode = LexMode::Code;
      break;
    }
    i += n;
  }
  return mode;
}

bool is_blank(std::string_view text) {
  LexMode mode = LexMode::Code;
  size_t i = 0;
  while (i < text.size()) {
    bool code = false, semicolon = false;
    size_t n = step(text, i, mode, code, semicolon);
    if (n == 0) return mode == LexMode::BlockComment;  // a lone '-' or '/' at the end is code
    if (code) return false;
    i += n;
  }
  return mode != LexMode::String && mode != LexMode::QuotedName;
}

std::string history_form(std::string_view statement) {
  std::string out;
  LexMode mode = LexMode::Code;
  size_t i = 0;
  bool pending_space = false;
  while (i < statement.size()) {
    const LexMode before = mode;
    bool code = false, semicolon = false;
    size_t n = step(statement, i, mode, code, semicolon);
    if (n == 0) n = statement.size() - i;  // the rest, as it is
    std::string_view piece = statement.substr(i, n);
    i += n;
    if (before == LexMode::LineComment || (before == LexMode::Code && mode == LexMode::LineComment)) {
      // A line comment (its "--", its text and the '\n' that ends it) becomes a line break.
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      if (piece.find('\n') != std::string_view::npos) pending_space = true;
      continue;
    }
    if (before == LexMode::Code && mode == LexMode::Code && piece.size() == 1 && is_space(piece[0])) {
      if (piece[0] == '\n' || piece[0] == '\r') {
        pending_space = true;
        // Drop the blanks that end the previous line.
        while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
        continue;
      }
      if (pending_space) continue;  // indentation after a line break
      out += piece;
      continue;
    }
    if (piece.find('\n') != std::string_view::npos) return std::string(statement);  // a break inside a token
    if (pending_space) {
      if (!out.empty()) out += ' ';
      pending_space = false;
    }
    out += piece;
  }
  while (!out.empty() && is_space(out.back())) out.pop_back();
  return out;
}

std::string first_word(std::string_view statement) {
  LexMode mode = LexMode::Code;
  size_t i = 0;
  while (i < statement.size()) {
    const LexMode before = mode;
    bool code = false, semicolon = false;
    size_t n = step(statement, i, mode, code, semicolon);
    if (n == 0) n = 1;
    if (before == LexMode::Code && code) {
      const char c = statement[i];
      if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_')) return std::string(1, c);
      std::string word;
      while (i < statement.size() && (std::isalnum(static_cast<unsigned char>(statement[i])) || statement[i] == '_'))
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(statement[i++])));
      return word;
    }
    i += n;
  }
  return "";
}

}  // namespace vlac::repl
