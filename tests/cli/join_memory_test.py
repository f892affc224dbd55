#!/usr/bin/env python3
"""Joins run in bounded memory on an endless stream (issue: sensor fusion). 50 million generated
rows -- joint states at 1 kHz and camera frames at 30 Hz for 8 robots -- are streamed from
bench/fusion_gen through standard input and a FIFO (never a file on disk) into an as-of join and
an interval join, and the peak number of buffered rows that `--stats` reports must stay below a
bound derived from the event rates and the watermark bounds.

Usage: join_memory_test.py VLAC FUSION_GEN [TOTAL_ROWS]
"""
import os
import re
import subprocess
import sys
import tempfile

vlac, gen = sys.argv[1], sys.argv[2]
total = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000_000
JOINT_RATE, CAMERA_RATE = 8 * 1000, 8 * 30          # rows per second, all robots
joints = total * JOINT_RATE // (JOINT_RATE + CAMERA_RATE)
camera = total - joints
CAM_BOUND, JOINT_BOUND = 0.050, 0.005               # seconds, the WATERMARK bounds below

STREAMS = """
CREATE STREAM camera (ts TIMESTAMP NOT NULL, robot_id INT32, frame_id INT64, brightness FLOAT32,
                      WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);
CREATE STREAM joints (ts TIMESTAMP NOT NULL, robot_id INT32, q1 FLOAT64, q2 FLOAT64,
                      WATERMARK FOR ts AS ts - INTERVAL '5' MILLISECOND);
"""
# Each join feeds a 10 s window (the join holds its output watermark back, so nothing is lost),
# which keeps the output small.
PROGRAMS = {
    "asof": STREAMS + """
CREATE STREAM fused AS SELECT c.ts, c.robot_id, j.q1 FROM camera c ASOF JOIN joints j
  ON c.robot_id = j.robot_id AND c.ts >= j.ts;
SELECT robot_id, window_start, COUNT(*) AS frames FROM TUMBLE(fused, ts, INTERVAL '10' SECOND) GROUP BY robot_id;
""",
    "interval": STREAMS + """
CREATE STREAM pairs AS SELECT c.ts, c.robot_id, j.q2 FROM camera c JOIN joints j
  ON c.robot_id = j.robot_id AND j.ts BETWEEN c.ts - INTERVAL '10' MILLISECOND AND c.ts + INTERVAL '10' MILLISECOND;
SELECT robot_id, window_start, COUNT(*) AS pairs FROM TUMBLE(pairs, ts, INTERVAL '10' SECOND) GROUP BY robot_id;
""",
}
# Rows a join can need at once: each side's rows within (both watermark bounds + the camera's
# 40 ms disorder and 33 ms frame period + the 20 ms match window) of the newest row. Twice that
# is the bound we allow.
span = CAM_BOUND + JOINT_BOUND + 0.040 + 0.033 + 0.020
BOUND = int(2 * (JOINT_RATE + CAMERA_RATE) * span)

passed = failed = 0
with tempfile.TemporaryDirectory() as d:
    for name, program in PROGRAMS.items():
        prog = os.path.join(d, name + ".vsql")
        with open(prog, "w") as f:
            f.write(program)
        fifo = os.path.join(d, name + ".camera")
        os.mkfifo(fifo)
        joint_gen = subprocess.Popen([gen, "joints", str(joints)], stdout=subprocess.PIPE)
        run = subprocess.Popen([vlac, "run", prog, "--input", "joints=-", "--input", f"camera={fifo}", "--stats"],
                               stdin=joint_gen.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        joint_gen.stdout.close()
        # Opening the FIFO waits for vlac to open it; the generator then runs alongside while we
        # drain vlac's output (waiting for the generator first would deadlock on a full pipe).
        with open(fifo, "wb") as camera_pipe:
            camera_gen = subprocess.Popen([gen, "camera", str(camera)], stdout=camera_pipe)
        out, err = run.communicate(timeout=900)
        camera_gen.wait()
        joint_gen.wait()
        peaks = [int(p) for p in re.findall(r"buffered \(peak (\d+)\)", err)]
        rows_out = out.count("\n") - 1
        ok = run.returncode == 0 and peaks and max(peaks) < BOUND and rows_out > 0
        print(f"{name}: {joints + camera} rows in, peak buffered {max(peaks) if peaks else '?'} (bound {BOUND}), "
              f"{rows_out} window rows out")
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: exit {run.returncode}\n{err}")
print(f"join-memory: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
