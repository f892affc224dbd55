"""The JSON Lines run of a generated program (LANGUAGE.md §7): its CSV inputs rewritten as JSON
Lines, its output asked for as JSON Lines, and that output turned back into CSV must be the CSV
run's bytes. So every type meets the JSON reader and writer with the values the CSV run
exercises (NULL as `null` or a missing field, NaN and the infinities as strings, -0, integers
at their limits, strings with quotes, commas and non-ASCII characters, timestamps as integer
nanoseconds or ISO-8601 text; output times by turns as ISO-8601 text, read back here), and a
JSON Lines defect shows as a difference.

Both conversions are written here from the spec, with Python's json module; nothing of vlac is
used. The inputs come from the CSV the model reads (`read_csv_records` tells NULL from ""), and
their types from the generator (`input_types`).
"""

import json
import random
import sys
import pathlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "e2e"))

import make_cases as mc  # noqa: E402

# Timestamps printable as ISO-8601 by the model (years 1677-2262 hold every INT64, but keep
# clear of the ends, where the extreme-time programs live).
_ISO_SAFE = 1 << 62


def _json_value(text, typ, rng):
    """One CSV field's text (None: NULL) as a JSON value of its column's type."""
    if text is None:
        return None
    if typ in ("INT32", "INT64"):
        return _Raw(text)
    if typ in ("FLOAT32", "FLOAT64"):
        return text if text in ("NaN", "Infinity", "-Infinity") else _Raw(text)
    if typ == "BOOL":
        return _Raw(text)  # true / false
    if typ == "TIMESTAMP":
        ns = int(text)
        return mc.fmt_ts(ns) if -_ISO_SAFE < ns < _ISO_SAFE and rng.random() < 0.5 else _Raw(text)
    return text  # a string


class _Raw(str):
    """A JSON number or literal written as its text (json.dumps would turn -0 into a string)."""


def _dumps(pairs, ascii_only):
    parts = []
    for k, v in pairs:
        if v is None:
            val = "null"
        elif isinstance(v, _Raw):
            val = str(v)
        else:
            val = json.dumps(v, ensure_ascii=ascii_only)
        parts.append("%s:%s" % (json.dumps(k), val))
    return "{" + ",".join(parts) + "}"


def write_inputs(d, input_types, seed):
    """Writes FILE.jsonl beside every FILE.csv of the case; returns the arguments naming them,
    and by turns `--timestamps iso` in place of `ns` (to_csv turns the times back)."""
    rng = random.Random(seed)
    for name, cols in input_types.items():
        types = dict(cols)
        recs = mc.read_csv_records(d / name)
        header, rows = recs[0], recs[1:]
        ascii_only = rng.random() < 0.5
        lines = []
        for r in rows:
            pairs = [(h, _json_value(v, types[h], rng)) for h, v in zip(header, r)]
            # Fields by name in any order; a NULL may be `null` or missing.
            if rng.random() < 0.3:
                rng.shuffle(pairs)
            pairs = [(k, v) for k, v in pairs if v is not None or rng.random() < 0.5]
            lines.append(_dumps(pairs, ascii_only))
        (d / (name[:-4] + ".jsonl")).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    args = (d / "args").read_text().split()
    args = [a.replace(".csv", ".jsonl") if "=" in a and a.endswith(".csv") else a for a in args]
    if rng.random() < 0.5 and "--timestamps" in args:
        args[args.index("--timestamps") + 1] = "iso"
    return args


def to_csv(jsonl_text, header_line, iso_to_ns=False):
    """vlac's JSON Lines output as the CSV it stands for: the columns in order, numbers as
    written, strings quoted when CSV needs it, null as an empty field; with iso_to_ns, an
    ISO-8601 time (a string only a TIMESTAMP gives) as its integer nanoseconds."""
    out = [header_line]
    names = [f.strip('"') for f in header_line.split(",")]
    for line in jsonl_text.splitlines():
        obj = json.loads(line, object_pairs_hook=list, parse_int=_Raw, parse_float=_Raw)
        if [k for k, _v in obj] != names:
            raise ValueError("fields %s, not the columns %s in order" % ([k for k, _v in obj], names))
        fields = []
        for _k, v in obj:
            if v is None:
                fields.append("")
            elif v is True or v is False:
                fields.append("true" if v else "false")
            elif isinstance(v, _Raw):
                fields.append(str(v))
            elif iso_to_ns and mc._ISO.match(v):
                fields.append(str(mc.parse_ts(v)))
            else:
                fields.append(mc.csv_field(v))
        out.append(",".join(fields))
    return "".join(line + "\n" for line in out)
