#pragma once
// The source schema that the reader fuzzers (tests/unit/io_fuzz_test.cpp and the libFuzzer
// target tests/fuzz/fuzz_readers.cpp) read inputs against: one column of every kind that has
// its own parsing rule (time, NOT NULL, FLOAT32, BOOL, bounded and unbounded strings,
// INTERVAL, FLOAT64).

#include "runtime/io/row_reader.h"

namespace vlac::test {

inline rt::SourceSpec reader_fuzz_spec() {
  using rt::FieldType;
  rt::SourceSpec spec;
  spec.stream = "s";
  spec.column_names = {"ts", "id", "v", "ok", "name", "note", "iv", "big"};
  spec.layout = rt::RowLayout::make({{FieldType::Timestamp, false, 0},
                                     {FieldType::Int32, false, 0},
                                     {FieldType::Float32, true, 0},
                                     {FieldType::Bool, true, 0},
                                     {FieldType::String, true, 8},
                                     {FieldType::String, true, 0},
                                     {FieldType::Interval, true, 0},
                                     {FieldType::Float64, true, 0}});
  return spec;
}

}  // namespace vlac::test
