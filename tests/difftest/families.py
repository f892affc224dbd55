"""The program families: each `fam_*(rng, prog, skip)` fills `prog` (text, inputs, expected)."""

import math

import gen as G
import values as V
from gen import INTS, NUMS, mc, mj

KEY_TYPES = ["BOOL", "INT32", "INT64", "STRING", "STRING(4)"]


def _src(rng, name, ncols, key_type=None, key_null=None, types=None, bound=None):
    cols = []
    if key_type:
        cols.append(("k", key_type, rng.random() < 0.5 if key_null is None else key_null))
    cols += G.rand_cols(rng, ncols, types=types)
    return G.Src(name, cols, rng.choice([0, 3, 10, 40]) if bound is None else bound)


def _rows(rng, prog, src, n, step=6, specials=None, extremes=None, late=0.08, t0=G.T_BASE):
    specials = rng.random() < 0.4 if specials is None else specials
    extremes = rng.random() < 0.4 if extremes is None else extremes
    times = G.rand_times(rng, n, step, rng.choice([0.0, 0.2, 0.5]), late, t0)
    return G.fill_rows(rng, src, times, specials, extremes), specials


def _finish(prog, world, stmts, header, types, rows):
    prog.text = "\n".join(s.ddl() for s in world.srcs) + "\n\n" + stmts.strip() + "\n"
    prog.header = header
    prog.expected = [G.fmt_row(r, types) for r in rows]
    prog.args += ["--timestamps", "ns"]


# ============================================================================================
# filter / project
# ============================================================================================


def _column_pred(rng, cols, skip):
    """A predicate that reads a column: `c op literal`, `c IS [NOT] NULL` or a comparison of two
    columns, sometimes AND/OR a random condition (a random BOOL expression alone is often a
    constant, which tests no pushdown)."""
    eg = G.ExprGen(rng, cols, skip)
    c = rng.choice(cols)
    r = rng.random()
    if r < 0.15:
        p = V.is_null(c, rng.random() < 0.5)
    elif r < 0.3 and any(o is not c and o.b == c.b for o in cols):
        p = V.compare(rng.choice(["=", "<>", "<", ">="]), c, rng.choice([o for o in cols if o is not c and o.b == c.b]))
    elif c.b == "BOOL":
        p = c if rng.random() < 0.5 else V.not_(c)
    else:
        p = V.compare(rng.choice(["=", "<>", "<", "<=", ">", ">="]), c, eg.literal(c.b))
    if rng.random() < 0.35:
        p = V.logic(rng.choice(["AND", "OR"]), p, eg.of("BOOL", 1))
    return p


def fam_filter(rng, prog, skip):
    src = _src(rng, "s", rng.randint(2, 6))
    rows, specials = _rows(rng, prog, src, rng.randint(0, 40))
    world = G.World(prog, [src], {"s": rows})
    eg = G.ExprGen(rng, src.exprs(), skip)
    outs = []
    for i in range(rng.randint(1, 4)):
        t = rng.choice(["BOOL", "INT32", "INT64", "FLOAT32", "FLOAT64", "TIMESTAMP", "STRING"])
        outs.append((eg.of(t, rng.randint(0, 4)), "o%d" % i))
    if "round_substring_extremes" not in skip and rng.random() < 0.15:  # issue 11 item 7
        fl = [c for c in src.exprs() if c.b in V.FLOATS]
        st = [c for c in src.exprs() if c.b == "STRING"]
        if fl:
            outs.append((V.round_e(rng.choice(fl), rng.choice([2147483647, 400, 30])), "r%d" % len(outs)))
        if st:
            outs.append((V.substring(rng.choice(st), rng.choice([-5, 0, 2]), (1 << 63) - 1), "u%d" % len(outs)))
    where = eg.of("BOOL", 2) if rng.random() < 0.7 else None
    sel = ", ".join("%s AS %s" % (e.text, n) for e, n in outs)
    q = "SELECT ts, %s FROM s%s;" % (sel, " WHERE " + where.text if where else "")
    exp = []
    for seq, (s, r) in enumerate(world.arrivals):
        if where is None or where.ev(r) == 1:
            exp.append([r["ts"]] + [e.ev(r) for e, _ in outs])
    _finish(prog, world, q, ["ts"] + [n for _, n in outs], ["TIMESTAMP"] + [e.typ for e, _ in outs], exp)


# ============================================================================================
# windowed, global, session aggregates; chained windows
# ============================================================================================


def _window_fn(rng, skip, kinds=("TUMBLE", "HOP", "CUMULATE")):
    kind = rng.choice(list(kinds))
    size = rng.choice([10, 20, 30, 60])
    off = rng.choice([0, 0, 3, -7]) if rng.random() < 0.4 else 0
    offtxt = ", INTERVAL '%d' NANOSECOND" % off if off else ""
    if kind == "TUMBLE":
        return "TUMBLE(s, ts, INTERVAL '%d' NANOSECOND%s)" % (size, offtxt), mc.tumble(size, off)
    step = size // rng.choice([2, 3, 5]) if size % 30 == 0 else size // 2
    if kind == "HOP":
        return ("HOP(s, ts, INTERVAL '%d' NANOSECOND, INTERVAL '%d' NANOSECOND%s)" % (step, size, offtxt),
                mc.hop(step, size, off))
    return ("CUMULATE(s, ts, INTERVAL '%d' NANOSECOND, INTERVAL '%d' NANOSECOND%s)" % (step, size, offtxt),
            mc.cumulate(step, size, off))


def _clamped(assign):
    """Window bounds outside INT64 are clamped to it, and windows whose clamped bounds
    coincide are one window (docs/decisions.md, issue 11: joins and event time)."""
    def clamped(t):
        out = []
        for s, e in assign(t):
            w = (max(s, G.INT64_MIN), min(e, G.INT64_MAX))
            if w not in out:
                out.append(w)
        return out
    return clamped


def _agg_setup(rng, prog, skip, n_rows=None, n_aggs=None, unread=0, specials=None):
    """unread: that many more source columns (u1, u2, ...) that nothing reads."""
    key_t = rng.choice(KEY_TYPES + [None])
    src = _src(rng, "s", rng.randint(1, 4), key_t)
    src.cols += G.rand_cols(rng, unread, "u")
    rows, specials = _rows(rng, prog, src, rng.randint(0, 50) if n_rows is None else n_rows,
                           specials=specials, t0=G.base_time(rng, skip))
    world = G.World(prog, [src], {"s": rows})
    exprs = [e for e in src.exprs() if not e.text.startswith("u")]
    key = exprs[0] if key_t else None
    eg = G.ExprGen(rng, exprs, skip)
    aggs = G.rand_aggs(rng, exprs[1:] or exprs, specials, n_aggs, eg=eg)
    where = eg.of("BOOL", 1) if rng.random() < 0.4 else None
    return src, world, key, aggs, where


def _agg_outputs(aggs, members, world):
    """Aggregate values over members [(seq)] in accepted order."""
    rows = [(world.row(s)["ts"], s) for s in members]
    out = []
    for name, arg, _text, _typ, _ap in aggs:
        vals = [1 if arg is None else arg.ev(world.row(s)) for s in members]
        out.append(G.agg_value(name, arg.b if arg else None, rows, vals))
    return out


def _having(rng, aggs, skip):
    """None, or a HAVING condition (an expression over the selected exact aggregates)."""
    r = rng.random()
    if r < 0.6:
        return None
    if r < 0.75:
        return V.compare(">", V.col("COUNT(*)", "INT64", False), V.lit(1, "INT32"))
    return G.ExprGen(rng, _agg_cols(aggs), skip).of("BOOL", 1)


def _agg_cols(aggs):
    return [V.col(a[2], a[3], True) for a in aggs if not a[4] and not a[0].startswith(("WCOL:", "POST"))]


def _add_post(rng, aggs, skip):
    """Sometimes an output that computes on aggregates (`SUM(x) * 2`, `MAX(a) > MIN(b)`)."""
    cols = _agg_cols(aggs)
    if cols and rng.random() < 0.3:
        e = G.ExprGen(rng, cols, skip).of(rng.choice(["INT64", "FLOAT64", "BOOL"]), 1)
        aggs.append(("POST", e, e.text, e.typ, False))


def _finish_groups(aggs, ms, world, having, bounds=None):
    """The output values of one group, or None when HAVING drops it."""
    plain = [a for a in aggs if not a[0].startswith(("WCOL:", "POST"))]
    vals = dict(zip([a[2] for a in plain], _agg_outputs(plain, ms, world)))
    vals["COUNT(*)"] = len(ms)
    out = []
    for a in aggs:
        if a[0].startswith("WCOL:"):  # an aggregate of a window column: constant over the window
            fn, wc = a[0].split(":")[1:]
            s, e = bounds
            v = {"window_start": s, "window_end": e, "window_time": e - 1}[wc]
            out.append(len(ms) if fn == "COUNT" else v)
        elif a[0] == "POST":
            out.append(a[1].ev(vals))
        else:
            out.append(vals[a[2]])
    if having is not None and having.ev(vals) != 1:
        return None
    return out


def fam_window(rng, prog, skip):
    _window_program(rng, prog, skip, _agg_setup(rng, prog, skip), _window_fn(rng, skip))


def fam_window_sliced(rng, prog, skip):
    """HOP or CUMULATE with several aggregates (window slicing, merging identical aggregates),
    a WHERE (pushed below the window) and source columns nothing reads (pruned). No special
    floats: the values are eighths, so float sums are exact in any order, and a sliced sum must
    equal the row-by-row one exactly."""
    setup = _agg_setup(rng, prog, skip, n_aggs=rng.randint(3, 6), unread=rng.randint(1, 3), specials=False)
    if rng.random() < 0.6:
        src, world, key, aggs, _where = setup
        setup = (src, world, key, aggs, _column_pred(rng, [e for e in src.exprs() if not e.text.startswith("u")], skip))
    _window_program(rng, prog, skip, setup, _window_fn(rng, skip, ("HOP", "CUMULATE")))


def _window_program(rng, prog, skip, setup, window):
    src, world, key, aggs, where = setup
    wtext, assign = window
    _add_post(rng, aggs, skip)
    having = _having(rng, aggs, skip)
    if "agg_window_column" not in skip and rng.random() < 0.1:
        fn, wc = rng.choice([("MAX", "window_end"), ("COUNT", "window_start"), ("MIN", "window_time"),
                             ("FIRST_VALUE", "window_start")])
        aggs.append(("WCOL:%s:%s" % (fn, wc), None, "%s(%s)" % (fn, wc),
                     "INT64" if fn == "COUNT" else "TIMESTAMP", False))
    sel = ([key.text] if key else []) + ["window_start", "window_end"] + \
          ["%s AS a%d" % (t, i) for i, (_, _, t, _, _) in enumerate(aggs)]
    gb = ([key.text] if key else []) + ["window_start", "window_end"]
    q = "SELECT %s FROM %s%s GROUP BY %s%s;" % (
        ", ".join(sel), wtext, " WHERE " + where.text if where else "", ", ".join(gb),
        " HAVING " + having.text if having else "")
    passing = {seq: ((r[key.text],) if key else ()) for seq, (s, r) in enumerate(world.arrivals)
               if where is None or where.ev(r) == 1}
    run = mc.run_windows(world.items("s"), passing, assign)
    off = 1 if key else 0
    # Window slicing (HOP, CUMULATE) adds a float SUM or AVG per slice, then the slices: where
    # one association of the sum may pass the largest double and another not, the result may be
    # +-Infinity, NaN or a number (docs/decisions.md, "Window slicing and float overflow"). Such
    # a cell, and the expressions over aggregates beside it, may hold any value; a HAVING that
    # could depend on one is left out.
    overflow = _may_overflow_when_sliced(wtext, aggs, world) if wtext.startswith(("HOP", "CUMULATE")) else None
    if having is not None and overflow and any(overflow(ms) for ms in _window_members(run, world, key).values()):
        having = None
        q = q[:q.index(" HAVING ")] + ";"
    exp = _window_rows(run, world, key, aggs, having)
    if overflow:
        members = _window_members(run, world, key)
        row = 0
        for _idx, groups in run.firings:
            for wid, k in groups:
                for i in overflow(members[(wid, k)]):
                    prog.tolerance[(row, off + 2 + i)] = math.inf
                row += 1
    types = ([key.typ] if key else []) + ["TIMESTAMP", "TIMESTAMP"] + [a[3] for a in aggs]
    prog.approx = {off + 2 + i for i, a in enumerate(aggs) if a[4]}
    _finish(prog, world, q, [c.split(" AS ")[-1] for c in sel], types, exp)


def _may_overflow_when_sliced(wtext, aggs, world):
    """A function of a group's arrivals: the aggregates (indices into aggs) whose value may
    depend on how a float sum is associated because its terms' magnitudes add up past the
    largest double, with every expression over aggregates (POST) when one does."""
    sums = [i for i, a in enumerate(aggs) if a[0] in ("SUM", "AVG") and a[1] is not None and a[1].b in V.FLOATS]
    posts = [i for i, a in enumerate(aggs) if a[0] == "POST"]

    def overflow(ms):
        out = []
        for i in sums:
            terms = [aggs[i][1].ev(world.row(seq)) for seq in ms]
            finite = [abs(t) for t in terms if t is not None and math.isfinite(t)]
            try:
                past = math.fsum(finite) > 1.7976931348623157e308
            except OverflowError:
                past = True
            if past:
                out.append(i)
        return out + posts if out else out
    return overflow if sums else None


def _window_members(run, world, key):
    members = {}
    for seq, wid in run.membership:
        k = (world.row(seq)[key.text],) if key else ()
        members.setdefault((wid, k), []).append(seq)
    return members


def _window_rows(run, world, key, aggs, having, with_time=False):
    members = _window_members(run, world, key)
    exp = []
    for _idx, groups in run.firings:
        for wid, k in groups:
            ms = members[(wid, k)]
            s, e = run.bounds[wid]
            vals = _finish_groups(aggs, ms, world, having, (s, e))
            if vals is not None:
                exp.append(list(k) + [s, e] + vals)
    return exp


def fam_session(rng, prog, skip):
    src, world, key, aggs, where = _agg_setup(rng, prog, skip)
    gap = rng.choice([3, 8, 15])
    sel = ([key.text] if key else []) + ["window_start", "window_end"] + \
          ["%s AS a%d" % (t, i) for i, (_, _, t, _, _) in enumerate(aggs)]
    gb = ([key.text] if key else []) + ["window_start", "window_end"]
    q = "SELECT %s FROM SESSION(s, ts, INTERVAL '%d' NANOSECOND)%s GROUP BY %s;" % (
        ", ".join(sel), gap, " WHERE " + where.text if where else "", ", ".join(gb))
    passing = {seq: ((r[key.text],) if key else ()) for seq, (s, r) in enumerate(world.arrivals)
               if where is None or where.ev(r) == 1}
    run = mc.run_sessions(world.items("s"), passing, gap)
    exp = _window_rows(run, world, key, aggs, None)
    types = ([key.typ] if key else []) + ["TIMESTAMP", "TIMESTAMP"] + [a[3] for a in aggs]
    off = 1 if key else 0
    prog.approx = {off + 2 + i for i, a in enumerate(aggs) if a[4]}
    _finish(prog, world, q, [c.split(" AS ")[-1] for c in sel], types, exp)


def fam_global(rng, prog, skip):
    src, world, key, aggs, where = _agg_setup(rng, prog, skip)
    if rng.random() < 0.4:
        key = None
    _add_post(rng, aggs, skip)
    having = _having(rng, aggs, skip) if key else None
    sel = ([key.text] if key else []) + ["%s AS a%d" % (t, i) for i, (_, _, t, _, _) in enumerate(aggs)]
    q = "SELECT %s FROM s%s%s%s;" % (", ".join(sel), " WHERE " + where.text if where else "",
                                     " GROUP BY " + key.text if key else "",
                                     " HAVING " + having.text if having else "")
    groups = {}
    for seq, (s, r) in enumerate(world.arrivals):
        if where is None or where.ev(r) == 1:
            groups.setdefault((r[key.text],) if key else (), []).append(seq)
    if not key and not groups:
        groups[()] = []
    exp = [list(k) + v for k, v in ((k, _finish_groups(aggs, ms, world, having)) for k, ms in groups.items())
           if v is not None]
    types = ([key.typ] if key else []) + [a[3] for a in aggs]
    prog.approx = {(1 if key else 0) + i for i, a in enumerate(aggs) if a[4]}
    _finish(prog, world, q, [c.split(" AS ")[-1] for c in sel], types, exp)


def fam_chained(rng, prog, skip):
    """TUMBLE aggregate, then a TUMBLE over its window_time."""
    key_t = rng.choice(["INT32", "STRING", None])
    src = _src(rng, "s", 2, key_t, types=["INT32", "INT64", "FLOAT64"])
    rows, _ = _rows(rng, prog, src, rng.randint(0, 60), specials=False)
    world = G.World(prog, [src], {"s": rows})
    exprs = src.exprs()
    key = exprs[0] if key_t else None
    val = exprs[-1]
    s1 = rng.choice([5, 10])
    s2 = s1 * rng.choice([2, 3, 4])
    up = rng.choice(["TUMBLE", "HOP", "SESSION"])
    up_text = {"TUMBLE": "TUMBLE(s, ts, INTERVAL '%d' NANOSECOND)" % s1,
               "HOP": "HOP(s, ts, INTERVAL '%d' NANOSECOND, INTERVAL '%d' NANOSECOND)" % (s1, 2 * s1),
               "SESSION": "SESSION(s, ts, INTERVAL '%d' NANOSECOND)" % s1}[up]
    kt = [key.text] if key else []
    q = ("CREATE STREAM inner_agg AS SELECT %s window_start, window_end, COUNT(*) AS n, SUM(%s) AS sv "
         "FROM %s GROUP BY %s window_start, window_end;\n"
         "SELECT %s window_start, window_end, SUM(n) AS total, COUNT(*) AS windows, MAX(sv) AS max_sv "
         "FROM TUMBLE(inner_agg, window_time, INTERVAL '%d' NANOSECOND) GROUP BY %s window_start, window_end;") % (
        "".join(k + ", " for k in kt), val.text, up_text, "".join(k + ", " for k in kt),
        "".join(k + ", " for k in kt), s2, "".join(k + ", " for k in kt))
    passing = {seq: ((r[key.text],) if key else ()) for seq, (s, r) in enumerate(world.arrivals)}
    items = world.items("s")
    if up == "SESSION":
        run = mc.run_sessions(items, passing, s1)
    else:
        run = mc.run_windows(items, passing, mc.tumble(s1) if up == "TUMBLE" else mc.hop(s1, 2 * s1))
    inner_aggs = [("COUNT(*)", None, "COUNT(*)", "INT64", False),
                  ("SUM", val, "SUM(%s)" % val.text, G.agg_type("SUM", val.b), False)]
    inner = []
    members = {}
    for seq, wid in run.membership:
        members.setdefault((wid, (world.row(seq)[key.text],) if key else ()), []).append(seq)
    for idx, groups in run.firings:
        for wid, k in groups:
            s, e = run.bounds[wid]
            inner.append((idx, (s, e), list(k) + _agg_outputs(inner_aggs, members[(wid, k)], world)))
    ditems = mc.downstream_items(items, inner)
    passing2 = {i: ((v[2][0],) if key else ()) for i, v in enumerate(inner)}
    run2 = mc.run_windows(ditems, passing2, mc.tumble(s2))
    assert not run2.late
    m2 = {}
    for i, wid in run2.membership:
        m2.setdefault((wid, passing2[i]), []).append(i)
    exp = []
    for _idx, groups in run2.firings:
        for wid, k in groups:
            ms = m2[(wid, k)]
            s, e = run2.bounds[wid]
            ns = [inner[i][2][-2] for i in ms]
            svs = [inner[i][2][-1] for i in ms]
            nn = [v for v in svs if v is not None]
            exp.append(list(k) + [s, e, sum(ns), len(ms), max(nn) if nn else None])
    types = ([key.typ] if key else []) + ["TIMESTAMP", "TIMESTAMP", "INT64", "INT64", G.agg_type("SUM", val.b)]
    _finish(prog, world, q, kt + ["window_start", "window_end", "total", "windows", "max_sv"], types, exp)


# ============================================================================================
# filters over projections (pushdown), repeated subexpressions, unread columns
# ============================================================================================


def fam_filter_project(rng, prog, skip):
    """A projection stream, then a query with a WHERE over its columns (pushed through the
    projection), one expression used several times (computed once), and source columns no
    one reads (pruned by the reader)."""
    src = _src(rng, "s", rng.randint(2, 4))
    src.cols += G.rand_cols(rng, rng.randint(1, 3), "u")
    rows, _specials = _rows(rng, prog, src, rng.randint(0, 40))
    world = G.World(prog, [src], {"s": rows})
    read = [e for e in src.exprs() if not e.text.startswith("u")]
    eg = G.ExprGen(rng, read, skip)
    t = rng.choice(["INT32", "INT64", "FLOAT64", "STRING", "BOOL"])
    shared = eg.of(t, rng.randint(1, 3))
    again = {"BOOL": lambda e: V.not_(e), "STRING": lambda e: V.concat(e, e)}.get(
        t, lambda e: V.arith("+", e, V.lit(1, "INT32")))(shared)
    outs = [(shared, "p0"), (again, "p1"), (eg.of(rng.choice(["INT64", "FLOAT64", "STRING", "BOOL"]), 2), "p2")]
    if rng.random() < 0.5:
        outs.append((shared, "p3"))  # the same expression twice in one SELECT
    inner_where = eg.of("BOOL", 1) if rng.random() < 0.4 else None
    pcols = [V.col(n, e.typ, True) for e, n in outs]
    pred = _column_pred(rng, pcols, skip)
    if t in NUMS and rng.random() < 0.5:  # the shared expression in the WHERE too
        pred = V.logic("AND", pred, V.compare(">", pcols[0], V.lit(0, "INT32")))
    shown = [n for _e, n in outs if rng.random() < 0.7] or ["p0"]
    q = ("CREATE STREAM p AS SELECT ts, %s FROM s%s;\n"
         "SELECT ts, %s FROM p WHERE %s;") % (
        ", ".join("%s AS %s" % (e.text, n) for e, n in outs), " WHERE " + inner_where.text if inner_where else "",
        ", ".join(shown), pred.text)
    exp = []
    for _seq, (_s, r) in enumerate(world.arrivals):
        if inner_where is not None and inner_where.ev(r) != 1:
            continue
        pr = {n: e.ev(r) for e, n in outs}
        if pred.ev(pr) == 1:
            exp.append([r["ts"]] + [pr[n] for n in shown])
    types = {n: e.typ for e, n in outs}
    _finish(prog, world, q, ["ts"] + shown, ["TIMESTAMP"] + [types[n] for n in shown], exp)


# ============================================================================================
# UNION ALL
# ============================================================================================


def fam_union(rng, prog, skip):
    types = [rng.choice(G.TYPES) for _ in range(rng.randint(1, 3))]
    nulls1 = [rng.random() < 0.5 for _ in types]
    if "union_nullability" in skip:
        nulls2 = list(nulls1)
    else:
        nulls2 = [rng.random() < 0.5 for _ in types]
    s1 = G.Src("s1", [("c%d" % (i + 1), t, n) for i, (t, n) in enumerate(zip(types, nulls1))], rng.choice([0, 5]))
    s2 = G.Src("s2", [("c%d" % (i + 1), t, n) for i, (t, n) in enumerate(zip(types, nulls2))], rng.choice([0, 5]))
    r1, _ = _rows(rng, prog, s1, rng.randint(0, 25))
    r2, _ = _rows(rng, prog, s2, rng.randint(0, 25))
    world = G.World(prog, [s1, s2], {"s1": r1, "s2": r2})
    e1 = G.ExprGen(rng, s1.exprs(), skip)
    w1 = e1.of("BOOL", 1) if rng.random() < 0.5 else None
    w2 = G.ExprGen(rng, s2.exprs(), skip).of("BOOL", 1) if rng.random() < 0.5 else None
    cols = ", ".join(c for c, _, _ in s1.cols)
    if rng.random() < 0.5:
        q = "SELECT ts, %s FROM s1%s UNION ALL SELECT ts, %s FROM s2%s;" % (
            cols, " WHERE " + w1.text if w1 else "", cols, " WHERE " + w2.text if w2 else "")
        exp = []
        for seq, (s, r) in enumerate(world.arrivals):
            w = w1 if s.name == "s1" else w2
            if w is None or w.ev(r) == 1:
                exp.append([r["ts"]] + [r[c] for c, _, _ in s1.cols])
        otypes = ["TIMESTAMP"] + [t for _, t, _ in s1.cols]
        _finish(prog, world, q, ["ts"] + [c for c, _, _ in s1.cols], otypes, exp)
        return
    # the union feeding a TUMBLE: watermark = min of both sources
    size = rng.choice([10, 20])
    c1 = s1.cols[0][0]
    q = ("CREATE STREAM u AS SELECT ts, %s FROM s1 UNION ALL SELECT ts, %s FROM s2;\n"
         "SELECT window_start, window_end, COUNT(*) AS n, COUNT(%s) AS nn FROM TUMBLE(u, ts, INTERVAL '%d' NANOSECOND) "
         "GROUP BY window_start, window_end;") % (cols, cols, c1, size)
    passing = {seq: () for seq in range(len(world.arrivals))}
    run = mc.run_windows(world.items("s1", "s2"), passing, mc.tumble(size))
    key = None
    aggs = [("COUNT(*)", None, "COUNT(*)", "INT64", False),
            ("COUNT", V.col(c1, s1.cols[0][1], True), "COUNT(%s)" % c1, "INT64", False)]
    exp = _window_rows(run, world, key, aggs, None)
    _finish(prog, world, q, ["window_start", "window_end", "n", "nn"], ["TIMESTAMP", "TIMESTAMP", "INT64", "INT64"], exp)


# ============================================================================================
# OVER
# ============================================================================================

OVER_AGGS = ["COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP",
             "FIRST_VALUE", "LAST_VALUE"]


def fam_over(rng, prog, skip):
    key_t = rng.choice(["INT32", "INT64", "BOOL", None])
    specials = "over_specials" not in skip and rng.random() < 0.3
    src = _src(rng, "s", 2, key_t, types=["INT32", "INT64", "FLOAT32", "FLOAT64"])
    extremes = "over_specials" not in skip and rng.random() < 0.3
    rows, _ = _rows(rng, prog, src, rng.randint(0, 40), specials=specials, extremes=extremes,
                    t0=G.base_time(rng, skip, 0.1, at_limit=True))
    world = G.World(prog, [src], {"s": rows})
    exprs = src.exprs()
    key = exprs[0] if key_t else None
    part = "PARTITION BY %s " % key.text if key else ""
    tr = mj.Trace(_TraceCase(world))
    outs = []
    for i in range(rng.randint(1, 3)):
        x = rng.choice(exprs[1:] if key else exprs)
        kind = rng.choice(["ROWS", "RANGE", "LAG"])
        if kind == "LAG":
            n = rng.choice([1, 1, 2])
            text = "LAG(%s%s) OVER (%sORDER BY ts)" % (x.text, ", %d" % n if n != 1 else "", part)
            outs.append((kind, "LAG", x, n, text, x.typ, False))
            continue
        name = rng.choice(OVER_AGGS)
        if name in ("MIN", "MAX") and specials and x.b in V.FLOATS:
            name = "COUNT"
        n = rng.choice([0, 1, 2, 5]) if kind == "ROWS" else rng.choice([0, 5, 20])
        frame = ("ROWS BETWEEN %d PRECEDING AND CURRENT ROW" % n if kind == "ROWS" else
                 "RANGE BETWEEN INTERVAL '%d' NANOSECOND PRECEDING AND CURRENT ROW" % n)
        text = "%s(%s) OVER (%sORDER BY ts %s)" % (name, x.text, part, frame)
        approx = name not in ("COUNT", "MIN", "MAX", "FIRST_VALUE", "LAST_VALUE") and (
            x.b in V.FLOATS or name != "SUM")
        outs.append((kind, name, x, n, text, G.agg_type(name, x.b), approx))
    where = G.ExprGen(rng, exprs, skip).of("BOOL", 1) if rng.random() < 0.3 else None
    sel = ["ts"] + ([key.text] if key else []) + ["%s AS o%d" % (o[4], i) for i, o in enumerate(outs)]
    q = "SELECT %s FROM s%s;" % (", ".join(sel), " WHERE " + where.text if where else "")
    passing = {seq for seq, (s, r) in enumerate(world.arrivals) if where is None or where.ev(r) == 1}
    order, late = mj.over_order(_TraceCase(world), tr, world.msrc[0], passing)
    accepted = sorted((world.row(s)["ts"], s) for s in order)
    exp = []
    for seq in order:
        r = world.row(seq)
        t = r["ts"]
        mine = [(tt, ss) for tt, ss in accepted if key is None or world.row(ss)[key.text] == r[key.text]]
        before = [p for p in mine if p <= (t, seq)]
        vals = [t] + ([r[key.text]] if key else [])
        for kind, name, x, n, _text, _typ, _ap in outs:
            if kind == "LAG":
                vals.append(x.ev(world.row(before[-1 - n][1])) if len(before) > n else None)
                continue
            if kind == "ROWS":
                frame = before[-(n + 1):]
            else:
                frame = [p for p in mine if t - n <= p[0] <= t]
            fv = [x.ev(world.row(ss)) for _, ss in frame]
            vals.append(G.agg_value(name, x.b, frame, fv))
            terms = [v for v in fv if v is not None]
            if name in ("SUM", "AVG") and x.b in V.FLOATS and terms and all(math.isfinite(v) for v in terms):
                # A sliding frame may associate the sum differently (§4): each of the n - 1
                # additions may round by half an ulp of a partial sum, at most sum(|x|).
                try:
                    bound = len(terms) * 2.0 ** -52 * math.fsum(abs(v) for v in terms)
                except OverflowError:  # sum(|x|) past DBL_MAX: no bound short of every float
                    bound = math.inf
                prog.tolerance[(len(exp), len(vals) - 1)] = bound / (len(terms) if name == "AVG" else 1)
        exp.append(vals)
    types = ["TIMESTAMP"] + ([key.typ] if key else []) + [o[5] for o in outs]
    base = 2 if key else 1
    prog.approx = {base + i for i, o in enumerate(outs) if o[6]}
    _finish(prog, world, q, ["ts"] + ([key.text] if key else []) + ["o%d" % i for i in range(len(outs))], types, exp)


class _TraceCase:
    """What mj.Trace / over_order need of a case: sources and arrivals."""

    def __init__(self, world):
        self.sources = world.msrc
        self.arrivals = world.arrivals


# ============================================================================================
# Joins
# ============================================================================================


def _join_sources(rng, prog, skip, n_a, n_b, bound=None, key_types=None):
    kt = rng.choice(key_types or ["BOOL", "INT32", "INT64", "FLOAT32", "FLOAT64", "STRING", "STRING(4)"])
    ka_null = rng.random() < 0.5
    kb_null = rng.random() < 0.5
    if "null_right_key" in skip and kb_null and not ka_null:
        kb_null = False
    a = G.Src("a", [("k", kt, ka_null)] + G.rand_cols(rng, rng.randint(1, 2), "x", ["INT32", "FLOAT64", "STRING"]),
              rng.choice([0, 5, 20]) if bound is None else bound)
    b = G.Src("b", [("k", kt, kb_null)] + G.rand_cols(rng, rng.randint(1, 2), "y", ["INT32", "FLOAT64", "STRING"]),
              rng.choice([0, 5, 20]) if bound is None else bound)
    ta = G.base_time(rng, skip, 0.1, at_limit=True)
    tb = ta if rng.random() < 0.5 else G.base_time(rng, skip, 0.1, at_limit=True)
    if ta == G.INT64_MIN and rng.random() < 0.7:
        tb = G.INT64_MAX - 7 * n_b - 1  # b's last rows just below INT64_MAX: b.ts - a.ts wraps
    ra, _ = _rows(rng, prog, a, n_a, specials=False, extremes=False, late=0.05, t0=ta)
    rb, _ = _rows(rng, prog, b, n_b, specials=False, extremes=False, late=0.05, t0=tb)
    # keys from a small pool so that they match often
    pool = [G.rand_value(rng, kt, True, False) for _ in range(3)]
    if V.base(kt) in V.FLOATS:
        if "float_join_key" in skip:
            pool = [v for v in pool if not math.isnan(v) and v != 0] or [1.5]
        elif rng.random() < 0.5:
            pool += [math.nan, -0.0, 0.0]
    for rows, src in ((ra, a), (rb, b)):
        for r in rows:
            if r["k"] is not None:
                r["k"] = rng.choice(pool)
    return a, b, G.World(prog, [a, b], {"a": ra, "b": rb}), kt


def _join_select(a, b):
    cols = [("a.ts", "ats", "TIMESTAMP")] + [("a.%s" % c, "a_%s" % c, t) for c, t, _ in a.cols] + \
           [("b.ts", "bts", "TIMESTAMP")] + [("b.%s" % c, "b_%s" % c, t) for c, t, _ in b.cols]
    return cols


def _pair_values(world, cols, sa, sb):
    out = []
    for e, _n, _t in cols:
        side, c = e.split(".")
        seq = sa if side == "a" else sb
        out.append(None if seq is None else world.row(seq)[c])
    return out


def _extra_on(rng, a, b, world):
    """An extra ON condition comparing an a column with a b column of the same base type."""
    pairs = [(ca, cb) for ca, ta, _ in a.cols[1:] for cb, tb, _ in b.cols[1:] if V.base(ta) == V.base(tb)]
    if not pairs or rng.random() < 0.5:
        return None
    ca, cb = rng.choice(pairs)
    op = rng.choice([">", "<>", "<="])
    ta = dict((c, t) for c, t, _ in a.cols)[ca]
    tb = dict((c, t) for c, t, _ in b.cols)[cb]
    e = V.compare(op, V.col("a." + ca, ta, True), V.col("b." + cb, tb, True))
    return e, lambda sa, sb: e.fn({"a." + ca: world.row(sa)[ca], "b." + cb: world.row(sb)[cb]}) == 1


def fam_interval_join(rng, prog, skip):
    a, b, world, kt = _join_sources(rng, prog, skip, rng.randint(0, 25), rng.randint(0, 25))
    lo, hi = sorted([rng.randint(-15, 10), rng.randint(-15, 10)])
    left = rng.random() < 0.3
    extra = _extra_on(rng, a, b, world)
    if left and extra and "left_interval_on" in skip:
        extra = None
    use_key = rng.random() < 0.85
    cols = _join_select(a, b)
    on = ["a.k = b.k"] if use_key else []
    on.append("b.ts BETWEEN a.ts + INTERVAL '%d' NANOSECOND AND a.ts + INTERVAL '%d' NANOSECOND" % (lo, hi)
              if True else "")
    if extra:
        on.append(extra[0].text)
    q = "SELECT %s FROM a %sJOIN b ON %s;" % (", ".join("%s AS %s" % (e, n) for e, n, _ in cols),
                                               "LEFT " if left else "", " AND ".join(on))
    tc = _TraceCase(world)
    tr = mj.Trace(tc)
    run = mj.interval_join(tc, tr, world.msrc[0], world.msrc[1], ["k"] if use_key else [],
                           ["k"] if use_key else [], lo, hi)
    # SQLite's batch join of the rows that are not late must give the same pairs
    if _plain_times(world):  # SQLite's integers would overflow into floats near the limits
        db = mc.Db(world.msrc, world.arrivals)
        mj.store_late(db, run.late)
        sql_pairs = mj.interval_join_sql(db, "a", "a", "b", "b", [("k", "k")] if use_key else [], lo, hi,
                                         [("1", "", "")])
        assert [(x, y) for x, y, _ in sql_pairs] == run.out, "model and SQLite disagree"
    pairs = [p for p in run.out if extra is None or extra[1](*p)]
    if left:
        pairs = _left_interval(world, tr, run, pairs, lo, hi)
    exp = [_pair_values(world, cols, sa, sb) for sa, sb in pairs]
    _finish(prog, world, q, [n for _, n, _ in cols], [t for _, _, t in cols], exp)


def _plain_times(world):
    return all(abs(r["ts"]) < 1 << 60 for _, r in world.arrivals)


def _left_interval(world, tr, run, pairs, lo, hi):
    """LEFT: an a row that no b row matched (on the whole ON) is emitted with NULLs when the
    join lets go of it: at once if at its arrival no later b row can match it (a.ts + hi < W_b),
    else when it leaves the buffer. Buffered a rows leave in arrival order (first in, first
    out) once a.ts + hi < W_b, after the pairs of that arrival; at the end of input, all.
    A later b row's time is a TIMESTAMP, at least INT64_MIN: before any b row (W_b = -inf) an
    a row whose a.ts + hi lies below INT64_MIN can meet none."""
    late = set(run.late)
    by_second = {}
    for sa, sb in pairs:
        by_second.setdefault(max(sa, sb), []).append((sa, sb))
    matched, fifo, out = set(), [], []
    for seq, (src, r) in enumerate(world.arrivals):
        for p in by_second.get(seq, []):
            out.append(p)
            matched.add(p[0])
        if src.name == "a" and seq not in late:
            if r["ts"] + hi >= max(tr.w_before[seq]["b"], G.INT64_MIN):
                fifo.append(seq)
            elif seq not in matched:
                out.append((seq, None))
        wb = max(tr.w_after[seq]["b"], G.INT64_MIN)
        while fifo and world.row(fifo[0])["ts"] + hi < wb:
            s = fifo.pop(0)
            if s not in matched:
                out.append((s, None))
    out += [(s, None) for s in fifo if s not in matched]
    return out


def fam_asof_join(rng, prog, skip):
    a, b, world, kt = _join_sources(rng, prog, skip, rng.randint(0, 25), rng.randint(0, 25))
    left = rng.random() < 0.4
    cols = _join_select(a, b)
    q = "SELECT %s FROM a %sASOF JOIN b ON a.k = b.k AND a.ts >= b.ts;" % (
        ", ".join("%s AS %s" % (e, n) for e, n, _ in cols), "LEFT " if left else "")
    tc = _TraceCase(world)
    tr = mj.Trace(tc)
    run = mj.asof_join(tc, tr, world.msrc[0], world.msrc[1], ["k"], ["k"], left)
    db = mc.Db(world.msrc, world.arrivals)
    mj.store_late(db, run.late)
    sql_pairs = mj.asof_join_sql(db, "a", "a", "b", "b", [("k", "k")], left, [("1", "", "")])
    assert sorted((x, y) for x, y, _ in sql_pairs) == sorted(run.out), "model and SQLite disagree"
    exp = [_pair_values(world, cols, sa, sb) for sa, sb in run.out]
    _finish(prog, world, q, [n for _, n, _ in cols], [t for _, _, t in cols], exp)


def fam_join_filter(rng, prog, skip):
    """A WHERE after an interval or as-of join, inner or LEFT, reading one side or both: a
    one-sided predicate may be pushed into that side's input, but not one on the side a LEFT
    join pads with NULLs."""
    a, b, world, kt = _join_sources(rng, prog, skip, rng.randint(0, 25), rng.randint(0, 25))
    tc = _TraceCase(world)
    tr = mj.Trace(tc)
    left = rng.random() < 0.4
    if rng.random() < 0.5:
        lo, hi = sorted([rng.randint(-15, 10), rng.randint(-15, 10)])
        join = ("a %sJOIN b ON a.k = b.k AND b.ts BETWEEN a.ts + INTERVAL '%d' NANOSECOND AND "
                "a.ts + INTERVAL '%d' NANOSECOND") % ("LEFT " if left else "", lo, hi)
        run = mj.interval_join(tc, tr, world.msrc[0], world.msrc[1], ["k"], ["k"], lo, hi)
        pairs = _left_interval(world, tr, run, list(run.out), lo, hi) if left else list(run.out)
    else:
        join = "a %sASOF JOIN b ON a.k = b.k AND a.ts >= b.ts" % ("LEFT " if left else "")
        pairs = list(mj.asof_join(tc, tr, world.msrc[0], world.msrc[1], ["k"], ["k"], left).out)

    def side(name, src):
        return [V.col(name + ".ts", "TIMESTAMP", False)] + [V.col("%s.%s" % (name, c), t, True) for c, t, _ in src.cols]

    which = rng.choice(["a", "b", "both"])
    pa = _column_pred(rng, side("a", a), skip)
    pb = _column_pred(rng, side("b", b), skip)
    pred = {"a": pa, "b": pb}.get(which) or V.logic(rng.choice(["AND", "AND", "OR"]), pa, pb)
    cols = _join_select(a, b)
    q = "SELECT %s FROM %s WHERE %s;" % (", ".join("%s AS %s" % (e, n) for e, n, _ in cols), join, pred.text)
    exp = []
    for sa, sb in pairs:
        env = {}
        for name, seq, src in (("a", sa, a), ("b", sb, b)):
            for c in ["ts"] + [c for c, _t, _n in src.cols]:
                env["%s.%s" % (name, c)] = None if seq is None else world.row(seq)[c]
        if pred.ev(env) == 1:
            exp.append(_pair_values(world, cols, sa, sb))
    _finish(prog, world, q, [n for _, n, _ in cols], [t for _, _, t in cols], exp)


def fam_window_join(rng, prog, skip):
    """TUMBLE or HOP windows of both sides, inner or LEFT: with HOP a row is in several windows,
    so several windows (with rows in no window order) fire at once."""
    for _attempt in range(20):
        sub = G.Program(prog.name)
        a, b, world, kt = _join_sources(rng, sub, skip, rng.randint(0, 25), rng.randint(0, 25))
        if "wjoin_string" in skip and V.base(kt) == "STRING":
            continue
        break
    size = rng.choice([10, 20, 30])
    slide = rng.choice([s for s in (5, 10, size) if size % s == 0]) if rng.random() < 0.5 else None
    left = rng.random() < 0.4
    tc = _TraceCase(world)
    tr = mj.Trace(tc)
    # A row is late when its window has fired, at the lower of the two watermarks.
    run = mj.window_join(tc, tr, world.msrc[0], world.msrc[1], ["k"], ["k"], size,
                         assign=mc.hop(slide, size) if slide else None, left=left)
    prog.inputs, prog.args, prog.input_types = sub.inputs, sub.args, sub.input_types
    cols = _join_select(a, b)
    windows = ("HOP({s}, ts, INTERVAL '%d' NANOSECOND, INTERVAL '%d' NANOSECOND)" % (slide, size) if slide
               else "TUMBLE({s}, ts, INTERVAL '%d' NANOSECOND)" % size)
    q = ("SELECT l.window_start AS ws, l.window_end AS we, %s FROM %s l %sJOIN %s r "
         "ON l.window_start = r.window_start AND l.window_end = r.window_end AND l.k = r.k;") % (
        ", ".join("%s AS %s" % (e.replace("a.", "l.").replace("b.", "r."), n) for e, n, _ in cols),
        windows.format(s="a"), "LEFT " if left else "", windows.format(s="b"))
    exp = []
    for (sa, sb), (ws, we) in zip(run.out, run.windows):
        # Window bounds beyond INT64 are clamped to it (docs/decisions.md); membership is exact.
        exp.append([max(ws, G.INT64_MIN), min(we, G.INT64_MAX)] + _pair_values(world, cols, sa, sb))
    _finish(prog, world, q, ["ws", "we"] + [n for _, n, _ in cols],
            ["TIMESTAMP", "TIMESTAMP"] + [t for _, _, t in cols], exp)


def fam_join_window(rng, prog, skip):
    """An interval or as-of join feeding a TUMBLE: the join's output watermark must hold back
    so that none of its rows is late downstream (§5)."""
    a, b, world, kt = _join_sources(rng, prog, skip, rng.randint(0, 30), rng.randint(0, 30),
                                    key_types=["INT32", "INT64", "STRING", "BOOL"])
    tc = _TraceCase(world)
    tr = mj.Trace(tc)
    size = rng.choice([10, 20, 40])
    asof = rng.random() < 0.4
    if asof:
        left = rng.random() < 0.4
        join = "a %sASOF JOIN b ON a.k = b.k AND a.ts >= b.ts" % ("LEFT " if left else "")
        run = mj.asof_join(tc, tr, world.msrc[0], world.msrc[1], ["k"], ["k"], left)
    else:
        lo, hi = sorted([rng.randint(-15, 10), rng.randint(-15, 10)])
        join = ("a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts + INTERVAL '%d' NANOSECOND AND "
                "a.ts + INTERVAL '%d' NANOSECOND" % (lo, hi))
        run = mj.interval_join(tc, tr, world.msrc[0], world.msrc[1], ["k"], ["k"], lo, hi)
    q = ("CREATE STREAM j AS SELECT a.ts AS ats, a.k AS k, b.ts AS bts FROM %s;\n"
         "SELECT k, window_start, window_end, COUNT(*) AS n, COUNT(bts) AS nb, MAX(bts) AS mb "
         "FROM TUMBLE(j, ats, INTERVAL '%d' NANOSECOND) GROUP BY k, window_start, window_end;") % (join, size)
    passing = {i: (world.row(sa)["k"],) for i, (sa, _sb) in enumerate(run.out)}
    wrun = mc.run_windows(run.items, passing, _clamped(mc.tumble(size)))
    assert not wrun.late, "a join's output is never late downstream"
    members = {}
    for i, wid in wrun.membership:
        members.setdefault((wid, passing[i]), []).append(i)
    exp = []
    for _idx, groups in wrun.firings:
        for wid, k in groups:
            bts = [world.row(run.out[i][1])["ts"] for i in members[(wid, k)] if run.out[i][1] is not None]
            s, e = wrun.bounds[wid]
            exp.append([k[0], s, e, len(members[(wid, k)]), len(bts), max(bts) if bts else None])
    _finish(prog, world, q, ["k", "window_start", "window_end", "n", "nb", "mb"],
            [kt, "TIMESTAMP", "TIMESTAMP", "INT64", "INT64", "TIMESTAMP"], exp)


FAMILIES = {
    "join_window": fam_join_window,
    "filter": fam_filter,
    "window": fam_window,
    "global": fam_global,
    "session": fam_session,
    "chained": fam_chained,
    "union": fam_union,
    "over": fam_over,
    "interval_join": fam_interval_join,
    "asof_join": fam_asof_join,
    "window_join": fam_window_join,
    # shapes for the optimizer's rules (issue 13)
    "window_sliced": fam_window_sliced,
    "filter_project": fam_filter_project,
    "join_filter": fam_join_filter,
}
