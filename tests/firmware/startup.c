/*
 * startup.c - Cortex-M4 startup code for the vlac firmware test harness
 * (qemu `mps2-an386`, linked with mps2_an386.ld and newlib --specs=rdimon.specs).
 *
 * Compile as C (arm-none-eabi-gcc), not C++.
 *
 * Provides:
 *   - the vector table (section .isr_vector, placed at 0x0 by the linker
 *     script): initial SP = __StackTop, Reset_Handler, and fault/exception
 *     handlers for every other slot;
 *   - Reset_Handler: copies .data from FLASH to RAM, zeroes .bss, sets up
 *     newlib's semihosting stdio (initialise_monitor_handles), runs static
 *     constructors (__libc_init_array), calls main() and passes its return
 *     value to exit() (newlib -> semihosting SYS_EXIT[_EXTENDED], which makes
 *     qemu exit with that status);
 *   - fault handlers: on any fault or unexpected exception, print one line
 *     "*** FIRMWARE FAULT: <name> (exception N) pc=... lr=... cfsr=... hfsr=...
 *     mmfar=... bfar=..." to the semihosting console and make qemu exit
 *     with status 128 + N (NMI 130, HardFault 131, MemManage 132, BusFault 133,
 *     UsageFault 134, external IRQ k -> 144 + k). These handlers use raw
 *     semihosting calls only (no newlib), so they work even if the heap or
 *     stdio state is corrupt.
 *
 * The image uses -mfloat-abi=soft, so the FPU is left disabled.  (If you
 * ever build with softfp/hard, enable CP10/CP11 in SCB->CPACR at the top of
 * Reset_Handler.)
 */
#include <stdint.h>
#include <stdlib.h>

/* ---- symbols from mps2_an386.ld ---------------------------------------- */
extern uint32_t __StackTop;
extern uint32_t __data_load__;
extern uint32_t __data_start__;
extern uint32_t __data_end__;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;

/* ---- newlib / librdimon / program ------------------------------------- */
extern void initialise_monitor_handles(void); /* librdimon: open stdin/out/err */
extern void __libc_init_array(void);          /* newlib: preinit/_init/init_array */
extern int main(void);

void Reset_Handler(void);
void Fault_Handler(void);

/* ---- raw semihosting (ARM semihosting v2, Thumb: BKPT 0xAB) ----------- */
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026
#define ADP_Stopped_RunTimeErrorUnknown 0x20023

static int semihost_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void semihost_puts(const char *s) { semihost_call(SYS_WRITE0, s); }

static void __attribute__((noreturn)) semihost_exit(uint32_t code)
{
    /* SYS_EXIT_EXTENDED: qemu exits with `code`. */
    uint32_t block[2] = {ADP_Stopped_ApplicationExit, code};
    semihost_call(SYS_EXIT_EXTENDED, block);
    /* Fallback for hosts without the extension: non-zero status (1). */
    semihost_call(SYS_EXIT, (const void *)(uintptr_t)ADP_Stopped_RunTimeErrorUnknown);
    for (;;) {
    }
}

/* ---- fault reporting --------------------------------------------------- */
static char *put_str(char *p, const char *s)
{
    while (*s) *p++ = *s++;
    return p;
}

static char *put_hex(char *p, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    *p++ = '0';
    *p++ = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) *p++ = digits[(v >> shift) & 0xfu];
    return p;
}

static char *put_dec(char *p, uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

static const char *exception_name(uint32_t n)
{
    switch (n) {
    case 2: return "NMI";
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    case 11: return "SVCall";
    case 12: return "DebugMonitor";
    case 14: return "PendSV";
    case 15: return "SysTick";
    default: return n >= 16 ? "unexpected IRQ" : "reserved exception";
    }
}

#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

/* Called from Fault_Handler with a pointer to the stacked exception frame
 * {r0, r1, r2, r3, r12, lr, pc, xpsr}. */
void __attribute__((noreturn, used)) fault_report(const uint32_t *frame)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1ffu;

    char buf[200];
    char *p = buf;
    p = put_str(p, "\n*** FIRMWARE FAULT: ");
    p = put_str(p, exception_name(ipsr));
    p = put_str(p, " (exception ");
    p = put_dec(p, ipsr);
    p = put_str(p, ") pc=");
    p = put_hex(p, frame[6]);
    p = put_str(p, " lr=");
    p = put_hex(p, frame[5]);
    p = put_str(p, " cfsr=");
    p = put_hex(p, SCB_CFSR);
    p = put_str(p, " hfsr=");
    p = put_hex(p, SCB_HFSR);
    p = put_str(p, " mmfar=");
    p = put_hex(p, SCB_MMFAR);
    p = put_str(p, " bfar=");
    p = put_hex(p, SCB_BFAR);
    p = put_str(p, "\n");
    *p = '\0';
    semihost_puts(buf);
    semihost_exit(128u + ipsr);
}

/* Common entry for every exception except reset: pick the stack that holds
 * the exception frame (EXC_RETURN bit 2: 0 = MSP, 1 = PSP). */
void __attribute__((naked)) Fault_Handler(void)
{
    __asm__ volatile(
        "tst lr, #4      \n"
        "ite eq          \n"
        "mrseq r0, msp   \n"
        "mrsne r0, psp   \n"
        "b fault_report  \n");
}

/* ---- reset ------------------------------------------------------------- */
void __attribute__((noreturn)) Reset_Handler(void)
{
    /* .data: FLASH load image -> RAM */
    uint32_t *src = &__data_load__;
    for (uint32_t *dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
    /* .bss: zero */
    for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0u;

    initialise_monitor_handles();
    __libc_init_array();
    exit(main());
}

/* ---- vector table ------------------------------------------------------ */
#define N_EXTERNAL_IRQS 32

typedef void (*vector_fn)(void);

__attribute__((section(".isr_vector"), used)) const vector_fn vector_table[16 + N_EXTERNAL_IRQS] = {
    (vector_fn)(uintptr_t)&__StackTop, /* 0: initial SP */
    Reset_Handler,                     /* 1: reset */
    Fault_Handler,                     /* 2: NMI */
    Fault_Handler,                     /* 3: HardFault */
    Fault_Handler,                     /* 4: MemManage */
    Fault_Handler,                     /* 5: BusFault */
    Fault_Handler,                     /* 6: UsageFault */
    0, 0, 0, 0,                        /* 7-10: reserved */
    Fault_Handler,                     /* 11: SVCall */
    Fault_Handler,                     /* 12: DebugMonitor */
    0,                                 /* 13: reserved */
    Fault_Handler,                     /* 14: PendSV */
    Fault_Handler,                     /* 15: SysTick */
    /* 16..: external IRQs (none are enabled; any that fires is a bug) */
    [16 ... 16 + N_EXTERNAL_IRQS - 1] = Fault_Handler,
};
