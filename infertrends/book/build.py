"""Execute the chapters with papermill and build the HTML book with jupyter-book.

Layout (all generated folders are git-ignored):

* ``book/`` - sources: ``_config.yml``, ``_toc.yml``, ``intro.md``, ``chapters/*.md`` (jupytext MyST).
* ``build/cache/<chapter>/`` - the executed notebook, its CSV tables and the content hash they came from.
* ``build/site/`` - what jupyter-book builds: the sources with executed ``.ipynb`` chapters.
* ``book/_build/html/`` - the site; ``book/_build/html/data/`` holds every published CSV.

A chapter is executed again only when the hash of its source, the helper
package, the data and its parameters changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

import infertrends.book.params as params_mod
import infertrends.data as data_mod
import infertrends.core.numbers as numbers
import infertrends.book.outputs as outputs
import infertrends.book.printing as printing
import infertrends.book.publish as publish
import infertrends.book.sitecheck as sitecheck
from infertrends.data import ALL_SPECS, ROOT, data_dir
from infertrends.present.export import key_columns, write_csv

BOOK = ROOT / "book"
CHAPTERS = BOOK / "chapters"
BUILD = ROOT / "build"
CACHE = BUILD / "cache"
SITE = BUILD / "site"
HTML = BOOK / "_build" / "html"
#: Where jupyter-book writes (with its incremental caches) before the site is published to HTML.
JB_OUT = BUILD / "jupyter-book"
REFERENCES = ROOT / "tests" / "references"
#: The helper package, every subpackage's sources included in each chapter's hash.
PACKAGE = Path(__file__).resolve().parents[1]

#: Kernel papermill runs chapters with (ipykernel's default spec in the active environment).
KERNEL = "python3"


class BuildError(RuntimeError):
    """A chapter failed to execute or the book failed to build."""


def log(message: str) -> None:
    """Progress output (flushed, so it shows up live under make)."""
    print(message, flush=True)


def chapters() -> list[str]:
    """Chapter names in the order of ``book/_toc.yml``."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            f = node.get("file")
            if isinstance(f, str) and f.startswith("chapters/"):
                names.append(f.split("/", 1)[1])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc)
    return names


def source(chapter: str) -> Path:
    """Path of a chapter's jupytext source."""
    path = CHAPTERS / f"{chapter}.md"
    if not path.exists():
        raise BuildError(f"chapter '{chapter}' has no source {path}; chapters: {', '.join(chapters())}")
    return path


def content_hash(chapter: str, parameters: Mapping[str, Any]) -> str:
    """Hash of everything a chapter's execution depends on."""
    h = hashlib.sha256()
    files = [(f.name, f) for f in (source(chapter), ROOT / "requirements.txt")]
    # every module of every subpackage, named by its path in the package (core/fits.py), in that order
    files += sorted((f.relative_to(PACKAGE).as_posix(), f) for f in PACKAGE.rglob("*.py"))
    files += [(f.name, f) for f in sorted(p for p in data_dir().rglob("*") if p.is_file())]
    for name, f in files:
        h.update(name.encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    h.update(json.dumps(dict(parameters), sort_keys=True, default=str).encode())
    return h.hexdigest()


@dataclass
class Result:
    chapter: str
    notebook: Path
    data: Path
    seconds: float
    cached: bool


#: Kernel messages that say nothing about the book (ipykernel 7 warns about its local TCP transport).
NOISE = ("Kernel is running over TCP without encryption",  # jupyter_client on a local kernel
         "KeyboardInterrupt caught in kernel")  # ipykernel when papermill shuts a finished kernel down


@contextlib.contextmanager
def _filtered_stderr():
    """Capture the kernel's stderr (fd 2) and replay it without :data:`NOISE` lines."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in tmp.read().decode("utf-8", "replace").splitlines():
                if line.strip() and not any(n in line for n in NOISE):
                    print(line, file=sys.stderr)


#: How often a chapter's kernel is started before the build gives up. Kernels started in parallel can
#: race for a port (ZMQ "Address already in use"); the kernel then dies before it answers, no cell has
#: run, and starting another is safe.
KERNEL_START_ATTEMPTS = 3
KERNEL_DID_NOT_START = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _execute(chapter: str, out_dir: Path, parameters: dict[str, Any]) -> float:
    """Run one chapter with papermill into ``out_dir`` (in a worker process)."""
    import jupytext
    import papermill as pm

    start = time.perf_counter()
    data = out_dir / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    os.environ["INFERTRENDS_EXPORT_DIR"] = str(data)
    nb = jupytext.read(source(chapter))
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    try:
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            try:
                with _filtered_stderr():
                    pm.execute_notebook(nb, str(out_dir / f"{chapter}.ipynb"), parameters=parameters or None,
                                        kernel_name=KERNEL, cwd=str(CHAPTERS), progress_bar=False, log_output=False)
                break
            except RuntimeError as err:  # before any cell ran: the kernel never answered
                if not str(err).startswith(KERNEL_DID_NOT_START) or attempt == KERNEL_START_ATTEMPTS:
                    raise
                log(f"[retry] {chapter}: the kernel did not start ({err}); starting another "
                    f"({attempt + 1}/{KERNEL_START_ATTEMPTS})")
    except pm.PapermillExecutionError as err:
        raise BuildError(
            f"chapter '{chapter}' failed in cell {err.exec_count}: {err.ename}: {err.evalue}\n"
            f"  executed notebook with the traceback: {out_dir / (chapter + '.ipynb')}"
        ) from None
    return time.perf_counter() - start


def outputs_hash(notebook: Path, data: Path) -> str:
    """Hash of an execution's outputs (the notebook and every table), recorded beside the inputs' hash."""
    h = hashlib.sha256()
    for f in [notebook, *sorted(data.glob("*"))]:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _damage(notebook: Path, data: Path, recorded: str) -> str | None:
    """Why a cached execution made from the right inputs cannot be reused, or ``None`` if it can."""
    if not notebook.is_file() or not data.is_dir():
        return "its notebook or its tables are missing"
    if outputs_hash(notebook, data) != recorded:
        return "its files changed after it was written" if recorded else "it has no record of its outputs' hash"
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError, TypeError) as err:
        return f"its notebook does not parse ({type(err).__name__})"
    return None if isinstance(cells, list) else "its notebook has no list of cells"


def _cached(chapter: str, out_dir: Path, digest: str, note: bool = True) -> Result | None:
    """The previous execution in ``out_dir`` if it was made from the same inputs (``digest``) and is intact
    (its outputs hash as recorded, its notebook parses); a damaged one is reported in one line (``note``)."""
    stamp, nb = out_dir / "hash.txt", out_dir / f"{chapter}.ipynb"
    lines = stamp.read_text(encoding="utf-8", errors="replace").split("\n") if stamp.is_file() else [""]
    if lines[0] != digest:
        return None
    damage = _damage(nb, out_dir / "data", lines[1] if len(lines) > 1 else "")
    if damage is None:
        return Result(chapter, nb, out_dir / "data", 0.0, True)
    if note:
        log(f"[cache] {chapter}: the cached execution in {out_dir} cannot be reused ({damage}); executing it again")
    return None


def execute(chapter: str, parameters: Mapping[str, Any] | None = None, out_dir: Path | None = None,
            force: bool = False) -> Result:
    """Execute ``chapter`` (if its hash changed or its cached execution is damaged) and return where its outputs
    are."""
    parameters = params_mod.validate(chapter, dict(parameters or {}))
    out_dir = out_dir or CACHE / chapter
    digest = content_hash(chapter, parameters)
    cached = None if force else _cached(chapter, out_dir, digest)
    if cached:
        return cached
    stamp = out_dir / "hash.txt"
    nb = out_dir / f"{chapter}.ipynb"
    out_dir.mkdir(parents=True, exist_ok=True)
    if stamp.exists():
        stamp.unlink()
    seconds = _execute(chapter, out_dir, parameters)
    stamp.write_text(digest + "\n" + outputs_hash(nb, out_dir / "data"), encoding="utf-8")
    return Result(chapter, nb, out_dir / "data", seconds, False)


def validate_data() -> None:
    """Validate every data file once, in this process, before any chapter runs (each problem reported once)."""
    from infertrends.data.schema import DataError

    try:
        data_mod.validate_all()
    except DataError as err:
        raise BuildError(str(err)) from None


def _die_with(parent: int) -> None:
    """Initializer of a pool worker: die when the build process dies, even by SIGKILL (which runs no clean-up),
    so no worker is left running; a worker's kernel then exits too (ipykernel polls its parent, JPY_PARENT_PID)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    else:  # elsewhere: a watcher thread polls the parent
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the build died before the signal was armed
        os._exit(1)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """``jobs`` worker processes that die with this process (:func:`_die_with`)."""
    return ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_die_with, initargs=(os.getpid(),))


def execute_all(names: list[str] | None = None, jobs: int = 2, force: bool = False) -> list[Result]:
    """Validate the data once, then execute chapters in parallel (``jobs`` processes), printing progress."""
    validate_data()
    names = names or chapters()
    results: dict[str, Result] = {}
    todo: list[str] = []
    for name in names:
        cached = None if force else _cached(name, CACHE / name, content_hash(name, {}))
        if cached:
            results[name] = cached
            log(f"[{len(results)}/{len(names)}] {name}: unchanged, using cached execution")
        else:
            todo.append(name)
    if todo:
        log(f"executing {len(todo)} chapter(s) with papermill ({min(jobs, len(todo))} in parallel): "
            + ", ".join(todo))
        failures: list[str] = []
        with worker_pool(min(jobs, len(todo))) as pool:
            futures = {pool.submit(execute, name, None, None, True): name for name in todo}  # not cached
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    results[name] = fut.result()
                    log(f"[{len(results)}/{len(names)}] {name}: executed in {results[name].seconds:.1f} s")
                except Exception as err:  # report every failing chapter, then stop
                    failures.append(f"{name}: {err}")
                    log(f"[failed] {name}: {err}")
        if failures:
            raise BuildError("chapter execution failed:\n  " + "\n  ".join(failures))
    return [results[n] for n in names]


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


def chapter_title(chapter: str) -> str:
    """The chapter's title, from the first heading of its source."""
    for line in source(chapter).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return chapter


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
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(exe if exe.exists() else "jupyter-book"), "build", str(site), "--builder", builder,
           "--path-output", str(output), "-n", "--keep-going", "--quiet"] + (["-W"] if strict else [])
    log(f"building {builder}: " + " ".join(cmd[1:]))
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}); see the warnings above")


def publish_site(built: Path, target: Path, data: Path) -> None:
    """Replace ``target`` with a copy of ``built`` in one step, only after a successful build.

    Sphinx keeps files of earlier builds in its output (a table a chapter no longer writes);
    the copy drops every file of ``data/`` that this build did not stage, so the published
    folder holds exactly this build's tables.  The copy is then checked: a page linking to a
    file the copy does not hold stops the publication (:mod:`infertrends.book.sitecheck`).  A failed
    build never reaches the swap, so the published site stays as it was.
    """
    for folder in (target, target.parent):  # replaced in one step: it must be this build's folder, not a link
        if folder.is_symlink():
            raise BuildError(f"refusing to publish: {folder} is a symlink (to {folder.resolve()}), and publishing "
                             "replaces it; remove the link")
    staged = {p.name for p in data.glob("*")} if data.exists() else set()
    tmp = target.parent / (target.name + ".new")
    old = target.parent / (target.name + ".old")
    for p in (tmp, old):
        if p.exists():
            shutil.rmtree(p)
    shutil.copytree(built, tmp)
    for f in (tmp / "data").glob("*") if (tmp / "data").exists() else []:
        if f.name not in staged:
            f.unlink()
    # Sphinx does not always recopy a changed static file (a stylesheet) when no page changed
    static = data.parent.parent / "_static"
    for f in static.glob("*") if static.exists() else []:
        if f.is_file():
            shutil.copy2(f, tmp / "_static" / f.name)
    broken = sitecheck.missing(tmp, later=(PDF_NAME,))  # `make pdf` prints the PDF into the published site
    if broken:
        shutil.rmtree(tmp)
        more = f" and {len(broken) - 5} more" if len(broken) > 5 else ""
        raise BuildError(f"the built site links to {len(broken)} file(s) it does not hold, so the published site was "
                         f"left as it was: " + "; ".join(broken[:5]) + more)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    if old.exists():
        shutil.rmtree(old)


def build(jobs: int = 2, force: bool = False) -> Path:
    """Execute every chapter (cached) and build the book; return the site's ``index.html``."""
    start = time.perf_counter()
    results = execute_all(jobs=jobs, force=force)
    stage(results)
    jupyter_book(SITE, JB_OUT)
    publish_site(JB_OUT / "_build" / "html", HTML, SITE / "_extra" / "data")
    index = HTML / "index.html"
    if not index.exists():
        raise BuildError(f"build finished but {index} is missing")
    log(f"book built in {time.perf_counter() - start:.1f} s")
    log(f"site: {index}")
    log(f"tables: {HTML / 'data'}")
    return index


def rerun(chapter: str, parameters: Mapping[str, Any], out: Path | None = None, html: bool = True) -> Path:
    """Rerun one chapter with other ``parameters`` into its own folder; never touches the book."""
    validate_data()
    checked = params_mod.validate(chapter, dict(parameters))
    if out is None:
        tag = "-".join(f"{k}={checked[k]}" for k in sorted(checked)) or "defaults"
        out = ROOT / "runs" / chapter / tag
    owned = outputs.claim(Path(out), f"a rerun of '{chapter}'")
    log(f"rerunning '{chapter}' with {checked or 'the default parameters'} into {owned.path}")
    try:
        result = execute(chapter, checked, out_dir=owned.sub("execution"))
        log(f"executed in {result.seconds:.1f} s" if not result.cached else "unchanged, using the cached execution")
        if html:
            site = owned.sub("site")
            owned.sub("_build")  # (claim refused any symlink already in the folder; these two are checked again)
            stage([result], site=site, root_doc=f"chapters/{chapter}")
            # links to other chapters cannot resolve in a one-chapter site: warn, do not fail
            jupyter_book(site, owned.path, strict=False)
            page = owned.path / "_build" / "html" / "chapters" / f"{chapter}.html"
            log(f"page: {page}")
    finally:
        owned.seal()  # everything in the folder now was written by this command: the next rerun may replace it
    log(f"notebook: {result.notebook}")
    log(f"tables: {result.data}")
    return owned.path


def strip_volatile(nb: dict[str, Any]) -> dict[str, Any]:
    """Drop papermill's timing metadata from an executed notebook (for committed references)."""
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb.get("cells", []):
        md = cell.get("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
    return nb


def update_references(jobs: int = 2) -> list[Path]:
    """Execute every chapter and store the executed notebooks as nbval references."""
    import nbformat

    results = execute_all(jobs=jobs)
    REFERENCES.mkdir(parents=True, exist_ok=True)
    written = []
    for r in results:
        nb = nbformat.read(r.notebook, as_version=4)
        strip_volatile(nb)
        target = REFERENCES / f"{r.chapter}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
        log(f"reference updated: {target.relative_to(ROOT)}")
    return written


def sweep(out_root: Path | None = None) -> Path:
    """Every reference workload under every named scenario, through the one energy chain.

    Writes ``<out>/<scenario>.csv`` (that scenario's rows) and ``<out>/comparison.csv`` (all rows,
    as the sensitivity chapter's table ``scenario-comparison.csv``).
    """
    import infertrends.model.scenarios as scenarios

    owned = outputs.claim(Path(out_root or ROOT / "runs" / "scenarios"), "the scenario tables")
    out_root = owned.path
    named = scenarios.scenarios()
    log(f"scenario sweep: {', '.join(named)} -> {out_root}")
    comparison = scenarios.comparison()
    try:
        for name in named:
            write_csv(comparison[comparison["scenario"] == name], owned.sub(f"{name}.csv"))
            log(f"scenario {name}: {out_root / (name + '.csv')}")
        target = owned.sub("comparison.csv")
        write_csv(comparison, target)
    finally:
        owned.seal()
    log(f"comparison: {target}")
    return target


#: The whole book as one PDF, inside the published site (linked from the intro).
PDF_NAME = "infertrends-book.pdf"

def pdf() -> Path:
    """Print the whole book into one PDF: jupyter-book's singlehtml builder over the sources that
    :func:`build` laid out, opened offline in the system Chromium (Playwright), printed once every
    chart is drawn (vector graphics), written into the published site. It opens with a table of
    contents giving the page each chapter starts on (two prints: :func:`infertrends.book.printing.print_with_contents`),
    and every page's footer prints its number."""
    import re as _re

    from playwright.sync_api import sync_playwright

    if not (SITE / "_toc.yml").exists() or not HTML.exists():
        raise BuildError("no built book to print: run `make book` (python -m infertrends build) first")
    chromium = shutil.which("chromium")
    if chromium is None:
        raise BuildError("the system Chromium is missing: `make chromium` installs Debian's")
    out = BUILD / "singlehtml"
    jupyter_book(SITE, out, strict=False, builder="singlehtml")  # the site's build already ran with -W
    page = out / "_build" / "singlehtml" / "intro.html"
    if not page.exists():
        raise BuildError(f"jupyter-book's singlehtml build wrote no {page}")
    charts = len(set(_re.findall(r'id="(altair-viz-[0-9a-f]+)"', page.read_text(encoding="utf-8"))))
    target = HTML / PDF_NAME
    tmp = target.with_suffix(".pdf.part")
    options = dict(format="A4", print_background=True, outline=True, tagged=True, display_header_footer=True,
                   header_template="<span></span>", footer_template=printing.FOOTER,
                   margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
    log(f"printing {charts} charts and the text with {chromium}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 1400})
            tab.route(_re.compile(r"^(?!file://).*"), lambda route: route.abort())  # offline
            tab.goto(page.as_uri())
            tab.wait_for_function(f"document.querySelectorAll('[role=graphics-document]').length >= {charts}",
                                  timeout=300_000)
            tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # folds, opened
            tab.emulate_media(media="print")
            tab.add_style_tag(content=printing.CONTENTS_CSS)
            printing.print_with_contents(tab, tmp, options, log)
        except printing.PrintError as e:
            raise BuildError(str(e)) from None
        finally:
            browser.close()
    tmp.replace(target)
    log(f"pdf: {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target
