#pragma once
// The catalog of built-in scalar functions and aggregates (LANGUAGE.md §4): names, arities and
// the typing rule each follows. The binder types calls from this table; the backends implement
// each id once.

#include <optional>
#include <string_view>
#include <vector>

namespace vlac {

enum class ScalarFunction {
  Abs, Sqrt, Exp, Ln, Log10, Power, Sin, Cos, Tan, Asin, Acos, Atan, Atan2,
  Floor, Ceil, Round, Sign, Least, Greatest, Clamp, Length, Lower, Upper, Coalesce,
};

/// How a function's arguments and result are typed.
enum class Signature {
  NumericSame,   // one numeric argument, result of its type (ABS, SIGN, FLOOR, CEIL)
  RealMath,      // numeric arguments computed in FLOAT64 (SQRT, SIN, POWER, ...)
  Round,         // ROUND(x [, digits INT32]): result of x's type
  CommonType,    // all arguments brought to one type (LEAST, GREATEST, COALESCE, CLAMP)
  StringLength,  // LENGTH(STRING) -> INT32
  StringCase,    // LOWER/UPPER(STRING) -> the same STRING type
};

struct ScalarFunctionInfo {
  ScalarFunction id;
  std::string_view name;  // upper case, as printed
  int min_args;
  int max_args;  // -1: any number
  Signature signature;
  bool domain_errors;  // may give NULL for non-NULL arguments (SQRT(-1), LN(0), ...)
};

enum class AggregateFunction {
  CountStar, Count, Sum, Avg, Min, Max, StddevPop, StddevSamp, VarPop, VarSamp,
  FirstValue, LastValue, Lag,
};

struct AggregateInfo {
  AggregateFunction id;
  std::string_view name;
  bool over_only;  // LAG exists only with OVER
};

/// Looks a function up by name, case-insensitively; nullptr when it is not one.
const ScalarFunctionInfo* find_scalar_function(std::string_view name);
const ScalarFunctionInfo& scalar_function_info(ScalarFunction id);
const AggregateInfo* find_aggregate(std::string_view name);
const AggregateInfo& aggregate_info(AggregateFunction id);

/// Every function and aggregate name, for "did you mean" hints and completion.
std::vector<std::string_view> all_function_names();

/// What vlac calls a function that other SQL dialects name differently, for hints:
/// "STDDEV_POP or STDDEV_SAMP" for STDDEV, "AVG" for MEAN; empty when `name` is not such a name.
std::string_view vlac_name_for(std::string_view name);

}  // namespace vlac
