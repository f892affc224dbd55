#include "sema/scope.h"

#include <algorithm>
#include <cctype>

namespace vlac {

int Scope::add(std::string name, const Schema& schema) {
  int first = schema_.size();
  relations_.push_back({std::move(name), first, schema.size()});
  for (const Column& c : schema.columns) schema_.columns.push_back(c);
  return first;
}

const ScopeRelation* Scope::find_relation(const std::string& name) const {
  for (const ScopeRelation& r : relations_)
    if (r.name == name) return &r;
  return nullptr;
}

std::vector<std::string> Scope::resolvable_names(const ScopeRelation* only) const {
  std::vector<std::string> names;
  for (const ScopeRelation& r : relations_) {
    if (only && &r != only) continue;
    for (int i = r.first_column; i < r.first_column + r.column_count; ++i)
      if (schema_.columns[i].resolvable) names.push_back(schema_.columns[i].name);
  }
  return names;
}

std::optional<int> Scope::resolve(const std::optional<std::string>& qualifier, const std::string& name,
                                  SourceRange qualifier_range, SourceRange range, Diagnostics& diags) const {
  const ScopeRelation* only = nullptr;
  if (qualifier) {
    only = find_relation(*qualifier);
    if (!only) {
      std::vector<std::string> rel_names;
      for (const ScopeRelation& r : relations_)
        if (!r.name.empty()) rel_names.push_back(r.name);
      diags.error(qualifier_range, "unknown stream or alias '" + *qualifier + "'", did_you_mean(*qualifier, rel_names));
      return std::nullopt;
    }
  }
  std::vector<int> found;
  std::vector<std::string> owners;
  for (const ScopeRelation& r : relations_) {
    if (only && &r != only) continue;
    for (int i = r.first_column; i < r.first_column + r.column_count; ++i) {
      const Column& c = schema_.columns[i];
      if (c.resolvable && c.name == name) {
        found.push_back(i);
        owners.push_back(r.name);
        break;
      }
    }
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    std::string where = only ? " in '" + only->name + "'" : "";
    diags.error(range, "unknown column '" + name + "'" + where, did_you_mean(name, resolvable_names(only)));
    return std::nullopt;
  }
  std::string hint = "qualify it: ";
  for (size_t i = 0; i < owners.size(); ++i) hint += (i ? " or " : "") + owners[i] + "." + name;
  diags.error(range, "column '" + name + "' is ambiguous", hint);
  return std::nullopt;
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(static_cast<unsigned char>(a[i - 1])) !=
                                  std::tolower(static_cast<unsigned char>(b[j - 1])));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::optional<std::string> nearest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  auto n = nearest_name(name, candidates);
  return n ? "did you mean '" + *n + "'?" : "";
}

}  // namespace vlac
