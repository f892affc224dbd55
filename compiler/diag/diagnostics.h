#pragma once
// Diagnostics are data: every user-facing error or warning is collected here with its range,
// message and optional hint, and rendered in one place (render_diagnostic).

#include <string>
#include <vector>

#include "diag/source_file.h"

namespace vlac {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  std::string hint;  // empty when no hint helps
};

/// Collects the diagnostics of one compilation.
class Diagnostics {
 public:
  void error(SourceRange range, std::string message, std::string hint = {});
  void warning(SourceRange range, std::string message, std::string hint = {});

  bool has_errors() const { return error_count_ > 0; }
  size_t error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  /// Diagnostics sorted by position (stable for equal positions), as they are printed.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> diagnostics_;
  size_t error_count_ = 0;
};

/// Renders one diagnostic like a good C++ compiler does:
///   file:line:col: error: message
///    12 | WHERE brightnes > 0.05
///       |       ^~~~~~~~~
///       = hint: did you mean 'brightness'?
std::string render_diagnostic(const SourceFile& file, const Diagnostic& d);
std::string render_all(const SourceFile& file, const Diagnostics& diags);
/// What `vlac check` prints: every diagnostic, then "N errors generated." when there are errors.
std::string render_report(const SourceFile& file, const Diagnostics& diags);

}  // namespace vlac
