"""Optimised vs unoptimised output: the same bytes, but for float fields in their last bits.

Window slicing combines float partial sums per slice, so a FLOAT64 SUM/AVG/variance of an
optimised run may differ from the unoptimised one in its last bits (docs/decisions.md, "Issue
13: seeing the optimiser"). `compare(a, b)` holds two outputs equal when every line is equal
byte for byte, except that a number written as a float (with a '.' or an exponent, or
NaN/Infinity on one side) may differ by at most 1e-12 relative. Everything else -- integers,
timestamps, strings, the row order and count -- must be identical.
Used by tests/e2e/run_cases.py and tests/difftest/run_difftest.py.
"""

import math
import re

REL_TOL = 1e-12
# A number token; the text between tokens must be identical. The capturing group keeps the
# tokens in re.split's result (text, number, text, number, ..., text).
_NUMBER = re.compile(r"((?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.]))")


def _is_float_text(t):
    return "." in t or "e" in t or "E" in t


def close_floats(x, y):
    """Two number texts of which one is written as a float, equal within REL_TOL."""
    if not (_is_float_text(x) or _is_float_text(y)):
        return False  # integers (counts, sums of integers, ns timestamps) must be exact
    try:
        fx, fy = float(x), float(y)
    except ValueError:
        return False
    if not (math.isfinite(fx) and math.isfinite(fy)):
        return False
    return abs(fx - fy) <= REL_TOL * max(abs(fx), abs(fy))


def compare(a, b):
    """(same, tolerated, first_difference): same is True when the outputs are equal under the
    rule above; tolerated counts the float fields that differed within REL_TOL;
    first_difference describes the first line that differs beyond it ("" when same)."""
    if isinstance(a, bytes):
        a = a.decode("utf-8", "replace")
    if isinstance(b, bytes):
        b = b.decode("utf-8", "replace")
    if a == b:
        return True, 0, ""
    la, lb = a.split("\n"), b.split("\n")
    if len(la) != len(lb):
        return False, 0, "%d lines vs %d" % (len(la), len(lb))
    tolerated = 0
    for n, (x, y) in enumerate(zip(la, lb), 1):
        if x == y:
            continue
        px, py = _NUMBER.split(x), _NUMBER.split(y)
        ok = len(px) == len(py)
        here = 0
        for i, (s, t) in enumerate(zip(px, py)):
            if not ok:
                break
            if s == t:
                continue
            if i % 2 == 1 and close_floats(s, t):
                here += 1
            else:
                ok = False
        if not ok:
            return False, tolerated, "line %d: %r vs %r" % (n, x[:300], y[:300])
        tolerated += here
    return True, tolerated, ""


def float_columns(vlac, program, args=()):
    """The indices of the FLOAT32/FLOAT64 columns of each output of `program`, by output name,
    from `vlac explain --format json` (a large float prints without '.' or exponent, e.g.
    864691126039216128, so the text alone cannot tell it from an integer)."""
    import json
    import subprocess
    r = subprocess.run([vlac, "explain", "--format", "json", str(program)] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        return {}
    out = {}
    for o in json.loads(r.stdout)["outputs"]:
        visible = [c for c in o["columns"] if not c.get("hidden")]
        out[o["name"]] = {i for i, c in enumerate(visible) if c["type"] in ("FLOAT32", "FLOAT64")}
    return out


def compare_typed(a, b, floats):
    """As compare(), but the CSV fields in the column indices `floats` are floats whatever
    their text: they may differ within REL_TOL. For outputs whose floats print like integers."""
    import csv
    import io
    same, tolerated, why = compare(a, b)
    if same or not floats:
        return same, tolerated, why
    ra, rb = list(csv.reader(io.StringIO(a))), list(csv.reader(io.StringIO(b)))
    if len(ra) != len(rb):
        return False, 0, "%d rows vs %d" % (len(ra), len(rb))
    tolerated = 0
    for n, (x, y) in enumerate(zip(ra, rb), 1):
        if x == y:
            continue
        if len(x) != len(y):
            return False, tolerated, "line %d: %r vs %r" % (n, x, y)
        for i, (s, t) in enumerate(zip(x, y)):
            if s == t:
                continue
            try:
                fs, ft = float(s), float(t)
            except ValueError:
                return False, tolerated, "line %d: %r vs %r" % (n, x, y)
            if i not in floats or not (math.isfinite(fs) and math.isfinite(ft)) or abs(fs - ft) > REL_TOL * max(abs(fs), abs(ft)):
                return False, tolerated, "line %d: %r vs %r" % (n, x, y)
            tolerated += 1
    return True, tolerated, ""


def _selfcheck():
    assert compare(b"a,1.5\n", b"a,1.5\n") == (True, 0, "")
    assert compare("s,0.30000000000000004\n", "s,0.3\n")[:2] == (True, 1)
    assert compare("s,3\n", "s,3.0000000000000004\n")[:2] == (True, 1)
    assert not compare("s,3\n", "s,4\n")[0]
    assert not compare("n,1234567890123456\n", "n,1234567890123457\n")[0]  # integers are exact
    assert not compare("s,1.0001\n", "s,1.0002\n")[0]
    assert not compare("t,2024-01-01T00:00:00.5Z\n", "t,2024-01-01T00:00:00.6Z\n")[0]
    assert not compare("a\nb\n", "a\n")[0]
    assert not compare("x,NaN\n", "x,1.5\n")[0]
    assert compare_typed("v,n\n864691126039216128,1\n", "v,n\n864691126039216256,1\n", {0})[:2] == (True, 1)
    assert not compare_typed("v,n\n864691126039216128,1\n", "v,n\n864691126039216256,1\n", {1})[0]
    assert not compare_typed("v,n\n5,1\n", "v,n\n5,2\n", {0})[0]


_selfcheck()
