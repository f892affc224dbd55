#!/usr/bin/env bash
# The README's second command (and CI's): installs what the tests need, builds the release
# configuration and the AddressSanitizer + UBSan one, and runs every test in both; then the
# threading tests alone under ThreadSanitizer (a small build of its own: tests/tsan/).
set -euo pipefail
cd "$(dirname "$0")/.."
# --with-arm: the Cortex-M4 toolchain and qemu, so that the firmware tests always run in CI.
scripts/install-deps.sh --with-arm
jobs=$(nproc)

echo "== release build and tests" >&2
scripts/build.sh release
(cd build && ctest --output-on-failure -j "$jobs")

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests" >&2
scripts/build.sh sanitize
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j "$jobs" -LE slow)

echo "== ThreadSanitizer build and tests of the threading code" >&2
scripts/build.sh tsan
(cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --output-on-failure -j "$jobs")
