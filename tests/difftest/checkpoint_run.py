"""The stopped-and-restored run of a generated program (LANGUAGE.md §10): `--checkpoint DIR`
with the test hook VLAC_TEST_STOP_AFTER_ROWS=k (after k input rows a snapshot is written and
the process exits as SIGTERM would), a second process that goes on from it and stops again,
and a third that runs to the end. Their output file must hold the uninterrupted run's bytes:
every operator's state, with the values the random programs give it (NULL keys, NaN, -0,
strings, times at the INT64 limits), must survive a snapshot exactly.

By turns the three processes run at one thread or at 2, 1 and 4 threads with parse chunks of
a few bytes (§11), so that a snapshot taken with N threads is restored with M.
"""

import os
import pathlib
import random
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "e2e"))

from run_checkpoint_cases import input_rows, output_name  # noqa: E402  (the e2e cases' runner)

TIMEOUT_S = 60


def check(vlac, d, expected, seed, backend="jit", extra=()):
    """None if the stopped and restored run on `backend` (with `extra` arguments) writes
    `expected`; else why not. The three processes share a compile cache (the C++ and firmware
    backends compile once)."""
    args = shlex.split((d / "args").read_text()) + ["--backend", backend] + list(extra)
    name = output_name(vlac, d)
    if name is None:
        return None
    rng = random.Random(seed)
    rows = input_rows(d, args)
    first = rng.randint(1, max(1, rows))
    second = rng.randint(1, max(1, rows - first + 1))
    threads = [2, 1, 4] if rng.random() < 0.5 else None
    with tempfile.TemporaryDirectory(prefix="difftest_ckpt_") as tmp:
        out = os.path.join(tmp, "out.csv")
        cmd = [vlac, "run", "program.vsql"] + args + ["--output", "%s=%s" % (name, out), "--checkpoint",
                                                      os.path.join(tmp, "ck")]
        log = []
        for i, stop in enumerate((first, second, None)):
            env = dict(os.environ, VLAC_CACHE_DIR=os.path.join(tmp, "cache"))
            env.pop("VLAC_TEST_STOP_AFTER_ROWS", None)
            if stop is not None:
                env["VLAC_TEST_STOP_AFTER_ROWS"] = str(stop)
            run = list(cmd)
            if threads:
                run += ["--threads", str(threads[i])]
                env["VLAC_TEST_PARSE_CHUNK_BYTES"] = str(rng.choice([7, 61]))
                env["VLAC_TEST_ROUND_ROWS"] = env["VLAC_TEST_PARSE_CHUNK_BYTES"]
            try:
                p = subprocess.run(run, cwd=d, env=env, capture_output=True, timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                return "timeout after %d s: %s" % (TIMEOUT_S, shlex.join(run))
            log.append("VLAC_TEST_STOP_AFTER_ROWS=%s VLAC_TEST_PARSE_CHUNK_BYTES=%s %s" % (
                stop or "", env.get("VLAC_TEST_PARSE_CHUNK_BYTES", ""), shlex.join(run[1:])))
            if p.returncode != 0:
                return "exit %d: %s (%s)" % (p.returncode, p.stderr.decode(errors="replace")[-500:], "; ".join(log))
        got = open(out, encoding="utf-8", errors="replace").read()
    if got != expected:
        (d / ("actual_%s_restored.csv" % backend)).write_text(got)
        return "stopped after %d and %d more rows and restored, other rows than one run (actual_%s_restored.csv): %s" % (
            first, second, backend, "; ".join(log))
    return None
