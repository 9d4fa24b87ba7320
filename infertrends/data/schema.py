"""A small, explicit schema check for the CSV files in ``data/``.

Why not pandera?  Its errors name the DataFrame index, not the line of the CSV
file a person has to fix, and it adds a heavy dependency for a handful of rules.
Here every cell is parsed from the raw text with :mod:`csv`, so each problem is
reported as ``file:line: column 'c': value 'v': what is wrong``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import pandas as pd

Kind = Literal["str", "float", "int", "date", "enum"]

#: How many problems one error message lists before it stops.
MAX_REPORTED = 20


def today() -> dt.date:
    """The build's date: no date cell may be later (tests monkeypatch this function)."""
    return dt.date.today()


class DataError(ValueError):
    """A data file broke its schema.  ``problems`` holds one entry per bad cell."""

    def __init__(self, path: Path, problems: list["Problem"]):
        self.path = path
        self.problems = problems
        shown = problems[:MAX_REPORTED]
        lines = [str(p) for p in shown]
        if len(problems) > len(shown):
            lines.append(f"... and {len(problems) - len(shown)} more problems")
        super().__init__(f"invalid data in {path}:\n  " + "\n  ".join(lines))


@dataclass(frozen=True)
class Problem:
    """One bad cell (or header) in a data file."""

    path: Path
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: column '{self.column}': value '{self.value}': {self.message}"


@dataclass(frozen=True)
class Column:
    """One column: its type, whether it may be empty and the values it allows."""

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = True
    positive: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] = ()
    pattern: str | None = None
    earliest: tuple[str, str] | None = None  # a date column's earliest plausible date (ISO) and why

    def allowed_text(self) -> str:
        """Human-readable statement of the allowed values (for errors and the data dictionary)."""
        parts: list[str] = []
        if self.kind == "enum":
            parts.append("one of " + ", ".join(f"`{a}`" if a else "empty" for a in self.allowed))
        elif self.kind == "date":
            parts.append("ISO date YYYY-MM-DD")
            if self.earliest:
                parts.append(f"not before {self.earliest[0]} ({self.earliest[1]})")
            parts.append("not after the build date")
        elif self.kind in ("float", "int"):
            parts.append("integer" if self.kind == "int" else "number")
            if self.positive:
                parts.append("> 0")
            if self.minimum is not None:
                parts.append(f">= {self.minimum:g}")
            if self.maximum is not None:
                parts.append(f"<= {self.maximum:g}")
        else:
            parts.append("text")
            if self.pattern:
                parts.append(f"matching `{self.pattern}`")
        if not self.required:
            parts.append("may be empty")
        return ", ".join(parts)


@dataclass(frozen=True)
class RowRule:
    """A rule between cells of one row, which Table Schema cannot express (``column``: the cell an error names;
    ``message``: text, or a function of the row that says what is wrong with it)."""

    column: str
    holds: Callable[[pd.Series], bool]
    message: str | Callable[[pd.Series], str]

    def why(self, row: pd.Series) -> str:
        """The problem with ``row`` (which breaks the rule)."""
        return self.message(row) if callable(self.message) else self.message


@dataclass(frozen=True)
class TableSpec:
    """A data file: its name, columns, the columns that identify a row and rules between cells of a row."""

    name: str
    filename: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    rules: tuple[RowRule, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _parse_cell(col: Column, text: str, latest: dt.date | None = None) -> tuple[Any, str | None]:
    """Parse one cell; return ``(value, problem or None)`` (``latest``: the latest date allowed, default today)."""
    if text.strip() != text:
        return None, "has leading or trailing spaces"
    if text == "":
        if col.required:
            return None, "is missing (the column is required)"
        return (math.nan if col.kind in ("float", "int") else (pd.NaT if col.kind == "date" else "")), None
    if col.kind in ("float", "int"):
        try:
            value: Any = int(text) if col.kind == "int" else float(text)
        except ValueError:
            return None, f"is not {'an integer' if col.kind == 'int' else 'a number'}"
        if isinstance(value, float) and not math.isfinite(value):
            return None, "is not a finite number"
        if col.positive and value <= 0:
            return None, "must be > 0"
        if col.minimum is not None and value < col.minimum:
            return None, f"must be >= {col.minimum:g}"
        if col.maximum is not None and value > col.maximum:
            return None, f"must be <= {col.maximum:g}"
        return value, None
    if col.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return None, "is not an ISO date YYYY-MM-DD"
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            return None, "is not a valid calendar date"
        latest = latest or today()
        if date > latest:
            return None, f"is after the build date {latest.isoformat()}: a date in the data cannot be in the future"
        if col.earliest and date < dt.date.fromisoformat(col.earliest[0]):
            return None, f"is before {col.earliest[0]}: {col.earliest[1]}"
        return pd.Timestamp(date), None
    if col.kind == "enum":
        if text not in col.allowed:
            return None, "is not allowed; expected " + col.allowed_text()
        return text, None
    if col.pattern and not re.fullmatch(col.pattern, text):
        return None, f"does not match the pattern {col.pattern}"
    return text, None


#: The problem of a line whose quote never closes (reported once; reading goes on at the next line).
UNCLOSED_QUOTE = ('a quoted cell opens on this line and is never closed (a `"` inside a quoted cell is written '
                  '`""`)')


class _Lines:
    """The physical lines of a text, with how many a CSV reader has taken (so reading can restart)."""

    def __init__(self, text: str):
        self.lines = io.StringIO(text, newline="").readlines()
        self.taken = 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.taken >= len(self.lines):
            raise StopIteration
        self.taken += 1
        return self.lines[self.taken - 1]


def _opens_quote(line: str) -> bool:
    """Whether ``line`` on its own leaves a quoted cell open at its end."""
    try:
        next(csv.reader([line], strict=True), None)
    except csv.Error as err:
        return "unexpected end of data" in str(err)
    return False


def _rows(text: str, width: int) -> Iterator[tuple[int, list[str], str]]:
    """Each row of ``text`` as ``(first line, cells, "")``; a broken one as ``(line, [its text], why)``.

    A quote that never closes would swallow the lines after it into one cell: it is reported once, at
    the line it opens on, and reading restarts on the next line (so no follow-on errors).  A row over
    several lines with ``width`` cells is a quoted cell holding a line break, which is allowed.
    """
    src = _Lines(text)
    reader = csv.reader(src, strict=True)
    while True:
        start = src.taken + 1
        error = ""
        try:
            row: list[str] | None = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            row, error = None, str(err)
        if row is not None and (src.taken == start or len(row) == width):
            yield start, row, ""
            continue
        line = src.lines[start - 1].rstrip("\r\n")
        if _opens_quote(src.lines[start - 1]):
            yield start, [line], UNCLOSED_QUOTE
        elif "expected after" in error:
            yield start, [line], ('has text after the closing quote of a cell (a `"` inside a quoted cell is '
                                  'written `""`)')
        else:
            yield start, [line], f"is not valid CSV ({error})"
        src.taken = start
        reader = csv.reader(src, strict=True)


def _decode(path: Path) -> str:
    """The text of ``path`` (UTF-8; a byte-order mark is read, not taken for part of the first column)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        bad = raw[err.start:err.start + 1].hex()
        raise DataError(path, [Problem(path, line, "<file>", f"0x{bad}", "is not UTF-8 text: save the file as "
                                       "UTF-8")]) from None


def _header_problem(path: Path, header: list[str], expected: list[str]) -> Problem | None:
    """The one problem of a header that is not exactly ``expected`` (missing, unknown or reordered columns)."""
    if header == expected:
        return None
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    detail = []
    if missing:
        detail.append("missing columns " + ", ".join(missing))
    if unknown:
        detail.append("unknown columns " + ", ".join(unknown))
    if not detail:
        detail.append("columns out of order; expected " + ",".join(expected))
    return Problem(path, 1, "<header>", ",".join(header), "; ".join(detail))


def _typed(spec: TableSpec, records: list[dict[str, Any]]) -> pd.DataFrame:
    """The parsed cells as a frame with one dtype per column kind (a cell that did not parse is missing)."""
    frame = pd.DataFrame.from_records(records, columns=spec.column_names)
    for col in spec.columns:
        if col.kind == "float":
            frame[col.name] = frame[col.name].astype("float64")
        elif col.kind == "int":
            frame[col.name] = frame[col.name].astype("float64" if frame[col.name].isna().any() else "int64")
        elif col.kind == "date":
            frame[col.name] = pd.to_datetime(frame[col.name])
        else:
            frame[col.name] = frame[col.name].astype(object)
    return frame


def _rule_problems(spec: TableSpec, path: Path, frame: pd.DataFrame, lines: list[int], cells: list[list[str]],
                   skip: set[int]) -> list[Problem]:
    """The rules broken by rows whose cells all parsed (lines not in ``skip``; ``cells``: each row as written),
    at most one per cell: the first rule (in the spec's order) that cell breaks."""
    out: list[Problem] = []
    if not spec.rules:
        return out
    index = {name: i for i, name in enumerate(spec.column_names)}
    for line, texts, (_, row) in zip(lines, cells, frame.iterrows()):
        if line in skip:
            continue
        named: set[str] = set()
        for rule in spec.rules:
            if rule.column not in named and not rule.holds(row):
                named.add(rule.column)
                out.append(Problem(path, line, rule.column, texts[index[rule.column]], rule.why(row)))
    return out


def _short(text: str, size: int = 60) -> str:
    """``text`` cut to ``size`` characters (a broken line can hold a whole row of notes)."""
    return text if len(text) <= size else text[:size] + "..."


def read_table(spec: TableSpec, path: Path) -> pd.DataFrame:
    """Read ``path`` as ``spec`` says, or raise :class:`DataError` naming every problem once.

    A problem of the file's structure is one line: a file that is not UTF-8, a header other than the
    spec's columns (then nothing else is read), a quote that never closes, a row with too many or too
    few cells, a repeated key (at the later line, naming the earlier), a header without rows.  Every
    other problem is a cell: its type, range, pattern or plausibility bound (dates: not after
    :func:`today`), then the spec's rules between the cells of each row whose cells all parsed.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"data file for table '{spec.name}' not found: {path}")
    expected = spec.column_names
    rows = _rows(_decode(path), len(expected))
    first = next(rows, None)
    if first is None:
        raise DataError(path, [Problem(path, 1, "<header>", "", "file is empty")])
    if first[2]:
        raise DataError(path, [Problem(path, 1, "<header>", _short(first[1][0]), first[2])])
    header_problem = _header_problem(path, first[1], expected)
    if header_problem:
        raise DataError(path, [header_problem])
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    cells: list[list[str]] = []
    bad: set[int] = set()
    seen: dict[tuple[Any, ...], int] = {}
    latest = today()
    for line, row, why in rows:
        if why:
            problems.append(Problem(path, line, "<row>", _short(row[0]), why))
            continue
        if not row:
            problems.append(Problem(path, line, "<row>", "", "blank line"))
            continue
        if len(row) != len(expected):
            problems.append(Problem(path, line, "<row>", ",".join(row),
                                    f"has {len(row)} cells, expected {len(expected)}"))
            continue
        record: dict[str, Any] = {}
        for col, text in zip(spec.columns, row):
            value, problem = _parse_cell(col, text, latest)
            if problem:
                problems.append(Problem(path, line, col.name, text, problem))
                bad.add(line)
            record[col.name] = value
        key = tuple(record[k] for k in spec.key)
        if key in seen:
            problems.append(Problem(path, line, "+".join(spec.key), " | ".join(map(str, key)),
                                    f"duplicates the key of line {seen[key]}"))
        elif not any(v is None for v in key):
            seen[key] = line
        records.append(record)
        lines.append(line)
        cells.append(row)
    if not records and not problems:
        problems.append(Problem(path, 2, "<row>", "", "the file has a header but no data rows"))
    frame = _typed(spec, records)
    problems += _rule_problems(spec, path, frame, lines, cells, bad)
    if problems:
        raise DataError(path, sorted(problems, key=lambda p: p.line))
    frame.attrs["source_file"] = str(path)
    frame.attrs["source_lines"] = SourceLines(lines)
    return frame


class SourceLines(tuple):
    """The file line of each row, kept in ``DataFrame.attrs``.  Immutable, so a deep copy is the object itself:
    pandas deep-copies ``attrs`` on every operation, and copying a list of a thousand lines each time made
    reading the tables the slowest part of the energy chapters."""

    def __deepcopy__(self, memo: dict) -> SourceLines:
        return self


def data_dictionary(spec: TableSpec) -> str:
    """Markdown table documenting the columns of ``spec`` (kept in ``data/README.md``)."""
    rows = ["| column | unit | meaning | allowed values |", "|---|---|---|---|"]
    for c in spec.columns:
        rows.append(f"| `{c.name}` | {c.unit or '-'} | {c.description} | {c.allowed_text()} |")
    return "\n".join(rows)
