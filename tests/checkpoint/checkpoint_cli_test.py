#!/usr/bin/env python3
"""Black-box checks of `vlac run --checkpoint` and `vlac checkpoints` (LANGUAGE.md §10).

The program and input are the e2e case spec_cam_stats (§1's program over 477 camera rows); its
expected.csv is the independent expectation every resumed run must end with.
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "cli"))
from checks import check, summary  # noqa: E402

CASE = pathlib.Path(__file__).resolve().parent.parent / "e2e" / "cases" / "spec_cam_stats"
EXPECTED = (CASE / "expected.csv").read_bytes()


def vlac_run(vlac, *args, env_add=None, input=None, cwd=None):
    env = dict(os.environ)
    env.pop("VLAC_TEST_STOP_AFTER_ROWS", None)
    env.update(env_add or {})
    return subprocess.run([vlac, *args], input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          cwd=cwd, timeout=120)


def main():
    vlac = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="vlac_ckpt_cli_")
    try:
        prog = str(CASE / "program.vsql")
        cam = os.path.join(tmp, "camera.csv")
        shutil.copy(CASE / "camera.csv", cam)
        out = os.path.join(tmp, "out.csv")
        ck = os.path.join(tmp, "ck")
        base = ["run", prog, "--input", f"camera={cam}", "--output", f"cam_stats={out}", "--checkpoint", ck]

        # ---- usage errors (exit 2) ----
        for args, what in [
            (["run", prog, "--input", f"camera={cam}", "--checkpoint-every", "5s"], "needs --checkpoint"),
            (["run", prog, "--input", f"camera={cam}", "--checkpoint", ck], "standard output"),
            (base + ["--format", "table"], "table"),
            (base + ["--checkpoint-every", "5 parsecs"], "duration"),
            (base + ["--checkpoint-every", "0rows"], "duration"),
            (base + ["--keep-checkpoints", "0"], "at least 1"),
            (["run", prog, "--input", f"camera={cam}", "--output", f"cam_stats={out}", "--restore-from", "3"], "needs --checkpoint"),
        ]:
            p = vlac_run(vlac, *args)
            check(f"usage: {' '.join(args[3:])}", p.returncode == 2 and what in p.stderr.decode(), p.stderr)
        check("usage errors create no checkpoint directory", not os.path.exists(ck))

        # ---- stop after 100 rows (as SIGTERM would), go on: the expected rows ----
        p = vlac_run(vlac, *base, env_add={"VLAC_TEST_STOP_AFTER_ROWS": "100"})
        check("stopped after a checkpoint: exit 0", p.returncode == 0, p.stderr)
        partial = open(out, "rb").read()
        check("open windows were not fired", len(partial) < len(EXPECTED) and EXPECTED.startswith(partial), partial)
        p = vlac_run(vlac, *base)
        check("continued: exit 0", p.returncode == 0, p.stderr)
        check("continued: says where from", b"continuing from checkpoint 1" in p.stderr, p.stderr)
        check("continued: the uninterrupted rows", open(out, "rb").read() == EXPECTED, open(out, "rb").read())

        # ---- a finished run started again writes the same bytes again ----
        p = vlac_run(vlac, *base)
        check("finished run again: exit 0, same output", p.returncode == 0 and open(out, "rb").read() == EXPECTED, p.stderr)

        # ---- vlac checkpoints DIR ----
        p = vlac_run(vlac, "checkpoints", ck)
        listing = p.stdout.decode()
        # The stop took snapshot 1 after 100 rows; the run to the end took none (no checkpoint
        # at the end of the input, and its 377 rows took less than the default 10 s).
        check("checkpoints lists snapshot 1 after 100 rows", p.returncode == 0 and listing.count("camera.csv=100") == 1,
              listing + p.stderr.decode())
        p = vlac_run(vlac, "checkpoints", os.path.join(tmp, "nowhere"))
        check("checkpoints of a missing directory: exit 1", p.returncode == 1, p.stderr)

        # ---- another program, other inputs, a changed input: refused with exit 1 ----
        other = os.path.join(tmp, "other.vsql")
        open(other, "w").write(open(prog).read().replace("COUNT(*)", "COUNT(*) + 1", 1))
        p = vlac_run(vlac, "run", other, *base[2:])
        check("another program is refused", p.returncode == 1 and b"another program" in p.stderr, p.stderr)
        cam2 = os.path.join(tmp, "camera2.csv")
        shutil.copy(cam, cam2)
        p = vlac_run(vlac, "run", prog, "--input", f"camera={cam2}", *base[4:])
        check("other inputs are refused", p.returncode == 1 and b"other inputs" in p.stderr, p.stderr)
        data = bytearray(open(cam, "rb").read())
        data[200] = ord("9") if data[200] != ord("9") else ord("8")
        open(cam, "wb").write(bytes(data))
        p = vlac_run(vlac, *base)
        check("a changed input is refused", p.returncode == 1 and b"changed" in p.stderr, p.stderr)
        check("a refused run leaves the output alone", open(out, "rb").read() == EXPECTED)
        shutil.copy(CASE / "camera.csv", cam)

        # ---- --restore-from an older snapshot ----
        shutil.rmtree(ck)
        p = vlac_run(vlac, *base, "--checkpoint-every", "60rows", "--keep-checkpoints", "5")
        check("every 60 rows: exit 0", p.returncode == 0 and open(out, "rb").read() == EXPECTED, p.stderr)
        ids = sorted(int(f.split("-")[1].split(".")[0]) for f in os.listdir(ck) if f.endswith(".vcp"))
        check("five kept", len(ids) == 5, ids)
        p = vlac_run(vlac, *base, "--restore-from", str(ids[0]))
        check("--restore-from the oldest: exit 0, the same rows again", p.returncode == 0 and open(out, "rb").read() == EXPECTED,
              p.stderr)
        p = vlac_run(vlac, *base, "--restore-from", "999")
        check("--restore-from an unknown id: exit 1", p.returncode == 1, p.stderr)

        # ---- a damaged newest snapshot: reported, the one before is used ----
        ids = sorted(f for f in os.listdir(ck) if f.endswith(".vcp"))
        newest = os.path.join(ck, ids[-1])
        raw = bytearray(open(newest, "rb").read())
        raw[-3] ^= 0xFF
        open(newest, "wb").write(bytes(raw))
        p = vlac_run(vlac, *base)
        check("a damaged snapshot is reported and passed over", p.returncode == 0 and b"damaged" in p.stderr, p.stderr)
        check("... with the same rows", open(out, "rb").read() == EXPECTED)

        # ---- SIGTERM on live standard input: a final snapshot, exit 0; the rest later ----
        shutil.rmtree(ck)
        live = ["run", prog, "--input", "camera=-", "--output", f"cam_stats={out}", "--checkpoint", ck]
        data = (CASE / "camera.csv").read_bytes()
        cut = data.index(b"\n", len(data) // 2) + 1
        proc = subprocess.Popen([vlac, *live], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdin.write(data[:cut])
        proc.stdin.flush()
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        check("SIGTERM with --checkpoint: exit 0", proc.returncode == 0, err)
        check("SIGTERM: says the checkpoint is saved", b"saved" in err, err)
        partial = open(out, "rb").read()
        check("SIGTERM: open windows not fired", EXPECTED.startswith(partial) and len(partial) < len(EXPECTED), partial)
        p = vlac_run(vlac, *live, input=data[cut:])
        check("stdin continued: the uninterrupted rows", p.returncode == 0 and open(out, "rb").read() == EXPECTED,
              p.stderr + open(out, "rb").read())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary("checkpoint cli")


if __name__ == "__main__":
    sys.exit(main())
