"""The whole build and what else runs chapters: execute every chapter (cached), lay out the site, build it with
jupyter-book and publish it in one step; rerun one chapter with other parameters into its own folder; store the
nbval references; sweep the named scenarios.

The steps are in :mod:`~infertrends.book.execute` and :mod:`~infertrends.book.site`; the PDF is
:func:`infertrends.book.printing.pdf`.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any, Mapping

import infertrends.book.outputs as outputs
import infertrends.book.params as params_mod
import infertrends.book.sitecheck as sitecheck
from infertrends.book.execute import execute, execute_all, validate_data
from infertrends.book.printing import PDF_NAME
from infertrends.book.site import jupyter_book, stage
from infertrends.book.sources import HTML, JB_OUT, REFERENCES, ROOT, SITE, BuildError, log
from infertrends.present.export import write_csv


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
    executed = time.perf_counter()
    stage(results)
    staged = time.perf_counter()
    jupyter_book(SITE, JB_OUT)
    html = time.perf_counter()
    publish_site(JB_OUT / "_build" / "html", HTML, SITE / "_extra" / "data")
    index = HTML / "index.html"
    if not index.exists():
        raise BuildError(f"build finished but {index} is missing")
    end = time.perf_counter()
    log(f"book built in {end - start:.1f} s (data validated and chapters executed {executed - start:.1f} s, "
        f"site laid out {staged - executed:.1f} s, HTML {html - staged:.1f} s, published {end - html:.1f} s)")
    log(f"site: {index}")
    log(f"tables: {HTML / 'data'}")
    return index


def rerun(chapter: str, parameters: Mapping[str, Any], out: Path | None = None, html: bool = True) -> Path:
    """Rerun one chapter with other ``parameters`` into its own folder; never touches the book.  Its kernel is
    forked from a warm process started first, which imports while the data is validated."""
    from infertrends.book.warm import start_zygote

    checked = params_mod.validate(chapter, dict(parameters))
    if out is None:
        tag = "-".join(f"{k}={checked[k]}" for k in sorted(checked)) or "defaults"
        out = ROOT / "runs" / chapter / tag
    what = f"a rerun of '{chapter}'"
    outputs.check(Path(out), what)  # a refused folder is refused at once, before any work
    start_zygote()
    validate_data()
    owned = outputs.claim(Path(out), what)
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


#: The SHA-256 of every table the reference executions wrote, by chapter (``make update-references``).
TABLE_HASHES = REFERENCES / "tables.csv"


def update_references(jobs: int = 2) -> list[Path]:
    """Execute every chapter again, each alone in a kernel started the usual way (not forked from a warm
    process), and store the executed notebooks and the SHA-256 of every table they wrote
    (:data:`TABLE_HASHES`) as the references the build's executions are compared with."""
    import hashlib

    import nbformat

    results = execute_all(jobs=jobs, force=True, warm=False)
    REFERENCES.mkdir(parents=True, exist_ok=True)
    written = []
    hashes = []
    for r in results:
        nb = nbformat.read(r.notebook, as_version=4)
        strip_volatile(nb)
        target = REFERENCES / f"{r.chapter}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
        log(f"reference updated: {target.relative_to(ROOT)}")
        hashes += [(r.chapter, t.name, hashlib.sha256(t.read_bytes()).hexdigest())
                   for t in sorted(r.data.glob("*.csv"))]
    lines = ["chapter,table,sha256", *(",".join(h) for h in hashes)]
    TABLE_HASHES.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log(f"reference updated: {TABLE_HASHES.relative_to(ROOT)} ({len(hashes)} tables)")
    return [*written, TABLE_HASHES]


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
