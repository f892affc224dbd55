#pragma once
// The pieces every view of a plan shares (explain text, JSON and Graphviz), so that they name
// nodes, operators, schemas and watermarks the same way.

#include <string>
#include <vector>

#include "plan/logical_plan.h"

namespace vlac {

/// The nodes of the DAG in the order a depth-first walk from the outputs first meets them
/// (inputs before the node): a node's position is its id (`#3`), one per shared node.
std::vector<const PlanNode*> topological_order(const LogicalProgram& p);

/// The operator-specific part of a node's first line: `TUMBLE(ts, 1s) keys=[cam_id] ...`.
std::string detail_text(const PlanNode& n);
/// `[ts TIMESTAMP NOT NULL *time*, cam_id INT32, ...]`
std::string schema_text(const Schema& s);
/// Where the node's watermark comes from: `ts - 50ms`, `input's`, `min of inputs`, ...
std::string watermark_text(const PlanNode& n);

}  // namespace vlac
