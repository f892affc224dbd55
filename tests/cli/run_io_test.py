#!/usr/bin/env python3
"""Black-box tests of how `vlac run` (and the host main of `vlac build`) meets its files: write
errors (a full disk), line ends, signals, unreadable programs, standard input given twice, input
formats, "did you mean" for names (LANGUAGE.md §7, §8, §10, §12; issue 11, items 11-15).

Every expected output is worked out by hand from the tiny inputs next to it.
Usage: run_io_test.py PATH/TO/vlac [PATH/TO/libvlac_runtime.a ["EXTRA CXXFLAGS" for host builds]]
"""
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

VLAC = os.path.abspath(sys.argv[1])
RUNTIME_LIB = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
HOST_CXXFLAGS = shlex.split(sys.argv[3]) if len(sys.argv) > 3 else []  # the sanitizer build's
from checks import check, summary


def run(args, stdin_text=None, exe=None, **kw):
    p = subprocess.run([exe or VLAC] + args, input=stdin_text, capture_output=True, text=True, timeout=120, **kw)
    return p.returncode, p.stdout, p.stderr


def write(path, text, newline=None):
    with open(path, "w", newline="") as f:
        f.write(text)


# One source, a filter and a named output; ts in integer nanoseconds.
PROGRAM = """CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32 NOT NULL, b FLOAT64,
                   WATERMARK FOR ts AS ts);
CREATE STREAM out AS SELECT id, b FROM cam WHERE id > 0;
"""
# A tumbling window of 10 ns per id, for the signal tests: a window is emitted only when the
# watermark (the largest ts so far) passes its end.
WINDOWED = """CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32 NOT NULL, b FLOAT64,
                   WATERMARK FOR ts AS ts);
CREATE STREAM out AS SELECT id, window_start, COUNT(*) AS n FROM TUMBLE(cam, ts, INTERVAL '10' NANOSECOND)
GROUP BY id, window_start, window_end;
"""


def write_errors(d):
    """Item 11: a failed write (a full disk) is exit 1 with a message naming the file."""
    csv = os.path.join(d, "cam.csv")
    write(csv, "ts,id,b\n1,1,0.5\n2,x,1\n3,3,\n")  # line 3 is malformed: 'x' is no INT32
    # --threads 2: the outputs are written on a thread of their own (rt::OutputThread), tried
    # against the run's thread every few rows (VLAC_TEST_OUTPUT_TRIAL), with 600 rows to write.
    many = os.path.join(d, "cam_many.csv")
    write(many, "ts,id,b\n" + "".join("%d,%d,0.5\n" % (i, i) for i in range(1, 601)))
    trial = dict(os.environ, VLAC_TEST_OUTPUT_TRIAL="run")
    for fmt in ["csv", "jsonl", "table"]:
        for threads, data, env in [(1, csv, None), (2, csv, None), (2, many, None), (2, many, trial)]:
            with open("/dev/full", "w") as full:
                p = subprocess.run([VLAC, "run", PROGRAM_PATH, "--input", "cam=" + data, "--format", fmt, "--threads", str(threads)],
                                   stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, env=env)
            check("stdout-full-%s-%d-threads%s" % (fmt, threads, "-trial" if env else ""),
                  p.returncode == 1 and "cannot write '/dev/full': No space left on device" in p.stderr,
                  "exit %d: %s" % (p.returncode, p.stderr))
    for threads in (1, 2):
        rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + many, "--output", "out=/dev/full", "--threads", str(threads)])
        check("output-full-%d-threads" % threads, rc == 1 and "cannot write '/dev/full': No space left on device" in err,
              "exit %d: %s" % (rc, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + csv, "--rejects", "/dev/full"])
    check("rejects-full", rc == 1 and "cannot write '/dev/full': No space left on device" in err, "exit %d: %s" % (rc, err))
    # Every other command's standard output too (plans, IR, help, REPL results).
    for args, stdin_text in [(["explain", PROGRAM_PATH], None), (["emit-llvm", PROGRAM_PATH], None), (["--help"], None),
                             (["repl"], "CREATE STREAM s (ts TIMESTAMP NOT NULL, WATERMARK FOR ts AS ts);\n.schema\n")]:
        with open("/dev/full", "w") as full:
            p = subprocess.run([VLAC] + args, input=stdin_text, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
        check("stdout-full-" + args[0], p.returncode == 1 and "cannot write '/dev/full'" in p.stderr,
              "exit %d: %s" % (p.returncode, p.stderr))
    # The same run to a real file succeeds: rows 1 and 3 pass (id 1 and 3 > 0).
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + csv])
    check("output-ok", rc == 0 and out == "id,b\n1,0.5\n3,\n", "exit %d: %r %s" % (rc, out, err))


def directory_program(d):
    """Item 14: a directory is a program that cannot be read, not an empty one."""
    prog = os.path.join(d, "dir.vsql")
    os.mkdir(prog)
    for args in (["check", prog], ["explain", prog], ["emit-llvm", prog], ["run", prog, "--input", "cam=x.csv"],
                 ["build", prog, "-o", os.path.join(d, "built")]):
        rc, out, err = run(args)
        check("directory-" + args[0], rc == 1 and ("cannot read '%s': Is a directory" % prog) in err,
              "exit %d: %s" % (rc, err))
    rc, out, err = run(["repl", prog], stdin_text="")
    check("directory-repl", rc == 1 and "Is a directory" in err + out, "exit %d: %s %s" % (rc, out, err))


def stdin_and_formats(d):
    """Item 15 and the input formats: standard input feeds one --input; JSON Lines is known by
    .jsonl/.ndjson/.json in any case, by --input-format, and on standard input by its '{'."""
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=-", "--input", "cam=-"], stdin_text="ts,id,b\n1,1,2\n")
    check("two-stdin", rc == 2 and "standard input can feed only one --input" in err, "exit %d: %s" % (rc, err))
    two = os.path.join(d, "two.vsql")
    write(two, "CREATE STREAM a (ts TIMESTAMP NOT NULL, id INT32, WATERMARK FOR ts AS ts);\n"
               "CREATE STREAM b (ts TIMESTAMP NOT NULL, id INT32, WATERMARK FOR ts AS ts);\n"
               "SELECT id FROM a UNION ALL SELECT id FROM b;\n")
    rc, out, err = run(["run", two, "--input", "a=-", "--input", "b=-"], stdin_text="ts,id\n1,1\n")
    check("two-stdin-two-streams", rc == 2 and "'a=-' and 'b=-'" in err, "exit %d: %s" % (rc, err))
    jsonl = '{"ts":1,"id":4,"b":0.25}\n{"ts":2,"id":0,"b":1}\n{"ts":3,"id":5}\n'
    want = "id,b\n4,0.25\n5,\n"  # id 0 is filtered out (id > 0); a missing field is NULL
    for name in ["cam.ndjson", "cam.json", "cam.JSONL", "cam.Json"]:
        path = os.path.join(d, name)
        write(path, jsonl)
        rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + path])
        check("extension-" + name, rc == 0 and out == want, "exit %d: %r %s" % (rc, out, err))
    odd = os.path.join(d, "cam.log")
    write(odd, jsonl)
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + odd, "--input-format", "jsonl"])
    check("input-format-jsonl", rc == 0 and out == want, "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=-", "--input-format=jsonl"], stdin_text=jsonl)
    check("input-format-stdin", rc == 0 and out == want, "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=-"], stdin_text=jsonl)
    check("stdin-detects-jsonl", rc == 0 and out == want, "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=-"], stdin_text="ts,id,b\n1,4,0.25\n")
    check("stdin-csv", rc == 0 and out == "id,b\n4,0.25\n", "exit %d: %r %s" % (rc, out, err))
    csv_named_jsonl = os.path.join(d, "really.jsonl")
    write(csv_named_jsonl, "ts,id,b\n1,4,0.25\n")
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + csv_named_jsonl, "--input-format", "csv"])
    check("input-format-csv", rc == 0 and out == "id,b\n4,0.25\n", "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=-", "--input-format", "xml"])
    check("input-format-bad", rc == 2 and "use csv or jsonl" in err, "exit %d: %s" % (rc, err))
    rc, out, err = run(["run", "--help"])
    check("help-input-format", "--input-format csv|jsonl" in out, out)
    # The REPL: `.input cam=-` over JSON Lines (the rest of the script is the data).
    decl = os.path.join(d, "decl.vsql")
    write(decl, "CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32 NOT NULL, b FLOAT64, WATERMARK FOR ts AS ts);\n")
    rc, out, err = run(["repl", decl, "--format", "csv"], stdin_text=".input cam=-\nSELECT id FROM cam WHERE id > 0;\n" + jsonl)
    rc2, out2, err2 = run(["repl", decl, "--format", "csv", "--input", "cam=" + odd, "--input-format", "jsonl"],
                          stdin_text="SELECT id FROM cam WHERE id > 0;\n")
    check("repl-input-format", rc2 == 0 and "id\n4\n5\n" in out2, "exit %d: %r %s" % (rc2, out2, err2))
    check("repl-stdin-jsonl", rc == 0 and "id\n4\n5\n" in out, "exit %d: %r %s" % (rc, out, err))


def cr_line_ends(d):
    """Item 12: CR-only line ends (old Mac files) are line ends; CRLF, LF, RFC 4180 quoting (a
    CR inside quotes is part of the value), the BOM and the rejects' line numbers stay exact."""
    def go(name, data, extra=()):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        return run(["run", PROGRAM_PATH, "--input", "cam=" + path, "--stats"] + list(extra))
    # Rows 1 and 3 pass; line 3 ('x' as INT32) is rejected.
    rej = os.path.join(d, "rejects.txt")
    rc, out, err = go("cr.csv", b"ts,id,b\r1,1,0.5\r2,x,1\r3,3,\r", ["--rejects", rej])
    check("cr-rows", rc == 0 and out == "id,b\n1,0.5\n3,\n", "exit %d: %r %s" % (rc, out, err))
    check("cr-stats", "source cam: 3 read, 2 accepted, 1 rejected" in err, err)
    check("cr-reject-line", "cr.csv:3: column 'id'" in err, err)
    check("cr-rejects-file", open(rej, "rb").read() == b"2,x,1\r", repr(open(rej, "rb").read()))
    # With a BOM, no line end after the last row, and a quoted value spanning a CR (a string).
    strings = os.path.join(d, "s.vsql")
    write(strings, "CREATE STREAM cam (ts TIMESTAMP NOT NULL, s STRING, WATERMARK FOR ts AS ts);\n"
                   "SELECT s FROM cam;\n")
    path = os.path.join(d, "bom_cr.csv")
    with open(path, "wb") as f:
        f.write(b'\xef\xbb\xbfts,s\r1,"a\rb"\r2,c')
    rc, out, err = run(["run", strings, "--input", "cam=" + path, "--format", "jsonl"])
    check("cr-bom-quoted", rc == 0 and out == '{"s":"a\\u000db"}\n{"s":"c"}\n', "exit %d: %r %s" % (rc, out, err))
    # LF and CRLF files with a CR inside a quoted value: still one record per row.
    for name, eol in [("lf.csv", b"\n"), ("crlf.csv", b"\r\n")]:
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(b"ts,s" + eol + b'1,"a\rb"' + eol + b"2,c" + eol)
        rc, out, err = run(["run", strings, "--input", "cam=" + path, "--format", "jsonl"])
        check("quoted-cr-" + name, rc == 0 and out == '{"s":"a\\u000db"}\n{"s":"c"}\n', "exit %d: %r %s" % (rc, out, err))
    rc, out, err = go("cr.jsonl", b'{"ts":1,"id":4,"b":0.25}\r{"ts":2,"id":5}\r')
    check("cr-jsonl", rc == 0 and out == "id,b\n4,0.25\n5,\n", "exit %d: %r %s" % (rc, out, err))


def fifo_unread(fd):
    """Bytes written to a pipe and not yet read by the other end."""
    import array, fcntl, termios
    buf = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, buf)
    return buf[0]


# Windows of 10 ns per id: ts 1 and 2 (id 1) fill [0,10); ts 15 (id 2) opens [10,20) and moves
# the watermark to 15, which closes [0,10) only. The first window is emitted; the second is open.
FIFO_ROWS = "ts,id,b\n1,1,0\n2,1,0\n15,2,0\n"
FIRST_WINDOW = "id,window_start,n\n1,1970-01-01T00:00:00Z,2\n"


def signal_over_fifo(d, sig, exe=None, args=()):
    """Starts a run over a named pipe, feeds FIFO_ROWS, waits until they are read, signals."""
    fifo = os.path.join(d, "fifo_%d" % sig)
    os.mkfifo(fifo)
    cmd = [exe] if exe else [VLAC, "run", WINDOWED_PATH]
    p = subprocess.Popen(cmd + ["--input", "cam=" + fifo, "--stats"] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    w = os.open(fifo, os.O_WRONLY)  # returns once the run has opened the pipe
    os.write(w, FIFO_ROWS.encode())
    deadline = time.time() + 30
    while fifo_unread(w) > 0 and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # the rows are in the run's buffer; let it process them
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=30)
    finally:
        os.close(w)
        if p.poll() is None:
            p.kill()
    return p.returncode, out, err


def signal_before_header(d, exe=None):
    """A signal while the run waits for a FIFO's header: the same clean stop, not a read error."""
    fifo = os.path.join(d, "quiet_fifo_%s" % ("host" if exe else "run"))
    os.mkfifo(fifo)
    cmd = [exe] if exe else [VLAC, "run", WINDOWED_PATH]
    p = subprocess.Popen(cmd + ["--input", "cam=" + fifo], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    w = os.open(fifo, os.O_WRONLY)  # the run has opened it and waits for the header
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    finally:
        os.close(w)
        if p.poll() is None:
            p.kill()
    return p.returncode, out, err


def signals(d):
    """Item 13: SIGINT/SIGTERM stop reading, flush what was emitted, print --stats, exit 130/143,
    and fire no open window: over a live FIFO, live standard input and a large file."""
    for sig, status, name in [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")]:
        rc, out, err = signal_over_fifo(d, sig)
        check("fifo-" + name, rc == status and out == FIRST_WINDOW, "exit %d: %r %s" % (rc, out, err))
        check("fifo-stats-" + name, "source cam: 3 read, 3 accepted, 0 rejected" in err and
              "stopped by " + name in err, err)
    rc, out, err = signal_before_header(d)
    check("fifo-SIGINT-before-header", rc == 130 and "stopped by SIGINT" in err, "exit %d: %s" % (rc, err))
    # Live standard input: rows are flushed as they come, so wait for the first window's row.
    p = subprocess.Popen([VLAC, "run", WINDOWED_PATH, "--input", "cam=-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdin.write(FIFO_ROWS)
    p.stdin.flush()
    got = p.stdout.readline() + p.stdout.readline()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    check("stdin-SIGINT", p.returncode == 130 and got + out == FIRST_WINDOW, "exit %d: %r %s" % (p.returncode, got + out, err))
    # A large file (3 million rows, about 40 MB): signalled once output has begun.
    big = os.path.join(d, "big.csv")
    total = 3000000
    with open(big, "w") as f:
        f.write("ts,id,b\n")
        f.writelines("%d,%d,0.5\n" % (i, i % 7) for i in range(total))
    # With --threads 2 the file is parsed on threads and the rows written on the output thread,
    # which must have written every row emitted before the run stopped.
    import re
    for threads in (1, 2):
        out_path = os.path.join(d, "big_out_%d.csv" % threads)
        p = subprocess.Popen([VLAC, "run", WINDOWED_PATH, "--input", "cam=" + big, "--output", "out=" + out_path, "--stats",
                              "--threads", str(threads)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while (not os.path.exists(out_path) or os.path.getsize(out_path) == 0) and time.time() < deadline and p.poll() is None:
            time.sleep(0.01)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        name = "file-SIGINT-%d-threads" % threads
        check(name, p.returncode == 130 and "stopped by SIGINT" in err, "exit %d: %s" % (p.returncode, err))
        # Every row emitted is in the file, and the run stopped early: fewer rows read than there are.
        m = re.search(r"source cam: (\d+) read", err)
        o = re.search(r"WindowAggregate: \d+ in, (\d+) out", err)
        rows = sum(1 for _ in open(out_path)) - 1
        check(name + "-stopped-early", m is not None and int(m.group(1)) < total, err)
        check(name + "-flushed", o is not None and rows == int(o.group(1)), "%d rows in the file; %s" % (rows, err))


def did_you_mean(d):
    """A misspelt --input or --output name, or a header that misspells a NOT NULL column."""
    csv = os.path.join(d, "cam.csv")
    write(csv, "ts,id,b\n1,1,0.5\n")
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "camra=" + csv])
    check("input-name", rc == 2 and "no source stream 'camra'; did you mean 'cam'?" in err, "exit %d: %s" % (rc, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + csv, "--output", "outt=x.csv"])
    check("output-name", rc == 2 and "no output 'outt'; did you mean 'out'?" in err, "exit %d: %s" % (rc, err))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "zzzz=" + csv])
    check("input-name-far", rc == 2 and "did you mean" not in err and "(there are: cam)" in err, "exit %d: %s" % (rc, err))
    # 'idd' is one edit from the NOT NULL column 'id'; 'x' is nothing like 'ts' (2 edits of 1 letter).
    bad = os.path.join(d, "bad.csv")
    write(bad, "ts,idd,b\n1,1,0.5\n")
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + bad])
    check("header-name", rc == 1 and "missing column 'id', which is NOT NULL (did you mean 'id' for the header's 'idd'?)" in err,
          "exit %d: %s" % (rc, err))
    far = os.path.join(d, "far.csv")
    write(far, "x,id,b\n1,1,0.5\n")
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + far])
    check("header-name-far", rc == 1 and "missing column 'ts', which is NOT NULL\n" in err, "exit %d: %s" % (rc, err))


def stats_after_having(d):
    """--stats counts an aggregate's rows after HAVING and lists the filters, both backends.
    By hand: WHERE b > 0 passes 4 of the 5 rows (ts 4 has b = 0); the windows of 10 ns are
    [0,10) id 1 (2 rows), [0,10) id 2 (1 row), [10,20) id 1 (1 row): 3 groups, of which
    HAVING COUNT(*) > 1 keeps 1."""
    prog = os.path.join(d, "having.vsql")
    write(prog, "CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32 NOT NULL, b FLOAT64, WATERMARK FOR ts AS ts);\n"
                "SELECT id, COUNT(*) AS n FROM TUMBLE(cam, ts, INTERVAL '10' NANOSECOND) WHERE b > 0\n"
                "GROUP BY id, window_start, window_end HAVING COUNT(*) > 1;\n")
    csv = os.path.join(d, "h.csv")
    write(csv, "ts,id,b\n1,1,1\n2,1,1\n3,2,1\n4,3,0\n12,1,1\n")
    for backend in ["jit", "cpp"]:
        rc, out, err = run(["run", prog, "--input", "cam=" + csv, "--stats", "--backend", backend])
        check("having-rows-" + backend, rc == 0 and out == "id,n\n1,2\n", "exit %d: %r %s" % (rc, out, err))
        check("having-stats-" + backend, "WindowAggregate: 4 in, 1 out" in err and "Filter: 5 in, 4 out" in err and
              "Filter: 3 in, 1 out" in err, err)


def stats_of_union(d):
    """--stats lists a UNION ALL with each branch's rows, both backends. By hand: branch a
    passes its 3 rows unfiltered, branch b keeps the 2 of its 3 rows with v > 0 (not v = -1),
    so the union gives 3 + 2 = 5 rows."""
    prog = os.path.join(d, "union.vsql")
    write(prog, "CREATE STREAM a (ts TIMESTAMP NOT NULL, v INT32, WATERMARK FOR ts AS ts);\n"
                "CREATE STREAM b (ts TIMESTAMP NOT NULL, v INT32, WATERMARK FOR ts AS ts);\n"
                "SELECT ts, v FROM a UNION ALL SELECT ts, v FROM b WHERE v > 0;\n")
    ca, cb = os.path.join(d, "ua.csv"), os.path.join(d, "ub.csv")
    write(ca, "ts,v\n1,1\n2,2\n3,3\n")
    write(cb, "ts,v\n1,5\n2,-1\n4,7\n")
    for backend in ["jit", "cpp"]:
        rc, out, err = run(["run", prog, "--input", "a=" + ca, "--input", "b=" + cb, "--stats", "--backend", backend])
        check("union-rows-" + backend, rc == 0 and out.count("\n") == 6, "exit %d: %r %s" % (rc, out, err))
        check("union-stats-" + backend, "UnionAll: 5 out (3 + 2)" in err and "Filter: 3 in, 2 out" in err, err)


def rejects_to_stdout(d):
    """`--rejects -` writes the rejected records to standard output (as `--late -` does), not to a
    file named '-'; sharing standard output with the rows, the bytes are the same at every
    --threads (the outputs then stay on the run's thread)."""
    csv = os.path.join(d, "cam.csv")
    write(csv, "ts,id,b\n1,1,0.5\n2,x,1\n3,3,\n")  # line 3 is malformed: 'x' is no INT32
    out_csv = os.path.join(d, "out.csv")
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + csv, "--rejects", "-", "--output", "out=" + out_csv], cwd=d)
    check("rejects-stdout", rc == 0 and out == "2,x,1\n", "exit %d: %r %s" % (rc, out, err))
    check("rejects-stdout-output", open(out_csv).read() == "id,b\n1,0.5\n3,\n", open(out_csv).read())
    check("rejects-stdout-no-file", not os.path.exists(os.path.join(d, "-")), os.listdir(d))
    rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + csv, "--rejects", "-", "--checkpoint", os.path.join(d, "ck"),
                        "--output", "out=" + out_csv], cwd=d)
    check("rejects-stdout-checkpoint", rc == 2 and "--rejects to name a file" in err, "exit %d: %s" % (rc, err))
    # Many rows, every 7th malformed, rows and rejects both on standard output, the file split into
    # small chunks so that two and four threads parse it in parallel.
    many = os.path.join(d, "many.csv")
    lines, want = [], ["id,b"]
    for i in range(1, 30001):
        if i % 7 == 0:
            lines.append("%d,x%d,1" % (i, i))
            want.append(lines[-1])
        else:
            lines.append("%d,%d,0.25" % (i, i))
            want.append("%d,0.25" % i)
    write(many, "ts,id,b\n" + "\n".join(lines) + "\n")
    env = dict(os.environ, VLAC_TEST_PARSE_CHUNK_BYTES="4096", VLAC_TEST_OUTPUT_TRIAL="thread")
    outs = {}
    for threads in (1, 2, 4):
        rc, out, err = run(["run", PROGRAM_PATH, "--input", "cam=" + many, "--rejects", "-", "--threads", str(threads)], cwd=d, env=env)
        outs[threads] = out
        check("rejects-stdout-shared-%dt" % threads, rc == 0 and sorted(out.splitlines()) == sorted(want) and
              err.count("cannot read") == 30000 // 7, "exit %d: %s" % (rc, err[-500:]))
    check("rejects-stdout-shared-same-bytes", outs[1] == outs[2] == outs[4], "")


def host_main(d):
    """Item 11 for the generated host main.cpp: the same write errors."""
    if not RUNTIME_LIB:
        return
    out_dir = os.path.join(d, "host")
    rc, out, err = run(["build", PROGRAM_PATH, "-o", out_dir])
    check("host-build", rc == 0, err)
    exe = os.path.join(d, "host_exe")
    cc = subprocess.run([os.environ.get("CXX", "c++"), "-std=c++17", "-O0", "-Wall", "-Werror", "-Wno-unused-function",
                         *HOST_CXXFLAGS, "-I", out_dir, os.path.join(out_dir, "main.cpp"), RUNTIME_LIB, "-lsimdjson", "-o", exe],
                        capture_output=True, text=True)
    check("host-compile", cc.returncode == 0, cc.stderr)
    if cc.returncode != 0:
        return
    csv = os.path.join(d, "cam.csv")
    write(csv, "ts,id,b\n1,1,0.5\n2,x,1\n3,3,\n")  # as in write_errors
    with open("/dev/full", "w") as full:
        p = subprocess.run([exe, "--input", "cam=" + csv], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    check("host-stdout-full", p.returncode == 1 and "cannot write '/dev/full': No space left on device" in p.stderr,
          "exit %d: %s" % (p.returncode, p.stderr))
    rc, out, err = run(["--input", "cam=" + csv, "--rejects", "-", "--output", "out=" + os.path.join(d, "host_out.csv")], exe=exe, cwd=d)
    check("host-rejects-stdout", rc == 0 and out == "2,x,1\n" and not os.path.exists(os.path.join(d, "-")),
          "exit %d: %r %s" % (rc, out, err))
    for flag in (["--output", "out=/dev/full"], ["--rejects", "/dev/full"]):
        rc, out, err = run(["--input", "cam=" + csv] + flag, exe=exe)
        check("host-" + flag[0], rc == 1 and "cannot write '/dev/full': No space left on device" in err,
              "exit %d: %s" % (rc, err))
    rc, out, err = run(["--input", "cam=-", "--input", "cam=-"], exe=exe, stdin_text="")
    check("host-two-stdin", rc == 2 and "standard input can feed only one --input" in err, "exit %d: %s" % (rc, err))
    ndjson = os.path.join(d, "cam.NDJSON")
    write(ndjson, '{"ts":1,"id":4,"b":0.25}\n')
    rc, out, err = run(["--input", "cam=" + ndjson], exe=exe)
    check("host-ndjson", rc == 0 and out == "id,b\n4,0.25\n", "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["--input", "cam=-", "--input-format", "jsonl"], exe=exe, stdin_text='{"ts":1,"id":4,"b":0.25}\n')
    check("host-input-format", rc == 0 and out == "id,b\n4,0.25\n", "exit %d: %r %s" % (rc, out, err))
    windowed_dir = os.path.join(d, "host_windowed")
    rc, out, err = run(["build", WINDOWED_PATH, "-o", windowed_dir])
    windowed_exe = os.path.join(d, "host_windowed_exe")
    cc = subprocess.run([os.environ.get("CXX", "c++"), "-std=c++17", "-O0", *HOST_CXXFLAGS, "-I", windowed_dir,
                         os.path.join(windowed_dir, "main.cpp"), RUNTIME_LIB, "-lsimdjson", "-o", windowed_exe], capture_output=True, text=True)
    check("host-windowed-compile", rc == 0 and cc.returncode == 0, err + cc.stderr)
    if cc.returncode == 0:
        rc, out, err = signal_over_fifo(d, signal.SIGINT, exe=windowed_exe)
        rc2, out2, err2 = signal_before_header(d, exe=windowed_exe)
        check("host-SIGINT-before-header", rc2 == 130 and "stopped by SIGINT" in err2, "exit %d: %s" % (rc2, err2))
        check("host-fifo-SIGINT", rc == 130 and out == FIRST_WINDOW and "stopped by SIGINT" in err and
              "source cam: 3 read" in err, "exit %d: %r %s" % (rc, out, err))
    rc, out, err = run(["--input", "camra=" + csv], exe=exe)
    check("host-input-name", rc == 2 and "did you mean 'cam'?" in err, "exit %d: %s" % (rc, err))
    rc, out, err = run(["--input", "cam=" + csv], exe=exe)
    check("host-ok", rc == 0 and out == "id,b\n1,0.5\n3,\n", "exit %d: %r %s" % (rc, out, err))


with tempfile.TemporaryDirectory() as work:
    PROGRAM_PATH = os.path.join(work, "p.vsql")
    WINDOWED_PATH = os.path.join(work, "w.vsql")
    write(PROGRAM_PATH, PROGRAM)
    write(WINDOWED_PATH, WINDOWED)
    for test in [write_errors, directory_program, stdin_and_formats, cr_line_ends, signals, did_you_mean, stats_after_having, stats_of_union,
                 rejects_to_stdout, host_main]:
        sub = os.path.join(work, test.__name__)
        os.mkdir(sub)
        test(sub)

sys.exit(summary("run-io"))
