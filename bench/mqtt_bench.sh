#!/usr/bin/env bash
# MQTT ingest (LANGUAGE.md §12): how fast `vlac run` takes rows from a topic, beside
# `mosquitto_sub` taking the same messages in the same run (the baseline: a client that parses
# nothing), and beside vlac reading the same rows from a file.
#
# A mosquitto broker is started on 127.0.0.1 at a free port with a temporary configuration.
# Each measurement subscribes, then `mosquitto_pub -l` publishes N CSV records (QoS 1) and the
# clock runs from the first publish until the subscriber has taken N messages (vlac: ?count=N,
# then the §1 program's windows fire and it exits). The publisher is the same for both, so the
# difference is the subscriber's.
#
# Usage: bench/mqtt_bench.sh [ROWS] [RUNS]   (default 20000 rows, best of 3; much more and mosquitto drops QoS 1 messages that a fast publisher sends)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
runs=${2:-3}
vlac=build/vlac
[[ -x $vlac ]] || { echo "build vlac first: scripts/build.sh release" >&2; exit 1; }
command -v mosquitto >/dev/null || { echo "mosquitto is not installed: scripts/install-deps.sh" >&2; exit 1; }

tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n' "$port" > "$tmp/mosquitto.conf"
mosquitto -c "$tmp/mosquitto.conf" > "$tmp/broker.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5

# Two cameras at 30 frames/s, in order (the §1 program: TUMBLE(1 s) per camera).
python3 - "$rows" > "$tmp/camera.csv" <<'EOF'
import sys
n = int(sys.argv[1])
print("ts,cam_id,frame_id,brightness,objects")
base = 1_795_000_000_000_000_000
for i in range(n):
    print(f"{base + i * 16_666_667},{1 + i % 2},{i // 2},{0.3 + (i % 7) * 0.05:.2f},{i % 5}")
EOF
tail -n +2 "$tmp/camera.csv" > "$tmp/messages.txt"

now() { date +%s.%N; }
best() { sort -g | head -1; }

# One measurement: starts the subscriber command, waits until it is subscribed, publishes,
# waits for it to end; prints the seconds from the first publish to the end.
measure() {
  local topic=$1; shift
  "$@" > "$tmp/out" 2> "$tmp/err" &
  local pid=$!
  for _ in $(seq 500); do  # vlac says "subscribed"; mosquitto_sub -d prints the SUBACK
    if grep -q -a "subscribed\|SUBACK" "$tmp/err" "$tmp/out" 2>/dev/null; then break; fi
    sleep 0.02
  done
  local t0; t0=$(now)
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic" -q 1 -l < "$tmp/messages.txt"
  wait "$pid"
  local t1; t1=$(now)
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}

sub_baseline() {
  # -d: the SUBACK line says it has subscribed (the messages go to the same file, unread).
  mosquitto_sub -d -h 127.0.0.1 -p "$port" -t "$1" -q 1 -C "$rows" -W 600
}

declare -a base_t vlac_t file_t
for r in $(seq "$runs"); do
  base_t+=("$(measure "bench/base$r" sub_baseline "bench/base$r")")
  vlac_t+=("$(measure "bench/vlac$r" $vlac run examples/cam_stats.vsql --input "camera=mqtt://127.0.0.1:$port/bench/vlac$r?format=csv&count=$rows" --output "cam_stats=$tmp/vlac.csv" --stats)")
  grep -q "source camera: $rows read, $rows accepted" "$tmp/err" || { echo "vlac did not take every message:" >&2; cat "$tmp/err" >&2; exit 1; }
  t0=$(now); $vlac run examples/cam_stats.vsql --input "camera=$tmp/camera.csv" --output "cam_stats=$tmp/file.csv"; t1=$(now)
  file_t+=("$(python3 -c "print(f'{$t1 - $t0:.3f}')")")
  cmp -s "$tmp/vlac.csv" "$tmp/file.csv" || { echo "the topic's output differs from the file's" >&2; exit 1; }
done

b=$(printf '%s\n' "${base_t[@]}" | best)
v=$(printf '%s\n' "${vlac_t[@]}" | best)
f=$(printf '%s\n' "${file_t[@]}" | best)
echo "MQTT ingest: $rows CSV messages (QoS 1, mosquitto 127.0.0.1), best of $runs; the topic's output equals the file's"
printf '%-44s %8s %14s\n' "subscriber" "wall s" "messages/s"
printf '%-44s %8.3f %14.0f\n' "mosquitto_sub -C N (baseline)" "$b" "$(python3 -c "print($rows / $b)")"
printf '%-44s %8.3f %14.0f\n' "vlac run §1 program, ?format=csv&count=N" "$v" "$(python3 -c "print($rows / $v)")"
printf '%-44s %8.3f %14.0f\n' "vlac run §1 program on the same rows as a file" "$f" "$(python3 -c "print($rows / $f)")"
