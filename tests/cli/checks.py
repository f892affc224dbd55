"""The pass/fail tally of the black-box CLI tests: check() records one assertion, summary() prints
the counts and gives the exit status."""

counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        counts["passed"] += 1
    else:
        counts["failed"] += 1
        print(f"FAIL {name}: {str(detail)[:600]}")  # a long diff stays readable


def summary(label):
    print(f"{label}: {counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0
