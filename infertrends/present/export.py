"""Publishing tables: byte-stable CSV files plus a numbered, captioned table on the page.

Chapters call :func:`show_table`; the CSV lands in the export folder (set by the
build through ``INFERTRENDS_EXPORT_DIR``) and the build copies it to the site's
``data/`` folder, where the page links to it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

import infertrends.core.numbers as numbers
from IPython.display import Markdown

from infertrends.data import ROOT

#: Float format for exported CSVs: 10 significant digits keeps every value
#: exact to far beyond the inputs' precision and hides last-bit noise.
FLOAT_FORMAT = "%.10g"

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def export_dir() -> Path:
    """Folder the current run writes its CSV tables to (created if missing)."""
    path = Path(os.environ.get("INFERTRENDS_EXPORT_DIR", ROOT / "build" / "interactive" / "data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as UTF-8 CSV with ``\\n`` line ends, no index and :data:`FLOAT_FORMAT`."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = out.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    path.write_text(text, encoding="utf-8")
    return path


def publish(df: pd.DataFrame, name: str) -> Path:
    """Write ``df`` to ``<export dir>/<name>.csv`` and return the path."""
    if not NAME.fullmatch(name):
        raise ValueError(f"table name {name!r} must be lower-case letters, digits, '-' or '_'")
    return write_csv(df, export_dir() / f"{name}.csv")


_DECIMALS = re.compile(r"^\.\d+[fg]$")


def _cell(value: object, fmt: str | Callable[[object], str] | None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if fmt is None:
        text = str(value)
    elif callable(fmt):
        text = fmt(value)
    else:  # thousands separators in every table ("1,039.7991"); a count or a year is formatted "d", not touched
        text = numbers.fmt(value, "," + fmt if _DECIMALS.match(fmt) else fmt)
    return text.replace("|", "\\|")


def markdown_table(df: pd.DataFrame, formats: Mapping[str, str | Callable[[object], str]] | None = None) -> str:
    """A pipe table of ``df`` with per-column ``formats`` (format specs or callables)."""
    formats = dict(formats or {})
    header = "| " + " | ".join(str(c) for c in df.columns) + " |"
    align = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(df[c]) else ":---" for c in df.columns) + "|"
    body = [
        "| " + " | ".join(_cell(v, formats.get(c)) for c, v in zip(df.columns, row)) + " |"
        for row in df.itertuples(index=False)
    ]
    return "\n".join([header, align, *body])


#: Tables longer than this (the long tables, which the page gives a filter box: book/_static/table-filter.js) whose
#: cells are all plain text are written by the book's ``{html-table}`` directive (book/_ext/html_table.py): the
#: same numbered table, its rows one HTML node instead of a node per cell (the site's HTML build 11.4 s -> 10.3 s
#: at 30 rows, against 300 rows, which takes only the MLPerf table of every power result).
HTML_TABLE_ROWS = 30
#: What Markdown (with the book's dollar maths) may render as other than itself: escapes, code, emphasis, links,
#: HTML and entities, maths; an underscore only where it is not between two letters or digits.
_MARKUP = re.compile(r"\\(?!\|)|[`*\[\]<>&$~!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def plain(line: str) -> bool:
    """Whether every cell of a pipe-table line renders in Markdown as its own text (``\\|`` is a cell's ``|``)."""
    return not _MARKUP.search(line.strip().strip("|"))


def show_table(
    df: pd.DataFrame,
    name: str,
    caption: str,
    formats: Mapping[str, str | Callable[[object], str]] | None = None,
    export: pd.DataFrame | None = None,
    data_href: str = "../data",
    collapsed: bool = False,
    key: Sequence[str | int] | None = None,
) -> Markdown:
    """Publish a table as CSV and return it as a numbered MyST table with a download link.

    ``df`` is what the page shows; ``export`` (default ``df``) is what the CSV
    holds, so the CSV can keep full precision and extra provenance columns.
    The table's label is ``tbl-<name>`` for ``{numref}``.  ``collapsed`` puts a long table in a
    dropdown the reader opens.  ``key`` names the columns (or their positions) a narrow screen shows first, the
    first column always among them; the page's script shows the others behind a button
    (``book/_static/table-tools.js``).
    """
    publish(export if export is not None else df, name)
    table = markdown_table(df, formats)
    directive = "html-table" if len(df) > HTML_TABLE_ROWS and all(map(plain, table.split("\n"))) else "table"
    link = f'<a class="download-csv" href="{data_href}/{name}.csv" download>Download this table as CSV ({name}.csv)</a>'
    fence = ":::" if "`" in caption else "```"  # a backtick fence's first line cannot hold a role's backticks
    text = f"{fence}{{{directive}}} {caption}\n:name: tbl-{name}\n:align: center\n{_class_line(key_columns(df, key))}\n{table}\n{fence}\n"
    if collapsed:
        text = f"````{{dropdown}} {caption.split(' (')[0].rstrip('.')} ({len(df):,} rows)\n\n{text}````\n"
    return Markdown(f"{text}\n{link}\n")


def _class_line(classes: str) -> str:
    return f":class: {classes}\n" if classes else ""


def key_columns(df: pd.DataFrame, key: Sequence[str | int] | None) -> str:
    """The classes that mark the ``key`` columns of ``df`` (names, or positions where two columns share a name)
    for ``book/_static/table-tools.js``: "key-cols kc-0 kc-4", or "" without ``key``."""
    if not key:
        return ""
    names = list(df.columns)
    bad = [k for k in key if not (k in names if isinstance(k, str) else 0 <= k < len(names))]
    if bad:
        raise ValueError(f"key columns {bad} are not columns of the table ({names})")
    where = sorted({0, *(k if isinstance(k, int) else names.index(k) for k in key)})
    return "key-cols " + " ".join(f"kc-{i}" for i in where)


def show_trends(summary: pd.DataFrame, name: str, caption: str) -> Markdown:
    """A table of trends from :func:`infertrends.core.fits.summary`: readable on the page, complete in the CSV."""
    from infertrends.present.trendtext import display_summary

    shown, formats = display_summary(summary)
    key = [c for c in shown.columns if c == "×/year" or str(c).startswith("Doubling")]
    return show_table(shown, name, caption, formats=formats, export=summary, key=key)
