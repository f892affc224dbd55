#!/usr/bin/env python3
"""Plan tests: tests/plan/<rule>/<case>.vsql with <case>.expected, the exact text of
`vlac explain <case>.vsql` (the plan, then the "rules fired:" line). One folder per optimizer
rule; its cases show where the rule fires, and cases named `no_*` where it must not.

usage: run_plan_tests.py VLAC [--update] [--case RULE/CASE]

Besides comparing text, it checks each folder against its rule: the folder names a pass that
`vlac explain --disable-pass` knows, at least one case fires it, and no `no_*` case does. A mismatch
prints a unified diff; --update rewrites the expected files (read every changed line before
committing: an expected file is a golden plan, checked by hand). Ends with
"plan tests: N passed, M failed"; exit status 1 if any failed.

A case may also check what the rewritten program computes: with <case>.args (one line, the
arguments after the program, e.g. `--input a=a.csv`, paths relative to the folder) the runner
runs `vlac run <case>.vsql <args>` and compares standard output with <case>.output.csv, written
by hand (its rows are worked out in the .vsql's header comment) and never by --update.
"""
import difflib
import pathlib
import shlex
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def is_pass(vlac, name, program):
    """Whether vlac knows an optimizer pass of this name (it refuses to disable an unknown one)."""
    run = subprocess.run([vlac, "explain", f"--disable-pass={name}", program.name], cwd=program.parent,
                         capture_output=True, text=True)
    return "unknown pass" not in run.stderr


def output_matches(vlac, case, fail):
    """Runs the case when it has <case>.args; whether its output is <case>.output.csv."""
    args_path = case.with_suffix(".args")
    if not args_path.exists():
        return True
    name = f"{case.parent.name}/{case.stem}"
    run = subprocess.run([vlac, "run", case.name] + shlex.split(args_path.read_text()), cwd=case.parent,
                         capture_output=True, text=True)
    expected_path = case.with_suffix(".output.csv")
    expected = expected_path.read_text() if expected_path.exists() else ""
    if run.returncode != 0 or run.stdout != expected:
        fail(f"{name}: vlac run output (exit {run.returncode})\n{run.stderr}")
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), run.stdout.splitlines(True),
                                                   str(expected_path), "vlac run"))
        return False
    return True


def fired(text):
    last = text.rstrip("\n").splitlines()[-1] if text.strip() else ""
    return set(re.findall(r"([a-z]+(?:-[a-z]+)+) \(\d+\)", last))


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    vlac, update, only = str(pathlib.Path(args[0]).resolve()), "--update" in args, None
    if "--case" in args:
        only = args[args.index("--case") + 1]
    passed = failed = 0

    def fail(what):
        nonlocal failed
        failed += 1
        print("FAIL " + what)

    for folder in sorted(p for p in HERE.iterdir() if p.is_dir()):
        rule = folder.name
        cases = sorted(folder.glob("*.vsql"))
        if only and not any(f"{rule}/{c.stem}" == only for c in cases):
            continue
        if not cases or not is_pass(vlac, rule, cases[0]):
            fail(f"{rule}: no cases, or no optimizer pass of this name (vlac explain --disable-pass)")
            continue
        fires_somewhere = False
        for case in cases:
            name = f"{rule}/{case.stem}"
            if only and name != only:
                continue
            run = subprocess.run([vlac, "explain", case.name], cwd=folder, capture_output=True, text=True)
            if run.returncode != 0:
                fail(f"{name}: vlac explain exited {run.returncode}\n{run.stderr}")
                continue
            got = run.stdout
            expected_path = case.with_suffix(".expected")
            if update:
                expected_path.write_text(got)
            expected = expected_path.read_text() if expected_path.exists() else ""
            rule_fired = rule in fired(got)
            fires_somewhere |= rule_fired
            if case.stem.startswith("no_") and rule_fired:
                fail(f"{name}: {rule} fired in a case named no_*")
            elif got != expected:
                fail(name)
                sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                                           str(expected_path), "vlac explain"))
            elif not output_matches(vlac, case, fail):
                pass
            else:
                passed += 1
                print("PASS " + name)
        if not only and not fires_somewhere:
            fail(f"{rule}: no case fires it")
    print(f"plan tests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
