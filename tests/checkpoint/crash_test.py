#!/usr/bin/env python3
"""Crash test of `vlac run --checkpoint` (LANGUAGE.md §10).

A long run of tests/checkpoint/crash_program.vsql (TUMBLE, HOP, SESSION, an interval join, an
as-of join and OVER, six outputs) over generated robot streams is killed with SIGKILL at 20
moments drawn from a fixed seed, and started again with the same --checkpoint directory each
time; then it runs to its end. Its six output files must equal, byte for byte, those of one
uninterrupted run without --checkpoint. Then the same with kills *while a snapshot is being
written* (the VLAC_CHECKPOINT_KILL_AT test hook of runtime/checkpoint: SIGKILL after N bytes of
the temporary file), and with standard input (the journal) killed mid-stream.

`--threads N` (LANGUAGE.md §11) runs every checkpointed run with `--threads N` and parse chunks
of 64 KiB, so the files are parsed on N threads (and the outputs written on a thread of their
own) when killed and restored; the reference stays one uninterrupted run on one thread.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "crash_program.vsql")
OUTPUTS = ["cam_stats", "torque_hop", "grasps", "frame_grips", "frame_pose", "smoothed"]
INPUTS = ["camera", "joints", "gripper"]


THREADS = []  # --threads N for the checkpointed runs (main sets it)


def run_args(vlac, work, out_dir, backend, checkpoint=None, every="5000rows", stdin_stream=None):
    args = [vlac, "run", PROGRAM, "--backend", backend]
    if checkpoint:
        args += THREADS
    for s in INPUTS:
        args += ["--input", f"{s}=-" if s == stdin_stream else f"{s}={os.path.join(work, s + '.csv')}"]
    for o in OUTPUTS:
        args += ["--output", f"{o}={os.path.join(out_dir, o + '.csv')}"]
    if checkpoint:
        args += ["--checkpoint", checkpoint, "--checkpoint-every", every]
    return args


def outputs_of(out_dir):
    return {o: open(os.path.join(out_dir, o + ".csv"), "rb").read() for o in OUTPUTS}


def compare(label, got_dir, want):
    got = outputs_of(got_dir)
    bad = [o for o in OUTPUTS if got[o] != want[o]]
    for o in bad:
        g, w = got[o].split(b"\n"), want[o].split(b"\n")
        first = next((i for i in range(min(len(g), len(w))) if g[i] != w[i]), min(len(g), len(w)))
        print(f"  {label}: {o}.csv differs: {len(g)} lines vs {len(w)}, first at line {first + 1}")
    return not bad


def finish(vlac, args, env=None, stdin=subprocess.DEVNULL):
    p = subprocess.run(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=600)
    if p.returncode != 0:
        print("  final run failed:", p.returncode, p.stderr.decode()[-2000:])
    return p.returncode == 0


def timed_run(vlac, work, backend):
    """Seconds of one checkpointed run on `backend` (and the C++ backend's library cached), and
    seconds until its first snapshot was committed (start-up and compile included)."""
    timed = tempfile.mkdtemp(dir=work)
    ck = os.path.join(timed, "ck")
    t = time.time()
    p = subprocess.Popen(run_args(vlac, work, timed, backend, ck), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = None
    while p.poll() is None:
        if first is None and newest_snapshot(ck) > 0:
            first = time.time() - t
        time.sleep(0.002)
    if p.returncode != 0:
        raise SystemExit(f"the timed run failed: exit {p.returncode}")
    total = time.time() - t
    return total, first if first is not None else total


def kill_test(vlac, work, want, backend, kills, rng):
    """SIGKILL at `kills` random moments spread over what a checkpointed run takes, each run
    restarted from the checkpoints."""
    baseline_s, first_s = timed_run(vlac, work, backend)
    out = tempfile.mkdtemp(dir=work)
    ck = os.path.join(out, "ck")
    args = run_args(vlac, work, out, backend, ck)
    done = 0
    reached = []  # the newest snapshot at each kill: the runs made progress between kills
    for k in range(kills):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # After the moment a run commits its first snapshot, so that every killed run may leave
        # progress for the next one (start-up and compile take most of a short run).
        time.sleep(first_s + rng.uniform(0.0, max(0.02, (baseline_s - first_s) / 10)))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            done += 1
            reached.append(newest_snapshot(ck))
        p.wait()
    ok = finish(vlac, args) and compare(f"{backend}: {done} kills", out, want)
    print(f"  {backend}: SIGKILL {done} times mid-run (of {kills} tries; newest snapshot at each kill: "
          f"{' '.join(map(str, reached))}), then to the end: {'same outputs' if ok else 'DIFFERENT'}")
    return ok


def kill_while_writing_test(vlac, work, want, backend, rng):
    """SIGKILL inside a snapshot commit (after N bytes of its temporary file), each after a run
    killed at a random moment (so there are snapshots to fall back on); then a damaged newest
    snapshot (one byte flipped); then to the end."""
    baseline_s, first_s = timed_run(vlac, work, backend)
    out = tempfile.mkdtemp(dir=work)
    ck = os.path.join(out, "ck")
    args = run_args(vlac, work, out, backend, ck, every="20000rows")
    ok = True
    for n in [0, 1, 7, 64, 1000, 100000]:
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(first_s + rng.uniform(0.0, max(0.05, (baseline_s - first_s) / 8)))
        p.send_signal(signal.SIGKILL)
        p.wait()
        env = dict(os.environ, VLAC_CHECKPOINT_KILL_AT=str(n))
        p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=600)
        if p.returncode not in (-signal.SIGKILL, 0):
            print(f"  kill at byte {n}: exit {p.returncode}: {p.stderr.decode()[-500:]}")
            ok = False
    snapshots = sorted(f for f in os.listdir(ck) if f.endswith(".vcp"))
    if len(snapshots) >= 2:
        newest = os.path.join(ck, snapshots[-1])
        data = bytearray(open(newest, "rb").read())
        data[len(data) // 2] ^= 0x20
        open(newest, "wb").write(bytes(data))
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    if p.returncode != 0 or (len(snapshots) >= 2 and b"damaged" not in p.stderr):
        print("  after a damaged snapshot:", p.returncode, p.stderr.decode()[-1000:])
        ok = False
    ok = compare(f"{backend}: killed while writing", out, want) and ok
    print(f"  {backend}: SIGKILL while writing a snapshot (6 byte counts) and a damaged newest snapshot, then to "
          f"the end: {'same outputs' if ok else 'DIFFERENT'}")
    return ok


def stdin_test(vlac, work, want, backend, rng):
    """Standard input (joints) through a pipe, killed with SIGKILL after a random part was
    read; the restart is given the rest of the bytes (from where the killed run's journal
    ends) and must end with the same outputs."""
    data = open(os.path.join(work, "joints.csv"), "rb").read()
    out = tempfile.mkdtemp(dir=work)
    ck = os.path.join(out, "ck")
    args = run_args(vlac, work, out, backend, ck, every="3000rows", stdin_stream="joints")
    sent = 0
    ok = True
    for attempt in range(3):
        cut = rng.randint(sent, len(data))
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        p.stdin.write(data[sent:cut])
        p.stdin.flush()
        # Wait until the run has read (journalled) all it was given, then kill it.
        journal = journal_end(ck)
        deadline = time.time() + 60
        while journal_end(ck) < cut and time.time() < deadline and p.poll() is None:
            time.sleep(0.01)
        p.send_signal(signal.SIGKILL)
        p.wait()
        sent = journal_end(ck)
        if sent != cut:
            print(f"  stdin: the journal ends at {sent}, not at {cut} bytes sent")
            ok = False
            sent = cut
    p = subprocess.run(args, input=data[sent:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    if p.returncode != 0:
        print("  stdin final run failed:", p.stderr.decode()[-1000:])
        ok = False
    ok = ok and compare(f"{backend}: stdin", out, want)
    print(f"  {backend}: standard input killed 3 times and fed the rest: {'same outputs' if ok else 'DIFFERENT'}")
    return ok


def newest_snapshot(ck):
    ids = [int(f.split("-")[1].split(".")[0]) for f in os.listdir(ck) if f.endswith(".vcp")] if os.path.isdir(ck) else []
    return max(ids, default=0)


def journal_end(ck):
    """The absolute stdin offset where DIR/stdin.journal ends (docs/checkpoints.md)."""
    path = os.path.join(ck, "stdin.journal")
    if not os.path.exists(path):
        return 0
    import struct
    with open(path, "rb") as f:
        head = f.read(24)  # "VLACJRNL", version u32, zero u32, base u64
        if len(head) < 24:
            return 0
        base = struct.unpack("<Q", head[16:24])[0]
        return base + os.path.getsize(path) - 24


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vlac")
    ap.add_argument("--seconds", type=float, default=300, help="event time covered by the inputs")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--backend", action="append", help="jit (default) and/or cpp")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--threads", type=int, help="run the checkpointed runs with --threads N")
    a = ap.parse_args()
    if a.threads:
        THREADS.extend(["--threads", str(a.threads)])
        os.environ["VLAC_TEST_PARSE_CHUNK_BYTES"] = "65536"
    vlac = os.path.abspath(a.vlac)
    work = tempfile.mkdtemp(prefix="vlac_crash_")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_robot_streams.py"), work, "--seconds", str(a.seconds),
                        "--seed", str(a.seed)], check=True)
        ref = os.path.join(work, "reference")
        os.mkdir(ref)
        t = time.time()
        subprocess.run(run_args(vlac, work, ref, "jit"), check=True, stderr=subprocess.DEVNULL)
        reference_s = time.time() - t
        want = outputs_of(ref)
        lines = sum(v.count(b"\n") for v in want.values())
        print(f"crash test: uninterrupted run {reference_s:.2f} s, {lines} output lines")
        rng = random.Random(a.seed)
        ok = True
        for backend in a.backend or ["jit", "cpp"]:
            ok &= kill_test(vlac, work, want, backend, a.kills, rng)
            ok &= kill_while_writing_test(vlac, work, want, backend, rng)
            ok &= stdin_test(vlac, work, want, backend, rng)
        print("crash test:", "passed" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
