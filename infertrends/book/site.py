"""Laying out the site's sources: the book's files, the executed chapters (their parameters moved to the end),
every published table and the input tables with their data package, the reproduction ledger's page and the
landing page's chart and counts, generated from the executions; then jupyter-book builds it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

import infertrends.book.publish as publish
import infertrends.core.numbers as numbers
from infertrends.book.execute import Result
from infertrends.book.sources import BOOK, BUILD, ROOT, SITE, BuildError, chapter_title, log
from infertrends.data import ALL_SPECS, data_dir
from infertrends.present.export import key_columns, write_csv


def _sync(src: Path, dst: Path) -> bool:
    """Copy ``src`` to ``dst`` only if the bytes differ (keeps mtimes for Sphinx's incremental build)."""
    if dst.exists() and dst.read_bytes() == src.read_bytes():
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return True


def _sync_tree(expected: dict[Path, Path], root: Path) -> None:
    """Make ``root`` hold exactly the files in ``expected`` (destination -> source)."""
    for dst, src in expected.items():
        _sync(src, dst)
    if root.exists():
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_file() and path not in expected:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def export_inputs(target: Path) -> dict[Path, Path]:
    """Publish the validated input tables as ``input-<name>.csv`` under ``target``, exactly as in ``data/``,
    with ``datapackage.json`` describing them (Table Schema per file), so that a reader can validate a
    download with ``frictionless validate datapackage.json``."""
    import infertrends.data.package as package

    files: dict[Path, Path] = {}
    tmp = BUILD / "inputs"
    for spec in ALL_SPECS.values():
        files[target / f"input-{spec.name}.csv"] = data_dir() / spec.filename
    pj = package.write(tmp, ALL_SPECS, lambda spec: f"input-{spec.name}.csv")
    files[target / pj.name] = pj
    return files


#: The heading every chapter ends with; the page shows the chapter's assumptions (its ``parameters`` cell, and
#: papermill's ``injected-parameters`` cell of a rerun) under it, so the page opens with the finding while the
#: source keeps the parameters first, where papermill and Jupyter expect them.
METHOD_HEADING = "## Method and rerun"
PARAMETER_TAGS = ("parameters", "injected-parameters")


def method_last(nb: dict[str, Any], chapter: str) -> dict[str, Any]:
    """``nb`` with its parameter cells moved to just after the markdown cell holding :data:`METHOD_HEADING`
    (outputs unchanged: a parameters cell only assigns names and prints nothing)."""
    cells = nb["cells"]
    marks = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             and any(line.rstrip() == METHOD_HEADING for line in "".join(c["source"]).splitlines())]
    if len(marks) != 1:
        raise BuildError(f"chapter '{chapter}': needs exactly one markdown cell with the heading "
                         f"'{METHOD_HEADING}' (found {len(marks)})")
    moved = [c for c in cells if set(c.get("metadata", {}).get("tags", [])) & set(PARAMETER_TAGS)]
    if any(c["cell_type"] == "code" and c.get("outputs") for c in moved):
        raise BuildError(f"chapter '{chapter}': its parameters cell prints something; it must only assign")
    rest = [c for c in cells if not any(c is m for m in moved)]
    at = next(i for i, c in enumerate(rest) if c is cells[marks[0]]) + 1
    return {**nb, "cells": rest[:at] + moved + rest[at:]}


def stage(results: list[Result], site: Path = SITE, root_doc: str | None = None) -> None:
    """Lay out the site sources: book files, executed chapters and the data folder."""
    import infertrends.thesis.ledger as ledger

    expected: dict[Path, Path] = {}
    for path in BOOK.rglob("*"):
        rel = path.relative_to(BOOK)
        if not path.is_file() or rel.parts[0] == "_build" or "__pycache__" in rel.parts:
            continue
        if rel.parts[0] == "chapters":
            continue
        if root_doc is not None and len(rel.parts) == 1 and path.suffix == ".md" and path.name != "bibliography.md":
            continue  # a single-chapter rerun builds that chapter, the ledger and the bibliography
        expected[site / rel] = path
    for r in results:
        staged_nb = site.parent / f"{site.name}-chapters" / f"{r.chapter}.ipynb"  # _sync copies it if it changed
        staged_nb.parent.mkdir(parents=True, exist_ok=True)
        staged_nb.write_text(json.dumps(method_last(json.loads(r.notebook.read_text(encoding="utf-8")), r.chapter),
                                        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        expected[site / "chapters" / f"{r.chapter}.ipynb"] = staged_nb
    data_root = site / "_extra" / "data"
    ledgers, chapter_of = [], []
    for r in results:
        for csv in sorted(r.data.glob("*.csv")):
            expected[data_root / csv.name] = csv
            if csv.name.startswith("reproduction-"):
                ledgers.append(ledger.read(csv))
                chapter_of += [r.chapter] * len(ledgers[-1])
    combined = BUILD / "reproduction.csv"
    table = ledger.combine(ledgers) if ledgers else pd.DataFrame(columns=ledger.COLUMNS)
    write_csv(table, combined)
    expected[data_root / "reproduction.csv"] = combined
    page = site.parent / f"{site.name}-reproduction.md"
    page.write_text(reproduction_page(table, chapter_of), encoding="utf-8")
    expected[site / "reproduction.md"] = page
    info = publish.version_info()
    cff = publish.citation()
    intro = BOOK / "intro.md"
    if (site / "intro.md") in expected:
        text = intro.read_text(encoding="utf-8").replace(LEDGER_COUNTS, ledger_sentence(table))
        text = text.replace(LANDING_CHART, landing_chart(results))
        staged_intro = site.parent / f"{site.name}-intro.md"
        staged_intro.write_text(text.replace(publish.HOW_TO_CITE, publish.how_to_cite_markdown(cff, info)),
                                encoding="utf-8")
        expected[site / "intro.md"] = staged_intro
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("html", {})["extra_footer"] = publish.footer_html(info)
    staged_config = site.parent / f"{site.name}-config.yml"
    staged_config.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    expected[site / "_config.yml"] = staged_config
    bib = site.parent / f"{site.name}-{publish.BIBTEX_NAME}"
    bib.write_text(publish.bibtex(cff, info), encoding="utf-8")
    expected[site / "_extra" / publish.BIBTEX_NAME] = bib
    expected.update(export_inputs(data_root))
    csvs = {dst.name: src for dst, src in expected.items() if dst.parent == data_root and dst.suffix == ".csv"}
    manifest = site.parent / f"{site.name}-{publish.MANIFEST_NAME}"
    write_csv(publish.manifest(csvs, info["commit"]), manifest)
    expected[data_root / publish.MANIFEST_NAME] = manifest
    if root_doc is not None:
        toc = BUILD / f"toc-{root_doc.replace('/', '-')}.yml"
        toc.write_text(yaml.safe_dump({"format": "jb-book", "root": root_doc,
                                       "chapters": [{"file": "reproduction"}, {"file": "bibliography"}]}),
                       encoding="utf-8")
        expected[site / "_toc.yml"] = toc
    _sync_tree(expected, site)


#: Placeholder in ``book/intro.md`` replaced by the landing page's chart: the glued figure ``LANDING_FIGURE``
#: of chapter ``LANDING_CHAPTER`` (its title states the book's first finding), as the chapter rendered it.
LANDING_CHART = "<!-- landing-chart -->"
LANDING_CHAPTER, LANDING_FIGURE = "energy", "fig-cv-joules"


def landing_chart(results: list[Result]) -> str:
    """The landing page's chart: the HTML Altair wrote for :data:`LANDING_FIGURE` in the executed chapter, as a
    raw HTML block (the page loads the Vega libraries from the site, like every chapter)."""
    nb = next((r.notebook for r in results if r.chapter == LANDING_CHAPTER), None)
    if nb is None:
        raise BuildError(f"the landing page's chart comes from chapter '{LANDING_CHAPTER}', which this build lacks")
    for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            record = out.get("metadata", {}).get("scrapbook", {})
            if record.get("name") == LANDING_FIGURE:
                html = out["data"][record.get("mime_prefix", "") + "text/html"]
                return "```{raw} html\n<div class=\"landing-chart\">\n" + html.strip() + "\n</div>\n```"
    raise BuildError(f"chapter '{LANDING_CHAPTER}' glued no figure '{LANDING_FIGURE}' for the landing page")


#: Placeholder in ``book/intro.md`` replaced by the ledger's counts when the site is laid out.
LEDGER_COUNTS = "<!-- ledger-counts -->"


def ledger_sentence(table: pd.DataFrame) -> str:
    """"213 of the 230 recomputed numbers match, 12 within rounding, 5 differ (explained); 9 inputs"."""
    import infertrends.thesis.ledger as ledger

    c = ledger.counts(table)
    k = ledger.counts_by_kind(table)
    n = {kind: sum(v.values()) for kind, v in k.items()}
    rep = k["reproduction"]
    sel = k["selection"]
    return (f"of its {n['reproduction']} numeric reproductions, {rep['match']} match, {rep['rounding']} agree within "
            f"rounding and {rep['discrepancy']} differ (each explained on its page). Counted apart: "
            f"{n['repeated']} numbers that repeat arithmetic already counted (Table B.3's unadapted GFLOPS per Watt "
            f"are Table B.1's); {n['selection']} table listings reproduced by a selection rule whose band the book "
            f"chose with the thesis's tables in view ({sel['match']} reproduced, {sel['discrepancy']} not: the "
            f"outcome of a tuned rule, not evidence of a match); {n['claim']} sentences of the thesis judged by "
            f"criteria the book wrote ({k['claim']['match']} hold); and {c['input']} printed inputs only passed "
            "through")


def _percent(rel: float) -> str:
    """A relative difference as a readable percentage, never in e-notation."""
    if rel != rel:
        return ""
    x = 100 * rel
    return "0 %" if x == 0 else "< 0.01 %" if x < 0.01 else f"{x:.2f} %" if x < 10 else f"{x:,.0f} %"


def _printed_like(thesis: str, value: float) -> str:
    """The book's value with two more decimals than the thesis printed (no e-notation)."""
    import infertrends.thesis.ledger as ledger

    return f"{value:,.{ledger.decimals(thesis) + 2}f}"


FILTER = """
<p><label for="verdict-filter">Show rows with the verdict </label>
<select id="verdict-filter">
  <option value="">any</option><option>match</option><option>rounding</option><option>discrepancy</option>
  <option>input</option>
</select></p>
<script>
document.getElementById("verdict-filter").addEventListener("change", function (e) {
  var want = e.target.value;
  document.querySelectorAll("table.ledger-table tbody tr").forEach(function (tr) {
    var cell = tr.querySelector("td:nth-child(6)");
    tr.style.display = (!want || (cell && cell.textContent.trim() === want)) ? "" : "none";
  });
});
</script>
"""


def reproduction_page(table: pd.DataFrame, chapter_of: list[str] | None = None) -> str:
    """The ledger page, generated from the combined ledger (numbers from code, never typed): a summary by
    chapter and verdict, a verdict filter, then one table per chapter in plain words."""
    import infertrends.thesis.ledger as ledger
    from infertrends.present.export import markdown_table

    t = table.copy()
    t["chapter"] = chapter_of if chapter_of is not None and len(chapter_of) == len(t) else "book"
    counts = ledger.counts(t)
    judged = sum(counts[v] for v in ledger.JUDGED)
    kinds = ledger.counts_by_kind(t)
    summary = (f"{judged} recomputed: " + "; ".join(
        f"{sum(kinds[k].values())} {k} (" + ", ".join(f"{kinds[k][v]} {v}" for v in ledger.JUDGED) + ")"
        for k in ledger.KINDS) + f"; {counts['input']} printed inputs passed through (verdict input, not counted)")
    by = (t.groupby(["chapter", "verdict"], sort=False).size().unstack(fill_value=0)
          .reindex(columns=list(ledger.VERDICTS), fill_value=0).reset_index())
    by.insert(1, "numbers", by[list(ledger.VERDICTS)].sum(axis=1))
    by["chapter"] = "{doc}`chapters/" + by["chapter"].astype(str) + "`"
    by.columns = ["Chapter", "Numbers", *[v.capitalize() for v in ledger.VERDICTS]]
    parts = [
        "(reproduction)=\n# Reproduction ledger\n\n"
        "One row per number the thesis prints that the book recomputes: where the thesis prints it, the row it "
        "names, what the number is, the printed value, the book's value (two more decimals), and the verdict "
        "(defined on the {doc}`intro` page). Chapters explain every `discrepancy`.\n\n"
        f"**{len(t)} numbers; {summary}.**\n\n"
        '<a class="download-csv" href="data/reproduction.csv" download>Download the ledger as CSV '
        "(reproduction.csv)</a>\n\n"
        f"```{{table}} The ledger by chapter and verdict.\n:name: tbl-reproduction-summary\n"
        f":class: {key_columns(by, ['Numbers', 'Discrepancy'])}\n\n"
        f"{markdown_table(by) if len(by) else ''}\n```\n",
        FILTER,
    ]
    for chapter, grp in t.groupby("chapter", sort=False):
        shown = pd.DataFrame({
            "Where": grp["source"], "Row": grp["key"], "Number": grp["quantity"].map(ledger.label),
            "Thesis": [numbers.printed(th) for th in grp["thesis"]],
            "Book": [_printed_like(th, v) for th, v in zip(grp["thesis"], grp["recomputed"])],
            "Verdict": grp["verdict"], "Kind": grp["kind"],
            "Difference": [_percent(d) for d in grp["rel_diff"]],
            "Note": grp["note"].fillna(""),
        })
        parts.append(f"## {chapter_title(chapter)}\n\nRows of {{doc}}`chapters/{chapter}`.\n\n```{{table}} Ledger rows "
                     f"of this chapter.\n:name: tbl-reproduction-{chapter}\n:class: ledger-table "
                     f"{key_columns(shown, ['Row', 'Thesis', 'Book', 'Verdict'])}\n\n"
                     f"{markdown_table(shown)}\n```\n")
    return "\n".join(parts)


def jupyter_book(site: Path, output: Path, strict: bool = True, builder: str = "html") -> None:
    """Run ``jupyter-book build`` with ``builder`` (``html``, or ``singlehtml`` for the PDF); ``strict`` turns
    warnings into errors (the book is always strict)."""
    cmd = [sys.executable, "-m", "infertrends.book.jupyterbook", "build", str(site), "--builder", builder,
           "--path-output", str(output), "-n", "--keep-going", "--quiet"] + (["-W"] if strict else [])
    log(f"building {builder}: " + " ".join(cmd[3:]))
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}); see the warnings above")
