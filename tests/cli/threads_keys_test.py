#!/usr/bin/env python3
"""`vlac run --threads N` on larger files against SQLite (LANGUAGE.md §11).

Two generated inputs of 300,000 records (--records N: fewer, as the sanitizer build runs it), split
into parse chunks (VLAC_TEST_PARSE_CHUNK_BYTES, 64 KiB at 300,000 records) so that each is parsed
in about 150 chunks:
  - hot key: 90 % of the rows have key 'hot', the rest 2,000 other keys;
  - many keys: 60,000 distinct keys;
  - the same as JSON Lines, with an unknown field on some objects (one warning, at the first
    accepted object that has one).
At 2 and 4 threads the aggregate must also run in that many partitions (kept there by the test
hook VLAC_TEST_NEVER_GATHER; the TUMBLE program's rows dealt out to them by the parser threads,
rt::DealtAggregate) that took every row,
with the hot key's skew near the thread count and the many keys' near 1 (`--stats`); and at 2
threads, tried on the run's thread and then kept there or taken back by its partitions (the
test hook VLAC_TEST_TRIAL fixes which), with the same rows.
Both have STRING notes that are NULL, empty (""), plain, quoted with commas, with doubled quotes
and with line breaks (LF and CRLF) inside the quotes, so that guessed chunk starts fall inside
quoted values; and malformed records (a time that is no number, a wrong field count, a BIGINT
that is a decimal) at known physical lines.

The program is a TUMBLE(1 s) per key with COUNT, SUM and MAX(LENGTH(note)), and again a HOP(500
ms, 2 s), whose windows are computed from slices that every partition holds (LANGUAGE.md §4);
both are dealt out by the parser threads (their rows formatted on the partitions' threads), and
the HOP beside a second output is tried instead.
Disorder stays under the watermark bound, so no row is late. The expected rows come from SQLite: the batch query,
ordered by window and then by the first row of each key in the window (LANGUAGE.md §5). At 1, 2
and 4 threads the output must equal them, the rejects file must hold exactly the malformed
records, and the messages must name their physical lines, in order.
A filter that writes most rows must give a reference model's rows at 1, 2 and 4 threads, run
and formatted on the parser threads (rt::FormattedRun); beside the TUMBLE aggregate, each in a
file of its own, both reference outputs with the aggregate dealt out; beside a second output on standard output,
one thread's bytes at 2 and 4 threads, its outputs written on their own thread or tried against
the run's thread (VLAC_TEST_OUTPUT_TRIAL).
Usage: threads_keys_test.py VLAC [--records N]
"""

import os
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile

from checks import check, summary

vlac = sys.argv[1]
RECORDS = int(sys.argv[sys.argv.index("--records") + 1]) if "--records" in sys.argv else 300_000
# About 150 parse chunks per input at any size (64 KiB at 300,000 records).
CHUNK_BYTES = str(max(4096, 65536 * RECORDS // 300_000))

PROGRAM = """
CREATE STREAM e (ts TIMESTAMP NOT NULL, k STRING, v BIGINT, note STRING,
                 WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
CREATE STREAM per_key AS
SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total, MAX(LENGTH(note)) AS longest
FROM TUMBLE(e, ts, INTERVAL '1' SECOND)
GROUP BY k, window_start, window_end;
"""

HOP_PROGRAM = PROGRAM.replace("TUMBLE(e, ts, INTERVAL '1' SECOND)", "HOP(e, ts, INTERVAL '500' MILLISECOND, INTERVAL '2' SECOND)")

# The HOP aggregate beside a second operator (which no row reaches): not dealt out by the parser
# threads (a dealt run has one operator: the executor's dealable()), so its partitions are fed
# by the run's thread and tried against it.
TRIAL_PROGRAM = HOP_PROGRAM + "CREATE STREAM few AS SELECT k, COUNT(*) AS n FROM e WHERE v < 0 GROUP BY k;\n"


def note(rng):
    """(CSV text, value): None is NULL."""
    r = rng.random()
    if r < 0.1:
        return "", None
    if r < 0.15:
        return '""', ""
    if r < 0.6:
        w = "n%d" % rng.randint(0, 999)
        return w, w
    parts = []
    for _ in range(rng.randint(1, 4)):
        parts.append(rng.choice(["a,b", 'say ""hi""', "line\nbreak", "crlf\r\nbreak", "x" * rng.randint(0, 30)]))
    text = " ".join(parts)
    value = text.replace('""', '"')
    return '"' + text + '"', value


def csv_text(value):
    """A STRING field as CSV output writes it (LANGUAGE.md §7): NULL empty, the empty string
    `""`, quoted (quotes doubled) when it holds a comma, a quote or a line break."""
    if value is None:
        return ""
    if value == "" or any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def generate(path, rng, key_of):
    rows, bad = [], []  # rows: (ts, k, v, note); bad: (line, raw)
    line = 1  # the header
    t = 1_700_000_000_000_000_000
    with open(path, "w", newline="") as f:
        f.write("ts,k,v,note\n")
        for i in range(RECORDS):
            if rng.random() < 0.001:
                raw = rng.choice(["notatime,k,1,x\n", "1700000000000000000,k\n", "1700000000000000000,k,1.5,x\n"])
                f.write(raw)
                bad.append((line + 1, raw))
                line += 1
                continue
            t += rng.randint(0, 2_000_000)
            ts = t - (rng.randint(0, 50_000_000) if rng.random() < 0.1 else 0)
            k, v = key_of(rng), rng.randint(-1000, 1000)
            text, value = note(rng)
            raw = "%d,%s,%d,%s\n" % (ts, k, v, text)
            f.write(raw)
            line += raw.count("\n")
            rows.append((ts, k, v, value))
    return rows, bad


def generate_jsonl(path, rng, key_of):
    """The same kind of rows as JSON Lines (escaped line breaks in the notes), with malformed
    lines at known lines and an unknown field 'extra' on some rows (and 'zzz' on the malformed
    ones, which the warning must not list). Returns rows, bad lines and the line the warning
    about unknown fields must name (the first accepted object that has one)."""
    rows, bad, warn_line = [], [], None
    t = 1_700_000_000_000_000_000
    with open(path, "w", newline="") as f:
        for line in range(1, RECORDS + 1):
            if rng.random() < 0.001:
                raw = rng.choice(['{"ts":"notatime","k":"k","v":1,"zzz":0}\n', '{"ts":1700000000000000000,"k":"k","v":1.5}\n',
                                  "not json\n"])
                f.write(raw)
                bad.append((line, raw))
                continue
            t += rng.randint(0, 2_000_000)
            ts = t - (rng.randint(0, 50_000_000) if rng.random() < 0.1 else 0)
            k, v = key_of(rng), rng.randint(-1000, 1000)
            value = note(rng)[1]
            obj = {"ts": ts, "k": k, "v": v, "note": value}
            if line > 1000 and rng.random() < 0.01:
                obj["extra"] = 1
                warn_line = warn_line or line
            f.write(json.dumps(obj) + "\n")
            rows.append((ts, k, v, value))
    return rows, bad, warn_line


def windows(rows, slide=1_000_000_000, size=1_000_000_000):
    """The windows of `size` every `slide` (a TUMBLE when equal), each key's rows of each:
    (k, window_start, window_end, n, total, longest) in one thread's order, from SQLite."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE e (rid INTEGER PRIMARY KEY, ts INTEGER, k TEXT, v INTEGER, note TEXT)")
    db.executemany("INSERT INTO e (ts, k, v, note) VALUES (?, ?, ?, ?)", rows)
    db.execute("CREATE TABLE back (i INTEGER)")  # a row is in the windows starting i slides before its last
    db.executemany("INSERT INTO back VALUES (?)", [(i,) for i in range(size // slide)])
    q = """SELECT k, ws, ws + %d, COUNT(*), SUM(v), MAX(LENGTH(note)) FROM
             (SELECT e.*, (ts / %d - back.i) * %d AS ws FROM e, back)
           GROUP BY k, ws ORDER BY ws + %d, ws, MIN(rid)""" % (size, slide, slide, size)
    return list(db.execute(q))


def expected(rows, slide=1_000_000_000, size=1_000_000_000):
    """windows() as vlac writes them to CSV."""
    out = ["k,window_start,window_end,n,total,longest"]
    for k, ws, we, n, total, longest in windows(rows, slide, size):
        out.append("%s,%d,%d,%d,%d,%s" % (k, ws, we, n, total, "" if longest is None else longest))
    return "\n".join(out) + "\n"


CASES = {
    "hot_key": lambda rng: "hot" if rng.random() < 0.9 else "k%d" % rng.randint(0, 1999),
    "many_keys": lambda rng: "k%d" % rng.randint(0, 59_999),
}

with tempfile.TemporaryDirectory() as d:
    prog = os.path.join(d, "p.vsql")
    with open(prog, "w") as f:
        f.write(PROGRAM)
    hop_prog = os.path.join(d, "hop.vsql")
    with open(hop_prog, "w") as f:
        f.write(HOP_PROGRAM)
    trial_prog = os.path.join(d, "trial.vsql")
    with open(trial_prog, "w") as f:
        f.write(TRIAL_PROGRAM)
    # VLAC_TEST_NEVER_GATHER: the aggregate stays in its partitions (its 1-second windows fire
    # often enough that it would otherwise be gathered onto the run's thread).
    env = dict(os.environ, VLAC_TEST_PARSE_CHUNK_BYTES=CHUNK_BYTES, VLAC_TEST_NEVER_GATHER="1")
    for seed, (name, key_of) in enumerate(CASES.items()):
        data = os.path.join(d, name + ".csv")
        rows, bad = generate(data, random.Random(seed), key_of)
        want = expected(rows)
        for threads in (1, 2, 4):
            rejects = os.path.join(d, "rejects.csv")
            run = subprocess.run([vlac, "run", prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", str(threads),
                                  "--rejects", rejects, "--stats"], capture_output=True, text=True, timeout=600, env=env)
            label = "%s, %d thread%s" % (name, threads, "s" if threads > 1 else "")
            check(label + ": exit 0", run.returncode == 0, run.stderr[-2000:])
            check(label + ": rows equal SQLite's", run.stdout == want,
                  "%d lines, expected %d" % (run.stdout.count("\n"), want.count("\n")))
            with open(rejects, newline="") as f:
                check(label + ": the rejects file holds the malformed records", f.read() == "".join(raw for _, raw in bad))
            lines = [int(m) for m in re.findall(r"^%s:(\d+): " % re.escape(data), run.stderr, re.M)]
            check(label + ": messages name their physical lines", lines == [ln for ln, _ in bad],
                  "got %s..., expected %s..." % (lines[:5], [ln for ln, _ in bad][:5]))
            if threads > 1:
                check(label + ": the file was split", re.search(r"chunks parsed on %d threads" % threads, run.stderr) is not None,
                      run.stderr[-1000:])
                # The aggregate ran in partitions that took every accepted row; one hot key puts
                # 90 % of them in one partition, many keys spread them.
                m = re.search(r"operator #0 partitions: (\d+) \(rows ([\d +]+), skew ([\d.]+)\)", run.stderr)
                parts = [int(x) for x in m.group(2).split(" + ")] if m else []
                check(label + ": the aggregate ran in %d partitions that took every row" % threads,
                      m is not None and int(m.group(1)) == threads and sum(parts) == len(rows), run.stderr[-1000:])
                # The partitions also formatted the rows (rt::DealtFormatting: the only output
                # is standard output, the rejects a file of their own).
                check(label + ": the results were formatted on the partitions' threads",
                      "outputs: formatted on the partitions' threads" in run.stderr, run.stderr[-1000:])
                if m:
                    skew = float(m.group(3))
                    check(label + ": the skew reflects the keys (%.2f)" % skew,
                          skew >= 0.85 * threads if name == "hot_key" else skew < 1.1, run.stderr[-1000:])
        # HOP from slices, in partitions (every row's time is after 2023, so integer division
        # floors as the windows do).
        want = expected(rows, slide=500_000_000, size=2_000_000_000)
        for threads in (1, 2, 4):
            run = subprocess.run([vlac, "run", hop_prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", str(threads),
                                  "--stats"], capture_output=True, text=True, timeout=600, env=env)
            label = "%s, HOP, %d thread%s" % (name, threads, "s" if threads > 1 else "")
            check(label + ": rows equal SQLite's", run.returncode == 0 and run.stdout == want,
                  "%d lines, expected %d; %s" % (run.stdout.count("\n"), want.count("\n"), run.stderr[-500:]))
            if threads > 1:
                m = re.search(r"operator #0 partitions: (\d+) \(rows ([\d +]+),", run.stderr)
                check(label + ": the sliced aggregate ran in %d partitions that took every row" % threads,
                      m is not None and int(m.group(1)) == threads and sum(int(x) for x in m.group(2).split(" + ")) == len(rows),
                      run.stderr[-1000:])
        # Tried on the run's thread after 4 firings in partitions and then kept there or taken
        # back by the partitions (VLAC_TEST_TRIAL fixes the outcome, which otherwise goes by
        # the rows per second each way): the same rows, and `--stats` says where it ended. The
        # TUMBLE and HOP programs are dealt out by the parser threads instead (the aggregate is
        # the only operator and feeds the only output: rt::DealtAggregate), whatever the hook
        # says; the HOP aggregate beside another output is tried.
        dealt = "rows dealt out by the parser threads"
        out_file = os.path.join(d, "per_key.csv")
        for program, what, want_rows in ((prog, "TUMBLE", expected(rows)), (hop_prog, "HOP", want),
                                         (trial_prog, "HOP beside another operator", want)):
            for outcome, says in (("partitions", "back in partitions after a trial on the run's thread"),
                                  ("gathered", "gathered onto the run's thread after a trial")):
                if program != trial_prog:
                    says = dealt
                outputs = ["--output", "per_key=" + out_file, "--output", "few=" + os.devnull] if program == trial_prog else []
                trial_env = dict(os.environ, VLAC_TEST_PARSE_CHUNK_BYTES=CHUNK_BYTES, VLAC_TEST_TRIAL=outcome)
                run = subprocess.run([vlac, "run", program, "--input", "e=" + data, "--timestamps", "ns", "--threads", "2",
                                      "--stats"] + outputs, capture_output=True, text=True, timeout=600, env=trial_env)
                got = run.stdout
                if outputs and run.returncode == 0:
                    with open(out_file, newline="") as f:
                        got = f.read()
                label = "%s, %s, 2 threads, trial kept %s" % (name, what, outcome)
                check(label + ": rows equal SQLite's", run.returncode == 0 and got == want_rows, run.stderr[-500:])
                # The rows it took once gathered are counted apart from the partitions'.
                m = re.search(r"operator #0 partitions: 2 \(rows ([\d +]+), skew [\d.]+(?:; (\d+) on the run's thread once gathered)?\), (.*)",
                              run.stderr)
                gathered = int(m.group(2)) if m and m.group(2) else 0
                check(label + ": --stats says where it ran, and every row reached it",
                      m is not None and m.group(3).startswith(says) and
                      sum(int(x) for x in m.group(1).split(" + ")) + gathered == len(rows) and
                      (gathered > 0) == (program == trial_prog), run.stderr[-1000:])
    # A filter that writes most rows (strings with quotes and line breaks among them). Alone, it
    # runs and formats its rows on the parser threads (rt::FormattedRun): at 1, 2 and 4 threads
    # the rows of a reference model of the filter, in the file's order.
    head = PROGRAM.split("CREATE STREAM per_key")[0]
    pass_prog = os.path.join(d, "pass.vsql")
    with open(pass_prog, "w") as f:
        f.write(head + "SELECT ts, k, v, note FROM e WHERE v % 3 <> 0;\n")
    want_pass = ("ts,k,v,note\n" + "".join("%d,%s,%d,%s\n" % (ts, csv_text(k), v, csv_text(n))
                                          for ts, k, v, n in rows if v % 3 != 0)).encode()
    for threads in (1, 2, 4):
        run = subprocess.run([vlac, "run", pass_prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", str(threads),
                              "--stats"], capture_output=True, timeout=600, env=env)
        label = "filter, %d thread%s" % (threads, "s" if threads > 1 else "")
        check(label + ": the filter's rows", run.returncode == 0 and run.stdout == want_pass,
              "%s; %d lines, expected %d" % (run.stderr[-500:], run.stdout.count(b"\n"), want_pass.count(b"\n")))
        if threads > 1:
            check(label + ": formatted on the parser threads",
                  b"outputs: formatted on the parser threads" in run.stderr and b"chunks parsed on %d threads" % threads in run.stderr,
                  run.stderr[-500:])
    # The same filter beside the TUMBLE aggregate, each into a file of its own: the aggregate is
    # dealt out by the parser threads, which also format the filter's rows (rt::DealtFormatting);
    # the partitions format the aggregate's. Both files hold the reference rows (the filter's
    # model, SQLite's windows) at 1, 2 and 4 threads.
    both_prog = os.path.join(d, "both.vsql")
    with open(both_prog, "w") as f:
        f.write(PROGRAM + "CREATE STREAM kept AS SELECT ts, k, v, note FROM e WHERE v % 3 <> 0;\n")
    want_windows = expected(rows).encode()
    kept_file, windows_file = os.path.join(d, "kept.csv"), os.path.join(d, "windows.csv")
    for threads in (1, 2, 4):
        run = subprocess.run([vlac, "run", both_prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", str(threads),
                              "--output", "kept=" + kept_file, "--output", "per_key=" + windows_file, "--stats"],
                             capture_output=True, timeout=600, env=env)
        label = "filter beside the aggregate, %d thread%s" % (threads, "s" if threads > 1 else "")
        with open(kept_file, "rb") as f:
            kept = f.read()
        with open(windows_file, "rb") as f:
            got_windows = f.read()
        check(label + ": the filter's rows and the aggregate's", run.returncode == 0 and kept == want_pass and got_windows == want_windows,
              "%s; %d and %d lines, expected %d and %d" % (run.stderr[-500:], kept.count(b"\n"), got_windows.count(b"\n"),
                                                         want_pass.count(b"\n"), want_windows.count(b"\n")))
        if threads > 1:
            check(label + ": dealt, and formatted on the parser threads and the partitions' threads",
                  b"rows dealt out by the parser threads" in run.stderr and
                  b"and on the parser threads for the rows the source writes" in run.stderr, run.stderr[-500:])
    # Beside a second output on standard output it is not (the two outputs' rows interleave
    # there by their writers' buffers, which a chunk's bytes would not keep): at 2 and 4 threads
    # the outputs are written on a thread of their own, or tried against the run's thread every
    # few rows with the outcome fixed (VLAC_TEST_OUTPUT_TRIAL); one thread's bytes.
    two_prog = os.path.join(d, "two.vsql")
    with open(two_prog, "w") as f:
        f.write(head + "CREATE STREAM kept AS SELECT ts, k, v, note FROM e WHERE v % 3 <> 0;\n"
                "CREATE STREAM few AS SELECT ts, k FROM e WHERE v < 0;\n")
    two_args = [vlac, "run", two_prog, "--input", "e=" + data, "--timestamps", "ns", "--output", "kept=-", "--output", "few=-"]
    one = subprocess.run(two_args, capture_output=True, timeout=600)
    check("two outputs, 1 thread: exit 0 and most rows", one.returncode == 0 and one.stdout.count(b"\n") > len(rows) // 2,
          one.stderr[-500:])
    for threads, hook in ((2, None), (2, "thread"), (2, "run"), (4, "run")):
        run_env = dict(env, VLAC_TEST_OUTPUT_TRIAL=hook) if hook else env
        run = subprocess.run(two_args + ["--threads", str(threads), "--stats"], capture_output=True, timeout=600, env=run_env)
        label = "two outputs, %d threads%s" % (threads, ", output trial kept " + hook if hook else "")
        check(label + ": one thread's bytes", run.returncode == 0 and run.stdout == one.stdout, run.stderr[-500:])
        # Without the hook the trial goes by timing (a loaded machine may keep the run's thread).
        says = {None: [b"formatted and written on a thread of their own", b"formatted and written on the run's thread after a trial"],
                "thread": [b"on a thread of their own after a trial"], "run": [b"on the run's thread after a trial"]}[hook]
        check(label + ": --stats says where the outputs were written", any(s in run.stderr for s in says), run.stderr[-500:])
    # JSON Lines: split at line starts; the unknown-field warning names the first accepted object
    # that has one, once, as one reader does.
    data = os.path.join(d, "many_keys.jsonl")
    rows, bad, warn_line = generate_jsonl(data, random.Random(7), CASES["many_keys"])
    want_jsonl = expected(rows)
    for threads in (1, 2, 4):
        rejects = os.path.join(d, "rejects.jsonl")
        run = subprocess.run([vlac, "run", prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", str(threads),
                              "--rejects", rejects, "--stats"], capture_output=True, text=True, timeout=600, env=env)
        label = "JSON Lines, %d thread%s" % (threads, "s" if threads > 1 else "")
        check(label + ": rows equal SQLite's", run.returncode == 0 and run.stdout == want_jsonl, run.stderr[-1000:])
        with open(rejects, newline="") as f:
            check(label + ": the rejects file holds the malformed lines", f.read() == "".join(raw for _, raw in bad))
        lines = [int(m) for m in re.findall(r"^%s:(\d+): " % re.escape(data), run.stderr, re.M)]
        check(label + ": messages name their lines", lines == sorted([ln for ln, _ in bad] + [warn_line]), lines[:8])
        check(label + ": one warning, for the first accepted object with an unknown field",
              run.stderr.count("warning") == 1 and "%s:%d: warning: ignoring unknown field 'extra'\n" % (data, warn_line) in run.stderr,
              run.stderr[:1000])
        if threads > 1:
            check(label + ": the file was split", "chunks parsed on %d threads" % threads in run.stderr, run.stderr[-1000:])
    # The filter over the JSON Lines file, formatted on the parser threads as JSON Lines too
    # (--format jsonl): the filter's rows, as a reference model writes them (LANGUAGE.md §7).
    def json_text(value):  # a STRING as vlac writes it: `"` and `\` escaped, control characters as \u00XX
        if value is None:
            return "null"
        return '"' + "".join("\\" + c if c in '"\\' else "\\u%04x" % ord(c) if ord(c) < 0x20 else c for c in value) + '"'
    want_jsonl_pass = "".join('{"ts":%d,"k":%s,"v":%d,"note":%s}\n' % (ts, json_text(k), v, json_text(n))
                              for ts, k, v, n in rows if v % 3 != 0)
    for threads in (1, 2):
        run = subprocess.run([vlac, "run", pass_prog, "--input", "e=" + data, "--timestamps", "ns", "--format", "jsonl",
                              "--threads", str(threads), "--stats"], capture_output=True, text=True, timeout=600, env=env)
        label = "JSON Lines filter, %d thread%s" % (threads, "s" if threads > 1 else "")
        check(label + ": the filter's rows", run.returncode == 0 and run.stdout == want_jsonl_pass,
              "%s; %d lines, expected %d" % (run.stderr[-500:], run.stdout.count("\n"), want_jsonl_pass.count("\n")))
        if threads > 1:
            check(label + ": formatted on the parser threads", "outputs: formatted on the parser threads" in run.stderr,
                  run.stderr[-500:])
    # The filter beside the aggregate again, both files as JSON Lines: the partitions format the
    # windows, the parser threads the filter's rows.
    want_jsonl_windows = "".join('{"k":%s,"window_start":%d,"window_end":%d,"n":%d,"total":%d,"longest":%s}\n' %
                                 (json_text(k), ws, we, n, total, "null" if longest is None else longest)
                                 for k, ws, we, n, total, longest in windows(rows))
    for threads in (1, 2):
        run = subprocess.run([vlac, "run", both_prog, "--input", "e=" + data, "--timestamps", "ns", "--format", "jsonl",
                              "--threads", str(threads), "--output", "kept=" + kept_file, "--output", "per_key=" + windows_file,
                              "--stats"], capture_output=True, text=True, timeout=600, env=env)
        label = "JSON Lines filter beside the aggregate, %d thread%s" % (threads, "s" if threads > 1 else "")
        with open(kept_file, newline="") as f:
            kept = f.read()
        with open(windows_file, newline="") as f:
            got_windows = f.read()
        check(label + ": the filter's rows and the aggregate's",
              run.returncode == 0 and kept == want_jsonl_pass and got_windows == want_jsonl_windows,
              "%s; %d and %d lines, expected %d and %d" % (run.stderr[-500:], kept.count("\n"), got_windows.count("\n"),
                                                         want_jsonl_pass.count("\n"), want_jsonl_windows.count("\n")))
        if threads > 1:
            check(label + ": dealt, and formatted on the parser threads and the partitions' threads",
                  "rows dealt out by the parser threads" in run.stderr and
                  "and on the parser threads for the rows the source writes" in run.stderr, run.stderr[-500:])
    # --threads 0 is every core; a malformed count is a usage error (exit 2).
    run = subprocess.run([vlac, "run", prog, "--input", "e=" + data, "--timestamps", "ns", "--threads", "0", "--stats"],
                         capture_output=True, text=True, timeout=600, env=env)
    check("--threads 0: same rows", run.returncode == 0 and run.stdout == want_jsonl, run.stderr[-1000:])
    check("--threads 0: every core parses", "chunks parsed on %d threads" % os.cpu_count() in run.stderr, run.stderr[-1000:])
    for bad in ("x", "-1", "1.5", ""):
        run = subprocess.run([vlac, "run", prog, "--input", "e=" + data, "--threads", bad], capture_output=True, text=True)
        check("--threads %r: usage error" % bad, run.returncode == 2 and "--threads takes a number" in run.stderr, run.stderr)
    sys.exit(summary("threads keys"))
