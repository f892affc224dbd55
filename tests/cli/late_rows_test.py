#!/usr/bin/env python3
"""`vlac run --late PATH` (LANGUAGE.md §12): every row dropped as late, as JSON Lines.

Every end-to-end case of tests/e2e/cases runs with `--late FILE --stats` on the JIT, and:
  - every line of FILE is a JSON object with exactly "operator", "stream", "watermark" and "row";
  - per operator, its lines are as many as the `late` count `--stats` prints for it (and an
    operator `--stats` does not list has none);
  - the case's output is still expected.csv (--late changes no output row);
  - a record whose stream is a source is a real row of that source's input files: its fields, by
    name, equal that row's CSV values (NULL as an empty field, timestamps compared as instants,
    floats to 1e-6), and no input row is reported twice by one operator; a record of a derived
    stream is checked the same way against the input file whose header holds all its columns,
    when one does;
  - `--backend cpp` writes the same bytes, and so does `--threads 2`: by default; with the file
    parsed in chunks of 61 bytes, so that a program of one keyed aggregate or OVER is dealt out
    by the parser threads (its partitions keep their late rows, the run's thread reports them in
    arrival order); and with every keyed operator kept in partitions fed by the run's thread (the
    interval and as-of joins' and OVER's results merged in rounds of one row), which drops their
    late rows in arrival order. Across the cases, each kind of keyed operator must have run in
    partitions under --late, and some case must have been dealt.
For three cases the late rows are computed here, independently, by replaying the input in arrival
order with §5's rule (W = max(event time so far) - bound; TUMBLE: late when the row's window end
<= W; SESSION: when its own session would end at or before W and it joins no open one; a join:
late when its time < its own side's W), and must be the records, in order,
watermarks included:
  tumble_boundaries (TUMBLE 1 s, bound 100 ms, --timestamps ns), session_grasps (SESSION 500 ms
  behind a WHERE, bound 300 ms) and join_action_frames (interval join, bounds 20 ms and 50 ms,
  ISO timestamps).
Window merging: two aggregates sharing slices each report their own late rows (against the same
replay). Also: --late with --backend firmware is a usage error (exit 2); --late and --checkpoint stopped
mid-run (VLAC_TEST_STOP_AFTER_ROWS) and resumed give the uninterrupted run's late file, at one
thread and at two with the aggregates kept in partitions.
Usage: late_rows_test.py VLAC
"""

import calendar
import csv
import json
import math
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

from checks import check, summary

vlac = os.path.abspath(sys.argv[1])
CASES = pathlib.Path(__file__).resolve().parent.parent / "e2e" / "cases"
STATS_OP = re.compile(r"^  operator #(\d+) (\S+): \d+ in, \d+ out, (\d+) late", re.M)
PARTITIONS = re.compile(r"^  operator #(\d+) partitions: ", re.M)
DEALT_OP = re.compile(r"^  operator #(\d+) partitions: .*rows dealt out by the parser threads", re.M)
IN_PARTITIONS = {"VLAC_TEST_NEVER_GATHER": "1", "VLAC_TEST_ROUND_ROWS": "1", "VLAC_TEST_NO_DEALING": "1"}
DEALT = {"VLAC_TEST_PARSE_CHUNK_BYTES": "61"}
PARTITIONED_UNDER_LATE = set()  # the kinds of operator that ran in partitions under --late
DEALT_UNDER_LATE = set()  # the kinds of operator that were dealt out by the parser threads under --late
ISO = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$")


def instant_ns(text):
    """A timestamp's nanoseconds since the epoch: integer text or ISO-8601; None otherwise."""
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    m = ISO.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    frac = int((m.group(7) or "").ljust(9, "0") or 0)
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    tz = m.group(8)
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        hh, mm = int(tz[1:3]), int(tz[-2:])
        secs -= sign * (hh * 3600 + mm * 60)
    return secs * 1_000_000_000 + frac


def same_value(value, text):
    """A JSON value of a late row against a CSV field."""
    if value is None:
        return text == "" or text.upper() == "NULL"
    if text == "":
        return False
    if isinstance(value, bool):
        return text.lower() in (("true", "t", "1") if value else ("false", "f", "0"))
    a, b = instant_ns(value), instant_ns(text)
    if isinstance(value, str) and a is not None and b is not None:
        return a == b
    if isinstance(value, int) and b is not None and re.fullmatch(r"-?\d+", text or "x") is None and ISO.match(text):
        return value == b
    if isinstance(value, str) and value == text:
        return True
    try:
        x, y = float(value), float(text)
    except (TypeError, ValueError):
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return x == y or abs(x - y) <= 1e-6 * max(abs(x), abs(y))


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def case_inputs(case_dir, args):
    """{stream: (header, [rows in arrival order])} of the case's --input files."""
    out = {}
    for i, a in enumerate(args):
        if a == "--input":
            name, path = args[i + 1].split("=", 1)
            header, rows = read_csv(case_dir / path)
            if name in out:
                out[name][1].extend(rows)
            else:
                out[name] = (header, rows)
    return out


def run(case_dir, args, extra, env=None):
    with tempfile.TemporaryDirectory() as tmp:
        late = pathlib.Path(tmp) / "late.jsonl"
        cmd = [vlac, "run", "program.vsql"] + args + ["--late", str(late), "--stats"] + extra
        p = subprocess.run(cmd, cwd=case_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                           env=dict(os.environ, **(env or {})))
        return p, (late.read_bytes() if late.exists() else None), shlex.join(cmd)


def match_rows(name, records, inputs):
    """Each record of a stream with an input file is a distinct row of it, per operator; a
    derived stream's, of one of the input files whose header holds all its columns (a UNION ALL
    of sources)."""
    used = {}  # (operator, input stream) -> set of input row indexes
    for r in records:
        row = r["row"]
        if r["stream"] in inputs:
            candidates = [r["stream"]]
        else:
            candidates = [s for s, (header, _) in inputs.items() if set(row) <= set(header)]
            if not candidates:
                continue
        found = False
        for stream in candidates:
            header, rows = inputs[stream]
            cols = [(header.index(k), v) for k, v in row.items() if k in header]
            taken = used.setdefault((r["operator"], stream), set())
            hit = next((i for i, csv_row in enumerate(rows)
                        if i not in taken and all(c < len(csv_row) and same_value(v, csv_row[c]) for c, v in cols)), None)
            if cols and hit is not None:
                taken.add(hit)
                found = True
                break
        check(f"{name}: late row {row} of {r['operator']} is an unreported row of {r['stream']}'s input", found, r)


def check_case(case_dir):
    name = case_dir.name
    args = shlex.split((case_dir / "args").read_text())
    p, late, cmd = run(case_dir, args, ["--backend", "jit"])
    check(f"{name}: runs with --late", p.returncode == 0 and late is not None, cmd + "\n" + p.stderr.decode())
    if p.returncode != 0 or late is None:
        return None, None
    check(f"{name}: output unchanged by --late", p.stdout == (case_dir / "expected.csv").read_bytes(), cmd)
    records = []
    lines = late.decode().splitlines()
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            check(f"{name}: late line is JSON", False, line)
            continue
        check(f"{name}: late record has exactly operator, stream, watermark, row",
              isinstance(rec, dict) and list(rec) == ["operator", "stream", "watermark", "row"] and isinstance(rec["row"], dict), line)
        records.append(rec)
    stats = {f"#{m.group(1)} {m.group(2)}": int(m.group(3)) for m in STATS_OP.finditer(p.stderr.decode())}
    per_op = {}
    for rec in records:
        per_op[rec["operator"]] = per_op.get(rec["operator"], 0) + 1
    for op in set(stats) | set(per_op):
        check(f"{name}: {op}: late lines = --stats late", per_op.get(op, 0) == stats.get(op, -1),
              f"lines {per_op.get(op, 0)}, stats {stats.get(op)}")
    match_rows(name, records, case_inputs(case_dir, args))
    # At 2 threads: by default, dealt by the parser threads, and every keyed operator kept in
    # partitions fed by the run's thread (the joins' and OVER's results merged in rounds of one row).
    runs = ((["--backend", "cpp"], None, ""), (["--threads", "2"], None, ""), (["--threads", "2"], DEALT, " in 61-byte chunks"),
            (["--threads", "2"], IN_PARTITIONS, " kept in partitions"))
    for extra, env, how in runs:
        q, other, cmd2 = run(case_dir, args, extra, env)
        what = " ".join(extra) + how
        check(f"{name}: {what} writes the same late rows and output", q.returncode == 0 and other == late and q.stdout == p.stdout, cmd2)
        err = q.stderr.decode()
        kinds = {m.group(1): m.group(2) for m in STATS_OP.finditer(err)}
        if env is IN_PARTITIONS:
            PARTITIONED_UNDER_LATE.update(kinds.get(n, "?") for n in PARTITIONS.findall(err))
        if env is DEALT:
            DEALT_UNDER_LATE.update(kinds.get(n, "?") for n in DEALT_OP.findall(err))
    return records, late


def expected_tumble_boundaries(case_dir):
    """TUMBLE(joint_state, ts, 1 s), bound 100 ms: late when the window end <= W."""
    header, rows = read_csv(case_dir / "joint_state.csv")
    ts = header.index("ts")
    w, out = None, []
    for r in rows:
        t = instant_ns(r[ts])
        end = (t // 1_000_000_000 + 1) * 1_000_000_000
        if w is not None and end <= w:
            out.append((r, w))
        w = max(w, t - 100_000_000) if w is not None else t - 100_000_000
    return "joint_state", out


def expected_session_grasps(case_dir):
    """SESSION(gripper_contact, ts, 500 ms) per robot_id WHERE force_n > 0.5, bound 300 ms. A
    row that passes the WHERE and overlaps an open session of its key joins it (merging all it
    overlaps); one that overlaps none is late when its own [t, t + gap) ends at or before W.
    Every row raises W (the WHERE comes after the source); sessions ending at or before W fire
    and are gone."""
    header, rows = read_csv(case_dir / "gripper_contact.csv")
    ts, key, force = header.index("ts"), header.index("robot_id"), header.index("force_n")
    gap, bound = 500_000_000, 300_000_000
    sessions, w, out = {}, None, []
    for r in rows:
        t = instant_ns(r[ts])
        if r[force] != "" and float(r[force]) > 0.5:
            mine = sessions.setdefault(r[key], [])
            end = t + gap
            over = [s for s in mine if s[0] < end and t < s[1]]
            if over:
                merged = [min([t] + [s[0] for s in over]), max([end] + [s[1] for s in over])]
                mine[:] = [s for s in mine if s not in over] + [merged]
            elif w is not None and end <= w:
                out.append((r, w))
            else:
                mine.append([t, end])
        w = max(w, t - bound) if w is not None else t - bound
        for k in sessions:
            sessions[k] = [s for s in sessions[k] if s[1] > w]
    return "gripper_contact", out


def expected_join_action_frames(case_dir):
    """Interval join of actions (bound 20 ms) and frames (bound 50 ms): a row is late when its
    time < its own side's W. The engine reads the two files merged in event-time order (each
    file in arrival order), so the sides' rows are replayed per side: each side's W depends
    only on that side's rows."""
    out = {}
    for stream, bound in (("actions", 20_000_000), ("frames", 50_000_000)):
        header, rows = read_csv(case_dir / (stream + ".csv"))
        ts = header.index("ts")
        w, late = None, []
        for r in rows:
            t = instant_ns(r[ts])
            if w is not None and t < w:
                late.append((r, w))
            w = max(w, t - bound) if w is not None else t - bound
        out[stream] = late
    return out


def check_reference(name, records, stream, expected, header):
    got = [(rec["row"], instant_ns(rec["watermark"])) for rec in records if rec["stream"] == stream]
    check(f"{name}: {stream}: {len(expected)} late rows by the reference, {len(got)} reported", len(got) == len(expected),
          f"got {got}, expected {expected}")
    for (row, w), (csv_row, ew) in zip(got, expected):
        same = all(same_value(row[k], csv_row[header.index(k)]) for k in header)
        check(f"{name}: {stream}: late row {csv_row} with watermark {ew}", same and w == ew, f"got {row} at {w}")


MERGED = """
CREATE STREAM s (ts TIMESTAMP NOT NULL, k INT32, v DOUBLE, WATERMARK FOR ts AS ts - INTERVAL '100' MILLISECOND);
CREATE STREAM a AS SELECT k, window_start, COUNT(*) AS n FROM TUMBLE(s, ts, INTERVAL '1' SECOND) GROUP BY k, window_start, window_end;
CREATE STREAM b AS SELECT k, window_start, SUM(v) AS t FROM HOP(s, ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND)
GROUP BY k, window_start, window_end;
"""


def check_window_merging():
    """Two aggregates of one input sharing slices (window merging): the owner decides lateness
    for both, and each must report its own late rows. TUMBLE 1 s is late when floor(t) + 1 s <= W,
    HOP(1 s, 3 s) when its last window, floor(t) + 3 s, ends at or before W."""
    rng = __import__("random").Random(5)
    rows = [(i * 37_000_000 - rng.randint(0, 4000) * 1_000_000, rng.randint(1, 3), rng.random()) for i in range(400)]
    expected = {"#0 WindowAggregate": [], "#1 WindowAggregate": []}
    w = None
    for t, _, _ in rows:
        start = t // 1_000_000_000 * 1_000_000_000
        if w is not None and start + 1_000_000_000 <= w:
            expected["#0 WindowAggregate"].append((t, w))
        if w is not None and start + 3_000_000_000 <= w:
            expected["#1 WindowAggregate"].append((t, w))
        w = max(w, t - 100_000_000) if w is not None else t - 100_000_000
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        (d / "p.vsql").write_text(MERGED)
        (d / "s.csv").write_text("ts,k,v\n" + "".join("%d,%d,%.3f\n" % r for r in rows))
        p = subprocess.run([vlac, "explain", "p.vsql"], cwd=d, capture_output=True, text=True)
        check("window merging: the two aggregates share slices", p.stdout.count("shared-operator=0") == 2, p.stdout)
        p = subprocess.run([vlac, "run", "p.vsql", "--input", "s=s.csv", "--output", "a=a.csv", "--output", "b=b.csv",
                            "--timestamps", "ns", "--late", "late.jsonl"], cwd=d, capture_output=True, text=True)
        got = {"#0 WindowAggregate": [], "#1 WindowAggregate": []}
        for line in (d / "late.jsonl").read_text().splitlines():
            rec = json.loads(line)
            got.setdefault(rec["operator"], []).append((rec["row"]["ts"], rec["watermark"]))
        for op in expected:
            check(f"window merging: {op}: {len(expected[op])} late rows by the reference, {len(got[op])} reported",
                  p.returncode == 0 and expected[op] and got[op] == expected[op], p.stderr)


def main():
    results, raw = {}, {}
    for case_dir in sorted(CASES.iterdir()):
        if (case_dir / "args").exists():
            results[case_dir.name], raw[case_dir.name] = check_case(case_dir)
    total = sum(len(r) for r in results.values() if r)
    check("the cases drop some rows as late", total >= 20, total)

    d = CASES / "tumble_boundaries"
    recs = results.get("tumble_boundaries") or []
    stream, expected = expected_tumble_boundaries(d)
    check("tumble_boundaries: reference finds late rows", len(expected) > 0)
    check("tumble_boundaries: watermarks are integers (--timestamps ns)", all(isinstance(r["watermark"], int) for r in recs))
    check_reference("tumble_boundaries", recs, stream, expected, read_csv(d / "joint_state.csv")[0])

    d = CASES / "session_grasps"
    stream, expected = expected_session_grasps(d)
    check("session_grasps: reference finds late rows", len(expected) > 0)
    check_reference("session_grasps", results.get("session_grasps") or [], stream, expected,
                    read_csv(d / "gripper_contact.csv")[0])

    d = CASES / "join_action_frames"
    recs = results.get("join_action_frames") or []
    check("join_action_frames: watermarks are ISO strings", all(isinstance(r["watermark"], str) for r in recs))
    expected = expected_join_action_frames(d)
    check("join_action_frames: reference finds late rows on both sides", all(expected[s] for s in expected))
    for s in expected:
        check_reference("join_action_frames", recs, s, expected[s], read_csv(d / (s + ".csv"))[0])

    check_window_merging()

    # firmware: a usage error
    d = CASES / "session_grasps"
    args = shlex.split((d / "args").read_text())
    p, _, cmd = run(d, args, ["--backend", "firmware"])
    check("--late with --backend firmware: exit 2", p.returncode == 2 and b"--late" in p.stderr, cmd + p.stderr.decode())

    keyed = {"WindowAggregate", "WindowJoin", "IntervalJoin", "AsofJoin", "Over"}
    check("--late --threads 2: every kind of keyed operator ran in partitions", keyed <= PARTITIONED_UNDER_LATE,
          f"in partitions: {sorted(PARTITIONED_UNDER_LATE)}")
    check("--late --threads 2: window aggregates and OVER were dealt out by the parser threads",
          {"WindowAggregate", "Over"} <= DEALT_UNDER_LATE, f"dealt: {sorted(DEALT_UNDER_LATE)}")

    # --checkpoint: stopped after checkpoints and resumed, the late file is the uninterrupted run's
    d = CASES / "chained_rollup"
    args = shlex.split((d / "args").read_text())
    whole = raw.get("chained_rollup")
    for threads, env in ((["--threads", "1"], {}), (["--threads", "2"], IN_PARTITIONS)):
        what = "--late --checkpoint " + " ".join(threads)
        with tempfile.TemporaryDirectory() as tmp:
            out, late, ckdir = pathlib.Path(tmp) / "out.csv", pathlib.Path(tmp) / "late.jsonl", pathlib.Path(tmp) / "ck"
            base = [vlac, "run", "program.vsql"] + args + threads + [
                "--output", "cam_rollup=" + str(out), "--late", str(late), "--checkpoint", str(ckdir), "--checkpoint-every", "97rows"]
            for stop in ("150", "700", "1100"):
                p = subprocess.run(base, cwd=d, env=dict(os.environ, VLAC_TEST_STOP_AFTER_ROWS=stop, **env), capture_output=True)
                check(f"{what}: stops after a checkpoint ({stop} rows)", p.returncode == 0, p.stderr.decode())
                with open(late, "ab") as f:  # what a crash may leave after the snapshot's offset
                    f.write(b'{"partial')
            p = subprocess.run(base + ["--stats"], cwd=d, env=dict(os.environ, **env), capture_output=True)
            check(f"{what}: resumes to the end", p.returncode == 0, p.stderr.decode())
            if env:
                check(f"{what}: its aggregates ran in partitions", PARTITIONS.search(p.stderr.decode()) is not None, p.stderr.decode())
            check(f"{what}: the late file is the uninterrupted run's", bool(whole) and late.read_bytes() == whole,
                  late.read_text())
            check(f"{what}: the output is expected.csv", out.read_bytes() == (d / "expected.csv").read_bytes())
    return summary("late rows")


if __name__ == "__main__":
    sys.exit(main())
