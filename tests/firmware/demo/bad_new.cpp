// bad_new.cpp - negative case for the harness self-test: a "checked" source
// that allocates with new[]/delete[].  arm_build.sh --check must reject it
// (it references operator new[] / operator delete[]: _Znaj / _ZdaPv).
#include <cstddef>
#include <cstdint>

#include "pipeline.hpp"

namespace {
float *g_buffer = nullptr;
std::size_t g_len = 0;
} // namespace

bool pipeline_push(std::int32_t key, float value)
{
    float *grown = new float[g_len + 1];
    for (std::size_t i = 0; i < g_len; ++i) grown[i] = g_buffer[i];
    grown[g_len++] = value;
    delete[] g_buffer;
    g_buffer = grown;
    harness_on_row(key, value, static_cast<std::uint32_t>(g_len));
    return true;
}

void pipeline_flush() {}
std::uint32_t pipeline_dropped() { return 0; }
