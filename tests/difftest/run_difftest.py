#!/usr/bin/env python3
"""Random-program differential tester of `vlac run` (see README.md in this folder).

    python3 tests/difftest/run_difftest.py VLAC [--seed S] [--count N] [--cpp-count N] [--firmware-count N]
        [--backend jit|cpp|firmware|all] [--family F[,F...]] [--skip-known ITEM[,ITEM...]|all] [--keep DIR]
        [--threads-count N] [--jsonl-count N] [--checkpoint-count N]

Each program runs through `vlac run` (JIT and/or `--backend cpp`, `--backend firmware` with
capacities raised above what a program holds; a program the firmware target cannot compile,
an unbounded or computed STRING, skips firmware); its output must equal the
expected rows of the models and, between backends, be byte-identical. A mismatch writes a
self-contained reproduction folder and prints its path. The folders under regressions/ run too.
Each program also runs with `--no-optimize` on each of its backends, and must print the
optimised run's rows (float fields within 1e-12 relative: tests/e2e/same_output.py);
`--no-unoptimised` leaves that out. A third also run with JSON Lines inputs and output
(jsonl_run.py), which must give the CSV run's rows; a quarter are stopped twice and restored
from checkpoints (checkpoint_run.py), which must give the uninterrupted run's rows.
Ends with `difftest: N passed, M failed`.
"""

import argparse
import json
import math
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import families as F  # noqa: E402
import gen as G  # noqa: E402
import checkpoint_run  # noqa: E402
import jsonl_run  # noqa: E402
import same_output  # noqa: E402  (tests/e2e, on the path set up by values)

# Float fields of unoptimised runs that differed from the optimised run's within 1e-12.
UNOPTIMISED = {"runs": 0, "tolerated": 0}
JSONL = {"runs": 0}  # programs also run with JSON Lines inputs and output
CHECKPOINTS = {"runs": 0}  # programs also stopped twice and restored from checkpoints
LATE = {"runs": 0, "with_rows": 0}  # --threads runs whose late rows were compared, and how many had some


def make(family, seed, skip):
    rng = random.Random(seed * 1000003 + sorted(F.FAMILIES).index(family))
    prog = G.Program("%s_%d" % (family, seed))
    F.FAMILIES[family](rng, prog, skip)
    return prog


def write_case(prog, d):
    d.mkdir(parents=True, exist_ok=True)
    (d / "program.vsql").write_text(prog.text)
    for name, data in prog.inputs.items():
        (d / name).write_bytes(data)
    (d / "args").write_text(" ".join(prog.args) + "\n")
    (d / "expected.csv").write_text(",".join(prog.header) + "\n" + "".join(r + "\n" for r in prog.expected))
    (d / "approx").write_text(" ".join(str(i) for i in sorted(prog.approx)) + "\n")
    if prog.input_types:
        (d / "input_types.json").write_text(json.dumps(prog.input_types))
    if prog.tolerance:
        (d / "tolerance").write_text("".join("%d %d %r\n" % (r, c, t) for (r, c), t in sorted(prog.tolerance.items())))


# --backend firmware: every firmware default raised above what a generated program holds, so
# its rows must be the JIT's (capacity drops are tested in tests/cli/firmware_run_test.py).
FIRMWARE_ROOMY = ["--default-capacity", "max_keys=256", "--default-capacity", "max_open_windows=64",
                  "--default-capacity", "max_buffered_rows=1024"]
FIRMWARE_REFUSED = "the firmware target cannot compile the program"


def run_vlac(vlac, d, backend, stdin_input=False, extra=(), env=None):
    """stdin_input: the one input file is fed to `--input NAME=-` (read live) instead. env:
    variables set for this run besides the environment's."""
    args = (d / "args").read_text().split()
    data = None
    if stdin_input:
        i = args.index("--input")
        name, path = args[i + 1].split("=", 1)
        args[i + 1] = name + "=-"
        data = (d / path).read_bytes()
    cmd = [vlac, "run", "program.vsql"] + args + (["--backend", backend] if backend != "default" else [])
    if backend == "firmware":
        cmd += FIRMWARE_ROOMY
    cmd += list(extra)
    try:
        p = subprocess.run(cmd, cwd=d, input=data, capture_output=True, timeout=60,
                           env=dict(os.environ, **env) if env else None)
    except subprocess.TimeoutExpired:
        return None, "timeout after 60 s"
    err = p.stderr.decode(errors="replace")
    if backend == "firmware" and p.returncode == 1 and "error: " in err and "firmware" in err and "cannot compile" not in err:
        return None, FIRMWARE_REFUSED
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, err[-2000:])
    return p.stdout.decode(errors="replace"), err


def split_csv(line):
    """Fields of one output line (RFC 4180; our strings never contain a newline)."""
    out, cur, q, i = [], [], False, 0
    while i < len(line):
        c = line[i]
        if q:
            if c == '"' and i + 1 < len(line) and line[i + 1] == '"':
                cur.append('"')
                i += 1
            elif c == '"':
                q = False
            else:
                cur.append(c)
        elif c == '"':
            q = True
        elif c == ",":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def close(a, b):
    if a == b:
        return True
    try:
        x, y = float(a.replace("Infinity", "inf")), float(b.replace("Infinity", "inf"))
    except ValueError:
        return False
    if not (math.isfinite(x) and math.isfinite(y)):
        return False  # NaN and the infinities are exact answers: a variance that overflows is +Infinity
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def within(a, b, tol):
    """|a - b| <= tol, for a float sum whose terms a sliding frame may associate differently;
    an infinite tol takes any value (a sliced sum that may overflow: families.py)."""
    if tol == math.inf:
        return True
    try:
        x, y = float(a.replace("Infinity", "inf")), float(b.replace("Infinity", "inf"))
    except ValueError:
        return False
    return math.isfinite(x) and math.isfinite(y) and abs(x - y) <= tol


def matches(expected, actual, approx, tolerance=None):
    """tolerance: {(data row, column): absolute tolerance} for cells whose value depends on
    how a sum was associated (LANGUAGE.md §4: never more than the rounding of the terms)."""
    tolerance = tolerance or {}
    if not approx and not tolerance:
        return expected == actual
    el, al = expected.split("\n"), actual.split("\n")
    if len(el) != len(al):
        return False
    for row, (e, a) in enumerate(zip(el, al)):
        if e == a:
            continue
        ef, af = split_csv(e), split_csv(a)
        if len(ef) != len(af):
            return False
        for i, (x, y) in enumerate(zip(ef, af)):
            if x == y or i in approx and close(x, y):
                continue
            if (row - 1, i) in tolerance and within(x, y, tolerance[(row - 1, i)]):
                continue
            return False
    return True


# --threads (LANGUAGE.md §11): files cut into chunks of a few bytes, so that even these small
# inputs are parsed on several threads, and keyed aggregates kept in partitions (or, by turns,
# tried both ways with the outcome fixed each way); the rows must be one thread's, byte for byte.
# The outputs are written on their own thread, or tried both ways with the outcome fixed.
# Interval joins key their sides from the start, or after the first scan, where the one-thread
# run (inputs this small) finds the rows by scans (VLAC_TEST_JOIN_SCANS). A partitioned interval
# join's results come out in rounds of 3, 5 (the trial's) and 1 rows (VLAC_TEST_ROUND_ROWS).
THREAD_RUNS = [
    ("2", {"VLAC_TEST_PARSE_CHUNK_BYTES": "61", "VLAC_TEST_NEVER_GATHER": "1", "VLAC_TEST_JOIN_SCANS": "keyed",
           "VLAC_TEST_ROUND_ROWS": "3"}),
    ("4", {"VLAC_TEST_PARSE_CHUNK_BYTES": "200", "VLAC_TEST_TRIAL": "partitions", "VLAC_TEST_OUTPUT_TRIAL": "run",
           "VLAC_TEST_JOIN_SCANS": "early"}),
    ("2", {"VLAC_TEST_PARSE_CHUNK_BYTES": "97", "VLAC_TEST_TRIAL": "gathered", "VLAC_TEST_OUTPUT_TRIAL": "thread",
           "VLAC_TEST_ROUND_ROWS": "1"}),
    # No dealt run: a one-operator program's partitions fed by the run's thread.
    ("3", {"VLAC_TEST_PARSE_CHUNK_BYTES": "53", "VLAC_TEST_NEVER_GATHER": "1", "VLAC_TEST_NO_DEALING": "1",
           "VLAC_TEST_ROUND_ROWS": "5"}),
    # Without --late, which the others report. A keyed window aggregate that alone takes the
    # rows and feeds further operators is dealt out either way, the rest replayed on the run's
    # thread.
    ("2", {"VLAC_TEST_PARSE_CHUNK_BYTES": "43", "VLAC_TEST_NEVER_GATHER": "1", "VLAC_TEST_ROUND_ROWS": "2"}),
]
NO_LATE_RUNS = {4}  # THREAD_RUNS entries run without --late


def check_threads(vlac, d, one_thread, which):
    """None when `--threads` prints one thread's rows, and with `--late` one thread's late rows
    (LANGUAGE.md §12: in the order of the drops) (`which` picks a THREAD_RUNS entry)."""
    threads, env = THREAD_RUNS[which % len(THREAD_RUNS)]
    late = which % len(THREAD_RUNS) not in NO_LATE_RUNS
    out, err = run_vlac(vlac, d, "jit", extra=["--threads", threads] + (["--late", "late_threads.jsonl"] if late else []), env=env)
    what = "jit --threads %s%s (%s)" % (threads, " --late" if late else "", " ".join("%s=%s" % kv for kv in sorted(env.items())))
    if out is None:
        return "%s: %s" % (what, err)
    if out != one_thread:
        (d / "actual_jit_threads.csv").write_text(out)
        return "%s gives other rows than one thread (see actual_jit_threads.csv)" % what
    if not late:
        return None
    one, err = run_vlac(vlac, d, "jit", extra=["--late", "late_one.jsonl"])
    if one is None:
        return "jit --late: %s" % err
    late = (d / "late_one.jsonl").read_bytes()
    LATE["runs"] += 1
    LATE["with_rows"] += bool(late)
    if (d / "late_threads.jsonl").read_bytes() != late:
        return "%s reports other late rows than one thread (late_threads.jsonl, late_one.jsonl)" % what
    return None


def check_case(vlac, d, backends, unoptimised=True, threads=None, jsonl=None, checkpoint=None):
    """Returns None when the case passes, else a reason. threads: also run the JIT with
    --threads, the THREAD_RUNS entry of this index."""
    expected = (d / "expected.csv").read_text()
    ap = d / "approx"
    approx = {int(x) for x in ap.read_text().split()} if ap.exists() else set()
    tf = d / "tolerance"
    tolerance = {}
    for line in (tf.read_text().splitlines() if tf.exists() else []):
        r, c, t = line.split()
        tolerance[(int(r), int(c))] = float(t)
    outs = {}
    for be in backends:
        out, err = run_vlac(vlac, d, be)
        if out is None and err == FIRMWARE_REFUSED:
            continue
        if out is None:
            return "%s: %s" % (be, err)
        (d / ("actual_%s.csv" % be)).write_text(out)
        outs[be] = out
        if not matches(expected, out, approx, tolerance):
            return "%s: output differs from expected.csv (see actual_%s.csv)" % (be, be)
        if unoptimised:  # the same rows without the optimizer (issue 13)
            plain, err = run_vlac(vlac, d, be, extra=["--no-optimize"])
            if plain is None and err == FIRMWARE_REFUSED:
                # The optimizer pruned what the firmware target cannot compile (a computed STRING
                # column that nothing reads); unoptimised, the program keeps it.
                continue
            if plain is None:
                return "%s --no-optimize: %s" % (be, err)
            same, tolerated, why = same_output.compare(out, plain)
            if not same:  # a float column may print like an integer: compare by the column types
                floats = same_output.float_columns(vlac, d / "program.vsql")
                if len(floats) == 1:
                    same, tolerated, why = same_output.compare_typed(out, plain, next(iter(floats.values())))
            if not same and any(t == math.inf for t in tolerance.values()) and matches(expected, plain, approx, tolerance):
                same = True  # cells that may hold any value: each run matches the model on its own
            UNOPTIMISED["runs"] += 1
            UNOPTIMISED["tolerated"] += tolerated
            if not same:
                (d / ("actual_%s_unoptimised.csv" % be)).write_text(plain)
                return "%s: --no-optimize prints other rows than the optimised run (actual_%s_unoptimised.csv): %s" % (
                    be, be, why)
    if len(set(outs.values())) > 1:
        return "backends differ byte-wise: " + ", ".join(outs)
    if "jit" in outs and threads is not None:
        why = check_threads(vlac, d, outs["jit"], threads)
        if why:
            return why
    args = (d / "args").read_text().split()
    if "jit" in outs and args.count("--input") == 1:  # batch = stream (§5): the same bytes, live
        out, err = run_vlac(vlac, d, "jit", stdin_input=True)
        if out is None:
            return "jit, input on stdin: %s" % err
        if out != outs["jit"]:
            (d / "actual_jit_stdin.csv").write_text(out)
            return "jit: input on stdin gives other rows than the file (see actual_jit_stdin.csv)"
    if "jit" in outs and jsonl and (d / "input_types.json").exists():  # JSON Lines in and out (§7)
        jargs = jsonl_run.write_inputs(d, json.loads((d / "input_types.json").read_text()), jsonl)
        (d / "args").write_text(" ".join(jargs) + "\n")
        # By turns on two threads, the files parsed in chunks of a few dozen bytes (§11).
        threaded = jsonl % 2 == 1
        try:
            out, err = run_vlac(vlac, d, "jit", extra=["--format", "jsonl"] + (["--threads", "2"] if threaded else []),
                                env={"VLAC_TEST_PARSE_CHUNK_BYTES": "67"} if threaded else None)
        finally:
            (d / "args").write_text(" ".join(args) + "\n")
        if out is None:
            return "jit, JSON Lines in and out: %s" % err
        (d / "actual_jit.jsonl").write_text(out)
        try:
            as_csv = jsonl_run.to_csv(out, outs["jit"].split("\n", 1)[0], iso_to_ns="iso" in jargs)
        except ValueError as e:
            return "jit, JSON Lines in and out: unreadable output (actual_jit.jsonl): %s" % e
        JSONL["runs"] += 1
        if as_csv != outs["jit"]:
            return ("jit, JSON Lines in and out: other rows than the CSV run (actual_jit.jsonl; inputs *.jsonl, "
                    "run with: --input NAME=FILE.jsonl --format jsonl%s)" % (
                        " --threads 2, VLAC_TEST_PARSE_CHUNK_BYTES=67" if threaded else ""))
    if "jit" in outs and checkpoint is not None:  # stopped twice and restored (§10), on each backend
        for be in outs:
            why = checkpoint_run.check(vlac, d, outs["jit"], checkpoint, be, FIRMWARE_ROOMY if be == "firmware" else ())
            if why:
                return "%s, checkpoints: %s" % (be, why)
            CHECKPOINTS["runs"] += 1
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vlac")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300, help="programs through the JIT")
    ap.add_argument("--cpp-count", type=int, default=None,
                    help="programs also through --backend cpp (default: count/6; g++ per program)")
    ap.add_argument("--firmware-count", type=int, default=None,
                    help="programs also through --backend firmware (default: count/8; g++ per program)")
    ap.add_argument("--threads-count", type=int, default=None,
                    help="programs also run with --threads 2 or 4 (default: count/2)")
    ap.add_argument("--jsonl-count", type=int, default=None,
                    help="programs also run with JSON Lines inputs and output (default: count/3)")
    ap.add_argument("--checkpoint-count", type=int, default=None,
                    help="programs also stopped twice and restored from checkpoints (default: count/4)")
    ap.add_argument("--backend", choices=["jit", "cpp", "firmware", "all"], default="all")
    ap.add_argument("--family", default="", help="comma-separated families (default: all)")
    ap.add_argument("--skip-known", default="",
                    help="comma-separated issue-11 shapes not to generate, or 'all': " + ", ".join(G.KNOWN))
    ap.add_argument("--keep", default=None, help="folder for the reproductions (default: a temporary one)")
    ap.add_argument("--no-regressions", action="store_true")
    ap.add_argument("--only", default=None, help="one generated program by name, e.g. window_100268")
    ap.add_argument("--no-unoptimised", action="store_true",
                    help="do not also run each program with --no-optimize (same rows required)")
    args = ap.parse_args()
    vlac = str(pathlib.Path(args.vlac).resolve())
    fams = [f for f in args.family.split(",") if f] or sorted(F.FAMILIES)
    for f in fams:
        if f not in F.FAMILIES:
            sys.exit("unknown family %r; known: %s" % (f, ", ".join(sorted(F.FAMILIES))))
    skip = set(G.KNOWN) if args.skip_known == "all" else {s for s in args.skip_known.split(",") if s}
    cpp_count = args.count // 6 if args.cpp_count is None else args.cpp_count
    firmware_count = args.count // 8 if args.firmware_count is None else args.firmware_count
    threads_count = args.count // 2 if args.threads_count is None else args.threads_count
    jsonl_count = args.count // 3 if args.jsonl_count is None else args.jsonl_count
    checkpoint_count = args.count // 4 if args.checkpoint_count is None else args.checkpoint_count
    keep = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="difftest_"))
    keep.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="difftest_work_"))
    env_cache = os.environ.setdefault("VLAC_CACHE_DIR", "")
    del env_cache
    passed = failed = 0
    jobs = []
    if not args.no_regressions and (HERE / "regressions").is_dir():
        for d in sorted((HERE / "regressions").iterdir()):
            if (d / "program.vsql").exists():
                jobs.append(("regression", d))
    if args.only:
        fam, seed = args.only.rsplit("_", 1)
        jobs = [("random", (fam, int(seed), True, True, int(seed), int(seed), int(seed)))]
    for i in range(0 if args.only else args.count):
        seed = args.seed * 100000 + i
        fam = fams[i % len(fams)]
        jobs.append(("random", (fam, seed, i < cpp_count, i < firmware_count, i if i < threads_count else None,
                                seed if i < jsonl_count else None, seed if i < checkpoint_count else None)))
    for n, (kind, job) in enumerate(jobs):
        if kind == "regression":
            d = work / ("regression_" + job.name)
            shutil.copytree(job, d)
            name = "regressions/" + job.name
            backends = ["jit", "cpp", "firmware"] if args.backend == "all" else [args.backend]
            threads = n  # each regression at one of the thread runs, by turns
            jsonl = checkpoint = None
        else:
            fam, seed, with_cpp, with_firmware, threads, jsonl, checkpoint = job
            try:
                prog = make(fam, seed, skip)
            except Exception as e:  # a generator (model) defect: report it, run the rest
                failed += 1
                print("FAIL %s_%d: the generator raised %s: %s" % (fam, seed, type(e).__name__, e), flush=True)
                continue
            name = prog.name
            d = work / name
            write_case(prog, d)
            backends = {"jit": ["jit"], "cpp": ["cpp"] if with_cpp else [],
                        "firmware": ["firmware"] if with_firmware else [],
                        "all": ["jit"] + (["cpp"] if with_cpp else []) + (["firmware"] if with_firmware else [])}[args.backend]
            if not backends:
                continue
        why = check_case(vlac, d, backends, not args.no_unoptimised, threads, jsonl, checkpoint)
        if why is None:
            passed += 1
            shutil.rmtree(d)
            continue
        failed += 1
        dest = keep / name.replace("/", "_")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.move(str(d), dest)
        print("FAIL %s: %s\n     reproduce: cd %s && %s run program.vsql $(cat args)" % (
            name, why.splitlines()[0] if why else why, dest, vlac), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    if failed == 0 and not args.keep:
        shutil.rmtree(keep, ignore_errors=True)
    summary = "difftest: %d passed, %d failed" % (passed, failed)
    if not args.no_unoptimised:
        summary += "; --no-optimize: %d runs compared, %d float fields tolerated (within 1e-12 relative)" % (
            UNOPTIMISED["runs"], UNOPTIMISED["tolerated"])
    if JSONL["runs"]:
        summary += "; JSON Lines in and out: %d runs" % JSONL["runs"]
    if CHECKPOINTS["runs"]:
        summary += "; stopped and restored: %d runs" % CHECKPOINTS["runs"]
    if LATE["runs"]:
        summary += "; --threads --late: %d runs compared, %d with late rows" % (LATE["runs"], LATE["with_rows"])
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
