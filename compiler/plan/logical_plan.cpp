#include "plan/logical_plan.h"

#include <algorithm>

namespace vlac {

std::string plan_kind_name(PlanKind k) {
  switch (k) {
    case PlanKind::Source: return "Source";
    case PlanKind::Filter: return "Filter";
    case PlanKind::Project: return "Project";
    case PlanKind::WindowAssign: return "WindowAssign";
    case PlanKind::WindowAggregate: return "WindowAggregate";
    case PlanKind::GroupAggregate: return "GroupAggregate";
    case PlanKind::IntervalJoin: return "IntervalJoin";
    case PlanKind::AsofJoin: return "AsofJoin";
    case PlanKind::WindowJoin: return "WindowJoin";
    case PlanKind::Over: return "Over";
    case PlanKind::Union: return "Union";
  }
  return "?";
}

std::vector<std::string> visible_names(const Schema& s) {
  std::vector<std::string> out;
  for (const Column& c : s.columns)
    if (!c.hidden) out.push_back(c.name);
  return out;
}

std::vector<std::string> all_names(const Schema& s) {
  std::vector<std::string> out;
  for (const Column& c : s.columns) out.push_back(c.name);
  return out;
}

int plan_depth(const PlanNode& n, std::map<const PlanNode*, int>& memo) {
  auto it = memo.find(&n);
  if (it != memo.end()) return it->second;
  int below = 0;
  for (const auto& in : n.inputs) below = std::max(below, plan_depth(*in, memo));
  return memo[&n] = below + 1;
}

}  // namespace vlac
