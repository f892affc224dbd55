#!/usr/bin/env bash
# Black-box tests of `vlac run` and `vlac emit-llvm` (LANGUAGE.md §7, §8): usage errors (exit 2),
# input errors (exit 1), malformed rows (reported as file:line: reason, counted, --rejects,
# --on-error fail), output formats, and several files for one stream. Every expected output
# below is worked out by hand from the tiny inputs next to it.
# Usage: run_cli_test.sh PATH/TO/vlac
set -u
vlac="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
run() {  # NAME WANT_EXIT ARGS... : runs vlac, keeps $out and $err
  local name="$1" want="$2"
  shift 2
  "$vlac" "$@" >out.txt 2>err.txt
  local got=$?
  out="$(cat out.txt)" err="$(cat err.txt)"
  [[ $got -eq $want ]] && ok || bad "$name: exit $got, expected $want; stderr: ${err:0:300}"
}
same() {  # NAME ACTUAL EXPECTED
  [[ "$2" == "$3" ]] && ok || { bad "$1"; diff <(echo "$3") <(echo "$2") | head -20; }
}

cat >p.vsql <<'VSQL'
CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32, b FLOAT32, name STRING(4),
                   WATERMARK FOR ts AS ts - INTERVAL '10' NANOSECOND);
SELECT id, window_start, COUNT(*) AS n, MAX(b) AS top FROM TUMBLE(cam, ts, INTERVAL '100' NANOSECOND) GROUP BY id;
VSQL
cat >two.vsql <<'VSQL'
CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32, WATERMARK FOR ts AS ts);
SELECT id FROM cam;
SELECT ts FROM cam;
VSQL
printf 'ts,id,b,name\n5,1,0.5,ab\n150,2,1.5,cd\n' >cam.csv

run help 0 run --help
[[ "$out" == *"--input NAME=PATH"* ]] && ok || bad "run --help lists --input"
[[ "$out" == *"--late PATH"* ]] && ok || bad "run --help lists --late"
run no-input 2 run p.vsql
[[ "$err" == *"source stream 'cam' has no --input"* ]] && ok || bad "no-input message: $err"
run unknown-input 2 run p.vsql --input cam=cam.csv --input camera=cam.csv
[[ "$err" == *"--input names no source stream 'camera'"* ]] && ok || bad "unknown-input message"
run unknown-output 2 run p.vsql --input cam=cam.csv --output nope=x.csv
run several-outputs 2 run two.vsql --input cam=cam.csv
[[ "$err" == *"give each an --output"* ]] && ok || bad "several-outputs message"
run unknown-flag 2 run p.vsql --input cam=cam.csv --fast
run bad-format 2 run p.vsql --input cam=cam.csv --format xml
run missing-file 1 run p.vsql --input cam=nope.csv
[[ "$err" == *"cannot read 'nope.csv'"* ]] && ok || bad "missing-file message: $err"
run program-error 1 run nope.vsql --input cam=cam.csv

# Windows [0,100) and [100,200): ids 1 and 2, one row each. 0.5 and 1.5 are exact in float32.
run csv 0 run p.vsql --input cam=cam.csv
same csv-out "$out" $'id,window_start,n,top\n1,1970-01-01T00:00:00Z,1,0.5\n2,1970-01-01T00:00:00.0000001Z,1,1.5'
run ns 0 run p.vsql --input cam=cam.csv --timestamps ns
same ns-out "$out" $'id,window_start,n,top\n1,0,1,0.5\n2,100,1,1.5'
run jsonl 0 run p.vsql --input cam=cam.csv --format jsonl
same jsonl-out "$out" $'{"id":1,"window_start":"1970-01-01T00:00:00Z","n":1,"top":0.5}\n{"id":2,"window_start":"1970-01-01T00:00:00.0000001Z","n":1,"top":1.5}'
run outputs 0 run two.vsql --input cam=cam.csv --output _1=a.csv --output _2=b.csv
same output-a "$(cat a.csv)" $'id\n1\n2'
same output-b "$(cat b.csv)" $'ts\n1970-01-01T00:00:00.000000005Z\n1970-01-01T00:00:00.00000015Z'
# Several outputs on standard output (`-` or /dev/stdout, here redirected to out.txt) share the
# one stdout FILE: no output reopens and truncates it, so every output's rows arrive, each
# output's in its own order (header, then rows in input order: id 1, 2; ts 5, 150).
for paths in "/dev/stdout /dev/stdout" "- /dev/stdout" "/dev/stdout -"; do
  read -r first second <<<"$paths"
  run "stdout-outputs $paths" 0 run two.vsql --input cam=cam.csv --output _1="$first" --output _2="$second" --timestamps ns
  same "stdout-outputs $paths: _1" "$(grep -xE 'id|1|2' out.txt)" $'id\n1\n2'
  same "stdout-outputs $paths: _2" "$(grep -xE 'ts|5|150' out.txt)" $'ts\n5\n150'
  same "stdout-outputs $paths: lines" "$(wc -l <out.txt)" 6
done

# Malformed rows: skipped, reported as file:line: reason, counted; accepted + rejected = read.
printf 'ts,id,b,name\n5,1,0.5,ab\n7,x,0.5,ab\n,1,0.5,ab\n9,1,0.5,abcdef\n11,1\n13,2,0.25,"q"\n' >bad.csv
# p.vsql never reads `name`: unoptimised, every column is converted and checked (4 rejects);
# optimised, `name` is skipped unconverted (prune-source-columns), so line 5's too-long name
# is no reject, while the field count and the read columns are checked exactly as before.
run malformed 0 run p.vsql --input cam=bad.csv --stats --rejects rej.csv --no-optimize
[[ "$err" == *"bad.csv:3: column 'id': cannot read 'x' as INT32"* ]] && ok || bad "reason for line 3: $err"
[[ "$err" == *"bad.csv:4: column 'ts': NULL in a NOT NULL column"* ]] && ok || bad "reason for line 4"
[[ "$err" == *"bad.csv:5: column 'name': 6 bytes do not fit STRING(4)"* ]] && ok || bad "reason for line 5"
[[ "$err" == *"bad.csv:6: expected 4 fields, found 2"* ]] && ok || bad "reason for line 6"
[[ "$err" == *"source cam: 6 read, 2 accepted, 4 rejected"* ]] && ok || bad "stats count: $err"
same rejects-file "$(cat rej.csv)" $'7,x,0.5,ab\n,1,0.5,ab\n9,1,0.5,abcdef\n11,1'
same malformed-out "$out" $'id,window_start,n,top\n1,1970-01-01T00:00:00Z,1,0.5\n2,1970-01-01T00:00:00Z,1,0.25'
run malformed-pruned 0 run p.vsql --input cam=bad.csv --stats --rejects rej.csv
[[ "$err" == *"bad.csv:3: column 'id': cannot read 'x' as INT32"* ]] && ok || bad "pruned reason for line 3: $err"
[[ "$err" == *"bad.csv:4: column 'ts': NULL in a NOT NULL column"* ]] && ok || bad "pruned reason for line 4"
[[ "$err" != *"bad.csv:5:"* ]] && ok || bad "pruned: line 5's unread name is a reject: $err"
[[ "$err" == *"bad.csv:6: expected 4 fields, found 2"* ]] && ok || bad "pruned reason for line 6"
[[ "$err" == *"source cam: 6 read, 3 accepted, 3 rejected"* ]] && ok || bad "pruned stats count: $err"
same rejects-file-pruned "$(cat rej.csv)" $'7,x,0.5,ab\n,1,0.5,ab\n11,1'
# Line 5 (ts 9, id 1, b 0.5) now joins line 2 (ts 5, id 1, b 0.5) in window [0,100): n=2, top 0.5.
same malformed-pruned-out "$out" $'id,window_start,n,top\n1,1970-01-01T00:00:00Z,2,0.5\n2,1970-01-01T00:00:00Z,1,0.25'
run fail-fast 1 run p.vsql --input cam=bad.csv --on-error fail
[[ "$err" == *"bad.csv:3:"* && "$err" != *"bad.csv:4:"* ]] && ok || bad "fail-fast stops at the first malformed row: $err"

# Header checks: a missing NOT NULL column is an error before any row; unknown columns warn once.
printf 'id,b\n1,0.5\n' >nots.csv
run missing-not-null 1 run p.vsql --input cam=nots.csv
[[ "$err" == *"missing column 'ts'"* ]] && ok || bad "missing-not-null message: $err"
printf 'ts,extra,id\n5,zz,1\n' >extra.csv
run unknown-column 0 run p.vsql --input cam=extra.csv
[[ $(grep -c "extra" err.txt) -eq 1 ]] && ok || bad "one warning for the unknown column: $err"

# One stream from two files, interleaved by event time: window [0,100) gets 4 rows of id 1.
printf 'ts,id,b,name\n1,1,1,a\n50,1,2,a\n' >part1.csv
printf 'ts,id,b,name\n20,1,3,b\n60,1,4,b\n' >part2.csv
run two-files 0 run p.vsql --input cam=part1.csv --input cam=part2.csv
same two-files-out "$out" $'id,window_start,n,top\n1,1970-01-01T00:00:00Z,4,4'

# Late rows are dropped and counted: bound 10 ns, so after ts=150 the window [0,100) has fired.
printf 'ts,id,b,name\n5,1,1,a\n150,1,2,a\n50,1,3,a\n' >late.csv
run late 0 run p.vsql --input cam=late.csv --stats
same late-out "$out" $'id,window_start,n,top\n1,1970-01-01T00:00:00Z,1,1\n1,1970-01-01T00:00:00.0000001Z,1,2'
[[ "$err" == *"1 late"* ]] && ok || bad "late count: $err"

# Capacities: a row that does not fit is dropped and counted, never undefined.
cat >cap.vsql <<'VSQL'
CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32, WATERMARK FOR ts AS ts - INTERVAL '10' NANOSECOND);
CREATE STREAM per_id WITH (max_keys = 2) AS
SELECT id, window_start, COUNT(*) AS n FROM TUMBLE(cam, ts, INTERVAL '100' NANOSECOND) GROUP BY id;
VSQL
# Window [0,100) takes ids 1 and 2; the two rows of id 3 do not fit. Window [100,200) is new: id 3 fits.
printf 'ts,id\n1,1\n2,2\n3,3\n4,1\n5,3\n150,3\n' >cap.csv
run max-keys 0 run cap.vsql --input cam=cap.csv --timestamps ns --stats
same max-keys-out "$out" $'id,window_start,n\n1,0,2\n2,0,1\n3,100,1'
[[ "$err" == *"2 over capacity"* ]] && ok || bad "max_keys drop count: $err"
sed 's/max_keys = 2/max_open_windows = 1/' cap.vsql >win.vsql
# Row 150 arrives while [0,100) is still open (it fires only once 150 has moved W to 140): dropped.
printf 'ts,id\n5,1\n150,1\n160,1\n' >win.csv
run max-open-windows 0 run win.vsql --input cam=win.csv --timestamps ns --stats
same max-open-windows-out "$out" $'id,window_start,n\n1,0,1\n1,100,1'
[[ "$err" == *"1 over capacity"* ]] && ok || bad "max_open_windows drop count: $err"

# A join's max_keys bounds the keys it holds at once (issue 12; hosts ignored it before): with
# one key, id 1 is held by a's row and b's, and each side's id-2 row brings a second key: both
# dropped, whatever order the inputs interleave in (nothing is purged before the end: W <= -6).
cat >jkeys.vsql <<'VSQL'
CREATE STREAM a (ts TIMESTAMP NOT NULL, id INT32, x INT64, WATERMARK FOR ts AS ts - INTERVAL '10' NANOSECOND);
CREATE STREAM b (ts TIMESTAMP NOT NULL, id INT32, y INT64, WATERMARK FOR ts AS ts - INTERVAL '10' NANOSECOND);
CREATE STREAM pairs WITH (max_keys = 1) AS
SELECT a.id, a.x, b.y FROM a JOIN b ON a.id = b.id AND b.ts BETWEEN a.ts - INTERVAL '5' NANOSECOND AND a.ts + INTERVAL '5' NANOSECOND;
VSQL
printf 'ts,id,x\n1,1,10\n2,2,20\n' >ja.csv
printf 'ts,id,y\n3,1,100\n4,2,200\n' >jb.csv
run join-max-keys 0 run jkeys.vsql --input a=ja.csv --input b=jb.csv --timestamps ns --stats
same join-max-keys-out "$out" $'id,x,y\n1,10,100'
[[ "$err" == *"2 over capacity"* ]] && ok || bad "join max_keys drop count: $err"

# JSON Lines in, table out.
printf '{"ts": 5, "id": 1, "b": 0.5, "name": "ab"}\n{"ts": "1970-01-01T00:00:00.00000015Z", "id": 2, "b": null}\n' >cam.jsonl
run jsonl-in 0 run p.vsql --input cam=cam.jsonl --timestamps ns
same jsonl-in-out "$out" $'id,window_start,n,top\n1,0,1,0.5\n2,100,1,'
run table 0 run p.vsql --input cam=cam.csv --format table
[[ "$out" == *"(2 rows)"* && "$out" == *"window_start"* ]] && ok || bad "table output: $out"

# The object cache: a rerun of an unchanged program loads the cached object code and gives the
# same rows; a changed program gets its own entry.
mkdir cache
VLAC_CACHE_DIR="$work/cache" "$vlac" run p.vsql --input cam=cam.csv >miss.txt 2>/dev/null
VLAC_CACHE_DIR="$work/cache" "$vlac" run p.vsql --input cam=cam.csv >hit.txt 2>/dev/null
same cache-hit-same-rows "$(cat hit.txt)" "$(cat miss.txt)"
[[ $(ls cache | wc -l) -eq 1 ]] && ok || bad "one cached object after two runs: $(ls cache)"
sed 's/COUNT(\*) AS n/COUNT(*) + 1 AS n/' p.vsql >p2.vsql
VLAC_CACHE_DIR="$work/cache" "$vlac" run p2.vsql --input cam=cam.csv >changed.txt 2>/dev/null
same cache-changed-program "$(cat changed.txt)" $'id,window_start,n,top\n1,1970-01-01T00:00:00Z,2,0.5\n2,1970-01-01T00:00:00.0000001Z,2,1.5'
[[ $(ls cache | wc -l) -eq 2 ]] && ok || bad "a changed program gets its own cache entry"

run emit-llvm 0 emit-llvm p.vsql
[[ "$out" == *"define void @vlac_pipeline_0"* && "$out" == *"@vlac_operator_0_update"* ]] && ok || bad "emit-llvm functions"
run emit-llvm-help 0 emit-llvm --help

# --no-optimize and --disable-pass=NAME (issue 13), one parser for run, build, emit-llvm and
# explain. The filter `id = 1` reads no window column, so push-filters-below-windows puts it
# under the HOP: the window operator then takes only the id-1 row (1 in), and without the pass
# both rows (2 in); the rows are the same: 5 is in [-100, 100) and [0, 200), 150 has id 2.
cat >hop.vsql <<'VSQL'
CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32, b FLOAT32, name STRING(4),
                   WATERMARK FOR ts AS ts - INTERVAL '10' NANOSECOND);
SELECT id, window_start FROM HOP(cam, ts, INTERVAL '100' NANOSECOND, INTERVAL '200' NANOSECOND) WHERE id = 1;
VSQL
hop_rows=$'id,window_start\n1,-100\n1,0'
run hop-optimised 0 run hop.vsql --input cam=cam.csv --timestamps ns --stats
same hop-optimised-rows "$out" "$hop_rows"
[[ "$err" == *"WindowAssign: 1 in, 2 out"* ]] && ok || bad "optimised: the filter runs below the window: $err"
for flags in --no-optimize --disable-pass=push-filters-below-windows "--disable-pass push-filters-below-windows"; do
  run "hop $flags" 0 run hop.vsql --input cam=cam.csv --timestamps ns --stats $flags
  same "hop-rows $flags" "$out" "$hop_rows"
  [[ "$err" == *"WindowAssign: 2 in, 2 out"* ]] && ok || bad "$flags: the filter stays above the window: $err"
done
run unknown-pass 2 run hop.vsql --input cam=cam.csv --disable-pass=nope
[[ "$err" == *"unknown pass 'nope'; passes: fold-constants, remove-identity-projections,"*"slice-windows, merge-windows, prune-source-columns"* ]] && ok || bad "unknown pass lists the passes: $err"
run run-help-passes 0 run --help
[[ "$out" == *"--no-optimize"* && "$out" == *"--disable-pass=NAME"* && "$out" == *"merge-projections"* ]] && ok || bad "run --help names the optimizer flags"
# emit-llvm and build compile the same unoptimised plan: other code than the optimised one.
"$vlac" emit-llvm hop.vsql >ir_opt.txt 2>/dev/null
run emit-llvm-no-optimize 0 emit-llvm hop.vsql --no-optimize
[[ -s ir_opt.txt && "$out" != "$(cat ir_opt.txt)" ]] && ok || bad "emit-llvm --no-optimize: the same IR as optimised"
run emit-llvm-unknown-pass 2 emit-llvm hop.vsql --disable-pass=nope
[[ "$err" == *"unknown pass 'nope'; passes:"* ]] && ok || bad "emit-llvm unknown pass: $err"
run build-optimised 0 build hop.vsql -o built_opt
run build-no-optimize 0 build hop.vsql -o built_plain --no-optimize
cmp -s built_opt/hop.h built_plain/hop.h && bad "build --no-optimize wrote the optimised class" || ok
run build-unknown-pass 2 build hop.vsql -o built_x --disable-pass=nope
[[ "$err" == *"unknown pass 'nope'; passes:"* ]] && ok || bad "build unknown pass: $err"
run build-help-passes 0 build --help
[[ "$out" == *"--disable-pass=NAME"* ]] && ok || bad "build --help names the optimizer flags"

# --stats: a window aggregate reports the accumulator states it updated (issue 13); a
# window assignment (no aggregate) does not.
for backend in jit cpp; do
  run "stats-windows-updated $backend" 0 run p.vsql --input cam=cam.csv --stats --backend $backend
  [[ "$err" =~ "operator #0 WindowAggregate: 2 in, 2 out, 0 late, 0 over capacity, "[0-9]+" windows updated" ]] && ok || bad "$backend --stats: windows updated: $err"
done
run stats-window-assign 0 run hop.vsql --input cam=cam.csv --stats
[[ "$err" != *"windows updated"* ]] && ok || bad "a WindowAssign reports no windows updated: $err"
# SESSION counts one state update per row (it said 0): rows at 1 and 5 share a session, 40 opens one.
cat > ses.vsql <<'EOF2'
CREATE STREAM s (ts TIMESTAMP NOT NULL, k INT32, WATERMARK FOR ts AS ts);
SELECT k, window_start, window_end, COUNT(*) AS n FROM SESSION(s, ts, INTERVAL '10' NANOSECOND) GROUP BY k, window_start, window_end;
EOF2
printf 'ts,k\n1,1\n5,1\n40,1\n' > ses.csv
for backend in jit cpp firmware; do
  run "stats-session-windows-updated $backend" 0 run ses.vsql --input s=ses.csv --stats --backend $backend
  [[ "$err" == *"operator #0 WindowAggregate: 3 in, 2 out, 0 late, 0 over capacity, 3 windows updated"* ]] && ok || bad "$backend SESSION --stats: $err"
done

echo "run-cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
