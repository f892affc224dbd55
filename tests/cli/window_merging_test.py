#!/usr/bin/env python3
"""Window slicing and merging change how results are computed, never which (issue 13).

A program with several window aggregates over one stream (two TUMBLE 1 s, a HOP(250 ms, 1 s),
a CUMULATE(500 ms, 2 s) and a TUMBLE 300 ms, several keys, integer and float aggregates) runs
on rows with disorder beyond the watermark bound (late rows), on the JIT and the C++ backend:
  - optimised (sliced, and the compatible aggregates sharing one slice store),
  - with --disable-pass=merge-windows (sliced, each aggregate its own store),
  - with --no-optimize (one state per window),
and every output must be the same (floats within the last bits, tests/e2e/same_output.py).
The explain text must show the sharing, and --stats must count each output's own late rows.
Usage: window_merging_test.py VLAC
"""

import os
import pathlib
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "e2e"))
import same_output  # noqa: E402

PROGRAM = """
CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32, b FLOAT32, n INT32, WATERMARK FOR ts AS ts - 40ms);
CREATE STREAM t1 AS SELECT id, window_start, COUNT(*) AS c, SUM(n) AS s, MIN(b) AS lo
  FROM TUMBLE(cam, ts, INTERVAL '1' SECOND) GROUP BY id, window_start, window_end;
CREATE STREAM t2 AS SELECT id, window_start, MAX(n) AS top, COUNT(*) AS c, FIRST_VALUE(n) AS first_n
  FROM TUMBLE(cam, ts, INTERVAL '1' SECOND) GROUP BY id, window_start, window_end;
CREATE STREAM h AS SELECT id, window_start, window_end, COUNT(*) AS c, AVG(b) AS mean, LAST_VALUE(n) AS last_n,
  STDDEV_POP(n) AS sd FROM HOP(cam, ts, INTERVAL '250' MILLISECOND, INTERVAL '1' SECOND) GROUP BY id, window_start, window_end;
CREATE STREAM cu AS SELECT id, window_start, window_end, COUNT(*) AS c, MAX(b) AS hi
  FROM CUMULATE(cam, ts, INTERVAL '500' MILLISECOND, INTERVAL '2' SECOND) GROUP BY id, window_start, window_end;
CREATE STREAM odd AS SELECT id, window_start, COUNT(*) AS c
  FROM TUMBLE(cam, ts, INTERVAL '300' MILLISECOND) GROUP BY id, window_start, window_end;
"""
OUTPUTS = ["t1", "t2", "h", "cu", "odd"]

from checks import check, summary


def rows(seed, n=3000):
    rng = random.Random(seed)
    out, now = [], 0
    for _ in range(n):
        now += rng.randrange(0, 6_000_000)
        t = now - rng.randrange(0, 60_000_000)  # up to 60 ms back: some rows behind the 40 ms bound
        b = "" if rng.random() < 0.05 else "%.3f" % rng.uniform(0, 1)
        out.append(f"{t},{rng.randrange(1, 5)},{b},{rng.randrange(0, 50)}")
    return "ts,id,b,n\n" + "\n".join(out) + "\n"


def run(vlac, d, backend, flags):
    args = [vlac, "run", str(d / "p.vsql"), "--backend", backend, "--input", f"cam={d / 'cam.csv'}", "--timestamps", "ns",
            "--stats"] + flags
    for o in OUTPUTS:
        args += ["--output", f"{o}={d / (o + '.csv')}"]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr
    return {o: (d / (o + ".csv")).read_text() for o in OUTPUTS}, r.stderr


def late_counts(stats):
    """The late count of each windowed operator line of --stats, in order."""
    counts = []
    for line in stats.splitlines():
        if "WindowAggregate" in line and " late" in line:
            counts.append(int(line.split(" late")[0].rsplit(" ", 1)[-1]))
    return counts


# Late rows into slices a reader has already combined (runtime/ops/slice_fifo.h: its back and
# front suffixes), with string accumulators (which the combined tables share with the slices
# until they replace them): a 2 ms bound, rows up to 12 ms behind, 1 ms slices.
STRING_PROGRAM = """
CREATE STREAM ev (ts TIMESTAMP NOT NULL, k INT32 NOT NULL, name STRING, WATERMARK FOR ts AS ts - 2ms);
CREATE STREAM h AS SELECT k, window_start, window_end, COUNT(*) AS c, MIN(name) AS lo, MAX(name) AS hi,
  FIRST_VALUE(name) AS f, LAST_VALUE(name) AS l FROM HOP(ev, ts, INTERVAL '1' MILLISECOND, INTERVAL '8' MILLISECOND)
  GROUP BY k, window_start, window_end;
CREATE STREAM cu AS SELECT k, window_start, window_end, COUNT(*) AS c, MIN(name) AS lo, LAST_VALUE(name) AS l
  FROM CUMULATE(ev, ts, INTERVAL '2' MILLISECOND, INTERVAL '8' MILLISECOND) GROUP BY k, window_start, window_end;
"""


def string_rows(seed, n=3000):
    rng = random.Random(seed)
    out, now = [], 20_000_000_000
    for _ in range(n):
        now += rng.randrange(0, 400_000)
        t = now - rng.randrange(0, 12_000_000)
        name = "".join(rng.choice("abcdefghij") for _ in range(rng.randrange(0, 40)))
        out.append(f"{t},{rng.randrange(0, 4)},{name}")
    return "ts,k,name\n" + "\n".join(out) + "\n"


def string_case(vlac, d):
    (d / "s.vsql").write_text(STRING_PROGRAM)
    for seed in (1, 2):
        (d / "ev.csv").write_text(string_rows(seed))
        for backend in ("jit", "cpp"):
            got = {}
            for flags in ([], ["--no-optimize"]):
                args = [vlac, "run", str(d / "s.vsql"), "--backend", backend, "--input", f"ev={d / 'ev.csv'}", "--timestamps", "ns"]
                for o in ("h", "cu"):
                    args += ["--output", f"{o}={d / (o + '.csv')}"]
                r = subprocess.run(args + flags, capture_output=True, text=True)
                check(f"strings seed {seed} {backend} {flags} runs", r.returncode == 0, r.stderr)
                got[bool(flags)] = [(d / (o + ".csv")).read_text() for o in ("h", "cu")]
            for o, sliced, plain in zip(("h", "cu"), got[False], got[True]):
                check(f"strings seed {seed} {backend} {o}: sliced = unoptimised", sliced == plain)
                check(f"strings seed {seed} {backend} {o}: has rows", sliced.count("\n") > 100, sliced[:200])


def main():
    vlac = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        (d / "p.vsql").write_text(PROGRAM)
        plan = subprocess.run([vlac, "explain", str(d / "p.vsql")], capture_output=True, text=True).stdout
        # All five share 50 ms slices (the gcd of 1 s, 250 ms, 500 ms, 2 s and 300 ms): the
        # longest window, CUMULATE's 2 s, is then 40 slices, within merge-windows' limit.
        check("explain shows one shared operator", plan.count("shared-operator=0") == 5 and "slices=50ms" in plan, plan)
        check("explain names the rule", "merge-windows (" in plan, plan)
        for seed in (1, 2, 3):
            (d / "cam.csv").write_text(rows(seed))
            for backend in ("jit", "cpp"):
                merged, st_merged = run(vlac, d, backend, [])
                alone, st_alone = run(vlac, d, backend, ["--disable-pass=merge-windows"])
                plain, st_plain = run(vlac, d, backend, ["--no-optimize"])
                if merged is None or alone is None or plain is None:
                    check(f"seed {seed} {backend} runs", False, st_merged + st_alone + st_plain)
                    continue
                for o in OUTPUTS:
                    # Merged slices may be finer than alone (`odd` brings the gcd to 50 ms), so
                    # float moments may associate differently: the same rule as unoptimised.
                    ok, _, why = same_output.compare(merged[o], alone[o])
                    check(f"seed {seed} {backend} {o}: merged = each alone", ok, why)
                    ok, _, why = same_output.compare(merged[o], plain[o])
                    check(f"seed {seed} {backend} {o}: merged = unoptimised", ok, why)
                    check(f"seed {seed} {backend} {o}: has rows", merged[o].count("\n") > 10, merged[o][:200])
                # Each output counts the rows late for its own windows, shared or not.
                check(f"seed {seed} {backend}: late counts per output", late_counts(st_merged) == late_counts(st_plain),
                      f"{late_counts(st_merged)} vs {late_counts(st_plain)}")
                check(f"seed {seed} {backend}: some rows are late", sum(late_counts(st_plain)) > 0, st_plain)
        string_case(vlac, d)
    return summary("window-merging")


if __name__ == "__main__":
    sys.exit(main())
