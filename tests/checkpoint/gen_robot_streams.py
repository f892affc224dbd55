#!/usr/bin/env python3
"""Writes the crash test's inputs (camera.csv, joints.csv, gripper.csv) from a fixed seed.

Three robots: two cameras each at 30 Hz, joint states at 500 Hz, gripper contacts in bursts.
Rows arrive up to 30 ms out of order (the streams' watermarks allow 40 ms), with now and then
a row 100 ms behind (late: dropped and counted). Labels and robot names are strings, some
quoted with commas, some empty (NULL) or "" (the empty string).
"""
import argparse
import os
import random

ROBOTS = ["arm-a", "arm-b", "arm \"c\", left"]
LABELS = ["cup", "bowl", "", None, "spoon,big", "knife"]


def csv_field(v):
    if v is None:
        return ""
    s = str(v)
    if s == "" or any(c in s for c in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def jitter(rng, rows):
    """Arrival order: each row's arrival = its time + 0..30 ms, rarely + 100 ms (late)."""
    keyed = []
    for i, r in enumerate(rows):
        delay = rng.randint(0, 30_000_000) if rng.random() > 0.002 else 100_000_000
        keyed.append((r[0] + delay, i, r))
    keyed.sort()
    return [r for _, _, r in keyed]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(csv_field(v) for v in r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out_dir")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=15)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    t0 = 1_764_000_000_000_000_000
    end = t0 + int(a.seconds * 1e9)
    camera, joints, gripper = [], [], []
    frame = 0
    for cam in range(6):
        t = t0 + cam * 5_000_000
        while t < end:
            frame += 1
            camera.append((t, ROBOTS[cam % 3], cam, frame, round(rng.uniform(0, 1), 4), rng.choice(LABELS)))
            t += 33_333_333
    for ri, robot in enumerate(ROBOTS):
        t = t0 + ri * 700_000
        q = 0.0
        while t < end:
            q += rng.uniform(-0.01, 0.01)
            joints.append((t, robot, round(q, 6), round(rng.uniform(-5, 5), 3)))
            t += 2_000_000
        t = t0
        while t < end:
            t += rng.randint(200_000_000, 1_500_000_000)  # a grasp starts
            for _ in range(rng.randint(1, 12)):
                gripper.append((t, robot, round(rng.uniform(0, 40), 2)))
                t += rng.randint(5_000_000, 250_000_000)
    os.makedirs(a.out_dir, exist_ok=True)
    write(os.path.join(a.out_dir, "camera.csv"), ["ts", "robot", "cam_id", "frame_id", "brightness", "label"], jitter(rng, sorted(camera)))
    write(os.path.join(a.out_dir, "joints.csv"), ["ts", "robot", "q1", "torque"], jitter(rng, sorted(joints)))
    write(os.path.join(a.out_dir, "gripper.csv"), ["ts", "robot", "force_n"], jitter(rng, sorted(gripper)))


if __name__ == "__main__":
    main()
