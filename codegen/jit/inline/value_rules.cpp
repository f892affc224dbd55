// The value rules the JIT links as LLVM bitcode (issue 12, docs/decisions.md): C-named wrappers
// around the runtime's inline functions (runtime/scalar/), which the C++ backend calls directly.
// Built by clang++ -O2 -emit-llvm at build time and embedded in vlac; the JIT declares a
// function by the type it has here, links the module in with LinkOnlyNeeded and inlines it
// (codegen/jit/value_rules.cpp). Not compiled into vlac as machine code.
//
// Rules over accumulator fields take pointers to the fields (8-byte aligned in a row layout), so
// that the inlined code loads and stores exactly the fields the C++ backend's kernels do. A NULL
// result goes to *null.

#include <cstdint>

#include "runtime/scalar/aggregates.h"
#include "runtime/scalar/arithmetic.h"
#include "runtime/scalar/math_functions.h"
#include "runtime/scalar/variance.h"

using namespace vlac::rt;

extern "C" {

// ---- accumulators: STDDEV_* / VAR_* (runtime/scalar/variance.h) ----------------------------------

void vlac_rule_variance_add(int64_t* n, double* pivot, double* mean, double* m2, double x) {
  const VarianceMoments r = variance_add(VarianceMoments{*n, *pivot, *mean, *m2}, x);
  *n = r.n, *pivot = r.pivot, *mean = r.mean, *m2 = r.m2;
}
void vlac_rule_variance_merge(int64_t* n, double* pivot, double* mean, double* m2, const int64_t* other_n, const double* other_pivot,
                              const double* other_mean, const double* other_m2) {
  if (*other_n == 0) return;  // variance_merge keeps the accumulator: no stores
  const VarianceMoments r =
      variance_merge(VarianceMoments{*n, *pivot, *mean, *m2}, VarianceMoments{*other_n, *other_pivot, *other_mean, *other_m2});
  *n = r.n, *pivot = r.pivot, *mean = r.mean, *m2 = r.m2;
}
double vlac_rule_variance_finalize(int64_t n, double m2, bool sample, bool stddev, bool* null) {
  return variance_finalize(n, m2, sample, stddev, null);
}

// ---- accumulators: FIRST_VALUE / LAST_VALUE, AVG (runtime/scalar/aggregates.h) ---------------------

bool vlac_rule_first_value_replaces(int64_t time, int64_t seq, int64_t kept_time, int64_t kept_seq) {
  return first_value_replaces(time, seq, kept_time, kept_seq);
}
bool vlac_rule_last_value_replaces(int64_t time, int64_t seq, int64_t kept_time, int64_t kept_seq) {
  return last_value_replaces(time, seq, kept_time, kept_seq);
}
double vlac_rule_average(double sum, int64_t n, bool* null) { return average(sum, n, null); }
void vlac_rule_wide_sum_add(int64_t* high, int64_t* low, int64_t x) { wide_sum_add(high, low, x); }
void vlac_rule_wide_sum_merge(int64_t* high, int64_t* low, int64_t other_high, int64_t other_low) {
  wide_sum_merge(high, low, other_high, other_low);
}
double vlac_rule_wide_average(int64_t high, int64_t low, int64_t n, bool* null) { return wide_average(high, low, n, null); }

// ---- MIN / MAX / LEAST / GREATEST / CLAMP order (runtime/scalar/arithmetic.h) --------------------

bool vlac_rule_less_ranked_f32(float x, float cur) { return less_ranked(x, cur); }
bool vlac_rule_less_ranked_f64(double x, double cur) { return less_ranked(x, cur); }
bool vlac_rule_greater_ranked_f32(float x, float cur) { return greater_ranked(x, cur); }
bool vlac_rule_greater_ranked_f64(double x, double cur) { return greater_ranked(x, cur); }

// ---- division, modulo, casts, join keys, ABS, SIGN (runtime/scalar/arithmetic.h) ----------------------------------

int32_t vlac_rule_div_i32(int32_t a, int32_t b, bool* null) { return checked_div(a, b, null); }
int64_t vlac_rule_div_i64(int64_t a, int64_t b, bool* null) { return checked_div(a, b, null); }
float vlac_rule_div_f32(float a, float b, bool* null) { return checked_div(a, b, null); }
double vlac_rule_div_f64(double a, double b, bool* null) { return checked_div(a, b, null); }
int32_t vlac_rule_mod_i32(int32_t a, int32_t b, bool* null) { return checked_mod(a, b, null); }
int64_t vlac_rule_mod_i64(int64_t a, int64_t b, bool* null) { return checked_mod(a, b, null); }
float vlac_rule_mod_f32(float a, float b, bool* null) { return checked_mod(a, b, null); }
double vlac_rule_mod_f64(double a, double b, bool* null) { return checked_mod(a, b, null); }
int32_t vlac_rule_float_to_i32(double x, bool* null) { return float_to_int32(x, null); }
int64_t vlac_rule_float_to_i64(double x, bool* null) { return float_to_int64(x, null); }
int32_t vlac_rule_narrow_i32(int64_t x, bool* null) { return narrow_int32(x, null); }
float vlac_rule_join_key_f32(float x, bool* null) { return join_key_float(x, null); }
double vlac_rule_join_key_f64(double x, bool* null) { return join_key_float(x, null); }
int32_t vlac_rule_abs_i32(int32_t x) { return abs_of(x); }
int64_t vlac_rule_abs_i64(int64_t x) { return abs_of(x); }
float vlac_rule_abs_f32(float x) { return abs_of(x); }
double vlac_rule_abs_f64(double x) { return abs_of(x); }
int32_t vlac_rule_sign_i32(int32_t x) { return sign_of(x); }
int64_t vlac_rule_sign_i64(int64_t x) { return sign_of(x); }
float vlac_rule_sign_f32(float x) { return sign_of(x); }
double vlac_rule_sign_f64(double x) { return sign_of(x); }

// ---- numeric functions (runtime/scalar/math_functions.h) ------------------------------------------

double vlac_rule_sqrt(double x, bool* null) { return sqrt_checked(x, null); }
double vlac_rule_ln(double x, bool* null) { return ln_checked(x, null); }
double vlac_rule_log10(double x, bool* null) { return log10_checked(x, null); }
double vlac_rule_power(double x, double y, bool* null) { return power_checked(x, y, null); }
double vlac_rule_asin(double x, bool* null) { return asin_checked(x, null); }
double vlac_rule_acos(double x, bool* null) { return acos_checked(x, null); }
double vlac_rule_sin(double x, bool* null) { return sin_checked(x, null); }
double vlac_rule_cos(double x, bool* null) { return cos_checked(x, null); }
double vlac_rule_tan(double x, bool* null) { return tan_checked(x, null); }
int64_t vlac_rule_round_i64(int64_t x, int32_t digits) { return round_integer(x, digits); }

}  // extern "C"
