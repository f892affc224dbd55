#pragma once
// Prints a logical program for people (`vlac explain`), as stable JSON (`vlac explain --format
// json`, documented in docs/explain-json.md) and as a Graphviz graph (`--format dot`, in
// explain_dot.cpp). Never parsed back.

#include <string>

#include <nlohmann/json.hpp>

#include "plan/logical_plan.h"

namespace vlac {

std::string explain_text(const LogicalProgram& program);
nlohmann::ordered_json explain_json(const LogicalProgram& program);
/// The dataflow as a DOT digraph: operators (kind, detail, schema, watermark), edges from inputs
/// to readers, outputs as ellipses; window aggregates sharing one operator in one cluster.
std::string explain_dot(const LogicalProgram& program);

}  // namespace vlac
