"""The CSV files say exactly what the thesis prints: each row is rebuilt as a line of the thesis text.

This checks the transcription against the source independently of the loaders: a mistyped
value, a lost marker or a wrong date makes the rebuilt line absent from the thesis.
"""

from __future__ import annotations

import csv
import re

import pytest

import infertrends.data as data

MARK = {"measured": " †", "estimated": " ∗", "": ""}


def rows(name: str) -> list[dict[str, str]]:
    spec = data.SPECS[name]
    with (data.data_dir() / spec.filename).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def cite(c: str) -> str:
    return f" [{c.replace(';', ', ')}]" if c else ""


def thesis_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def test_vision_rows_are_thesis_lines(thesis_text):
    lines = thesis_lines(thesis_text)
    missing = []
    for r in rows("vision"):
        vals = " ".join(
            r[c] + cite(r[c + "_citation"]) + MARK[r[c + "_marker"]]
            for c in ("top1_accuracy", "params_millions", "gflops")
        )
        line = f"{r['model']}{cite(r['model_citation'])} {vals} {r['extra_data']} {dmy(r['release_date'])} {r['architecture']}"
        if line not in lines:
            missing.append(line)
    assert not missing, "vision.csv rows not printed in Table A.3:\n" + "\n".join(missing)


def test_language_rows_are_thesis_lines(thesis_text):
    lines = thesis_lines(thesis_text)
    missing = []
    for r in rows("language"):
        glue = r["glue_score"] or "-"
        mark = " ♠" if r["glue_without_wnli"] == "yes" else (" ♣" if r["glue_dev_set"] == "yes" else "")
        line = (f"{r['model']}{cite(r['model_citation'])} {r['input_tokens']} {r['gflops']}{cite(r['gflops_citation'])} "
                f"{r['params_millions']}{MARK[r['params_millions_marker']]} {dmy(r['release_date'])} "
                f"{glue}{cite(r['glue_score_citation'])}{mark}")
        if line not in lines:
            missing.append(line)
    assert not missing, "language.csv rows not printed in Table A.4:\n" + "\n".join(missing)


def unprinted_starts(thesis_text: str, prefixes: list[str]) -> list[str]:
    """The prefixes no line of the thesis starts with (for tables with a derived, untyped last column)."""
    starts = [line.strip() for line in thesis_text.splitlines()]
    return [p for p in prefixes if not any(s.startswith(p) for s in starts)]


def test_gpu_rows_are_thesis_lines(thesis_text):
    # Table B.1 also prints a derived GFLOPS/W column, which is not transcribed: match the line's start.
    missing = unprinted_starts(thesis_text, [
        f"{r['gpu']} {r['precision']} {r['tflops']} {r['tdp_watts']} {dmy(r['launch_date'])} {r['segment']} "
        for r in rows("gpus")])
    assert not missing, "gpus.csv rows not printed in Table B.1:\n" + "\n".join(missing)


def test_ngc_rows_are_thesis_lines(thesis_text):
    missing = unprinted_starts(thesis_text, [
        f"{r['model']} {r['framework']} {r['batch_size']} {r['gpu']} {r['precision']} {r['throughput']} "
        for r in rows("ngc")])
    assert not missing, "ngc.csv rows not printed in Table B.2:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", ["crop_accuracy"])
def test_table_3_1(thesis_text, name):
    lines = thesis_lines(thesis_text)
    for r in rows(name):
        assert f"{r['model']}{cite(r['model_citation'])} {r['top1_1crop']} {r['top1_10crop']}" in lines


def test_tables_a1_a2(thesis_text):
    lines = thesis_lines(thesis_text)
    for r in rows("efficientnet_scaling"):
        assert f"{r['model']} {r['width']} {r['depth']} {r['test_resolution']}" in lines
    vit = {int(r["resolution"]): r["gflops"] for r in rows("vit_g_gflops")}
    assert f"ViT-G/14 {vit[224]} {vit[384]}" in lines


#: Where, among the numbers printed after a row's name (and precision) on its line, each printed
#: quantity stands: 0 = the first, -1 = the last.  Read off the thesis's table layouts.
COLUMN = {("Table B.1", "gflops_per_watt"): -1, ("Table B.2", "speed_up"): -1, ("Table B.3", "tflops"): 0,
          ("Table B.3", "gflops_per_watt"): -1, ("Table 5.2", "joules"): 2, ("Table 5.3", "joules"): 1}
GROUP_WORDS = {"CV", "NLP", "not adapted"}
PRECISIONS = ("FP16/FP32 Tensor", "FP32", "FP16", "TF32", "Mixed")
NUMBER = re.compile(r"(?<![\w./-])\d[\d,]*(?:\.\d+)?(?![\w/])")


def regions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line ranges (0-based, end exclusive) of every table and equation, from the thesis's own captions
    ("Table B.1: ...", printed after the table) and equation markers ("(A.3)", closing each equation)."""
    out: dict[str, tuple[int, int]] = {}
    captions = [(i, m.group(1)) for i, line in enumerate(lines) if (m := re.match(r"(Table [0-9A-Z]+\.\d+):", line))]
    for (prev, _), (i, name) in zip([(-1, "")] + captions, captions):
        out[name] = (prev + 1, i)
    markers = [(i, m.group(1)) for i, line in enumerate(lines) if (m := re.search(r"\((A\.\d+)\)\s*$", line))]
    for (prev, _), (i, name) in zip([(markers[0][0] - 20, "")] + markers, markers):
        out[f"Eq. {name}"] = (prev + 1, i + 1)
    return out


def identifiers(source: str, key: str, quantity: str) -> list[str]:
    """The words that name a printed number's row on its line."""
    parts = [p for p in key.split(" | ") if p not in GROUP_WORDS]
    if source == "Table 5.1":  # a grid: the row names the precision and the baseline, the column the task
        precision, _, base = quantity.partition("_speedup_vs_")
        return [{"mixed": "Mixed", "tf32": "TF32"}[precision], base.replace("_", " ")]
    if source.startswith("Eq."):
        return []
    return [p.removeprefix("Tesla ") if p == "Tesla T4" else p for p in parts]


def numbers_after(line: str, words: list[str]) -> list[str]:
    """The numbers printed on ``line`` after the last of ``words``."""
    cut = max((line.find(w) + len(w) for w in words if w in line), default=0)
    return NUMBER.findall(line[cut:])


def test_printed_derived_numbers_are_on_their_own_line(thesis_text):
    """Each printed derived number is on the line of its own row, in its own column, inside its table or
    equation (or, for numbers the text states, inside the quoted sentence of the thesis): a value changed to
    one printed elsewhere fails."""
    lines = thesis_text.splitlines()
    where = regions(lines)
    flat = " ".join(thesis_text.replace("-\n", "").split())
    problems = []
    for r in rows("thesis_printed"):
        source, key, quantity, value = r["source"], r["key"], r["quantity"], r["thesis"]
        forms = {value, f"{int(value):,}"} if value.isdigit() else {value}
        if source.startswith("Section"):
            quotes = re.findall(r'"([^"]+)"', r["notes"])
            if not quotes or not all(" ".join(q.split()) in flat for q in quotes):
                problems.append(f"{source} {key}: quoted sentence not in the thesis: {quotes}")
            elif quantity != "claim_holds" and not any(f in q for q in quotes for f in forms):
                problems.append(f"{source} {key}: {value} not in its quoted sentence")
            continue
        lo, hi = where[source]
        words = identifiers(source, key, quantity)
        if quantity == "listed":  # a flag: the model is a row of the table
            hits = [i for i in range(lo, hi) if lines[i].startswith(key + " ")]
        else:
            hits = [i for i in range(lo, hi) if all(w in lines[i] for w in words)
                    and any(f in NUMBER.findall(lines[i]) for f in forms)]
        if len(hits) != 1:
            problems.append(f"{source} {key} {quantity} = {value}: {len(hits)} lines in its region")
            continue
        col = COLUMN.get((source, quantity))
        if source == "Table 5.1":
            col = 0 if key.startswith("CV") else 1
        if col is not None:
            after = numbers_after(lines[hits[0]], words + [p for p in PRECISIONS if p in lines[hits[0]]][:1])
            if len(after) <= abs(col) or after[col] not in forms:
                problems.append(f"{source} {key} {quantity} = {value}: not in its column of line {hits[0] + 1}: "
                                f"{lines[hits[0]]!r}")
    assert not problems, f"{len(problems)} printed numbers not on their own line:\n" + "\n".join(problems[:20])
