#!/usr/bin/env bash
# Sensor fusion benchmark: an as-of join of 30 Hz camera frames with 1 kHz joint states for 8
# robots, and an interval join (+-10 ms), each through `vlac run`, next to a hand-written C++
# merge (bench/fusion_baseline.cpp) and SQLite on the same files, in the same run.
# Usage: bench/fusion_bench.sh [TOTAL_ROWS]   (default 10,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
total="${1:-10000000}"
scripts/install-deps.sh
scripts/build.sh release
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
joints=$((total * 8000 / 8240))
camera=$((total - joints))
build/bench/fusion_gen camera "$camera" >"$work/camera.csv"
build/bench/fusion_gen joints "$joints" >"$work/joints.csv"
echo "fusion benchmark: $camera camera rows + $joints joint rows = $total rows"
cat >"$work/streams.vsql" <<'VSQL'
CREATE STREAM camera (ts TIMESTAMP NOT NULL, robot_id INT32, frame_id INT64, brightness FLOAT32,
                      WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
CREATE STREAM joints (ts TIMESTAMP NOT NULL, robot_id INT32, q1 FLOAT64, q2 FLOAT64,
                      WATERMARK FOR ts AS ts - INTERVAL '5' MILLISECOND);
VSQL
{ cat "$work/streams.vsql"; echo "SELECT c.ts, c.robot_id, c.frame_id, j.q1 FROM camera c ASOF JOIN joints j ON c.robot_id = j.robot_id AND c.ts >= j.ts;"; } >"$work/asof.vsql"
{ cat "$work/streams.vsql"; echo "SELECT c.ts, c.robot_id, c.frame_id, j.q1 FROM camera c JOIN joints j ON c.robot_id = j.robot_id AND j.ts BETWEEN c.ts - INTERVAL '10' MILLISECOND AND c.ts + INTERVAL '10' MILLISECOND;"; } >"$work/interval.vsql"

row() {  # LABEL SECONDS KB RESULTS
  awk -v l="$1" -v s="$2" -v m="$3" -v r="$total" -v n="$4" 'BEGIN { printf "  %-30s %8.2f s %12.0f rows/s %8.0f MB  %s\n", l, s, r / s, m / 1024, n }'
}
for join in asof interval; do
  echo "== $join join"
  /usr/bin/time -f "%e %M" -o "$work/t" build/vlac run "$work/$join.vsql" --input "camera=$work/camera.csv" \
    --input "joints=$work/joints.csv" --stats >/dev/null 2>"$work/stats"
  read -r s kb <"$work/t"
  row "vlac run (CSV in, CSV out)" "$s" "$kb" "$(grep -o '[0-9]* out, .*' "$work/stats" | head -1)"
  /usr/bin/time -f "%e %M" -o "$work/t" build/bench/fusion_baseline "$join" "$work/camera.csv" "$work/joints.csv" >"$work/base"
  read -r s kb <"$work/t"
  row "hand-written C++ merge" "$s" "$kb" "$(cat "$work/base")"
  if [[ $join == asof ]]; then
    query="SELECT COUNT(*) FROM camera c JOIN joints j ON j.robot_id = c.robot_id AND j.ts = (SELECT MAX(ts) FROM joints j2 WHERE j2.robot_id = c.robot_id AND j2.ts <= c.ts);"
  else
    query="SELECT COUNT(*) FROM camera c JOIN joints j ON j.robot_id = c.robot_id AND j.ts BETWEEN c.ts - 10000000 AND c.ts + 10000000;"
  fi
  printf '.mode csv\n.import %s camera\n.import %s joints\nCREATE INDEX jt ON joints(robot_id, ts);\n%s\n' \
    "$work/camera.csv" "$work/joints.csv" "$query" >"$work/q.sql"
  # SQLite imports CSV columns as text: the index and comparisons still order the integer
  # timestamps correctly because they all have the same number of digits.
  /usr/bin/time -f "%e %M" -o "$work/t" sqlite3 :memory: <"$work/q.sql" >"$work/sq"
  read -r s kb <"$work/t"
  row "sqlite3 (.import, index, query)" "$s" "$kb" "$(cat "$work/sq") result rows"
done
