"""The built site, its tables, the ledger and reruns (byte-identical tables: tests/test_references.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jupytext
import numpy as np
import nbformat
import pandas as pd
import pytest
from conftest import run_cli

import infertrends.book.build as build
import infertrends.book.cli as cli
import infertrends.book.execute as execute
import infertrends.book.outputs as outputs
import infertrends.book.site as site
import infertrends.book.sources as sources
import infertrends.data as data
import infertrends.thesis.ledger as ledger


def pages(html: Path) -> list[Path]:
    return [html / "intro.html"] + [html / "chapters" / f"{c}.html" for c in sources.chapters()] + [
        html / "reproduction.html"]


def test_every_page_is_built(html):
    for page in pages(html):
        assert page.exists(), f"missing page {page}"
    assert (html / "index.html").exists()


def test_bibliography_labels_read_like_the_text_citations(html):
    """The text cites author-year; the bibliography's labels must too, and list every entry.
    Truth written here: ELECTRA's four authors (Clark, Luong, Le, Manning, 2020) and EfficientNet's
    two (Tan and Le, 2019); the two He et al. 2016 works are told apart by a suffix."""
    text = re.sub(r"<[^>]+>", "", (html / "bibliography.html").read_text(encoding="utf-8"))
    assert "Clark et al. 2020" in text and "Tan and Le 2019" in text
    assert "He et al. 2016a" in text and "He et al. 2016b" in text
    assert "CLLM20" not in text and "DMartinezPHernandezO21" not in text
    bib = (Path(__file__).resolve().parents[1] / "book" / "references.bib").read_text(encoding="utf-8")
    assert len(re.findall(r"^\[", text, flags=re.M)) >= bib.count("\n@")


def test_linked_tables_exist_and_every_table_is_linked(html):
    linked: set[str] = set()
    for page in pages(html):
        for href in re.findall(r'href="([^"]+\.csv)"', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+://", href):
                continue  # a source on the web (the data-sources table), not a table of the site
            target = (page.parent / href).resolve()
            assert target.exists(), f"{page.name} links to missing {href}"
            linked.add(target.name)
    published = {p.name for p in (html / "data").glob("*.csv") if not p.name.startswith("input-")}
    assert published - linked == set(), f"tables published but not linked from any page: {published - linked}"
    inputs = {p.name for p in (html / "data").glob("input-*.csv")}
    import infertrends.data as data

    assert inputs == {f"input-{name}.csv" for name in data.ALL_SPECS}
    assert inputs <= linked, f"input tables not linked from any page: {inputs - linked}"


def test_reproduction_ledger(html):
    df = ledger.read(html / "data" / "reproduction.csv")
    assert list(df.columns) == ledger.COLUMNS
    assert len(df) > 0
    assert set(df["verdict"]) <= set(ledger.VERDICTS)
    # every ledger row names a printed number that exists in data/thesis_printed.csv, with the same text
    import infertrends.data as data

    printed = data.load("thesis_printed").set_index(["source", "key", "quantity"])["thesis"]
    for row in df.itertuples():
        assert printed[(row.source, row.key, row.quantity)] == row.thesis
    # committed expected counts (a change of any verdict must be explained and these updated on purpose)
    assert ledger.counts(df) == {"match": 170, "rounding": 18, "discrepancy": 11, "input": 47}
    # ... counted apart by what they are evidence of: 28 of Table B.3's rows repeat Table B.1's arithmetic (its
    # 28 unadapted GFLOPS/W), table listings are outcomes of a selection rule, claims are judged by the book
    by_kind = ledger.counts_by_kind(df)
    assert {k: sum(v.values()) for k, v in by_kind.items()} == {"reproduction": 153, "repeated": 28,
                                                                "selection": 14, "claim": 4}
    assert by_kind["reproduction"] == {"match": 129, "rounding": 17, "discrepancy": 7, "input": 0}
    # hand checks of single rows, independent of the ledger's code
    row = lambda source, key, quantity: df[(df["source"] == source) & (df["key"] == key)  # noqa: E731
                                           & (df["quantity"] == quantity)].iloc[0]
    # Table B.1: 125 TFLOPS / 300 W = 416.67 GFLOPS/W, printed 416.67
    v100 = row("Table B.1", "Tesla V100 | FP16/FP32 Tensor", "gflops_per_watt")
    assert v100["recomputed"] == pytest.approx(125e3 / 300) and v100["verdict"] == "match"
    # Table B.3 copies B.1's FP32 peak of the V100, 15.70: an input, not a match
    assert row("Table B.3", "not adapted | Tesla V100 | FP32", "tflops")["verdict"] == "input"
    # ... and its GFLOPS/W, 15.70 TFLOPS / 300 W = 52.33, is Table B.1's number again: repeated, not new evidence
    b3 = row("Table B.3", "not adapted | Tesla V100 | FP32", "gflops_per_watt")
    assert b3["kind"] == "repeated" and b3["recomputed"] == pytest.approx(15.7e3 / 300, rel=1e-3)
    assert set(df.loc[df["quantity"] == "listed", "kind"]) == {"selection"}
    # Section 5.3: 2000 kcal/day = 2000 x 4184 J / 86400 s = 96.85 W, printed "approximately 100"
    internal = row("Section 5.3", "internal", "human_watts")
    assert internal["recomputed"] == pytest.approx(2000 * 4184 / 86400) and internal["verdict"] == "discrepancy"
    # the known ViT-G/14 input error is reported, not hidden
    vit = df[(df["source"] == "Eq. A.12") & (df["quantity"] == "gflops")].iloc[0]
    assert vit["verdict"] == "discrepancy" and "2895.9" in vit["note"]
    page = (html / "reproduction.html").read_text(encoding="utf-8")
    assert f"{len(df)} numbers" in page
    intro = (html / "intro.html").read_text(encoding="utf-8")
    assert "of its 153 numeric reproductions, 129 match, 17 agree within rounding and 7 differ" in intro


@pytest.mark.parametrize("chapter", sources.chapters())
def test_reference_notebook_matches_source(root, chapter):
    """The build's executions are compared with the reference notebooks (and `make nbval` executes them), so
    their code must be the chapter's current code."""
    ref_path = root / "tests" / "references" / f"{chapter}.ipynb"
    assert ref_path.exists(), f"no reference notebook for {chapter}: run `make update-references`"
    ref = nbformat.read(ref_path, as_version=4)
    src = jupytext.read(sources.source(chapter))
    code = lambda nb: [(c.cell_type, c.source) for c in nb.cells if c.cell_type == "code"]
    assert code(ref) == code(src), f"{ref_path} is stale: run `make update-references` and explain why in the commit"
    assert all(c.get("outputs") is not None for c in ref.cells if c.cell_type == "code")


def test_rerun_writes_elsewhere_and_is_cached(html, tmp_path):
    before = {p.name: p.read_bytes() for p in (html / "data").glob("*.csv")}
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "infertrends", "run", "flop-conventions", "-p", "crops", "10", "--out", str(out)]
    first = subprocess.run(cmd, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    page = out / "_build" / "html" / "chapters" / "flop-conventions.html"
    assert page.exists()
    table = pd.read_csv(out / "execution" / "data" / "crop-accuracy.csv")
    assert (table["gflops_per_prediction"] - 10 * table["gflops_per_pass"]).abs().max() < 1e-9
    assert (table["top1_used"] == table["top1_10crop"]).all()
    assert (out / "_build" / "html" / "data" / "crop-accuracy.csv").exists()
    after = {p.name: p.read_bytes() for p in (html / "data").glob("*.csv")}
    assert before == after, "a rerun must never change the book"
    second = run_cli(*cmd[3:], "--no-html")  # the same rerun again, in this process
    assert second.returncode == 0, second.stderr
    assert "unchanged, using the cached execution" in second.stdout


def test_rerun_refuses_the_book_folder(root):
    with pytest.raises(outputs.OutputError, match="refusing to write .* it is inside the published site"):
        build.rerun("flop-conventions", {"crops": 10}, out=root / "book" / "_build" / "html" / "x")


def test_scenario_sweep_matches_the_sensitivity_chapter(html, tmp_path):
    """`make scenarios` writes every scenario's Joules through the chain; they must be the page's."""
    proc = run_cli("scenarios", "--out", str(tmp_path))  # in this process: the command's function, its output
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    sweep = pd.read_csv(tmp_path / "comparison.csv")
    page = pd.read_csv(html / "data" / "scenario-comparison.csv")
    merged = sweep.merge(page, on=["scenario", "reference"], suffixes=("_sweep", "_page"))
    assert len(merged) == len(page) == len(sweep) > 0
    assert np.allclose(merged["joules_sweep"], merged["joules_page"], rtol=1e-9, equal_nan=True)
    for name in sweep["scenario"].unique():
        assert (tmp_path / f"{name}.csv").exists()


@pytest.mark.parametrize("chapter, args", [
    ("cv-compute", ["-p", "extra_data", "extra data only", "-p", "sota_rule", "records"]),
    ("hardware", ["-p", "adapted", "false", "-p", "exclude_fp32", "none", "-p", "segments", "Server"]),
    ("energy", ["-p", "hardware_model", "named-gpu", "-p", "gpu", "T4", "-p", "precision", "fp32", "-p", "pue", "1.5"]),
])
def test_reruns_with_other_assumptions(tmp_path, capfd, chapter, args):
    """A reader's rerun with non-default assumptions executes and writes its tables, and prints no parser or
    kernel noise (papermill's 'Unable to parse', 'Passed unknown parameter', ipykernel's 'KeyboardInterrupt
    caught in kernel').  The command runs in this process (one warm process serves every rerun of the test
    worker); test_rerun_writes_elsewhere_and_is_cached runs it as its own process."""
    out = tmp_path / "run"
    assert cli.main(["run", chapter, *args, "--out", str(out), "--no-html"]) in (0, None)
    printed = capfd.readouterr()
    assert any((out / "execution" / "data").glob("*.csv")), printed.out[-2000:] + printed.err[-2000:]
    assert printed.err.strip() == ""


def test_a_failed_html_build_leaves_the_published_site(html, monkeypatch):
    """jupyter-book failing (a bad {numref}, say) must not touch book/_build/html."""
    index = html / "index.html"
    before = index.stat().st_mtime_ns
    monkeypatch.setattr(build, "validate_data", lambda: None)
    monkeypatch.setattr(build, "execute_all", lambda **kw: [])
    monkeypatch.setattr(build, "stage", lambda results: None)

    def failing(site, output, strict=True):
        raise sources.BuildError("jupyter-book build failed (exit 1); see the warnings above")

    monkeypatch.setattr(build, "jupyter_book", failing)
    with pytest.raises(sources.BuildError):
        build.build()
    assert index.stat().st_mtime_ns == before


def test_publishing_drops_tables_this_build_did_not_stage(tmp_path):
    built, target, staged = tmp_path / "built", tmp_path / "site", tmp_path / "staged"
    (built / "data").mkdir(parents=True)
    (built / "data" / "kept.csv").write_text("a\n1\n")
    (built / "data" / "stale.csv").write_text("a\n1\n")
    (built / "index.html").write_text("new")
    staged.mkdir()
    (staged / "kept.csv").write_text("a\n1\n")
    target.mkdir()
    (target / "index.html").write_text("old")
    build.publish_site(built, target, staged)
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in (target / "data").iterdir()) == ["kept.csv"]


def test_thesis_citation_numbers_resolve_where_identified(html):
    """The thesis's [39] is AlexNet's paper (thesis Table A.3: 'AlexNet [39]'), [32] PyTorch's model package
    (thesis §3.1): on the data-tables page both resolve to bibliography entries; an unidentified number says so."""
    import infertrends.data.references as references

    known = references.thesis_citations()
    assert known[39] == "krizhevsky2012alexnet" and known[32] == "torchvision2021models"
    page = (html / "chapters" / "data-tables.html").read_text(encoding="utf-8")
    row39 = re.search(r"<td[^>]*><p>\[39\]</p></td>(.*?)</tr>", page, re.S).group(1)
    assert "paper of AlexNet" in row39 and "Krizhevsky" in row39 and "bibliography.html" in row39
    row51 = re.search(r"<td[^>]*><p>\[51\]</p></td>(.*?)</tr>", page, re.S).group(1)  # ZFNet's paper
    assert "paper of ZFNet" in row51 and "not identified" in row51


def test_no_bare_thesis_citation_number_nor_internal_key_on_any_page(html):
    """No internal key on a page: a source of data/external_values.csv is shown by its label and link (the CSV
    keeps the key). Every thesis citation number a page prints ("[19]") is a link to the data appendix's list of
    what each stands for, or the work is named instead (Recount's "GFLOPs from": Clark et al., the ELECTRA paper, for
    [19]); "Table A.1" of chapter 1 names Xie et al. 2020 (the thesis's [50]) by its bibliography entry."""
    import infertrends.data.references as references

    target = f"#{references.NUMBERS_LABEL}"
    for page in sorted((html / "chapters").glob("*.html")) + [html / "intro.html"]:
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<pre.*?</pre>", "", page.read_text(encoding="utf-8"),
                      flags=re.S)
        text = re.sub(r'<a [^>]*href="[^"]*' + target + r'"[^>]*>.*?</a>', "LINK", text, flags=re.S)
        text = re.sub(r'<table [^>]*id="tbl-thesis-citation-numbers".*?</table>', "", text, flags=re.S)  # the list
        bare = re.findall(r"\[\d{1,2}(?:\]|,)", re.sub(r"<[^>]+>", "", text))
        assert not bare, f"{page.name}: thesis citation numbers without a link: {bare[:5]}"
        words = set(re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", re.sub(r"<[^>]+>", " ", text)))
        keys = sorted(words & set(data.load("external_values")["key"]))
        assert not keys, f"{page.name}: keys of external_values.csv instead of their sources: {keys[:5]}"
    recount = (html / "chapters" / "recount.html").read_text(encoding="utf-8")
    cell = r"\s*<td[^>]*>(?:(?!</td>).)*?{name}(?:(?!</td>).)*?bibliography\.html"  # a cell naming and linking
    assert re.search(r"<td[^>]*><p>ELMo</p></td>(?:.*?</td>){2}" + cell.format(name="Clark"), recount, re.S), (
        "Table A.4's [19] is not named as Clark et al. in the recount")
    conventions = (html / "chapters" / "flop-conventions.html").read_text(encoding="utf-8")
    assert re.search(r"<td[^>]*><p>EfficientNet-B7</p></td>(?:.*?</td>){3}" + cell.format(name="Xie"), conventions,
                     re.S), "Table A.1's [50] is not named as Xie et al."


def test_a_kernel_that_never_starts_is_started_again(tmp_path, monkeypatch, capsys):
    """Kernels started in parallel can race for a port and die before any cell runs: the chapter is started
    again (up to KERNEL_START_ATTEMPTS times); any other error, or a third death, stops the build."""
    import papermill as pm

    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))  # _execute sets it; restored after the test
    calls = []

    def papermill(*errors):
        """A stand-in for papermill that raises ``errors`` in turn, then writes the notebook."""
        def run(nb, out, **kwargs):
            calls.append(out)
            if len(calls) <= len(errors):
                raise RuntimeError(errors[len(calls) - 1])
            nbformat.write(nb, out)
        return run

    died = "Kernel died before replying to kernel_info"
    monkeypatch.setattr(pm, "execute_notebook", papermill(died))
    execute._execute("flop-conventions", tmp_path, {})
    assert len(calls) == 2 and (tmp_path / "flop-conventions.ipynb").exists()
    assert "[retry] flop-conventions: the kernel did not start" in capsys.readouterr().out

    calls.clear()
    monkeypatch.setattr(pm, "execute_notebook", papermill(*[died] * execute.KERNEL_START_ATTEMPTS))
    with pytest.raises(RuntimeError, match="Kernel died"):
        execute._execute("flop-conventions", tmp_path, {})
    assert len(calls) == execute.KERNEL_START_ATTEMPTS

    calls.clear()
    monkeypatch.setattr(pm, "execute_notebook", papermill("something else"))
    with pytest.raises(RuntimeError, match="something else"):
        execute._execute("flop-conventions", tmp_path, {})
    assert len(calls) == 1


def test_the_page_shows_the_parameters_under_the_method_heading():
    """Hand-made notebook: title, parameters, body, method heading. The page order puts the parameters cell (and a
    rerun's injected one) right under the heading, keeps every other cell in order, and refuses a chapter without
    the heading."""
    md = lambda text: {"cell_type": "markdown", "metadata": {}, "source": text}  # noqa: E731
    code = lambda text, *tags: {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": text,  # noqa: E731
                                "outputs": [], "execution_count": None}
    cells = [md("# Title"), code("level = 0.9", "parameters"), code("level = 0.8", "injected-parameters"),
             code("x = 1"), md("Body"), md("(method-x)=\n## Method and rerun\n\nHow."), md("End")]
    out = site.method_last({"cells": cells, "metadata": {}}, "x")["cells"]
    assert [c["source"] for c in out] == ["# Title", "x = 1", "Body", "(method-x)=\n## Method and rerun\n\nHow.",
                                          "level = 0.9", "level = 0.8", "End"]
    with pytest.raises(sources.BuildError, match="Method and rerun"):
        site.method_last({"cells": cells[:5], "metadata": {}}, "x")


def test_a_clean_build_runs_the_longest_chapters_first(tmp_path, monkeypatch):
    """Without timings in the cache (a clean build), the chapters' seconds of the last make bench order them,
    longest first; the cache's own timing wins where there is one; an unknown chapter or a broken file counts 0."""
    import json

    import infertrends.book.execute as execute

    (tmp_path / "cache" / "b").mkdir(parents=True)
    (tmp_path / "cache" / "b" / "hash.txt").write_text("hash\nparams\n9.5\n", encoding="utf-8")
    measured = tmp_path / "chapter-seconds.json"
    measured.write_text(json.dumps({"a": 6.2, "b": 1.0, "c": 0.8}), encoding="utf-8")
    monkeypatch.setattr(execute, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(execute, "MEASURED_SECONDS", measured)
    assert sorted(["c", "a", "d", "b"], key=execute._last_seconds, reverse=True) == ["b", "a", "c", "d"]
    measured.write_text("not json", encoding="utf-8")
    assert execute._last_seconds("a") == 0.0
