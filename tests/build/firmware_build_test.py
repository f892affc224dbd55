#!/usr/bin/env python3
"""`vlac build --target firmware` on this machine (no ARM toolchain needed; the Cortex-M4 build
is tests/firmware/firmware_test.py):

    python3 tests/build/firmware_build_test.py VLAC

1. Every example's generated header compiles included alone, with no -D flag:
   `c++ -std=c++17 -fsyntax-only -fno-exceptions -fno-rtti -x c++ HEADER -I DIR`.
2. The generated CMakeLists.txt configures, and every target it names exists: the
   `<stem>_check` target it mentions builds (when cmake is installed).
3. The build prints each operator's capacities, marked WITH or default, and kStateBytes; the
   figure equals sizeof(Class) measured here by compiling a separate program.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s%s" % (name, ("\n" + detail) if detail else ""))


def cxx():
    return os.environ.get("CXX") or "c++"


def build(vlac, program, out, env, *extra):
    return subprocess.run([vlac, "build", str(program), "-o", str(out), "--target", "firmware"] + list(extra),
                          capture_output=True, text=True, env=env, timeout=300)


def measured_state_bytes(out, stem, cls):
    """sizeof the class, by compiling and running a program that prints it."""
    (out / "size.cpp").write_text('#include "%s.h"\n#include <cstdio>\nint main() { std::printf("%%zu", sizeof(%s)); }\n'
                                  % (stem, cls))
    exe = out / "size"
    c = subprocess.run([cxx(), "-std=c++17", "-fno-exceptions", "-fno-rtti", "-I", str(out), "-o", str(exe), str(out / "size.cpp")],
                       capture_output=True, text=True)
    if c.returncode != 0:
        return None, c.stderr
    return int(subprocess.run([str(exe)], capture_output=True, text=True).stdout), ""


def main():
    vlac = str(pathlib.Path(sys.argv[1]).resolve())
    have_cmake = shutil.which("cmake") is not None
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        env = dict(os.environ, VLAC_CACHE_DIR=str(d / "cache"))
        for program in sorted((ROOT / "examples").glob("*.vsql")):
            out = d / program.stem
            b = build(vlac, program, out, env)
            if b.returncode != 0:
                check("%s: vlac build --target firmware" % program.name, False, b.stderr)
                continue
            header = out / (program.stem + ".h")
            c = subprocess.run([cxx(), "-std=c++17", "-fsyntax-only", "-fno-exceptions", "-fno-rtti", "-x", "c++", str(header),
                                "-I", str(out)], capture_output=True, text=True)
            check("%s: the header compiles alone" % program.name, c.returncode == 0, c.stderr)
            cls = re.search(r"^class (\w+) \{", header.read_text(), re.M).group(1)
            printed = re.search(r"%s::kStateBytes = (\d+)" % cls, b.stderr)
            size, err = measured_state_bytes(out, program.stem, cls)
            check("%s: kStateBytes printed = sizeof(%s) = %s" % (program.name, cls, size),
                  printed is not None and size is not None and int(printed.group(1)) == size, b.stderr + err)
            cmake_text = (out / "CMakeLists.txt").read_text()
            named = set(re.findall(r"\b(%s_\w+)" % re.escape(program.stem), cmake_text))  # every <stem>_* name
            defined = set(re.findall(r"add_(?:library|executable)\((\w+)", cmake_text))
            check("%s: CMakeLists.txt names only targets it defines (%s)" % (program.name, ", ".join(sorted(named))),
                  named <= defined and "%s_check" % program.stem in named, cmake_text)

        # The generated CMake project configures and its check target builds.
        if have_cmake:
            out = d / "cam_stats"
            cfg = subprocess.run(["cmake", "-S", str(out), "-B", str(out / "b")], capture_output=True, text=True)
            check("cmake configures the firmware project", cfg.returncode == 0, cfg.stdout + cfg.stderr)
            bt = subprocess.run(["cmake", "--build", str(out / "b"), "--target", "cam_stats_check"], capture_output=True, text=True)
            check("cmake --build --target cam_stats_check", bt.returncode == 0, bt.stdout + bt.stderr)
        else:
            print("SKIP cmake is not installed: the generated project is not configured")

        # Capacities: WITH where given, else the default; HOP's open windows are size/slide + 2
        # = 500/100 + 2 = 7 (more than the default 4). Operator #0 is the HOP aggregate
        # (WITH max_keys = 3), #1 the interval join (max_buffered_rows = 5 from WITH, max_keys
        # the default 16).
        (d / "caps.vsql").write_text(
            "CREATE STREAM a (ts TIMESTAMP NOT NULL, k INT32, WATERMARK FOR ts AS ts);\n"
            "CREATE STREAM b (ts TIMESTAMP NOT NULL, k INT32, WATERMARK FOR ts AS ts);\n"
            "CREATE STREAM hops WITH (max_keys = 3) AS\n"
            "SELECT k, COUNT(*) AS n FROM HOP(a, ts, INTERVAL '100' NANOSECOND, INTERVAL '500' NANOSECOND) GROUP BY k;\n"
            "CREATE STREAM pairs WITH (max_buffered_rows = 5) AS\n"
            "SELECT a.k, b.ts AS bts FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '10' NANOSECOND;\n")
        b = build(vlac, d / "caps.vsql", d / "caps", env, "--default-capacity", "max_keys=16")
        lines = [l.split("   --")[0] for l in b.stderr.splitlines() if l.startswith("  operator #")]
        check("capacities: WITH or default, per operator", lines == [
            "  operator #0 WindowAggregate: max_keys 3 (WITH), max_open_windows 7 (default)",
            "  operator #1 IntervalJoin: max_keys 16 (default), max_buffered_rows 5 (WITH)"], b.stderr)
        b = build(vlac, d / "caps.vsql", d / "caps2", env, "--default-capacity", "max_open_windows=9")
        check("--default-capacity raises a default", "operator #0 WindowAggregate: max_keys 3 (WITH), max_open_windows 9 (default)"
              in b.stderr, b.stderr)
        b = subprocess.run([vlac, "build", str(d / "caps.vsql"), "-o", str(d / "caps4"), "--default-capacity", "max_keys=4"],
                           capture_output=True, text=True)
        check("--default-capacity with --target host: exit 2", b.returncode == 2 and "--target firmware" in b.stderr, b.stderr)
        h = subprocess.run([vlac, "build", "--help"], capture_output=True, text=True)
        check("build --help documents --default-capacity", "--default-capacity NAME=N" in h.stdout, h.stdout)
        # Without a compiler, the build still succeeds and says how to get the figure.
        no_cxx = dict(env, CXX="vlac-no-such-compiler", VLAC_CACHE_DIR=str(d / "empty-cache"))
        b = build(vlac, d / "caps.vsql", d / "caps3", no_cxx)
        check("no compiler: kStateBytes explained", b.returncode == 0 and "Caps::kStateBytes not measured (no C++ compiler found"
              in b.stderr and "sizeof(Caps)" in b.stderr, b.stderr)

    print("firmware_build: %s" % ("all passed" if failures == 0 else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
