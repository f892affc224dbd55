#!/usr/bin/env python3
"""Generates examples/data/camera.csv: two ~30 Hz cameras as a robot's host receives them.

The rows match the `camera` stream of LANGUAGE.md §1 (and examples/cam_stats.vsql):

    ts,cam_id,frame_id,brightness,objects

What makes the data realistic rather than tidy:

* Event time `ts` is the exposure time stamped by each camera: a nominal 30 Hz grid (cam 2
  runs a little slow, at 29.97 Hz, and starts 23 ms after cam 1) plus a few ms of jitter.
* Rows are written in *arrival* order at the host. Each frame reaches the host after a
  transport latency of a few ms. Cam 1 (Ethernet) now and then resends a lost packet, which
  delays that frame and the ones queued behind it, and at 14.0 s one frame takes the largest
  latency allowed; cam 2 sits on a shared USB hub that every second or two stalls for
  25-40 ms and then delivers the held-back frame. So rows are out of event-time order, by at
  most MAX_DISORDER_NS (40 ms), which stays below the program's 50 ms watermark bound: no
  row is late, and none is dropped by vlac.
* Now and then a frame is dropped (never written); `frame_id` still counts it, so a gap in
  `frame_id` shows the drop.
* `brightness` is a mean pixel intensity around 0.4 with slow drift and noise; cam 2's lens is
  covered for about a second (brightness below 0.05, no objects detected).
* `objects` is the detector's object count, 0..6; it is occasionally missing (the detector
  missed its deadline), written as an empty field, which vlac reads as NULL.

Only the standard library is used, and only `random.Random.random()`, whose sequence for an
integer seed is stable across Python 3 versions, so a given --seed always gives the same file.
"""

import argparse
import datetime
import math
import pathlib
import random
import sys

NS_PER_S = 1_000_000_000
NS_PER_MS = 1_000_000
NS_PER_US = 1_000

START = datetime.datetime(2026, 11, 24, 6, 30, 0, tzinfo=datetime.timezone.utc)
START_NS = int(START.timestamp()) * NS_PER_S

# The program's watermark: `WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND`.
WATERMARK_BOUND_NS = 50 * NS_PER_MS
# The most a row may trail, in event time, a row written before it.
MAX_DISORDER_NS = 40 * NS_PER_MS
assert MAX_DISORDER_NS < WATERMARK_BOUND_NS, "disorder must stay below the watermark bound"

# Transport latency from exposure to arrival. Bounding it to
# [MIN_LATENCY_NS, MIN_LATENCY_NS + MAX_DISORDER_NS] bounds the disorder by MAX_DISORDER_NS.
MIN_LATENCY_NS = 3 * NS_PER_MS
MAX_LATENCY_NS = MIN_LATENCY_NS + MAX_DISORDER_NS

JITTER_SIGMA_US = 1500
JITTER_LIMIT_US = 5000        # far below half a frame period: per-camera ts stays increasing
DROP_PROBABILITY = 0.004
NULL_OBJECTS_PROBABILITY = 0.012


class Camera:
    def __init__(self, cam_id, rate_hz, phase_ns, base_brightness, drift_period_s,
                 retransmit_probability, stalls):
        self.cam_id = cam_id
        self.retransmit_probability = retransmit_probability
        self.rate_hz = rate_hz
        self.phase_ns = phase_ns
        self.base_brightness = base_brightness
        self.drift_period_s = drift_period_s
        self.stalls = stalls  # USB hub stalls: (start offset s, length ms)

    def nominal_ns(self, frame_id):
        # Integer arithmetic keeps the grid exact: frame 1 of cam 1 is at .033333333.
        return START_NS + self.phase_ns + (frame_id * NS_PER_S * 100) // round(self.rate_hz * 100)


# Lens of cam 2 covered (a gripper finger in front of it) from 12.40 s to 13.45 s.
COVER_CAM = 2
COVER_START_NS = START_NS + 12_400 * NS_PER_MS
COVER_END_NS = START_NS + 13_450 * NS_PER_MS


# Cam 1's link hiccups at 14.0 s: the next frame arrives with the largest latency allowed. The
# phases put cam 2's frames just after cam 1's there, so this is the worst disorder in the file.
HICCUP_CAM = 1
HICCUP_AT_NS = START_NS + 14_000 * NS_PER_MS


def gauss(rng, sigma):
    """Box-Muller from rng.random() only (stable across Python versions)."""
    u1 = 1.0 - rng.random()  # in (0, 1]
    u2 = rng.random()
    return sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def iso8601(ns):
    """ISO-8601 UTC with the fraction's trailing zeros dropped and no fraction when zero."""
    seconds, frac = divmod(ns, NS_PER_S)
    text = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


def simulate_camera(cam, seconds, rng):
    """Returns (arrival_ns, ts_ns, cam_id, frame_id, brightness, objects) for every kept frame."""
    end_ns = START_NS + seconds * NS_PER_S
    drift_phase = rng.random() * 2.0 * math.pi
    walk = 0.0
    scene_objects = 2 + int(rng.random() * 3)
    last_arrival = None
    hiccuped = False
    rows = []
    frame_id = 0
    while True:
        nominal = cam.nominal_ns(frame_id)
        if nominal >= end_ns:
            break
        # The first frame defines the camera's clock: no jitter.
        jitter_us = 0 if frame_id == 0 else max(-JITTER_LIMIT_US, min(JITTER_LIMIT_US, round(
            gauss(rng, JITTER_SIGMA_US))))
        ts = nominal + jitter_us * NS_PER_US
        t_s = (ts - START_NS) / NS_PER_S

        # Brightness: slow sinusoidal drift (auto-exposure, clouds through a window), a small
        # random walk and per-frame sensor noise.
        walk = max(-0.05, min(0.05, walk + gauss(rng, 0.0015)))
        brightness = (cam.base_brightness
                      + 0.04 * math.sin(2.0 * math.pi * t_s / cam.drift_period_s + drift_phase)
                      + walk + gauss(rng, 0.008))
        covered = cam.cam_id == COVER_CAM and COVER_START_NS <= ts < COVER_END_NS
        if covered:
            brightness = 0.012 + abs(gauss(rng, 0.008))
        brightness = max(0.002, min(1.0, brightness))

        # Objects: the scene changes slowly; the detector flickers by one now and then.
        if rng.random() < 0.02:
            scene_objects = max(0, min(6, scene_objects + (1 if rng.random() < 0.5 else -1)))
        objects = scene_objects
        if rng.random() < 0.05:
            objects = max(0, min(6, objects + (1 if rng.random() < 0.5 else -1)))
        if covered:
            objects = 0
        if rng.random() < NULL_OBJECTS_PROBABILITY:
            objects = None

        # Arrival: latency of a few ms; during a hub stall, frames wait for the stall's end.
        latency = MIN_LATENCY_NS + round(abs(gauss(rng, 2.0)) * NS_PER_MS)
        if rng.random() < cam.retransmit_probability:  # a lost packet, sent again
            latency += round((15.0 + 25.0 * rng.random()) * NS_PER_MS)
        arrival = ts + latency
        for stall_start_s, stall_ms in cam.stalls:
            stall_start = START_NS + round(stall_start_s * NS_PER_S)
            stall_end = stall_start + stall_ms * NS_PER_MS
            if stall_start <= arrival < stall_end:
                arrival = stall_end + round(rng.random() * 0.5 * NS_PER_MS)
        if cam.cam_id == HICCUP_CAM and ts >= HICCUP_AT_NS and not hiccuped:
            arrival, hiccuped = ts + MAX_LATENCY_NS, True
        arrival = min(arrival, ts + MAX_LATENCY_NS)
        # One camera's frames reach the host in order (FIFO transport). Since ts increases
        # per camera, this keeps the latency within its bounds.
        if last_arrival is not None:
            arrival = max(arrival, last_arrival)
        last_arrival = arrival
        assert MIN_LATENCY_NS <= arrival - ts <= MAX_LATENCY_NS

        dropped = frame_id > 0 and rng.random() < DROP_PROBABILITY
        if not dropped:
            rows.append((arrival, ts, cam.cam_id, frame_id, brightness, objects))
        frame_id += 1
    return rows


def max_disorder_ns(rows):
    """The most any row trails, in event time, a row written before it."""
    worst, latest = 0, None
    for row in rows:
        ts = row[1]
        if latest is not None:
            worst = max(worst, latest - ts)
        latest = ts if latest is None else max(latest, ts)
    return worst


def main(argv):
    repo = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--seconds", type=int, default=20, help="length of the recording (default 20)")
    parser.add_argument("--out", type=pathlib.Path, default=repo / "examples" / "data" / "camera.csv",
                        help="output CSV (default examples/data/camera.csv)")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")

    rng = random.Random(args.seed)
    # Hub stalls on cam 2: every second or two, 25-40 ms during which nothing arrives.
    stalls = []
    t = 0.8
    while t < args.seconds:
        stalls.append((t + rng.random(), 25 + int(rng.random() * 16)))
        t += 1.0 + 1.5 * rng.random()
    cameras = [
        Camera(1, 30.0, 0, 0.41, 45.0, retransmit_probability=0.02, stalls=[]),
        Camera(2, 29.97, 23_000_000, 0.38, 60.0, retransmit_probability=0.0, stalls=stalls),
    ]
    rows = []
    for cam in cameras:
        rows.extend(simulate_camera(cam, args.seconds, rng))
    # Arrival order; simultaneous arrivals in (cam_id, frame_id) order.
    rows.sort(key=lambda r: (r[0], r[2], r[3]))

    disorder = max_disorder_ns(rows)
    assert disorder <= MAX_DISORDER_NS, f"disorder {disorder} ns exceeds {MAX_DISORDER_NS} ns"

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        f.write("ts,cam_id,frame_id,brightness,objects\n")
        for _, ts, cam_id, frame_id, brightness, objects in rows:
            obj = "" if objects is None else str(objects)
            f.write(f"{iso8601(ts)},{cam_id},{frame_id},{brightness:.6g},{obj}\n")
    print(f"wrote {len(rows)} rows to {args.out} (max disorder {disorder / NS_PER_MS:.3f} ms)",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
