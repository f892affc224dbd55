#include "diag/diagnostics.h"

#include <algorithm>

namespace vlac {

void Diagnostics::error(SourceRange range, std::string message, std::string hint) {
  diagnostics_.push_back({Severity::Error, range, std::move(message), std::move(hint)});
  ++error_count_;
}

void Diagnostics::warning(SourceRange range, std::string message, std::string hint) {
  diagnostics_.push_back({Severity::Warning, range, std::move(message), std::move(hint)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.range.begin < b.range.begin;
  });
  return out;
}

std::string render_diagnostic(const SourceFile& file, const Diagnostic& d) {
  LineCol at = file.line_col(d.range.begin);
  std::string out = file.name() + ":" + std::to_string(at.line) + ":" + std::to_string(at.col) +
                    (d.severity == Severity::Error ? ": error: " : ": warning: ") + d.message + "\n";

  std::string_view line = file.line_text(at.line);
  std::string number = std::to_string(at.line);
  std::string gutter(number.size() + 2, ' ');
  out += " " + number + " | " + std::string(line) + "\n";

  // The caret line copies tabs from the source line so that the caret stays aligned.
  std::string marks;
  uint32_t start = at.col - 1;
  for (uint32_t i = 0; i < start && i < line.size(); ++i) marks += line[i] == '\t' ? '\t' : ' ';
  uint32_t end_on_line = std::min<uint32_t>(static_cast<uint32_t>(line.size()),
                                            start + std::max<uint32_t>(d.range.end - d.range.begin, 1));
  marks += '^';
  for (uint32_t i = start + 1; i < end_on_line; ++i) marks += '~';
  out += gutter + "| " + marks + "\n";

  if (!d.hint.empty()) out += gutter + "= hint: " + d.hint + "\n";
  return out;
}

std::string render_all(const SourceFile& file, const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.sorted()) out += render_diagnostic(file, d);
  return out;
}

std::string render_report(const SourceFile& file, const Diagnostics& diags) {
  std::string out = render_all(file, diags);
  size_t n = diags.error_count();
  if (n) out += std::to_string(n) + (n == 1 ? " error" : " errors") + " generated.\n";
  return out;
}

}  // namespace vlac
