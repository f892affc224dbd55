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

}  // namespace vlac
