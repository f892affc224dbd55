#!/usr/bin/env python3
"""`vlac run --backend firmware` (LANGUAGE.md §8, docs/firmware.md): the firmware class built
for this machine and fed the inputs, capacity drops counted in --stats.

    python3 tests/cli/firmware_run_test.py VLAC

Every expected row and count below is worked out by hand from the tiny inputs next to it.
Uses the system C++ compiler (as the backend does) and a fresh cache directory.
"""

import calendar
import os
import pathlib
import re
import subprocess
import sys
import tempfile

failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s%s" % (name, ("\n" + detail) if detail else ""))


def run(vlac, args, cwd, env=None):
    return subprocess.run([vlac] + args, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def stats_lines(stderr):
    """The --stats lines after the header (which names the backend and its compile time),
    without a window aggregate's ", N windows updated" (issue 13): these tests are about rows and
    capacity drops; the windows-updated counts are compared across backends by
    tests/e2e/run_cases.py --differential."""
    lines = stderr.splitlines()
    at = next(i for i, l in enumerate(lines) if l.startswith("vlac: stats ("))
    return [re.sub(r", \d+ windows updated$", "", l) for l in lines[at + 1:]]


def main():
    vlac = str(pathlib.Path(sys.argv[1]).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        env = dict(os.environ, VLAC_CACHE_DIR=str(d / "cache"))

        # 1. WITH (max_keys = 2): at most two groups per window, on every backend.
        # Window [0,100): keys 1, 2 take the two groups; the rows of key 3 (ts 3 and 5) are
        # dropped. The row at ts 150 (watermark 150) fires it: 1 -> 2 rows, 2 -> 1 row.
        # Window [100,200): key 3 (ts 150) and key 1 (ts 160) fit; key 2 (ts 170) is dropped.
        # The end fires it: 3 -> 1, 1 -> 1. In 8, out 4, over capacity 2 + 1 = 3.
        (d / "with.vsql").write_text(
            "CREATE STREAM s (ts TIMESTAMP NOT NULL, k INT32, WATERMARK FOR ts AS ts);\n"
            "CREATE STREAM counts WITH (max_keys = 2) AS\n"
            "SELECT k, COUNT(*) AS n FROM TUMBLE(s, ts, INTERVAL '100' NANOSECOND) GROUP BY k;\n")
        (d / "s.csv").write_text("ts,k\n1,1\n2,2\n3,3\n4,1\n5,3\n150,3\n160,1\n170,2\n")
        r = run(vlac, ["run", "with.vsql", "--input", "s=s.csv", "--backend", "firmware", "--stats"], d, env)
        check("with: exit 0", r.returncode == 0, r.stderr)
        check("with: rows", r.stdout == "k,n\n1,2\n2,1\n3,1\n1,1\n", r.stdout)
        check("with: stats", r.returncode == 0 and stats_lines(r.stderr) == [
            "  source s: 8 read, 8 accepted, 0 rejected",
            "  operator #0 WindowAggregate: 8 in, 4 out, 0 late, 3 over capacity"], r.stderr)
        check("with: stats header names the backend", "vlac: stats (firmware compile " in r.stderr, r.stderr)

        # 2. No WITH: the firmware default of 16 groups per window. Keys 1..18 in window [0,100)
        # (ts 1..18): keys 17 and 18 are dropped, 2 over capacity; the JIT's operators are
        # unbounded and keep all 18. --default-capacity max_keys=18 gives the firmware room.
        (d / "many.vsql").write_text(
            "CREATE STREAM s (ts TIMESTAMP NOT NULL, k INT32, WATERMARK FOR ts AS ts);\n"
            "SELECT k, COUNT(*) AS n FROM TUMBLE(s, ts, INTERVAL '100' NANOSECOND) GROUP BY k;\n")
        (d / "many.csv").write_text("ts,k\n" + "".join("%d,%d\n" % (k, k) for k in range(1, 19)))
        all_rows = "k,n\n" + "".join("%d,1\n" % k for k in range(1, 19))
        sixteen = "k,n\n" + "".join("%d,1\n" % k for k in range(1, 17))
        base = ["run", "many.vsql", "--input", "s=many.csv", "--stats"]
        r = run(vlac, base + ["--backend", "firmware"], d, env)
        check("defaults: 16 keys kept", r.returncode == 0 and r.stdout == sixteen, r.stdout + r.stderr)
        check("defaults: 2 over capacity", r.returncode == 0 and stats_lines(r.stderr)[1] ==
              "  operator #0 WindowAggregate: 18 in, 16 out, 0 late, 2 over capacity", r.stderr)
        jit = run(vlac, base, d, env)
        check("defaults: the JIT keeps 18", jit.stdout == all_rows and
              stats_lines(jit.stderr)[1] == "  operator #0 WindowAggregate: 18 in, 18 out, 0 late, 0 over capacity", jit.stderr)
        r = run(vlac, base + ["--backend", "firmware", "--default-capacity", "max_keys=18"], d, env)
        check("--default-capacity: same bytes as the JIT", r.returncode == 0 and r.stdout == jit.stdout and
              stats_lines(r.stderr) == stats_lines(jit.stderr), r.stdout + r.stderr)
        r = run(vlac, base + ["--backend", "firmware", "--default-capacity=max_keys=17"], d, env)
        check("--default-capacity=: 1 over capacity", r.returncode == 0 and stats_lines(r.stderr)[1] ==
              "  operator #0 WindowAggregate: 18 in, 17 out, 0 late, 1 over capacity", r.stderr)

        # 3. Strings go into the firmware row (inline bytes) and back; NULL, "" and a full
        # STRING(4). The filter counts as in the JIT: 4 rows in, 3 past `id > 1`.
        (d / "str.vsql").write_text(
            "CREATE STREAM t (ts TIMESTAMP NOT NULL, id INT32, name STRING(4), ok BOOL, x FLOAT64, WATERMARK FOR ts AS ts);\n"
            "SELECT id, name, ok, x FROM t WHERE id > 1;\n")
        (d / "t.csv").write_text('ts,id,name,ok,x\n1,1,zz,true,0.5\n2,2,abcd,false,1.25\n3,3,,,\n4,4,"",true,-2\n')
        r = run(vlac, ["run", "str.vsql", "--input", "t=t.csv", "--backend", "firmware", "--stats"], d, env)
        check("strings: rows", r.returncode == 0 and r.stdout == 'id,name,ok,x\n2,abcd,false,1.25\n3,,,\n4,"",true,-2\n',
              r.stdout + r.stderr)
        check("strings: filter counted", r.returncode == 0 and "  pipeline #0 Filter: 4 in, 3 out" in stats_lines(r.stderr),
              r.stderr)
        r = run(vlac, ["run", "str.vsql", "--input", "t=t.csv", "--backend", "firmware", "--format", "jsonl"], d, env)
        check("strings: jsonl", r.stdout.splitlines()[0] == '{"id":2,"name":"abcd","ok":false,"x":1.25}', r.stdout + r.stderr)

        # Two outputs to files, a rejected row, and names that could clash with the library's
        # own (class Driver from driver.vsql, a stream write_fn). "late" is longer than
        # STRING(3): rejected. Watermark ts - 5: ts 25 fires [0,10) (a, b) and [10,20) (a); the
        # end fires [20,30) (the NULL tag). Filter id > 0: 4 rows in, 3 out.
        (d / "driver.vsql").write_text(
            "CREATE STREAM write_fn (ts TIMESTAMP NOT NULL, id INT32, tag STRING(3), WATERMARK FOR ts AS ts - INTERVAL '5' NANOSECOND);\n"
            "CREATE STREAM Driver AS SELECT id, tag FROM write_fn WHERE id > 0;\n"
            "CREATE STREAM counts AS SELECT tag, COUNT(*) AS n, window_end FROM TUMBLE(write_fn, ts, INTERVAL '10' NANOSECOND) "
            "GROUP BY tag;\n")
        (d / "w.csv").write_text("ts,id,tag\n1,1,a\n3,-1,b\n12,2,a\n25,3,\n4,7,late\n")
        r = run(vlac, ["run", "driver.vsql", "--input", "write_fn=w.csv", "--output", "Driver=d.csv", "--output", "counts=c.csv",
                       "--backend", "firmware", "--stats", "--timestamps", "ns"], d, env)
        check("two outputs: exit 0", r.returncode == 0, r.stderr)
        check("two outputs: Driver", r.returncode == 0 and (d / "d.csv").read_text() == "id,tag\n1,a\n2,a\n3,\n")
        check("two outputs: counts", r.returncode == 0 and (d / "c.csv").read_text() ==
              "tag,n,window_end\na,1,10\nb,1,10\na,1,20\n,1,30\n")
        check("two outputs: stats", r.returncode == 0 and stats_lines(r.stderr) == [
            "  source write_fn: 5 read, 4 accepted, 1 rejected",
            "  operator #0 WindowAggregate: 4 in, 4 out, 0 late, 0 over capacity",
            "  pipeline #0 Filter: 4 in, 3 out"], r.stderr)

        # 4. What the firmware cannot hold is a compile error, as for vlac build.
        (d / "unbounded.vsql").write_text("CREATE STREAM u (ts TIMESTAMP NOT NULL, name STRING, WATERMARK FOR ts AS ts);\n"
                                          "SELECT name FROM u;\n")
        (d / "u.csv").write_text("ts,name\n1,a\n")
        r = run(vlac, ["run", "unbounded.vsql", "--input", "u=u.csv", "--backend", "firmware"], d, env)
        check("unbounded STRING: exit 1", r.returncode == 1 and "unbounded STRING, which firmware cannot hold" in r.stderr,
              r.stderr)
        # ... at the column's declaration (line 1, column 41: `name STRING`), not at 1:1.
        check("unbounded STRING column: error at its declaration",
              "unbounded.vsql:1:41: error: column 'name' of stream u is an unbounded STRING" in r.stderr, r.stderr)

        # Parsing a float from text needs <charconv>, which firmware does not have: a compile
        # error at the CAST for run and build alike, also inside a join's ON condition, never
        # generated code that does not compile. (Integers, BOOL and TIMESTAMP parse on firmware.)
        (d / "parse.vsql").write_text(
            "CREATE STREAM p (ts TIMESTAMP NOT NULL, t STRING(8), WATERMARK FOR ts AS ts);\n"
            "CREATE STREAM q (ts TIMESTAMP NOT NULL, x FLOAT64, WATERMARK FOR ts AS ts);\n"
            "CREATE STREAM floats AS SELECT CAST(t AS FLOAT64) AS f, CAST(t AS INT64) AS i FROM p;\n"
            "CREATE STREAM pairs AS SELECT q.x FROM p JOIN q ON p.ts = q.ts AND CAST(p.t AS FLOAT32) < q.x;\n")
        (d / "p.csv").write_text("ts,t\n1,2.5\n")
        (d / "q.csv").write_text("ts,x\n1,3\n")
        r = run(vlac, ["run", "parse.vsql", "--input", "p=p.csv", "--input", "q=q.csv", "--output", "floats=f.csv",
                       "--output", "pairs=pairs.csv", "--backend", "firmware"], d, env)
        errors = [l for l in r.stderr.splitlines() if ": error: " in l]
        check("CAST(string AS FLOAT): a diagnostic per cast, exit 1", r.returncode == 1 and len(errors) == 2 and
              errors[0].startswith("parse.vsql:3:") and errors[1].startswith("parse.vsql:4:") and
              all("does not parse floats from strings" in e for e in errors), r.stderr)
        b = run(vlac, ["build", "parse.vsql", "--target", "firmware", "-o", "parse_out"], d, env)
        check("CAST(string AS FLOAT): vlac build too", b.returncode == 1 and "does not parse floats from strings" in b.stderr,
              b.stderr)
        r = run(vlac, ["run", "parse.vsql", "--input", "p=p.csv", "--input", "q=q.csv", "--output", "floats=f.csv",
                       "--output", "pairs=pairs.csv"], d, env)
        check("CAST(string AS FLOAT): the JIT parses", r.returncode == 0 and (d / "f.csv").read_text() == "f,i\n2.5,\n",
              r.stderr)

        # What does parse on firmware (LANGUAGE.md §2 CAST from STRING: text that does not parse
        # is NULL): "42" is INT 42, no BOOL, 42 ns; "1" is 1, true, 1 ns; "true" only a BOOL;
        # the ISO text only a TIMESTAMP (2026-11-24T06:31:29.5Z = 1795501889.5 s after the epoch).
        iso_ns = calendar.timegm((2026, 11, 24, 6, 31, 29)) * 10**9 + 500_000_000
        (d / "ints.vsql").write_text(
            "CREATE STREAM p (ts TIMESTAMP NOT NULL, t STRING(24), WATERMARK FOR ts AS ts);\n"
            "SELECT CAST(t AS INT64) AS i, CAST(t AS INT32) AS j, CAST(t AS BOOL) AS b, CAST(t AS TIMESTAMP) AS tt FROM p;\n")
        (d / "ints.csv").write_text("ts,t\n1,42\n2,1\n3,true\n4,2026-11-24T06:31:29.5Z\n")
        r = run(vlac, ["run", "ints.vsql", "--input", "p=ints.csv", "--backend", "firmware", "--timestamps", "ns"], d, env)
        check("CAST(string AS INT/BOOL/TIMESTAMP) on firmware", r.returncode == 0 and r.stdout ==
              "i,j,b,tt\n42,42,,42\n1,1,true,1\n,,true,\n,,,%d\n" % iso_ns, r.stdout + r.stderr)

        # 5. Usage errors (exit 2) and a missing compiler (exit 1, said plainly).
        r = run(vlac, ["run", "many.vsql", "--input", "s=many.csv", "--default-capacity", "max_keys=4"], d, env)
        check("--default-capacity needs --backend firmware", r.returncode == 2 and "--backend firmware" in r.stderr, r.stderr)
        for bad in ("max_keys=0", "max_rows=4", "max_keys", "max_keys=x"):
            r = run(vlac, ["run", "many.vsql", "--input", "s=many.csv", "--backend", "firmware", "--default-capacity", bad], d, env)
            check("--default-capacity %s: exit 2" % bad, r.returncode == 2 and "--default-capacity takes" in r.stderr, r.stderr)
        r = run(vlac, ["run", "many.vsql", "--input", "s=many.csv", "--backend", "fw"], d, env)
        check("unknown backend lists firmware", r.returncode == 2 and "jit, cpp or firmware" in r.stderr, r.stderr)
        r = run(vlac, ["run", "--help"], d, env)
        check("run --help documents the backend", "--backend jit|cpp|firmware" in r.stdout and "--default-capacity" in r.stdout)
        no_cxx = dict(env, CXX="vlac-no-such-compiler", VLAC_CACHE_DIR=str(d / "empty-cache"))
        r = run(vlac, ["run", "many.vsql", "--input", "s=many.csv", "--backend", "firmware"], d, no_cxx)
        check("no compiler: exit 1 with a clear message", r.returncode == 1 and "no C++ compiler found" in r.stderr and
              "vlac-no-such-compiler" in r.stderr and r.stdout == "", r.stderr)

    print("firmware_run: %s" % ("all passed" if failures == 0 else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
