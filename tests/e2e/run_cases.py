#!/usr/bin/env python3
"""Runs the end-to-end golden cases of tests/e2e/cases/ against a vlac binary.

    python3 tests/e2e/run_cases.py build/vlac [--backend jit|cpp|firmware | --differential] [--case NAME ...]

For each case folder: runs `VLAC run program.vsql <args>` (the one line of `args`, plus
`--backend B` when given) with the case folder as the working directory, and compares its
stdout byte for byte with `expected.csv`. A mismatch prints a unified diff (and stderr); a
non-zero exit status is a failure too. Ends with `e2e: N passed, M failed`; exits 1 if any
case failed.

`--differential` runs every case through the three backends (the LLVM JIT, the C++ backend
and the firmware class built for this machine), each with `--stats`: each must match
expected.csv, and their stdout, exit status and stderr (the `--stats` lines with their late and
over-capacity counts, messages) must be identical, byte for byte, but for the stats header
that names the backend and its compile time.

The firmware backend holds at most its capacities (WITH, else the firmware defaults), which
some cases exceed. So it runs each case twice:
- with every default raised above what any case holds (FIRMWARE_ROOMY): it must then give the
  JIT's bytes exactly;
- at the firmware defaults: its rows may differ from the JIT's only when --stats counts rows
  over capacity (a drop is never silent). FIRMWARE_KNOWN_SILENT lists the cases where that
  does not hold yet, with the reason; each must still fail that check (so the list shrinks
  when the firmware operators are fixed).
A case the firmware target cannot compile (an unbounded or computed STRING: docs/firmware.md)
is skipped for firmware with the compiler's reason; the summary counts the skips.

Optimised vs unoptimised (issue 13): every case (its files as input) runs again with
`--no-optimize` on every backend it runs (the default one; with --differential the JIT, C++
and the firmware class with FIRMWARE_ROOMY), and its stdout must equal the optimised run's:
byte for byte, except a float field, which may differ by at most 1e-12 relative
(same_output.py: window slicing sums floats per slice). The summary counts those fields.
`--no-unoptimised` leaves this comparison out.
"""

import argparse
import difflib
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

import same_output

CASES_DIR = pathlib.Path(__file__).resolve().parent / "cases"
TIMEOUT_S = 120

# Firmware defaults for the run that must equal the JIT: above what any case holds (its peak
# keys per window, open windows, buffered rows), small enough to keep kStateBytes in megabytes.
FIRMWARE_ROOMY = ["--default-capacity", "max_keys=256", "--default-capacity", "max_open_windows=64",
                  "--default-capacity", "max_buffered_rows=1024"]

# Cases whose rows at the firmware defaults differ from the JIT's with no row counted over
# capacity: known gaps of the firmware operators (issue 12 replaces them), with the reason.
FIRMWARE_KNOWN_SILENT = {}

STATS_HEADER = re.compile(rb"^vlac: stats \((JIT|C\+\+|firmware) compile \d+ ms\)$", re.M)
FIRMWARE_REFUSAL = re.compile(rb"error: [^\n]*firmware[^\n]*")
OVER_CAPACITY = re.compile(rb", (\d+) over capacity")


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


def run_case(vlac, case_dir, backend, via_stdin=False, extra=(), check_expected=True):
    """Runs one case; (True, (exit, stdout, stderr)) when it exits 0 with expected.csv (when
    checked), (False, report) otherwise, (None, "") for a stdin variant the case has not."""
    args = shlex.split((case_dir / "args").read_text())
    feed = None
    if via_stdin:
        variant = stdin_variant(args)
        if variant is None:
            return None, ""
        args, path = variant
        feed = (case_dir / path).read_bytes()
    cmd = [vlac, "run", "program.vsql"] + args + list(extra)
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
    if check_expected and proc.stdout != expected:
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
    return True, (proc.returncode, proc.stdout, proc.stderr)


def firmware_refusal(vlac, case_dir):
    """The firmware target's reason for not compiling the program (`vlac build --target
    firmware` says it), or None when it compiles."""
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([vlac, "build", "program.vsql", "--target", "firmware", "-o", out], cwd=case_dir,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT_S)
    m = FIRMWARE_REFUSAL.search(proc.stderr)
    return m.group(0).decode("utf-8", "replace") if proc.returncode != 0 and m else None


def comparable(result):
    """Exit status, stdout and stderr with the stats header's backend and time taken out."""
    code, out, err = result
    return code, out, STATS_HEADER.sub(b"vlac: stats", err)


def disagreement(a, b, ra, rb):
    ca, cb = comparable(ra), comparable(rb)
    if ca == cb:
        return None
    text = "%s and %s disagree: exit %d vs %d; stdout %s" % (a, b, ca[0], cb[0], "equal" if ca[1] == cb[1] else "differs")
    if ca[2] != cb[2]:
        diff = difflib.unified_diff(ca[2].decode("utf-8", "replace").splitlines(keepends=True),
                                    cb[2].decode("utf-8", "replace").splitlines(keepends=True), a + " stderr", b + " stderr")
        text += "; stderr differs:\n" + "".join(diff)
    return text


def run_differential(vlac, case_dir, via_stdin, skips, unoptimised):
    """The three backends: each against expected.csv, then against each other (see above);
    for the files as input, each also unoptimised."""
    results = {}
    for backend in ("jit", "cpp"):
        ok, result = run_case(vlac, case_dir, backend, via_stdin, ["--stats"])
        if ok is None:
            return None, ""
        if not ok:
            return False, "[--backend %s] %s" % (backend, result)
        results[backend] = result
        problem = None if via_stdin else unoptimised.check(case_dir, backend, result)
        if problem:
            return False, problem
    problem = disagreement("jit", "cpp", results["jit"], results["cpp"])
    if problem:
        return False, problem
    if case_dir.name not in skips:
        skips[case_dir.name] = firmware_refusal(vlac, case_dir)
    if skips[case_dir.name]:
        return True, "firmware skipped: " + skips[case_dir.name]
    ok, result = run_case(vlac, case_dir, "firmware", via_stdin, ["--stats"] + FIRMWARE_ROOMY)
    if not ok:
        return False, "[--backend firmware %s] %s" % (" ".join(FIRMWARE_ROOMY), result)
    problem = disagreement("jit", "firmware (capacities raised)", results["jit"], result) or \
        (None if via_stdin else unoptimised.check(case_dir, "firmware", result, FIRMWARE_ROOMY))
    if problem:
        return False, problem
    # At the firmware defaults: the JIT's rows, or drops counted in --stats.
    ok, result = run_case(vlac, case_dir, "firmware", via_stdin, ["--stats"], check_expected=False)
    if not ok:
        return False, "[--backend firmware] %s" % result
    dropped = sum(int(n) for n in OVER_CAPACITY.findall(result[2]))
    silent = result[1] != results["jit"][1] and dropped == 0
    known = FIRMWARE_KNOWN_SILENT.get(case_dir.name)
    if silent and not known:
        return False, "at the firmware defaults the rows differ from the JIT's but --stats counts no row over capacity:\n" + \
            result[2].decode("utf-8", "replace")
    if known and not silent:
        return False, "listed in FIRMWARE_KNOWN_SILENT (%s) but no longer loses rows silently: take it off the list" % known
    if known:
        return True, "firmware at its defaults loses rows silently (known: %s)" % known
    return True, "firmware at its defaults drops %d rows, counted" % dropped if dropped else ""


class Unoptimised:
    """Runs a case again with --no-optimize and compares its stdout with the optimised run's."""

    def __init__(self, vlac, enabled):
        self.vlac, self.enabled = vlac, enabled
        self.runs = self.tolerated = 0

    def check(self, case_dir, backend, optimised, extra=()):
        """None when the unoptimised stdout is the optimised one (floats within 1e-12), else why."""
        if not self.enabled:
            return None
        ok, result = run_case(self.vlac, case_dir, backend, False, list(extra) + ["--no-optimize"], check_expected=False)
        label = "[--backend %s --no-optimize]" % (backend or "default")
        if not ok:
            return "%s %s" % (label, result)
        self.runs += 1
        same, tolerated, why = same_output.compare(optimised[1], result[1])
        if not same:  # a float column may print like an integer: compare by the column types
            floats = same_output.float_columns(self.vlac, pathlib.Path(case_dir) / "program.vsql")
            if len(floats) == 1:
                same, tolerated, why = same_output.compare_typed(optimised[1], result[1], next(iter(floats.values())))
        self.tolerated += tolerated
        if not same:
            return "%s stdout differs from the optimised run's: %s" % (label, why)
        return None


def main():
    ap = argparse.ArgumentParser(description="Runs tests/e2e/cases against a vlac binary.")
    ap.add_argument("vlac", help="the vlac binary")
    ap.add_argument("--backend", help="passed on as `--backend B` (jit, cpp or firmware)")
    ap.add_argument("--differential", action="store_true",
                    help="run the three backends and require identical output (and expected.csv)")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    ap.add_argument("--no-unoptimised", action="store_true",
                    help="do not also run each case with --no-optimize (same stdout required)")
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
    skips = {}  # case -> why the firmware target refuses it (None: it does not)
    notes = []
    unoptimised = Unoptimised(vlac, not opts.no_unoptimised)
    for d in cases:
        for via_stdin in (False, True):
            if opts.differential:
                ok, report = run_differential(vlac, d, via_stdin, skips, unoptimised)
            else:
                ok, report = run_case(vlac, d, opts.backend, via_stdin)
                if ok:
                    problem = None if via_stdin else unoptimised.check(d, opts.backend, report)
                    ok, report = (False, problem) if problem else (True, "")
            if ok is None:
                continue  # several inputs: no standard-input variant
            label = d.name + (" (input on stdin)" if via_stdin else "")
            if ok:
                passed += 1
                print("PASS %s%s" % (label, " (%s)" % report if report else ""))
                if report and not via_stdin:
                    notes.append(report)
            else:
                failed += 1
                print("FAIL %s\n%s" % (label, str(report).rstrip("\n")))
            sys.stdout.flush()
    summary = "e2e: %d passed, %d failed" % (passed, failed)
    if opts.differential:
        skipped = sorted(name for name, why in skips.items() if why)
        summary += "; firmware: %d of %d cases skipped (the firmware target cannot compile them%s), %d drop rows " \
                   "at its defaults (counted), %d lose rows silently (known)" % (
                       len(skipped), len(skips), ": " + ", ".join(skipped) if skipped else "",
                       sum(n.startswith("firmware at its defaults drops") for n in notes),
                       sum(n.startswith("firmware at its defaults loses") for n in notes))
    if unoptimised.enabled:
        summary += "; --no-optimize: %d runs compared, %d float fields tolerated (within 1e-12 relative)" % (
            unoptimised.runs, unoptimised.tolerated)
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
