#!/usr/bin/env python3
"""Every end-to-end case, stopped and restored (LANGUAGE.md §10).

For each case of tests/e2e/cases and each backend (the JIT and the C++ backend by default), the
case runs with `--checkpoint DIR` and the test hook VLAC_TEST_STOP_AFTER_ROWS=k: after k input
rows it writes a snapshot and exits as SIGTERM would. A new process continues from the snapshot
and stops again after some more rows; a third one runs to the end. The output file must equal
the case's expected.csv (its independent expectation) byte for byte. k comes from a fixed seed
per case, somewhere in the case's input rows.

The firmware backend (its class's snapshot()/restore()) runs with roomy capacities and is
compared with its own uninterrupted run (its rows at its capacities are the differential test's
business, run_cases.py --differential); cases it cannot compile (an unbounded STRING) are skipped.

`--threads 2,1,4` (LANGUAGE.md §11) runs the three processes at those thread counts, with parse
chunks of a few bytes (VLAC_TEST_PARSE_CHUNK_BYTES), so a snapshot taken while a file was parsed
on N threads is restored with M; a partitioned interval join's results come out in rounds of as
many rows (VLAC_TEST_ROUND_ROWS).
"""
import argparse
import json
import os
import pathlib
import random
import shlex
import subprocess
import sys
import tempfile

CASES_DIR = pathlib.Path(__file__).resolve().parent / "cases"
TIMEOUT_S = 120


def output_name(vlac, case_dir):
    p = subprocess.run([vlac, "explain", "program.vsql", "--format", "json"], cwd=case_dir, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT_S)
    outputs = json.loads(p.stdout)["outputs"] if p.returncode == 0 else []
    return outputs[0]["name"] if len(outputs) == 1 else None


def input_rows(case_dir, args):
    """About how many rows the inputs hold (lines after each header)."""
    n = 0
    for i, a in enumerate(args):
        if a == "--input" and i + 1 < len(args):
            path = case_dir / args[i + 1].split("=", 1)[1]
            n += max(0, path.read_bytes().count(b"\n") - (0 if path.suffix == ".jsonl" else 1))
    return n


FIRMWARE_ROOMY = ["--default-capacity", "max_keys=256", "--default-capacity", "max_open_windows=64",
                  "--default-capacity", "max_buffered_rows=1024"]


def run_case(vlac, case_dir, backend, seed, threads=None):
    args = shlex.split((case_dir / "args").read_text())
    name = output_name(vlac, case_dir)
    if name is None:
        return None, "not one output"
    expected = (case_dir / "expected.csv").read_bytes()
    if backend == "firmware":
        args += FIRMWARE_ROOMY
        p = subprocess.run([vlac, "run", "program.vsql"] + args + ["--backend", "firmware"], cwd=case_dir,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT_S)
        if p.returncode != 0:
            return None, "the firmware class cannot hold it"
        expected = p.stdout
    rows = input_rows(case_dir, args)
    rng = random.Random(f"{seed}:{case_dir.name}:{backend}")
    first = rng.randint(1, max(1, rows))
    second = rng.randint(1, max(1, rows - first + 1))
    with tempfile.TemporaryDirectory(prefix="vlac_ckpt_case_") as tmp:
        out = os.path.join(tmp, "out.csv")
        cmd = [vlac, "run", "program.vsql"] + args + ["--output", f"{name}={out}", "--checkpoint",
                                                      os.path.join(tmp, "ck"), "--backend", backend]
        log = []
        for i, stop in enumerate((first, second, None)):
            env = dict(os.environ)
            env.pop("VLAC_TEST_STOP_AFTER_ROWS", None)
            if stop is not None:
                env["VLAC_TEST_STOP_AFTER_ROWS"] = str(stop)
            run = cmd
            if threads:
                run = cmd + ["--threads", str(threads[i % len(threads)])]
                env["VLAC_TEST_PARSE_CHUNK_BYTES"] = str(rng.choice([1, 7, 61]))
                env["VLAC_TEST_ROUND_ROWS"] = env["VLAC_TEST_PARSE_CHUNK_BYTES"]  # a partitioned interval join's rounds
            p = subprocess.run(run, cwd=case_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT_S)
            log.append(f"$ VLAC_TEST_STOP_AFTER_ROWS={stop or ''} VLAC_TEST_PARSE_CHUNK_BYTES="
                       f"{env.get('VLAC_TEST_PARSE_CHUNK_BYTES', '')} {shlex.join(run)}\n{p.stderr.decode(errors='replace')}")
            if p.returncode != 0:
                return False, f"exit status {p.returncode}\n" + "".join(log)
        got = open(out, "rb").read()
        if got != expected:
            g, w = got.decode(errors="replace").splitlines(), expected.decode(errors="replace").splitlines()
            at = next((i for i in range(min(len(g), len(w))) if g[i] != w[i]), min(len(g), len(w)))
            return False, (f"stopped after {first} and {second} more rows: output differs from the expected at line "
                           f"{at + 1} ({len(g)} lines, expected {len(w)})\n  got:      {g[at] if at < len(g) else '<end>'}\n"
                           f"  expected: {w[at] if at < len(w) else '<end>'}\n" + "".join(log))
    return True, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vlac")
    ap.add_argument("--backend", action="append", help="jit, cpp and firmware by default")
    ap.add_argument("--case", action="append", help="only this case (repeatable)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--threads", help="thread counts of the three processes, e.g. 2,1,4")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")] if a.threads else None
    vlac = os.path.abspath(a.vlac)
    cases = sorted(d for d in CASES_DIR.iterdir() if (d / "program.vsql").exists())
    if a.case:
        cases = [d for d in cases if d.name in a.case]
    passed = failed = skipped = 0
    for backend in a.backend or ["jit", "cpp", "firmware"]:
        for case_dir in cases:
            ok, report = run_case(vlac, case_dir, backend, a.seed, threads)
            if ok is None:
                skipped += 1
                print(f"SKIP {backend} {case_dir.name}: {report}")
            elif ok:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {backend} {case_dir.name}: {report}")
    print(f"e2e checkpoint: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
