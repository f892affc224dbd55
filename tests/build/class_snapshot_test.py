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

Then each program of tests/build/snapshot_programs (NAME.vsql, its input NAME.csv read as stream
`t`, several outputs: e.g. merged windows, whose aggregates share one slice store) runs the same
way; each output must equal, byte for byte, what `vlac run` (the JIT) writes for it.
"""

import re

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
                 "wjoin_string_keys", "join_no_key", "over_wrist_smoothing", "over_range_peers", "over_lag_joints"]


def class_name(header):
    for line in header.read_text().splitlines():
        if line.startswith("class ") and line.endswith(" {"):
            return line.split()[1]
    return None


def compile_driver(vlac, cxx, flags, runtime_lib, program, out):
    """Builds `program` for the host and the driver against it; (driver, problem)."""
    b = subprocess.run([vlac, "build", str(program), "-o", str(out)], capture_output=True, text=True)
    if b.returncode != 0:
        return None, "vlac build\n" + b.stderr
    header = out / (program.stem + ".h")
    exe = out / "driver"
    cmd = [cxx, "-std=c++17", "-O1", "-ffp-contract=off", "-Wall", "-Werror", "-Wno-unused-function", *flags,
           "-I", str(out), "-I", str(ROOT), "-include", str(header), "-DVLAC_PROGRAM=" + class_name(header),
           str(ROOT / "tests" / "build" / "class_snapshot_driver.cpp"), runtime_lib, "-lsimdjson", "-o", str(exe)]
    c = subprocess.run(cmd, capture_output=True, text=True)
    if c.returncode != 0:
        return None, "compiling the driver\n$ %s\n%s" % (shlex.join(cmd), c.stderr[:4000])
    return exe, None


def run_program(vlac, exe, prog, out):
    """Each output of tests/build/snapshot_programs/<prog> restored every 1 and 7 rows against the JIT's."""
    outputs = re.findall(r"^CREATE STREAM (\w+)(?: WITH \([^)]*\))? AS", prog.read_text(), re.M)
    results = {}
    for who, argv in (("jit", [vlac, "run", str(prog), "--backend", "jit"]), ("every1", [str(exe), "--restore-every", "1"]),
                      ("every7", [str(exe), "--restore-every", "7"])):
        args = ["--input", "t=" + str(prog.with_suffix(".csv"))]
        for o in outputs:
            args += ["--output", "%s=%s" % (o, out / ("%s.%s.csv" % (o, who)))]
        r = subprocess.run(argv + args, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            return "%s exited %d: %s" % (who, r.returncode, r.stderr[:2000])
        results[who] = {o: (out / ("%s.%s.csv" % (o, who))).read_bytes() for o in outputs}
    differ = ["%s (%s)" % (o, who) for who in ("every1", "every7") for o in outputs if results[who][o] != results["jit"][o]]
    return "outputs differ from vlac run's: " + ", ".join(differ) if differ else None


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
        for name in [n for n in only if (CASES / n).is_dir()] if only else DEFAULT_CASES:
            case = CASES / name
            exe, problem = compile_driver(vlac, cxx, flags, runtime_lib, case / "program.vsql", tmp / name)
            if problem:
                print("FAIL %s: %s" % (name, problem))
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
        for prog in sorted((ROOT / "tests" / "build" / "snapshot_programs").glob("*.vsql")):
            if only and prog.stem not in only:
                continue
            out = tmp / prog.stem
            exe, problem = compile_driver(vlac, cxx, flags, runtime_lib, prog, out)
            problem = problem or run_program(vlac, exe, prog, out)
            print("%s %s%s" % ("FAIL" if problem else "PASS", prog.name, ": " + problem if problem else
                               ": every output restored every 1 and every 7 rows equals vlac run's"))
            passed, failed = passed + (not problem), failed + bool(problem)
    print("class snapshots: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
