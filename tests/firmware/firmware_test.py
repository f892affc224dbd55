#!/usr/bin/env python3
"""`vlac build --target firmware` on a Cortex-M4 (LANGUAGE.md §9).

    python3 tests/firmware/firmware_test.py VLAC

1. Every example in examples/ is built for firmware and compiled with arm-none-eabi-g++
   (-mcpu=cortex-m4 -mthumb -Os -fno-exceptions -fno-rtti); the generated pipeline's object
   must not reference malloc/free/new/delete, __cxa_* or typeinfo (tests/firmware/arm_build.sh).
   Prints each example's kStateBytes (the size of the program object) and code size.
2. The §1 program (tests/e2e/cases/spec_cam_stats) runs under qemu-system-arm (mps2-an386)
   with its input rows compiled in, the first half into one object whose snapshot() is
   restored into a second one that takes the rest (a snapshot with a flipped byte and a
   truncated one must be refused first); the rows it prints over semihosting must equal the case's
   expected.csv (computed by SQLite), floats within 1e-12 relative (newlib's libm may differ
   from glibc's in the last bits).
Exits 77 (skipped) when the ARM toolchain or qemu is missing.
"""

import calendar
import csv
import math
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def ns_of(text):
    """ISO-8601 UTC timestamp (as vlac prints it) -> integer nanoseconds."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z", text)
    y, mo, d, h, mi, s, frac = m.groups()
    secs = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s)))
    return secs * 1_000_000_000 + int((frac or "").ljust(9, "0") or 0)


def class_name(header):
    return re.search(r"^class (\w+) \{", header.read_text(), re.M).group(1)


def build_examples(vlac, tmp):
    rows = []
    ok = True
    for program in sorted((ROOT / "examples").glob("*.vsql")):
        out = tmp / program.stem
        b = subprocess.run([vlac, "build", str(program), "-o", str(out), "--target", "firmware"], capture_output=True, text=True)
        if b.returncode != 0:
            print("FAIL %s: vlac build --target firmware:\n%s" % (program.name, b.stderr))
            ok = False
            continue
        cls = class_name(out / (program.stem + ".h"))
        header = (out / (program.stem + ".h")).read_text()
        pushes = re.findall(r"void push_(\w+)\(const (\w+)& row\);", header)
        src = out / "pipeline.cpp"
        text = '#include "%s.h"\n\n%s vlac_pipeline;  // all of the pipeline\'s state\n\n' % (program.stem, cls)
        for stream, row in pushes:
            text += 'extern "C" void push_%s(const %s::%s* row) { vlac_pipeline.push_%s(*row); }\n' % (stream, cls, row, stream)
        text += 'extern "C" void finish() { vlac_pipeline.finish(); }\n'
        # Snapshots are inline members: called here, the symbol check covers them too.
        text += 'extern "C" size_t snapshot(uint8_t* buf, size_t cap) { return vlac_pipeline.snapshot(buf, cap); }\n'
        text += 'extern "C" bool restore(const uint8_t* buf, size_t n) { return vlac_pipeline.restore(buf, n); }\n'
        src.write_text(text)
        r = subprocess.run(["bash", str(HERE / "arm_build.sh"), str(out / "pipeline.elf"), "--no-link", "--check", str(src),
                            "-I", str(out), "--cxxflag", "-Wall", "--cxxflag", "-Werror", "--cxxflag", "-Wno-unused-function"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("FAIL %s: the firmware build or its symbol check failed:\n%s%s" % (program.name, r.stdout, r.stderr))
            ok = False
            continue
        size = re.search(r"checked code size: text=(\d+) data=(\d+) bss=(\d+)", r.stdout + r.stderr)
        objs = list((out / "pipeline.obj").glob("*.o"))  # arm_build.sh: objects in OUT.obj/
        nm = subprocess.run(["arm-none-eabi-nm", "-S", "-C"] + [str(o) for o in objs], capture_output=True, text=True).stdout
        state = re.search(r"^[0-9a-f]+ ([0-9a-f]+) [bBdD] vlac_pipeline$", nm, re.M)
        rows.append((program.name, int(state.group(1), 16) if state else -1, size.group(1) if size else "?"))
        print("PASS %s compiles for Cortex-M4 without heap, exception or RTTI symbols" % program.name)
    print("\n| example | kStateBytes | code (text bytes, -Os) |\n|---|---:|---:|")
    for name, state, text in rows:
        print("| %s | %d | %s |" % (name, state, text))
    print()
    return ok


def run_cam_stats_under_qemu(vlac, tmp):
    case = ROOT / "tests" / "e2e" / "cases" / "spec_cam_stats"
    out = tmp / "qemu_cam_stats"
    b = subprocess.run([vlac, "build", str(case / "program.vsql"), "-o", str(out), "--target", "firmware"], capture_output=True, text=True)
    if b.returncode != 0:
        print("FAIL qemu: vlac build:\n" + b.stderr)
        return False
    cls = class_name(out / "program.h")
    # The input rows, compiled into the image.
    lines = []
    with open(case / "camera.csv", newline="") as f:
        for r in csv.DictReader(f):
            def opt(name, conv):
                v = r[name]
                return ("%s, true" % "0") if v == "" else ("%s, false" % conv(v))
            lines.append("  {%d, %s, %s, %s, %s}," % (
                ns_of(r["ts"]), opt("cam_id", str), opt("frame_id", lambda v: v + "LL"),
                opt("brightness", lambda v: repr(float(v)) + "f"), opt("objects", str)))
    main = """#include <cstdio>
#include "program.h"

static const %(cls)s::CameraRow kRows[] = {
%(rows)s
};

static void print(void*, const %(cls)s::CamStatsRow& r) {
  char mean[40] = "";
  if (!r.mean_brightness_null) std::snprintf(mean, sizeof mean, "%%.17g", r.mean_brightness);
  std::printf("%%ld,%%lld,%%lld,%%lld,%%s,%%ld\\n", (long)r.cam_id, (long long)r.window_start, (long long)r.window_end,
              (long long)r.frames, mean, (long)r.max_objects);
}

static %(cls)s pipeline(print);  // kStateBytes of RAM, in .bss/.data
static %(cls)s restored(print);
static uint8_t snap[%(cls)s::kSnapshotBytes];

// The first half of the rows go to `pipeline`, its snapshot is restored into `restored`, which
// takes the rest: the rows printed must be those of one uninterrupted run.
int main() {
  const size_t rows = sizeof kRows / sizeof kRows[0], half = rows / 2;
  for (size_t i = 0; i < half; ++i) pipeline.push_camera(kRows[i]);
  uint8_t small[64];
  if (pipeline.snapshot(small, sizeof small) != 0) return 10;  // too small: nothing usable
  const size_t n = pipeline.snapshot(snap, sizeof snap);
  if (n == 0) return 11;
  snap[n / 2] ^= 1;
  if (restored.restore(snap, n)) return 12;  // a flipped byte
  snap[n / 2] ^= 1;
  if (restored.restore(snap, n - 1)) return 13;  // truncated
  if (!restored.restore(snap, n)) return 14;
  for (size_t i = half; i < rows; ++i) restored.push_camera(kRows[i]);
  restored.finish();
  const auto& s = restored.operator_stats(0);
  std::printf("stats,%%llu,%%llu,%%llu,%%llu\\n", (unsigned long long)s.rows_in, (unsigned long long)s.rows_out,
              (unsigned long long)s.late_dropped, (unsigned long long)s.capacity_dropped);
  std::printf("snapshot,%%lu bytes after %%lu rows (kSnapshotBytes %%lu)\\n", (unsigned long)n, (unsigned long)half,
              (unsigned long)sizeof snap);
  return 0;
}
""" % {"cls": cls, "rows": "\n".join(lines)}
    # The struct field initialisers follow the row struct: value, then _null for nullable columns.
    (out / "main.cpp").write_text(main)
    (out / "pipeline.cpp").write_text('#include "program.h"\n')
    elf = out / "cam_stats.elf"
    r = subprocess.run(["bash", str(HERE / "arm_build.sh"), str(elf), "--check", str(out / "pipeline.cpp"), "--", str(out / "main.cpp"),
                        "-I", str(out)], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL qemu: building the image:\n%s%s" % (r.stdout, r.stderr[-4000:]))
        return False
    q = subprocess.run(["bash", str(HERE / "run_qemu.sh"), str(elf), "60"], capture_output=True, text=True)
    if q.returncode != 0:
        print("FAIL qemu: exit %d\n%s" % (q.returncode, q.stderr))
        return False
    got = [l for l in q.stdout.splitlines() if l and not l.startswith(("stats,", "snapshot,"))]
    expected = []
    with open(case / "expected.csv", newline="") as f:
        for r in csv.DictReader(f):
            expected.append([r["cam_id"], str(ns_of(r["window_start"])), str(ns_of(r["window_end"])), r["frames"],
                             r["mean_brightness"], r["max_objects"]])
    problems = []
    if len(got) != len(expected):
        problems.append("%d rows, expected %d" % (len(got), len(expected)))
    for i, (g, e) in enumerate(zip(got, expected)):
        g = g.split(",")
        same = g[:4] == e[:4] and g[5] == e[5] and (
            (g[4] == "" and e[4] == "") or (g[4] and e[4] and math.isclose(float(g[4]), float(e[4]), rel_tol=1e-12)))
        if not same:
            problems.append("row %d: got %s, expected %s" % (i + 1, g, e))
    if problems:
        print("FAIL qemu: the rows differ from expected.csv:\n  " + "\n  ".join(problems[:10]))
        return False
    print("PASS the §1 program under qemu-system-arm (Cortex-M4), restored from a snapshot half way (a flipped byte "
          "and a truncated snapshot refused): %d rows equal expected.csv; %s" % (
              len(got), [l for l in q.stdout.splitlines() if l.startswith(("stats,", "snapshot,"))]))
    return True


def main():
    vlac = str(pathlib.Path(sys.argv[1]).resolve())
    missing = [t for t in ("arm-none-eabi-g++", "arm-none-eabi-nm", "qemu-system-arm") if not shutil.which(t)]
    if missing:
        print("SKIPPED: %s not installed (scripts/install-deps.sh --with-arm installs them)" % ", ".join(missing))
        return 77
    with tempfile.TemporaryDirectory() as t:
        tmp = pathlib.Path(t)
        ok = build_examples(vlac, tmp)
        ok = run_cam_stats_under_qemu(vlac, tmp) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
