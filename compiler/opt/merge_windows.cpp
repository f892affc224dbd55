// merge-windows: window aggregates of one program that window the same input share one slice
// store (runtime/ops/slice_store.h): the rows are read once and each updates one slice for all
// of them; each aggregate fires its own windows from the shared slices and feeds its own
// readers. The first of a group owns the store (and its accumulators hold every member's
// aggregates, identical ones once); lowering makes the others read it.
//
// Aggregates share when they read the same pre-window plan (the same node, or nodes of the same
// structure: each query's own copy of `WHERE brightness > 0.05` over one source; the members
// then all read the first one's, so the filter runs once too), window the same time column with TUMBLE, HOP or CUMULATE, group by the same keys
// and have the same WITH capacities, and their windows are runs of one slice length: the gcd of
// all sizes and slides, with offsets equal modulo it. Not merged:
//   - SESSION windows and joins (their state is not slices);
//   - an aggregate whose windows would span more than kMaxMergedSlices slices of the common
//     length and more than on its own (TUMBLE 1 s with TUMBLE 7 ms would make 1 s of 1 ms slices);
//   - an aggregate from which rows reach a node with several inputs (UNION ALL, a join): sharing
//     changes when its results are emitted relative to other operators' (one operator fires all
//     its outputs in turn), which such a node could observe in its output order.
#include <map>
#include <numeric>

#include "opt/passes.h"
#include "opt/plan_walk.h"
#include "plan/explain_parts.h"
#include "runtime/ops/slice_store.h"
#include "runtime/scalar/time_math.h"

namespace vlac {
namespace {

constexpr int64_t kMaxMergedSlices = 100;

/// The slide of a window's grid (TUMBLE: its size).
int64_t grid_slide(const WindowSpec& w) { return w.kind == WindowKind::Tumble ? w.size : w.slide; }

/// The slice length a window needs alone: its size for TUMBLE, slice-windows' otherwise.
int64_t own_slice(const WindowSpec& w) { return w.kind == WindowKind::Tumble ? w.size : slice_length(w); }

bool shareable(const WindowAggregateNode& n) {
  const WindowSpec& w = n.window;
  if (w.kind == WindowKind::Session || w.size <= 0 || grid_slide(w) <= 0) return false;
  return own_slice(w) > 0;
}

/// True when each window of `w` spans few enough slices of length `g`.
bool slices_fit(const WindowSpec& w, int64_t g) {
  int64_t own = own_slice(w);
  return w.size / g <= std::max<int64_t>(kMaxMergedSlices, w.size / own);
}

std::string keys_text(const WindowAggregateNode& n) {
  std::vector<std::string> names = all_names(n.inputs[0]->schema);
  std::string s;
  for (const auto& k : n.keys) s += to_string(*k, names) + "\x1f" + type_name(k->type.type) + "\x1e";
  return s;
}

/// A node's plan as text (kinds, expressions, schemas, down to the sources): equal texts are the
/// same computation over the same streams.
std::string plan_text(const PlanNode& n, std::map<const PlanNode*, std::string>& memo) {
  auto it = memo.find(&n);
  if (it != memo.end()) return it->second;
  std::string s = plan_kind_name(n.kind) + " " + detail_text(n) + " " + schema_text(n.schema) + " [";
  for (const auto& in : n.inputs) s += plan_text(*in, memo) + ";";
  s += "]";
  return memo[&n] = s;
}

/// The nodes from which rows reach a node with several inputs.
std::map<const PlanNode*, bool> feeds_multi_input(const LogicalProgram& program) {
  std::map<const PlanNode*, std::vector<const PlanNode*>> readers;
  std::vector<PlanNode*> order = nodes_bottom_up(program);
  for (PlanNode* n : order)
    for (const auto& in : n->inputs) readers[in.get()].push_back(n);
  std::map<const PlanNode*, bool> feeds;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {  // readers before the nodes they read
    bool f = false;
    for (const PlanNode* r : readers[*it]) f = f || r->inputs.size() > 1 || feeds[r];
    feeds[*it] = f;
  }
  return feeds;
}

struct Group {
  std::vector<WindowAggregateNode*> members;
  int64_t slice = 0;
};

}  // namespace

int merge_windows(LogicalProgram& program) {
  std::map<const PlanNode*, bool> feeds = feeds_multi_input(program);
  std::map<const PlanNode*, std::string> texts;
  // Candidates by what they must share: input, time column, keys, capacities. Groups are kept
  // in the order their first member comes in the plan, so that ids are deterministic.
  std::vector<Group> groups;
  std::map<std::string, std::vector<size_t>> by_key;
  for (PlanNode* n : nodes_bottom_up(program)) {
    if (n->kind != PlanKind::WindowAggregate) continue;
    auto& agg = static_cast<WindowAggregateNode&>(*n);
    if (!shareable(agg) || feeds[n] || agg.shared_operator >= 0) continue;
    std::string capacities = std::to_string(agg.capacities.max_keys.value_or(-1)) + "/" +
                             std::to_string(agg.capacities.max_open_windows.value_or(-1));
    std::string key = plan_text(*agg.inputs[0], texts) + "|" +
                      std::to_string(agg.window.time_column) + "|" + capacities + "|" + keys_text(agg);
    bool placed = false;
    for (size_t index : by_key[key]) {
      Group& g = groups[index];
      if (static_cast<int>(g.members.size()) == rt::kMaxSliceReaders) continue;
      int64_t slice = std::gcd(g.slice, std::gcd(agg.window.size, grid_slide(agg.window)));
      bool fits = rt::floor_mod(agg.window.offset, slice) == rt::floor_mod(g.members[0]->window.offset, slice) &&
                  slices_fit(agg.window, slice);
      for (WindowAggregateNode* m : g.members) fits = fits && slices_fit(m->window, slice);
      if (!fits) continue;
      g.members.push_back(&agg);
      g.slice = slice;
      placed = true;
      break;
    }
    if (!placed) {
      by_key[key].push_back(groups.size());
      groups.push_back(Group{{&agg}, std::gcd(agg.window.size, grid_slide(agg.window))});
    }
  }
  int merged = 0, next_id = 0;
  for (PlanNode* n : nodes_bottom_up(program))  // ids go on after those already given
    if (n->kind == PlanKind::WindowAggregate)
      next_id = std::max(next_id, static_cast<WindowAggregateNode*>(n)->shared_operator + 1);
  for (Group& g : groups) {
    if (g.members.size() < 2) continue;
    for (WindowAggregateNode* m : g.members) {
      m->shared_operator = next_id;
      m->window.slice = g.slice;
      m->inputs[0] = g.members[0]->inputs[0];  // one pre-window plan for all: it runs once
    }
    ++next_id;
    merged += static_cast<int>(g.members.size());
  }
  return merged;
}

}  // namespace vlac
