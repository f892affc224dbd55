#!/usr/bin/env bash
# run_qemu.sh - run a Cortex-M4 image built by arm_build.sh under qemu.
#
# Usage:
#   run_qemu.sh IMAGE.elf [TIMEOUT_SECONDS]      (default timeout: 30 s)
#
# Runs  qemu-system-arm -M mps2-an386 -nographic -monitor none
#         -semihosting-config enable=on,target=native -kernel IMAGE.elf
# under `timeout`, with stdin from /dev/null.
#
# The firmware's semihosting stdout (newlib printf) is passed through to this
# script's stdout; semihosting stderr and fault reports from startup.c go to
# stderr.  The exit status is the firmware's: the value main() returned or
# passed to exit() (0-255, via semihosting SYS_EXIT_EXTENDED); 128+N when
# startup.c caught exception N (131 = HardFault); 124 when the timeout
# expired (the firmware hung or never called exit()); 2 on usage errors or a
# missing qemu.
#
# Environment: QEMU_SYSTEM_ARM (default "qemu-system-arm") overrides the binary.
set -euo pipefail

SELF="run_qemu.sh"
QEMU="${QEMU_SYSTEM_ARM:-qemu-system-arm}"

if [[ $# -lt 1 || $# -gt 2 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
fi
image="$1"
timeout_s="${2:-30}"

[[ -f "$image" ]] || { echo "$SELF: error: image not found: $image" >&2; exit 2; }
[[ "$timeout_s" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "$SELF: error: bad timeout '$timeout_s' (seconds expected)" >&2; exit 2; }
command -v "$QEMU" >/dev/null 2>&1 || { echo "$SELF: error: '$QEMU' not found (install qemu-system-arm)" >&2; exit 2; }
command -v timeout >/dev/null 2>&1 || { echo "$SELF: error: 'timeout' (coreutils) not found" >&2; exit 2; }

status=0
timeout -k 5 "$timeout_s" "$QEMU" -M mps2-an386 -nographic -monitor none \
    -semihosting-config enable=on,target=native \
    -kernel "$image" </dev/null || status=$?

if [[ $status -eq 124 || $status -eq 137 ]]; then
    echo "$SELF: error: $image did not exit within ${timeout_s}s (hang, or the program never called exit())" >&2
    exit 124
fi
exit "$status"
