#!/usr/bin/env python3
"""Generates the end-to-end golden cases of `vlac run` under tests/e2e/cases/.

Each case is a folder with `program.vsql`, its input CSV file(s), `args` (the command-line
arguments after the program, paths relative to the case folder) and `expected.csv` (the exact
stdout of `vlac run program.vsql <args>`).

The expectations are computed here, independently of every vlac component:

* the *values* by SQLite (in memory), running the batch-SQL equivalent of the program over the
  same rows (windows are materialised as a membership table, so windowed aggregates are plain
  `GROUP BY window, key` queries);
* the *streaming rules* that SQL cannot express -- which rows are late, when each window fires,
  the order of the output rows (LANGUAGE.md §5), the interleaving of several input files
  (§7) -- by the small, explicit Python model below (`watermark_items`, `run_windows`,
  `run_sessions`);
* the *text* by the `fmt` section below (§7's output format), self-checked at start-up.

Deterministic: fixed seeds, only `random.Random.random()/gauss()/...` on integer seeds, whose
sequences are stable across Python 3 versions. Standard library only.

    python3 tests/e2e/make_cases.py            # (re)writes tests/e2e/cases/
    python3 tests/e2e/make_cases.py --only session_grasps
"""

import argparse
import calendar
import datetime
import math
import pathlib
import random
import re
import shutil
import sqlite3
import struct
import sys
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

HERE = pathlib.Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"

NS = 1_000_000_000
MS = 1_000_000
US = 1_000
INF = float("inf")

# ============================================================================================
# fmt: values to and from text (LANGUAGE.md §7)
# ============================================================================================


def f32(x):
    """Rounds a double to the nearest IEEE single (the value a C++ `float` would hold)."""
    if x is None:
        return None
    if math.isnan(x) or math.isinf(x):
        return x
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(INF, x)


def _f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _f32_from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b & 0xFFFFFFFF))[0]


def is_f32(x):
    return x is None or math.isnan(x) or f32(x) == x


def parse_f32(text):
    """The float32 nearest to the decimal `text` (correctly rounded, ties to even), computed
    exactly with fractions: going through a double first could round twice."""
    t = text.strip()
    low = t.lower()
    if low in ("nan", "+nan", "-nan"):
        return float("nan")
    if low in ("inf", "+inf", "infinity", "+infinity"):
        return INF
    if low in ("-inf", "-infinity"):
        return -INF
    exact = Fraction(t)
    if exact == 0:
        return -0.0 if t.startswith("-") else 0.0
    c = f32(float(exact))  # float(Fraction) is correctly rounded (integer true division)
    if math.isinf(c):
        return c
    b = _f32_bits(c)
    cands = [c]
    for nb in (b - 1, b + 1):
        v = _f32_from_bits(nb)
        if not math.isinf(v) and not math.isnan(v) and (v > 0) == (c > 0):
            cands.append(v)
    best = min(cands, key=lambda v: (abs(Fraction(v) - exact), _f32_bits(v) & 1))
    return best


def _digits_exp(dec):
    """A positive finite Decimal -> (digit string without leading/trailing zeros, e) with
    value = d0.d1d2... x 10^e."""
    sign, digits, exponent = dec.as_tuple()
    ds = "".join(map(str, digits)).lstrip("0")
    if not ds:
        return "0", 0
    stripped = ds.rstrip("0")
    exponent += len(ds) - len(stripped)
    return stripped, exponent + len(stripped) - 1


def _layout(neg, digits, e):
    """std::to_chars' plain format: fixed or scientific, whichever is shorter; ties: fixed."""
    if digits == "0":
        fixed = "0"
        sci = "0e+00"
    else:
        if e >= 0:
            if len(digits) <= e + 1:
                fixed = digits + "0" * (e + 1 - len(digits))
            else:
                fixed = digits[: e + 1] + "." + digits[e + 1:]
        else:
            fixed = "0." + "0" * (-e - 1) + digits
        sci = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        sci += "e" + ("+" if e >= 0 else "-") + "%02d" % abs(e)
    body = fixed if len(fixed) <= len(sci) else sci
    return ("-" if neg else "") + body


def _special(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return None


def fmt_f64(x):
    s = _special(x)
    if s:
        return s
    neg = math.copysign(1.0, x) < 0
    # repr gives the shortest digits that round-trip, the nearest such if several (as Ryu).
    digits, e = _digits_exp(Decimal(repr(abs(x))))
    return _layout(neg, digits, e)


def fmt_f32(x):
    s = _special(x)
    if s:
        return s
    assert is_f32(x), x
    neg = math.copysign(1.0, x) < 0
    a = abs(x)
    if a == 0:
        return _layout(neg, "0", 0)
    exact = Decimal(a)  # exact binary value
    for n in range(1, 10):
        cands = set()
        for rounding in (ROUND_FLOOR, ROUND_CEILING, ROUND_HALF_EVEN):
            cands.add(Context(prec=n, rounding=rounding).plus(exact))
        ok = [c for c in cands if parse_f32(str(c)) == a]
        if ok:
            # The closest; between two equally close ones (138.046875 as 138.04687 or 138.04688)
            # the one rounding half to even gives, as std::to_chars does (round_to_nearest).
            even = Context(prec=n, rounding=ROUND_HALF_EVEN).plus(exact)
            best = min(ok, key=lambda c: (abs(c - exact), c != even, c))
            digits, e = _digits_exp(best)
            return _layout(neg, digits, e)
    raise AssertionError("no float32 form for %r" % x)


_EPOCH = datetime.datetime(1970, 1, 1)


def fmt_ts(ns):
    """ISO-8601 UTC, trailing fraction zeros dropped, no fraction when zero."""
    sec, frac = divmod(ns, NS)  # floor: also right before 1970
    s = (_EPOCH + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        s += "." + ("%09d" % frac).rstrip("0")
    return s + "Z"


_ISO = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)?$")


def parse_ts(text):
    t = text.strip()
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    m = _ISO.match(t)
    if not m:
        raise ValueError("bad timestamp %r" % text)
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    frac = int((m.group(7) or "").ljust(9, "0") or 0)
    sec = (datetime.datetime(y, mo, d, h, mi, s) - _EPOCH) // datetime.timedelta(seconds=1)
    zone = m.group(8)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        sec -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return sec * NS + frac


def csv_field(s):
    """RFC 4180 quoting, only when needed; the empty string is `""`."""
    if s == "" or any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def fmt_value(v, typ, ts_mode="iso"):
    if v is None:
        return ""
    if typ in ("INT32", "INT64", "INTERVAL"):
        assert isinstance(v, int) and not isinstance(v, bool), (v, typ)
        lim = 31 if typ == "INT32" else 63
        assert -(1 << lim) <= v < (1 << lim), (v, typ)
        return str(v)
    if typ == "FLOAT64":
        return fmt_f64(float(v))
    if typ == "FLOAT32":
        return fmt_f32(float(v))
    if typ == "BOOL":
        assert v in (0, 1), v
        return "true" if v else "false"
    if typ == "TIMESTAMP":
        assert isinstance(v, int), v
        return str(v) if ts_mode == "ns" else fmt_ts(v)
    if typ == "STRING":
        return csv_field(v)
    raise AssertionError(typ)


def _fmt_selfcheck():
    for x, want in [(2.0, "2"), (0.1, "0.1"), (1e-7, "1e-07"), (123456.0, "123456"),
                    (1e20, "1e+20"), (1234567.5, "1234567.5"), (-0.0, "-0"), (0.0, "0"),
                    (1.5e20, "1.5e+20"), (0.001, "0.001"), (1e-5, "1e-05"), (-2.5, "-2.5"),
                    (1e16, "1e+16"), (123e15, "1.23e+17"), (1e15, "1e+15"), (100.0, "100"),
                    (float("nan"), "NaN"), (INF, "Infinity"), (-INF, "-Infinity"),
                    (0.30000000000000004, "0.30000000000000004"), (5e-324, "5e-324")]:
        got = fmt_f64(x)
        assert got == want, (x, got, want)
    for text, want in [("0.4", "0.4"), ("0.1", "0.1"), ("16777216", "16777216"),
                       ("16777217", "16777216"), ("3.4028235e38", "3.4028235e+38"),
                       ("1e-45", "1e-45"), ("0.369941", "0.369941"), ("0.05", "0.05"),
                       ("-0", "-0"), ("1e-07", "1e-07"), ("123456", "123456"), ("2", "2"),
                       ("1.17549435e-38", "1.1754944e-38"), ("7.0e-45", "7e-45")]:
        got = fmt_f32(parse_f32(text))
        assert got == want, (text, got, want)
    assert parse_f32("0.05") == struct.unpack("<f", struct.pack("<f", 0.05))[0]
    assert parse_f32("0.05") > 0.05  # float32(0.05) widened to double is above the double 0.05
    # a decimal exactly halfway between two floats (2^24 + 1) rounds to even
    assert parse_f32("16777217") == 16777216.0 and parse_f32("16777219") == 16777220.0
    for ns, want in [(0, "1970-01-01T00:00:00Z"), (1, "1970-01-01T00:00:00.000000001Z"),
                     (-750 * MS, "1969-12-31T23:59:59.25Z"),
                     (parse_ts("2026-11-24T06:31:29.5Z"), "2026-11-24T06:31:29.5Z"),
                     (parse_ts("2026-11-24T07:31:29.500+01:00"), "2026-11-24T06:31:29.5Z"),
                     (parse_ts("2026-11-24T06:31:29"), "2026-11-24T06:31:29Z")]:
        got = fmt_ts(ns)
        assert got == want, (ns, got, want)
    assert parse_ts("2026-11-24T06:31:29.5Z") == calendar.timegm((2026, 11, 24, 6, 31, 29)) * NS + NS // 2
    assert [csv_field(s) for s in ["a", "", "a,b", 'say "hi"', "x\ny", "a b"]] == \
        ["a", '""', '"a,b"', '"say ""hi"""', '"x\ny"', "a b"]
    assert fmt_value(None, "FLOAT64") == "" and fmt_value(1, "BOOL") == "true"
    assert fmt_value(-7, "INT32") == "-7" and fmt_value(10**9, "TIMESTAMP", "ns") == "1000000000"


# ============================================================================================
# Input files: writing them, and reading them back as vlac must (§7)
# ============================================================================================

SQL_TYPE = {"BOOL": "INTEGER", "INT32": "INTEGER", "INT64": "INTEGER", "FLOAT32": "REAL",
            "FLOAT64": "REAL", "TIMESTAMP": "INTEGER", "STRING": "TEXT"}


def write_input_csv(path, header, rows, newline="\n", bom=False):
    """rows: lists of field texts; None is written as an unquoted empty field (NULL)."""
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join("" if f is None else csv_field(f) for f in r))
    data = newline.join(lines) + newline
    raw = data.encode("utf-8")
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    path.write_bytes(raw)


def read_csv_records(path):
    """A small RFC 4180 reader that, unlike the csv module, tells NULL (unquoted empty field)
    from the empty string (`""`)."""
    text = path.read_bytes().decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    recs, rec, i, n = [], [], 0, len(text)
    field, quoted = [], False
    while i < n:
        c = text[i]
        if c == '"' and not field and not quoted:
            quoted = True
            i += 1
            while True:
                j = text.index('"', i)
                field.append(text[i:j])
                if j + 1 < n and text[j + 1] == '"':
                    field.append('"')
                    i = j + 2
                else:
                    i = j + 1
                    break
            continue
        if c == ",":
            rec.append("".join(field) if (field or quoted) else None)
            field, quoted = [], False
        elif c in "\r\n":
            rec.append("".join(field) if (field or quoted) else None)
            field, quoted = [], False
            recs.append(rec)
            rec = []
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
        else:
            field.append(c)
        i += 1
    if field or quoted or rec:
        rec.append("".join(field) if (field or quoted) else None)
        recs.append(rec)
    return recs


def parse_field(text, typ):
    if text is None:
        return None
    if typ in ("INT32", "INT64"):
        v = int(text)
        lim = 31 if typ == "INT32" else 63
        assert -(1 << lim) <= v < (1 << lim)
        return v
    if typ == "FLOAT32":
        return parse_f32(text)
    if typ == "FLOAT64":
        return float(text)  # correctly rounded
    if typ == "BOOL":
        low = text.lower()
        assert low in ("true", "false", "1", "0"), text
        return 1 if low in ("true", "1") else 0
    if typ == "TIMESTAMP":
        return parse_ts(text)
    if typ == "STRING":
        return text
    raise AssertionError(typ)


class Source:
    """A source stream: its columns [(name, type)], event-time column and watermark bound."""

    def __init__(self, name, cols, ts, bound_ns):
        self.name, self.cols, self.ts, self.bound = name, cols, ts, bound_ns
        self.files = []  # file names, relative to the case folder
        self.rows = []   # per file: list of dicts (parsed values), in file (= arrival) order

    def read(self, case_dir):
        for fname in self.files:
            recs = read_csv_records(case_dir / fname)
            header, body = recs[0], recs[1:]
            types = dict(self.cols)
            out = []
            for r in body:
                assert len(r) == len(header), (fname, r)
                row = {c: None for c, _ in self.cols}
                for h, f in zip(header, r):
                    if h in types:
                        row[h] = parse_field(f, types[h])
                assert row[self.ts] is not None
                out.append(row)
            self.rows.append(out)


def interleave(sources):
    """§7: rows of different files are interleaved by the event time of each file's next row;
    ties go to the stream declared first (then to the file given first). Returns the arrival
    order as [(source, row)]."""
    heads = []
    for si, s in enumerate(sources):
        for fi, rows in enumerate(s.rows):
            heads.append([si, fi, rows, 0])
    out = []
    while True:
        live = [h for h in heads if h[3] < len(h[2])]
        if not live:
            return out
        h = min(live, key=lambda h: (h[2][h[3]][sources[h[0]].ts], h[0], h[1]))
        out.append((sources[h[0]], h[2][h[3]]))
        h[3] += 1


# ============================================================================================
# The streaming model: watermarks, lateness, firing and output order (§5)
# ============================================================================================


def watermark_items(arrivals, feeding, eof_early=False):
    """The input of an operator fed by the source streams `feeding`, as a list of items:
    ('row', seq, ts) for each arriving row, followed by ('wm', W) whenever the operator's
    watermark W (the minimum of its inputs' W = max(ts seen) - bound) rises; ('wm', +inf) at
    the end of input. With eof_early, a source's W becomes +inf right after its last row (the
    other reading of "end of input" for several files; cases assert both agree)."""
    names = {s.name for s in feeding}
    mx = {s.name: -INF for s in feeding}
    bound = {s.name: s.bound for s in feeding}
    left = {s.name: sum(1 for src, _ in arrivals if src.name == s.name) for s in feeding}
    w_src = {s.name: -INF for s in feeding}
    items, w = [], -INF
    for seq, (src, row) in enumerate(arrivals):
        if src.name not in names:
            continue
        t = row[src.ts]
        items.append(("row", seq, t))
        mx[src.name] = max(mx[src.name], t)
        w_src[src.name] = mx[src.name] - bound[src.name]
        left[src.name] -= 1
        if eof_early and left[src.name] == 0:
            w_src[src.name] = INF
        nw = min(w_src.values())
        if nw > w:
            w = nw
            items.append(("wm", w))
    if w < INF:
        items.append(("wm", INF))
    return items


def tumble(size, offset=0):
    def assign(t):
        s = (t - offset) // size * size + offset  # floor division, also below zero
        return [(s, s + size)]
    return assign


def hop(slide, size, offset=0):
    assert size % slide == 0

    def assign(t):
        k = (t - offset) // slide
        out = []
        while k * slide + offset + size > t:
            out.append((k * slide + offset, k * slide + offset + size))
            k -= 1
        return out
    return assign


def cumulate(step, max_size, offset=0):
    assert max_size % step == 0

    def assign(t):
        s = (t - offset) // max_size * max_size + offset
        return [(s, s + j * step) for j in range(1, max_size // step + 1) if s + j * step > t]
    return assign


class WindowRun:
    """What the model decided: per firing (index of the 'wm' item that caused it) the
    (wid, key) groups in output order; the (seq, wid) membership of accepted rows; window
    bounds per wid; and the late rows."""

    def __init__(self):
        self.firings = []      # [(item_index, [(wid, key)])]
        self.membership = []   # [(seq, wid)]
        self.bounds = {}       # wid -> (start, end)
        self.late = []         # seqs


def run_windows(items, passing, assign):
    """TUMBLE / HOP / CUMULATE. `passing`: seq -> group key (tuple) of the rows that pass the
    query's WHERE (other rows only move the watermark, through the 'wm' items)."""
    run = WindowRun()
    w = -INF
    open_ = {}  # (start, end) -> {"first": {key: first seq}, "rows": [seqs]}
    for idx, it in enumerate(items):
        if it[0] == "row":
            _, seq, t = it
            if seq not in passing:
                continue
            key = passing[seq]
            wins = [win for win in assign(t) if win[1] > w]  # windows not fired yet
            if not wins:
                run.late.append(seq)
                continue
            for win in wins:
                st = open_.setdefault(win, {"first": {}, "rows": []})
                st["first"].setdefault(key, seq)
                st["rows"].append(seq)
        else:
            if it[1] <= w:
                continue
            w = it[1]
            fire = sorted((win for win in open_ if win[1] <= w), key=lambda win: (win[1], win[0]))
            if not fire:
                continue
            groups = []
            for win in fire:
                st = open_.pop(win)
                wid = len(run.bounds)
                run.bounds[wid] = win
                run.membership.extend((seq, wid) for seq in st["rows"])
                for key, _first in sorted(st["first"].items(), key=lambda kv: kv[1]):
                    groups.append((wid, key))
            run.firings.append((idx, groups))
    assert not open_
    return run


def run_sessions(items, passing, gap):
    """SESSION(gap), per group key, event by event: a row's [t, t+gap) merges with every open
    session of its key that it overlaps (strictly: rows exactly `gap` apart do not merge); a
    row is late when its merged session's end is <= W; a session fires (and is gone) when
    W >= its end."""
    run = WindowRun()
    w = -INF
    open_ = {}  # key -> [session dict(start, end, first, rows)]
    for idx, it in enumerate(items):
        if it[0] == "row":
            _, seq, t = it
            if seq not in passing:
                continue
            key = passing[seq]
            lst = open_.setdefault(key, [])
            over = [s for s in lst if t < s["end"] and s["start"] < t + gap]
            start = min([t] + [s["start"] for s in over])
            end = max([t + gap] + [s["end"] for s in over])
            if end <= w:
                run.late.append(seq)
                continue
            merged = {"start": start, "end": end,
                      "first": min([seq] + [s["first"] for s in over]),
                      "rows": sorted([seq] + [r for s in over for r in s["rows"]])}
            open_[key] = [s for s in lst if s not in over] + [merged]
        else:
            if it[1] <= w:
                continue
            w = it[1]
            fire = []
            for key, lst in open_.items():
                for s in lst:
                    if s["end"] <= w:
                        fire.append((s["end"], s["start"], s["first"], key, s))
                open_[key] = [s for s in lst if s["end"] > w]
            if not fire:
                continue
            fire.sort(key=lambda f: f[:3])
            groups = []
            for end, start, _first, key, s in fire:
                wid = len(run.bounds)
                run.bounds[wid] = (start, end)
                run.membership.extend((seq, wid) for seq in s["rows"])
                groups.append((wid, key))
            run.firings.append((idx, groups))
    assert all(not lst for lst in open_.values())
    return run


# ============================================================================================
# SQLite: the batch equivalent
# ============================================================================================


def _wrap(v, bits):
    if v is None:
        return None
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def _vfmod(a, b):
    if a is None or b is None or b == 0:
        return None
    return math.fmod(a, b)


def _cast_int(x, bits):
    if x is None:
        return None
    if isinstance(x, int):
        return x
    if math.isnan(x) or math.isinf(x):
        return None
    v = int(x)  # truncates toward zero
    return v if -(1 << (bits - 1)) <= v < (1 << (bits - 1)) else None


class Db:
    """An in-memory SQLite database holding a case's sources (one table each, `seq` = global
    arrival position, rows inserted in arrival order) plus the model's tables."""

    def __init__(self, sources, arrivals):
        assert sqlite3.sqlite_version_info < (3, 43, 0), (
            "SQLite %s sums floats with compensation; the float sums of these cases assume "
            "plain double addition in scan order (sqlite < 3.43)" % sqlite3.sqlite_version)
        self.c = sqlite3.connect(":memory:")
        self.c.execute("PRAGMA case_sensitive_like = ON")  # SQL's LIKE is case-sensitive
        self.c.create_function("f32", 1, f32, deterministic=True)
        self.c.create_function("wrap32", 1, lambda v: _wrap(v, 32), deterministic=True)
        self.c.create_function("wrap64", 1, lambda v: _wrap(v, 64), deterministic=True)
        self.c.create_function("mul64", 2, lambda a, b: None if a is None or b is None
                               else _wrap(a * b, 64), deterministic=True)
        self.c.create_function("vfmod", 2, _vfmod, deterministic=True)
        self.c.create_function("cast_i32", 1, lambda x: _cast_int(x, 32), deterministic=True)
        self.c.create_function("cast_i64", 1, lambda x: _cast_int(x, 64), deterministic=True)
        self.n = 0
        for s in sources:
            cols = ", ".join('"%s" %s' % (c, SQL_TYPE[t]) for c, t in s.cols)
            self.c.execute('CREATE TABLE "%s" (seq INTEGER PRIMARY KEY, %s)' % (s.name, cols))
        for seq, (s, row) in enumerate(arrivals):
            names = [c for c, _ in s.cols]
            self.c.execute('INSERT INTO "%s" (seq, %s) VALUES (?, %s)' % (
                s.name, ", ".join('"%s"' % c for c in names), ", ".join("?" * len(names))),
                [seq] + [row[c] for c in names])

    def q(self, sql, params=()):
        return self.c.execute(sql, params).fetchall()

    def columns(self, table):
        return [r[1] for r in self.q('PRAGMA table_info("%s")' % table)]

    def tag(self):
        self.n += 1
        return self.n

    def passing(self, table, keys, where):
        """seq -> key tuple of the rows of `table` that satisfy `where`."""
        ksql = ", ".join(keys) if keys else "NULL"
        rows = self.q("SELECT seq, %s FROM %s WHERE %s ORDER BY seq" % (ksql, table, where))
        return {r[0]: (tuple(r[1:]) if keys else ()) for r in rows}

    def _grouped(self, table, keys, select, where, having, wid_sql, joins):
        """GROUP BY wid, keys with every group's rows visited in arrival order: the rows are
        copied to a table indexed on (wid, keys, seq) and the query is forced onto that index,
        so SQLite needs no sorter and its float sums add up in arrival order (asserted)."""
        n = self.tag()
        shadow = {"window_start", "window_end", "window_time"} if joins else set()
        cols = [c for c in self.columns(table) if c not in shadow]
        extra = ", w.window_start, w.window_end, w.window_time" if joins else ""
        self.c.execute(
            "CREATE TABLE x%d AS SELECT %s AS wid%s, %s FROM %s ORDER BY 1, v.seq" % (
                n, wid_sql, extra, ", ".join('v."%s"' % c for c in cols), joins or "%s v" % table))
        self.c.execute("CREATE INDEX ix%d ON x%d (wid, %s)" % (n, n, ", ".join(keys + ["seq"])))
        gb = ", ".join(["wid"] + keys)
        sql = "SELECT %s, %s FROM x%d INDEXED BY ix%d WHERE %s GROUP BY %s%s" % (
            gb, ", ".join(e for e, _, _ in select), n, n, where, gb,
            (" HAVING " + having) if having else "")
        plan = " ".join(str(r) for r in self.q("EXPLAIN QUERY PLAN " + sql))
        assert "TEMP B-TREE" not in plan, plan
        return {(r[0], tuple(r[1:1 + len(keys)])): r[1 + len(keys):] for r in self.q(sql)}

    def window_agg(self, table, run, keys, select, where="1", having=None):
        """Aggregates per (window, key) over the model's membership; returns the output rows in
        the model's order, each with the item index of its firing."""
        n = self.tag()
        self.c.execute("CREATE TABLE win%d (wid INTEGER PRIMARY KEY, window_start INTEGER, "
                       "window_end INTEGER, window_time INTEGER)" % n)
        self.c.executemany("INSERT INTO win%d VALUES (?, ?, ?, ?)" % n,
                           [(wid, s, e, e - 1) for wid, (s, e) in run.bounds.items()])
        self.c.execute("CREATE TABLE mem%d (seq INTEGER, wid INTEGER)" % n)
        self.c.executemany("INSERT INTO mem%d VALUES (?, ?)" % n, run.membership)
        joins = "mem%d m JOIN win%d w ON w.wid = m.wid JOIN %s v ON v.seq = m.seq" % (n, n, table)
        vals = self._grouped(table, keys, select, where, having, "m.wid", joins)
        out = []
        for idx, groups in run.firings:
            for wid, key in groups:
                if (wid, key) in vals:  # absent: HAVING dropped it
                    out.append((idx, run.bounds[wid], vals[(wid, key)]))
        assert len(out) == len(vals)
        return out

    def group_agg(self, table, keys, select, where="1", having=None):
        """GROUP BY without a window: one emission at the end, groups in order of first
        appearance (first row that passes WHERE)."""
        first = {}
        for seq, key in sorted(self.passing(table, keys, where).items()):
            first.setdefault(key, seq)
        vals = self._grouped(table, keys, select, where, having, "0", None)
        return [vals[(0, key)] for key in sorted(first, key=first.get) if (0, key) in vals]

    def global_agg(self, table, select, where="1"):
        sql = "SELECT %s FROM %s WHERE %s" % (", ".join(e for e, _, _ in select), table, where)
        plan = " ".join(str(r) for r in self.q("EXPLAIN QUERY PLAN " + sql))
        assert "TEMP B-TREE" not in plan and "INDEX" not in plan, plan  # rowid (= arrival) order
        rows = self.q(sql)
        assert len(rows) == 1
        return rows

    def project(self, table, select, where="1"):
        return self.q("SELECT %s FROM %s WHERE %s ORDER BY seq" % (
            ", ".join(e for e, _, _ in select), table, where))

    def materialise(self, name, select, out_rows, time_col="window_time"):
        """Stores a window aggregate's output as table `name` (seq = emission order) with its
        event time column (window_time), so a downstream query can read it."""
        names = [nm for _, nm, _ in select]
        self.c.execute('CREATE TABLE "%s" (seq INTEGER PRIMARY KEY, %s, %s INTEGER)' % (
            name, ", ".join('"%s"' % c for c in names), time_col))
        for seq, (_idx, (_s, e), vals) in enumerate(out_rows):
            self.c.execute('INSERT INTO "%s" VALUES (?, %s, ?)' % (name, ", ".join("?" * len(names))),
                           [seq] + list(vals) + [e - 1])


def downstream_items(upstream_items, out_rows):
    """The item stream a window aggregate hands downstream: at each firing its result rows
    (event time window_time = end - 1ns), then the watermark that caused them (§5: results
    before the watermark). Its output watermark is its input's: every row it can still emit
    has window_time >= W."""
    by_idx = {}
    for seq, (idx, (_s, e), _vals) in enumerate(out_rows):
        by_idx.setdefault(idx, []).append(("row", seq, e - 1))
    items = []
    for idx, it in enumerate(upstream_items):
        if it[0] == "wm":
            items.extend(by_idx.get(idx, []))
            items.append(it)
    return items


# ============================================================================================
# Cases
# ============================================================================================

T0 = parse_ts("2026-11-24T06:30:00Z")


class Case:
    generator = "make_cases.py"  # named in each program's header; see clean_cases()

    def __init__(self, name, title):
        self.name, self.title = name, title
        self.dir = CASES_DIR / name
        self.sources = []
        self.notes = []
        self.ts_mode = "iso"
        self.extra_args = []
        self.input_order = None  # order of --input flags; default: declaration order

    def source(self, name, cols, ts, bound_ns, files=None):
        s = Source(name, cols, ts, bound_ns)
        s.files = files or [name + ".csv"]
        self.sources.append(s)
        return s

    def write_input(self, src, rows, fname=None, **kw):
        """rows: lists of field texts in `src.cols` order (None = NULL)."""
        write_input_csv(self.dir / (fname or src.files[0]), [c for c, _ in src.cols], rows, **kw)

    def load(self):
        for s in self.sources:
            s.rows = []
            s.read(self.dir)
        self.arrivals = interleave(self.sources)
        self.db = Db(self.sources, self.arrivals)
        return self.db

    def items(self, *feeding, eof_early=False):
        return watermark_items(self.arrivals, feeding or self.sources, eof_early)

    def finish(self, program, select, rows):
        header = [nm for _, nm, _ in select]
        assert len(set(header)) == len(header)
        lines = [",".join(csv_field(h) for h in header)]
        for r in rows:
            assert len(r) == len(select)
            lines.append(",".join(fmt_value(v, typ, self.ts_mode) for v, (_, _, typ) in zip(r, select)))
        (self.dir / "expected.csv").write_text("\n".join(lines) + "\n")
        doc = ["-- e2e case %s: %s" % (self.name, self.title)]
        doc += ["-- " + n for n in self.notes]
        doc.append(generated_marker(self.generator))
        (self.dir / "program.vsql").write_text("\n".join(doc) + "\n\n" + program.strip() + "\n")
        order = self.input_order or [s.name for s in self.sources]
        by = {s.name: s for s in self.sources}
        args = []
        for nm in order:
            for f in by[nm].files:
                args.append("--input %s=%s" % (nm, f))
        if self.ts_mode == "ns":
            args.append("--timestamps ns")
        args += self.extra_args
        (self.dir / "args").write_text(" ".join(args) + "\n")
        return len(rows)


def generated_marker(generator):
    return "-- (generated by tests/e2e/%s; edit that, not this file)" % generator


def clean_cases(generator):
    """Removes the case folders that `generator` wrote (their program.vsql names it), so that a
    full regeneration drops stale cases but keeps those of the other generator
    (make_join_cases.py writes into the same cases/ folder)."""
    if not CASES_DIR.exists():
        return
    for d in sorted(CASES_DIR.iterdir()):
        prog = d / "program.vsql"
        if d.is_dir() and prog.is_file() and generated_marker(generator) in prog.read_text():
            shutil.rmtree(d)


def iso(ns):
    return fmt_ts(ns)


def ftext(x, sig=6):
    """A sensor's printed value: `sig` significant digits, no exponent for ordinary values."""
    return "%.*g" % (sig, x)


CAMERA_COLS = [("ts", "TIMESTAMP"), ("cam_id", "INT32"), ("frame_id", "INT64"),
               ("brightness", "FLOAT32"), ("objects", "INT32")]

SPEC_PROGRAM = """
CREATE STREAM camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32,
  frame_id    INT64,
  brightness  FLOAT32,
  objects     INT32,
  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND
);

CREATE STREAM cam_stats AS
SELECT cam_id, window_start, window_end,
       COUNT(*) AS frames, AVG(brightness) AS mean_brightness, MAX(objects) AS max_objects
FROM TUMBLE(camera, ts, INTERVAL '1' SECOND)
WHERE brightness > 0.05
GROUP BY cam_id, window_start, window_end;
"""

CAM_STATS_SELECT = [("cam_id", "cam_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
                    ("window_end", "window_end", "TIMESTAMP"), ("COUNT(*)", "frames", "INT64"),
                    ("AVG(brightness)", "mean_brightness", "FLOAT64"),
                    ("MAX(objects)", "max_objects", "INT32")]


def gen_cameras(rng, start_ns, seconds, cams, *, min_lat=3 * MS, max_disorder=40 * MS,
                stragglers=0, straggler_lat=(60 * MS, 400 * MS), covered=(), drop=0.004,
                null_objects=0.015, null_brightness=0.0, force_005=0, drop_bursts=()):
    """Frames of robot cameras as the host receives them, as field texts in CAMERA_COLS order,
    in arrival order. cams: [(cam_id, rate in mHz, phase ns, ts precision ns, base brightness)].
    Transport latency is in [min_lat, min_lat + max_disorder], so rows trail each other by at
    most max_disorder, except `stragglers` frames, delayed by straggler_lat."""
    frames = []
    for cam_id, rate_mhz, phase, prec, base in cams:
        n = seconds * rate_mhz // 1000
        for k in range(n):
            nominal = start_ns + phase + k * 10**12 // rate_mhz
            jitter = int(max(-5000, min(5000, rng.gauss(0, 1500)))) * US
            ts = (nominal + jitter) // prec * prec
            gone = rng.random() < drop or any(c == cam_id and a <= ts - start_ns < b
                                             for c, a, b in drop_bursts)
            lat = min_lat + int(rng.random() * max_disorder)
            rel = (ts - start_ns) / NS
            is_covered = any(c == cam_id and a <= rel < b for c, a, b in covered)
            if is_covered:
                b = 0.01 + 0.03 * rng.random()
                obj = 0
            else:
                b = base + 0.04 * math.sin(2 * math.pi * rel / 7.0) + rng.gauss(0, 0.012)
                obj = max(0, min(6, int(round(rng.gauss(3, 1.3)))))
            btext = ftext(b)
            if rng.random() < null_brightness:
                btext = None
            otext = None if rng.random() < null_objects else str(obj)
            if not gone:
                frames.append([ts + lat, cam_id, ts, [iso(ts), str(cam_id), str(k), btext, otext],
                               is_covered])
    if force_005:
        cov = [f for f in frames if f[4]]
        for f in rng.sample(cov, min(force_005, len(cov))):
            f[3][3] = "0.05"  # the float32 0.05 is above the double 0.05: it passes the filter
    if stragglers:
        for f in rng.sample(frames[len(frames) // 10:], stragglers):
            f[0] = f[2] + rng.randint(*straggler_lat)
    frames.sort(key=lambda f: (f[0], f[1], f[2]))
    return [f[3] for f in frames]


def partly_late(run, items, assign):
    """Rows accepted into only some of their windows (the others had fired)."""
    ts = {it[1]: it[2] for it in items if it[0] == "row"}
    counts = {}
    for seq, _wid in run.membership:
        counts[seq] = counts.get(seq, 0) + 1
    return sum(1 for seq, n in counts.items() if n < len(assign(ts[seq])))


def late_note(case, n_late, n_rows, what="rows"):
    case.notes.append("%d of the %d %s are late (their windows have fired) and are dropped." % (
        n_late, n_rows, what))


# --------------------------------------------------------------------------------------------


def case_spec_cam_stats():
    c = Case("spec_cam_stats", "the program of LANGUAGE.md §1 over two cameras, 8 s")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    rng = random.Random(101)
    rows = gen_cameras(rng, T0 + 400 * MS, 8, [(1, 30000, 0, US, 0.42), (2, 29970, 23 * MS, 1, 0.38)],
                       stragglers=10, straggler_lat=(55 * MS, 450 * MS),
                       covered=[(2, 4.3, 5.35)], force_005=2, null_brightness=0.01)
    c.write_input(cam, rows)
    db = c.load()
    items = c.items()
    run = run_windows(items, db.passing("camera", ["cam_id"], "brightness > 0.05"), tumble(NS))
    out = db.window_agg("camera", run, ["cam_id"], CAM_STATS_SELECT, "brightness > 0.05")
    c.notes.append("Rows arrive out of order by up to 40 ms (bound 50 ms), plus 10 stragglers")
    c.notes.append("delayed 55-450 ms; cam 2's lens is covered from about 4.7 s to 5.75 s.")
    late_note(c, len(run.late), len(c.arrivals))
    return c.finish(SPEC_PROGRAM, CAM_STATS_SELECT, [v for _, _, v in out])


def case_empty_windowed():
    c = Case("empty_windowed", "§1's windowed program over an input with a header only")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    c.write_input(cam, [])
    db = c.load()
    run = run_windows(c.items(), db.passing("camera", ["cam_id"], "brightness > 0.05"), tumble(NS))
    out = db.window_agg("camera", run, ["cam_id"], CAM_STATS_SELECT, "brightness > 0.05")
    assert not out
    c.notes.append("No rows: the output is the header alone.")
    return c.finish(SPEC_PROGRAM, CAM_STATS_SELECT, [])


GLOBAL_PROGRAM = """
CREATE STREAM camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32,
  frame_id    INT64,
  brightness  FLOAT32,
  objects     INT32,
  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND
);

-- One row for the whole recording of camera 1, even for an empty file.
SELECT COUNT(*) AS frames, COUNT(objects) AS detector_results, SUM(objects) AS objects,
       AVG(brightness) AS mean_brightness, SUM(brightness) AS total_brightness,
       MIN(brightness) AS darkest, MAX(brightness) AS brightest,
       MIN(ts) AS first_frame, MAX(ts) AS last_frame,
       MAX(frame_id) - MIN(frame_id) + 1 AS frames_taken
FROM camera
WHERE cam_id = 1;
"""

GLOBAL_SELECT = [("COUNT(*)", "frames", "INT64"), ("COUNT(objects)", "detector_results", "INT64"),
                 ("SUM(objects)", "objects", "INT64"),
                 ("AVG(brightness)", "mean_brightness", "FLOAT64"),
                 ("SUM(brightness)", "total_brightness", "FLOAT64"),
                 ("MIN(brightness)", "darkest", "FLOAT32"),
                 ("MAX(brightness)", "brightest", "FLOAT32"),
                 ("MIN(ts)", "first_frame", "TIMESTAMP"), ("MAX(ts)", "last_frame", "TIMESTAMP"),
                 ("MAX(frame_id) - MIN(frame_id) + 1", "frames_taken", "INT64")]


def case_global_aggregate():
    c = Case("global_aggregate", "an aggregate with no GROUP BY and no window: one row at the end")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    rng = random.Random(202)
    rows = gen_cameras(rng, T0 + 5 * NS + 250 * MS, 3, [(1, 30000, 0, US, 0.42), (2, 29970, 23 * MS, 1, 0.38)],
                       stragglers=3, null_objects=0.05)
    c.write_input(cam, rows, newline="\r\n", bom=True)
    c.notes.append("The input has a UTF-8 BOM and CRLF line ends (§7); stragglers are never late")
    c.notes.append("for a global aggregate, which fires only at the end of input.")
    db = c.load()
    vals = db.global_agg("camera", GLOBAL_SELECT, "cam_id = 1")
    return c.finish(GLOBAL_PROGRAM, GLOBAL_SELECT, vals)


def case_empty_global():
    c = Case("empty_global", "a global aggregate over an empty input: still exactly one row")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    c.write_input(cam, [])
    db = c.load()
    vals = db.global_agg("camera", GLOBAL_SELECT, "cam_id = 1")
    assert vals[0][0] == 0 and vals[0][2] is None
    c.notes.append("COUNT(*) and COUNT(x) are 0; SUM, AVG, MIN and MAX are NULL.")
    return c.finish(GLOBAL_PROGRAM, GLOBAL_SELECT, vals)


def case_tumble_boundaries():
    c = Case("tumble_boundaries", "TUMBLE 1 s with rows on window edges and on the watermark")
    js = c.source("joint_state", [("ts", "TIMESTAMP"), ("robot_id", "INT32"), ("joint", "INT32"),
                                  ("torque_nm", "FLOAT32")], "ts", 100 * MS)
    c.ts_mode = "ns"
    ms = lambda x: T0 + int(round(x * MS))  # noqa: E731
    ev = [  # (ts, robot, note)
        (ms(2000), 2, "exactly k*size: opens [2 s, 3 s); nothing before it is emitted"),
        (ms(2000) + 999_999_999, 1, "k*size - 1ns: the last instant of [2 s, 3 s)"),
        (ms(3000), 1, "exactly 3 s: in [3 s, 4 s), not [2 s, 3 s)"),
        (ms(2500), 2, "behind the max, before the watermark"),
        (ms(3100), 2, "W = 3.0 s: [2 s, 3 s) fires"),
        (ms(3000) - 1, 1, "late: its window [2 s, 3 s) has fired (end <= W)"),
        (ms(3000), 2, "exactly at the watermark (ts = W = 3.0 s): accepted"),
        (ms(4000) - 1, 2, "4 s - 1ns"),
        (ms(3050), 1, "behind W? no: W is still 3.0 s"),
        (ms(7050), 1, "jump: W = 6.95 s fires [3 s, 4 s); [4 s, 7 s) never open"),
        (ms(6950), 2, "exactly W again: in [6 s, 7 s)"),
        (ms(6950) - 1, 1, "behind W but its window [6 s, 7 s) is open: accepted"),
        (ms(5500), 2, "late: [5 s, 6 s) never opened but its end is <= W"),
        (ms(8000), 1, "W = 7.9 s fires [6 s, 7 s)"),
        (ms(7900), 2, "at W, opens robot 2 in [7 s, 8 s) after robot 1 (first appearance)"),
        (ms(7000), 1, "start of [7 s, 8 s), behind W"),
        (ms(8100), 1, "W = 8.0 s fires [7 s, 8 s)"),
        (ms(8000) - 1, 2, "late by 1ns: [7 s, 8 s) has just fired"),
        (ms(8000), 2, "accepted: [8 s, 9 s) is open"),
        (ms(9999) + 999_999, 2, "last row; end of input fires [8 s, 9 s) and [9 s, 10 s)"),
    ]
    rng = random.Random(303)
    rows = []
    for i, (t, r, _note) in enumerate(ev):
        rows.append([str(t), str(r), str(1 + i % 3), ftext(rng.uniform(-12, 12), 5)])
    c.write_input(js, rows)
    c.notes.append("Input timestamps are integer nanoseconds; output with --timestamps ns. Rows:")
    for t, r, note in ev:
        c.notes.append("  %s robot %d: %s" % (fmt_ts(t), r, note))
    db = c.load()
    run = run_windows(c.items(), db.passing("joint_state", ["robot_id"], "1"), tumble(NS))
    assert len(run.late) == 3, run.late
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("window_end", "window_end", "TIMESTAMP"), ("window_time", "window_time", "TIMESTAMP"),
           ("COUNT(*)", "samples", "INT64"), ("MIN(ts)", "first_ts", "TIMESTAMP"),
           ("MAX(ts)", "last_ts", "TIMESTAMP"), ("SUM(torque_nm)", "torque_sum", "FLOAT64"),
           ("MAX(torque_nm)", "peak_torque_nm", "FLOAT32")]
    out = db.window_agg("joint_state", run, ["robot_id"], sel)
    program = """
CREATE STREAM joint_state (
  ts         TIMESTAMP NOT NULL,
  robot_id   INT32 NOT NULL,
  joint      INT32,
  torque_nm  FLOAT32,
  WATERMARK FOR ts AS ts - 100ms
);

SELECT robot_id, window_start, window_end, window_time,
       COUNT(*) AS samples, MIN(ts) AS first_ts, MAX(ts) AS last_ts,
       SUM(torque_nm) AS torque_sum, MAX(torque_nm) AS peak_torque_nm
FROM TUMBLE(joint_state, ts, INTERVAL '1' SECOND)
GROUP BY robot_id, window_start, window_end;
"""
    return c.finish(program, sel, [v for _, _, v in out])


def case_nulls_and_singletons():
    c = Case("nulls_and_singletons", "NULL group keys, all-NULL aggregates, one-row groups, zero bound")
    cam = c.source("camera", CAMERA_COLS, "ts", 0)
    ms = lambda x: iso(T0 + int(round(x * MS)))  # noqa: E731
    N = None
    rows = [  # in event-time order: the watermark has a zero bound
        [ms(0), "1", "0", "0.41", "3"],
        [ms(0), N, "0", "0.39", "2"],          # NULL cam at the same instant
        [ms(33.3), "2", "0", N, N],            # cam 2's only row in [0 s, 1 s): one-row group, all NULL
        [ms(33.3), "1", "1", "0.42", N],       # equal time: ts = W, accepted
        [ms(66.7), N, "1", N, "4"],
        [ms(420.5), N, "2", "0.38", "1"],
        [ms(999.999999), "1", "2", N, N],
        [ms(1000), "3", "0", "0.5", "6"],      # one-row group, non-NULL
        [ms(1500), N, "3", N, N],              # NULL key, all-NULL values
        [ms(1500), N, "4", N, N],
        [ms(1750.25), "1", "3", "0.125", "0"],
        [ms(2000), "2", "1", N, N],            # a window whose only group has all-NULL values
        [ms(2100), "2", "2", N, N],
        [ms(3000), N, "5", "0.25", N],         # the NULL group alone
        [ms(4000.000001), "1", "4", "0.3", "5"],
        [ms(4000.000001), "2", "3", "0.3", "5"],
        [ms(4000.000001), N, "6", "0.3", "5"],
        [ms(4500), "2", "4", "0.0625", "1"],
    ]
    c.write_input(cam, rows)
    c.notes.append("WATERMARK FOR ts AS ts: a zero bound; rows share timestamps (ts = W is not late).")
    db = c.load()
    run = run_windows(c.items(), db.passing("camera", ["cam_id"], "1"), tumble(NS))
    assert not run.late
    sel = [("cam_id", "cam_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("COUNT(*)", "frames", "INT64"), ("COUNT(brightness)", "measured", "INT64"),
           ("AVG(brightness)", "mean_brightness", "FLOAT64"),
           ("MIN(brightness)", "darkest", "FLOAT32"), ("SUM(objects)", "objects", "INT64"),
           ("MAX(objects)", "max_objects", "INT32"), ("MIN(frame_id)", "first_frame", "INT64")]
    out = db.window_agg("camera", run, ["cam_id"], sel)
    program = """
CREATE STREAM camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32,
  frame_id    INT64,
  brightness  FLOAT32,
  objects     INT32,
  WATERMARK FOR ts AS ts
);

CREATE STREAM per_second AS
SELECT cam_id, window_start,
       COUNT(*) AS frames, COUNT(brightness) AS measured,
       AVG(brightness) AS mean_brightness, MIN(brightness) AS darkest,
       SUM(objects) AS objects, MAX(objects) AS max_objects, MIN(frame_id) AS first_frame
FROM TUMBLE(camera, ts, 1s)
GROUP BY cam_id, window_start, window_end;
"""
    return c.finish(program, sel, [v for _, _, v in out])


def case_group_by_no_window():
    c = Case("group_by_no_window", "GROUP BY without a window: one emission at the end of input")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    rng = random.Random(404)
    rows = gen_cameras(rng, T0 + 12 * NS, 4, [(2, 30000, 0, US, 0.4), (1, 29970, 11 * MS, 1, 0.45),
                                             (3, 15000, 40 * MS, US, 0.3)],
                       stragglers=6, straggler_lat=(200 * MS, 1500 * MS))
    # camera ids missing on some rows (a bad packet header): the NULL group
    for r in rng.sample(rows, 9):
        r[1] = None
    # a single frame from a camera that was unplugged at once: a one-row group, below HAVING
    t9 = T0 + 12 * NS + 1_900 * MS
    at = next(i for i, r in enumerate(rows) if parse_ts(r[0]) > t9 + 5 * MS)
    rows.insert(at, [iso(t9), "9", "0", "0.6", "2"])
    c.write_input(cam, rows)
    db = c.load()
    order = []
    for (cam,) in db.q("SELECT cam_id FROM camera ORDER BY seq"):
        if cam not in order:
            order.append(cam)
    c.notes.append("Groups in order of first appearance: %s; 9 rows have a NULL cam_id (one" % ", ".join(
        "NULL" if x is None else str(x) for x in order))
    c.notes.append("group); camera 9 has a single row, which HAVING drops. Stragglers up to 1.5 s")
    c.notes.append("late are still counted: only the end of input fires this aggregate.")
    sel = [("cam_id", "cam_id", "INT32"), ("COUNT(*)", "received", "INT64"),
           ("MAX(frame_id) - MIN(frame_id) + 1", "taken", "INT64"),
           ("AVG(brightness)", "mean_brightness", "FLOAT64"),
           ("MIN(brightness)", "darkest", "FLOAT32"), ("SUM(objects)", "objects", "INT64"),
           ("MAX(ts)", "last_frame", "TIMESTAMP")]
    vals = db.group_agg("camera", ["cam_id"], sel, "1", "COUNT(*) > 1")
    program = """
CREATE STREAM camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32,
  frame_id    INT64,
  brightness  FLOAT32,
  objects     INT32,
  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND
);

-- Per camera over the whole recording: frames received versus frames taken.
CREATE STREAM cam_totals AS
SELECT cam_id, COUNT(*) AS received, MAX(frame_id) - MIN(frame_id) + 1 AS taken,
       AVG(brightness) AS mean_brightness, MIN(brightness) AS darkest,
       SUM(objects) AS objects, MAX(ts) AS last_frame
FROM camera
GROUP BY cam_id
HAVING COUNT(*) > 1;
"""
    return c.finish(program, sel, vals)


def case_hop_wheel_speed():
    c = Case("hop_wheel_speed", "HOP(250 ms, 1 s) over a derived stream, with partly late rows")
    odo = c.source("wheel_odom", [("ts", "TIMESTAMP"), ("robot_id", "INT32"),
                                  ("speed_mps", "FLOAT32"), ("slip", "BOOL")], "ts", 20 * MS)
    rng = random.Random(505)
    start = T0 + 30 * NS + 130 * MS
    recs = []
    for robot, phase in ((1, 0), (2, 7 * MS)):
        v = 0.2 * robot
        for k in range(80):  # 20 Hz, 4 s
            ts = start + phase + k * 50 * MS + int(rng.gauss(0, 800)) * US
            v = max(0.0, min(1.5, v + rng.gauss(0.01, 0.04)))
            speed = None if rng.random() < 0.06 else ftext(v, 4)
            slip = rng.choice(["true", "false", "false", "0", "1", None])
            lat = 2 * MS + int(rng.random() * 15 * MS)
            recs.append([ts + lat, robot, ts, [iso(ts), str(robot), speed, slip]])
    # Wi-Fi hiccups: these samples arrive 0.1-1.6 s late; some of their 4 windows have fired.
    for r in rng.sample(recs[10:], 7):
        r[0] = r[2] + rng.randint(100, 1600) * MS
    recs.sort(key=lambda r: (r[0], r[1]))
    c.write_input(odo, [r[3] for r in recs])
    db = c.load()
    db.c.execute("CREATE VIEW moving AS SELECT seq, ts, robot_id, speed_mps FROM wheel_odom "
                 "WHERE speed_mps IS NOT NULL")
    items = c.items()
    run = run_windows(items, db.passing("moving", ["robot_id"], "1"), hop(250 * MS, NS))
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("window_end", "window_end", "TIMESTAMP"), ("COUNT(*)", "samples", "INT64"),
           ("AVG(speed_mps)", "mean_speed_mps", "FLOAT64"),
           ("MAX(speed_mps)", "max_speed_mps", "FLOAT32")]
    out = db.window_agg("moving", run, ["robot_id"], sel)
    partial = partly_late(run, items, hop(250 * MS, NS))
    c.notes.append("Samples at 20 Hz per robot, out of order by up to 15 ms; 7 arrive 0.1-1.6 s")
    c.notes.append("late: %d rows count only in those of their 4 windows that had not fired," % partial)
    c.notes.append("%d late in all of them. Rows with a NULL speed are filtered out by" % len(run.late))
    c.notes.append("the derived stream `moving` but still advance the watermark.")
    assert partial > 0 and run.late
    program = """
CREATE STREAM wheel_odom (
  ts         TIMESTAMP NOT NULL,
  robot_id   INT32 NOT NULL,
  speed_mps  FLOAT32,
  slip       BOOL,
  WATERMARK FOR ts AS ts - 20ms
);

CREATE STREAM moving AS
SELECT ts, robot_id, speed_mps FROM wheel_odom WHERE speed_mps IS NOT NULL;

-- Speed over the last second, every 250 ms.
CREATE STREAM speed_1s AS
SELECT robot_id, window_start, window_end,
       COUNT(*) AS samples, AVG(speed_mps) AS mean_speed_mps, MAX(speed_mps) AS max_speed_mps
FROM HOP(moving, ts, INTERVAL '250' MILLISECOND, INTERVAL '1' SECOND)
GROUP BY robot_id, window_start, window_end;
"""
    return c.finish(program, sel, [v for _, _, v in out])


def case_cumulate_picks():
    c = Case("cumulate_picks", "CUMULATE(10 s, 1 min): running pick counts per robot")
    picks = c.source("picks", [("ts", "TIMESTAMP"), ("robot_id", "INT32"), ("success", "BOOL"),
                               ("grip_force_n", "FLOAT32")], "ts", 200 * MS)
    c.ts_mode = "ns"
    rng = random.Random(606)
    start = T0 + 2 * 60 * NS + 4 * NS + 517 * MS  # 06:32:04.517
    recs = []
    for robot in (2, 1):
        t = start + rng.randint(0, 3000) * MS
        while t < start + 170 * NS:
            lat = rng.randint(5, 150) * MS
            s = rng.random()
            succ = "true" if s < 0.75 else ("false" if s < 0.95 else None)
            recs.append([t + lat, robot, t, [iso(t), str(robot), succ, ftext(rng.uniform(5, 40), 4)]])
            t += rng.randint(1500, 6500) * MS + rng.randint(0, 999_999)
    # a pick exactly at a cumulate step boundary and one at the end of a minute, minus 1ns
    recs.append([T0 + 3 * 60 * NS + 20 * NS + 5 * MS, 1, T0 + 3 * 60 * NS + 20 * NS,
                 [iso(T0 + 3 * 60 * NS + 20 * NS), "1", "true", "12.5"]])
    recs.append([T0 + 4 * 60 * NS + 3 * MS, 2, T0 + 4 * 60 * NS - 1,
                 [iso(T0 + 4 * 60 * NS - 1), "2", "false", "33.25"]])
    # picks reported late over a flaky link: 2-25 s after they happened
    for r in rng.sample(recs[4:], 6):
        r[0] = r[2] + rng.randint(2000, 25000) * MS
    recs.sort(key=lambda r: (r[0], r[1]))
    c.write_input(picks, [r[3] for r in recs])
    db = c.load()
    items = c.items()
    run = run_windows(items, db.passing("picks", ["robot_id"], "1"), cumulate(10 * NS, 60 * NS))
    partial = partly_late(run, items, cumulate(10 * NS, 60 * NS))
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("window_end", "window_end", "TIMESTAMP"), ("COUNT(*)", "attempts", "INT64"),
           ("SUM(CASE WHEN success THEN 1 ELSE 0 END)", "successes", "INT64"),
           ("COUNT(success)", "judged", "INT64"), ("MAX(grip_force_n)", "max_force_n", "FLOAT32")]
    out = db.window_agg("picks", run, ["robot_id"], sel)
    c.notes.append("%d picks; 6 are reported 2-25 s late: %d count only in the larger windows of" % (
        len(c.arrivals), partial))
    c.notes.append("their minute that were still open, %d late in all. Output with --timestamps ns." % len(run.late))
    assert partial and run.late
    program = """
CREATE STREAM picks (
  ts            TIMESTAMP NOT NULL,
  robot_id      INT32 NOT NULL,
  success       BOOL,
  grip_force_n  FLOAT32,
  WATERMARK FOR ts AS ts - 200ms
);

CREATE STREAM picks_this_minute AS
SELECT robot_id, window_start, window_end,
       COUNT(*) AS attempts,
       SUM(CASE WHEN success THEN 1 ELSE 0 END) AS successes,
       COUNT(success) AS judged,
       MAX(grip_force_n) AS max_force_n
FROM CUMULATE(picks, ts, INTERVAL '10' SECOND, INTERVAL '1' MINUTE)
GROUP BY robot_id, window_start, window_end;
"""
    return c.finish(program, sel, [v for _, _, v in out])


def case_session_grasps():
    c = Case("session_grasps", "SESSION(500 ms) per robot: merging, bridging, late rows")
    gc = c.source("gripper_contact", [("ts", "TIMESTAMP"), ("robot_id", "INT32"),
                                      ("finger", "STRING"), ("force_n", "FLOAT32"),
                                      ("slip", "BOOL")], "ts", 300 * MS)
    rng = random.Random(707)
    base = T0 + 45 * NS
    ms = lambda x: base + int(round(x * MS))  # noqa: E731
    hand = [  # (arrival order) ts, robot, force, note; W = max(ts) - 300 ms
        (ms(0), 1, "2.5", "robot 1: session A [0, 500)"),
        (ms(100), 1, "3.1", "A becomes [0, 600)"),
        (ms(700), 1, "2.8", "600 ms after A's last row: session B [700, 1200); W = 400, A open"),
        (ms(750), 1, "4.0", "B becomes [700, 1250); W = 450"),
        (ms(400), 1, "3.6", "bridges A and B (300 ms from each): one session [0, 1250)"),
        (ms(2000), 1, "2.2", "session C [2000, 2500); W = 1700 fires [0, 1250)"),
        (ms(2850), 2, "5.0", "robot 2: [2850, 3350); W = 2550 fires C"),
        (ms(2300), 1, "2.0", "would have joined C, but C has fired and is gone: new [2300, 2800)"),
        (ms(3000), 1, "2.4", "[3000, 3500): 200 ms after 2800, no merge; W = 2700"),
        (ms(3500), 1, "1.9", "exactly 500 ms after 3000: a separate session [3500, 4000); W = 3200 fires [2300, 2800)"),
        (ms(3349.999999), 2, "5.5", "499.999999 ms after 2850: merged, robot 2's session is [2850, 3849.999999)"),
        (ms(4100), 3, "3.3", "robot 3: [4100, 4600); W = 3800 fires robot 1's [3000, 3500)"),
        (ms(3400), 2, "4.1", "behind W but inside robot 2's open session: it becomes [2850, 3900)"),
        (ms(4400), 1, "2.7", "robot 1: [4400, 4900); W = 4100 fires [3500, 4000) and robot 2's [2850, 3900)"),
        (ms(3550), 2, "6.0", "late: robot 2 has no open session and [3550, 4050) ends <= W = 4100"),
        (ms(3700), 1, "2.9", "would have joined [3500, 4000), which has fired: new [3700, 4200) (4200 > W)"),
        (ms(4450), 1, "0.3", "force <= 0.5: filtered out by WHERE, but it moves W to 4150"),
        (ms(4700), 2, "6.5", "robot 2: [4700, 5200); W = 4400 fires [3700, 4200)"),
        (ms(4100), 4, "3.0", "robot 4: [4100, 4600), the same bounds as robot 3's, first seen later"),
        (ms(4100), 1, "2.0", "joins robot 1's [4400, 4900): [4100, 4900), the same start as robots 3, 4"),
    ]
    rows = []
    for t, robot, force, _ in hand:
        rows.append([iso(t), str(robot), rng.choice(["left", "right", "thumb"]), force,
                     rng.choice(["false", "false", "true", None])])
    # Then ordinary grasps, generated: bursts of contacts 20-60 ms apart, out of order by < 250 ms.
    recs = []
    t0 = ms(8000)
    for robot in (1, 2):
        t = t0 + robot * 137 * MS
        for _g in range(4):
            n = rng.randint(3, 9)
            for _ in range(n):
                lat = rng.randint(3, 250) * MS
                f = rng.choice([ftext(rng.uniform(0.6, 9), 3), ftext(rng.uniform(0.1, 0.5), 2)])
                recs.append([t + lat, robot, t, [iso(t), str(robot), rng.choice(["left", "right", "thumb"]),
                                                 f, rng.choice(["false", "false", "true", None])]])
                t += rng.randint(20, 60) * MS + rng.randint(0, 999) * US
            t += rng.randint(700, 2500) * MS
    recs.sort(key=lambda r: (r[0], r[1]))
    rows += [r[3] for r in recs]
    c.write_input(gc, rows)
    db = c.load()
    where = "force_n > 0.5"
    run = run_sessions(c.items(), db.passing("gripper_contact", ["robot_id"], where), 500 * MS)
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("window_end", "window_end", "TIMESTAMP"), ("COUNT(*)", "contacts", "INT64"),
           ("MAX(force_n)", "peak_force_n", "FLOAT32"), ("AVG(force_n)", "mean_force_n", "FLOAT64"),
           ("SUM(CASE WHEN slip THEN 1 ELSE 0 END)", "slips", "INT64")]
    out = db.window_agg("gripper_contact", run, ["robot_id"],
                        sel + [("MIN(ts)", "_min", "TIMESTAMP"), ("MAX(ts)", "_max", "TIMESTAMP")],
                        where)
    for _idx, (s, e), v in out:  # the model's session bounds agree with SQL's MIN/MAX
        assert v[1] == s == v[-2] and v[2] == e == v[-1] + 500 * MS, (s, e, v)
    late_ts = sorted(db.q("SELECT ts FROM gripper_contact WHERE seq IN (%s)" % ",".join(
        map(str, run.late)))) if run.late else []
    assert late_ts[0] == (ms(3550),), late_ts
    c.notes.append("Bound 300 ms (a wireless gripper). The first 20 rows are hand-made:")
    for t, robot, force, note in hand:
        c.notes.append("  %s robot %d force %s: %s" % (fmt_ts(t), robot, force, note))
    c.notes.append("Then 4 generated grasps per robot (contacts 20-60 ms apart, out of order by")
    c.notes.append("up to 250 ms). Late rows in all: %d." % len(run.late))
    return c.finish("""
CREATE STREAM gripper_contact (
  ts        TIMESTAMP NOT NULL,
  robot_id  INT32 NOT NULL,
  finger    STRING,
  force_n   FLOAT32,
  slip      BOOL,
  WATERMARK FOR ts AS ts - INTERVAL '300' MILLISECOND
);

CREATE STREAM grasps AS
SELECT robot_id, window_start, window_end,
       COUNT(*) AS contacts,
       MAX(force_n) AS peak_force_n,
       AVG(force_n) AS mean_force_n,
       SUM(CASE WHEN slip THEN 1 ELSE 0 END) AS slips
FROM SESSION(gripper_contact, ts, INTERVAL '500' MILLISECOND)
WHERE force_n > 0.5
GROUP BY robot_id, window_start, window_end;
""", sel, [v[:-2] for _, _, v in out])


def case_chained_rollup():
    c = Case("chained_rollup", "a 1 s TUMBLE feeding a 10 s TUMBLE on its window_time")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    rng = random.Random(808)
    rows = gen_cameras(rng, T0 + 57 * NS + 300 * MS, 24, [(1, 30000, 0, US, 0.42), (2, 29970, 17 * MS, 1, 0.37)],
                       stragglers=8, straggler_lat=(60 * MS, 700 * MS), covered=[(1, 9.1, 10.6)],
                       drop_bursts=[(2, 15 * NS, 16_400 * MS)], force_005=1)
    c.write_input(cam, rows)
    db = c.load()
    items = c.items()
    where = "brightness > 0.05"
    up = run_windows(items, db.passing("camera", ["cam_id"], where), tumble(NS))
    out1 = db.window_agg("camera", up, ["cam_id"], CAM_STATS_SELECT, where)
    db.materialise("cam_stats", CAM_STATS_SELECT, out1)
    items2 = downstream_items(items, out1)
    down = run_windows(items2, db.passing("cam_stats", ["cam_id"], "1"), tumble(10 * NS))
    assert not down.late  # a window aggregate's results are never late downstream
    sel = [("cam_id", "cam_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("window_end", "window_end", "TIMESTAMP"), ("SUM(frames)", "frames", "INT64"),
           ("COUNT(*)", "seconds_seen", "INT64"),
           ("SUM(CASE WHEN frames < 25 THEN 1 ELSE 0 END)", "degraded_seconds", "INT64"),
           ("SUM(mean_brightness * frames) / SUM(frames)", "mean_brightness", "FLOAT64"),
           ("MIN(mean_brightness)", "darkest_second", "FLOAT64"),
           ("MAX(max_objects)", "max_objects", "INT32")]
    out2 = db.window_agg("cam_stats", down, ["cam_id"], sel)
    c.notes.append("Two 30 Hz cameras for 24 s from 06:30:57.3; cam 1's lens is covered around")
    c.notes.append("9.1-10.6 s, cam 2 loses frames for 1.4 s: degraded seconds. 8 stragglers;")
    c.notes.append("%d rows are late for cam_stats. Only cam_rollup is an output." % len(up.late))
    return c.finish(SPEC_PROGRAM + """
-- cam_stats carries window_time as its event time although it does not select it; this
-- window's window_start and window_end shadow cam_stats' columns of the same names.
CREATE STREAM cam_rollup AS
SELECT cam_id, window_start, window_end,
       SUM(frames) AS frames,
       COUNT(*) AS seconds_seen,
       SUM(CASE WHEN frames < 25 THEN 1 ELSE 0 END) AS degraded_seconds,
       SUM(mean_brightness * frames) / SUM(frames) AS mean_brightness,
       MIN(mean_brightness) AS darkest_second,
       MAX(max_objects) AS max_objects
FROM TUMBLE(cam_stats, window_time, INTERVAL '10' SECOND)
GROUP BY cam_id, window_start, window_end;
""", sel, [v for _, _, v in out2])


STEREO_COLS = [("ts", "TIMESTAMP"), ("cam_id", "INT32"), ("frame_id", "INT64"),
               ("brightness", "FLOAT32")]


def _stereo_rows(rng, cam_id, start, n, period, lat_range, stragglers, straggler_lat, base, prec):
    recs = []
    for k in range(n):
        ts = (start + k * period + int(rng.gauss(0, 700)) * US) // prec * prec
        lat = rng.randint(*lat_range) * US
        b = base + 0.05 * math.sin(k / 11.0) + rng.gauss(0, 0.01)
        recs.append([ts + lat, ts, [iso(ts), str(cam_id), str(k), ftext(b)]])
    for r in rng.sample(recs[5:], stragglers):
        r[0] = r[1] + rng.randint(*straggler_lat) * MS
    recs.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in recs]


def case_union_cameras():
    c = Case("union_cameras", "UNION ALL of two camera files, windowed: interleaving and min watermark")
    left = c.source("left_camera", STEREO_COLS, "ts", 50 * MS)
    right = c.source("right_camera", STEREO_COLS, "ts", 50 * MS)
    rng = random.Random(909)
    start = T0 + 90 * NS + 640 * MS
    c.write_input(left, _stereo_rows(rng, 1, start, 150, 33_333_333, (3000, 38000), 4, (200, 1200), 0.44, US))
    c.write_input(right, _stereo_rows(rng, 2, start + 9 * MS, 149, 33_366_700, (3000, 42000), 4, (200, 1200), 0.36, 1))
    db = c.load()
    db.c.execute("CREATE VIEW stereo_frames AS "
                 "SELECT seq, ts, cam_id, frame_id, brightness FROM left_camera UNION ALL "
                 "SELECT seq, ts, cam_id, frame_id, brightness FROM right_camera")
    sel = [("cam_id", "cam_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("COUNT(*)", "frames", "INT64"), ("AVG(brightness)", "mean_brightness", "FLOAT64"),
           ("MAX(frame_id) - MIN(frame_id) + 1", "frame_span", "INT64")]
    results = []
    for eof_early in (False, True):
        run = run_windows(c.items(left, right, eof_early=eof_early),
                          db.passing("stereo_frames", ["cam_id"], "1"), tumble(NS))
        out = db.window_agg("stereo_frames", run, ["cam_id"], sel)
        results.append(([v for _, _, v in out], len(run.late)))
    assert results[0] == results[1], "the case depends on when a finished file's W becomes +inf"
    c.notes.append("Each file is in arrival order (disorder < 40 ms, 4 stragglers 0.2-1.2 s late in")
    c.notes.append("each); vlac reads them interleaved by the time of each file's next row. The window")
    c.notes.append("over the union uses the minimum of both watermarks: %d rows are late." % results[0][1])
    assert results[0][1] > 0
    return c.finish("""
CREATE STREAM left_camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32 NOT NULL,
  frame_id    INT64,
  brightness  FLOAT32,
  WATERMARK FOR ts AS ts - 50ms
);

CREATE STREAM right_camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32 NOT NULL,
  frame_id    INT64,
  brightness  FLOAT32,
  WATERMARK FOR ts AS ts - 50ms
);

CREATE STREAM stereo_frames AS
SELECT ts, cam_id, frame_id, brightness FROM left_camera
UNION ALL
SELECT ts, cam_id, frame_id, brightness FROM right_camera;

CREATE STREAM stereo_rate AS
SELECT cam_id, window_start, COUNT(*) AS frames, AVG(brightness) AS mean_brightness,
       MAX(frame_id) - MIN(frame_id) + 1 AS frame_span
FROM TUMBLE(stereo_frames, ts, 1s)
GROUP BY cam_id, window_start, window_end;
""", sel, results[0][0])


def case_union_passthrough():
    c = Case("union_passthrough", "UNION ALL without a window: rows in interleaved arrival order")
    left = c.source("left_camera", STEREO_COLS, "ts", 50 * MS)
    right = c.source("right_camera", STEREO_COLS, "ts", 50 * MS)
    rng = random.Random(1010)
    start = T0 + 2 * 3600 * NS + 5 * NS
    period = 66_666_666
    lrows, rrows = [], []
    for k in range(24):  # a hardware-triggered stereo pair: both cameras stamp the same instant
        ts = start + k * period
        lrows.append([ts, [iso(ts), "1", str(k), ftext(0.4 + rng.gauss(0, 0.02))]])
        rts = ts if k % 5 else ts + 3 * MS  # every 5th right frame stamped a little later
        rrows.append([rts, [iso(rts), "2", str(k), ftext(0.35 + rng.gauss(0, 0.02))]])
    # disorder within each file: swap some neighbours (as the transport delivered them)
    for rows in (lrows, rrows):
        for i in rng.sample(range(1, 23), 5):
            rows[i], rows[i + 1] = rows[i + 1], rows[i]
    del rrows[17]  # a dropped frame
    c.write_input(left, [r[1] for r in lrows])
    c.write_input(right, [r[1] for r in rrows])
    c.input_order = ["right_camera", "left_camera"]
    db = c.load()
    db.c.execute("CREATE VIEW stereo AS "
                 "SELECT seq, ts, cam_id, frame_id, brightness FROM right_camera UNION ALL "
                 "SELECT seq, ts, cam_id, frame_id, brightness FROM left_camera")
    sel = [("ts", "ts", "TIMESTAMP"), ("cam_id", "cam_id", "INT32"), ("frame_id", "frame_id", "INT64"),
           ("brightness", "brightness", "FLOAT32"), ("f32(brightness * 2)", "EXPR$4", "FLOAT32")]
    vals = db.project("stereo", sel)
    c.notes.append("Both cameras stamp the same instants (ties go to left_camera, declared first,")
    c.notes.append("although the union lists right_camera first and args give it first); each file")
    c.notes.append("has some neighbours swapped, so the merge follows each file's next row.")
    return c.finish("""
CREATE STREAM left_camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32 NOT NULL,
  frame_id    INT64,
  brightness  FLOAT32,
  WATERMARK FOR ts AS ts - 50ms
);

CREATE STREAM right_camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32 NOT NULL,
  frame_id    INT64,
  brightness  FLOAT32,
  WATERMARK FOR ts AS ts - 50ms
);

CREATE STREAM stereo AS
SELECT ts, cam_id, frame_id, brightness, brightness * 2 FROM right_camera
UNION ALL
SELECT ts, cam_id, frame_id, brightness, brightness * 2 FROM left_camera;
""", sel, vals)


def case_tumble_offset_day():
    c = Case("tumble_offset_day", "TUMBLE(1 DAY, -8 HOUR): distance per robot and local day (UTC+08:00)")
    odo = c.source("odometry", [("ts", "TIMESTAMP"), ("robot_id", "INT32"), ("distance_m", "FLOAT64"),
                                ("speed_mps", "FLOAT32")], "ts", NS)
    rng = random.Random(1111)
    start = parse_ts("2026-11-23T09:00:00Z")
    recs = []
    for robot in (7, 3):
        t = start + robot * 61 * NS
        while t < start + 3 * 86400 * NS:
            d = rng.uniform(0, 120)
            recs.append([t + rng.randint(1, 800) * MS, robot, t,
                         [iso(t), str(robot), "%.4f" % d, ftext(d / 600, 4)]])
            t += rng.randint(14 * 60, 22 * 60) * NS + rng.randint(0, 999) * MS
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):  # local midnight is 16:00Z
        mid = parse_ts(day + "T16:00:00Z")
        recs.append([mid + 200 * MS, 7, mid - 1, [iso(mid - 1), "7", "1.5", "0.25"]])
        recs.append([mid + 300 * MS, 7, mid, [iso(mid), "7", "2.25", "0.5"]])
    mid = parse_ts("2026-11-24T16:00:00Z")  # a report from 15:59:59.5Z delivered 2 s late: late
    recs.append([mid + 1500 * MS, 3, mid - 500 * MS, [iso(mid - 500 * MS), "3", "10.0", "0.75"]])
    recs.append([mid + 1200 * MS, 3, mid + 1100 * MS, [iso(mid + 1100 * MS), "3", "0.5", "0.125"]])
    recs.sort(key=lambda r: (r[0], r[1]))
    c.write_input(odo, [r[3] for r in recs])
    db = c.load()
    run = run_windows(c.items(), db.passing("odometry", ["robot_id"], "1"), tumble(86400 * NS, -8 * 3600 * NS))
    assert len(run.late) == 1
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "day_start", "TIMESTAMP"),
           ("window_end", "day_end", "TIMESTAMP"), ("COUNT(*)", "reports", "INT64"),
           ("SUM(distance_m)", "distance_m", "FLOAT64"), ("MAX(speed_mps)", "top_speed_mps", "FLOAT32")]
    out = db.window_agg("odometry", run, ["robot_id"], sel)
    c.notes.append("Windows start at 16:00Z (local midnight). Rows at 15:59:59.999999999Z and at")
    c.notes.append("16:00:00Z each day; one report from 15:59:59.5Z arrives after W passed 16:00Z: late.")
    return c.finish("""
CREATE STREAM odometry (
  ts          TIMESTAMP NOT NULL,
  robot_id    INT32 NOT NULL,
  distance_m  FLOAT64,
  speed_mps   FLOAT32,
  WATERMARK FOR ts AS ts - 1s
);

CREATE STREAM daily_distance AS
SELECT robot_id, window_start AS day_start, window_end AS day_end,
       COUNT(*) AS reports, SUM(distance_m) AS distance_m, MAX(speed_mps) AS top_speed_mps
FROM TUMBLE(odometry, ts, INTERVAL '1' DAY, INTERVAL '-8' HOUR)
GROUP BY robot_id, window_start, window_end;
""", sel, [v for _, _, v in out])


def case_tumble_offset_epoch():
    c = Case("tumble_offset_epoch", "TUMBLE(1s, 250ms) near the epoch: floor division below zero")
    imu = c.source("imu", [("ts", "TIMESTAMP"), ("robot_id", "INT32"), ("az", "FLOAT32")], "ts", 5 * MS)
    rng = random.Random(1212)
    recs = []
    special = [0, 1, 249_999_999, 250 * MS, 1_249_999_999, 1_250 * MS]
    for k in range(70):  # a robot whose clock was never set: time starts at the epoch
        t = k * 50 * MS + rng.randint(0, 2_000_000)
        recs.append([t + rng.randint(0, 4 * MS), 5, t])
    for t in special:
        recs.append([t + 3 * MS, 6, t])
    recs.sort(key=lambda r: (r[0], r[1]))
    rows = [[str(t), str(robot), ftext(9.81 + rng.gauss(0, 0.05), 5)] for _, robot, t in recs]
    c.write_input(imu, rows)
    db = c.load()
    run = run_windows(c.items(), db.passing("imu", ["robot_id"], "1"), tumble(NS, 250 * MS))
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("window_end", "window_end", "TIMESTAMP"), ("COUNT(*)", "samples", "INT64"),
           ("MIN(ts)", "first_ts", "TIMESTAMP"), ("AVG(az)", "mean_az", "FLOAT64")]
    out = db.window_agg("imu", run, ["robot_id"], sel)
    assert out[0][1][0] == -750 * MS
    c.notes.append("Integer-nanosecond input from 1970-01-01T00:00:00Z; the first window is")
    c.notes.append("[1969-12-31T23:59:59.25Z, 1970-01-01T00:00:00.25Z). Robot 6 has rows on edges.")
    return c.finish("""
CREATE STREAM imu (
  ts        TIMESTAMP NOT NULL,
  robot_id  INT32 NOT NULL,
  az        FLOAT32,
  WATERMARK FOR ts AS ts - 5ms
);

SELECT robot_id, window_start, window_end, COUNT(*) AS samples, MIN(ts) AS first_ts,
       AVG(az) AS mean_az
FROM TUMBLE(imu, ts, 1s, 250ms)
GROUP BY robot_id, window_start, window_end;
""", sel, [v for _, _, v in out])


def case_filter_projection():
    c = Case("filter_projection", "WHERE and SELECT expressions: NULLs, integer rules, strings")
    cols = [("ts", "TIMESTAMP"), ("joint", "STRING"), ("mode", "STRING"), ("current_a", "FLOAT32"),
            ("temp_c", "FLOAT32"), ("fault_code", "INT32"), ("encoder", "INT32"), ("ticks", "INT64"),
            ("enabled", "BOOL")]
    ms_ = c.source("motor_status", cols, "ts", 5 * MS)
    rng = random.Random(1313)
    N = None
    base = T0 + 600 * NS
    hand = [  # field texts; ts as written (ISO variants)
        ["2026-11-24T06:40:00Z", "wrist_roll", "position", "0.25", "36.5", "0", "-7", "123456", "true"],
        ["2026-11-24T07:40:00.001+01:00", "wrist_pitch", "torque,limited", "1.5", "71.25", "3", "7", "-123456", "TRUE"],
        ["2026-11-24T06:40:00.002", "elbow", "", "-0.75", "-4.5", "0", "-14", "0", "1"],
        ["2026-11-24T06:40:00.0005Z", "base", N, N, N, N, N, N, N],
        ["2026-11-24T06:40:00.003Z", "base", "hold", "0", "20", "0", "0", "5", "false"],
        ["2026-11-24T06:40:00.004Z", "base", "hold", "0.5", "19.999", "11", "1", "-5", "0"],
        ["2026-11-24T06:40:00.005Z", "shoulder", 'e-stop "hard"', "2.75", "60", "7", "2147483647", "9223372036854775807", N],
        ["2026-11-24T06:40:00.006Z", "wrist_", "velocity", "-1e-07", "0.05", "-3", "-2147483648", "-9223372036854775807", "false"],
        ["2026-11-24T05:40:00.007-01:00", "gripper", "position", "3.4028235e38", "99.9", "-7", "100", "-100", "true"],
        ["2026-11-24T06:40:00.008Z", "Wrist_yaw", "position", "0.1", "-0.5", "2", "-1", "-1", "false"],
    ]
    rows = list(hand)
    joints = ["base", "shoulder", "elbow", "wrist_roll", "wrist_pitch", "wrist_yaw", "gripper"]
    modes = ["position", "velocity", "torque", "hold", "torque,limited", None]
    t = base + 10 * MS
    for k in range(50):
        t += rng.randint(1, 9) * MS + rng.randint(0, 999) * US
        ts = t - (rng.randint(0, 4) * MS if rng.random() < 0.3 else 0)
        fault = rng.choice(["0", "0", "0", "0", "3", "-7", "11", "2", N])
        rows.append([iso(ts), rng.choice(joints), rng.choice(modes),
                     ftext(rng.uniform(-3, 3), 4) if rng.random() > 0.08 else N,
                     ftext(rng.uniform(-10, 85), 4) if rng.random() > 0.08 else N,
                     fault, str(rng.randint(-5000, 5000)), str(rng.randint(-10**12, 10**12)),
                     rng.choice(["true", "false", "1", "0", N])])
    c.write_input(ms_, rows)
    db = c.load()
    T_REF = parse_ts("2026-11-24T06:40:00Z")
    sel = [
        ("ts", "ts", "TIMESTAMP"), ("joint", "joint", "STRING"), ("encoder", "encoder", "INT32"),
        ("encoder / 7", "enc_div7", "INT32"),
        ("encoder % 7", "enc_mod7", "INT32"),
        ("ticks / fault_code", "ticks_per_fault", "INT64"),
        ("ticks % fault_code", "ticks_mod_fault", "INT64"),
        ("wrap32(encoder + 2147483000)", "enc_wrapped", "INT32"),
        ("mul64(ticks, 4)", "ticks_x4", "INT64"),
        ("f32(current_a * 2)", "current_x2", "FLOAT32"),
        ("current_a / 0.0", "div_zero", "FLOAT64"),
        ("current_a / 1000000.0", "current_mega_a", "FLOAT64"),
        ("ticks * 1000000000000.0", "ticks_e12", "FLOAT64"),
        ("vfmod(temp_c, 10)", "temp_mod10", "FLOAT32"),
        ("cast_i32(temp_c)", "temp_trunc", "INT32"),
        ("cast_i32(current_a * 1e10)", "current_e10", "INT32"),
        ("COALESCE(mode, 'unset')", "mode_or_unset", "STRING"),
        ("CASE WHEN temp_c > 70.0 THEN 'hot' WHEN temp_c < 0.0 THEN 'cold' ELSE 'ok' END",
         "temp_band", "STRING"),
        ("fault_code IN (3, 7, 11)", "known_fault", "BOOL"),
        ("fault_code NOT IN (0, NULL)", "not_in_null", "BOOL"),
        ("temp_c BETWEEN 20.0 AND 60.0", "temp_in_range", "BOOL"),
        ("joint LIKE 'wrist_%'", "is_wrist", "BOOL"),
        ("joint LIKE '_lbow'", "is_elbow", "BOOL"),
        ("joint || '/' || mode", "label", "STRING"),
        ("enabled AND fault_code = 0", "healthy", "BOOL"),
        ("NOT enabled OR temp_c > 70.0", "attention", "BOOL"),
        ("ts - %d" % T_REF, "since_ref", "INTERVAL"),
        ("wrap32(encoder * 3 - 1)", "EXPR$27", "INT32"),
        ("wrap32(-encoder)", "neg_encoder", "INT32"),  # -INT32_MIN wraps to itself
    ]
    where = "joint <> 'base' OR fault_code <> 0"
    vals = db.project("motor_status", sel, where)
    c.notes.append("Timestamps with Z, a +01:00 or -01:00 offset or no zone; strings with a comma,")
    c.notes.append('quotes, "" (the empty string) and NULL; INT32/INT64 edges (overflow wraps);')
    c.notes.append("rows out of time order pass in arrival order (no lateness without windows).")
    c.notes.append("WHERE drops 'base' rows without a non-zero fault, and those with a NULL fault.")
    return c.finish("""
CREATE STREAM motor_status (
  ts          TIMESTAMP NOT NULL,
  joint       STRING NOT NULL,
  mode        STRING,
  current_a   FLOAT32,
  temp_c      FLOAT32,
  fault_code  INT32,
  encoder     INT32,
  ticks       INT64,
  enabled     BOOL,
  WATERMARK FOR ts AS ts - 5ms
);

SELECT ts, joint, encoder,
       encoder / 7 AS enc_div7,
       encoder % 7 AS enc_mod7,
       ticks / fault_code AS ticks_per_fault,
       ticks % fault_code AS ticks_mod_fault,
       encoder + 2147483000 AS enc_wrapped,
       ticks * 4 AS ticks_x4,
       current_a * 2 AS current_x2,
       current_a / 0.0 AS div_zero,
       current_a / 1000000.0 AS current_mega_a,
       ticks * 1000000000000.0 AS ticks_e12,
       temp_c % 10 AS temp_mod10,
       CAST(temp_c AS INT32) AS temp_trunc,
       CAST(current_a * 1e10 AS INT32) AS current_e10,
       COALESCE(mode, 'unset') AS mode_or_unset,
       CASE WHEN temp_c > 70.0 THEN 'hot' WHEN temp_c < 0.0 THEN 'cold' ELSE 'ok' END AS temp_band,
       fault_code IN (3, 7, 11) AS known_fault,
       fault_code NOT IN (0, NULL) AS not_in_null,
       temp_c BETWEEN 20.0 AND 60.0 AS temp_in_range,
       joint LIKE 'wrist_%' AS is_wrist,
       joint LIKE '_lbow' AS is_elbow,
       joint || '/' || mode AS label,
       enabled AND fault_code = 0 AS healthy,
       NOT enabled OR temp_c > 70.0 AS attention,
       ts - TIMESTAMP '2026-11-24T06:40:00Z' AS since_ref,
       encoder * 3 - 1,
       -encoder AS neg_encoder
FROM motor_status
WHERE joint <> 'base' OR fault_code <> 0;
""", sel, vals)


def case_union_mixed_types():
    c = Case("union_mixed_types", "UNION ALL of branches whose columns differ in nullability and width")
    a = c.source("gripper", [("ts", "TIMESTAMP"), ("tag", "STRING"), ("n", "INT32"), ("x", "FLOAT32")], "ts", 0)
    b = c.source("arm", [("ts", "TIMESTAMP"), ("tag", "STRING"), ("n", "INT64"), ("x", "FLOAT64")], "ts", 0)
    # gripper's columns are all NOT NULL and narrower (STRING(8), INT32, REAL); arm's are nullable
    # and wide. The union's columns are the common types, nullable when either side's is (Flink).
    c.write_input(a, [["1000", "", "2147483647", "-3.953125"], ["3000", "open", "-7", "0.1"],
                      ["5000", "shut", "0", "1e30"]])
    c.write_input(b, [["2000", None, "5000000000", None], ["4000", "", None, "0.1"],
                      ["6000", "a much longer tag", "-9000000000", "-2.5"]])
    db = c.load()
    db.c.execute("CREATE VIEW grips AS SELECT seq, ts, tag, n, x FROM gripper UNION ALL "
                 "SELECT seq, ts, tag, n, x FROM arm")
    # FLOAT32 values widen exactly to FLOAT64: 0.1 as REAL is 0.100000001490116..., printed so.
    sel = [("ts", "ts", "TIMESTAMP"), ("tag", "tag", "STRING"), ("n", "n", "INT64"), ("x", "x", "FLOAT64")]
    vals = db.project("grips", sel)
    assert [v[1] for v in vals] == ["", None, "open", "", "shut", "a much longer tag"]
    assert vals[2][3] != 0.1 and vals[3][3] == 0.1
    c.ts_mode = "ns"
    c.notes.append("gripper's NOT NULL STRING(8)/INT32/REAL meet arm's nullable STRING/INT64/FLOAT64:")
    c.notes.append("each branch is cast to the common type, and NULL flags follow the union's layout.")
    return c.finish("""
CREATE STREAM gripper (
  ts   TIMESTAMP NOT NULL,
  tag  STRING(8) NOT NULL,
  n    INT32 NOT NULL,
  x    REAL NOT NULL,
  WATERMARK FOR ts AS ts
);

CREATE STREAM arm (
  ts   TIMESTAMP NOT NULL,
  tag  STRING,
  n    INT64,
  x    FLOAT64,
  WATERMARK FOR ts AS ts
);

CREATE STREAM grips AS
SELECT ts, tag, n, x FROM gripper
UNION ALL
SELECT ts, tag, n, x FROM arm;
""", sel, vals)


def case_window_column_aggregates():
    c = Case("window_column_aggregates", "MAX(window_end), COUNT(window_start), MIN(window_time) over HOP")
    src = c.source("pings", [("ts", "TIMESTAMP"), ("robot_id", "INT32"), ("rssi", "INT32")], "ts", 100 * MS)
    rng = random.Random(4242)
    start = T0 + 7 * NS + 300 * MS
    rows = []
    for k in range(40):
        ts = start + k * 230 * MS + rng.randint(0, 90) * MS
        rows.append([iso(ts), str(1 + k % 3), None if k % 7 == 3 else str(-40 - rng.randint(0, 30))])
    c.write_input(src, rows)
    db = c.load()
    run = run_windows(c.items(), db.passing("pings", ["robot_id"], "1"), hop(NS, 3 * NS))
    # The window columns are constant per window: SQLite aggregates them over the model's
    # (row, window) membership, where each row carries its window's bounds.
    sel = [("robot_id", "robot_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("MAX(window_end)", "last_end", "TIMESTAMP"), ("COUNT(window_start)", "n", "INT64"),
           ("MIN(window_time)", "wt", "TIMESTAMP"), ("COUNT(rssi)", "heard", "INT64")]
    out = db.window_agg("pings", run, ["robot_id"], sel, having="MAX(window_end) - MIN(window_start) = 3000000000")
    assert out and all(v[2] == v[1] + 3 * NS and v[4] == v[2] - 1 for _, _, v in out)
    c.notes.append("Each window's MAX(window_end) is its end, MIN(window_time) its end - 1 ns and")
    c.notes.append("COUNT(window_start) its row count (Flink allows aggregates of the window columns).")
    return c.finish("""
CREATE STREAM pings (
  ts        TIMESTAMP NOT NULL,
  robot_id  INT32 NOT NULL,
  rssi      INT32,
  WATERMARK FOR ts AS ts - 100ms
);

CREATE STREAM reach AS
SELECT robot_id, window_start, MAX(window_end) AS last_end, COUNT(window_start) AS n,
       MIN(window_time) AS wt, COUNT(rssi) AS heard
FROM HOP(pings, ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND)
GROUP BY robot_id, window_start, window_end
HAVING MAX(window_end) - MIN(window_start) = INTERVAL '3' SECOND;
""", sel, [v for _, _, v in out])


def case_key_filter_pushdown():
    c = Case("key_filter_pushdown", "conditions on group keys above a window aggregate, repeated aggregate arguments (issue 13)")
    cam = c.source("camera", CAMERA_COLS, "ts", 50 * MS)
    rng = random.Random(1313)
    rows = gen_cameras(rng, T0 + 13 * NS, 4, [(1, 33333, 0, US, 0.4), (2, 50000, 7 * MS, US, 0.45),
                                             (3, 40000, 13 * MS, US, 0.3), (4, 100000, 21 * MS, US, 0.5),
                                             (6, 66666, 29 * MS, US, 0.35)],
                       stragglers=8, straggler_lat=(100 * MS, 1200 * MS))
    for r in rng.sample(rows, 7):
        r[1] = None  # the NULL group: never passes cam_id <> 3 AND cam_id < 5
    c.write_input(cam, rows)
    db = c.load()
    run = run_windows(c.items(), db.passing("camera", ["cam_id"], "1"), tumble(NS))
    assert run.late, "some stragglers must be late"
    sel = [("cam_id", "cam_id", "INT32"), ("window_start", "window_start", "TIMESTAMP"),
           ("COUNT(*)", "frames", "INT64"), ("SUM(wrap32(objects * 2 + 1))", "s", "INT64"),
           ("MAX(wrap32(objects * 2 + 1))", "m", "INT32")]
    out = db.window_agg("camera", run, ["cam_id"], sel, having="cam_id <> 3 AND COUNT(*) > 1 AND cam_id < 5")
    kept = {v[0] for _, _, v in out}
    assert kept == {1, 2, 4}, kept
    c.notes += [
        "TUMBLE(1 s) per camera (1, 2, 3, 4, 6 and NULL; stragglers up to 1.2 s late) with",
        "HAVING cam_id <> 3 AND COUNT(*) > 1, read by a query WHERE cam_id < 5. The optimizer moves",
        "the key conditions below the aggregate (push-filters-through-projections, merge-filters,",
        "push-filters-below-aggregates) and computes objects * 2 + 1 once for SUM and MAX",
        "(share-subexpressions): the rows must be those of SQL's GROUP BY ... HAVING, in the",
        "model's firing order (cameras 1, 2 and 4 only).",
    ]
    program = """
CREATE STREAM camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32,
  frame_id    INT64,
  brightness  FLOAT32,
  objects     INT32,
  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND
);

CREATE STREAM per_second AS
SELECT cam_id, window_start, COUNT(*) AS frames, SUM(objects * 2 + 1) AS s, MAX(objects * 2 + 1) AS m
FROM TUMBLE(camera, ts, 1s)
GROUP BY cam_id, window_start, window_end
HAVING cam_id <> 3 AND COUNT(*) > 1;

SELECT cam_id, window_start, frames, s, m FROM per_second WHERE cam_id < 5;
"""
    return c.finish(program, sel, [v for _, _, v in out])


CASES = [case_spec_cam_stats, case_empty_windowed, case_global_aggregate, case_empty_global,
         case_tumble_boundaries, case_nulls_and_singletons, case_group_by_no_window,
         case_hop_wheel_speed, case_cumulate_picks, case_session_grasps, case_chained_rollup,
         case_union_cameras, case_union_passthrough, case_tumble_offset_day,
         case_tumble_offset_epoch, case_filter_projection, case_union_mixed_types,
         case_window_column_aggregates, case_key_filter_pushdown]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", help="generate only this case (repeatable)")
    args = ap.parse_args()
    _fmt_selfcheck()
    chosen = [f for f in CASES if not args.only or f.__name__[5:] in args.only]
    if not args.only:
        clean_cases(Case.generator)
    for f in chosen:
        name = f.__name__[5:]
        d = CASES_DIR / name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        n = f()
        print("%-22s %4d output rows" % (name, n))


if __name__ == "__main__":
    main()
