#pragma once
// The text of a meta-command line (`.input camera=data/camera.csv`): its words, and the names
// in them. Internal to the REPL session.

#include <string>
#include <string_view>
#include <vector>

namespace vlac::repl {

/// `s` without leading and trailing blanks.
std::string trim(std::string_view s);

/// Splits a meta-command's arguments at blanks; '...' or "..." quote an argument with blanks.
std::vector<std::string> split_args(std::string_view s);

/// A plain name: a letter or '_', then letters, digits and '_'.
bool is_identifier(std::string_view s);

/// The names, separated by ", ": "camera, radar".
std::string join_names(const std::vector<std::string>& names);

/// A stream name as typed in a meta-command: plain, or "quoted" (with "" for a quote).
std::string unquote_name(std::string s);

}  // namespace vlac::repl
