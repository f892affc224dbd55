#include "plan/operator_params.h"

namespace vlac {

std::string window_kind_name(WindowKind k) {
  switch (k) {
    case WindowKind::Tumble: return "TUMBLE";
    case WindowKind::Hop: return "HOP";
    case WindowKind::Session: return "SESSION";
    case WindowKind::Cumulate: return "CUMULATE";
  }
  return "?";
}

AggregateCall AggregateCall::clone() const {
  return {function, arg ? arg->clone() : nullptr, result, range};
}

OverCall OverCall::clone() const {
  OverCall c;
  c.function = function;
  c.arg = arg ? arg->clone() : nullptr;
  c.result = result;
  c.unit = unit;
  c.unbounded = unbounded;
  c.preceding = preceding;
  c.lag_offset = lag_offset;
  c.range = range;
  return c;
}

}  // namespace vlac
