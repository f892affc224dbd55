#!/usr/bin/env python3
"""Every end-to-end case at --threads 1, 2 and 4 (LANGUAGE.md §11): the output must not change.

    python3 tests/e2e/run_thread_cases.py build/vlac [--backend jit|cpp|firmware] [--case NAME ...]

For each case of tests/e2e/cases/: the run with `--threads 1 --stats --rejects FILE` must give
expected.csv (the case's independent expectation). Then the same run at 2 and 4 threads, each
with parse chunks of 1, 7, 61 and 4096 bytes (the test hook VLAC_TEST_PARSE_CHUNK_BYTES puts
chunk boundaries everywhere in the cases' small files: inside quoted values that span lines,
on CRLF, on rejected records), must give the same exit status, stdout, rejects file and stderr
(messages with their line numbers, --stats counts), byte for byte; only the stats header (its
compile time), the `input ...: N chunks parsed on T threads` line, which says how the parse was
shared, the `operator #i partitions: ...` line, which says how a keyed operator's rows were
dealt out, the `operator #i: ...` line, which says why an operator with state ran whole or once
on the run's thread (every operator with state must have one of the two: placement_lines_hold),
the `rows not dealt out by the parser threads: ...` line, which says why a keyed operator's
rows were not (several inputs, ...), and the `outputs: ...` line, which says where they were formatted and written (a
program of pipelines only formats them on the parser threads when the file is split; with 7- and 61-byte
chunks, the test hook VLAC_TEST_OUTPUT_TRIAL tries the run's thread against the output thread
every few rows and keeps one), are left out of the comparison; but each partitions line must name as many partitions
as threads, and its rows must add up to the operator's rows in (partition_lines_hold); and where an OVER's
rows were dealt out to partitions, its peak of buffered rows is their peaks' sum, which must be
at least one thread's (summed_peaks_hold). The cases that read one file are also run with it on
standard input (live, never split) at 2 and 4 threads, against the same one-thread run.

At 4 threads the test hook VLAC_TEST_NEVER_GATHER keeps keyed aggregates in their partitions to
the end; at 2 they are gathered back onto the run's thread when they fire often, as by default.
A partitioned interval join's results come out in rounds of as many rows as the chunk has bytes
(the test hook VLAC_TEST_ROUND_ROWS): a round per row, per 7 rows, ... With 61-byte chunks no run
is dealt (the test hook VLAC_TEST_NO_DEALING): a program of one keyed aggregate or OVER then has
its partitions fed by the run's thread.

`--quick` runs 2 threads with 7-byte chunks only, never gathered (a quick look; ctest runs it
whole, in the sanitizer build too).

Ends with `threads: N runs agree, M disagree`; exits 1 if any disagree.
"""

import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

CASES_DIR = pathlib.Path(__file__).resolve().parent / "cases"
TIMEOUT_S = 120
CHUNKS = ["1", "7", "61", "4096"]
NEVER_GATHER_AT = {4}  # thread counts run with VLAC_TEST_NEVER_GATHER (--quick: 2 as well)
STATS_HEADER = re.compile(rb"^vlac: stats \((JIT|C\+\+|firmware) compile \d+ ms\)$", re.M)
PARALLEL_LINE = re.compile(rb"^  input [^\n]*: \d+ chunks parsed on [^\n]*\n", re.M)
PARTITIONS_LINE = re.compile(
    rb"^  operator #\d+ partitions: (\d+) \(rows ([\d +]+), skew [\d.]+(?:; (\d+) on the run's thread once gathered)?\)[^\n]*\n", re.M)
OUTPUTS_LINE = re.compile(rb"^  outputs: formatted [^\n]*\n", re.M)
NOT_DEALT_LINE = re.compile(rb"^  rows not dealt out by the parser threads: [^\n]*\n", re.M)
WHOLE_LINE = re.compile(rb"^  operator #\d+: (?:runs once|whole on the run's thread)[^\n]*\n", re.M)
OPERATOR_LINE = re.compile(rb"^  operator #(\d+) (\w+): \d+ in", re.M)
# Parse chunks run with the outputs tried against the run's thread every few rows, the trial's
# outcome fixed (the test hook VLAC_TEST_OUTPUT_TRIAL); the others write them on their thread.
OUTPUT_TRIAL = {"7": "run", "61": "thread"}
# Parse chunks run with no dealt run (the test hook VLAC_TEST_NO_DEALING): a program of one keyed
# aggregate or OVER over one file then has its partitions fed by the run's thread, as any other.
NO_DEALING = {"61"}


def stdin_variant(args):
    inputs = [i for i, a in enumerate(args) if a == "--input"]
    if len(inputs) != 1 or "=" not in args[inputs[0] + 1]:
        return None
    name, path = args[inputs[0] + 1].split("=", 1)
    if path.endswith(".jsonl"):
        return None
    live = list(args)
    live[inputs[0] + 1] = name + "=-"
    return live, path


def run(vlac, case_dir, args, threads, chunk=None, feed=None):
    with tempfile.TemporaryDirectory() as tmp:
        rejects = pathlib.Path(tmp) / "rejects.csv"
        cmd = [vlac, "run", "program.vsql"] + args + ["--threads", str(threads), "--stats", "--rejects", str(rejects)]
        env = dict(os.environ)
        if chunk:
            env["VLAC_TEST_PARSE_CHUNK_BYTES"] = chunk
            # A partitioned interval join's results come out in rounds of as many rows.
            env["VLAC_TEST_ROUND_ROWS"] = chunk
            if chunk in OUTPUT_TRIAL:
                env["VLAC_TEST_OUTPUT_TRIAL"] = OUTPUT_TRIAL[chunk]
            if chunk in NO_DEALING:
                env["VLAC_TEST_NO_DEALING"] = "1"
        if threads in NEVER_GATHER_AT:  # keyed aggregates stay in partitions to the end (else gathered if they fire often)
            env["VLAC_TEST_NEVER_GATHER"] = "1"
        proc = subprocess.run(cmd, cwd=case_dir, input=feed, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT_S, env=env)
        err = STATS_HEADER.sub(b"vlac: stats", proc.stderr)
        for line in (PARALLEL_LINE, PARTITIONS_LINE, WHOLE_LINE, OUTPUTS_LINE, NOT_DEALT_LINE):
            err = line.sub(b"", err)
        if not partition_lines_hold(proc.stderr, threads):
            err += b"\n(a partitions line does not add up)"
        if threads > 1 and not placement_lines_hold(proc.stderr):
            err += b"\n(an operator with state does not say where it ran)"
        return (proc.returncode, proc.stdout, rejects.read_bytes() if rejects.exists() else b"", err), shlex.join(cmd)


def partition_lines_hold(stderr, threads):
    """Each `operator #i partitions: P (rows a + b ..., skew s[; g on the run's thread once
    gathered])` line has P = threads and rows (with g) summing to the `operator #i ...: N in`
    count of the same run."""
    for m in PARTITIONS_LINE.finditer(stderr):
        op = re.search(rb"^  operator #%s \S+: (\d+) in" % m.group(0).split(b"#")[1].split(b" ")[0], stderr, re.M)
        rows = [int(x) for x in m.group(2).split(b" + ")]
        gathered = int(m.group(3)) if m.group(3) else 0
        if int(m.group(1)) != threads or len(rows) != threads or not op or sum(rows) + gathered != int(op.group(1)):
            return False
    return True


def placement_lines_hold(stderr):
    """With threads, every operator with state (all but a window assignment) says where it ran:
    in one `operator #i partitions: ...` line, or one `operator #i: ...` line saying why it ran
    whole or once."""
    for m in OPERATOR_LINE.finditer(stderr):
        if m.group(2) == b"WindowAssign":
            continue
        if len(re.findall(rb"^  operator #%s(?: partitions)?: " % m.group(1), stderr, re.M)) != 1:
            return False
    return True


SUMMED_PEAK = re.compile(rb"^(  operator #(\d+) [^\n]*buffered \(peak )(\d+), summed over \d+ partitions\)$", re.M)


def summed_peaks_hold(base_err, err):
    """A dealt OVER's `buffered (peak N, summed over P partitions)`: its partitions' peaks added
    up, which no one thread's peak exceeds. Each is replaced by the one-thread run's figure when
    N is at least that (so the rest of the line still compares), else left to differ."""
    def one_thread_peak(op):
        m = re.search(rb"^  operator #%s [^\n]*buffered \(peak (\d+)\)$" % op, base_err, re.M)
        return int(m.group(1)) if m else None

    def fix(m):
        peak = one_thread_peak(m.group(2))
        return m.group(1) + b"%d)" % peak if peak is not None and int(m.group(3)) >= peak else m.group(0)
    return SUMMED_PEAK.sub(fix, err)


def describe(base, got):
    names = ["exit status", "stdout", "rejects file", "stderr"]
    parts = []
    for name, a, b in zip(names, base, got):
        if a != b:
            parts.append("%s differs:\n  1 thread: %r\n  this run: %r" % (name, a[-600:] if isinstance(a, bytes) else a,
                                                                         b[-600:] if isinstance(b, bytes) else b))
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vlac")
    ap.add_argument("--backend", default=None)
    ap.add_argument("--case", action="append")
    ap.add_argument("--quick", action="store_true",
                    help="2 threads and 7-byte chunks only (the sanitizer build, which runs every test slower)")
    a = ap.parse_args()
    vlac = str(pathlib.Path(a.vlac).resolve())
    if a.quick:
        NEVER_GATHER_AT.add(2)
    cases = sorted(d for d in CASES_DIR.iterdir() if d.is_dir() and (not a.case or d.name in a.case))
    agree = disagree = 0
    for case_dir in cases:
        args = shlex.split((case_dir / "args").read_text())
        if a.backend:
            args += ["--backend", a.backend]
        base, cmd = run(vlac, case_dir, args, 1)
        if base[0] != 0 or base[1] != (case_dir / "expected.csv").read_bytes():
            print("FAIL %s: one thread does not give expected.csv (exit %d): %s" % (case_dir.name, base[0], cmd))
            disagree += 1
            continue
        counts, chunks = ((2,), ["7"]) if a.quick else ((2, 4), CHUNKS)
        variants = [(t, c, None) for t in counts for c in chunks]
        live = stdin_variant(args)
        if live:
            variants += [(t, None, live) for t in counts]
        for threads, chunk, stdin in variants:
            if stdin:
                got, cmd = run(vlac, case_dir, stdin[0], threads, feed=(case_dir / stdin[1]).read_bytes())
            else:
                got, cmd = run(vlac, case_dir, args, threads, chunk)
            got = got[:3] + (summed_peaks_hold(base[3], got[3]),)
            if got == base:
                agree += 1
                continue
            disagree += 1
            print("FAIL %s (--threads %d, %s): %s\n%s" % (case_dir.name, threads,
                                                          "standard input" if stdin else "chunks of %s bytes" % chunk,
                                                          cmd, describe(base, got)))
    print("threads: %d runs agree, %d disagree" % (agree, disagree))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
