#!/usr/bin/env python3
"""Window and GROUP BY variance without cancellation (issue 12: one variance algorithm).

    python3 tests/cli/variance_pivot_test.py VLAC

STDDEV_*/VAR_* in TUMBLE, HOP, SESSION (two sessions merged by a row that arrives between
them) and a GROUP BY without window, on both backends, over values near 1e9 (1e9 + 0.1, + 0.2,
...: a running mean near 1e9 rounds, plain Welford lost ~1e-7 relative) and GPS latitudes near
37.427501 (deviations ~1e-6). Expected: the exact variance of the doubles (Python fractions,
no vlac code), to 1e-12 relative; the JIT's and the C++ backend's outputs byte-identical; an
infinite value gives NaN, also before the first finite value.
"""
import csv
import io
import math
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

SECOND = 10**9
# (seconds, key, text) in arrival order. Key 1: near 1e9; the row at 11 s arrives last and
# joins the sessions [0 s, 12 s) and [20 s, 32 s) (gap 10 s). Key 2: GPS latitudes, the same
# pattern. Key 3: an infinity first, then finite values: NaN.
ROWS = [(0, 1, "1000000000.1"), (1, 1, "1000000000.2"), (2, 1, "1000000000.3"),
        (20, 1, "1000000000.4"), (21, 1, "1000000000.5"), (22, 1, "1000000000.6"),
        (0.5, 2, "37.427501"), (1.5, 2, "37.4275032"), (2.5, 2, "37.4275019"),
        (20.5, 2, "37.4275047"), (21.5, 2, "37.4275008"), (22.5, 2, "37.4275121"),
        (0.25, 3, "inf"), (1.25, 3, "1"), (2.25, 3, "2"),
        (11, 1, "1000000000.7"), (11.5, 2, "37.4275063")]

HEADER = ("CREATE STREAM s (ts TIMESTAMP NOT NULL, k INT32 NOT NULL, x FLOAT64,\n"
          "                 WATERMARK FOR ts AS ts - INTERVAL '60' SECOND);\n")
AGGS = "COUNT(x) AS n, VAR_POP(x) AS vp, VAR_SAMP(x) AS vs, STDDEV_POP(x) AS sp, STDDEV_SAMP(x) AS ss"
PROGRAMS = {
    "tumble": "FROM TUMBLE(s, ts, INTERVAL '10' SECOND)",
    "hop": "FROM HOP(s, ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND)",
    "session": "FROM SESSION(s, ts, INTERVAL '10' SECOND)",
    "group_by": "FROM s",
}


def windows_of(kind, t):
    """The [start, end) windows (ns) a row at t ns belongs to (sessions are made apart)."""
    if kind == "tumble":
        start = t // (10 * SECOND) * (10 * SECOND)
        return [(start, start + 10 * SECOND)]
    if kind == "hop":
        slide, size = 5 * SECOND, 15 * SECOND
        last = t // slide * slide
        return [(s, s + size) for s in range(last - size + slide, last + 1, slide)]
    return [(None, None)]


def groups(kind):
    """{(k, start, end): [values]} by the window rules above (LANGUAGE.md §5)."""
    out = {}
    rows = [(int(sec * SECOND), k, float(text)) for sec, k, text in ROWS]
    if kind != "session":
        for t, k, x in rows:
            for start, end in windows_of(kind, t):
                out.setdefault((k, start, end), []).append(x)
        return out
    gap = 10 * SECOND
    for key in sorted({k for _, k, _ in rows}):
        mine = sorted((t, x) for t, k, x in rows if k == key)
        run = [mine[0]]
        for t, x in mine[1:]:
            if t < run[-1][0] + gap:
                run.append((t, x))
            else:
                out[(key, run[0][0], run[-1][0] + gap)] = [v for _, v in run]
                run = [(t, x)]
        out[(key, run[0][0], run[-1][0] + gap)] = [v for _, v in run]
    return out


def exact_m2(values):
    """Sum of squared deviations of the doubles, exactly (None when one is not finite)."""
    if not all(math.isfinite(v) for v in values):
        return None
    xs = [Fraction(v) for v in values]
    mean = sum(xs) / len(xs)
    return sum((x - mean) ** 2 for x in xs)


def close(got_text, exact):
    got = float(got_text)
    return abs(Fraction(got) - exact) <= Fraction(1, 10**12) * abs(exact)


def main():
    vlac = os.path.abspath(sys.argv[1])
    failed = passed = 0

    def check(name, ok, detail=""):
        nonlocal failed, passed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s %s" % (name, detail))

    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "s.csv")
        with open(data, "w") as f:
            f.write("ts,k,x\n" + "".join("%d,%d,%s\n" % (int(sec * SECOND), k, text) for sec, k, text in ROWS))
        for kind, source in PROGRAMS.items():
            windowed = kind != "group_by"
            cols = "k, window_start, window_end, " if windowed else "k, "
            group = "GROUP BY k, window_start, window_end" if windowed else "GROUP BY k"
            program = os.path.join(tmp, kind + ".vsql")
            with open(program, "w") as f:
                f.write(HEADER + "SELECT " + cols + AGGS + "\n" + source + "\n" + group + ";\n")
            outputs = {}
            for backend in ("jit", "cpp"):
                run = subprocess.run([vlac, "run", program, "--input", "s=" + data, "--timestamps", "ns",
                                      "--backend", backend], capture_output=True, text=True, timeout=300)
                check("%s/%s exit" % (kind, backend), run.returncode == 0, run.stderr)
                outputs[backend] = run.stdout
            check("%s jit == cpp" % kind, outputs["jit"] == outputs["cpp"], "\n" + outputs["jit"] + "\n" + outputs["cpp"])
            expected = groups(kind)
            got = list(csv.DictReader(io.StringIO(outputs["jit"])))
            keys = [(int(r["k"]), int(r["window_start"]), int(r["window_end"])) if windowed else (int(r["k"]), None, None)
                    for r in got]
            check("%s groups" % kind, sorted(keys) == sorted(expected), "%s != %s" % (sorted(keys), sorted(expected)))
            for key, r in zip(keys, got):
                values = expected.get(key, [])
                n = len(values)
                check("%s %s n" % (kind, key), r["n"] == str(n), r["n"])
                m2 = exact_m2(values)
                for col, divisor, root in (("vp", n, False), ("vs", n - 1, False), ("sp", n, True), ("ss", n - 1, True)):
                    name = "%s %s %s" % (kind, key, col)
                    if divisor <= 0:
                        check(name, r[col] == "", r[col])
                    elif m2 is None:
                        check(name, r[col] == "NaN", r[col])
                    elif root:  # |sd - exact| <= 1e-12 exact where |sd^2 - var| <= 2e-12 var
                        check(name, abs(Fraction(float(r[col])) ** 2 - m2 / divisor) <= Fraction(2, 10**12) * (m2 / divisor),
                              "%s, exact %.17g" % (r[col], math.sqrt(m2 / divisor)))
                    else:
                        check(name, close(r[col], m2 / divisor), "%s, exact %.17g" % (r[col], m2 / divisor))
        # VAR_POP of [DBL_MAX, -DBL_MAX (, 1)] overflows: +Infinity in GROUP BY and OVER alike.
        data = os.path.join(tmp, "max.csv")
        with open(data, "w") as f:
            f.write("ts,k,x\n0,1,1.7976931348623157e308\n1,1,-1.7976931348623157e308\n2,1,1\n")
        program = os.path.join(tmp, "overflow.vsql")
        with open(program, "w") as f:
            f.write(HEADER + "SELECT ts, VAR_POP(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"
                    " AS v, VAR_POP(x) OVER (PARTITION BY k ORDER BY ts) AS vall FROM s;\n")
        for backend in ("jit", "cpp"):
            run = subprocess.run([vlac, "run", program, "--input", "s=" + data, "--timestamps", "ns", "--backend", backend],
                                 capture_output=True, text=True, timeout=300)
            check("overflow/%s" % backend, run.stdout == "ts,v,vall\n0,0,0\n1,Infinity,Infinity\n2,Infinity,Infinity\n",
                  run.stdout + run.stderr)
    print("variance_pivot: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
