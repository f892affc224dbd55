#pragma once
// The runtime functions that JIT-compiled code calls: their names, addresses and signatures in
// one table, so that the declarations codegen emits and the symbols the JIT resolves cannot
// disagree. Documented in docs/runtime-interface.md.

#include <cstddef>

namespace vlac::jit {

enum class RuntimeFn {
  WindowAggregatePush,  // void (op, row)
  WindowAssignPush,     // void (op, row)
  OutputPush,           // void (sink, row)
  IntervalJoinPush,     // void (op, i32 port, row)
  AsofJoinPush,         // void (op, i32 port, row)
  WindowJoinPush,       // void (op, i32 port, row)
  OverPush,             // void (op, row)
  Scratch,              // ptr (ctx, i32 bytes)
  ArenaCopy,            // ptr (arena, ptr, i32)
  StringCompare,        // i32 (ptr, i32, ptr, i32)
  Like,                 // i32 (ptr, i32, ptr, i32)
  Utf8Length,           // i32 (ptr, i32)
  Substring,            // i32 (ptr, i32, i64 start, i64 count, i32 has_count, ptr out, ptr out_len)
  Upper,                // void (ptr, i32, ptr out)
  Lower,                // void (ptr, i32, ptr out)
  Concat,               // ptr (ctx, ptr, i32, ptr, i32)
  RoundF64,             // double (double, i32 digits, i32 is_float32)
  FormatI64,            // i32 (ctx, i64, ptr out)
  FormatF64,            // i32 (ctx, double, i32 is_float32, ptr out)
  FormatBool,           // i32 (i32, ptr out)
  FormatTimestamp,      // i32 (ctx, i64, ptr out)
  ParseI64,             // i32 (ptr, i32, ptr out)
  ParseF64,             // i32 (ptr, i32, ptr out)
  ParseBool,            // i32 (ptr, i32, ptr out)
  ParseTimestamp,       // i32 (ptr, i32, ptr out)
  Count
};

struct RuntimeFnInfo {
  const char* name;
  void* address;
  /// Return type then argument types: v void, p pointer, i i32, l i64, d double.
  const char* signature;
};

const RuntimeFnInfo& runtime_fn(RuntimeFn f);

/// C library functions generated code may call (libm), by name, with their addresses.
struct LibcSymbol {
  const char* name;
  void* address;
};
const LibcSymbol* libc_symbols(size_t* count);

}  // namespace vlac::jit
