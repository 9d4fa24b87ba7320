"""The CSV files say exactly what the thesis prints: each row is rebuilt as a line of the thesis text.

This checks the transcription against the source independently of the loaders: a mistyped
value, a lost marker or a wrong date makes the rebuilt line absent from the thesis.
"""

from __future__ import annotations

import csv

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


def test_printed_derived_numbers_appear_in_the_thesis(thesis_text):
    flat = " ".join(thesis_text.split())
    def forms(v: str) -> set[str]:  # the thesis prints 10000 as "10,000"
        return {v, f"{int(v):,}"} if v.isdigit() else {v}

    missing = [r for r in rows("thesis_printed") if not any(f in flat for f in forms(r["thesis"]))]
    assert not missing, f"printed values not found in the thesis: {missing[:5]}"
