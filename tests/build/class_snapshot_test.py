#!/usr/bin/env python3
"""snapshot()/restore() of the class `vlac build --target host` writes (LANGUAGE.md §10):

    python3 tests/build/class_snapshot_test.py VLAC RUNTIME_LIB [CXXFLAGS] [--case NAME ...]

For golden cases of tests/e2e/cases (windows, SESSION, the joins, OVER, strings): builds the
class, compiles tests/build/class_snapshot_driver.cpp against it and runs the case's inputs with
a snapshot, a new object and a restore after every row (and, separately, every 7 rows); stdout
must equal the case's expected.csv (SQLite and a separate streaming model) byte for byte. The
driver itself checks that each restored object's snapshot equals the bytes it came from, that a
snapshot with a flipped byte or truncated is refused with the state unchanged, and here a
snapshot of another program (another case's) is refused too.
"""

import os
import pathlib
import shlex
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "e2e" / "cases"
# Windows (TUMBLE, HOP, CUMULATE, chained, GROUP BY at the end), SESSION, the three joins
# (outer, strings), OVER (ROWS, RANGE, LAG).
DEFAULT_CASES = ["spec_cam_stats", "hop_wheel_speed", "cumulate_picks", "chained_rollup", "group_by_no_window",
                 "session_grasps", "join_left_residual", "asof_frame_pose_left", "wjoin_string_aggregates",
                 "over_wrist_smoothing", "over_range_peers"]


def class_name(header):
    for line in header.read_text().splitlines():
        if line.startswith("class ") and line.endswith(" {"):
            return line.split()[1]
    return None


def main():
    argv, only = [], []
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--case":
            only.append(next(it))
        else:
            argv.append(a)
    vlac, runtime_lib = argv[0], argv[1]
    flags = shlex.split(argv[2]) if len(argv) > 2 else []
    cxx = os.environ.get("CXX", "c++")
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        drivers = {}
        for name in only or DEFAULT_CASES:
            case = CASES / name
            out = tmp / name
            b = subprocess.run([vlac, "build", str(case / "program.vsql"), "-o", str(out)], capture_output=True, text=True)
            if b.returncode != 0:
                print("FAIL %s: vlac build\n%s" % (name, b.stderr))
                failed += 1
                continue
            exe = out / "driver"
            cmd = [cxx, "-std=c++17", "-O1", "-ffp-contract=off", "-Wall", "-Werror", "-Wno-unused-function", *flags,
                   "-I", str(out), "-I", str(ROOT), "-include", str(out / "program.h"),
                   "-DVLAC_PROGRAM=" + class_name(out / "program.h"), str(ROOT / "tests" / "build" / "class_snapshot_driver.cpp"),
                   runtime_lib, "-lsimdjson", "-o", str(exe)]
            c = subprocess.run(cmd, capture_output=True, text=True)
            if c.returncode != 0:
                print("FAIL %s: compiling the driver\n$ %s\n%s" % (name, shlex.join(cmd), c.stderr[:4000]))
                failed += 1
                continue
            drivers[name] = exe
            args = shlex.split((case / "args").read_text())
            expected = (case / "expected.csv").read_bytes()
            for every in ("1", "7"):
                r = subprocess.run([str(exe)] + args + ["--restore-every", every], cwd=case, capture_output=True, timeout=600)
                ok = r.returncode == 0 and r.stdout == expected
                print("%s %s: restored every %s row(s): %s" % ("PASS" if ok else "FAIL", name, every,
                                                               r.stderr.decode(errors="replace").strip()))
                if not ok and r.returncode == 0:
                    print("  stdout differs from expected.csv")
                passed, failed = passed + ok, failed + (not ok)

        # A snapshot of another program: session_grasps's, restored into spec_cam_stats's class.
        if "session_grasps" in drivers and "spec_cam_stats" in drivers:
            foreign = tmp / "session.snap"
            r = subprocess.run([str(drivers["session_grasps"])] + shlex.split((CASES / "session_grasps" / "args").read_text()) +
                               ["--save-at", "30", str(foreign)], cwd=CASES / "session_grasps", capture_output=True)
            r2 = subprocess.run([str(drivers["spec_cam_stats"])] + shlex.split((CASES / "spec_cam_stats" / "args").read_text()) +
                                ["--refuse-at", "100", str(foreign)], cwd=CASES / "spec_cam_stats", capture_output=True)
            ok = (r.returncode == 0 and foreign.stat().st_size > 36 and r2.returncode == 0 and
                  r2.stdout == (CASES / "spec_cam_stats" / "expected.csv").read_bytes())
            print("%s another program's snapshot is refused, the state unchanged%s" % (
                "PASS" if ok else "FAIL", "" if ok else ":\n" + (r.stderr + r2.stderr).decode(errors="replace")))
            passed, failed = passed + ok, failed + (not ok)
    print("class snapshots: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
