#!/usr/bin/env bash
# Keyed aggregates in partitions (`vlac run --threads N`, issue 16) side by side with one thread,
# in one run: the §1 statistics per key over TUMBLE(1 s) on generated rows (a row every 10 us on
# average, so a window holds about 100,000 rows) with
#   - many keys: 60,000 cameras, so each partition has a large group table (a trial decides
#     whether it stays in partitions);
#   - few keys: 8 cameras (the window fires after few groups: gathered onto the run's thread);
# in the ways listed at `configs` below, each run 3 times: best wall seconds and least CPU
# seconds, and the partitions line of `--stats`. Every way must give one thread's output
# (checked by cmp).
# The programs are bench/programs/tumble_1s.vsql (LANGUAGE.md §1, with its WHERE), the same
# over HOP(500 ms, 2 s), bench/programs/hop_500ms_2s.vsql (windows from slices), and per camera
# over the whole input, bench/programs/group_by_all.vsql (GROUP BY without windows).
# Usage: bench/partition_bench.sh [ROWS]     (default 3,000,000; builds the release configuration)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-3000000}"
runs=3

scripts/install-deps.sh
scripts/build.sh release

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

generate() {  # generate FILE KEYS
  python3 - "$1" "$2" "$rows" <<'EOF'
import random, sys
path, keys, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(2)
t = 1_700_000_000_000_000_000
with open(path, "w") as f:
    f.write("ts,cam_id,frame_id,brightness,objects\n")
    for i in range(rows):
        t += rng.randint(0, 20000)
        f.write("%d,%d,%d,%.3f,%d\n" % (t, rng.randint(0, keys - 1), i, rng.random(), rng.randint(0, 9)))
EOF
}

# tumble_1s and group_by_all are dealt runs at two threads and more (their rows dealt out to the
# partitions by the parser threads, docs/decisions.md "Issue 16: dealt runs"), where the hooks
# below change nothing; hop_500ms_2s (sliced) runs in partitions fed by the run's thread.
# Each program at one thread, then at two threads three ways: as by default (the aggregate
# tried on the run's thread after 16 firings in partitions and kept where it ran faster), kept in
# partitions throughout (the test hook VLAC_TEST_NEVER_GATHER) and put on the run's thread after
# a short trial (VLAC_TEST_TRIAL=gathered: after 4 firings, or 116 rows without windows); and at
# four threads as by default (on two cores).
configs=("1 default" "2 default" "2 partitions" "2 run-thread" "4 default")
printf '%-13s %-10s %-16s %8s %8s  %s\n' program data threads "wall s" "CPU s" "partitions (--stats)"
for keys in 60000 8; do
  csv="$work/camera_$keys.csv"
  generate "$csv" "$keys"
  for program in tumble_1s hop_500ms_2s group_by_all; do
  for config in "${configs[@]}"; do
    read -r threads how <<<"$config"
    hook=()
    case "$how" in
      partitions) hook=(VLAC_TEST_NEVER_GATHER=1) ;;
      run-thread) hook=(VLAC_TEST_TRIAL=gathered) ;;
    esac
    best_wall="" best_cpu=""
    for _ in $(seq "$runs"); do
      env "${hook[@]}" /usr/bin/time -f '%e %U %S' -o "$work/time" build/vlac run "bench/programs/$program.vsql" \
        --input "camera=$csv" --timestamps ns --threads "$threads" --stats >"$work/out.csv" 2>"$work/err"
      read -r wall user sys <"$work/time"
      best_wall=$(awk -v a="$wall" -v b="$best_wall" 'BEGIN { print (b == "" || a < b) ? a : b }')
      best_cpu=$(awk -v a="$user" -v s="$sys" -v b="$best_cpu" 'BEGIN { c = a + s; print (b == "" || c < b) ? c : b }')
    done
    if [[ "$threads" == 1 ]]; then cp "$work/out.csv" "$work/out_1.csv"
    else cmp -s "$work/out_1.csv" "$work/out.csv" || { echo "output differs: $program $keys keys, $config" >&2; exit 1; }
    fi
    parts=$(grep -o 'partitions: .*' "$work/err" || echo "-")
    printf '%-13s %-10s %-16s %8s %8s  %s\n' "$program" "$keys keys" "$threads $how" "$best_wall" "$best_cpu" "$parts"
  done
  done
done
