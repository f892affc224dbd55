#pragma once
// Splits what is typed into the REPL (or a file it loads) into statements: a statement ends at
// a `;` that is not inside a string literal ('...'), a quoted name ("...") or a comment
// (-- to end of line, /* block */). Text is fed a line (or a whole file) at a time; the lexical
// state carries over, so a statement, a string or a block comment may span lines.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vlac::repl {

/// Where the lexer stands after some text.
enum class LexMode {
  Code,          // between tokens (or inside one that cannot hold a ';')
  String,        // inside '...'
  QuotedName,    // inside "..."
  LineComment,   // after -- until the end of the line
  BlockComment,  // inside /* ... */
};

/// One complete statement.
struct SplitStatement {
  std::string text;         // from its first non-blank character to its ';' inclusive
  size_t begin = 0;         // offset of `text` in everything fed since the last reset()
  uint32_t first_line = 1;  // 1-based line (since the last reset()) on which `text` begins
  /// The whole lines `text` lies on, as typed (without the last line's '\n'), and where
  /// `text` begins in them: diagnostics are shown against these lines.
  std::string lines;
  size_t offset_in_lines = 0;
};

class StatementSplitter {
 public:
  /// Appends text; complete statements are collected for take().
  void feed(std::string_view text);
  /// The statements completed since the last take(), in order.
  std::vector<SplitStatement> take();
  /// True when an unfinished statement is pending: text that is not blank (blank = whitespace
  /// and finished comments only), or an open string, quoted name or block comment.
  bool in_statement() const;
  /// The unfinished statement as a SplitStatement (without a ';'), e.g. at end of input.
  SplitStatement pending() const;
  /// Forgets everything fed: buffer, lexical state and line numbers.
  void reset();
  /// Everything fed since the last reset().
  const std::string& buffer() const { return buffer_; }
  LexMode mode() const { return mode_; }

 private:
  SplitStatement make(size_t begin, size_t end) const;

  std::string buffer_;
  size_t scanned_ = 0;         // buffer_[0, scanned_) has been lexed
  size_t stmt_begin_ = 0;      // where the current statement's text may begin
  bool stmt_has_code_ = false; // the current statement has a character outside comments
  LexMode mode_ = LexMode::Code;
  std::vector<SplitStatement> done_;
};

/// The lexical mode at the end of `text` (for completion: no completion inside strings).
LexMode lex_mode_at_end(std::string_view text);

/// True when `text` holds only whitespace and comments.
bool is_blank(std::string_view text);

/// A statement as one line for the history, when that keeps its meaning: `--` comments dropped,
/// line breaks and the indentation after them turned into one space. A statement with a line
/// break inside a string, quoted name or block comment is returned as it is.
std::string history_form(std::string_view statement);

/// The first word of a statement (skipping whitespace and comments), upper-cased: "CREATE",
/// "SELECT", "(" for a parenthesised query, or "" when there is none.
std::string first_word(std::string_view statement);

}  // namespace vlac::repl
