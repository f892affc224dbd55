#!/usr/bin/env python3
"""The benchmark suite's result check (bench/suite/suite.py): checksums do not depend on row
order, integers compare exactly, floats within the documented tolerance, text by crc32, NULLs are
skipped but counted; and the engine that differs from the others is the one marked "differs"."""
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "suite"))
import suite  # noqa: E402

failures = []


def check(name, condition):
    if not condition:
        failures.append(name)
        print(f"FAIL: {name}")


def checksum(folder, name, text):
    path = Path(folder) / name
    path.write_text(text)
    return suite.Checksum(path)


with tempfile.TemporaryDirectory() as d:
    header = "id,ts,avg,finger,max\n"
    a = checksum(d, "a.csv", header + "1,1795501800000000001,0.1,left,3\n2,1795501800000000002,0.2,right,\n")
    # The same rows in another order, 0.2 written as a float with a last-digit difference
    # (another summation order), 3 as a float64 of the same value: agree.
    b = checksum(d, "b.csv", header + "2,1795501800000000002,0.20000000000000004,right,\n1,1795501800000000001,0.1,left,3.0\n")
    check("row order and float rounding do not matter", not a.differences(b))
    # A timestamp off by 1 ns: integers are exact even at 1.8e18.
    c = checksum(d, "c.csv", header + "1,1795501800000000001,0.1,left,3\n2,1795501800000000003,0.2,right,\n")
    check("an integer off by one differs", any("ts" in x for x in a.differences(c)))
    # A float off by 1e-4 relative differs.
    e = checksum(d, "e.csv", header + "1,1795501800000000001,0.1,left,3\n2,1795501800000000002,0.20003,right,\n")
    check("a float off by 1e-4 differs", any("avg" in x for x in a.differences(e)))
    # Text compared exactly; swapped values in one column (a sum cannot see it) are equal sums,
    # but a changed value is not.
    f = checksum(d, "f.csv", header + "1,1795501800000000001,0.1,lefx,3\n2,1795501800000000002,0.2,right,\n")
    check("a changed text value differs", any("finger" in x for x in a.differences(f)))
    # A NULL that became a value, and a missing row.
    g = checksum(d, "g.csv", header + "1,1795501800000000001,0.1,left,3\n2,1795501800000000002,0.2,right,0\n")
    check("NULL versus 0 differs", any("max" in x for x in a.differences(g)))
    h = checksum(d, "h.csv", header + "1,1795501800000000001,0.1,left,3\n")
    check("a missing row differs", a.differences(h) == ["rows 2 vs 1"])
    # Three engines agree, one differs: that one is marked, whatever the order.
    results = [{"workload": "w", "engine": e, "checksum": cs}
               for e, cs in [("vlac", c), ("hand", a), ("duckdb-1t", b), ("sqlite", a)]]
    s = suite.Suite.__new__(suite.Suite)
    s.problems = []
    s.agree(results)
    check("the odd one out differs", [r["engine"] for r in results if not r["agrees"]] == ["vlac"])
    check("a difference is a problem", len(s.problems) == 1 and "vlac" in s.problems[0])

print("bench_suite_checksum: " + ("FAILED" if failures else "ok"))
sys.exit(1 if failures else 0)
