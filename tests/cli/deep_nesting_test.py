#!/usr/bin/env python3
"""Deep nesting never overflows the stack (issue 11, item 9).

    python3 tests/cli/deep_nesting_test.py VLAC

Under the default 8 MB stack (set here with setrlimit; the sanitizer build runs this test with
its larger ASan frames too):
  * every nesting form far above the limit (5,000 parentheses, ABS(, CASE, CAST, unary minus,
    NOT; a 40,000-term sum; 2,000 nested subqueries) makes `vlac check` exit 1 with an
    "expression/query nested too deeply" error at a file:line:col, and no crash;
  * every form at the deepest nesting `check` accepts (found by bisection, at most the
    documented 256 levels) goes through check, explain, run (both backends) and build.
"""
import os
import re
import resource
import subprocess
import sys
import tempfile

HEADER = "CREATE STREAM s (x INT64, ts TIMESTAMP NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);\n"
LIMIT = 256  # docs/reference.md §7.1


def expr_program(expr):
    return HEADER + "SELECT " + expr + " AS y FROM s;\n"


FORMS = {
    "parentheses": (5000, lambda n: expr_program("(" * n + "x" + ")" * n)),
    "abs": (5000, lambda n: expr_program("ABS(" * n + "x" + ")" * n)),
    "case": (5000, lambda n: expr_program("CASE WHEN x > 0 THEN " * n + "x" + " END" * n)),
    "cast": (5000, lambda n: expr_program("CAST(" * n + "x" + " AS INT64)" * n)),
    "unary_minus": (5000, lambda n: expr_program("- " * n + "x")),
    "not": (5000, lambda n: HEADER + "SELECT x FROM s WHERE " + "NOT " * n + "x > 0;\n"),
    "left_nested_sums": (5000, lambda n: expr_program("(" * n + "x" + " + 1)" * n)),
    "sum": (40000, lambda n: expr_program("+".join(["x"] * n))),
    "or_chain": (40000, lambda n: HEADER + "SELECT x FROM s WHERE " + " OR ".join(["x = 1"] * n) + ";\n"),
    "subqueries": (2000, lambda n: HEADER + "SELECT x FROM " + "(SELECT x, ts FROM " * n + "s" + ")" * n + ";\n"),
    "window_subqueries": (2000, lambda n: HEADER + "SELECT x FROM " + "(SELECT x, ts FROM " * n + "s" + ")" * n +
                          " WHERE x > 0;\n"),
}


def limit_stack():
    resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, 8 << 20))


def main():
    vlac = os.path.abspath(sys.argv[1])
    failed = passed = 0

    def check(name, ok, detail=""):
        nonlocal failed, passed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s\n%s" % (name, detail[:3000]))

    def vlac_run(d, *args, timeout=600):
        return subprocess.run([vlac, *args], cwd=d, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=limit_stack)

    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "s.csv"), "w") as f:
            f.write("x,ts\n1,1000\n-2,2000\n")
        for name, (deep, make) in FORMS.items():
            path = os.path.join(d, name + ".vsql")
            with open(path, "w") as f:
                f.write(make(deep))
            r = vlac_run(d, "check", name + ".vsql")
            check("%s x%d: check reports it" % (name, deep),
                  r.returncode == 1 and re.search(r"^%s\.vsql:2:\d+: error: (expression|query) nested too deeply"
                                                  % name, r.stderr, re.M) is not None and "hint:" in r.stderr,
                  "exit %d\n%s" % (r.returncode, r.stderr[-1500:]))

            # The deepest accepted nesting: bisect on check's verdict.
            lo, hi = 1, LIMIT + 1
            while lo + 1 < hi:
                mid = (lo + hi) // 2
                with open(path, "w") as f:
                    f.write(make(mid))
                r = vlac_run(d, "check", name + ".vsql")
                if r.returncode == 0:
                    lo = mid
                else:
                    check("%s x%d: a clean error" % (name, mid), r.returncode == 1 and "nested too deeply" in r.stderr,
                          "exit %d\n%s" % (r.returncode, r.stderr[-1500:]))
                    hi = mid
            check("%s: the limit is not far below %d levels" % (name, LIMIT),
                  lo * (2 if name in ("case", "not", "or_chain", "left_nested_sums") else 1) >= LIMIT // 2 - 2, "deepest accepted: %d" % lo)
            with open(path, "w") as f:
                f.write(make(lo))
            for cmd in (["check"], ["explain"], ["run", "--input", "s=s.csv"],
                        ["run", "--input", "s=s.csv", "--backend", "cpp"], ["build", "-o", name + "_out"]):
                r = vlac_run(d, cmd[0], name + ".vsql", *cmd[1:])
                check("%s x%d: %s" % (name, lo, " ".join(cmd)), r.returncode == 0,
                      "exit %d\n%s" % (r.returncode, r.stderr[-1500:]))
        # Chains of derived streams: the plan is as deep as the chain (at most 1,024 operators,
        # docs/reference.md §5.2), and merging their projections must neither make one
        # expression deeper than a statement may nest nor double it at every step.
        def stream_chain(n, items, where=""):
            return HEADER.replace("STREAM s ", "STREAM s0 ") + "".join(
                "CREATE STREAM s%d AS SELECT %s FROM s%d%s;\n" % (i + 1, items, i, where) for i in range(n))

        programs = {
            "stream_chain_deep": (stream_chain(5000, "x + 1 AS x, ts"), "operators: at most 1024"),
            "stream_chain_filters_deep": (stream_chain(20000, "x + 1 AS x, ts", " WHERE x > 0"),
                                          "operators: at most 1024"),
            "stream_chain": (stream_chain(1000, "x + 1 AS x, ts"), ""),
            "stream_chain_filters": (stream_chain(500, "x + 1 AS x, ts", " WHERE x > 0"), ""),
            "stream_doubling": (stream_chain(60, "x + x AS x, ts"), ""),
        }
        for name, (text, error) in programs.items():
            path = os.path.join(d, name + ".vsql")
            with open(path, "w") as f:
                f.write(text)
            for cmd in (["check"], ["explain"], ["run", "--input", "s0=s.csv"],
                        ["run", "--input", "s0=s.csv", "--backend", "cpp"], ["build", "-o", name + "_out"]):
                r = vlac_run(d, cmd[0], name + ".vsql", *cmd[1:])
                if error:
                    check("%s: %s reports it" % (name, cmd[0]), r.returncode == 1 and error in r.stderr,
                          "exit %d\n%s" % (r.returncode, r.stderr[-1500:]))
                else:
                    check("%s: %s" % (name, " ".join(cmd)), r.returncode == 0,
                          "exit %d\n%s" % (r.returncode, r.stderr[-1500:]))
    print("deep nesting: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
