#!/usr/bin/env bash
# The §1 program through both backends on the same data: build time (cold, then cached) and
# rows/s for `vlac run --backend jit` and `--backend cpp`. Usage: bench/backend_bench.sh [SECONDS]
# (SECONDS of generated camera data, ~60 rows/s of it; default 20000 = 1.2 M rows).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20000}
vlac=build/vlac
data=$(mktemp --suffix=.csv)
cache=$(mktemp -d)
trap 'rm -rf "$data" "$cache"' EXIT
python3 examples/gen_camera_data.py --seconds "$seconds" --out "$data" >/dev/null
rows=$(($(wc -l < "$data") - 1))
echo "rows: $rows (examples/cam_stats.vsql)"
for backend in jit cpp; do
  for run in cold cached; do
    start=$(date +%s.%N)
    VLAC_CACHE_DIR=$cache $vlac run examples/cam_stats.vsql --input camera="$data" --backend $backend --stats \
      > /dev/null 2> "$cache/stats.txt"
    end=$(date +%s.%N)
    compile=$(sed -n 's/.*compile \([0-9]*\) ms.*/\1/p' "$cache/stats.txt")
    python3 -c "import sys; t=$end-$start; print('%-4s %-6s build %5s ms   total %6.2f s   %5.2f M rows/s' % ('$backend', '$run', '$compile', t, $rows/t/1e6))"
  done
done
