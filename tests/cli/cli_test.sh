#!/usr/bin/env bash
# Black-box tests of the vlac command line (LANGUAGE.md §8): exit codes 0/1/2, help, version,
# and what check and explain print. Usage: cli_test.sh PATH/TO/vlac   (run from any directory)
set -u
vlac="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# expect NAME WANT_EXIT COMMAND... : runs COMMAND, keeps stdout/stderr in $out/$err.
expect() {
  local name="$1" want="$2"
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  out="$(cat "$work/out")" err="$(cat "$work/err")"
  if [[ $got -eq $want ]]; then
    return 0
  fi
  echo "FAIL $name: exit $got, expected $want"; echo "  stderr: ${err:0:400}"
  failed=$((failed + 1))
  return 1
}
ok() { passed=$((passed + 1)); }
check_contains() {  # NAME HAYSTACK NEEDLE
  if [[ "$2" == *"$3"* ]]; then ok; else echo "FAIL $1: missing '$3' in: ${2:0:400}"; failed=$((failed + 1)); fi
}

expect no-args 2 "$vlac" && check_contains no-args "$err" "usage: vlac"
expect help 0 "$vlac" --help && check_contains help "$out" "commands:"
expect version 0 "$vlac" --version && check_contains version "$out" "vlac "
expect unknown-command 2 "$vlac" frobnicate && check_contains unknown-command "$err" "unknown command 'frobnicate'"
expect check-help 0 "$vlac" check --help && check_contains check-help "$out" "usage: vlac check"
expect explain-help 0 "$vlac" explain --help && check_contains explain-help "$out" "--no-optimize"
expect check-no-program 2 "$vlac" check
expect check-unknown-flag 2 "$vlac" check --frob "$root/examples/cam_stats.vsql" && check_contains check-unknown-flag "$err" "unknown option '--frob'"
expect explain-bad-format 2 "$vlac" explain "$root/examples/cam_stats.vsql" --format xml
expect explain-bad-pass 2 "$vlac" explain "$root/examples/cam_stats.vsql" --disable-pass=nope && check_contains explain-bad-pass "$err" "unknown pass 'nope'; passes: fold-constants"
expect check-missing-file 1 "$vlac" check "$work/missing.vsql" && check_contains check-missing-file "$err" "cannot read"
# check reports what run would refuse, not only what the binder does (issue 11: OVER over STRING).
printf 'CREATE STREAM t (ts TIMESTAMP NOT NULL, s STRING, WATERMARK FOR ts AS ts);\nSELECT ts, LAG(s) OVER (ORDER BY ts) AS p FROM t;\n' >"$work/over_string.vsql"
expect check-run-refusal 1 "$vlac" check "$work/over_string.vsql" && check_contains check-run-refusal "$err" "over_string.vsql:2:12: error: OVER over STRING values is not supported"

expect check-ok 0 "$vlac" check "$root/examples/cam_stats.vsql" && { [[ -z "$out$err" ]] && ok || { echo "FAIL check-ok: printed something"; failed=$((failed + 1)); }; }

cat >"$work/bad.vsql" <<'VSQL'
CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, brightness FLOAT32);
SELECT cam_id, COUNT(*) AS n FROM TUMBLE(camera, ts, INTERVAL '1' SECOND) GROUP BY cam_id;
SELECT brightnes FROM camera;
VSQL
expect check-errors 1 "$vlac" check "$work/bad.vsql"
check_contains window-without-watermark "$err" "bad.vsql:2:42: error: stream 'camera' has no event time"
check_contains watermark-hint "$err" "= hint: add a WATERMARK clause to its CREATE STREAM: WATERMARK FOR ts AS ts - INTERVAL '1' SECOND"
check_contains both-errors "$err" "bad.vsql:3:8: error: unknown column 'brightnes'"
check_contains did-you-mean "$err" "did you mean 'brightness'?"
check_contains caret "$err" "  |        ^~~~~~~~~"
check_contains count "$err" "2 errors generated."

expect explain-text 0 "$vlac" explain "$root/examples/cam_stats.vsql"
check_contains explain-output "$out" "output cam_stats"
check_contains explain-window "$out" "WindowAggregate TUMBLE(ts, 1s) keys=[cam_id]"
check_contains explain-watermark "$out" "watermark: ts - 50ms"
expect explain-json 0 "$vlac" explain --format json "$root/examples/cam_stats.vsql"
if python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["outputs"][0]["name"]=="cam_stats"' <<<"$out"; then ok; else echo "FAIL explain-json: not the expected JSON"; failed=$((failed + 1)); fi
expect explain-no-optimize 0 "$vlac" explain --no-optimize "$root/examples/cam_stats.vsql"
expect explain-errors 1 "$vlac" explain "$work/bad.vsql"

# explain --verbose (issue 13): after the plan, one line per pass with its rewrites and time.
# Two WHEREs in a row are one filter after merge-filters: 1 rewrite.
cat >"$work/two_filters.vsql" <<'VSQL'
CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, brightness FLOAT32, WATERMARK FOR ts AS ts);
CREATE STREAM bright AS SELECT * FROM camera WHERE brightness > 0.5;
SELECT cam_id FROM bright WHERE cam_id = 3;
VSQL
expect explain-verbose 0 "$vlac" explain --verbose "$work/two_filters.vsql"
check_contains explain-verbose-fired "$out" "merge-filters (1)"
if grep -Eq '^  merge-filters +1 rewrite +[0-9]+\.[0-9] us$' <<<"$out" && grep -Eq '^  total +[0-9]+\.[0-9] us$' <<<"$out" &&
   [[ $(grep -Ec '^  [a-z-]+ +[0-9]+ rewrites? +[0-9]+\.[0-9] us$' <<<"$out") -eq $(sed -n '/^passes:/,$p' <<<"$out" | grep -c '^  [a-z]*-') ]]; then ok
else echo "FAIL explain-verbose: no pass lines: ${out: -600}"; failed=$((failed + 1)); fi
expect explain-verbose-disabled 0 "$vlac" explain -v --disable-pass=merge-filters "$work/two_filters.vsql"
if grep -Eq '^  merge-filters +disabled$' <<<"$out"; then ok; else echo "FAIL explain-verbose-disabled: ${out: -600}"; failed=$((failed + 1)); fi
expect explain-verbose-unoptimised 0 "$vlac" explain --verbose --no-optimize "$work/two_filters.vsql"
check_contains explain-verbose-unoptimised "$out" "passes: none ran (--no-optimize)"
expect explain-verbose-json 2 "$vlac" explain --verbose --format json "$work/two_filters.vsql"

# explain --format dot (issue 13): a digraph Graphviz accepts; structure checked without it.
expect explain-dot 0 "$vlac" explain --format dot "$root/examples/joint_fusion.vsql"
if [[ "$out" == "digraph vlac {"* && "$out" == *"}" && "$out" == *'label="output frame_pose"'* &&
      "$out" == *' [label="left"];'* && "$out" == *' [label="right"];'* ]]; then ok
else echo "FAIL explain-dot: not the expected digraph: ${out:0:400}"; failed=$((failed + 1)); fi
if command -v dot >/dev/null; then
  if dot -Tsvg <<<"$out" >"$work/plan.svg" 2>"$work/dot.err" && [[ ! -s "$work/dot.err" ]]; then ok
  else echo "FAIL explain-dot: dot -Tsvg refuses it: $(cat "$work/dot.err")"; failed=$((failed + 1)); fi
else
  echo "note: graphviz not installed (scripts/install-deps.sh): explain-dot checked without dot -Tsvg"
fi
expect explain-dot-verbose 2 "$vlac" explain --format dot --verbose "$root/examples/joint_fusion.vsql"

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
