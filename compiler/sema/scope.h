#pragma once
// Name resolution inside one SELECT: the relations of its FROM clause, each under its alias or
// stream name, laid side by side in one input row.

#include "runtime/nearest_name.h"
#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostics.h"
#include "plan/schema.h"

namespace vlac {

struct ScopeRelation {
  std::string name;  // alias, or the stream's name; empty for an unnamed subquery
  int first_column = 0;
  int column_count = 0;
};

class Scope {
 public:
  /// Appends a relation whose columns are `schema`'s; returns the index of its first column.
  int add(std::string name, const Schema& schema);

  const Schema& schema() const { return schema_; }
  /// Replaces the column types after a join made one side nullable.
  void set_schema(const Schema& s) { schema_ = s; }
  const std::vector<ScopeRelation>& relations() const { return relations_; }
  const ScopeRelation* find_relation(const std::string& name) const;

  /// Resolves `qualifier.name` or `name`; reports an error with a hint and returns nullopt.
  std::optional<int> resolve(const std::optional<std::string>& qualifier, const std::string& name,
                             SourceRange qualifier_range, SourceRange range, Diagnostics& diags) const;

 private:
  std::vector<std::string> resolvable_names(const ScopeRelation* only) const;

  Schema schema_;
  std::vector<ScopeRelation> relations_;
};


}  // namespace vlac
