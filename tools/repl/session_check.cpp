// A statement checked against the session: compiled after the session program, and its
// diagnostics shown against the lines it was typed on.
#include <algorithm>
#include <cctype>

#include "repl/session_internal.h"

namespace vlac::repl {

Session::Checked Session::check(std::string_view text) const {
  Checked k;
  k.prefix_len = prefix_.size();
  k.prefix_lines = static_cast<uint32_t>(std::count(prefix_.begin(), prefix_.end(), '\n'));
  k.c = std::make_unique<Compilation>(compile_program("<session>", prefix_ + std::string(text)));
  return k;
}

size_t Session::report(const Checked& k, const Diagnostics& diags, const Display& where) const {
  Diagnostics mine, elsewhere;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::Warning && d.message == "the program has no output") continue;  // a session needs none
    if (d.range.begin < k.prefix_len) {
      // In the session's own text: only an error the new text caused is worth showing.
      if (d.severity == Severity::Error) elsewhere.error(d.range, d.message, d.hint);
      continue;
    }
    Diagnostic m = d;
    const size_t limit = where.text.size();
    m.range.begin = static_cast<uint32_t>(std::min<size_t>(d.range.begin - k.prefix_len + where.offset, limit));
    m.range.end = static_cast<uint32_t>(std::min<size_t>(std::max(d.range.end, d.range.begin) - k.prefix_len + where.offset, limit));
    // "it is declared at line N" counts lines of the session program; say it in the user's terms.
    const std::string at = "it is declared at line ";
    if (m.hint.rfind(at, 0) == 0) {
      size_t end = at.size();
      uint32_t line = 0;
      while (end < m.hint.size() && std::isdigit(static_cast<unsigned char>(m.hint[end])))
        line = line * 10 + static_cast<uint32_t>(m.hint[end++] - '0');
      if (line > k.prefix_lines) {
        m.hint = at + std::to_string(line - k.prefix_lines) + m.hint.substr(end);
      } else {
        m.hint = "it is declared earlier in this session (.schema shows it)" + m.hint.substr(end);
      }
    }
    if (m.severity == Severity::Error) mine.error(m.range, m.message, m.hint);
    else mine.warning(m.range, m.message, m.hint);
  }
  std::fflush(io_.out);
  SourceFile shown(where.name, where.text);
  std::string text = render_report(shown, mine);
  if (elsewhere.has_errors()) {
    SourceFile session("<session>", k.c->file->text());
    text += "the statement breaks the session's program (.save - shows it):\n" + render_report(session, elsewhere);
  }
  std::fputs(text.c_str(), io_.err);
  std::fflush(io_.err);
  return mine.error_count() + elsewhere.error_count();
}

}  // namespace vlac::repl
