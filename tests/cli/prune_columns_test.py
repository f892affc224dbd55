#!/usr/bin/env python3
"""Black-box tests of projection pruning to the reader (issue 13, prune-source-columns): a
value in a column the program never reads is not converted, so a bad one is accepted when
optimised (the JIT, the C++ backend and a `vlac build --target host` main alike) and rejected
with `--no-optimize` or `--disable-pass=prune-source-columns`; records are still checked for
their field count (CSV) and JSON syntax. docs/decisions.md, "Issue 13: projection pruning".

Every expected output is worked out by hand from the tiny inputs next to it.
Usage: prune_columns_test.py PATH/TO/vlac [PATH/TO/libvlac_runtime.a ["EXTRA CXXFLAGS"]]
"""
import os
import shlex
import subprocess
import sys
import tempfile

VLAC = os.path.abspath(sys.argv[1])
RUNTIME_LIB = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
HOST_CXXFLAGS = shlex.split(sys.argv[3]) if len(sys.argv) > 3 else []
from checks import check, summary


def run(args, exe=None):
    p = subprocess.run([exe or VLAC] + args, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


# `note` is read by nothing: the filter reads id, the output id and b, the watermark ts.
PROGRAM = """CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32 NOT NULL, b FLOAT64, note STRING(4),
                   WATERMARK FOR ts AS ts);
CREATE STREAM out AS SELECT id, b FROM cam WHERE id > 0;
"""
# Line 3's note does not fit STRING(4); line 5 has 2 fields of 4.
CSV = "ts,id,b,note\n1,1,0.5,ok\n2,2,0.25,toolong\n3,3,,x\n4,4\n"
CSV_PRUNED_OUT = "id,b\n1,0.5\n2,0.25\n3,\n"  # line 3 accepted, line 5 rejected
CSV_FULL_OUT = "id,b\n1,0.5\n3,\n"  # lines 3 and 5 rejected
# Line 1's note is a number, not a string; line 3's string is never closed (byte 23 is its
# opening quote: {=1, "ts"=2-5, :=6, 3=7, ,=8, "id"=9-12, :=13, 3=14, ,=15, "note"=16-21, :=22).
JSONL = '{"ts":1,"id":1,"b":0.5,"note":5}\n{"ts":2,"id":2,"b":0.25,"note":"abc"}\n{"ts":3,"id":3,"note":"ab\n'

with tempfile.TemporaryDirectory() as d:
    prog = os.path.join(d, "p.vsql")
    csv = os.path.join(d, "cam.csv")
    jsonl = os.path.join(d, "cam.jsonl")
    for path, text in ((prog, PROGRAM), (csv, CSV), (jsonl, JSONL)):
        with open(path, "w", newline="") as f:
            f.write(text)

    rc, out, err = run(["explain", prog])
    check("explain", rc == 0 and "Source cam skips [note]" in out and "prune-source-columns (1)" in out, out + err)
    rc, out, err = run(["explain", prog, "--no-optimize"])
    check("explain-unoptimised", rc == 0 and "skips" not in out, out)

    for backend in ("jit", "cpp"):
        rc, out, err = run(["run", prog, "--input", "cam=" + csv, "--backend", backend, "--stats"])
        check("csv-pruned-" + backend, rc == 0 and out == CSV_PRUNED_OUT and "cam.csv:3:" not in err and
              "cam.csv:5: expected 4 fields, found 2" in err and "source cam: 4 read, 3 accepted, 1 rejected" in err,
              "exit %d: %r %s" % (rc, out, err))
    for flag in ("--no-optimize", "--disable-pass=prune-source-columns"):
        rc, out, err = run(["run", prog, "--input", "cam=" + csv, flag])
        check("csv-full " + flag, rc == 0 and out == CSV_FULL_OUT and
              "cam.csv:3: column 'note': 7 bytes do not fit STRING(4)" in err and
              "cam.csv:5: expected 4 fields, found 2" in err, "exit %d: %r %s" % (rc, out, err))

    rc, out, err = run(["run", prog, "--input", "cam=" + jsonl])
    check("jsonl-pruned", rc == 0 and out == "id,b\n1,0.5\n2,0.25\n" and "cam.jsonl:1:" not in err and
          "cam.jsonl:3: invalid JSON at byte 23: unterminated string" in err, "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["run", prog, "--input", "cam=" + jsonl, "--no-optimize"])
    check("jsonl-full", rc == 0 and out == "id,b\n2,0.25\n" and
          "cam.jsonl:1: column 'note': expected a string, found 5" in err and
          "cam.jsonl:3: invalid JSON at byte 23: unterminated string" in err, "exit %d: %r %s" % (rc, out, err))

    if RUNTIME_LIB:
        out_dir = os.path.join(d, "host")
        rc, out, err = run(["build", prog, "-o", out_dir])
        check("host-build", rc == 0, err)
        exe = os.path.join(d, "host_exe")
        cc = subprocess.run([os.environ.get("CXX", "c++"), "-std=c++17", "-O0", "-Wall", "-Werror", "-Wno-unused-function",
                             *HOST_CXXFLAGS, "-I", out_dir, os.path.join(out_dir, "main.cpp"), RUNTIME_LIB, "-lsimdjson", "-o", exe],
                            capture_output=True, text=True)
        check("host-compile", cc.returncode == 0, cc.stderr)
        if cc.returncode == 0:
            rc, out, err = run(["--input", "cam=" + csv], exe=exe)
            check("host-csv-pruned", rc == 0 and out == CSV_PRUNED_OUT and "cam.csv:3:" not in err and
                  "cam.csv:5: expected 4 fields, found 2" in err, "exit %d: %r %s" % (rc, out, err))

sys.exit(summary("prune-columns"))
