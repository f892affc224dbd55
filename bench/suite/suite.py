#!/usr/bin/env python3
"""The benchmark suite (issue 14; docs/benchmarks.md describes it, its workloads and its figures).

Generates each workload family's data once (fixed seeds), runs every workload of
bench/suite/workloads/ on every engine (vlac, the family's hand-written C++ program, DuckDB with
one thread and with all cores, SQLite), checks that their results agree (row count and per-column
checksums, order-independent), and writes bench/results/suite.{md,csv,png}.

--vlac-threads 1,2 runs vlac with `--threads N` for each N instead (engines vlac-1t, vlac-2t), and
--duckdb-threads 1,2 DuckDB with `threads` set to each N instead of 1 and all cores (engines
duckdb-1t, duckdb-2t); suite.md then has a threads table beside them. --contention also times two
one-thread vlac runs at once, on two cores, against one alone.

Every timed run but DuckDB's all-core one is pinned (`taskset -c`): a one-thread engine to one core
(the first this process may use), an N-thread engine to the first N. The runs of a workload go in
turns (run 1 of every engine, then run 2, ...), so that other work on the machine spreads over
them all. A figure counts only when the engine's result agrees with the others'.
Progress goes to stderr.
Exit status: 0 when every result agrees and no engine failed, 1 otherwise, 2 for usage errors.
Usually started by bench/suite/run.sh, which installs the dependencies and builds first."""
import argparse
import csv
import datetime
import json
import math
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKLOADS = ROOT / "bench" / "suite" / "workloads"
ENGINES = ["vlac", "hand", "duckdb-1t", "duckdb-all", "sqlite"]
ENGINE_COLORS = {"vlac": "#7b2cbf", "hand": "#555555", "duckdb-1t": "#f4a300", "duckdb-all": "#ffd166",
                 "sqlite": "#3a86ff"}
ENGINE_TITLES = {"vlac": "vlac", "hand": "hand-written C++", "duckdb-1t": "DuckDB 1 thread",
                 "duckdb-all": "DuckDB all cores", "sqlite": "SQLite"}
# Per family: its generator, the generator's size flag, its hand-written program.
FAMILIES = {"robot": ("robot_gen", "--rows", "robot_hand"),
            "nexmark": ("nexmark_gen", "--events", "nexmark_hand")}
# One core: the first this process may use (a container may not offer core 0).
ONE_CORE = ["taskset", "-c", str(min(os.sched_getaffinity(0)))]
THREADED = re.compile(r"(vlac|duckdb)-(\d+)t")
FLOAT_TOLERANCE = 1e-6
# What the table's seconds are (--seconds): "wall", or "cpu" (user + system; on a machine other
# work shares, wall time measures that work too). DuckDB all cores is always wall time.
SECONDS = "wall"


def engine_threads(engine):
    """The threads an engine runs on: N for vlac-Nt and duckdb-Nt, None for DuckDB all cores, 1 else."""
    m = THREADED.fullmatch(engine)
    return int(m.group(2)) if m else None if engine == "duckdb-all" else 1


def engine_title(engine):
    m = THREADED.fullmatch(engine)
    if m and (m.group(1) == "vlac" or engine not in ENGINE_TITLES):
        n = int(m.group(2))
        return f"{'vlac' if m.group(1) == 'vlac' else 'DuckDB'} {n} thread{'s' if n > 1 else ''}"
    return ENGINE_TITLES[engine]


def engine_color(engine):
    if engine in ENGINE_COLORS:
        return ENGINE_COLORS[engine]
    m = THREADED.fullmatch(engine)
    shades = ["#7b2cbf", "#c77dff", "#e0aaff"] if m and m.group(1) == "vlac" else ["#f4a300", "#ffd166", "#ffe8a3"]
    return shades[min(int(m.group(2)) - 1 if m else 0, len(shades) - 1)]


def pinned(threads):
    """taskset to the first THREADS cores this process may use (one core for None: not pinned)."""
    cores = sorted(os.sched_getaffinity(0))[:threads]
    if threads and threads > len(cores):
        raise SystemExit(f"suite: {threads} threads, but this process may use only {len(cores)} cores")
    return ["taskset", "-c", ",".join(map(str, cores))] if threads else []


def log(message):
    print(f"suite: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- running and measuring

class Run:
    """One process run: wall and CPU seconds, peak RSS, exit status, what it printed."""

    def __init__(self, wall, cpu, rss_kb, status, timed_out, stdout, stderr):
        self.wall, self.cpu, self.rss_kb = wall, cpu, rss_kb
        self.status, self.timed_out, self.stdout, self.stderr = status, timed_out, stdout, stderr


def measure(cmd, timeout, stdout_path=None, stdin_path=None):
    """Runs CMD; its stdout goes to STDOUT_PATH (else is captured), stdin from STDIN_PATH. Peak RSS
    comes from /usr/bin/time (a child of this process would inherit this process's high-water
    mark across exec), CPU seconds from wait4's rusage; after TIMEOUT seconds the process group
    is killed."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as captured, \
            tempfile.NamedTemporaryFile("r") as rss:
        out = open(stdout_path, "wb") if stdout_path else captured
        inp = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            timed = ["/usr/bin/time", "-f", "%M", "-o", rss.name] if os.path.exists("/usr/bin/time") else []
            p = subprocess.Popen(timed + cmd, stdout=out, stderr=err, stdin=inp, start_new_session=True)
            killed = threading.Event()

            def kill():
                killed.set()
                os.killpg(p.pid, signal.SIGKILL)
            timer = threading.Timer(timeout, kill)
            timer.start()
            _, status, usage = os.wait4(p.pid, 0)
            timer.cancel()
            wall = time.perf_counter() - start
            p.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdout_path:
                out.close()
            if stdin_path:
                inp.close()
        err.seek(0)
        captured.seek(0)
        lines = rss.read().split()
        # Without /usr/bin/time (Debian package "time"), rusage's figure: at least this process's.
        rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else usage.ru_maxrss
        return Run(wall, usage.ru_utime + usage.ru_stime, rss_kb, p.returncode, killed.is_set(),
                   captured.read().decode(errors="replace"), err.read().decode(errors="replace"))


# ---------------------------------------------------------------- checksums

class Column:
    """A column's checksum: counts of integer, float and text values (NULLs are skipped), the exact integer sum,
    the float sum (math.fsum: independent of row order), the sum of absolute values (the scale
    for the float tolerance) and the sum of crc32 of text values."""

    def __init__(self):
        self.ints = self.floats = self.texts = 0
        self.int_sum = 0
        self.float_parts, self.abs_parts = [], []
        self.crc_sum = 0

    def add(self, values):
        values = [v for v in values if v != ""]
        try:
            ints = list(map(int, values))
            total = sum(ints)
            self.int_sum += total
            self.ints += len(ints)
            self.float_parts.append(float(total))
            self.abs_parts.append(float(sum(map(abs, ints))))
            return
        except ValueError:
            pass
        try:
            numbers = list(map(float, values))
        except ValueError:
            self.texts += len(values)
            self.crc_sum = (self.crc_sum + sum(zlib.crc32(v.encode()) for v in values)) % (1 << 64)
            return
        self.floats += len(values)
        self.float_parts.append(fsum(numbers))
        self.abs_parts.append(fsum(abs(x) for x in numbers if math.isfinite(x)))

    def summary(self):
        if self.texts:
            return f"text crc {self.crc_sum}"
        if self.floats == 0:
            return f"{self.int_sum}"
        return f"{fsum(self.float_parts):.9g}"


def fsum(numbers):
    numbers = list(numbers)
    try:
        return math.fsum(numbers)
    except (OverflowError, ValueError):  # infinities of both signs: NaN, as a plain sum gives
        return sum(numbers)


class Checksum:
    def __init__(self, path):
        self.rows, self.header, self.columns = 0, [], []
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            reader = csv.reader(f)
            self.header = next(reader, [])
            self.columns = [Column() for _ in self.header]
            while True:
                chunk = [row for _, row in zip(range(100_000), reader)]
                if not chunk:
                    break
                self.rows += len(chunk)
                width = len(self.header)
                for i, values in enumerate(zip(*[r + [""] * (width - len(r)) for r in chunk])):
                    if i < width:
                        self.columns[i].add(values)

    def differences(self, other):
        """What differs between two checksums (empty: they agree)."""
        if self.rows != other.rows:
            return [f"rows {self.rows} vs {other.rows}"]
        if len(self.columns) != len(other.columns):
            return [f"columns {len(self.columns)} vs {len(other.columns)}"]
        out = []
        for i, (a, b) in enumerate(zip(self.columns, other.columns)):
            name = self.header[i]
            counts_a, counts_b = a.ints + a.floats + a.texts, b.ints + b.floats + b.texts
            if counts_a != counts_b:
                out.append(f"{name}: {counts_a} vs {counts_b} non-NULL values")
            elif a.texts or b.texts:
                if a.texts != b.texts or a.crc_sum != b.crc_sum:
                    out.append(f"{name}: {a.summary()} vs {b.summary()}")
            elif a.floats == 0 and b.floats == 0:
                if a.int_sum != b.int_sum:
                    out.append(f"{name}: sum {a.int_sum} vs {b.int_sum}")
            else:
                x, y = fsum(a.float_parts), fsum(b.float_parts)
                scale = max(abs(x), abs(y), 1e-3 * max(fsum(a.abs_parts), fsum(b.abs_parts)))
                if not (x == y or (math.isnan(x) and math.isnan(y)) or abs(x - y) <= FLOAT_TOLERANCE * scale):
                    out.append(f"{name}: sum {x!r} vs {y!r}")
        return out


# ---------------------------------------------------------------- workloads and engines

class Workload:
    def __init__(self, folder):
        self.name, self.folder = folder.name, folder
        self.spec = json.loads((folder / "workload.json").read_text())
        self.family = self.spec["family"]
        self.inputs = self.spec["inputs"]  # stream -> file name

    def sort_key(self):
        """Families in FAMILIES' order, then workload.json's "order", then the name with its
        numbers compared as numbers (q2 before q11)."""
        family = list(FAMILIES).index(self.family) if self.family in FAMILIES else len(FAMILIES)
        natural = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", self.name)]
        return family, self.spec.get("order", 1000), natural

    def input_paths(self, data):
        return {stream: data / file for stream, file in self.inputs.items()}

    def rows_files(self):
        chosen = self.spec.get("rows_input", list(self.inputs.values()))
        chosen = [chosen] if isinstance(chosen, str) else chosen
        return [self.inputs.get(c, c) for c in chosen]

    def sql(self, engine_file, data, output=None):
        """The engine's SQL with {input:STREAM} and {output} replaced; None when absent."""
        path = self.folder / engine_file
        if not path.exists():
            return None
        text = path.read_text()
        text = re.sub(r"\{input:(\w+)\}", lambda m: str(data / self.inputs[m.group(1)]), text)
        return text.replace("{output}", str(output)) if output else text


def count_rows(path, cache={}):
    if path not in cache:
        with open(path, "rb") as f:
            lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 22), b""))
        cache[path] = max(lines - 1, 0)
    return cache[path]


class Suite:
    def __init__(self, args):
        self.args = args
        self.build = Path(args.build).resolve()
        self.vlac = Path(args.vlac).resolve() if args.vlac else self.build / "vlac"
        self.bench_bin = Path(args.bench_bin).resolve() if args.bench_bin else self.build / "bench"
        self.work = Path(args.work).resolve() if args.work else Path(tempfile.mkdtemp(prefix="vlac-suite-"))
        self.results = []  # one dict per workload x engine
        self.problems = []
        self.contended = []  # --contention: one dict per workload

    def binary(self, name):
        path = self.bench_bin / name
        return path if path.exists() else None

    def generate(self, family):
        """Writes the family's data into WORK/FAMILY, again only when the size or the generator
        changed; returns the folder, or None when the generator is not built."""
        gen_name, size_flag, _ = FAMILIES[family]
        gen = self.binary(gen_name)
        if gen is None:
            log(f"{gen_name} is not built: the {family} workloads are skipped")
            return None
        folder = self.work / family
        marker = folder / "generated.json"
        want = {"generator": gen_name, "rows": self.args.rows, "built": gen.stat().st_mtime}
        if marker.exists() and json.loads(marker.read_text()) == want:
            return folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        log(f"generating the {family} data ({size_flag} {self.args.rows}) into {folder}")
        subprocess.run([str(gen), str(folder), size_flag, str(self.args.rows)], check=True)
        marker.write_text(json.dumps(want))
        return folder

    def command(self, engine, w, data, out, scratch):
        """The command line of ENGINE on workload W, writing its result to OUT; None when the
        engine does not run it, with the reason."""
        inputs = w.input_paths(data)
        if engine == "vlac" or engine.startswith("vlac-"):
            cmd = [str(self.vlac), "run", str(w.folder / "program.vsql"), "--timestamps", "ns", "--stats"]
            if engine != "vlac":
                cmd += ["--threads", str(engine_threads(engine))]
            for stream, path in inputs.items():
                cmd += ["--input", f"{stream}={path}"]
            return pinned(engine_threads(engine)) + cmd, out, None
        if engine == "hand":
            hand = self.binary(FAMILIES[w.family][2])
            if hand is None or "hand" not in w.spec:
                return None, "no hand-written program", None
            cmd = ONE_CORE + [str(hand)] + list(w.spec["hand"])
            for stream, path in inputs.items():
                cmd += ["--input", f"{stream}={path}"]
            return cmd + ["--output", str(out)], None, None
        if engine.startswith("duckdb"):
            sql = w.sql("duckdb.sql", data)
            if sql is None:
                return None, "no duckdb.sql", None
            query = scratch / f"{w.name}.duckdb.sql"
            query.write_text(sql)
            threads = engine_threads(engine)  # None: DuckDB's default, every core
            cmd = ["node", str(ROOT / "bench" / "duckdb_query.mjs"), self.args.duckdb_modules, str(threads or 0),
                   str(query), str(out)]
            return pinned(threads) + cmd, None, None
        if engine == "sqlite":
            script = w.sql("sqlite.sql", data, out)
            if script is None:
                return None, w.spec.get("sqlite_skipped", "no sqlite.sql"), None
            path = scratch / f"{w.name}.sqlite.sql"
            path.write_text(script)
            return ONE_CORE + ["sqlite3", "-bail", ":memory:"], None, path
        raise ValueError(engine)

    def prepare(self, engine, w, data, rows):
        """ENGINE's result for W, no runs yet: status "skipped" when the engine does not run it."""
        scratch = self.work / "runs"
        scratch.mkdir(exist_ok=True)
        out = scratch / f"{w.name}.{engine}.csv"
        cmd, stdout_path, stdin_path = self.command(engine, w, data, out, scratch)
        result = {"workload": w.name, "family": w.family, "engine": engine, "input_rows": rows, "status": "ok",
                  "runs": [], "checksum": None}
        if cmd is None:
            result["status"] = "skipped"
            result["reason"] = stdout_path
            log(f"{w.name}: {engine} skipped ({stdout_path})")
            return result
        result["command"] = (cmd, out, stdout_path, stdin_path)
        return result

    def run_once(self, result, k):
        """The K-th timed run of a prepared result (none once it failed or timed out)."""
        if result["status"] != "ok":
            return
        engine, name = result["engine"], result["workload"]
        cmd, out, stdout_path, stdin_path = result["command"]
        if out.exists():
            out.unlink()
        run = measure(cmd, self.args.timeout, stdout_path, stdin_path)
        if run.timed_out:
            result["status"] = "timeout"
            log(f"{name}: {engine} timed out after {self.args.timeout} s")
            return
        if run.status != 0 or not out.exists():
            result["status"] = f"failed (exit {run.status})"
            log(f"{name}: {engine} FAILED (exit {run.status}):\n{run.stderr[-2000:]}")
            self.problems.append(f"{name}: {engine} failed")
            return
        result["runs"].append(run)
        if k == 0:
            result["checksum"] = Checksum(out)
            if engine.startswith("vlac"):
                late = sum(int(n) for n in re.findall(r"(\d+) late", run.stderr))
                result["late"] = late
                if late:
                    self.problems.append(f"{name}: {engine} dropped {late} late rows")
                    log(f"{name}: {engine} dropped {late} LATE ROWS: the generator's disorder exceeds a WATERMARK")
        threads = engine_threads(engine)
        if engine.startswith("duckdb") and threads:
            # The label states DuckDB's threads: check that DuckDB ran with that many.
            m = re.search(r"^threads (\d+)", run.stderr, re.M)
            if m and int(m.group(1)) != threads:
                result["status"] = f"ran with {m.group(1)} threads"
                self.problems.append(f"{name}: {engine} ran with {m.group(1)} threads")
        log(f"{name}: {engine} run {k + 1}/{self.args.runs}: {run.wall:.3f} s, {run.rss_kb // 1024} MB")

    def contention(self, w, data, rows):
        """vlac on one thread alone and two copies of it at once, each on its own core, in turns:
        how much two busy threads on this machine slow each other. Wall seconds of each run."""
        scratch = self.work / "runs"
        cores = sorted(os.sched_getaffinity(0))[:2]
        if len(cores) < 2:
            log("--contention needs two cores")
            return None
        cmds = []
        for i, core in enumerate(cores):
            cmd, _, _ = self.command("vlac-1t", w, data, None, scratch)
            cmds.append((["taskset", "-c", str(core)] + cmd[3:], scratch / f"{w.name}.contention{i}.csv"))
        alone, together = [], []
        for k in range(self.args.runs):
            run = measure(cmds[0][0], self.args.timeout, cmds[0][1])
            alone.append(run.wall)
            runs = [None, None]

            def one(i):
                runs[i] = measure(cmds[i][0], self.args.timeout, cmds[i][1])
            threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if any(r.status != 0 for r in runs + [run]):
                log(f"{w.name}: contention run failed")
                self.problems.append(f"{w.name}: contention run failed")
                return None
            together += [r.wall for r in runs]
            log(f"{w.name}: contention run {k + 1}/{self.args.runs}: alone {run.wall:.3f} s, "
                f"two at once {runs[0].wall:.3f} s and {runs[1].wall:.3f} s")
        return {"workload": w.name, "input_rows": rows, "alone": alone, "together": together}

    def engine_only(self, w, data):
        """engine_bench's figures for W (compile_ms, engine_rows_per_second, ...), or {}."""
        bench = self.binary("engine_bench")
        if bench is None:
            return {}
        cmd = ONE_CORE + [str(bench), str(w.folder / "program.vsql")]
        for stream, path in w.input_paths(data).items():
            cmd += ["--input", f"{stream}={path}"]
        run = measure(cmd + ["--runs", str(self.args.runs)], self.args.timeout)
        if run.status != 0:
            log(f"{w.name}: engine_bench failed (exit {run.status}): {run.stderr[-500:]}")
            return {}
        figures = {}
        for line in run.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2:
                try:
                    figures[parts[0]] = float(parts[1])
                except ValueError:
                    pass
        return figures

    def first_row_ms(self):
        program = ROOT / "examples" / "cam_stats.vsql"
        run = measure([sys.executable, str(ROOT / "bench" / "first_row_latency.py"), str(self.vlac), str(program)], 120)
        m = re.search(r"median ([\d.]+) ms", run.stdout)
        return float(m.group(1)) if m else None

    def agree(self, results):
        """Marks each result "ok" or "differs": the reference is the checksum most engines share,
        ties going to the group with the earliest independent peer."""
        done = [r for r in results if r["checksum"] is not None]
        groups = []
        for r in done:
            for g in groups:
                if not g[0]["checksum"].differences(r["checksum"]):
                    g.append(r)
                    break
            else:
                groups.append([r])
        if not groups:
            return
        preference = ["duckdb-1t", "sqlite", "duckdb-all", "hand", "vlac"]

        def rank(engine):  # DuckDB with N threads after all cores, vlac with N threads last
            return preference.index(engine) if engine in preference else 2.5 if engine.startswith("duckdb") else 5
        best = max(groups, key=lambda g: (len(g), -min(rank(r["engine"]) for r in g)))
        for g in groups:
            for r in g:
                r["agrees"] = g is best
                if g is not best:
                    diff = best[0]["checksum"].differences(r["checksum"])
                    r["difference"] = f"vs {best[0]['engine']}: " + "; ".join(diff[:4])
                    self.problems.append(f"{r['workload']}: {r['engine']} DIFFERS {r['difference']}")
                    log(f"!!! {r['workload']}: {r['engine']}'s result DIFFERS from {', '.join(x['engine'] for x in best)}: "
                        + "; ".join(diff))

    def run(self):
        names = [n for n in self.args.only.split(",") if n] if self.args.only else None
        workloads = sorted((Workload(d) for d in WORKLOADS.iterdir() if (d / "workload.json").exists()),
                           key=lambda w: w.sort_key())
        if names:
            unknown = set(names) - {w.name for w in workloads}
            if unknown:
                log(f"no such workload: {', '.join(sorted(unknown))}")
                sys.exit(2)
            workloads = [w for w in workloads if w.name in names]
        families = {w.family: None for w in workloads}
        for family in families:
            families[family] = self.generate(family)
        self.first_row = self.first_row_ms() if "vlac" in self.args.engines and self.args.first_row else None
        for w in workloads:
            data = families[w.family]
            if data is None:
                continue
            rows = sum(count_rows(data / f) for f in w.rows_files())
            log(f"{w.name}: {rows} input rows")
            results = [self.prepare(e, w, data, rows) for e in self.args.engines]
            for k in range(self.args.runs):
                for r in results:
                    self.run_once(r, k)
            self.agree(results)
            if self.args.contention:
                c = self.contention(w, data, rows)
                if c:
                    self.contended.append(c)
            vlac = next((r for r in results if r["engine"] == "vlac"), None)
            if vlac is not None and vlac["status"] == "ok" and self.args.engine_only:
                vlac["engine_only"] = self.engine_only(w, data)
            self.results += results
        return self.results


# ---------------------------------------------------------------- figures and reports

def figures(r):
    """The numbers of one result: the table's seconds (SECONDS) median/min/max, wall median/min/max,
    CPU, rows/s and ns/row (of the table's seconds), RSS, DuckDB query s, compile ms."""
    runs = r["runs"]
    if not runs or r["status"] != "ok":
        return None
    walls = [x.wall for x in runs]
    chosen = [x.cpu for x in runs] if SECONDS == "cpu" and engine_threads(r["engine"]) == 1 else walls
    seconds = statistics.median(chosen)
    f = {"s": seconds, "s_min": min(chosen), "s_max": max(chosen),
         "wall": statistics.median(walls), "wall_min": min(walls), "wall_max": max(walls),
         "cpu": statistics.median(x.cpu for x in runs), "rss_kb": statistics.median(x.rss_kb for x in runs),
         "rows_per_s": r["input_rows"] / seconds if seconds > 0 else None,
         "ns_per_row": seconds * 1e9 / r["input_rows"] if r["input_rows"] else None,
         "output_rows": r["checksum"].rows if r["checksum"] else None}
    queries = [float(m.group(1)) for x in runs for m in [re.search(r"^seconds ([\d.]+)", x.stdout, re.M)] if m]
    f["query"] = statistics.median(queries) if queries else None
    compiles = [float(m.group(1)) for x in runs for m in [re.search(r"JIT compile (\d+(?:\.\d+)?) ms", x.stderr)] if m]
    f["compile_ms"] = statistics.median(compiles) if compiles else None
    return f


def cell(r):
    if r is None:
        return "—"
    if r["status"] == "skipped":
        return "skipped"
    if r["status"] != "ok":
        return r["status"]
    f = figures(r)
    d = 3 if f["s"] < 1 else 2
    text = f"{f['s']:.{d}f} ({f['s_min']:.{d}f}–{f['s_max']:.{d}f})" if len(r["runs"]) > 1 else f"{f['s']:.{d}f}"
    return text if r.get("agrees", True) else f"{text} **differs**"


def ratio(a, b):
    """A's median seconds over B's, when both agree."""
    if not a or not b or a["status"] != "ok" or b["status"] != "ok" or not a.get("agrees") or not b.get("agrees"):
        return "—"
    return f"{figures(a)['s'] / figures(b)['s']:.2f}"


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = "unknown"
    return os.cpu_count(), model, commit


def write_markdown(suite, path):
    args = suite.args
    cores, model, commit = machine()
    by = {}
    for r in suite.results:
        by.setdefault(r["workload"], {})[r["engine"]] = r
    lines = [
        "# vlac benchmark suite", "",
        f"`bench/suite/suite.py {shlex.join(sys.argv[1:])}` on {datetime.date.today().isoformat()}: "
        f"{cores} cores ({model}), vlac {commit}.",
        ("Seconds are wall seconds" if SECONDS == "wall" else
         "Seconds are CPU seconds (user + system; DuckDB all cores: wall seconds)") +
        " of the whole process, reading CSV and writing CSV: the median of the runs "
        f"(min–max in parentheses). Every engine but DuckDB all cores runs on one core (`taskset -c {ONE_CORE[2]}`), "
        "an N-thread one on the first N cores. "
        "A figure counts only when the engine's result agrees with the others' (row count and per-column "
        "checksums); one that does not is marked **differs**.",
    ]
    if suite.first_row is not None:
        lines.append(f"Program to first row (§1 program, live stdin): median {suite.first_row:.1f} ms.")
    lines += threads_table(suite, by) + contention_table(suite)
    if not set(args.engines) & {"vlac", "hand", "duckdb-all", "sqlite"}:
        lines += per_engine_table(suite)
        path.write_text("\n".join(lines) + "\n")
        return
    lines += ["",
              "| workload | input rows | vlac s (ns/row) | hand s | DuckDB 1t s | DuckDB all s | SQLite s | vlac ÷ hand "
              "| DuckDB 1t ÷ vlac | vlac RSS MB | compile ms | engine-only Mrows/s | agreement |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, engines in by.items():
        vlac = engines.get("vlac")
        fv = figures(vlac) if vlac else None
        rows = next(iter(engines.values()))["input_rows"]
        vcell = cell(vlac)
        if fv:
            vcell += f" · {fv['ns_per_row']:.0f} ns"
        eo = (vlac or {}).get("engine_only") or {}
        eo_rate = eo.get("engine_rows_per_second")
        compile_ms = fv["compile_ms"] if fv and fv["compile_ms"] is not None else eo.get("compile_ms")
        done = [r for r in engines.values() if r["checksum"] is not None]
        agreeing = [r for r in done if r.get("agrees")]
        differing = [r["engine"] for r in done if not r.get("agrees")]
        agreement = f"{len(agreeing)}/{len(done)} agree" + (f"; differs: {', '.join(differing)}" if differing else "")
        if vlac and vlac.get("late"):
            agreement += f"; vlac late rows: {vlac['late']}"
        lines.append("| " + " | ".join([
            name, f"{rows:,}", vcell, cell(engines.get("hand")), cell(engines.get("duckdb-1t")),
            cell(engines.get("duckdb-all")), cell(engines.get("sqlite")), ratio(vlac, engines.get("hand")),
            ratio(engines.get("duckdb-1t"), vlac), f"{fv['rss_kb'] / 1024:.0f}" if fv else "—",
            f"{compile_ms:.0f}" if compile_ms is not None else "—",
            f"{eo_rate / 1e6:.1f}" if eo_rate else "—", agreement]) + " |")
    lines += per_engine_table(suite)
    path.write_text("\n".join(lines) + "\n")


def threads_table(suite, by):
    """With --vlac-threads or --duckdb-threads: input rows/s per thread count (wall seconds),
    vlac's speedup over its one-thread run and vlac's speed over DuckDB's at the same thread count."""
    if not any(e.startswith("vlac-") for e in suite.args.engines) and "duckdb-2t" not in suite.args.engines:
        return []
    counts = {family: sorted(engine_threads(e) for e in suite.args.engines if e.startswith(family + "-")
                             and THREADED.fullmatch(e)) for family in ["vlac", "duckdb"]}
    v, d = counts["vlac"], counts["duckdb"]
    scaling = [n for n in v if n > 1 and 1 in v]
    beside = [n for n in v if n in d]
    head = (["workload", "input rows"] + [f"vlac {n}t Mrows/s" for n in v] + [f"DuckDB {n}t Mrows/s" for n in d]
            + [f"vlac {n}t ÷ vlac 1t" for n in scaling] + [f"vlac {n}t ÷ DuckDB {n}t" for n in beside] + ["agreement"])
    lines = ["", "Threads: input rows per wall second, in millions, the median of the runs (the best in parentheses); "
             "the ratios are speeds (ratios of median seconds; above 1: the first is faster).", "",
             "| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 2) + "---|"]

    def wall(r):
        ok = r and r["status"] == "ok" and r["runs"] and r.get("agrees")
        return statistics.median(x.wall for x in r["runs"]) if ok else None

    def rate(r):
        if wall(r) is None:
            return "—" if r is None else r["status"] if r["status"] != "ok" else "**differs**"
        best = min(x.wall for x in r["runs"])
        return f"{r['input_rows'] / wall(r) / 1e6:.2f} ({r['input_rows'] / best / 1e6:.2f})"

    def speed(a, b):  # how many times faster A is than B
        return f"{wall(b) / wall(a):.2f}" if wall(a) and wall(b) else "—"
    for name, engines in by.items():
        rows = next(iter(engines.values()))["input_rows"]
        done = [r for r in engines.values() if r["checksum"] is not None]
        agreeing = sum(1 for r in done if r.get("agrees"))
        cells = ([name, f"{rows:,}"] + [rate(engines.get(f"vlac-{n}t")) for n in v]
                 + [rate(engines.get(f"duckdb-{n}t")) for n in d]
                 + [speed(engines.get(f"vlac-{n}t"), engines.get("vlac-1t")) for n in scaling]
                 + [speed(engines.get(f"vlac-{n}t"), engines.get(f"duckdb-{n}t")) for n in beside]
                 + [f"{agreeing}/{len(done)} agree"])
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def contention_table(suite):
    """With --contention: vlac on one thread alone and two copies at once, each on its own core."""
    if not suite.contended:
        return []
    lines = ["", "Two busy threads: vlac on one thread (one core) alone, and two copies of it started together, "
             "each on its own core; wall seconds, median (min–max) of the runs, in turns.", "",
             "| workload | input rows | alone s | two at once s (each) | slowdown |", "|---|---:|---:|---:|---:|"]
    for c in suite.contended:
        a, t = c["alone"], c["together"]
        lines.append(f"| {c['workload']} | {c['input_rows']:,} | {statistics.median(a):.3f} ({min(a):.3f}–{max(a):.3f}) "
                     f"| {statistics.median(t):.3f} ({min(t):.3f}–{max(t):.3f}) | {statistics.median(t) / statistics.median(a):.2f} |")
    return lines


def per_engine_table(suite):
    lines = ["", f"Per engine: median wall seconds, input rows per second and ns per input row (of {SECONDS} "
              "seconds), median CPU seconds, peak RSS; for DuckDB also the query alone (CSV scan and aggregation, without starting node "
              "and writing the result).", "",
              "| workload | engine | wall s | rows/s | ns/row | CPU s | peak RSS MB | DuckDB query s | output rows | result |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in suite.results:
        f = figures(r)
        if f is None:
            lines.append(f"| {r['workload']} | {engine_title(r['engine'])} | {r['status']}"
                         f"{': ' + r['reason'] if r.get('reason') else ''} | | | | | | | |")
            continue
        query = f"{f['query']:.3f}" if f["query"] is not None else ""
        result = "agrees" if r.get("agrees") else "DIFFERS " + r.get("difference", "")
        lines.append(f"| {r['workload']} | {engine_title(r['engine'])} | {f['wall']:.3f} | {f['rows_per_s'] / 1e6:.2f} M "
                     f"| {f['ns_per_row']:.0f} | {f['cpu']:.3f} | {f['rss_kb'] / 1024:.0f} | {query} "
                     f"| {f['output_rows']:,} | {result} |")
    return lines


CSV_FIELDS = ["workload", "family", "engine", "status", "input_rows", "output_rows", "runs", "wall_median_s",
              "wall_min_s", "wall_max_s", "cpu_median_s", "seconds", "rows_per_s", "ns_per_row", "peak_rss_kb",
              "duckdb_query_s", "compile_ms", "engine_only_rows_per_s", "late_rows", "agrees", "difference"]


def write_csv(suite, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_FIELDS)
        for r in suite.results:
            fig = figures(r) or {}
            eo = r.get("engine_only") or {}

            def num(key, digits=6):
                v = fig.get(key)
                return "" if v is None else f"{v:.{digits}g}"
            w.writerow([r["workload"], r["family"], r["engine"], r["status"], r["input_rows"],
                        fig.get("output_rows", ""), len(r["runs"]), num("wall"), num("wall_min"), num("wall_max"),
                        num("cpu"), SECONDS, num("rows_per_s"), num("ns_per_row"), num("rss_kb", 12), num("query"),
                        num("compile_ms"), eo.get("engine_rows_per_second", ""), r.get("late", ""),
                        "" if r["checksum"] is None else str(bool(r.get("agrees"))).lower(), r.get("difference", "")])


def write_chart(suite, path):
    """Grouped bars (log scale) of input rows/s per workload and engine, with gnuplot, else
    matplotlib; nothing (and a note) when neither is there."""
    workloads = list(dict.fromkeys(r["workload"] for r in suite.results))
    engines = list(dict.fromkeys(r["engine"] for r in suite.results))
    rate = {}
    for r in suite.results:
        f = figures(r)
        if f and r.get("agrees"):
            rate[r["workload"], r["engine"]] = f["rows_per_s"]
    if not rate:
        return False
    low = 10 ** math.floor(math.log10(min(rate.values())))
    if shutil.which("gnuplot"):
        data = path.with_suffix(".dat")
        with open(data, "w") as f:
            for w in workloads:
                f.write(w + " " + " ".join(f"{rate[w, e]:.6g}" if (w, e) in rate else "?" for e in engines) + "\n")
        plots = ", ".join(f"'{data}' using {i + 2}{':xtic(1)' if i == 0 else ''} title '{engine_title(e)}' lc rgb '{engine_color(e)}'"
                          for i, e in enumerate(engines))
        script = f"""set terminal pngcairo size 1400,650 font ',11'
set output '{path}'
set datafile missing '?'
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [{low}:*]
set grid ytics
set ylabel 'input rows per {SECONDS} second, end to end (log scale)'
set xtics rotate by -20 noenhanced
set key outside right top noenhanced
set title 'vlac benchmark suite: {suite.args.rows:,} rows per workload, one core (DuckDB all cores: {os.cpu_count()})'
plot {plots}
"""
        run = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
        data.unlink()
        if run.returncode == 0:
            return True
        log(f"gnuplot failed: {run.stderr.strip()}")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("neither gnuplot nor matplotlib: no chart (bench/suite/run.sh installs gnuplot-nox)")
        return False
    fig, ax = plt.subplots(figsize=(14, 6.5))
    width = 0.8 / len(engines)
    for i, e in enumerate(engines):
        xs = [k + i * width for k, w in enumerate(workloads) if (w, e) in rate]
        ax.bar(xs, [rate[w, e] for w in workloads if (w, e) in rate], width, label=engine_title(e), color=engine_color(e))
    ax.set_yscale("log")
    ax.set_ylim(bottom=low)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(workloads))], workloads, rotation=20)
    ax.set_ylabel(f"input rows per {SECONDS} second, end to end (log scale)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows (events) per workload input set")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per engine and workload")
    parser.add_argument("--only", help="comma-separated workload names")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {','.join(ENGINES)}")
    parser.add_argument("--no-sqlite", action="store_true", help="leave SQLite out")
    parser.add_argument("--build", default=str(ROOT / "build"), help="the release build folder")
    parser.add_argument("--vlac", help="the vlac binary (default: BUILD/vlac)")
    parser.add_argument("--bench-bin", help="folder of the generators, hand-written programs and engine_bench "
                        "(default: BUILD/bench)")
    parser.add_argument("--work", help="data folder, kept (default: a temporary folder, removed at the end)")
    parser.add_argument("--results", default=str(ROOT / "bench" / "results"), help="where suite.{md,csv,png} go")
    parser.add_argument("--seconds", choices=["wall", "cpu"], default="wall",
                        help="what the table, ratios and chart measure: wall seconds (default) or CPU seconds "
                             "(user + system, steadier on a shared machine; DuckDB all cores stays wall)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per run before an engine counts as timeout")
    parser.add_argument("--duckdb-modules", default=os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                                 "vlac-bench"), help="folder whose node_modules holds @duckdb/node-api")
    parser.add_argument("--vlac-threads", help="comma-separated thread counts: run vlac with --threads N for each "
                        "(engines vlac-Nt, on the first N cores) instead of plain vlac")
    parser.add_argument("--duckdb-threads", help="comma-separated thread counts: run DuckDB with threads=N for each "
                        "(engines duckdb-Nt, on the first N cores) instead of 1 thread and all cores")
    parser.add_argument("--contention", action="store_true", help="also time two one-thread vlac runs at once "
                        "(each on its own core) against one alone")
    parser.add_argument("--no-engine-only", dest="engine_only", action="store_false", help="skip engine_bench")
    parser.add_argument("--no-first-row", dest="first_row", action="store_false", help="skip the first-row latency")
    args = parser.parse_args()
    global SECONDS
    SECONDS = args.seconds
    args.engines = [e for e in args.engines.split(",") if e and not (args.no_sqlite and e == "sqlite")]
    if set(args.engines) - set(ENGINES) or args.runs < 1:
        parser.error(f"engines are {','.join(ENGINES)}; runs >= 1")
    try:
        for option, family, replaced in [("vlac_threads", "vlac", ["vlac"]), ("duckdb_threads", "duckdb", ["duckdb-1t", "duckdb-all"])]:
            counts = [int(n) for n in (getattr(args, option) or "").split(",") if n]
            if not counts:
                continue
            if min(counts) < 1 or max(counts) > len(os.sched_getaffinity(0)):
                parser.error(f"--{option.replace('_', '-')}: from 1 to {len(os.sched_getaffinity(0))} (the cores this process may use)")
            at = next((i for i, e in enumerate(args.engines) if e in replaced), len(args.engines))
            rest = [e for e in args.engines if e not in replaced]
            args.engines = rest[:at] + [f"{family}-{n}t" for n in counts] + rest[at:]
    except ValueError:
        parser.error("--vlac-threads and --duckdb-threads take comma-separated numbers")
    modules = Path(args.duckdb_modules) / "node_modules" / "@duckdb" / "node-api"
    if any(e.startswith("duckdb") for e in args.engines) and not (shutil.which("node") and modules.exists()):
        parser.error(f"DuckDB is not installed in {args.duckdb_modules} (bench/suite/run.sh installs it), "
                     "or leave it out with --engines vlac,hand,sqlite")
    suite = Suite(args)
    if not suite.vlac.exists():
        parser.error(f"{suite.vlac} is not built (bench/suite/run.sh builds it)")
    try:
        suite.run()
    finally:
        if not args.work:
            shutil.rmtree(suite.work, ignore_errors=True)
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    write_markdown(suite, results / "suite.md")
    write_csv(suite, results / "suite.csv")
    chart = write_chart(suite, results / "suite.png")
    log(f"wrote {results / 'suite.md'}, {results / 'suite.csv'}" + (f", {results / 'suite.png'}" if chart else ""))
    sys.stdout.write((results / "suite.md").read_text())
    if suite.problems:
        log("PROBLEMS:\n  " + "\n  ".join(suite.problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
