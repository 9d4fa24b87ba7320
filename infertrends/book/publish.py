"""What a reader needs to cite, print and identify the book: its version on every page, a manifest of
the published CSVs, citation text and BibTeX from ``CITATION.cff``, and the whole book as one PDF.
"""

from __future__ import annotations

import csv
import hashlib
import html
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from infertrends.data import ALL_SPECS, ROOT, data_dir
from infertrends.data.schema import read_table

CITATION = ROOT / "CITATION.cff"
#: Placeholder in ``book/intro.md`` replaced by the "How to cite" text when the site is laid out.
HOW_TO_CITE = "<!-- how-to-cite -->"
#: Name of the book's BibTeX file at the site's root, and of the manifest in the data folder.
BIBTEX_NAME = "infertrends-book.bib"
MANIFEST_NAME = "manifest.csv"


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def newest_data_date() -> str:
    """The latest date of any data row (release, launch or result dates; not the dates sources were read)."""
    latest = pd.NaT
    for spec in ALL_SPECS.values():
        cols = [c.name for c in spec.columns if c.kind == "date" and c.name != "accessed"]
        if not cols:
            continue
        df = read_table(spec, data_dir() / spec.filename)
        for c in cols:
            m = df[c].max()
            if pd.notna(m) and (pd.isna(latest) or m > latest):
                latest = m
    return latest.strftime("%Y-%m-%d") if pd.notna(latest) else "unknown"


def version_info() -> dict[str, str]:
    """The commit the book is built from (``unknown`` outside a git checkout), its date, whether the
    working tree had uncommitted changes, and the date of the newest data row."""
    commit = _git("rev-parse", "HEAD") or "unknown"
    return dict(commit=commit, short=commit[:7] if commit != "unknown" else commit,
                date=_git("show", "-s", "--format=%cs", "HEAD") or "unknown",
                dirty="yes" if _git("status", "--porcelain", "--untracked-files=no") else "no",
                newest_data=newest_data_date())


def footer_html(info: dict[str, str]) -> str:
    """The line every page shows under its footer."""
    dirty = " with uncommitted changes" if info["dirty"] == "yes" else ""
    return (f'<p class="book-version">Built from commit <code>{html.escape(info["short"])}</code> of '
            f'{html.escape(info["date"])}{dirty}; newest data row {html.escape(info["newest_data"])}. '
            f'Every CSV with its rows and SHA-256: <code>data/{MANIFEST_NAME}</code>.</p>')


def manifest(files: dict[str, Path], commit: str) -> pd.DataFrame:
    """One row per published CSV: its name, data rows, SHA-256 of its bytes and the commit."""
    rows = []
    for name in sorted(files):
        raw = files[name].read_bytes()
        with open(files[name], encoding="utf-8-sig", newline="") as fh:
            n = max(sum(1 for _ in csv.reader(fh)) - 1, 0)
        rows.append(dict(file=name, rows=n, sha256=hashlib.sha256(raw).hexdigest(), commit=commit))
    return pd.DataFrame(rows, columns=["file", "rows", "sha256", "commit"])


def citation() -> dict[str, Any]:
    """``CITATION.cff`` as a dictionary."""
    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def _authors(cff: dict[str, Any]) -> list[str]:
    return [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]]


def citation_text(cff: dict[str, Any], info: dict[str, str]) -> str:
    """A plain reference to the book at this version."""
    year = str(cff["date-released"])[:4]
    return (f"{'; '.join(_authors(cff))} ({year}). *{cff['title']}* (version {cff['version']}, commit "
            f"{info['short']}).")


def bibtex(cff: dict[str, Any], info: dict[str, str]) -> str:
    """BibTeX of the book at this version."""
    year = str(cff["date-released"])[:4]
    authors = " and ".join("{" + a + "}" if "," not in a else a for a in _authors(cff))
    return ("@software{infertrends_book_" + year + ",\n"
            f"  author  = {{{authors}}},\n"
            f"  title   = {{{cff['title']}}},\n"
            f"  year    = {{{year}}},\n"
            f"  version = {{{cff['version']}}},\n"
            f"  note    = {{commit {info['commit']}}}\n"
            "}\n")


def how_to_cite_markdown(cff: dict[str, Any], info: dict[str, str]) -> str:
    """The intro's "How to cite" text, from ``CITATION.cff``."""
    refs = []
    for r in cff.get("references", []):
        names = ", ".join(f"{a['given-names']} {a['family-names']}" for a in r["authors"])
        where = r.get("journal") or (r.get("institution", {}).get("name")) or r.get("repository", "")
        extra = f", doi:{r['doi']}" if r.get("doi") else ""
        refs.append(f"- {names} ({r['year']}). *{r['title']}*. {where}{extra}.")
    return (f"{cff['message'].strip()}\n\n{citation_text(cff, info)}\n\n"
            f"```bibtex\n{bibtex(cff, info)}```\n\n"
            f'<a href="{BIBTEX_NAME}" download>Download this BibTeX ({BIBTEX_NAME})</a>; the same metadata is in '
            "the repository's `CITATION.cff`. The work it reproduces:\n\n" + "\n".join(refs) + "\n")
