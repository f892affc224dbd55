"""Value semantics of LANGUAGE.md §2 in Python, and random scalar expressions.

An expression is a small tree; each node knows its vlac text (`vsql`), its type and
nullability, and evaluates itself on a row (`ev`) exactly as §2 says: wrapping integers, NULL on
`/` or `%` by zero, FLOAT32 operations rounded to float32, NaN unordered, three-valued logic.
No vlac component is imported; formatting and float32 rounding come from the e2e generator.
"""

import math
import pathlib
import re
import sys
from decimal import ROUND_HALF_UP, Context, Decimal

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "e2e"))

import make_cases as mc  # noqa: E402

INTS = ("INT32", "INT64")
FLOATS = ("FLOAT32", "FLOAT64")
NUMS = INTS + FLOATS
RANK = {"INT32": 0, "INT64": 1, "FLOAT32": 2, "FLOAT64": 3}
LIMIT = {"INT32": 31, "INT64": 63}


def base(t):
    """STRING(n) -> STRING; other types unchanged."""
    return "STRING" if t.startswith("STRING") else t


def promote(a, b):
    if {a, b} == {"INT64", "FLOAT32"}:
        return "FLOAT64"
    return a if RANK[a] >= RANK[b] else b


def wrap(v, t):
    return mc._wrap(v, LIMIT[t] + 1)


def to_type(v, frm, to):
    """Implicit widening (promotion) of a non-NULL value."""
    if v is None or frm == to:
        return v
    if to == "FLOAT32":
        return mc.f32(float(v))
    if to == "FLOAT64":
        return float(v)
    return v


def _string_to(v, to):
    """Text to a number: the whole text must be one (else NULL), and fit the type."""
    if to in INTS:
        if not re.fullmatch(r"-?[0-9]+", v):
            return None
        n = int(v)
        return n if -(1 << LIMIT[to]) <= n < (1 << LIMIT[to]) else None
    if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", v):
        return None
    return mc.parse_f32(v) if to == "FLOAT32" else float(v)


def cast(v, frm, to):
    """CAST per §2: float -> int truncates, NaN/out of range NULL."""
    if v is None:
        return None
    if frm.startswith("STRING") and to.startswith("STRING("):
        return v if len(v.encode()) <= int(to[7:-1]) else None
    if frm.startswith("STRING"):
        return _string_to(v, to)
    if to == "STRING":
        assert frm in INTS
        return str(v)
    if to == "BOOL":
        return int(v != 0)
    if frm == "BOOL":
        return v
    if to in INTS and frm in FLOATS:
        return mc._cast_int(v, LIMIT[to] + 1)
    if to in INTS and frm == "TIMESTAMP":
        return v
    if to == "INT32" and frm == "INT64":
        return v if -(1 << 31) <= v < (1 << 31) else None
    return to_type(v, frm, to)


def f_arith(op, a, b, t):
    """One arithmetic operation in type t (operands already of type t, not NULL)."""
    if t in INTS:
        if op == "+":
            return wrap(a + b, t)
        if op == "-":
            return wrap(a - b, t)
        if op == "*":
            return wrap(a * b, t)
        if b == 0:
            return None
        q = abs(a) // abs(b)
        q = q if (a >= 0) == (b >= 0) else -q
        if op == "/":
            return wrap(q, t)
        return wrap(a - q * b, t)
    if op in "/%" and b == 0:
        return None
    if op == "+":
        r = a + b
    elif op == "-":
        r = a - b
    elif op == "*":
        r = a * b
    elif op == "/":
        try:
            r = a / b
        except ZeroDivisionError:
            return None
    else:
        r = mc._vfmod(a, b) if not (math.isinf(a) or math.isnan(a) or math.isnan(b)) else float("nan")
    if t == "FLOAT32":
        r = mc.f32(r)
    return r


def _cmp(op, a, b):
    if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
        return 1 if op == "<>" else 0
    return int({"=": a == b, "<>": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def like(s, pat):
    rx = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pat)
    return int(re.fullmatch(rx, s, re.S) is not None)


def round_digits(x, d, t):
    """ROUND half away from zero on the shortest decimal form of the value (§2)."""
    if math.isnan(x) or math.isinf(x) or d > 400:
        return x  # more digits than any float has: unchanged
    text = mc.fmt_f32(x) if t == "FLOAT32" else repr(x)
    q = Decimal(text).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP, context=Context(prec=1000))
    r = float(q)
    if r == 0:
        r = math.copysign(0.0, x)
    return mc.f32(r) if t == "FLOAT32" else r


# ============================================================================================
# Expression nodes
# ============================================================================================


class E:
    """typ: a vlac type name (STRING(n) allowed); null: may it be NULL."""

    def __init__(self, text, typ, null, fn, kids=()):
        self.text, self.typ, self.null, self.fn, self.kids = text, typ, null, fn, kids

    def ev(self, row):
        return self.fn(row)

    @property
    def b(self):
        return base(self.typ)


def col(name, typ, null):
    return E(name, typ, null, lambda row: row[name])


def lit(v, typ):
    if v is None:
        return E("NULL", typ, True, lambda row: None)
    if typ == "BOOL":
        text = "TRUE" if v else "FALSE"
    elif typ in INTS:
        text = str(v) if v >= 0 else "(%d)" % v if v > -(1 << 63) else "(-9223372036854775807 - 1)"
        if typ == "INT64" and -(1 << 31) <= v < (1 << 31):
            text = "CAST(%s AS INT64)" % text
    elif typ == "FLOAT64":
        text = repr(v) if v >= 0 else "(%r)" % v
        if "e" not in text and "." not in text:
            text += ".0"
    elif typ == "FLOAT32":
        text = "CAST(%s AS FLOAT32)" % (repr(v) if v >= 0 else "(%r)" % v)
    elif typ == "STRING":
        text = "'%s'" % v.replace("'", "''")
        typ = "STRING(%d)" % max(1, len(v.encode()))
    else:
        raise AssertionError(typ)
    return E(text, typ, False, lambda row: v)


def coerce(e, t):
    if e.b == t or (t == "STRING" and e.b == "STRING"):
        return e
    return E(e.text, t, e.null, lambda row: to_type(e.ev(row), e.b, t), (e,))


def arith(op, x, y):
    t = promote(x.b, y.b)
    a, b = coerce(x, t), coerce(y, t)

    def fn(row):
        va, vb = a.ev(row), b.ev(row)
        if va is None or vb is None:
            return None
        return f_arith(op, va, vb, t)
    return E("(%s %s %s)" % (x.text, op, y.text), t, True if op in "/%" else x.null or y.null, fn)


def neg(x):
    def fn(row):
        v = x.ev(row)
        if v is None:
            return None
        return wrap(-v, x.b) if x.b in INTS else -v
    return E("(- %s)" % x.text, x.typ, x.null, fn)


def compare(op, x, y):
    if x.b in NUMS:
        t = promote(x.b, y.b)
        x, y = coerce(x, t), coerce(y, t)

    def fn(row):
        va, vb = x.ev(row), y.ev(row)
        if va is None or vb is None:
            return None
        return _cmp(op, va, vb)
    return E("(%s %s %s)" % (x.text, op, y.text), "BOOL", x.null or y.null, fn)


def logic(op, x, y):
    def fn(row):
        va, vb = x.ev(row), y.ev(row)
        if op == "AND":
            if va == 0 or vb == 0:
                return 0
            return None if va is None or vb is None else 1
        if va == 1 or vb == 1:
            return 1
        return None if va is None or vb is None else 0
    return E("(%s %s %s)" % (x.text, op, y.text), "BOOL", x.null or y.null, fn)


def not_(x):
    return E("(NOT %s)" % x.text, "BOOL", x.null, lambda row: None if x.ev(row) is None else 1 - x.ev(row))


def is_null(x, negate):
    return E("(%s IS %sNULL)" % (x.text, "NOT " if negate else ""), "BOOL", False,
             lambda row: int((x.ev(row) is None) != negate))


def common(*es):
    t = es[0].typ
    for e in es[1:]:
        if base(t) in NUMS:
            t = promote(base(t), e.b)
        elif base(t) == "STRING":
            m1 = re.match(r"STRING\((\d+)\)", t)
            m2 = re.match(r"STRING\((\d+)\)", e.typ)
            t = "STRING(%d)" % max(int(m1.group(1)), int(m2.group(1))) if m1 and m2 else "STRING"
    return t


def case(c, x, y):
    t = common(x, y)
    a, b = coerce(x, base(t)), coerce(y, base(t))
    return E("CASE WHEN %s THEN %s ELSE %s END" % (c.text, x.text, y.text), t, x.null or y.null,
             lambda row: a.ev(row) if c.ev(row) == 1 else b.ev(row))


def coalesce(x, y):
    t = common(x, y)
    a, b = coerce(x, base(t)), coerce(y, base(t))

    def fn(row):
        v = a.ev(row)
        return b.ev(row) if v is None else v
    return E("COALESCE(%s, %s)" % (x.text, y.text), t, x.null and y.null, fn)


def cast_e(x, to):
    may_fail = (x.b in FLOATS and to in INTS) or (x.b == "INT64" and to == "INT32") or \
        (x.b == "STRING" and to != "STRING") or to.startswith("STRING(")
    frm = x.typ if to.startswith("STRING(") else x.b
    return E("CAST(%s AS %s)" % (x.text, to), to, x.null or may_fail,
             lambda row: cast(x.ev(row), frm, to))


def between(x, lo, hi):
    t = promote(promote(x.b, lo.b), hi.b)
    a = compare(">=", coerce(x, t), coerce(lo, t))
    b = compare("<=", coerce(x, t), coerce(hi, t))
    e = logic("AND", a, b)
    return E("(%s BETWEEN %s AND %s)" % (x.text, lo.text, hi.text), "BOOL", e.null, e.fn)


def in_list(x, items):
    eqs = [compare("=", x, i) for i in items]

    def fn(row):
        vs = [e.ev(row) for e in eqs]
        if 1 in vs:
            return 1
        return None if None in vs else 0
    return E("(%s IN (%s))" % (x.text, ", ".join(i.text for i in items)), "BOOL",
             any(e.null for e in eqs), fn)


def like_e(x, pat):
    def fn(row):
        v = x.ev(row)
        return None if v is None else like(v, pat)
    return E("(%s LIKE '%s')" % (x.text, pat.replace("'", "''")), "BOOL", x.null, fn)


def concat(x, y):
    m1 = re.match(r"STRING\((\d+)\)", x.typ)
    m2 = re.match(r"STRING\((\d+)\)", y.typ)
    t = "STRING(%d)" % (int(m1.group(1)) + int(m2.group(1))) if m1 and m2 else "STRING"

    def fn(row):
        a, b = x.ev(row), y.ev(row)
        return None if a is None or b is None else a + b
    return E("(%s || %s)" % (x.text, y.text), t, x.null or y.null, fn)


def func1(name, x):
    """ABS FLOOR CEIL SIGN (same type), SQRT (FLOAT64, NULL below 0), LENGTH, UPPER, LOWER."""
    t = x.b

    def fn(row):
        v = x.ev(row)
        if v is None:
            return None
        if name == "ABS":
            return wrap(abs(v), t) if t in INTS else abs(v)
        if name in ("FLOOR", "CEIL"):
            if t in INTS or math.isnan(v) or math.isinf(v):
                return v
            r = float(math.floor(v) if name == "FLOOR" else math.ceil(v))
            return math.copysign(r, v) if r == 0 else r
        if name == "SIGN":
            if t in INTS:
                return (v > 0) - (v < 0)
            if math.isnan(v):
                return v
            return float((v > 0) - (v < 0)) if v != 0 else v
        if name == "SQRT":
            v = float(v)
            return None if v < 0 else (v if math.isnan(v) else math.sqrt(v))
        if name == "LENGTH":
            return len(v)
        if name == "UPPER":
            return "".join(c.upper() if "a" <= c <= "z" else c for c in v)
        if name == "LOWER":
            return "".join(c.lower() if "A" <= c <= "Z" else c for c in v)
        raise AssertionError(name)
    typ = {"SQRT": "FLOAT64", "LENGTH": "INT32"}.get(name, x.typ)
    arg = "CAST(%s AS FLOAT64)" % x.text if name == "SQRT" and t != "FLOAT64" else x.text
    return E("%s(%s)" % (name, arg), typ, x.null or name == "SQRT", fn)


def round_e(x, d):
    def fn(row):
        v = x.ev(row)
        return None if v is None else round_digits(v, d, x.b)
    return E("ROUND(%s, %d)" % (x.text, d), x.typ, x.null, fn)


def less_ranked(x, cur):
    """MIN/MAX's order, also LEAST/GREATEST/CLAMP's: NaN above every number; among equal
    values (0.0 and -0.0) the earlier argument stays."""
    if isinstance(cur, float) and math.isnan(cur):
        return not (isinstance(x, float) and math.isnan(x))
    return not (isinstance(x, float) and math.isnan(x)) and x < cur


def greater_ranked(x, cur):
    if isinstance(x, float) and math.isnan(x):
        return not (isinstance(cur, float) and math.isnan(cur))
    return not (isinstance(cur, float) and math.isnan(cur)) and x > cur


def least(name, xs):
    """LEAST/GREATEST (any number of arguments) and CLAMP(x, lo, hi) = LEAST(GREATEST(x, lo), hi)."""
    t = common(*xs)
    cs = [coerce(x, t) for x in xs]

    def fn(row):
        vs = [c.ev(row) for c in cs]
        if None in vs:
            return None
        if name == "CLAMP":
            g = vs[1] if greater_ranked(vs[1], vs[0]) else vs[0]
            return vs[2] if less_ranked(vs[2], g) else g
        cur = vs[0]
        for v in vs[1:]:
            if (less_ranked if name == "LEAST" else greater_ranked)(v, cur):
                cur = v
        return cur
    return E("%s(%s)" % (name, ", ".join(x.text for x in xs)), t, any(x.null for x in xs), fn)


REAL_FUNCTIONS = {"EXP": 1, "LN": 1, "LOG10": 1, "POWER": 2, "SIN": 1, "COS": 1, "TAN": 1,
                  "ASIN": 1, "ACOS": 1, "ATAN": 1, "ATAN2": 2}


def _odd_integer(y):
    return math.isfinite(y) and y == math.floor(y) and abs(y) < 2.0 ** 53 and int(y) % 2 == 1


def real_function(name, a, b=None):
    """The real functions of docs/reference.md on FLOAT64 values: outside the domain NULL (a
    result that would be NaN from non-NaN arguments, or a pole), a NaN argument NaN, overflow
    +-Infinity. Python's math module calls the same C library as vlac for finite values, so
    its special cases are decided here, before it is called."""
    if name == "POWER":
        if b == 0:
            return 1.0  # x^0, even for NaN
        if math.isnan(a) or math.isnan(b):
            return float("nan")
        if abs(a) == 1 and math.isinf(b):
            return None
        if a == 0 and b < 0:
            return None
        if a < 0 and math.isfinite(a) and math.isfinite(b) and b != math.floor(b):
            return None
        try:
            return math.pow(a, b)
        except OverflowError:
            return -math.inf if a < 0 and _odd_integer(b) else math.inf
    if name == "ATAN2":
        return math.atan2(a, b)
    if math.isnan(a):
        return a
    if name == "EXP":
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf
    if name in ("LN", "LOG10"):
        if a <= 0:
            return None
        return a if math.isinf(a) else (math.log(a) if name == "LN" else math.log10(a))
    if name in ("SIN", "COS", "TAN"):
        return None if math.isinf(a) else getattr(math, name.lower())(a)
    if name in ("ASIN", "ACOS"):
        return None if abs(a) > 1 else getattr(math, name.lower())(a)
    if name == "ATAN":
        return math.atan(a)
    raise AssertionError(name)


def real_e(name, xs):
    """EXP LN LOG10 POWER SIN COS TAN ASIN ACOS ATAN ATAN2 of numbers of any type (FLOAT64)."""
    cs = [coerce(x, "FLOAT64") for x in xs]

    def fn(row):
        vs = [c.ev(row) for c in cs]
        return None if None in vs else real_function(name, *vs)
    may_be_null = name not in ("EXP", "ATAN", "ATAN2") or any(x.null for x in xs)
    return E("%s(%s)" % (name, ", ".join(x.text for x in xs)), "FLOAT64", may_be_null, fn)


def substring(x, i, n):
    def fn(row):
        v = x.ev(row)
        if v is None:
            return None
        lo = max(i, 1)
        hi = len(v) + 1 if n is None else max(i + n, 1)
        return v[lo - 1:hi - 1] if hi > lo else ""
    text = "SUBSTRING(%s FROM %d%s)" % (x.text, i, "" if n is None else " FOR %d" % n)
    return E(text, x.typ, x.null, fn)


def ts_shift(x, ns):
    return E("(%s + INTERVAL '%d' NANOSECOND)" % (x.text, ns) if ns >= 0 else
             "(%s - INTERVAL '%d' NANOSECOND)" % (x.text, -ns), "TIMESTAMP", x.null,
             lambda row: None if x.ev(row) is None else wrap(x.ev(row) + ns, "INT64"))
