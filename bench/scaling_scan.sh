#!/usr/bin/env bash
# Does any operator grow faster than its rows? Every kind of operator (windows, sessions, OVER,
# LAG, the three joins, GROUP BY, UNION ALL) on generated rows at N and 4N rows per input, with
# few keys (50) and many (5,000): best wall seconds of 3 runs at each size, rows out, and the
# growth of the time against the growth of the rows in and out. A time that grows more than
# twice as fast as the larger of the two is marked "SUPERLINEAR" (a scan per row or per window
# somewhere: the window join's firing was one, docs/decisions.md, issue 12). Figures only, no
# assertion: small times are noisy, so read a mark before acting on it. Peak RSS at each size
# too: with the keys fixed, an operator's state should not grow with the rows (watermarks purge
# it). Above the peak of a stateless filter (the process: code, LLVM, buffers), a peak that grows
# with the rows (more than 2.5x, and by more than 4 MiB) is state kept forever: "GROWS".
# Usage: bench/scaling_scan.sh [N]     (default 100,000; builds the release configuration)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
runs=3

scripts/install-deps.sh
scripts/build.sh release

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

generate() {  # generate FILE ROWS KEYS SEED: about a row per ms, up to 20 ms out of order
  python3 - "$@" <<'EOF'
import random, sys
path, rows, keys, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
t = 1_700_000_000_000_000_000
with open(path, "w") as f:
    f.write("ts,k,x,s\n")
    for _ in range(rows):
        t += rng.randint(0, 2_000_000)
        f.write("%d,%d,%.3f,s%d\n" % (t - rng.randint(0, 20_000_000), rng.randint(0, keys - 1), rng.random() * 100, rng.randint(0, 50)))
EOF
}

header="CREATE STREAM a (ts TIMESTAMP NOT NULL, k INT64, x FLOAT64, s STRING, WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
CREATE STREAM b (ts TIMESTAMP NOT NULL, k INT64, x FLOAT64, s STRING, WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);"
declare -A queries=(
  [tumble]="SELECT k, window_end, COUNT(*) AS c, AVG(x) AS m FROM TUMBLE(a, ts, INTERVAL '1' SECOND) GROUP BY k, window_start, window_end;"
  [hop_100ms_10s]="SELECT k, window_end, MIN(x) AS m, STDDEV_POP(x) AS sd FROM HOP(a, ts, INTERVAL '100' MILLISECOND, INTERVAL '10' SECOND) GROUP BY k, window_start, window_end;"
  [cumulate]="SELECT k, window_end, MAX(x) AS m, FIRST_VALUE(x) AS f FROM CUMULATE(a, ts, INTERVAL '100' MILLISECOND, INTERVAL '10' SECOND) GROUP BY k, window_start, window_end;"
  [session]="SELECT k, window_start, COUNT(*) AS c, SUM(x) AS sx FROM SESSION(a, ts, INTERVAL '100' MILLISECOND) GROUP BY k, window_start, window_end;"
  [session_string_key]="SELECT s, window_start, COUNT(*) AS c FROM SESSION(a, ts, INTERVAL '5' MILLISECOND) GROUP BY s, window_start, window_end;"
  [group_by]="SELECT s, k, COUNT(*) AS c, AVG(x) AS m FROM a GROUP BY s, k;"
  [global]="SELECT COUNT(*) AS c, STDDEV_POP(x) AS sd, LAST_VALUE(x) AS l FROM a;"
  [over_rows_2000]="SELECT k, ts, MIN(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2000 PRECEDING AND CURRENT ROW) AS m FROM a;"
  [over_range_10s]="SELECT k, ts, MAX(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS m, STDDEV_SAMP(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS sd FROM a;"
  [over_range_no_key]="SELECT ts, AVG(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '30' SECOND PRECEDING AND CURRENT ROW) AS m FROM a;"
  [lag_100]="SELECT k, ts, LAG(x, 100) OVER (PARTITION BY s ORDER BY ts) AS l FROM a;"
  [interval_join]="SELECT a.k, a.x, b.x AS bx FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '5' MILLISECOND AND a.ts + INTERVAL '5' MILLISECOND;"
  [interval_join_string_key]="SELECT a.k, b.x AS bx FROM a JOIN b ON a.s = b.s AND b.ts BETWEEN a.ts - INTERVAL '1' MILLISECOND AND a.ts + INTERVAL '1' MILLISECOND;"
  [asof_join]="SELECT a.k, a.x, b.x AS bx FROM a LEFT ASOF JOIN b ON a.k = b.k AND a.ts >= b.ts;"
  [asof_join_string_key]="SELECT a.k, b.x AS bx FROM a ASOF JOIN b ON a.s = b.s AND a.ts >= b.ts;"
  [window_join_tumble]="SELECT a.k, a.x, b.x AS bx FROM TUMBLE(a, ts, INTERVAL '1' SECOND) a JOIN TUMBLE(b, ts, INTERVAL '1' SECOND) b ON a.k = b.k AND a.window_start = b.window_start AND a.window_end = b.window_end;"
  [window_join_hop]="SELECT a.k, b.x AS bx FROM HOP(a, ts, INTERVAL '1' SECOND, INTERVAL '2' SECOND) a JOIN HOP(b, ts, INTERVAL '1' SECOND, INTERVAL '2' SECOND) b ON a.k = b.k AND a.window_start = b.window_start AND a.window_end = b.window_end;"
  [union_all]="SELECT k, window_end, COUNT(*) AS c FROM TUMBLE((SELECT k, ts FROM a UNION ALL SELECT k, ts FROM b), ts, INTERVAL '1' SECOND) GROUP BY k, window_start, window_end;"
)

best_seconds() {  # best_seconds PROGRAM A B: best wall seconds of $runs; rows out in $work/rows, peak KiB in $work/rss
  local best=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/time" build/vlac run "$1" --input a="$2" --input b="$3" 2>/dev/null | wc -l >"$work/rows"
    local s
    read -r s rss < <(tail -1 "$work/time")
    echo "$rss" >"$work/rss"
    if [[ -z "$best" ]] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$s"; fi
  done
  echo "$best"
}

for keys in 50 5000; do
  for size in "$n" "$((4 * n))"; do
    generate "$work/a_${size}_$keys.csv" "$size" "$keys" 1
    generate "$work/b_${size}_$keys.csv" "$size" "$keys" 2
  done
done

# The peak of a stateless program: what every run needs whatever its state.
printf '%s\n%s\n' "$header" "SELECT k, x FROM a WHERE x > 50;" >"$work/filter.vsql"
best_seconds "$work/filter.vsql" "$work/a_${n}_50.csv" "$work/b_${n}_50.csv" >/dev/null
base_rss="$(cat "$work/rss")"
echo "peak RSS of a stateless filter: $((base_rss / 1024)) MiB"
printf '%-26s %5s  %8s %10s  %8s %10s  %6s %6s  %7s %7s  %s\n' program keys "s at N" "rows out" "s at 4N" "rows out" "time x" "rows x" "MiB N" "MiB 4N" ""
for name in $(printf '%s\n' "${!queries[@]}" | sort); do
  printf '%s\n%s\n' "$header" "${queries[$name]}" >"$work/$name.vsql"
  for keys in 50 5000; do
    small="$(best_seconds "$work/$name.vsql" "$work/a_${n}_$keys.csv" "$work/b_${n}_$keys.csv")"
    small_rows=$(($(cat "$work/rows") - 1))
    small_rss="$(cat "$work/rss")"
    large="$(best_seconds "$work/$name.vsql" "$work/a_$((4 * n))_$keys.csv" "$work/b_$((4 * n))_$keys.csv")"
    large_rows=$(($(cat "$work/rows") - 1))
    large_rss="$(cat "$work/rss")"
    awk -v name="$name" -v keys="$keys" -v s1="$small" -v r1="$small_rows" -v s2="$large" -v r2="$large_rows" \
        -v m1="$small_rss" -v m2="$large_rss" -v m0="$base_rss" 'BEGIN {
      tx = s2 / (s1 > 0.005 ? s1 : 0.005)
      rx = r2 / (r1 > 0 ? r1 : 1); if (rx < 4) rx = 4
      grows = m2 - m1 > 4096 && m2 - m0 > 2.5 * (m1 > m0 ? m1 - m0 : 1)
      mark = (tx > 2 * rx ? "SUPERLINEAR" : "") (grows ? " GROWS" : "")
      printf "%-26s %5d  %8.3f %10d  %8.3f %10d  %6.1f %6.1f  %7.1f %7.1f  %s\n", name, keys, s1, r1, s2, r2, tx, rx, m1 / 1024, m2 / 1024, mark
    }'
  done
done
