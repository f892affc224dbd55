#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan (build-fuzz/), and runs each for a
# while on the corpus of valid programs and inputs plus the kept regressions. Crashers are
# written to build-fuzz/crashes/; minimise one (`build-fuzz/tests/fuzz/fuzz_frontend
# -minimize_crash=1 FILE`), fix the bug, and keep the input in tests/fuzz/regressions/ as
# NAME.vsql (a program) or NAME.csv / NAME.jsonl (reader input) so that every build replays it.
# Usage: tests/fuzz/run_fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
scripts/install-deps.sh --with-fuzz
cc=clang-19 cxx=clang++-19   # the Debian 12 clang that matches vlac's LLVM; clang 14 rejects ANTLR's headers
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVLAC_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
ninja -C build-fuzz fuzz_frontend fuzz_readers >&2

work=build-fuzz/corpus
mkdir -p "$work/programs" "$work/inputs" build-fuzz/crashes
cp tests/programs/*.vsql examples/*.vsql tests/fuzz/regressions/*.vsql "$work/programs/" 2>/dev/null || true
find tests/e2e/cases -name '*.csv' ! -name expected.csv -size -8k -exec cp {} "$work/inputs/" \; 2>/dev/null || true
cp tests/fuzz/regressions/*.csv tests/fuzz/regressions/*.jsonl "$work/inputs/" 2>/dev/null || true

status=0
run() {
  local target=$1 corpus=$2
  echo "== $target for ${seconds}s" >&2
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
    "build-fuzz/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="build-fuzz/crashes/$target-" -print_final_stats=1 2>"build-fuzz/$target.log" || status=1
  tail -n 12 "build-fuzz/$target.log" >&2
}
run fuzz_frontend "$work/programs"
run fuzz_readers "$work/inputs"
ls build-fuzz/crashes >&2
exit $status
