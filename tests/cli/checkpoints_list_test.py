#!/usr/bin/env python3
"""`vlac checkpoints DIR` over snapshot files written by a small encoder made from
docs/checkpoints.md alone (not from vlac's sources), so the documented format is checked too.

Expectations by hand: each valid snapshot is one line "ID  TIME  STATE_BYTES  NAME=READ ...",
the time in ISO-8601 UTC with milliseconds (from Python's datetime), the state size the length
of the state written; a file with a flipped bit is "damaged: checksum mismatch", a cut one
"damaged: truncated: K of N bytes", another version "damaged: unknown format version 9 ...";
.tmp files are neither listed nor removed. Exit 1 when DIR is missing or holds no (complete)
snapshot, 2 on usage errors.
Usage: checkpoints_list_test.py VLAC
"""

import datetime
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, summary

vlac = sys.argv[1]


def crc32c(data):
    """CRC-32C, bit by bit: reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def s(text):
    b = text.encode()
    return struct.pack("<I", len(b)) + b


def encode(id, time_ns, inputs, outputs, state, program="robot.vsql", program_hash=0x1234, version=2):
    """inputs: (name, stream, is_stdin, offset, line, read, accepted, rejected, no_line_end, crc, header)."""
    body = struct.pack("<QqQ", id, time_ns, program_hash) + s(program)
    body += struct.pack("<I", len(inputs))
    for name, stream, is_stdin, offset, line, read, accepted, rejected, no_end, crc, header in inputs:
        body += s(name) + s(stream) + struct.pack("<BQQQQQBI", is_stdin, offset, line, read, accepted, rejected, no_end, crc)
        body += s(header)
    body += struct.pack("<I", len(outputs))
    for name, size in outputs:
        body += s(name) + struct.pack("<Q", size)
    body += struct.pack("<Q", len(state)) + state
    total = 8 + 4 + 8 + len(body) + 4
    head = b"VLACSNAP" + struct.pack("<IQ", version, total)
    data = head + body
    return data + struct.pack("<I", crc32c(data))


def iso(ns):
    t = datetime.datetime.fromtimestamp(ns // 10**9, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ns % 10**9 // 10**6)


def run(*args):
    return subprocess.run([vlac, "checkpoints", *args], capture_output=True, text=True, timeout=60)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def fields(line):
    return line.split()


T1 = 1_764_773_517_123_456_789  # 2025-12-03T14:51:57.123Z
T2 = T1 + 10 * 10**9 + 5 * 10**6
CAMS = ("data/cams.csv", "cams", 0, 5000, 101, 100, 99, 1, 0, 0xDEADBEEF, "ts,cam\n")
STDIN = ("<stdin>", "imu", 1, 77, 4, 3, 3, 0, 1, 0, "ts,x\r\n")

with tempfile.TemporaryDirectory() as d:
    ck = os.path.join(d, "ck")
    os.mkdir(ck)

    # Usage and missing or empty directories.
    r = run()
    check("no directory is a usage error", r.returncode == 2 and "checkpoints needs a directory" in r.stderr, r)
    r = run(ck, ck)
    check("two directories is a usage error", r.returncode == 2, r)
    r = run("--bogus", ck)
    check("unknown option is a usage error", r.returncode == 2 and "unknown option '--bogus'" in r.stderr, r)
    r = run("--help")
    check("--help", r.returncode == 0 and r.stdout.startswith("usage: vlac checkpoints DIR"), r)
    r = run(os.path.join(d, "missing"))
    check("missing directory: exit 1", r.returncode == 1 and "missing" in r.stderr and "No such file" in r.stderr, r)
    check("missing directory is not created", not os.path.exists(os.path.join(d, "missing")))
    r = run(ck)
    check("empty directory: exit 1", r.returncode == 1 and "holds no snapshot" in r.stderr and r.stdout == "", r)

    # Two good snapshots, three damaged ones, a .tmp and an unrelated file.
    state1 = bytes(range(40))
    state2 = bytes(1000)
    write(os.path.join(ck, "snapshot-000001.vcp"), encode(1, T1, [CAMS], [("out.csv", 10)], state1))
    write(os.path.join(ck, "snapshot-000002.vcp"), encode(2, T2, [CAMS, STDIN], [("out.csv", 20), ("rej.txt", 0)], state2))
    good = encode(3, T2, [CAMS], [], b"xyz")
    flipped = bytearray(good)
    flipped[30] ^= 0x04
    write(os.path.join(ck, "snapshot-000003.vcp"), bytes(flipped))
    write(os.path.join(ck, "snapshot-000004.vcp"), encode(4, T2, [CAMS], [], b"xyz")[:50])
    write(os.path.join(ck, "snapshot-000005.vcp"), encode(5, T2, [], [], b"", version=9))
    write(os.path.join(ck, "snapshot-000006.vcp.tmp"), encode(6, T2, [], [], b""))
    write(os.path.join(ck, "notes.txt"), b"hello")
    full4 = len(encode(4, T2, [CAMS], [], b"xyz"))

    r = run(ck)
    check("listing: exit 0", r.returncode == 0 and r.stderr == "", r)
    lines = r.stdout.splitlines()
    check("a header and five snapshots", len(lines) == 6, r.stdout)
    if len(lines) == 6:
        check("header names the columns", fields(lines[0]) == ["id", "time", "(UTC)", "state", "bytes", "rows", "read"], lines[0])
        check("snapshot 1", fields(lines[1]) == ["1", iso(T1), "40", "data/cams.csv=100"], lines[1])
        check("snapshot 1 time by hand", iso(T1) == "2025-12-03T14:51:57.123Z", iso(T1))
        check("snapshot 2", fields(lines[2]) == ["2", iso(T2), "1000", "data/cams.csv=100", "<stdin>=3"], lines[2])
        check("snapshot 3: flipped bit", fields(lines[3])[0] == "3" and lines[3].endswith("damaged: checksum mismatch"), lines[3])
        check("snapshot 4: truncated", fields(lines[4])[0] == "4" and lines[4].endswith(f"damaged: truncated: 50 of {full4} bytes"), lines[4])
        check("snapshot 5: other version", fields(lines[5])[0] == "5" and "damaged: unknown format version 9" in lines[5], lines[5])
    check("the .tmp is left alone", os.path.exists(os.path.join(ck, "snapshot-000006.vcp.tmp")))

    # Only damaged snapshots: listed, exit 1.
    for i in (1, 2):
        os.remove(os.path.join(ck, f"snapshot-00000{i}.vcp"))
    r = run(ck)
    check("only damaged: exit 1", r.returncode == 1 and "holds no complete snapshot" in r.stderr, r)
    check("only damaged: still listed", len(r.stdout.splitlines()) == 4, r.stdout)

    # A file whose id differs from its name is damaged.
    write(os.path.join(ck, "snapshot-000010.vcp"), encode(11, T1, [], [], b""))
    r = run(ck)
    check("id differs from the name", "damaged: it holds snapshot 11" in r.stdout, r.stdout)

    # A path that is a file.
    r = run(os.path.join(ck, "notes.txt"))
    check("a file is not a directory: exit 1", r.returncode == 1 and "not a directory" in r.stderr, r)

sys.exit(summary("checkpoints_list"))
