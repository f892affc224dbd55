#!/usr/bin/env bash
# harness_selftest.sh - self-test of the Cortex-M4 firmware harness.
#
# Usage: harness_selftest.sh [WORKDIR]
#   WORKDIR  where images/objects go (default: a temporary directory that is
#            removed afterwards).
#
# Checks, using the sources in demo/:
#   1. demo/pipeline.cpp (checked, no heap) + demo/main.cpp builds, runs under
#      qemu, exits 0 and prints exactly demo/expected_output.txt;
#   2. demo/bad_new.cpp (checked, uses new[]/delete[]) is rejected by the
#      symbol check (arm_build.sh exit 3, message names _Znaj and the file);
#   3. exit statuses reach the host: main() returning 42 -> 42; a HardFault
#      -> 131 plus a "FIRMWARE FAULT" line; a hang -> run_qemu.sh timeout 124.
#
# Exit: 0 all passed; 1 a check failed; 77 skipped because the ARM toolchain,
# newlib or qemu-system-arm is not installed (CTest SKIP_RETURN_CODE 77).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEMO="$HERE/demo"
BUILD="$HERE/arm_build.sh"
RUN="$HERE/run_qemu.sh"
PREFIX="${ARM_PREFIX:-arm-none-eabi-}"
QEMU="${QEMU_SYSTEM_ARM:-qemu-system-arm}"

skip() { echo "SKIPPED: $*"; exit 77; }

# ---- prerequisites ------------------------------------------------------------
for tool in "${PREFIX}g++" "${PREFIX}gcc" "${PREFIX}nm" "${PREFIX}size"; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not found (install gcc-arm-none-eabi: scripts/install-deps.sh --with-arm)"
done
command -v "$QEMU" >/dev/null 2>&1 || skip "$QEMU not found (install qemu-system-arm: scripts/install-deps.sh --with-arm)"
command -v timeout >/dev/null 2>&1 || skip "timeout (coreutils) not found"
specs="$("${PREFIX}gcc" -print-file-name=rdimon.specs)"
[[ "$specs" == /* && -f "$specs" ]] || skip "newlib rdimon.specs not found (install libnewlib-arm-none-eabi)"
echo '#include <cstdio>' | "${PREFIX}g++" -std=c++17 -mcpu=cortex-m4 -mthumb -x c++ -fsyntax-only - >/dev/null 2>&1 ||
    skip "arm-none-eabi C++ headers not usable (install libstdc++-arm-none-eabi-newlib)"

# ---- work directory -----------------------------------------------------------
if [[ $# -ge 1 ]]; then
    WORK="$1"
    mkdir -p "$WORK"
else
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/vlac-fw-selftest.XXXXXX")"
    trap 'rm -rf "$WORK"' EXIT
fi

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# ---- 1. demo pipeline -----------------------------------------------------------
echo "== building demo"
if "$BUILD" "$WORK/demo.elf" --check "$DEMO/pipeline.cpp" -- "$DEMO/main.cpp" -I "$DEMO"; then
    status=0
    "$RUN" "$WORK/demo.elf" 60 >"$WORK/demo.out" || status=$?
    echo "== demo output (exit status $status)"
    cat "$WORK/demo.out"
    if [[ $status -ne 0 ]]; then
        fail "demo exited with status $status (expected 0)"
    elif diff -u "$DEMO/expected_output.txt" "$WORK/demo.out"; then
        pass "demo output matches demo/expected_output.txt"
    else
        fail "demo output differs from demo/expected_output.txt (diff above)"
    fi
else
    fail "building the demo failed"
fi

# ---- 2. negative case: checked source that uses new[] ---------------------------
echo "== building negative case demo/bad_new.cpp (must be rejected)"
status=0
"$BUILD" "$WORK/bad_new.elf" --check "$DEMO/bad_new.cpp" -- "$DEMO/main.cpp" -I "$DEMO" \
    >"$WORK/bad_new.log" 2>&1 || status=$?
cat "$WORK/bad_new.log"
if [[ $status -ne 3 ]]; then
    fail "arm_build.sh accepted or failed differently on bad_new.cpp (status $status, expected 3)"
elif ! grep -q 'FORBIDDEN SYMBOL: .*bad_new\.cpp.*_Znaj' "$WORK/bad_new.log"; then
    fail "rejection message does not name _Znaj and bad_new.cpp"
elif [[ -e "$WORK/bad_new.elf" ]]; then
    fail "an image was linked despite the rejection"
else
    pass "bad_new.cpp rejected (operator new[] found)"
fi

# ---- 3. exit status propagation -------------------------------------------------
# probe NAME DEFINE EXPECTED_STATUS TIMEOUT [STDERR_PATTERN]
probe() {
    local name="$1" define="$2" want="$3" tmo="$4" pattern="${5:-}" status=0
    if ! "$BUILD" "$WORK/$name.elf" --check "$DEMO/pipeline.cpp" -- "$DEMO/status_probe.cpp" \
        -I "$DEMO" -D "$define" >"$WORK/$name.build.log" 2>&1; then
        cat "$WORK/$name.build.log"
        fail "building probe $name failed"
        return
    fi
    "$RUN" "$WORK/$name.elf" "$tmo" >"$WORK/$name.out" 2>"$WORK/$name.err" || status=$?
    if [[ $status -ne $want ]]; then
        cat "$WORK/$name.out" "$WORK/$name.err"
        fail "probe $name: exit status $status, expected $want"
    elif [[ -n "$pattern" ]] && ! grep -q "$pattern" "$WORK/$name.err"; then
        cat "$WORK/$name.out" "$WORK/$name.err"
        fail "probe $name: stderr lacks '$pattern'"
    else
        pass "probe $name: exit status $status"
    fi
}
echo "== exit status probes"
probe exit42 PROBE_EXIT=42 42 60
probe fault PROBE_FAULT 131 60 'FIRMWARE FAULT: HardFault'
probe hang PROBE_HANG 124 3 'did not exit within'

if [[ $failures -gt 0 ]]; then
    echo "harness_selftest: $failures check(s) FAILED"
    exit 1
fi
echo "harness_selftest: all checks passed"
