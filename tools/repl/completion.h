#pragma once
// Tab completion for the REPL: what may complete the word before the cursor, given the
// unfinished statement typed on earlier lines and the session's streams. Keywords, built-in
// functions, types and units match case-insensitively and are offered in the case the word was
// typed in (lower case when the word is all lower case); stream and column names keep theirs.

#include <string>
#include <string_view>
#include <vector>

#include "repl/session.h"

namespace vlac::repl {

struct Completions {
  size_t word_begin = 0;  // where the word being completed begins in the line
  std::string word;       // the text typed so far, replaced by a candidate
  std::vector<std::string> candidates;  // sorted, distinct
  bool add_space = true;  // after a unique candidate (not after "NAME=" or a directory)
};

/// `pending`: the unfinished statement's earlier lines; `line`: the current line up to the cursor.
Completions complete(const Catalog& catalog, std::string_view pending, std::string_view line);

/// The longest prefix shared by every candidate.
std::string common_prefix(const std::vector<std::string>& candidates);

/// File names that begin with `prefix` (a path); directories end in '/'.
std::vector<std::string> complete_file_name(const std::string& prefix);

}  // namespace vlac::repl
