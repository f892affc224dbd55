// pipeline.cpp - the *checked* source of the harness self-test: must not
// reference the heap, exceptions or RTTI (arm_build.sh --check verifies this).
#include "pipeline.hpp"

namespace {

struct HarnessSink {
    static void on_row(std::int32_t key, float sum, std::uint32_t count) { harness_on_row(key, sum, count); }
    static void on_final(std::int32_t key, float sum, double mean) { harness_on_final(key, sum, mean); }
};

// Capacity 3: the demo pushes a 4th distinct key to exercise the full path.
demo::KeyedRunningSum<std::int32_t, float, 3, HarnessSink> g_pipeline;

} // namespace

bool pipeline_push(std::int32_t key, float value) { return g_pipeline.push(key, value); }
void pipeline_flush() { g_pipeline.flush(); }
std::uint32_t pipeline_dropped() { return g_pipeline.dropped(); }
