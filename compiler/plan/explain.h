#pragma once
// Prints a logical program for people (`vlac explain`) and as stable JSON
// (`vlac explain --format json`, documented in docs/explain-json.md). Never parsed back.

#include <string>

#include <nlohmann/json.hpp>

#include "plan/logical_plan.h"

namespace vlac {

std::string explain_text(const LogicalProgram& program);
nlohmann::ordered_json explain_json(const LogicalProgram& program);

}  // namespace vlac
