#!/usr/bin/env bash
# The §1 program through both backends on the same data: build time (cold, then from the cache)
# and rows/s of `vlac run --backend jit` and `--backend cpp`, CSV in and CSV out, and whether
# their outputs are identical. Usage: bench/backend_bench.sh [ROWS]   (default 10,000,000;
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
if cmp -s "$work/jit.csv" "$work/cpp.csv"; then echo "outputs: identical"; else echo "outputs: DIFFER"; exit 1; fi
