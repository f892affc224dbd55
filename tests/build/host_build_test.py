#!/usr/bin/env python3
"""`vlac build --target host` against the golden end-to-end cases.

    python3 tests/build/host_build_test.py VLAC RUNTIME_LIB [CXXFLAGS] [--case NAME ...]

For every case of tests/e2e/cases: builds the program as C++ (the generated class and its
main.cpp, a drop-in for `vlac run`), compiles it with the system C++ compiler against the
runtime library, runs it with the case's arguments and compares stdout with expected.csv
byte for byte (expected rows come from SQLite and a separate streaming model), then again with
`--threads 2` and parse chunks of 7 bytes (its files split everywhere). Also checks
that the generated header compiles on its own with -Wall -Werror.

Then every program of tests/build/programs (NAME.vsql, its input NAME.csv read as stream `t`;
every_expression.vsql holds every scalar expression form and function over nullable and NOT
NULL columns of every type) is built the same way, with -Wall -Werror, and each of its outputs
must equal, byte for byte, what `vlac run` (the JIT) writes for it.
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


def main():
    argv, only = [], set()
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--case":
            only.add(next(it))
        else:
            argv.append(a)
    vlac, runtime_lib = argv[0], argv[1]
    flags = shlex.split(argv[2]) if len(argv) > 2 else []
    cxx = os.environ.get("CXX", "c++")
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in sorted(d for d in CASES.iterdir() if (d / "program.vsql").is_file()):
            if only and case.name not in only:
                continue
            out = pathlib.Path(tmp) / case.name
            build = subprocess.run([vlac, "build", str(case / "program.vsql"), "-o", str(out)], capture_output=True, text=True)
            problem = None
            if build.returncode != 0:
                problem = "vlac build failed:\n" + build.stderr
            else:
                exe = out / "program"
                compile_cmd = compile_flags(cxx, flags, out, runtime_lib, exe)
                cc = subprocess.run(compile_cmd, capture_output=True, text=True)
                if cc.returncode != 0:
                    problem = "compiling the generated code failed:\n$ %s\n%s" % (shlex.join(compile_cmd), cc.stderr[:4000])
                else:
                    args = shlex.split((case / "args").read_text())
                    run = subprocess.run([str(exe)] + args, cwd=case, capture_output=True, timeout=120)
                    expected = (case / "expected.csv").read_bytes()
                    if run.returncode != 0 or run.stdout != expected:
                        problem = "exit %d; stdout %s expected.csv\nstderr: %s" % (
                            run.returncode, "equals" if run.stdout == expected else "differs from",
                            run.stderr.decode(errors="replace")[:2000])
                    else:
                        # --threads 2 with parse chunks of 7 bytes: the files split everywhere.
                        env = dict(os.environ, VLAC_TEST_PARSE_CHUNK_BYTES="7")
                        run = subprocess.run([str(exe)] + args + ["--threads", "2"], cwd=case, capture_output=True,
                                             timeout=120, env=env)
                        if run.returncode != 0 or run.stdout != expected:
                            problem = "--threads 2: exit %d; stdout %s expected.csv\nstderr: %s" % (
                                run.returncode, "equals" if run.stdout == expected else "differs from",
                                run.stderr.decode(errors="replace")[:2000])
            if problem:
                failed += 1
                print("FAIL %s\n%s" % (case.name, problem))
            else:
                passed += 1
                print("PASS %s" % case.name)
            sys.stdout.flush()
        for prog in sorted((ROOT / "tests" / "build" / "programs").glob("*.vsql")):
            if only and prog.stem not in only:
                continue
            problem = build_program(vlac, runtime_lib, cxx, flags, prog, pathlib.Path(tmp) / prog.stem)
            if problem:
                failed += 1
                print("FAIL %s\n%s" % (prog.name, problem))
            else:
                passed += 1
                print("PASS %s" % prog.name)
    print("host build: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def compile_flags(cxx, flags, out, runtime_lib, exe):
    return [cxx, "-std=c++17", "-O1", "-ffp-contract=off", "-Wall", "-Werror", "-Wno-unused-function",
            *flags, "-I", str(out), str(out / "main.cpp"), runtime_lib, "-lsimdjson", "-o", str(exe)]


def build_program(vlac, runtime_lib, cxx, flags, prog, out):
    """Builds `prog` for the host and compares each output with `vlac run`'s; returns the problem."""
    outputs = re.findall(r"^CREATE STREAM (\w+)(?: WITH \([^)]*\))? AS", prog.read_text(), re.M)
    build = subprocess.run([vlac, "build", str(prog), "-o", str(out)], capture_output=True, text=True)
    if build.returncode != 0:
        return "vlac build failed:\n" + build.stderr
    exe = out / "program"
    cmd = compile_flags(cxx, flags, out, runtime_lib, exe)
    cc = subprocess.run(cmd, capture_output=True, text=True)
    if cc.returncode != 0:
        return "compiling the generated code failed:\n$ %s\n%s" % (shlex.join(cmd), cc.stderr[:4000])
    results = {}
    for who, argv in (("host", [str(exe)]), ("jit", [vlac, "run", str(prog), "--backend", "jit"])):
        args = ["--input", "t=" + str(prog.with_suffix(".csv"))]
        for o in outputs:
            args += ["--output", "%s=%s" % (o, out / ("%s.%s.csv" % (o, who)))]
        run = subprocess.run(argv + args, capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            return "%s exited %d: %s" % (who, run.returncode, run.stderr[:2000])
        results[who] = {o: (out / ("%s.%s.csv" % (o, who))).read_bytes() for o in outputs}
    differ = [o for o in outputs if results["host"][o] != results["jit"][o]]
    if differ:
        return "outputs differ from vlac run's: %s" % ", ".join(differ)
    return None


if __name__ == "__main__":
    sys.exit(main())
