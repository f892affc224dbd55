#!/usr/bin/env python3
"""What checkpoints cost (LANGUAGE.md §10): the §1 workload (bench/suite/workloads/cam_tumble,
robot_gen's camera.csv) run by `vlac run` without --checkpoint and with --checkpoint-every 1s,
250ms and 100000rows, side by side in one run (a run shorter than the interval takes no
checkpoint: there is none at the end of the input): wall seconds (median of --runs), the overhead against
no checkpoints, snapshots written, their mean commit time (flush + fsync of the outputs, the
snapshot file's write, fsync, rename and fsync of the directory) and state size, as
`vlac run --stats` reports them. Figures, not assertions.

    python3 bench/checkpoint_bench.py [--build build] [--rows 10000000] [--runs 3]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAM = os.path.join(ROOT, "bench", "suite", "workloads", "cam_tumble", "program.vsql")
STATS = re.compile(r"checkpoints: (\d+) written \(last \d+\), ([\d.]+) ms of the run each, ([\d.]+) ms to commit, "
                   r"(\d+) bytes of state")


def one_run(vlac, data, out_dir, every):
    out = os.path.join(out_dir, "out.csv")
    args = [vlac, "run", PROGRAM, "--input", f"camera={os.path.join(data, 'camera.csv')}", "--output", f"cam_stats={out}",
            "--stats"]
    ck = os.path.join(out_dir, "ck")
    shutil.rmtree(ck, ignore_errors=True)
    if every:
        args += ["--checkpoint", ck, "--checkpoint-every", every]
    t = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    wall = time.perf_counter() - t
    m = STATS.search(p.stderr.decode())
    snap_bytes = max((os.path.getsize(os.path.join(ck, f)) for f in os.listdir(ck) if f.endswith(".vcp")), default=0) if every else 0
    info = (int(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(4))) if m else (0, 0.0, 0.0, 0)
    return wall, info, snap_bytes, open(out, "rb").read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    vlac = os.path.join(a.build, "vlac")
    work = tempfile.mkdtemp(prefix="vlac_ckpt_bench_")
    try:
        data = os.path.join(work, "data")
        os.mkdir(data)
        subprocess.run([os.path.join(a.build, "bench", "robot_gen"), data, "--rows", str(a.rows)], check=True,
                       stdout=subprocess.DEVNULL)
        size = os.path.getsize(os.path.join(data, "camera.csv"))
        print(f"checkpoint overhead, §1 workload: {a.rows} rows ({size / 1e6:.0f} MB), median of {a.runs} runs, "
              f"{os.cpu_count()} cores")
        print(f"{'checkpoints':<16}{'wall s':>9}{'overhead':>10}{'snapshots':>11}{'run ms':>8}{'commit ms':>11}"
              f"{'state B':>9}{'file B':>9}")
        configs = [None, "1s", "250ms", "100000rows"]
        walls = {c: [] for c in configs}
        info, snap = {}, {}
        reference = None
        for _ in range(a.runs):  # the configurations take turns, so that drift hits them alike
            for every in configs:
                wall, info[every], snap[every], out = one_run(vlac, data, work, every)
                walls[every].append(wall)
                if reference is None:
                    reference = out
                elif out != reference:
                    print(f"  outputs differ with --checkpoint-every {every}!")
                    return 1
        base = statistics.median(walls[None])
        for every in configs:
            w = statistics.median(walls[every])
            i = info[every]
            label = every or "none"
            print(f"{label:<16}{w:>9.3f}{100 * (w / base - 1):>9.1f}%{i[0]:>11}{i[1]:>8.2f}{i[2]:>11.2f}"
                  f"{i[3]:>9}{snap[every]:>9}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
