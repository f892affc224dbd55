"""Random programs and random rows, with their expected output.

`generate(family, seed, skip)` returns a `Program`: the vlac program text, its input files,
the `vlac run` arguments and the expected stdout lines. The expected rows come from this
folder's value model (values.py, LANGUAGE.md §2) and the streaming model of the e2e generators
(tests/e2e/make_cases.py and make_join_cases.py: watermarks, lateness, window membership,
firing order, sessions, joins, OVER emission order); join pairs are cross-checked against
SQLite's batch join. No vlac component is imported.

`skip` names known defects (issue 11 items) whose shapes are not generated, so the rest can be
run clean while they are being fixed; by default nothing is skipped.
"""

import math
import random

import values as V
from values import FLOATS, INTS, NUMS, mc

import make_join_cases as mj  # noqa: E402  (path set up by values)

T_BASE = 1_000_000_000_000  # ns; windows are tens of ns wide so rows share them
STRING_POOL = ["", "a", "ab", "Ab", "b", "abc", "x_y", "b%", "h\u00e9", "a,b", 'q"t', "zz", "A", "12", "-7",
               "2147483648", "0.5"]
KNOWN = {
    "wjoin_string": "item 1: window join on a STRING key",
    "null_right_key": "item 2: NULL right join key with a NOT NULL left key",
    "union_nullability": "item 3: UNION ALL branches that differ in nullability",
    "left_interval_on": "item 4: LEFT interval join with an extra ON condition",
    "over_specials": "item 5: OVER frames over NaN / 1e16 / variance",
    "extreme_ts": "item 6: timestamps near the INT64 limits",
    "round_substring_extremes": "item 7: ROUND/SUBSTRING with extreme arguments",
    "agg_window_column": "item 8: aggregate of a window column",
    # found by this tester (regressions/): not in issue 11's list
    "float_join_key": "NaN / -0 float join keys compared by bit pattern (regressions/float_key_*)",
    "substring_negative": "SUBSTRING with a negative start ignores FOR (regressions/substring_negative_start)",
}


class Program:
    def __init__(self, name):
        self.name = name
        self.text = ""
        self.inputs = {}        # file name -> bytes
        self.args = []
        self.expected = []      # output lines without the header
        self.header = []
        self.approx = set()     # column positions compared with a relative tolerance
        self.tolerance = {}     # (output row, column) -> absolute tolerance, for reassociated sums
        self.tags = set()
        self.input_types = {}   # file name -> [(column, base type)], for the JSON Lines run


# ============================================================================================
# Random values and sources
# ============================================================================================

TYPES = ["BOOL", "INT32", "INT64", "FLOAT32", "FLOAT64", "TIMESTAMP", "STRING", "STRING(4)"]


def rand_value(rng, typ, specials, extremes):
    b = V.base(typ)
    if b == "BOOL":
        return rng.choice([0, 1])
    if b in INTS:
        lim = 1 << V.LIMIT[b]
        if extremes and rng.random() < 0.15:
            return rng.choice([lim - 1, -lim, -lim + 1, lim // 2 + 7])
        return rng.randint(-6, 9)
    if b in FLOATS:
        if specials and rng.random() < 0.12:
            big = 3.4028234663852886e38 if b == "FLOAT32" else 1.7976931348623157e308
            return rng.choice([math.nan, math.inf, -math.inf, -0.0, big, -big])
        return rng.randint(-64, 96) / 8.0
    if b == "TIMESTAMP":
        return T_BASE + rng.randint(-50, 500)
    if typ == "STRING(4)":
        return rng.choice([s for s in STRING_POOL if len(s.encode()) <= 4])
    return rng.choice(STRING_POOL)


def field_text(v, typ):
    if v is None:
        return None
    b = V.base(typ)
    if b == "BOOL":
        return "true" if v else "false"
    if b == "FLOAT32":
        return mc.fmt_f32(v)
    if b == "FLOAT64":
        return mc.fmt_f64(v)
    return str(v)


class Src:
    """A random source stream: ts, then columns [(name, type, nullable)]."""

    def __init__(self, name, cols, bound):
        self.name, self.cols, self.bound = name, cols, bound

    def ddl(self):
        parts = ["ts TIMESTAMP NOT NULL"]
        parts += ["%s %s%s" % (c, t, "" if n else " NOT NULL") for c, t, n in self.cols]
        parts.append("WATERMARK FOR ts AS ts - INTERVAL '%d' NANOSECOND" % self.bound)
        return "CREATE STREAM %s (\n  %s\n);" % (self.name, ",\n  ".join(parts))

    def exprs(self, alias=None):
        pre = alias + "." if alias else ""
        return [V.col(pre + c, t, n) for c, t, n in self.cols]


def rand_cols(rng, n, prefix="c", types=None):
    return [("%s%d" % (prefix, i + 1), rng.choice(types or TYPES), rng.random() < 0.5) for i in range(n)]


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def base_time(rng, skip, p=0.08, at_limit=False):
    """T_BASE, or (unless skipped) a time near one of the INT64 limits (issue 11 item 6); with
    at_limit, the rows start at INT64_MIN or end just below INT64_MAX."""
    if "extreme_ts" not in skip and rng.random() < p:
        if at_limit:
            return rng.choice([INT64_MIN, INT64_MAX - 300])
        return rng.choice([INT64_MIN + 2000, INT64_MAX - 10 ** 6])
    return T_BASE


def rand_times(rng, n, step, disorder, late, t0=T_BASE):
    """Event times in arrival order: increasing by ~step, locally shuffled, a few late rows."""
    ts = []
    t = t0
    for _ in range(n):
        t += rng.randint(0, step)
        ts.append(t)
    for i in range(len(ts) - 1):
        if rng.random() < disorder:
            ts[i], ts[i + 1] = ts[i + 1], ts[i]
    for i in range(len(ts)):
        if i > 3 and rng.random() < late:
            ts[i] = max(t0, max(ts[:i]) - rng.randint(step, 6 * step))
    return ts


def fill_rows(rng, src, times, specials, extremes, null_p=0.2):
    """Rows as dicts keyed by the row-dict names the models use (ts, columns)."""
    rows = []
    for t in times:
        r = {"ts": t}
        for c, typ, nullable in src.cols:
            r[c] = None if nullable and rng.random() < null_p else rand_value(rng, typ, specials, extremes)
        rows.append(r)
    return rows


class World:
    """The sources of one program and their rows, loaded through the e2e reader (so values
    are parsed from the CSV text exactly as §7 says), interleaved by §7's rule."""

    def __init__(self, prog, srcs, rows_by_src):
        self.srcs = srcs
        self.msrc = []
        for s in srcs:
            cols = [("ts", "TIMESTAMP")] + [(c, V.base(t)) for c, t, _ in s.cols]
            header = [c for c, _ in cols]
            lines = [",".join(header)]
            for r in rows_by_src[s.name]:
                fs = [str(r["ts"])] + [field_text(r[c], t) for c, t, _ in s.cols]
                lines.append(",".join("" if f is None else mc.csv_field(f) for f in fs))
            prog.inputs[s.name + ".csv"] = ("\n".join(lines) + "\n").encode()
            prog.input_types[s.name + ".csv"] = cols
            prog.args += ["--input", "%s=%s.csv" % (s.name, s.name)]
            m = mc.Source(s.name, cols, "ts", s.bound)
            m.rows = [self._parse(prog.inputs[s.name + ".csv"], cols)]
            self.msrc.append(m)
        self.arrivals = mc.interleave(self.msrc)
        self.src_of = {s.name: m for s, m in zip(srcs, self.msrc)}

    @staticmethod
    def _parse(data, cols):
        import pathlib
        import tempfile
        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
            f.write(data)
        p = pathlib.Path(f.name)
        recs = mc.read_csv_records(p)
        p.unlink()
        types = dict(cols)
        return [{h: mc.parse_field(v, types[h]) for h, v in zip(recs[0], r)} for r in recs[1:]]

    def items(self, *names):
        return mc.watermark_items(self.arrivals, [self.src_of[n] for n in names])

    def row(self, seq):
        return self.arrivals[seq][1]


# ============================================================================================
# Random expressions
# ============================================================================================


class ExprGen:
    def __init__(self, rng, cols, skip):
        self.rng, self.cols, self.skip = rng, cols, skip

    def arg(self, typ, depth, null_type):
        """A function's argument: sometimes a bare NULL literal where the function gives it
        the type null_type (ABS(NULL) is a FLOAT64, UPPER(NULL) a STRING), else of(typ)."""
        if typ == null_type and self.rng.random() < 0.04:
            return V.lit(None, typ)
        return self.of(typ, depth)

    def of(self, typ, depth=2):
        """A random expression of base type typ (STRING covers STRING(n))."""
        rng = self.rng
        cands = [c for c in self.cols if c.b == typ]
        if depth <= 0 or rng.random() < 0.3:
            if cands and rng.random() < 0.8:
                return rng.choice(cands)
            return self.literal(typ)
        d = depth - 1
        if typ == "FLOAT64" and rng.random() < 0.15:
            name = rng.choice(sorted(V.REAL_FUNCTIONS))
            return V.real_e(name, [self.arg(rng.choice(NUMS), d, "FLOAT64") for _ in range(V.REAL_FUNCTIONS[name])])
        if typ in NUMS:
            r = rng.random()
            if r < 0.4:
                op = rng.choice("+-*/%")
                other = rng.choice([t for t in NUMS if V.promote(t, typ) == typ])
                x, y = self.of(typ, d), self.of(other, d)
                e = V.arith(op, x, y) if rng.random() < 0.5 else V.arith(op, y, x)
                return V.coerce(e, typ) if e.b != typ else e
            if r < 0.5:
                return V.neg(self.of(typ, d))
            if r < 0.6:
                return V.case(self.of("BOOL", d), self.of(typ, d), self.of(typ, d))
            if r < 0.7:
                return V.coalesce(self.of(typ, d), self.of(typ, d))
            if r < 0.74:
                return V.cast_e(self.of(rng.choice(["STRING", "BOOL"]) if typ in INTS else "STRING", d), typ)
            if r < 0.8:
                src = rng.choice([t for t in NUMS if t != typ] + (["TIMESTAMP"] if typ == "INT64" else []))
                if typ == "INT32" and src == "INT64":
                    src = "INT32"
                if src == typ:
                    return self.of(typ, d)
                return V.cast_e(self.of(src, d), typ)
            if r < 0.88:
                fns = ["ABS", "SIGN"] + (["FLOOR", "CEIL"] if typ in FLOATS else [])
                if typ == "FLOAT64":
                    fns.append("SQRT")
                if typ == "INT32":
                    return V.func1("LENGTH", self.arg("STRING", d, "STRING"))
                return V.func1(rng.choice(fns), self.arg(typ, d, "FLOAT64"))
            if r < 0.94 and typ in FLOATS:
                digits = rng.randint(0, 3)
                if "round_substring_extremes" not in self.skip and rng.random() < 0.1:
                    digits = rng.choice([2147483647, 400, 30])
                return V.round_e(self.arg(typ, d, "FLOAT64"), digits)
            name = rng.choice(["LEAST", "GREATEST", "CLAMP"])
            n = 3 if name == "CLAMP" else rng.randint(1, 3)
            # Arguments of this type or narrower, one of them of this type (their common type is
            # typ: vlac types the call by its arguments alone).
            args = [self.of(typ, d)] + [self.of(rng.choice([t for t in NUMS if V.promote(t, typ) == typ]), d)
                                        for _ in range(n - 1)]
            rng.shuffle(args)
            return V.least(name, args)
        if typ == "BOOL":
            r = rng.random()
            if r < 0.4:
                t = rng.choice(NUMS + ("STRING", "TIMESTAMP", "BOOL"))
                if t in NUMS:
                    t2 = rng.choice(NUMS)
                else:
                    t2 = t
                return V.compare(rng.choice(["=", "<>", "<", "<=", ">", ">="]), self.of(t, d), self.of(t2, d))
            if r < 0.55:
                return V.logic(rng.choice(["AND", "OR"]), self.of("BOOL", d), self.of("BOOL", d))
            if r < 0.62:
                if rng.random() < 0.3:
                    return V.cast_e(self.of(rng.choice(INTS), d), "BOOL")
                return V.not_(self.of("BOOL", d))
            if r < 0.7:
                return V.is_null(self.of(rng.choice(V.TYPES_B), d), rng.random() < 0.5)
            if r < 0.78:
                t = rng.choice(INTS)
                return V.between(self.of(t, d), self.literal(t), self.literal(t))
            if r < 0.86:
                t = rng.choice(INTS + ("STRING",))
                return V.in_list(self.of(t, d), [self.literal(t) for _ in range(rng.randint(1, 3))])
            if r < 0.94:
                return V.like_e(self.of("STRING", d), rng.choice(["a%", "%b", "_", "%", "a_", "%a%", "h_", "x_y", ""]))
            return V.case(self.of("BOOL", d), self.of("BOOL", d), self.of("BOOL", d))
        if typ == "STRING":
            r = rng.random()
            if r < 0.3:
                return V.concat(self.of("STRING", d), self.of("STRING", d))
            if r < 0.5:
                return V.func1(rng.choice(["UPPER", "LOWER"]), self.arg("STRING", d, "STRING"))
            if r < 0.65:
                n = rng.choice([None, 0, 1, 2, 5])
                lo = 1 if "substring_negative" in self.skip else -2
                if "round_substring_extremes" not in self.skip and rng.random() < 0.1:
                    return V.substring(self.of("STRING", d), rng.choice([-5, 1, 3]), (1 << 63) - 1)
                return V.substring(self.of("STRING", d), rng.randint(lo, 4), n)
            if r < 0.72:
                if rng.random() < 0.5:
                    return V.cast_e(self.of(rng.choice(INTS), d), "STRING")
                return V.cast_e(self.of("STRING", d), "STRING(%d)" % rng.randint(1, 3))
            if r < 0.8:
                return V.case(self.of("BOOL", d), self.of("STRING", d), self.of("STRING", d))
            return V.coalesce(self.of("STRING", d), self.of("STRING", d))
        if typ == "TIMESTAMP":
            if rng.random() < 0.5:
                return V.ts_shift(self.of("TIMESTAMP", d), rng.randint(-100, 100))
            return V.coalesce(self.of("TIMESTAMP", d), self.of("TIMESTAMP", d))
        raise AssertionError(typ)

    def literal(self, typ):
        rng = self.rng
        if rng.random() < 0.05 and typ != "TIMESTAMP":
            e = V.lit(None, typ)
            return V.cast_e(e, typ) if typ != "STRING" else V.E("CAST(NULL AS STRING)", "STRING", True, lambda r: None)
        if typ == "TIMESTAMP":
            base_ts = V.E("TIMESTAMP '%s'" % mc.fmt_ts(T_BASE), "TIMESTAMP", False, lambda r: T_BASE)
            return V.ts_shift(base_ts, rng.randint(0, 300))
        v = rand_value(rng, typ, False, rng.random() < 0.2)
        if typ in FLOATS and rng.random() < 0.1:
            v = 0.0
        return V.lit(v, typ)


V.TYPES_B = ("BOOL", "INT32", "INT64", "FLOAT32", "FLOAT64", "STRING", "TIMESTAMP")


# ============================================================================================
# Aggregates (§4): values in the order rows were accepted
# ============================================================================================


def agg_value(name, typ, rows, vals):
    """rows: [(ts, seq)] of the group's accepted rows; vals: the argument per row."""
    nn = [v for v in vals if v is not None]
    if name == "COUNT(*)":
        return len(vals)
    if name == "COUNT":
        return len(nn)
    if not nn:
        return None
    if name == "SUM":
        if typ in INTS:
            return V.wrap(sum(nn), "INT64")
        s = 0.0
        for v in nn:
            s += v
        return s
    if name == "AVG":
        if typ in INTS:
            return sum(nn) / len(nn)  # the exact sum: AVG does not wrap (SUM does)
        s = 0.0
        for v in nn:
            s += v
        return s / len(nn)
    if name in ("MIN", "MAX"):
        return min(nn) if name == "MIN" else max(nn)
    if name in ("FIRST_VALUE", "LAST_VALUE"):
        pairs = sorted((t, s, v) for (t, s), v in zip(rows, vals) if v is not None)
        return pairs[0][2] if name == "FIRST_VALUE" else pairs[-1][2]
    if name in ("VAR_POP", "VAR_SAMP", "STDDEV_POP", "STDDEV_SAMP"):
        from fractions import Fraction
        xs = [float(v) for v in nn]
        n = len(xs)
        if name.endswith("SAMP") and n < 2:
            return None
        if any(math.isnan(x) or math.isinf(x) for x in xs):
            return math.nan
        fx = [Fraction(x) for x in xs]
        mean = sum(fx) / n
        ss = sum((x - mean) ** 2 for x in fx)
        q = ss / (n - (1 if name.endswith("SAMP") else 0))
        var = float(q) if q < Fraction(1 << 1023) * 2 else math.inf
        return math.sqrt(var) if name.startswith("STDDEV") else var
    raise AssertionError(name)


def agg_type(name, typ):
    if name in ("COUNT", "COUNT(*)"):
        return "INT64"
    if name == "SUM":
        return "INT64" if typ in INTS else "FLOAT64"
    if name in ("MIN", "MAX", "FIRST_VALUE", "LAST_VALUE"):
        return typ
    return "FLOAT64"


AGGS = ["COUNT(*)", "COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP",
        "VAR_SAMP", "FIRST_VALUE", "LAST_VALUE"]


def rand_aggs(rng, cols, specials, n=None, eg=None):
    """[(name, arg expr or None, vsql text, out type, approx)]"""
    out = []
    for _ in range(n or rng.randint(1, 4)):
        name = rng.choice(AGGS)
        if name == "COUNT(*)":
            out.append((name, None, "COUNT(*)", "INT64", False))
            continue
        ok = [c for c in cols if (c.b in NUMS if name in ("SUM", "AVG") or "VAR" in name or "STDDEV" in name
                                  else c.b != "BOOL" if name in ("MIN", "MAX") else True)]
        if specials and name in ("MIN", "MAX"):
            ok = [c for c in ok if c.b not in FLOATS]
        if not ok:
            continue
        c = rng.choice(ok)
        if eg is not None and rng.random() < 0.3:
            c = eg.of(c.b, 1)
            if specials and name in ("MIN", "MAX") and c.b in FLOATS:
                continue
        approx = "VAR" in name or "STDDEV" in name
        if name == "AVG" and c.b in INTS:
            approx = True  # an INT64 sum divided, or a double sum: both within rounding
        out.append((name, c, "%s(%s)" % (name, c.text), agg_type(name, c.typ), approx))
    return out or [("COUNT(*)", None, "COUNT(*)", "INT64", False)]


def fmt_value(v, typ, ts_mode):
    """mc.fmt_value, except that a float printed in fixed notation at or beyond 2^53 shows its
    exact integer digits, as std::to_chars does (3437347809362995712, not ...995700): the
    choice between fixed and scientific is made on the shortest digits, the fixed form then
    prints the value exactly."""
    text = mc.fmt_value(v, typ, ts_mode)
    if typ in FLOATS and text and "e" not in text and "." not in text and text[-1].isdigit() \
            and abs(v) >= 2.0 ** (24 if typ == "FLOAT32" else 53):
        return str(int(v))
    return text


def fmt_row(vals, types, ts_mode="ns"):
    return ",".join(fmt_value(v, V.base(t), ts_mode) for v, t in zip(vals, types))
