// status_probe.cpp - harness main used by harness_selftest.sh to check how
// the firmware's fate reaches the host.  Select one with -D:
//   PROBE_EXIT=N   print a line and return N from main  -> qemu exits N
//   PROBE_FAULT    read an unmapped address (BusFault escalated to
//                  HardFault)                            -> 131 + fault line on stderr
//   PROBE_HANG     spin forever                          -> run_qemu.sh timeout, 124
#include <cstdint>
#include <cstdio>

#include "pipeline.hpp"

void harness_on_row(std::int32_t key, float sum, std::uint32_t count)
{
    std::printf("row key=%ld sum=%.9g count=%lu\n", static_cast<long>(key), static_cast<double>(sum),
                static_cast<unsigned long>(count));
}

void harness_on_final(std::int32_t, float, double) {}

int main()
{
    pipeline_push(1, 2.5f);
#if defined(PROBE_EXIT)
    std::printf("probe: exit %d\n", PROBE_EXIT);
    return PROBE_EXIT;
#elif defined(PROBE_FAULT)
    std::printf("probe: fault\n");
    volatile std::uint32_t *bad = reinterpret_cast<volatile std::uint32_t *>(0x30000000u); // unmapped
    std::printf("unreachable %lu\n", static_cast<unsigned long>(*bad));
    return 0;
#elif defined(PROBE_HANG)
    std::printf("probe: hang\n");
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
#else
#error "define PROBE_EXIT=N, PROBE_FAULT or PROBE_HANG"
#endif
}
