#!/usr/bin/env bash
# Runs the benchmarks and prints vlac's figures next to baselines measured in the same run:
#   1. the engine alone vs a hand-written C++ loop (bench/cam_stats_bench.cpp), plus JIT time;
#   2. the whole CSV path: `vlac run` on a CSV file vs SQLite importing and aggregating it;
#   3. program-to-first-row latency of `vlac run` on live standard input, and peak memory.
# Usage: bench/run_bench.sh [ROWS]     (default 10,000,000; builds the release configuration)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
scripts/install-deps.sh
scripts/build.sh release
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== 1. engine and JIT"
build/bench/cam_stats_bench "$rows"

echo
echo "== 2. CSV in, CSV out: $rows rows"
build/bench/cam_stats_bench "$rows" --write-csv "$work/camera.csv"
ls -la "$work/camera.csv" | awk '{printf "input: %.0f MB\n", $5 / 1e6}'
/usr/bin/time -f "%e %M" -o "$work/vlac.time" build/vlac run examples/cam_stats.vsql --input "camera=$work/camera.csv" --stats \
  > "$work/vlac.csv" 2> "$work/vlac.stats"
read -r vlac_s vlac_kb < "$work/vlac.time"
cat > "$work/q.sql" <<SQL
.mode csv
.import $work/camera.csv camera
.output $work/sqlite.csv
SELECT cam_id, ts - ts % 1000000000 AS window_start, COUNT(*), AVG(brightness), MAX(objects)
FROM camera WHERE CAST(brightness AS REAL) > 0.05 GROUP BY cam_id, window_start;
SQL
/usr/bin/time -f "%e %M" -o "$work/sqlite.time" sqlite3 :memory: < "$work/q.sql"
read -r sqlite_s sqlite_kb < "$work/sqlite.time"
printf "%-36s %10s %14s %12s\n" "" "seconds" "rows/s" "peak RSS"
awk -v r="$rows" -v s="$vlac_s" -v m="$vlac_kb" 'BEGIN { printf "%-36s %10.2f %14.0f %9.0f MB\n", "vlac run (CSV -> JIT -> CSV)", s, r / s, m / 1024 }'
awk -v r="$rows" -v s="$sqlite_s" -v m="$sqlite_kb" 'BEGIN { printf "%-36s %10.2f %14.0f %9.0f MB\n", "sqlite3 (.import + GROUP BY)", s, r / s, m / 1024 }'
echo "result rows: vlac $(($(wc -l < "$work/vlac.csv") - 1)), sqlite $(wc -l < "$work/sqlite.csv") (SQLite also counts rows vlac drops as late)"
grep -E "JIT|late" "$work/vlac.stats" | sed 's/^/vlac --stats: /'

echo
echo "== 3. program to first row (live stdin)"
python3 bench/first_row_latency.py build/vlac examples/cam_stats.vsql
