#!/usr/bin/env python3
"""Times vlac on the suite's workloads under several environment settings, in turns.

For measuring one change with one binary: a test hook that turns a way of running off (say
VLAC_TEST_NO_DEALING=1), or a tuning knob (VLAC_TEST_PARSE_CHUNK_BYTES=...), against the default.
Every workload runs RUNS times per setting, the settings in turns (run 1 of each, then run 2,
...), pinned to the first THREADS cores (`taskset`), writing to a pipe that is read and hashed;
each setting's least and median wall seconds are printed, and DIFFER when the settings' outputs
differ. The data is what bench/suite/suite.py generated (--data: its --work folder).

Two builds compare the same way: the setting VLAC=PATH runs that binary instead of VLAC.

Usage: compare_env.py VLAC --threads N [--runs R] [--data DIR] [--only W1,W2] SETTING...
  SETTING: "" for the default, or NAME=VALUE[,NAME=VALUE...]; VLAC=PATH: another binary
Example: compare_env.py build/vlac --threads 2 --runs 7 --only nexmark_q5 "" VLAC_TEST_NO_DEALING=1
         compare_env.py build/vlac --threads 2 "" VLAC=/tmp/vlac_before
"""

import argparse
import hashlib
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

WORKLOADS = pathlib.Path(__file__).resolve().parent / "workloads"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vlac")
    ap.add_argument("settings", nargs="+")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", default="/tmp/vb/w2m", help="suite.py's --work folder (robot/, nexmark/)")
    ap.add_argument("--only", default="", help="comma-separated workload names")
    args = ap.parse_args()
    settings = [dict(kv.split("=", 1) for kv in s.split(",") if kv) for s in args.settings]
    # Each setting's binary (VLAC=PATH, else the one given) and environment.
    runs_as = [(s.get("VLAC", args.vlac), dict(os.environ, **{k: v for k, v in s.items() if k != "VLAC"}))
               for s in settings]
    only = [w for w in args.only.split(",") if w]
    cores = ",".join(str(c) for c in range(args.threads))
    for w in sorted(p.name for p in WORKLOADS.iterdir()):
        if only and w not in only:
            continue
        spec = json.loads((WORKLOADS / w / "workload.json").read_text())
        data = pathlib.Path(args.data) / spec["family"]
        run_args = ["run", str(WORKLOADS / w / "program.vsql"), "--threads", str(args.threads), "--timestamps", "ns"]
        for name, f in spec["inputs"].items():
            run_args += ["--input", "%s=%s" % (name, data / f)]
        times = [[] for _ in settings]
        digests = set()
        for _ in range(args.runs):
            for i, (binary, env) in enumerate(runs_as):
                start = time.perf_counter()
                p = subprocess.run(["taskset", "-c", cores, binary] + run_args, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
                times[i].append(time.perf_counter() - start)
                if p.returncode != 0:
                    sys.exit("%s: exit status %d with %s" % (w, p.returncode, args.settings[i] or "the default"))
                digests.add(hashlib.sha256(p.stdout).hexdigest())
        cells = ["%.3f/%.3f" % (min(t), statistics.median(t)) for t in times]
        print("%-26s %s%s" % (w, "  ".join(cells), "" if len(digests) == 1 else "  DIFFER"), flush=True)


if __name__ == "__main__":
    main()
