#!/usr/bin/env bash
# The §1 program through every backend on the same data: build time (cold, then from the cache)
# and rows/s of `vlac run --backend jit`, `--backend cpp` and a `vlac build --target host`
# executable, CSV in and CSV out, and whether their outputs are identical. Usage: bench/backend_bench.sh [ROWS]   (default 10,000,000;
# expects a release build in build/, as bench/run_bench.sh makes).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/bench/cam_stats_bench "$rows" --write-csv "$work/camera.csv" > /dev/null
echo "rows: $rows (examples/cam_stats.vsql, CSV in and out; a fresh compile cache, then the same cache)"
printf "%-8s %-7s %12s %10s %14s\n" backend cache "build (ms)" seconds "rows/s"
for backend in jit cpp; do
  for run in cold cached; do
    start=$(date +%s.%N)
    VLAC_CACHE_DIR="$work/cache" build/vlac run examples/cam_stats.vsql --input camera="$work/camera.csv" --backend "$backend" \
      --stats > "$work/$backend.csv" 2> "$work/stats.txt"
    end=$(date +%s.%N)
    compile=$(sed -n 's/.*compile \([0-9]*\) ms.*/\1/p' "$work/stats.txt")
    awk -v b="$backend" -v c="$run" -v ms="$compile" -v s="$start" -v e="$end" -v r="$rows" \
      'BEGIN { printf "%-8s %-7s %12s %10.2f %14.0f\n", b, c, ms, e - s, r / (e - s) }'
  done
done
# `vlac build --target host`: the generated class with its kernels inlined into the operators,
# compiled at -O2 with its generated CMake project, run as a drop-in for `vlac run`.
start=$(date +%s.%N)
build/vlac build examples/cam_stats.vsql -o "$work/host" --target host 2> /dev/null
cmake -S "$work/host" -B "$work/host/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/host/build" -j 2 > /dev/null
end=$(date +%s.%N)
build_ms=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", (e - s) * 1000 }')
start=$(date +%s.%N)
"$work/host/build/cam_stats" --input camera="$work/camera.csv" > "$work/host.csv"
end=$(date +%s.%N)
awk -v ms="$build_ms" -v s="$start" -v e="$end" -v r="$rows" \
  'BEGIN { printf "%-8s %-7s %12s %10.2f %14.0f\n", "host", "-", ms, e - s, r / (e - s) }'
if cmp -s "$work/jit.csv" "$work/cpp.csv" && cmp -s "$work/jit.csv" "$work/host.csv"; then
  echo "outputs: identical"
else
  echo "outputs: DIFFER"
  exit 1
fi
