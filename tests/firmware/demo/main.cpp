// main.cpp - harness side of the self-test (not checked: may use newlib's
// printf, which itself uses the heap).  Also checks that the startup code
// copied .data, zeroed .bss and ran static constructors.
#include <cstdio>
#include <cstdint>

#include "pipeline.hpp"

void harness_on_row(std::int32_t key, float sum, std::uint32_t count)
{
    std::printf("row key=%ld sum=%.9g count=%lu\n", static_cast<long>(key), static_cast<double>(sum),
                static_cast<unsigned long>(count));
}

void harness_on_final(std::int32_t key, float sum, double mean)
{
    std::printf("final key=%ld sum=%.9g mean=%.17g\n", static_cast<long>(key), static_cast<double>(sum), mean);
}

namespace {

int g_data[3] = {11, 22, 33}; // .data: must be copied from flash
int g_bss[4];                 // .bss: must be zeroed
volatile int g_seed = 5;

struct CtorProbe {
    int value;
    CtorProbe() : value(g_seed * 8 + 2) {} // dynamic init: needs __libc_init_array
};
CtorProbe g_probe;

struct Row {
    std::int32_t key;
    float value;
};

const Row kRows[] = {
    {7, 1.5f}, {3, 0.1f}, {7, 2.25f}, {3, 0.2f}, {42, -8.0f}, {7, 0.001f}, {99, 1.0f}, {3, 0.3f},
};

} // namespace

int main()
{
    std::printf("vlac firmware harness demo\n");
    std::printf("data=%d,%d,%d bss=%d ctor=%d\n", g_data[0], g_data[1], g_data[2],
                g_bss[0] + g_bss[1] + g_bss[2] + g_bss[3], g_probe.value);

    int rejected = 0;
    for (const Row &r : kRows) {
        if (!pipeline_push(r.key, r.value)) {
            std::printf("rejected key=%ld (table full)\n", static_cast<long>(r.key));
            ++rejected;
        }
    }
    pipeline_flush();
    std::printf("dropped=%lu rejected=%d\n", static_cast<unsigned long>(pipeline_dropped()), rejected);
    std::printf("done\n");
    return 0;
}
