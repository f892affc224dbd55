#!/usr/bin/env python3
"""Live standard input (LANGUAGE.md §7): rows are processed as they arrive, results are written
and flushed as soon as they exist, and the rows are the same as from a file (batch = stream).
A TUMBLE aggregate on one thread, and an OVER at `--threads 2` kept in its partitions (its
results come out in rounds, which the run ends whenever it is about to wait for input: LANGUAGE.md
§11, docs/decisions.md "Issue 16: live input and operators in rounds"), also when a quoted
line break of the next record has arrived without the rest of it.

Usage: live_stdin_test.py PATH/TO/vlac
"""
import os
import select
import subprocess
import sys
import tempfile
import time

TUMBLE = """
CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, brightness FLOAT32,
                      WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
SELECT cam_id, window_start, COUNT(*) AS frames, MAX(brightness) AS peak
FROM TUMBLE(camera, ts, INTERVAL '1' SECOND)
GROUP BY cam_id, window_start, window_end;
"""

OVER = """
CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, brightness FLOAT32,
                      WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
SELECT ts, cam_id, COUNT(*) OVER (PARTITION BY cam_id ORDER BY ts) AS n,
       LAG(brightness) OVER (PARTITION BY cam_id ORDER BY ts) AS before
FROM camera;
"""

# Two seconds of frames from two cameras, 100 ms apart, slightly out of order.
ROWS = []
for i in range(20):
    for cam in (1, 2):
        ms = i * 100 + (7 if cam == 2 else 0)
        ROWS.append((ms, cam, 0.25 + 0.01 * i))
ROWS[5], ROWS[6] = ROWS[6], ROWS[5]


QUOTED = """
CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, note STRING,
                      WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
SELECT ts, cam_id, note, COUNT(*) OVER (PARTITION BY cam_id ORDER BY ts) AS n FROM camera;
"""


def noted(ms, cam, b, note):
    return f"2026-11-24T06:00:{ms // 1000:02d}.{ms % 1000:03d}Z,{cam},\"{note}\"\n"


def line(ms, cam, b):
    return f"2026-11-24T06:00:{ms // 1000:02d}.{ms % 1000:03d}Z,{cam},{b:.2f}\n"


def read_lines(live, out, lines, wait):
    """`out` and what the live run writes until `out` has `lines` lines, its output ends, or
    `wait` seconds pass."""
    deadline = time.time() + wait
    while time.time() < deadline and out.count("\n") < lines:
        r, _, _ = select.select([live.stdout], [], [], 0.05)
        if r:
            chunk = os.read(live.stdout.fileno(), 65536).decode()
            if not chunk:
                break
            out += chunk
    return out


def main():
    vlac = sys.argv[1]
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name} {detail}")

    def run_live(name, program, extra, env, early_lines):
        """Writes ROWS to a live run one by one; after the row at 1.1 s (watermark 1.05 s) the
        output must have `early_lines` lines (header included) before the rest is written."""
        with tempfile.TemporaryDirectory() as d:
            prog = os.path.join(d, "p.vsql")
            with open(prog, "w") as f:
                f.write(program)
            data = "ts,cam_id,brightness\n" + "".join(line(*r) for r in ROWS)
            path = os.path.join(d, "camera.csv")
            with open(path, "w") as f:
                f.write(data)
            from_file = subprocess.run([vlac, "run", prog, "--input", f"camera={path}"], capture_output=True, text=True, timeout=60)
            check(f"{name}: file run exits 0", from_file.returncode == 0, from_file.stderr)

            live = subprocess.Popen([vlac, "run", prog, "--input", "camera=-", "--stats"] + extra, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
                                    env=dict(os.environ, **env))
            out = ""

            live.stdin.write("ts,cam_id,brightness\n")
            seen_early = checked = False
            for r in ROWS:
                live.stdin.write(line(*r))
                live.stdin.flush()
                time.sleep(0.01)
                if r[0] >= 1100 and not checked:  # right after that row, before the next
                    out = read_lines(live, out, early_lines, 5.0)
                    seen_early = out.count("\n") >= early_lines
                    checked = True
            check(f"{name}: results flushed while input is still open", seen_early, repr(out))
            live.stdin.close()
            rest = live.stdout.read()
            err = live.stderr.read()
            live.wait(timeout=60)
            out += rest
            check(f"{name}: live run exits 0", live.returncode == 0, err)
            check(f"{name}: live rows equal file rows", out == from_file.stdout, f"\nlive:\n{out}\nfile:\n{from_file.stdout}")
            return err

    # The first window of both cameras ([0 s, 1 s)): header + two rows.
    run_live("TUMBLE", TUMBLE, [], {}, 3)
    # OVER: the rows before 1.05 s of both cameras (0-1.0 s: 11 of camera 1, 10 of camera 2, whose
    # row at 0.207 s came after 0.3 s and is late), header + 21 rows; in two
    # partitions to the end, in rounds of 4,096 rows (the default), so only the run's settling
    # before it waits for input brings them out.
    err = run_live("OVER --threads 2", OVER, ["--threads", "2"], {"VLAC_TEST_NEVER_GATHER": "1"}, 22)
    check("OVER --threads 2: ran in two partitions", "operator #0 partitions: 2 " in err, err)
    # A quoted line break arriving in two pieces: the row at 1.1 s and the first line of the next
    # record (`"two` and its line break) are written together; the run, about to wait for the
    # rest of that record, must first write the 21 rows the row at 1.1 s released.
    with tempfile.TemporaryDirectory() as d:
        prog = os.path.join(d, "p.vsql")
        with open(prog, "w") as f:
            f.write(QUOTED)
        k = next(i for i, r in enumerate(ROWS) if r[0] >= 1100)
        lines = [noted(*r, "two\nlines" if i == k + 1 else "ok") for i, r in enumerate(ROWS)]
        path = os.path.join(d, "camera.csv")
        with open(path, "w") as f:
            f.write("ts,cam_id,note\n" + "".join(lines))
        from_file = subprocess.run([vlac, "run", prog, "--input", f"camera={path}"], capture_output=True, text=True, timeout=60)
        check("quoted: file run exits 0", from_file.returncode == 0, from_file.stderr)
        live = subprocess.Popen([vlac, "run", prog, "--input", "camera=-", "--threads", "2", "--stats"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
                                env=dict(os.environ, VLAC_TEST_NEVER_GATHER="1"))
        live.stdin.write("ts,cam_id,note\n")
        for text in lines[:k]:
            live.stdin.write(text)
            live.stdin.flush()
            time.sleep(0.01)
        first_piece = lines[k + 1].index("\n") + 1
        live.stdin.write(lines[k] + lines[k + 1][:first_piece])
        live.stdin.flush()
        out = read_lines(live, "", 22, 5.0)
        check("quoted: released rows out before the rest of a split quoted record", out.count("\n") >= 22, repr(out))
        live.stdin.write(lines[k + 1][first_piece:] + "".join(lines[k + 2:]))
        live.stdin.close()
        out += live.stdout.read()
        err = live.stderr.read()
        live.wait(timeout=60)
        check("quoted: live run exits 0", live.returncode == 0, err)
        check("quoted: live rows equal file rows", out == from_file.stdout, f"\nlive:\n{out}\nfile:\n{from_file.stdout}")
        check("quoted: ran in two partitions", "operator #0 partitions: 2 " in err, err)
    print(f"live-stdin: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
