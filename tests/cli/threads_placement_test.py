#!/usr/bin/env python3
"""Where `vlac run --threads N` runs each operator with state, as `--stats` says (LANGUAGE.md §11).

A keyed operator runs in partitions (an `operator #i partitions: ...` line); one without a key
runs once, and the keyed ones that cannot be partitioned run whole on the run's thread, each
with an `operator #i: ...` line that says why. The expectations are written by hand from §11's
rules and docs/decisions.md ("Issue 16 at a glance"):
  - a window aggregate grouped by its window only, and OVER without PARTITION BY: no key, so
    they run once (before, their key rows of no fields, 8 bytes long, passed for a key and every
    row went to one partition);
  - a keyed aggregate WITH (max_keys = ...): its capacity counts the whole operator's groups;
  - two aggregates that share one slice store (merge-windows): both whole;
  - an interval join whose rows share an output with another stream's (UNION ALL): whole, its
    results must come at one thread's moments;
  - a keyed TUMBLE aggregate, OVER with PARTITION BY and the same interval join writing to an
    output of its own: in partitions, with no such line;
  - the keyed aggregate through `--backend firmware`: whole, the firmware class runs its
    operators itself.
Every run must also write one thread's bytes.
And where a keyed operator could have its rows dealt out by the parser threads but does not, a
`rows not dealt out by the parser threads: ...` line says why (the run's options, several
inputs, the rows reaching several operators); a dealt run has no such line.
Usage: threads_placement_test.py VLAC
"""

import os
import random
import re
import subprocess
import sys
import tempfile

from checks import check, summary

vlac = os.path.abspath(sys.argv[1])

STREAMS = """
CREATE STREAM e (ts TIMESTAMP NOT NULL, k STRING(8), v BIGINT, WATERMARK FOR ts AS ts - INTERVAL '10' MILLISECOND);
CREATE STREAM f (ts TIMESTAMP NOT NULL, k STRING(8), v BIGINT, WATERMARK FOR ts AS ts - INTERVAL '10' MILLISECOND);
"""

NO_KEY = "runs once, on the run's thread: it has no key to partition by"
CAPACITIES = "whole on the run's thread: its WITH capacities count the state of the whole operator"
SHARES_SLICES = "whole on the run's thread: it shares its slices with another aggregate (merge-windows)"
RESULTS_SHARED = "whole on the run's thread: its rows reach an output or an operator with other rows"
FIRMWARE = "whole on the run's thread: the firmware class runs its operators itself"

JOIN = "SELECT e.ts, e.k, e.v, f.v AS w FROM e JOIN f ON e.k = f.k AND f.ts BETWEEN e.ts - INTERVAL '5' MILLISECOND AND e.ts"

KEYED = ("SELECT k, window_start, COUNT(*) AS n FROM TUMBLE(e, ts, INTERVAL '100' MILLISECOND) "
         "GROUP BY k, window_start, window_end;")

# name, program (after STREAMS), extra options, {operator: expected reason prefix, or None: partitioned}
CASES = [
    ("window only",
     "SELECT window_start, COUNT(*) AS n, SUM(v) AS s FROM TUMBLE(e, ts, INTERVAL '100' MILLISECOND) "
     "GROUP BY window_start, window_end;", [], {0: NO_KEY}),
    ("OVER without PARTITION BY",
     "SELECT ts, k, SUM(v) OVER (ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS s FROM e;", [], {0: NO_KEY}),
    ("capacity",
     "CREATE STREAM c WITH (max_keys = 1000) AS SELECT k, window_start, COUNT(*) AS n "
     "FROM TUMBLE(e, ts, INTERVAL '100' MILLISECOND) GROUP BY k, window_start, window_end;", [], {0: CAPACITIES}),
    ("merged windows",
     "CREATE STREAM a AS SELECT k, window_start, COUNT(*) AS n FROM TUMBLE(e, ts, INTERVAL '100' MILLISECOND) "
     "GROUP BY k, window_start, window_end;\n"
     "CREATE STREAM b AS SELECT k, window_start, SUM(v) AS s FROM TUMBLE(e, ts, INTERVAL '500' MILLISECOND) "
     "GROUP BY k, window_start, window_end;", ["--output", "a=-", "--output", "b=-"], {0: SHARES_SLICES, 1: SHARES_SLICES}),
    ("join shares its output", JOIN + "\nUNION ALL\nSELECT ts, k, v, v AS w FROM f;", [], {0: RESULTS_SHARED}),
    ("keyed aggregate", KEYED, [], {0: None}),
    ("firmware backend", KEYED, ["--backend", "firmware"], {0: FIRMWARE}),
    ("OVER with PARTITION BY",
     "SELECT ts, k, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS s FROM e;", [],
     {0: None}),
    ("join on its own", JOIN + ";", [], {0: None}),
]

DEALT = re.compile(r"^  operator #0 partitions: \d+ \(.*\), rows dealt out by the parser threads$", re.M)
NOT_DEALT = re.compile(r"^  rows not dealt out by the parser threads: (.*)$", re.M)

# name, program, extra options, the reason expected (None: dealt, no such line)
DEALING = [
    ("one keyed aggregate", KEYED, [], None),
    ("one keyed aggregate, --on-error fail", KEYED, ["--on-error", "fail"],
     "--on-error fail stops at the first malformed row, in one thread's order"),
    ("two keyed aggregates",
     "CREATE STREAM a AS SELECT k, window_start, COUNT(*) AS n FROM TUMBLE(e, ts, INTERVAL '100' MILLISECOND) "
     "GROUP BY k, window_start, window_end;\n"
     "CREATE STREAM b AS SELECT v, window_start, COUNT(*) AS n FROM TUMBLE(e, ts, INTERVAL '100' MILLISECOND) "
     "GROUP BY v, window_start, window_end;", ["--output", "a=-", "--output", "b=-"],
     "the file's rows reach 2 operators (#0, #1)"),
    ("a keyed aggregate over two inputs",
     "SELECT k, window_start, COUNT(*) AS n FROM TUMBLE((SELECT ts, k FROM e UNION ALL SELECT ts, k FROM f), ts, "
     "INTERVAL '100' MILLISECOND) GROUP BY k, window_start, window_end;", [],
     "the program reads several inputs, merged by event time on the run's thread"),
]


def generate(path, rng):
    with open(path, "w") as f:
        f.write("ts,k,v\n")
        t = 0
        for _ in range(3000):
            t += rng.randrange(1, 5) * 1_000_000
            f.write("%d,k%d,%d\n" % (t, rng.randrange(20), rng.randrange(100)))


def run(program, threads, options, cwd, streams=("e", "f")):
    env = dict(os.environ, VLAC_TEST_PARSE_CHUNK_BYTES="4096")  # several chunks: the files are split
    cmd = [vlac, "run", program, "--timestamps", "ns", "--threads", str(threads), "--stats"] + options
    for stream in streams:  # a stream given an input is read, used or not
        cmd += ["--input", "%s=%s.csv" % (stream, stream)]
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)


def main():
    with tempfile.TemporaryDirectory() as d:
        rng = random.Random(16)
        generate(os.path.join(d, "e.csv"), rng)
        generate(os.path.join(d, "f.csv"), rng)
        for name, text, options, want in CASES:
            program = os.path.join(d, "p.vsql")
            with open(program, "w") as f:
                f.write(STREAMS + text + "\n")
            one = run(program, 1, options, d)
            check(f"{name}: one thread runs", one.returncode == 0 and one.stdout.count(b"\n") > 10, one.stderr[-600:])
            check(f"{name}: one thread says nothing of partitions",
                  b"partitions:" not in one.stderr and not re.search(rb"operator #\d+: ", one.stderr), one.stderr[-600:])
            for threads in (2, 4):
                got = run(program, threads, options, d)
                err = got.stderr.decode()
                check(f"{name}, {threads} threads: one thread's bytes", got.returncode == 0 and got.stdout == one.stdout,
                      err[-600:])
                for op, reason in want.items():
                    whole = re.findall(r"^  operator #%d: (.*)$" % op, err, re.M)
                    parts = re.findall(r"^  operator #%d partitions: %d " % (op, threads), err, re.M)
                    if reason is None:
                        check(f"{name}, {threads} threads: operator #{op} in partitions", len(parts) == 1 and not whole, err)
                    else:
                        check(f"{name}, {threads} threads: operator #{op} says why it is not partitioned",
                              len(whole) == 1 and whole[0].startswith(reason) and not parts, err)
        for name, text, options, reason in DEALING:
            # Every declared stream is read: one that is not used would be a second input.
            streams = ("e", "f") if "FROM f" in text else ("e",)
            program = os.path.join(d, "p.vsql")
            with open(program, "w") as f:
                f.write("".join(l + "\n" for l in STREAMS.strip().splitlines() if l.split()[2] in streams) + text + "\n")
            one = run(program, 1, options, d, streams)
            check(f"{name}: one thread runs", one.returncode == 0 and one.stdout.count(b"\n") > 10, one.stderr[-600:])
            check(f"{name}: one thread says nothing of dealing", NOT_DEALT.search(one.stderr.decode()) is None)
            got = run(program, 2, options, d, streams)
            err = got.stderr.decode()
            check(f"{name}, 2 threads: one thread's bytes", got.returncode == 0 and got.stdout == one.stdout, err[-600:])
            said = NOT_DEALT.findall(err)
            if reason is None:
                check(f"{name}, 2 threads: dealt, and no reason why not", DEALT.search(err) is not None and not said, err)
            else:
                check(f"{name}, 2 threads: says why its rows are not dealt out", said == [reason] and DEALT.search(err) is None,
                      err)
    return summary("threads placement")


if __name__ == "__main__":
    sys.exit(main())
