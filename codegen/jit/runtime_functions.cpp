#include "codegen/jit/runtime_functions.h"

#include <cmath>
#include <cstring>

#include "runtime/exec_context.h"
#include "runtime/kernel_support.h"
#include "runtime/io/row_writer.h"
#include "runtime/ops/over.h"
#include "runtime/ops/string_arena.h"
#include "runtime/ops/hosted_operators.h"
#include "runtime/parallel/dealt_run.h"
#include "runtime/parallel/partitioned_aggregate.h"
#include "runtime/parallel/partitioned_asof_join.h"
#include "runtime/parallel/partitioned_interval_join.h"
#include "runtime/parallel/partitioned_over.h"
#include "runtime/parallel/partitioned_window_join.h"
#include "runtime/scalar/math_functions.h"
#include "runtime/scalar/string_functions.h"
#include "runtime/value_format.h"

namespace vlac::jit {
namespace {

using rt::ExecContext;

void window_aggregate_push(void* op, const uint8_t* row) {
  auto* aggregate = static_cast<rt::HostedWindowAggregate*>(op);
  // --threads: a partitioned aggregate deals the rows out to its partitions (one predictable branch).
  if (void* partitioned = aggregate->partitioned()) [[unlikely]] {
    // On a parser thread of a dealt run: the row goes to its key's partition's list.
    if (aggregate->dealing()) return static_cast<rt::KeyDealer<rt::HostedWindowAggregate>*>(partitioned)->deal(row);
    return static_cast<rt::PartitionedWindowAggregate*>(partitioned)->push(row);
  }
  aggregate->push(row);
}
void window_assign_push(void* op, const uint8_t* row) { static_cast<rt::HostedWindowAssign*>(op)->push(row); }
void output_push(void* sink, const uint8_t* row) { static_cast<rt::RowWriter*>(sink)->write(row); }
void interval_join_push(void* op, int32_t port, const uint8_t* row) {
  auto* join = static_cast<rt::HostedIntervalJoin*>(op);
  // --threads: a partitioned join deals the rows out to its partitions (one predictable branch).
  if (void* partitioned = join->partitioned()) [[unlikely]]
    return static_cast<rt::PartitionedIntervalJoin*>(partitioned)->push(port, row);
  join->push(port, row);
}
void asof_join_push(void* op, int32_t port, const uint8_t* row) {
  auto* join = static_cast<rt::HostedAsofJoin*>(op);
  // --threads: a partitioned join deals the rows out to its partitions (one predictable branch).
  if (void* partitioned = join->partitioned()) [[unlikely]]
    return static_cast<rt::PartitionedAsofJoin*>(partitioned)->push(port, row);
  join->push(port, row);
}
void window_join_push(void* op, int32_t port, const uint8_t* row) {
  auto* join = static_cast<rt::HostedWindowJoin*>(op);
  // --threads: a partitioned join deals the rows out to its partitions (one predictable branch).
  if (void* partitioned = join->partitioned()) [[unlikely]]
    return static_cast<rt::PartitionedWindowJoin*>(partitioned)->push(port, row);
  join->push(port, row);
}
void over_push(void* op, const uint8_t* row) {
  auto* over = static_cast<rt::HostedOver*>(op);
  // --threads: a partitioned OVER deals the rows out to its partitions (one predictable branch).
  if (void* partitioned = over->partitioned()) [[unlikely]] {
    // On a parser thread of a dealt run: the row goes to its key's partition's list.
    if (over->dealing()) return static_cast<rt::KeyDealer<rt::HostedOver>*>(partitioned)->deal(row);
    return static_cast<rt::PartitionedOver*>(partitioned)->push(row);
  }
  over->push(row);
}
char* scratch(ExecContext* ctx, uint32_t n) { return ctx->scratch.alloc(n); }
const char* arena_copy(rt::StringArena* a, const char* p, uint32_t n) { return a->copy(p, n); }
int32_t string_compare(const char* a, uint32_t al, const char* b, uint32_t bl) { return rt::string_compare(a, al, b, bl); }
int32_t like(const char* s, uint32_t sl, const char* p, uint32_t pl) { return rt::like_match(s, sl, p, pl); }
int32_t utf8_length(const char* s, uint32_t n) { return rt::utf8_length(s, n); }
int32_t substring(const char* s, uint32_t n, int64_t start, int64_t count, int32_t has_count, const char** out,
                  uint32_t* out_len) {
  return rt::utf8_substring(s, n, start, count, has_count != 0, out, out_len);
}
void upper(const char* s, uint32_t n, char* out) { rt::ascii_upper(s, n, out); }
void lower(const char* s, uint32_t n, char* out) { rt::ascii_lower(s, n, out); }
const char* concat(ExecContext* ctx, const char* a, uint32_t al, const char* b, uint32_t bl) {
  return cg::concat(ctx, {a, al}, {b, bl}).data;
}
double round_f64(double x, int32_t digits, int32_t is_f32) { return rt::round_decimal(x, digits, is_f32 != 0); }
// The formatted text goes to the per-row scratch arena; the length is returned, the text in *out.
uint32_t text_out(cg::Str s, const char** out) {
  *out = s.data;
  return s.size;
}
uint32_t format_i64(ExecContext* ctx, int64_t v, const char** out) { return text_out(cg::format_int(ctx, v), out); }
uint32_t format_f64(ExecContext* ctx, double v, int32_t is_f32, const char** out) {
  return text_out(cg::format_real(ctx, v, is_f32 != 0), out);
}
uint32_t format_bool(int32_t v, const char** out) { return text_out(cg::format_bool(v != 0), out); }
uint32_t format_timestamp(ExecContext* ctx, int64_t v, const char** out) { return text_out(cg::format_timestamp(ctx, v), out); }
int32_t parse_i64(const char* s, uint32_t n, int64_t* out) { return rt::parse_int64(s, n, out); }
int32_t parse_f64(const char* s, uint32_t n, double* out) { return rt::parse_double(s, n, out); }
int32_t parse_bool(const char* s, uint32_t n, int32_t* out) {
  bool b = false;
  bool ok = rt::parse_bool(s, n, &b);
  *out = b;
  return ok;
}
int32_t parse_timestamp(const char* s, uint32_t n, int64_t* out) { return rt::parse_timestamp(s, n, out); }

template <typename F>
void* address(F f) {
  return reinterpret_cast<void*>(f);
}

const RuntimeFnInfo kFunctions[] = {
    {"vlac_window_aggregate_push", address(window_aggregate_push), "vpp"},
    {"vlac_window_assign_push", address(window_assign_push), "vpp"},
    {"vlac_output_push", address(output_push), "vpp"},
    {"vlac_interval_join_push", address(interval_join_push), "vpip"},
    {"vlac_asof_join_push", address(asof_join_push), "vpip"},
    {"vlac_window_join_push", address(window_join_push), "vpip"},
    {"vlac_over_push", address(over_push), "vpp"},
    {"vlac_scratch", address(scratch), "ppi"},
    {"vlac_arena_copy", address(arena_copy), "pppi"},
    {"vlac_string_compare", address(string_compare), "ipipi"},
    {"vlac_like", address(like), "ipipi"},
    {"vlac_utf8_length", address(utf8_length), "ipi"},
    {"vlac_substring", address(substring), "ipillipp"},
    {"vlac_upper", address(upper), "vpip"},
    {"vlac_lower", address(lower), "vpip"},
    {"vlac_concat", address(concat), "pppipi"},
    {"vlac_round_f64", address(round_f64), "ddii"},
    {"vlac_format_i64", address(format_i64), "iplp"},
    {"vlac_format_f64", address(format_f64), "ipdip"},
    {"vlac_format_bool", address(format_bool), "iip"},
    {"vlac_format_timestamp", address(format_timestamp), "iplp"},
    {"vlac_parse_i64", address(parse_i64), "ipip"},
    {"vlac_parse_f64", address(parse_f64), "ipip"},
    {"vlac_parse_bool", address(parse_bool), "ipip"},
    {"vlac_parse_timestamp", address(parse_timestamp), "ipip"},
};
static_assert(sizeof(kFunctions) / sizeof(kFunctions[0]) == static_cast<size_t>(RuntimeFn::Count));

const LibcSymbol kLibc[] = {
    {"exp", address(static_cast<double (*)(double)>(std::exp))},
    {"log", address(static_cast<double (*)(double)>(std::log))},
    {"log10", address(static_cast<double (*)(double)>(std::log10))},
    {"pow", address(static_cast<double (*)(double, double)>(std::pow))},
    {"sin", address(static_cast<double (*)(double)>(std::sin))},
    {"cos", address(static_cast<double (*)(double)>(std::cos))},
    {"tan", address(static_cast<double (*)(double)>(std::tan))},
    {"asin", address(static_cast<double (*)(double)>(std::asin))},
    {"acos", address(static_cast<double (*)(double)>(std::acos))},
    {"atan", address(static_cast<double (*)(double)>(std::atan))},
    {"atan2", address(static_cast<double (*)(double, double)>(std::atan2))},
    {"fmod", address(static_cast<double (*)(double, double)>(std::fmod))},
    {"fmodf", address(static_cast<float (*)(float, float)>(std::fmod))},
    {"floor", address(static_cast<double (*)(double)>(std::floor))},
    {"ceil", address(static_cast<double (*)(double)>(std::ceil))},
    {"floorf", address(static_cast<float (*)(float)>(std::floor))},
    {"ceilf", address(static_cast<float (*)(float)>(std::ceil))},
    {"memcpy", address(static_cast<void* (*)(void*, const void*, size_t)>(std::memcpy))},
    {"memset", address(static_cast<void* (*)(void*, int, size_t)>(std::memset))},
};

}  // namespace

const RuntimeFnInfo& runtime_fn(RuntimeFn f) { return kFunctions[static_cast<size_t>(f)]; }

const LibcSymbol* libc_symbols(size_t* count) {
  *count = sizeof(kLibc) / sizeof(kLibc[0]);
  return kLibc;
}

}  // namespace vlac::jit
