#!/usr/bin/env python3
"""`vlac run --threads N` over a keyed window join and a keyed interval join against SQLite
(LANGUAGE.md §6, §11).

Two generated inputs, grips and scans (--rows N each: 20,000 by default), TUMBLE(1 s) windows
joined on a STRING key (NULL in some rows) and the window, INNER and LEFT:
  - hot key: half the rows have key 'hot' (about 600 pairs a window), the rest 100 keys;
  - many keys: 10,000 distinct keys.
Disorder stays under the watermark bound, so no row is late. The expected rows come from
SQLite's batch query, in the order LANGUAGE.md §6 gives a window join: windows by (end, start),
then left rows in arrival order, each with its right matches in arrival order (a LEFT join's
unmatched left row alone, with NULLs). At 1, 2 and 4 threads, kept in partitions
(VLAC_TEST_NEVER_GATHER) or by default (gathered or tried), the output must equal them; at 2 and 4
threads kept in partitions, `--stats` must show the join in that many partitions that took every
row, and the peak of held rows one thread shows.

The interval join (s.ts BETWEEN g.ts - 30 ms AND g.ts + 20 ms, on the same key), INNER and LEFT,
likewise, also in rounds of one row (VLAC_TEST_ROUND_ROWS=1): its rows must be SQLite's batch
query's (as sorted lines: a pair comes out when its second row arrives, an order of arrival
that SQLite does not model), and in the order one thread's run gives them, byte for byte.
The as-of join (the scan of the same key at or before each grip), INNER and LEFT, likewise, but
its rows must equal SQLite's in order (§5: in event-time order of the left side, ties by
arrival), and `--stats` shows its peak of held rows as its partitions' sum, at least one
thread's.

Usage: threads_join_test.py VLAC [--rows N]
"""

import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile

from checks import check, summary

vlac = sys.argv[1]
ROWS = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 20_000

PROGRAM = """
CREATE STREAM grips (ts TIMESTAMP NOT NULL, k STRING, force BIGINT, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
CREATE STREAM scans (ts TIMESTAMP NOT NULL, k STRING, score BIGINT, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
SELECT g.k, g.window_start, g.force, s.score
FROM TUMBLE(grips, ts, INTERVAL '1' SECOND) g
{join} TUMBLE(scans, ts, INTERVAL '1' SECOND) s
  ON g.k = s.k AND g.window_start = s.window_start AND g.window_end = s.window_end;
"""

INTERVAL_PROGRAM = """
CREATE STREAM grips (ts TIMESTAMP NOT NULL, k STRING, force BIGINT, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
CREATE STREAM scans (ts TIMESTAMP NOT NULL, k STRING, score BIGINT, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
SELECT g.k, g.ts, g.force, s.score, s.ts AS scan_ts
FROM grips g
{join} scans s
  ON g.k = s.k AND s.ts BETWEEN g.ts - INTERVAL '30' MILLISECOND AND g.ts + INTERVAL '20' MILLISECOND;
"""

ASOF_PROGRAM = """
CREATE STREAM grips (ts TIMESTAMP NOT NULL, k STRING, force BIGINT, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
CREATE STREAM scans (ts TIMESTAMP NOT NULL, k STRING, score BIGINT, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
SELECT g.k, g.ts, g.force, s.score, s.ts AS scan_ts
FROM grips g
{join} ASOF JOIN scans s
  ON g.k = s.k AND g.ts >= s.ts;
"""

SECOND = 1_000_000_000
MS = 1_000_000


def generate(path, rng, key_of, column):
    """Rows (ts, k, value) 20 ms apart on average (50 a second of each side), some up to 50 ms
    early (under the 100 ms bound)."""
    rows = []
    t = 1_700_000_000_000_000_000
    with open(path, "w") as f:
        f.write("ts,k,%s\n" % column)
        for _ in range(ROWS):
            t += rng.randint(0, 40_000_000)
            ts = t - (rng.randint(0, 50_000_000) if rng.random() < 0.1 else 0)
            k = None if rng.random() < 0.02 else key_of(rng)
            v = rng.randint(-1000, 1000)
            f.write("%d,%s,%d\n" % (ts, "" if k is None else k, v))
            rows.append((ts, k, v))
    return rows


def expected(grips, scans, left):
    """The join as vlac writes it to CSV, from SQLite."""
    db = sqlite3.connect(":memory:")
    for name, rows in (("g", grips), ("s", scans)):
        db.execute("CREATE TABLE %s (rid INTEGER PRIMARY KEY, ts INTEGER, k TEXT, v INTEGER)" % name)
        db.executemany("INSERT INTO %s (ts, k, v) VALUES (?, ?, ?)" % name, rows)
    q = """SELECT g.k, g.ts / %d * %d AS ws, g.v, s.v FROM g %s JOIN s
             ON g.k = s.k AND g.ts / %d = s.ts / %d
           ORDER BY ws, g.rid, s.rid""" % (SECOND, SECOND, "LEFT" if left else "", SECOND, SECOND)
    out = ["k,window_start,force,score"]
    for k, ws, force, score in db.execute(q):
        out.append("%s,%d,%d,%s" % ("" if k is None else k, ws, force, "" if score is None else score))
    return "\n".join(out) + "\n"


def expected_interval(grips, scans, left):
    """The interval join as vlac writes it to CSV, from SQLite, as sorted lines."""
    db = sqlite3.connect(":memory:")
    for name, rows in (("g", grips), ("s", scans)):
        db.execute("CREATE TABLE %s (rid INTEGER PRIMARY KEY, ts INTEGER, k TEXT, v INTEGER)" % name)
        db.executemany("INSERT INTO %s (ts, k, v) VALUES (?, ?, ?)" % name, rows)
    q = """SELECT g.k, g.ts, g.v, s.v, s.ts FROM g %s JOIN s
             ON g.k = s.k AND s.ts BETWEEN g.ts - %d AND g.ts + %d""" % ("LEFT" if left else "", 30 * MS, 20 * MS)
    out = []
    for k, ts, force, score, scan_ts in db.execute(q):
        out.append("%s,%d,%d,%s,%s" % ("" if k is None else k, ts, force, "" if score is None else score,
                                       "" if scan_ts is None else scan_ts))
    return sorted(out)


def expected_asof(grips, scans, left):
    """The as-of join as vlac writes it to CSV, from SQLite, in §5's order: by the grip's time,
    ties in arrival (file) order; each grip meets the latest scan of its key at or before it,
    ties by the later arrival."""
    db = sqlite3.connect(":memory:")
    for name, rows in (("g", grips), ("s", scans)):
        db.execute("CREATE TABLE %s (rid INTEGER PRIMARY KEY, ts INTEGER, k TEXT, v INTEGER)" % name)
        db.executemany("INSERT INTO %s (ts, k, v) VALUES (?, ?, ?)" % name, rows)
    db.execute("CREATE INDEX s_k_ts ON s (k, ts, rid)")
    q = """SELECT g.k, g.ts, g.v, s.v, s.ts FROM g %s JOIN s ON s.rid = (
             SELECT s2.rid FROM s s2 WHERE s2.k = g.k AND s2.ts <= g.ts ORDER BY s2.ts DESC, s2.rid DESC LIMIT 1)
           ORDER BY g.ts, g.rid""" % ("LEFT" if left else "")
    out = []
    for k, ts, force, score, scan_ts in db.execute(q):
        out.append("%s,%d,%d,%s,%s" % ("" if k is None else k, ts, force, "" if score is None else score,
                                       "" if scan_ts is None else scan_ts))
    return out


def sorted_rows(csv_text):
    lines = csv_text.splitlines()
    return lines[:1], sorted(lines[1:])


CASES = {
    "hot_key": lambda rng: "hot" if rng.random() < 0.5 else "k%d" % rng.randint(0, 99),
    "many_keys": lambda rng: "k%d" % rng.randint(0, 9_999),
}

def row_join(kind, d, name, grips, scans, grips_csv, scans_csv, left):
    """The interval or as-of join (`kind`) of the two files at 1, 2 and 4 threads."""
    asof = kind == "as-of"
    prog = os.path.join(d, "rowjoin.vsql")
    with open(prog, "w") as f:
        if asof:
            f.write(ASOF_PROGRAM.format(join="LEFT" if left else ""))
        else:
            f.write(INTERVAL_PROGRAM.format(join="LEFT JOIN" if left else "JOIN"))
    want = expected_asof(grips, scans, left) if asof else expected_interval(grips, scans, left)
    op = "AsofJoin" if asof else "IntervalJoin"
    one = None
    for threads, never_gather, round_rows in ((1, False, None), (2, True, None), (4, True, None), (2, True, "1"), (2, False, None)):
        env = dict(os.environ)
        if never_gather:
            env["VLAC_TEST_NEVER_GATHER"] = "1"
        if round_rows:
            env["VLAC_TEST_ROUND_ROWS"] = round_rows
        run = subprocess.run([vlac, "run", prog, "--input", "grips=" + grips_csv, "--input", "scans=" + scans_csv,
                              "--timestamps", "ns", "--threads", str(threads), "--stats"],
                             capture_output=True, text=True, timeout=600, env=env)
        label = "%s join, %s, %s, %d thread%s%s%s" % (
            kind, name, "LEFT" if left else "INNER", threads, "s" if threads > 1 else "",
            ", kept in partitions" if never_gather else "", ", rounds of one row" if round_rows else "")
        lines = run.stdout.splitlines()
        header, rows = lines[:1], (lines[1:] if asof else sorted(lines[1:]))
        check(label + ": rows equal SQLite's" + (" in order" if asof else ""),
              run.returncode == 0 and header == ["k,ts,force,score,scan_ts"] and rows == want,
              "%s; %d rows, expected %d" % (run.stderr[-500:], len(rows), len(want)))
        join = re.search(r"%s: (\d+) in, \d+ out, 0 late, 0 over capacity, \d+ buffered \(peak (\d+)(, summed over \d+ partitions)?\)"
                         % op, run.stderr)
        check(label + ": --stats counts every row in, none late", join is not None and int(join.group(1)) == 2 * ROWS,
              run.stderr[-800:])
        if threads == 1:
            one = (run.stdout, int(join.group(2)) if join else None)
            continue
        check(label + ": one thread's rows in one thread's order", run.stdout == one[0])
        if asof and never_gather:
            check(label + ": the partitions' peaks of held rows add up to at least one thread's",
                  join is not None and join.group(3) is not None and one[1] is not None and int(join.group(2)) >= one[1],
                  run.stderr[-800:])
        elif not asof:
            check(label + ": one thread's peak of held rows", join is not None and int(join.group(2)) == one[1], run.stderr[-800:])
        if never_gather:
            m = re.search(r"operator #0 partitions: (\d+) \(rows ([\d +]+), skew ([\d.]+)\)\n", run.stderr)
            check(label + ": the join ran in %d partitions that took every row" % threads,
                  m is not None and int(m.group(1)) == threads and sum(int(x) for x in m.group(2).split(" + ")) == 2 * ROWS,
                  run.stderr[-800:])


with tempfile.TemporaryDirectory() as d:
    for seed, (name, key_of) in enumerate(CASES.items()):
        grips_csv, scans_csv = os.path.join(d, "grips.csv"), os.path.join(d, "scans.csv")
        grips = generate(grips_csv, random.Random(2 * seed), key_of, "force")
        scans = generate(scans_csv, random.Random(2 * seed + 1), key_of, "score")
        for left in (False, True):
            for kind in ("interval", "as-of"):
                row_join(kind, d, name, grips, scans, grips_csv, scans_csv, left)
            prog = os.path.join(d, "p.vsql")
            with open(prog, "w") as f:
                f.write(PROGRAM.format(join="LEFT JOIN" if left else "JOIN"))
            want = expected(grips, scans, left)
            peak_one = None
            for threads, never_gather in ((1, False), (2, True), (4, True), (2, False)):
                env = dict(os.environ)
                if never_gather:
                    env["VLAC_TEST_NEVER_GATHER"] = "1"
                run = subprocess.run([vlac, "run", prog, "--input", "grips=" + grips_csv, "--input", "scans=" + scans_csv,
                                      "--timestamps", "ns", "--threads", str(threads), "--stats"],
                                     capture_output=True, text=True, timeout=600, env=env)
                label = "%s, %s, %d thread%s%s" % (name, "LEFT" if left else "INNER", threads, "s" if threads > 1 else "",
                                                   ", kept in partitions" if never_gather else "")
                check(label + ": rows equal SQLite's", run.returncode == 0 and run.stdout == want,
                      "%s; %d lines, expected %d" % (run.stderr[-500:], run.stdout.count("\n"), want.count("\n")))
                join = re.search(r"WindowJoin: (\d+) in, \d+ out, 0 late, 0 over capacity, 0 buffered \(peak (\d+)\)", run.stderr)
                check(label + ": --stats counts every row in, none late", join is not None and int(join.group(1)) == 2 * ROWS,
                      run.stderr[-800:])
                if not join:
                    continue
                if threads == 1:
                    peak_one = join.group(2)
                    continue
                check(label + ": one thread's peak of held rows", join.group(2) == peak_one, run.stderr[-800:])
                if never_gather:
                    m = re.search(r"operator #2 partitions: (\d+) \(rows ([\d +]+), skew ([\d.]+)\)\n", run.stderr)
                    check(label + ": the join ran in %d partitions that took every row" % threads,
                          m is not None and int(m.group(1)) == threads and
                          sum(int(x) for x in m.group(2).split(" + ")) == 2 * ROWS, run.stderr[-800:])
                    if m and name == "hot_key":
                        check(label + ": one hot key makes the skew high (%s)" % m.group(3),
                              float(m.group(3)) >= 0.4 * threads, run.stderr[-800:])

sys.exit(summary("threads join"))
