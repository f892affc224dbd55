#!/usr/bin/env python3
"""Float sums and late rows under `vlac run --threads N` (LANGUAGE.md §2, §5, §11).

A keyed TUMBLE or GROUP BY aggregate over one file is dealt out by the parser threads (each
row to its key's partition, rt::DealtRun) or, with VLAC_TEST_NO_DEALING, fed to its partitions
by the run's thread. What could make it differ from one thread:
  - float sums: §2 adds them in the order rows were accepted, and any other association (a sum of
    per-chunk or per-partition partial sums) changes the last bits. The values here mix 1e16 with
    small ones, so that any other order changes the result;
  - late rows: a row may be late by its own chunk's rows before it, or by the chunks before;
    disorder here reaches past the watermark bound;
  - NULLs (not counted, not summed), STRING keys (one quoted) and MAX of a STRING;
  - first arrivals, which order a window's groups (§5), across chunks.
The expectation is a reference model written here: rows in file order, each group's float sum
added in that order (Python's float is IEEE double), late by the largest time before the row
minus the bound; every field is compared exactly (floats parsed back). Then 2 and 4 threads,
with parse chunks of 300, 4096 and 65536 bytes (VLAC_TEST_PARSE_CHUNK_BYTES), must write one
thread's bytes and count as many late rows, and `--stats` must say the rows were dealt out by
the parser threads (or, with VLAC_TEST_NO_DEALING, not).
(Written for a per-chunk pre-aggregation that was measured and not kept: docs/decisions.md,
"Issue 16: pre-aggregation per chunk, measured".)
Usage: threads_float_order_test.py VLAC
"""

import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile

from checks import check, summary

vlac = sys.argv[1]

STREAM = """CREATE STREAM e (ts TIMESTAMP NOT NULL, k STRING, x DOUBLE, y FLOAT, v BIGINT,
                 WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
"""
TUMBLE = STREAM + """SELECT k, window_start, window_end, COUNT(*) AS n, COUNT(x) AS nx, SUM(x) AS sx, AVG(x) AS ax,
       MIN(x) AS lo, MAX(x) AS hi, SUM(y) AS sy, AVG(y) AS ay, SUM(v) AS sv, MAX(k) AS mk
FROM TUMBLE(e, ts, INTERVAL '1' SECOND)
GROUP BY k, window_start, window_end;
"""
GROUP_BY = STREAM + "SELECT k, COUNT(*) AS n, SUM(x) AS sx, AVG(x) AS ax, SUM(v) AS sv FROM e GROUP BY k;\n"

BOUND_NS = 100_000_000
SIZE_NS = 1_000_000_000
DEALT = "rows dealt out by the parser threads"


def generate(path, rng, count=20_000):
    rows = []
    t = 1_700_000_000_000_000_000
    for _ in range(count):
        t += rng.randrange(1, 30) * 1_000_000
        ts = t - rng.randrange(0, 400) * 1_000_000 if rng.random() < 0.05 else t  # some late
        k = "k%d" % rng.randrange(5) if rng.random() < 0.97 else "quoted, \"k\""
        x = None if rng.random() < 0.05 else rng.choice([1e16, -1e16, 1.0, 0.1, 3.3e-5, rng.uniform(-1, 1)])
        y = None if rng.random() < 0.05 else rng.randrange(-5000, 5000) / 1024  # exact in FLOAT32
        v = None if rng.random() < 0.03 else rng.randrange(-10**12, 10**12)
        rows.append((ts, k, x, y, v))
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ts", "k", "x", "y", "v"])
        for ts, k, x, y, v in rows:
            w.writerow([ts, k, "" if x is None else repr(x), "" if y is None else repr(y), "" if v is None else v])
    return rows


def reference(rows, windowed):
    """One thread's groups, in output order, and the late rows' count."""
    groups = {}  # (start, key) -> state
    order = []
    max_before = None
    late = 0
    for seq, (ts, k, x, y, v) in enumerate(rows):
        watermark = None if max_before is None else max_before - BOUND_NS
        start = ts // SIZE_NS * SIZE_NS if windowed else 0
        if windowed and watermark is not None and start + SIZE_NS <= watermark:
            late += 1
        else:
            g = groups.get((start, k))
            if g is None:
                g = groups[(start, k)] = {"k": k, "start": start, "first": seq, "n": 0, "xs": [], "ys": [], "vs": []}
                order.append(g)
            g["n"] += 1
            if x is not None:
                g["xs"].append(x)
            if y is not None:
                g["ys"].append(y)
            if v is not None:
                g["vs"].append(v)
        max_before = ts if max_before is None else max(max_before, ts)
    order.sort(key=lambda g: (g["start"], g["first"]))
    return order, late


def seq_sum(values):
    """Left to right, as one thread adds them (not sum(): since Python 3.12 it compensates floats)."""
    total = 0.0
    for value in values:
        total += value
    return total


def wrap64(n):
    return (n + 2**63) % 2**64 - 2**63


def check_reference(label, out, rows, windowed):
    got = list(csv.DictReader(io.StringIO(out)))
    groups, late = reference(rows, windowed)
    ok = len(got) == len(groups)
    why = "%d rows, expected %d" % (len(got), len(groups))
    for r, g in zip(got, groups):
        xs, ys, vs = g["xs"], g["ys"], g["vs"]
        sx = seq_sum(xs) if xs else None
        sy = seq_sum(ys) if ys else None
        want = {"k": g["k"], "n": str(g["n"]), "sx": sx, "ax": sx / len(xs) if xs else None,
                "sv": str(wrap64(sum(vs))) if vs else ""}
        fields = ["k", "n", "sx", "ax", "sv"]
        if windowed:
            want.update({"window_start": str(g["start"]), "window_end": str(g["start"] + SIZE_NS), "nx": str(len(xs)),
                         "lo": min(xs) if xs else None, "hi": max(xs) if xs else None,
                         "sy": sy, "ay": sy / len(ys) if ys else None, "mk": g["k"]})
            fields += ["window_start", "window_end", "nx", "lo", "hi", "sy", "ay", "mk"]
        for f in fields:
            w = want[f]
            same = (r[f] == "") if w is None else (float(r[f]) == w if isinstance(w, float) else r[f] == w)
            if not same:
                ok = False
                why = "group %s at %s, %s: got %r, expected %r" % (g["k"], g["start"], f, r[f], w)
                break
        if not ok:
            break
    check(label + ": the reference model's rows", ok, why)
    return late


def run(prog, data, threads, chunk=None, no_dealing=False):
    env = dict(os.environ)
    if chunk:
        env["VLAC_TEST_PARSE_CHUNK_BYTES"] = str(chunk)
    if no_dealing:
        env["VLAC_TEST_NO_DEALING"] = "1"
    return subprocess.run([vlac, "run", prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", str(threads), "--stats"],
                          capture_output=True, text=True, timeout=300, env=env)


def late_count(stderr):
    m = re.search(r"^  operator #0 \w+: \d+ in, \d+ out, (\d+) late", stderr, re.M)
    return int(m.group(1)) if m else None


def main():
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "e.csv")
        rows = generate(data, random.Random(20261207))
        for name, text, windowed in (("TUMBLE", TUMBLE, True), ("GROUP BY", GROUP_BY, False)):
            prog = os.path.join(d, "p.vsql")
            with open(prog, "w") as f:
                f.write(text)
            one = run(prog, data, 1)
            check(name + ", 1 thread: exit 0", one.returncode == 0, one.stderr[-800:])
            late = check_reference(name + ", 1 thread", one.stdout, rows, windowed)
            check(name + ", 1 thread: the reference model's late rows (%d)" % late, late_count(one.stderr) == late,
                  one.stderr[-800:])
            if windowed:
                check(name + ": the data has late rows", late > 0)
            for threads, chunk, no_dealing in ((2, 300, False), (2, 4096, False), (4, 4096, False), (2, 65536, False),
                                               (4, 300, False), (2, 4096, True), (4, 300, True)):
                got = run(prog, data, threads, chunk, no_dealing)
                label = "%s, %d threads, chunks of %d bytes%s" % (name, threads, chunk, ", not dealt" if no_dealing else "")
                check(label + ": one thread's bytes", got.returncode == 0 and got.stdout == one.stdout, got.stderr[-800:])
                check(label + ": as many late rows", late_count(got.stderr) == late, got.stderr[-800:])
                said = re.search(r"^  operator #0 partitions: %d \(.*\), (%s)$" % (threads, re.escape(DEALT)), got.stderr, re.M)
                check(label + ": --stats says whether the parser threads dealt the rows out",
                      (said is None) == no_dealing, got.stderr[-800:])
    return summary("threads float order")


if __name__ == "__main__":
    sys.exit(main())
