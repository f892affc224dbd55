#include "repl/completion.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "stdlib/functions.h"

namespace vlac::repl {
namespace {

const std::vector<std::string>& sql_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w = {
        // keywords (grammar/Vlac.g4)
        "ALL", "AND", "AS", "ASC", "ASOF", "BETWEEN", "BY", "CASE", "CAST", "CREATE", "CURRENT", "ELSE", "END",
        "FALSE", "FOR", "FROM", "GROUP", "HAVING", "IN", "INNER", "INTERVAL", "IS", "JOIN", "LEFT", "LIKE", "NOT",
        "NULL", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRECEDING", "RANGE", "ROW", "ROWS", "SELECT",
        "STREAM", "SUBSTRING", "THEN", "TIMESTAMP", "TRUE", "UNBOUNDED", "UNION", "WATERMARK", "WHEN", "WHERE",
        "WITH",
        // types
        "BOOL", "INT32", "INT", "INT64", "BIGINT", "FLOAT32", "REAL", "FLOAT64", "DOUBLE", "STRING",
        // interval units
        "NANOSECOND", "MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY",
        // window table functions
        "TUMBLE", "HOP", "SESSION", "CUMULATE"};
    for (std::string_view f : all_function_names()) w.emplace_back(f);
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    return w;
  }();
  return words;
}

const std::vector<std::string> kWindowFunctions = {"CUMULATE", "HOP", "SESSION", "TUMBLE"};
const std::vector<std::string> kWindowColumns = {"window_end", "window_start", "window_time"};
const std::vector<std::string> kWithOptions = {"max_buffered_rows", "max_keys", "max_open_windows"};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  return true;
}

/// Words typed in lower case get keywords in lower case.
bool wants_lower(std::string_view word) {
  bool letter = false;
  for (char c : word) {
    if (std::isupper(static_cast<unsigned char>(c))) return false;
    letter |= std::isalpha(static_cast<unsigned char>(c)) != 0;
  }
  return letter;
}

/// Identifiers of `text` outside strings and comments, in order.
std::vector<std::string> identifiers(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      size_t e = text.find(c, i + 1);
      if (c == '"' && e != std::string_view::npos) out.emplace_back(text.substr(i + 1, e - i - 1));
      i = e == std::string_view::npos ? text.size() : e + 1;
    } else if (text.substr(i, 2) == "--") {
      size_t e = text.find('\n', i);
      i = e == std::string_view::npos ? text.size() : e + 1;
    } else if (text.substr(i, 2) == "/*") {
      size_t e = text.find("*/", i + 2);
      i = e == std::string_view::npos ? text.size() : e + 2;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t b = i;
      while (i < text.size() && is_word_char(text[i])) ++i;
      out.emplace_back(text.substr(b, i - b));
    } else {
      ++i;
    }
  }
  return out;
}

void add_identifiers(std::set<std::string>& out, const std::vector<std::string>& names, std::string_view word) {
  std::vector<std::string> exact;
  for (const std::string& n : names)
    if (n.compare(0, word.size(), word) == 0) exact.push_back(n);
  if (exact.empty())
    for (const std::string& n : names)
      if (starts_with_ci(n, word)) exact.push_back(n);
  out.insert(exact.begin(), exact.end());
}

void add_keywords(std::set<std::string>& out, const std::vector<std::string>& words, std::string_view word) {
  const bool low = wants_lower(word);
  for (const std::string& w : words)
    if (starts_with_ci(w, word)) out.insert(low ? lower(w) : w);
}

Completions finish(std::set<std::string> set, size_t begin, std::string word, bool space = true) {
  Completions c;
  c.word_begin = begin;
  c.word = std::move(word);
  c.candidates.assign(set.begin(), set.end());
  c.add_space = space;
  return c;
}

Completions complete_meta(const Catalog& catalog, std::string_view line) {
  size_t lead = 0;
  while (lead < line.size() && std::isspace(static_cast<unsigned char>(line[lead]))) ++lead;
  size_t cmd_end = lead;
  while (cmd_end < line.size() && !std::isspace(static_cast<unsigned char>(line[cmd_end]))) ++cmd_end;
  if (cmd_end == line.size()) {  // the command itself
    std::string word(line.substr(lead));
    std::set<std::string> set;
    for (const std::string& n : meta_command_names())
      if (n.compare(0, word.size(), word) == 0) set.insert(n);
    return finish(std::move(set), lead, word);
  }
  const std::string cmd(line.substr(lead, cmd_end - lead));
  size_t begin = line.size();
  while (begin > cmd_end && !std::isspace(static_cast<unsigned char>(line[begin - 1]))) --begin;
  std::string word(line.substr(begin));
  std::set<std::string> set;
  auto from = [&](const std::vector<std::string>& v) {
    for (const std::string& s : v)
      if (s.compare(0, word.size(), word) == 0) set.insert(s);
  };
  if (cmd == ".schema") {
    add_identifiers(set, catalog.streams, word);
  } else if (cmd == ".format" || cmd == ".mode") {
    from({"csv", "jsonl", "table"});
  } else if (cmd == ".timestamps") {
    from({"iso", "ns"});
  } else if (cmd == ".help") {
    from(meta_command_names());
  } else if (cmd == ".load" || cmd == ".read" || cmd == ".save") {
    std::vector<std::string> files = complete_file_name(word);
    set.insert(files.begin(), files.end());
    bool dir = set.size() == 1 && !set.begin()->empty() && set.begin()->back() == '/';
    return finish(std::move(set), begin, word, !dir);
  } else if (cmd == ".input") {
    size_t eq = word.find('=');
    if (eq == std::string::npos) {
      std::set<std::string> names;
      add_identifiers(names, catalog.sources, word);
      for (const std::string& n : names) set.insert(n + "=");
      return finish(std::move(set), begin, word, false);
    }
    std::string path = word.substr(eq + 1);
    std::vector<std::string> files = complete_file_name(path);
    if (std::string("-").compare(0, path.size(), path) == 0) files.push_back("-");
    set.insert(files.begin(), files.end());
    bool dir = set.size() == 1 && set.begin()->back() == '/';
    return finish(std::move(set), begin + eq + 1, path, !dir);
  } else if (cmd == ".explain") {
    // A stream name, or a query: SQL completion over what follows the command.
    Completions c = complete(catalog, "", line.substr(cmd_end));
    c.word_begin += cmd_end;
    if (line.substr(cmd_end).find_first_not_of(" \t") == begin - cmd_end) {  // the first word
      std::set<std::string> more(c.candidates.begin(), c.candidates.end());
      add_identifiers(more, catalog.streams, word);
      c.candidates.assign(more.begin(), more.end());
    }
    return c;
  }
  return finish(std::move(set), begin, word);
}

}  // namespace

std::string common_prefix(const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  std::string p = candidates[0];
  for (const std::string& c : candidates) {
    size_t n = 0;
    while (n < p.size() && n < c.size() && p[n] == c[n]) ++n;
    p.resize(n);
  }
  return p;
}

std::vector<std::string> complete_file_name(const std::string& prefix) {
  std::vector<std::string> out;
  size_t slash = prefix.rfind('/');
  std::string dir = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  DIR* d = opendir(dir.empty() ? "." : dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (name[0] == '.' && (base.empty() || base[0] != '.')) continue;
    if (name.compare(0, base.size(), base) != 0) continue;
    std::string full = dir + name;
    struct stat st {};
    if (::stat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) full += '/';
    out.push_back(full);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Completions complete(const Catalog& catalog, std::string_view pending, std::string_view line) {
  const bool fresh = is_blank(pending);
  if (fresh) {
    size_t lead = line.find_first_not_of(" \t");
    if (lead != std::string_view::npos && line[lead] == '.') return complete_meta(catalog, line);
  }
  std::string text = std::string(pending) + std::string(line);
  LexMode mode = lex_mode_at_end(text);
  if (mode != LexMode::Code) return finish({}, line.size(), "");

  size_t begin = line.size();
  while (begin > 0 && is_word_char(line[begin - 1])) --begin;
  std::string word(line.substr(begin));
  if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0]))) return finish({}, begin, word);  // a number

  // What precedes the word: a qualifier ("c." or "camera.") or a keyword.
  std::string before = text.substr(0, text.size() - word.size());
  std::set<std::string> set;
  std::vector<std::string> ids = identifiers(before);
  std::set<std::string> mentioned;
  for (const std::string& id : ids)
    if (catalog.columns.count(id)) mentioned.insert(id);
  bool windowed = false;
  for (const std::string& id : ids)
    windowed |= std::find(kWindowFunctions.begin(), kWindowFunctions.end(), upper(id)) != kWindowFunctions.end();

  std::vector<std::string> columns;
  auto add_columns_of = [&](const std::string& s) {
    auto it = catalog.columns.find(s);
    if (it != catalog.columns.end()) columns.insert(columns.end(), it->second.begin(), it->second.end());
  };
  if (mentioned.empty()) {
    for (const auto& [s, _] : catalog.columns) add_columns_of(s);
  } else {
    for (const std::string& s : mentioned) add_columns_of(s);
  }
  if (windowed) columns.insert(columns.end(), kWindowColumns.begin(), kWindowColumns.end());

  size_t k = before.size();
  while (k > 0 && (before[k - 1] == ' ' || before[k - 1] == '\t' || before[k - 1] == '\n' || before[k - 1] == '\r')) --k;
  if (!before.empty() && before.back() == '.') {
    // qualifier.column
    size_t q = before.size() - 1;
    while (q > 0 && is_word_char(before[q - 1])) --q;
    std::string qualifier = before.substr(q, before.size() - 1 - q);
    std::vector<std::string> cols;
    auto it = catalog.columns.find(qualifier);
    if (it != catalog.columns.end()) {
      cols = it->second;
    } else {
      cols = columns;
    }
    add_identifiers(set, cols, word);
    return finish(std::move(set), begin, word);
  }
  std::string previous;
  {
    size_t e = k;
    size_t b = e;
    while (b > 0 && is_word_char(before[b - 1])) --b;
    previous = upper(before.substr(b, e - b));
  }
  const char previous_char = k > 0 ? before[k - 1] : '\0';
  bool after_window_paren = false;
  if (previous_char == '(') {
    size_t e = k - 1;
    while (e > 0 && (before[e - 1] == ' ' || before[e - 1] == '\t')) --e;
    size_t b = e;
    while (b > 0 && is_word_char(before[b - 1])) --b;
    std::string fn = upper(before.substr(b, e - b));
    after_window_paren = std::find(kWindowFunctions.begin(), kWindowFunctions.end(), fn) != kWindowFunctions.end();
  }
  if (previous == "FROM" || previous == "JOIN" || after_window_paren) {
    add_identifiers(set, catalog.streams, word);
    if (!after_window_paren) add_keywords(set, kWindowFunctions, word);
    return finish(std::move(set), begin, word);
  }
  if (word.empty()) return finish({}, begin, word);  // everything would be too much
  add_keywords(set, sql_words(), word);
  add_identifiers(set, catalog.streams, word);
  add_identifiers(set, columns, word);
  bool with = std::any_of(ids.begin(), ids.end(), [](const std::string& id) { return upper(id) == "WITH"; });
  if (with && (previous == "WITH" || previous_char == '(' || previous_char == ',')) add_identifiers(set, kWithOptions, word);
  return finish(std::move(set), begin, word);
}

}  // namespace vlac::repl
