#!/usr/bin/env python3
"""Measures program-to-first-row time of `vlac run`: from starting the process (which parses,
binds, plans and JIT-compiles the program) to reading the first result row, when the input
rows that complete the first window are already waiting on standard input.
Usage: first_row_latency.py VLAC PROGRAM.vsql   (the §1 program's camera stream)"""
import statistics
import subprocess
import sys
import time

vlac, program = sys.argv[1], sys.argv[2]
rows = "ts,cam_id,frame_id,brightness,objects\n" + "".join(
    f"{1795501800_000_000_000 + i * 100_000_000},1,{i},0.5,1\n" for i in range(12))
samples = []
for _ in range(20):
    start = time.perf_counter()
    p = subprocess.Popen([vlac, "run", program, "--input", "camera=-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    p.stdin.write(rows)
    p.stdin.flush()
    p.stdout.readline()  # header
    p.stdout.readline()  # first result row: window [0 s, 1 s) closed by the row at 1.1 s
    samples.append((time.perf_counter() - start) * 1000)
    p.stdin.close()
    p.wait()
print(f"program-to-first-row: median {statistics.median(samples):.1f} ms, min {min(samples):.1f} ms over {len(samples)} runs")
