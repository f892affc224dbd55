#!/usr/bin/env python3
"""Runs the end-to-end golden cases of tests/e2e/cases/ against a vlac binary.

    python3 tests/e2e/run_cases.py build/vlac [--backend jit|cpp | --differential] [--case NAME ...]

For each case folder: runs `VLAC run program.vsql <args>` (the one line of `args`, plus
`--backend B` when given) with the case folder as the working directory, and compares its
stdout byte for byte with `expected.csv`. A mismatch prints a unified diff (and stderr); a
non-zero exit status is a failure too. Ends with `e2e: N passed, M failed`; exits 1 if any
case failed.

`--differential` runs every case through both backends (the LLVM JIT and the C++ backend):
each must match expected.csv, and their stdout and exit status must be identical to each
other, byte for byte.
"""

import argparse
import difflib
import pathlib
import shlex
import subprocess
import sys

CASES_DIR = pathlib.Path(__file__).resolve().parent / "cases"
TIMEOUT_S = 120


def stdin_variant(args):
    """For a case with exactly one --input: the same arguments reading it from standard input
    (`NAME=-`), and the file to feed; else None. Batch = stream: the rows must not change."""
    inputs = [i for i, a in enumerate(args) if a == "--input"]
    if len(inputs) != 1 or inputs[0] + 1 >= len(args) or "=" not in args[inputs[0] + 1]:
        return None
    name, path = args[inputs[0] + 1].split("=", 1)
    if path.endswith(".jsonl"):
        return None  # JSON Lines is chosen by the file name; stdin is read as CSV
    live = list(args)
    live[inputs[0] + 1] = name + "=-"
    return live, path


def run_case(vlac, case_dir, backend, via_stdin=False):
    args = shlex.split((case_dir / "args").read_text())
    feed = None
    if via_stdin:
        variant = stdin_variant(args)
        if variant is None:
            return None, ""
        args, path = variant
        feed = (case_dir / path).read_bytes()
    cmd = [vlac, "run", "program.vsql"] + args
    if backend:
        cmd += ["--backend", backend]
    expected = (case_dir / "expected.csv").read_bytes()
    try:
        proc = subprocess.run(cmd, cwd=case_dir, input=feed, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, "timed out after %d s: %s" % (TIMEOUT_S, shlex.join(cmd))
    except OSError as e:
        return False, "cannot run %s: %s" % (vlac, e)
    problems = []
    if proc.returncode != 0:
        problems.append("exit status %d" % proc.returncode)
    if proc.stdout != expected:
        exp_lines = expected.decode("utf-8", "replace").splitlines(keepends=True)
        got_lines = proc.stdout.decode("utf-8", "replace").splitlines(keepends=True)
        diff = "".join(difflib.unified_diff(exp_lines, got_lines, "expected.csv", "stdout"))
        if not diff:  # same text lines: line ends or a final newline differ
            diff = "output differs in bytes only (line ends?): expected %r..., got %r...\n" % (
                expected[-40:], proc.stdout[-40:])
        problems.append("stdout differs from expected.csv:\n" + diff)
    if problems and proc.stderr:
        err = proc.stderr.decode("utf-8", "replace")
        problems.append("stderr:\n" + (err if len(err) < 4000 else err[:4000] + "...\n"))
    if problems:
        return False, "$ (cd %s && %s)\n" % (case_dir, shlex.join(cmd)) + "\n".join(problems)
    return True, (proc.returncode, proc.stdout)


def run_differential(vlac, case_dir, via_stdin):
    """Both backends: each against expected.csv, then against each other."""
    results = {}
    for backend in ("jit", "cpp"):
        ok, result = run_case(vlac, case_dir, backend, via_stdin)
        if ok is None:
            return None, ""
        if not ok:
            return False, "[--backend %s] %s" % (backend, result)
        results[backend] = result
    if results["jit"] != results["cpp"]:
        return False, "the backends disagree: jit exit %d, cpp exit %d, outputs %s" % (
            results["jit"][0], results["cpp"][0], "equal" if results["jit"][1] == results["cpp"][1] else "differ")
    return True, ""


def main():
    ap = argparse.ArgumentParser(description="Runs tests/e2e/cases against a vlac binary.")
    ap.add_argument("vlac", help="the vlac binary")
    ap.add_argument("--backend", help="passed on as `--backend B` (jit or cpp)")
    ap.add_argument("--differential", action="store_true",
                    help="run both backends and require identical output (and expected.csv)")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    opts = ap.parse_args()
    if opts.differential and opts.backend:
        ap.error("--differential runs both backends; drop --backend")
    vlac = str(pathlib.Path(opts.vlac).resolve())
    cases = sorted(d for d in CASES_DIR.iterdir() if (d / "program.vsql").is_file())
    if opts.case:
        unknown = set(opts.case) - {d.name for d in cases}
        if unknown:
            ap.error("no such case: %s" % ", ".join(sorted(unknown)))
        cases = [d for d in cases if d.name in opts.case]
    passed = failed = 0
    for d in cases:
        for via_stdin in (False, True):
            if opts.differential:
                ok, report = run_differential(vlac, d, via_stdin)
            else:
                ok, report = run_case(vlac, d, opts.backend, via_stdin)
            if ok is None:
                continue  # several inputs: no standard-input variant
            label = d.name + (" (input on stdin)" if via_stdin else "")
            if ok:
                passed += 1
                print("PASS %s" % label)
            else:
                failed += 1
                print("FAIL %s\n%s" % (label, str(report).rstrip("\n")))
            sys.stdout.flush()
    print("e2e: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
