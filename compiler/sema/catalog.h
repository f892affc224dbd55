#pragma once
// The streams a statement may read: those declared before it.

#include <map>
#include <set>
#include <string>

#include "plan/logical_plan.h"

namespace vlac {

struct StreamCatalog {
  std::map<std::string, PlanNodePtr> streams;          // declared so far
  std::map<std::string, SourceRange> declared_anywhere;  // every declaration, for hints
  std::set<std::string> broken;                        // declarations with syntax errors
  std::set<std::string> read;                          // streams some statement reads
  const SourceFile* file = nullptr;
};

}  // namespace vlac
