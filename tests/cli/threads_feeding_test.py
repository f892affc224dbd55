#!/usr/bin/env python3
"""`vlac run --threads N` over programs whose keyed window aggregate takes one file's rows and
feeds further operators (LANGUAGE.md §11; rt::DealtRun "Feeding further operators").

Such an aggregate is dealt out to its partitions by the parser threads while the rest of the
program runs on the run's thread, its watermark moved as one thread moves it. The output must be
one thread's bytes (§11: identical for every program and input; one thread's rows are checked
against SQLite and reference models by the e2e and random-program tests), at 2 and 4 threads and
two parse chunk sizes, with the rejected records and their messages one thread's too, and the
aggregate must say that the parser threads dealt its rows out. The shapes, over a generated file
with STRING keys (NULL, quoted with commas and line breaks), disorder, rows late for every
window, and malformed records:
  - Nexmark q5's: a HOP count per key into a global TUMBLE's MAX and a join of the two;
  - a TUMBLE per key into a TUMBLE per key over its window_time, with HAVING;
  - a CUMULATE per key into OVER (PARTITION BY key), and the aggregate's rows to an output too;
  - a GROUP BY without windows into a global aggregate (every result at the end of input);
  - a SESSION per key into a global TUMBLE, and OVER into a TUMBLE per key beside an output
    (their results come at any nanosecond: every move of the watermark may fire);
  - a TUMBLE per key with a WHERE before it, into an interval join with itself.
With `--late` too, where the late rows must be one thread's as well: the operator's, reported
between the firings it replays into the rest as one thread reports them.
Usage: threads_feeding_test.py VLAC
"""

import os
import random
import re
import subprocess
import sys
import tempfile

from checks import check, summary

vlac = os.path.abspath(sys.argv[1])

STREAM = """
CREATE STREAM e (ts TIMESTAMP NOT NULL, k STRING, v BIGINT, WATERMARK FOR ts AS ts - INTERVAL '20' MILLISECOND);
"""

CASES = [
    ("q5 shape", """
CREATE STREAM counts AS
SELECT k, window_start, window_end, COUNT(*) AS num
FROM HOP(e, ts, INTERVAL '20' MILLISECOND, INTERVAL '100' MILLISECOND)
GROUP BY k, window_start, window_end;
CREATE STREAM most AS
SELECT MAX(num) AS max_num FROM TUMBLE(counts, window_time, INTERVAL '20' MILLISECOND)
GROUP BY window_start, window_end;
SELECT c.k, c.window_start, c.window_end, c.num FROM counts c JOIN most m
  ON c.num = m.max_num AND c.window_time = m.window_time;
""", []),
    ("chained TUMBLE with HAVING", """
CREATE STREAM per_key AS
SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total
FROM TUMBLE(e, ts, INTERVAL '10' MILLISECOND) GROUP BY k, window_start, window_end;
SELECT k, window_start, SUM(n) AS n, MAX(total) AS most, COUNT(*) AS windows
FROM TUMBLE(per_key, window_time, INTERVAL '50' MILLISECOND)
GROUP BY k, window_start, window_end HAVING SUM(n) > 2;
""", []),
    ("CUMULATE into OVER, and to an output", """
CREATE STREAM cum AS
SELECT k, window_start, window_end, window_time, COUNT(*) AS n, MIN(v) AS least
FROM CUMULATE(e, ts, INTERVAL '10' MILLISECOND, INTERVAL '40' MILLISECOND)
GROUP BY k, window_start, window_end;
CREATE STREAM smooth AS
SELECT k, window_end, n, SUM(n) OVER (PARTITION BY k ORDER BY window_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s
FROM cum;
CREATE STREAM cum_rows AS SELECT k, window_end, n, least FROM cum;
""", ["--output", "cum_rows=OUT1", "--output", "smooth=OUT2"]),
    ("GROUP BY without windows into a global aggregate", """
CREATE STREAM per_key AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM e GROUP BY k;
SELECT COUNT(*) AS keys, SUM(n) AS rows_in, MAX(total) AS most FROM per_key;
""", []),
    ("SESSION into a global TUMBLE", """
CREATE STREAM s AS
SELECT k, window_start, window_end, COUNT(*) AS n, MAX(v) AS most
FROM SESSION(e, ts, INTERVAL '3' MILLISECOND) GROUP BY k, window_start, window_end;
SELECT window_start, COUNT(*) AS sessions, SUM(n) AS rows_in, MAX(most) AS most
FROM TUMBLE(s, window_time, INTERVAL '50' MILLISECOND) GROUP BY window_start, window_end;
""", []),
    ("OVER into a TUMBLE per key, and to an output", """
CREATE STREAM sm AS
SELECT k, ts, v, AVG(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS a,
       LAG(v) OVER (PARTITION BY k ORDER BY ts) AS before
FROM e;
CREATE STREAM per_key AS
SELECT k, window_start, COUNT(*) AS n, MAX(a) AS most, SUM(before) AS total
FROM TUMBLE(sm, ts, INTERVAL '10' MILLISECOND) GROUP BY k, window_start, window_end;
CREATE STREAM sm_rows AS SELECT k, ts, a FROM sm WHERE v > 900;
""", ["--output", "per_key=OUT1", "--output", "sm_rows=OUT2"]),
    ("TUMBLE into an interval self-join", """
CREATE STREAM w AS
SELECT k, window_time, COUNT(*) AS n
FROM TUMBLE(e, ts, INTERVAL '10' MILLISECOND) WHERE v % 3 <> 0 GROUP BY k, window_start, window_end;
SELECT a.k, a.window_time, a.n, b.window_time AS later, b.n AS later_n FROM w a JOIN w b
  ON a.k = b.k AND b.window_time BETWEEN a.window_time + INTERVAL '1' MILLISECOND AND a.window_time + INTERVAL '30' MILLISECOND;
""", []),
]

DEALT = re.compile(r"^  operator #(\d+) partitions: (\d+) \(.*\), rows dealt out by the parser threads$", re.M)


def generate(path, rng, rows):
    keys = ["k%d" % i for i in range(40)] + ['"q,1"', '"line\nbreak"', ""]
    with open(path, "w", newline="") as f:
        f.write("ts,k,v\n")
        t = 0
        for i in range(rows):
            t += rng.randrange(0, 3) * 100_000
            ts = t - rng.randrange(0, 15) * 100_000
            if rng.random() < 0.01:
                ts -= 200_000_000  # late for every window
            k = rng.choice(keys) if rng.random() > 0.3 else "hot"
            if rng.random() < 0.003:
                f.write("%s,notatime,1\n" % k)
            elif rng.random() < 0.003:
                f.write("%d,%s\n" % (ts, k))
            else:
                f.write("%d,%s,%d\n" % (ts, k, rng.randrange(0, 1000)))


def run(tmp, name, program, extra, threads, chunk):
    """Exit status, standard output, the files of `--output NAME=OUTn` options, the rejects file,
    the messages (stderr without --stats) and the whole stderr."""
    prog = os.path.join(tmp, "p.vsql")
    with open(prog, "w") as f:
        f.write(STREAM + program)
    tag = "%s_%d_%s" % (name.replace(" ", "_"), threads, chunk)
    args, files = [], []
    for a in extra:  # NAME=OUTn -> NAME=<a file of this run>
        if "=OUT" in a:
            stream, which = a.split("=")
            files.append(os.path.join(tmp, "%s_%s.csv" % (tag, which)))
            a = "%s=%s" % (stream, files[-1])
        args.append(a)
    rejects = os.path.join(tmp, tag + "_rejects.csv")
    env = dict(os.environ, VLAC_TEST_PARSE_CHUNK_BYTES=chunk, VLAC_TEST_NEVER_GATHER="1")
    cmd = [vlac, "run", prog, "--input", "e=" + os.path.join(tmp, "e.csv"), "--threads", str(threads), "--stats",
           "--rejects", rejects] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=300)
    written = []
    for path in files:
        with open(path, "rb") as f:
            written.append(f.read())
    with open(rejects, "rb") as f:
        rejected = f.read()
    err = p.stderr.decode()
    messages = [l for l in err.splitlines() if not l.startswith("  ") and not l.startswith("vlac: stats")]
    return p.returncode, p.stdout, written, rejected, messages, err


def main():
    rng = random.Random(20261206)
    with tempfile.TemporaryDirectory() as tmp:
        generate(os.path.join(tmp, "e.csv"), rng, 40_000)
        for name, program, extra in CASES:
            one = run(tmp, name, program, extra, 1, "4096")
            check(name + ": one thread runs", one[0] == 0, one[5])
            check(name + ": one thread writes rows", len(one[1]) + sum(len(f) for f in one[2]) > 30, one[1][:200])
            check(name + ": rejects", one[3].count(b"\n") >= 50, one[3][:200])
            for threads in (2, 4):
                for chunk in ("4096", "61"):
                    got = run(tmp, name, program, extra, threads, chunk)
                    what = "%s at %d threads, chunks of %s" % (name, threads, chunk)
                    check(what + ": runs", got[0] == 0, got[5])
                    check(what + ": one thread's rows", got[1] == one[1] and got[2] == one[2],
                          (len(got[1]), len(one[1])))
                    check(what + ": one thread's rejects", got[3] == one[3])
                    check(what + ": one thread's messages", got[4] == one[4], (got[4][:3], one[4][:3]))
                    dealt = DEALT.search(got[5])
                    check(what + ": the aggregate's rows dealt out by the parser threads",
                          dealt is not None and dealt.group(1) == "0" and dealt.group(2) == str(threads), got[5])
            # --late: dealt too, with one thread's rows and late rows.
            path = os.path.join(tmp, "late.jsonl")
            one = run(tmp, name, program, extra + ["--late", path], 1, "4096")
            with open(path, "rb") as f:
                one_late = f.read()
            windowed = "without windows" not in name  # a GROUP BY without windows fires at the end: nothing is late
            check(name + " --late: one thread reports late rows", one_late.count(b"\n") > 10 if windowed else one_late == b"",
                  one[5])
            for threads, chunk in ((2, "4096"), (2, "61"), (4, "61")):
                got = run(tmp, name, program, extra + ["--late", path], threads, chunk)
                with open(path, "rb") as f:
                    got_late = f.read()
                what = "%s --late at %d threads, chunks of %s" % (name, threads, chunk)
                check(what + ": one thread's rows", got[0] == 0 and got[1] == one[1] and got[2] == one[2], got[5])
                check(what + ": one thread's late rows", got_late == one_late, (len(got_late), len(one_late)))
                check(what + ": one thread's rejects and messages", got[3] == one[3] and got[4] == one[4])
                dealt = DEALT.search(got[5])
                check(what + ": dealt", dealt is not None and dealt.group(2) == str(threads), got[5])
    return summary("threads_feeding")


if __name__ == "__main__":
    sys.exit(main())
