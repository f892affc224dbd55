#!/usr/bin/env python3
"""A SESSION aggregate's max_keys counts the keys held at once, not every key ever seen (issue 14).

A key whose sessions have all fired leaves the key table, on every backend (JIT, C++ and the
firmware class). Expectations by hand:
  - the reproduction of issue 14: SESSION(1 s), bound 0, max_keys 2, keys 1..5 at 0, 2, 4, 6,
    8 s. Each key's session [t, t + 1 s) fires when the next key's row raises W to t + 2 s, so
    at most one key is held: 5 rows (one per key, count 1), none over capacity;
  - 3,000 distinct keys, each with rows at 100 k ms and 100 k ms + 10 ms (gap 50 ms, bound
    1 ms), max_keys 2: at most one key is held at a time (W reaches 100 k ms + 9 ms before the
    next key), so all 3,000 sessions come out, each [100 k ms, 100 k ms + 60 ms) with count 2,
    in key order, none over capacity.
Usage: session_keys_test.py VLAC
"""

import os
import re
import subprocess
import sys
import tempfile

vlac = sys.argv[1]
from checks import check, summary


def program(gap, bound):
    return f"""
CREATE STREAM e (ts TIMESTAMP NOT NULL, k INT, WATERMARK FOR ts AS ts - INTERVAL '{bound}' MILLISECOND);
CREATE STREAM s WITH (max_keys = 2) AS
SELECT k, COUNT(*) AS n, window_start, window_end FROM SESSION(e, ts, INTERVAL '{gap}' MILLISECOND) GROUP BY k, window_start, window_end;
"""


MS = 1_000_000
CASES = {
    "issue14_reproduction": (
        program(1000, 0),
        [(k, (k - 1) * 2000 * MS) for k in range(1, 6)],
        [(k, 1, (k - 1) * 2000 * MS, (k - 1) * 2000 * MS + 1000 * MS) for k in range(1, 6)],
    ),
    "many_distinct_keys": (
        program(50, 1),
        [(k, k * 100 * MS + d) for k in range(3000) for d in (0, 10 * MS)],
        [(k, 2, k * 100 * MS, k * 100 * MS + 60 * MS) for k in range(3000)],
    ),
}

with tempfile.TemporaryDirectory() as d:
    for name, (prog, rows, want) in CASES.items():
        path = os.path.join(d, name + ".vsql")
        data = os.path.join(d, name + ".csv")
        with open(path, "w") as f:
            f.write(prog)
        with open(data, "w") as f:
            f.write("ts,k\n" + "".join(f"{t},{k}\n" for k, t in rows))
        expected = "k,n,window_start,window_end\n" + "".join(f"{k},{n},{s},{e}\n" for k, n, s, e in want)
        for backend in ("jit", "cpp", "firmware"):
            run = subprocess.run([vlac, "run", path, "--input", f"e={data}", "--timestamps", "ns", "--stats",
                                  "--backend", backend], capture_output=True, text=True, timeout=600)
            label = f"{name} ({backend})"
            check(label + " exit", run.returncode == 0, run.stderr)
            check(label + " rows", run.stdout == expected,
                  f"got {run.stdout.count(chr(10)) - 1} rows, first lines:\n" + "".join(run.stdout.splitlines(True)[:6]))
            over = re.findall(r"(\d+) over capacity", run.stderr)
            check(label + " over capacity", over == ["0"], run.stderr)

sys.exit(summary("session-keys"))
