#include "stdlib/functions.h"

#include <cctype>
#include <string>
#include <utility>

namespace vlac {
namespace {

constexpr ScalarFunctionInfo kScalar[] = {
    {ScalarFunction::Abs, "ABS", 1, 1, Signature::NumericSame, false},
    {ScalarFunction::Sqrt, "SQRT", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Exp, "EXP", 1, 1, Signature::RealMath, false},
    {ScalarFunction::Ln, "LN", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Log10, "LOG10", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Power, "POWER", 2, 2, Signature::RealMath, true},
    {ScalarFunction::Sin, "SIN", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Cos, "COS", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Tan, "TAN", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Asin, "ASIN", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Acos, "ACOS", 1, 1, Signature::RealMath, true},
    {ScalarFunction::Atan, "ATAN", 1, 1, Signature::RealMath, false},
    {ScalarFunction::Atan2, "ATAN2", 2, 2, Signature::RealMath, false},
    {ScalarFunction::Floor, "FLOOR", 1, 1, Signature::NumericSame, false},
    {ScalarFunction::Ceil, "CEIL", 1, 1, Signature::NumericSame, false},
    {ScalarFunction::Round, "ROUND", 1, 2, Signature::Round, false},
    {ScalarFunction::Sign, "SIGN", 1, 1, Signature::NumericSame, false},
    {ScalarFunction::Least, "LEAST", 1, -1, Signature::CommonType, false},
    {ScalarFunction::Greatest, "GREATEST", 1, -1, Signature::CommonType, false},
    {ScalarFunction::Clamp, "CLAMP", 3, 3, Signature::CommonType, false},
    {ScalarFunction::Length, "LENGTH", 1, 1, Signature::StringLength, false},
    {ScalarFunction::Lower, "LOWER", 1, 1, Signature::StringCase, false},
    {ScalarFunction::Upper, "UPPER", 1, 1, Signature::StringCase, false},
    {ScalarFunction::Coalesce, "COALESCE", 1, -1, Signature::CommonType, false},
};

constexpr AggregateInfo kAggregates[] = {
    {AggregateFunction::CountStar, "COUNT", false},   // COUNT(*): chosen by the binder
    {AggregateFunction::Count, "COUNT", false},
    {AggregateFunction::Sum, "SUM", false},
    {AggregateFunction::Avg, "AVG", false},
    {AggregateFunction::Min, "MIN", false},
    {AggregateFunction::Max, "MAX", false},
    {AggregateFunction::StddevPop, "STDDEV_POP", false},
    {AggregateFunction::StddevSamp, "STDDEV_SAMP", false},
    {AggregateFunction::VarPop, "VAR_POP", false},
    {AggregateFunction::VarSamp, "VAR_SAMP", false},
    {AggregateFunction::FirstValue, "FIRST_VALUE", false},
    {AggregateFunction::LastValue, "LAST_VALUE", false},
    {AggregateFunction::Lag, "LAG", true},
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const ScalarFunctionInfo* find_scalar_function(std::string_view name) {
  std::string u = upper(name);
  for (const auto& f : kScalar)
    if (f.name == u) return &f;
  return nullptr;
}

const ScalarFunctionInfo& scalar_function_info(ScalarFunction id) { return kScalar[static_cast<int>(id)]; }

const AggregateInfo* find_aggregate(std::string_view name) {
  std::string u = upper(name);
  for (const auto& a : kAggregates)
    if (a.name == u && a.id != AggregateFunction::CountStar) return &a;
  return nullptr;
}

const AggregateInfo& aggregate_info(AggregateFunction id) { return kAggregates[static_cast<int>(id)]; }

std::vector<std::string_view> all_function_names() {
  std::vector<std::string_view> names;
  for (const auto& f : kScalar) names.push_back(f.name);
  for (const auto& a : kAggregates)
    if (a.id != AggregateFunction::CountStar) names.push_back(a.name);
  return names;
}

std::string_view vlac_name_for(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kOtherNames[] = {
      {"STDDEV", "STDDEV_POP or STDDEV_SAMP"}, {"STDEV", "STDDEV_POP or STDDEV_SAMP"},
      {"STDDEVP", "STDDEV_POP"},               {"STDEVP", "STDDEV_POP"},
      {"VARIANCE", "VAR_POP or VAR_SAMP"},     {"VAR", "VAR_POP or VAR_SAMP"},
      {"VARP", "VAR_POP"},                     {"MEAN", "AVG"},
      {"AVERAGE", "AVG"},                      {"FIRST", "FIRST_VALUE"},
      {"LAST", "LAST_VALUE"},                  {"LEN", "LENGTH"},
      {"CHAR_LENGTH", "LENGTH"},               {"CEILING", "CEIL"},
      {"POW", "POWER"},                        {"LOG", "LN or LOG10"},
      {"IFNULL", "COALESCE"},                  {"NVL", "COALESCE"},
      {"ISNULL", "COALESCE"},                  {"LCASE", "LOWER"},
      {"UCASE", "UPPER"},                      {"SUBSTR", "SUBSTRING(s FROM i FOR n)"},
  };
  const std::string u = upper(name);
  for (auto [other, ours] : kOtherNames)
    if (other == u) return ours;
  return {};
}

}  // namespace vlac
