#!/usr/bin/env bash
# Windows side by side in one run (issue 13), on one core (`taskset -c 0`), each run 3 times
# (best wall time, least CPU time: ratios are of CPU time, which other processes disturb less):
#   - `vlac run` of bench/programs/: the §1 statistics over TUMBLE(1 s) and over HOP(1 s, 60 s),
#     and a three-query program (two TUMBLE 1 s, one HOP 1 s / 10 s, three outputs); again with
#     `--no-optimize` when `vlac run` accepts it, so the optimiser's effect shows;
#   - DuckDB's batch equivalents (HOP: each row joined with range(60) to its window starts), with
#     one thread and with every core; the npm package @duckdb/node-api, installed into a cache
#     outside the repository, run by bench/duckdb_query.mjs (its time is the query alone);
#   - HOP(1 us, 10 s) on 1,000 rows: whether it finishes, its peak RSS and rows out.
# A figure counts only when vlac's result and DuckDB's agree: row count and the sum of every
# numeric column (exact for integers, 1e-7 relative for floats, whose sums depend on row order).
# Usage: bench/window_bench.sh [ROWS]     (default 10,000,000; builds the release configuration)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
runs=3
source bench/lib/duckdb.sh

scripts/install-deps.sh
install_duckdb
scripts/build.sh release

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
csv="$work/camera.csv"
one_core=(taskset -c 0)
checksum() { node bench/duckdb_query.mjs "$duckdb_cache" 0 "$1" | grep -v 'seconds '; }
checksum_csv() {
  echo "SELECT * FROM read_csv('$1')" > "$work/read.sql"
  checksum "$work/read.sql"
}

# DuckDB's batch equivalent of the §1 statistics (or of AGGREGATES) over HOP(1 s, N s), N = 1
# being TUMBLE(1 s): timestamps in ns, brightness FLOAT32 compared and averaged in FLOAT64 as
# LANGUAGE.md says, each row joined with range(N) to the starts of the N windows it lies in.
window_sql() {
  local n="$1" aggregates="${2:-COUNT(*) AS frames, AVG(CAST(brightness AS DOUBLE)) AS mean_brightness, MAX(objects) AS max_objects}"
  local start="ts - ts % 1000000000" from="camera"
  if [[ "$n" != 1 ]]; then
    start="ts - ts % 1000000000 - k * 1000000000"
    from="camera, range($n) AS slides(k)"
  fi
  cat <<SQL
WITH camera AS (
  SELECT * FROM read_csv('$csv', header = true,
    columns = {'ts': 'BIGINT', 'cam_id': 'INTEGER', 'frame_id': 'BIGINT', 'brightness': 'FLOAT', 'objects': 'INTEGER'}))
SELECT cam_id, window_start, window_start + ${n}000000000 AS window_end, $aggregates
FROM (SELECT *, $start AS window_start FROM $from WHERE CAST(brightness AS DOUBLE) > 0.05)
GROUP BY cam_id, window_start
SQL
}

# Compares two checksums (rows, then sum(COLUMN) lines); prints "ok" or what differs.
compare() {
  awk 'NR == FNR { want[$1] = $2; next }
       { got = $2; w = want[$1]; seen[$1] = 1
         if (w == "") { bad = bad " " $1 " unexpected"; next }
         if (got == w) next
         if (got ~ /^-?[0-9]+$/ && w ~ /^-?[0-9]+$/) { bad = bad " " $1 " " got " vs " w; next }
         d = got - w; if (d < 0) d = -d; m = (w < 0 ? -w : w)
         if (d > 1e-7 * m) bad = bad " " $1 " " got " vs " w }
       END { for (k in want) if (!(k in seen)) bad = bad " " k " missing"
             print (bad == "" ? "ok" : "DIFFER:" bad) }' "$1" "$2"
}

# Results, one entry per workload, in the order of the table.
# On a shared machine wall time depends on the other processes; CPU time (user + system) much
# less, so the ratios are of CPU seconds (every timed run but DuckDB's all-core one uses one core).
names=() best=() slowest=() cpu=() rss=() kind=() check=()

# is_less A B: whether number A < number B.
is_less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# timed NAME KIND CHECK COMMAND...: runs COMMAND (vlac_run or duckdb_run) $runs times and records
# the best and the slowest wall seconds, the least CPU seconds, and the best run's peak RSS.
# COMMAND leaves "WALL CPU KB" in $work/time.
timed() {
  local name="$1" workload="$2" result="$3"; shift 3
  local s c kb best_s="" best_c="" best_kb=0 all=()
  for ((i = 0; i < runs; ++i)); do
    "$@"
    read -r s c kb < "$work/time"
    all+=("$s")
    if [[ -z "$best_s" ]] || is_less "$s" "$best_s"; then best_s="$s"; best_kb="$kb"; fi
    if [[ -z "$best_c" ]] || is_less "$c" "$best_c"; then best_c="$c"; fi
  done
  names+=("$name") best+=("$best_s") slowest+=("$(printf '%s\n' "${all[@]}" | sort -g | tail -1)")
  cpu+=("$best_c") rss+=("$best_kb") kind+=("$workload") check+=("$result")
}

# vlac_run PROGRAM [options...]: one `vlac run` on one core, output to $work/out.csv, its wall
# and CPU seconds and peak RSS to $work/time.
vlac_run() {
  local program="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/process.time" "${one_core[@]}" build/vlac run "$program" --input camera="$csv" \
    --timestamps ns "$@" > "$work/out.csv"
  awk '{ print $1, $2 + $3, $4 }' "$work/process.time" > "$work/time"
}

# duckdb_run THREADS SQLFILE: one query (THREADS 1: on one core); the query's wall and CPU
# seconds and the process's peak RSS to $work/time, the result's checksum to $work/duckdb.sum.
duckdb_run() {
  local pin=()
  [[ "$1" == 1 ]] && pin=("${one_core[@]}")
  /usr/bin/time -f "%M" -o "$work/process.time" "${pin[@]}" node bench/duckdb_query.mjs "$duckdb_cache" "$1" "$2" > "$work/duckdb.out"
  echo "$(awk '$1 == "seconds" { print $2 }' "$work/duckdb.out") $(awk '$1 == "cpu_seconds" { print $2 }' "$work/duckdb.out") \
$(cat "$work/process.time")" > "$work/time"
  grep -v 'seconds ' "$work/duckdb.out" > "$work/duckdb.sum"
}

echo "== windows: $rows camera rows (8 cameras, 30 Hz), one core, $runs runs each"
build/bench/cam_stats_bench "$rows" --write-csv "$csv"
echo "input: $(($(stat -c %s "$csv") / 1000000)) MB"
awk -F, 'NR > 1 { t = $1 + 0; if (t > m) m = t; else if (m - t > d) d = m - t }
         END { printf "disorder: a row is at most %.1f ms behind the newest before it (watermark bound 50 ms)\n", d / 1e6 }' "$csv"

# DuckDB first: its results are the references vlac's are checked against.
window_sql 1 > "$work/tumble.sql"
window_sql 60 > "$work/hop.sql"
window_sql 10 > "$work/hop10.sql"
window_sql 1 "MIN(brightness) AS min_brightness, MAX(brightness) AS max_brightness, SUM(objects) AS objects" > "$work/range.sql"
timed "DuckDB TUMBLE(1 s), 1 thread" tumble "(reference)" duckdb_run 1 "$work/tumble.sql"
cp "$work/duckdb.sum" "$work/tumble.sum"
timed "DuckDB HOP(1 s, 60 s), 1 thread" hop "(reference)" duckdb_run 1 "$work/hop.sql"
cp "$work/duckdb.sum" "$work/hop.sum"
timed "DuckDB TUMBLE(1 s), all cores" tumble "" duckdb_run 0 "$work/tumble.sql"
check[-1]="$(compare "$work/tumble.sum" "$work/duckdb.sum")"
timed "DuckDB HOP(1 s, 60 s), all cores" hop "" duckdb_run 0 "$work/hop.sql"
check[-1]="$(compare "$work/hop.sum" "$work/duckdb.sum")"
checksum "$work/hop10.sql" > "$work/hop10.sum"
checksum "$work/range.sql" > "$work/range.sum"

modes=("")
if build/vlac run --help 2>&1 | grep -q -- --no-optimize; then
  modes+=("--no-optimize")
else
  echo "note: this vlac's 'run' has no --no-optimize: optimised runs only"
fi
three=(--output cam_stats="$work/q1.csv" --output cam_range="$work/q2.csv" --output cam_trend="$work/q3.csv")
for mode in "${modes[@]}"; do
  flags=()
  [[ -n "$mode" ]] && flags=("$mode")
  # Each program's output is checked once, then it is timed.
  vlac_run bench/programs/tumble_1s.vsql "${flags[@]}"
  timed "vlac TUMBLE(1 s)${mode:+ $mode}" tumble "$(compare "$work/tumble.sum" <(checksum_csv "$work/out.csv"))" \
    vlac_run bench/programs/tumble_1s.vsql "${flags[@]}"
  vlac_run bench/programs/hop_1s_60s.vsql "${flags[@]}" --stats 2> "$work/stats.txt"
  grep -h "late" "$work/stats.txt" | sed "s/^ */vlac --stats, HOP(1 s, 60 s)${mode:+ $mode}: /"
  timed "vlac HOP(1 s, 60 s)${mode:+ $mode}" hop "$(compare "$work/hop.sum" <(checksum_csv "$work/out.csv"))" \
    vlac_run bench/programs/hop_1s_60s.vsql "${flags[@]}"
  vlac_run bench/programs/three_queries.vsql "${flags[@]}" "${three[@]}"
  result="$(compare "$work/tumble.sum" <(checksum_csv "$work/q1.csv")) / $(compare "$work/range.sum" <(checksum_csv "$work/q2.csv"))"
  result+=" / $(compare "$work/hop10.sum" <(checksum_csv "$work/q3.csv"))"
  timed "vlac three queries${mode:+ $mode}" three "$result" vlac_run bench/programs/three_queries.vsql "${flags[@]}" "${three[@]}"
done

echo
# 100 rows: each is in 10^7 windows, so the output alone is tens of millions of rows.
echo "== HOP(1 us, 10 s) on 100 rows (memory must follow slices, not windows)"
head -101 "$csv" > "$work/small.csv"
status=0
(
  ulimit -v 8000000  # 8 GB: a run that exhausts memory fails here instead of swapping the machine
  /usr/bin/time -f "%e %M" -o "$work/time" timeout 600 build/vlac run bench/programs/hop_1us_10s.vsql \
    --input camera="$work/small.csv" --timestamps ns --stats > /dev/null 2> "$work/small.err"
) || status=$?
read -r s kb < <(tail -1 "$work/time")
if [[ $status -eq 0 ]]; then
  echo "finished in $s s, peak RSS $((kb / 1024)) MB; $(grep -h WindowAggregate "$work/small.err" | sed 's/^ *//')"
else
  echo "FAILED (exit status $status) after $s s, peak RSS $((kb / 1024)) MB:"
  grep -v '^Command' "$work/small.err" | head -3
fi

echo
echo "| workload | wall s (best of $runs) | slowest | CPU s (least) | rows/s (CPU) | × vlac TUMBLE | DuckDB 1 thread ÷ this | peak RSS | result check |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
for i in "${!names[@]}"; do
  case "${names[$i]}" in
    "vlac TUMBLE(1 s)") tumble_c="${cpu[$i]}" ;;
    "DuckDB TUMBLE(1 s), 1 thread") duckdb_tumble_c="${cpu[$i]}" ;;
    "DuckDB HOP(1 s, 60 s), 1 thread") duckdb_hop_c="${cpu[$i]}" ;;
  esac
done
for i in "${!names[@]}"; do
  duckdb_c=""
  [[ "${kind[$i]}" == tumble ]] && duckdb_c="$duckdb_tumble_c"
  [[ "${kind[$i]}" == hop ]] && duckdb_c="$duckdb_hop_c"
  awk -v n="${names[$i]}" -v s="${best[$i]}" -v w="${slowest[$i]}" -v c="${cpu[$i]}" -v r="$rows" -v t="$tumble_c" \
      -v d="$duckdb_c" -v m="${rss[$i]}" -v k="${check[$i]}" 'BEGIN {
    ratio = (n ~ /^vlac/) ? sprintf("%.2f", c / t) : "–"
    speed = (d != "" && n !~ /all cores/) ? sprintf("%.2f", d / c) : "–"
    printf "| %s | %.2f | %.2f | %.2f | %.2f M | %s | %s | %.0f MB | %s |\n", n, s, w, c, r / c / 1e6, ratio, speed, m / 1024, k }'
done
echo
echo "DuckDB's seconds are its query alone (CSV scan and aggregation into a table, timed inside the"
echo "process); vlac's are the whole process (compile, read, compute, write). Ratios are of CPU seconds;"
echo "all-core DuckDB uses several, so only its wall time compares. Peak RSS: the process's."
