"""A small, explicit schema check for the CSV files in ``data/``.

Why not pandera?  Its errors name the DataFrame index, not the line of the CSV
file a person has to fix, and it adds a heavy dependency for a handful of rules.
Here every cell is parsed from the raw text with :mod:`csv`, so each problem is
reported as ``file:line: column 'c': value 'v': what is wrong``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import pandas as pd

Kind = Literal["str", "float", "int", "date", "enum"]

#: How many problems one error message lists before it stops.
MAX_REPORTED = 20


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

    def allowed_text(self) -> str:
        """Human-readable statement of the allowed values (for errors and the data dictionary)."""
        parts: list[str] = []
        if self.kind == "enum":
            parts.append("one of " + ", ".join(f"`{a}`" if a else "empty" for a in self.allowed))
        elif self.kind == "date":
            parts.append("ISO date YYYY-MM-DD")
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
    """A rule between cells of one row, which Table Schema cannot express (``column``: the cell an error names)."""

    column: str
    holds: Callable[[pd.Series], bool]
    message: str


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


def _parse_cell(col: Column, text: str) -> tuple[Any, str | None]:
    """Parse one cell; return ``(value, problem or None)``."""
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
            return pd.Timestamp(dt.date.fromisoformat(text)), None
        except ValueError:
            return None, "is not a valid calendar date"
    if col.kind == "enum":
        if text not in col.allowed:
            return None, "is not allowed; expected " + col.allowed_text()
        return text, None
    if col.pattern and not re.fullmatch(col.pattern, text):
        return None, f"does not match the pattern {col.pattern}"
    return text, None


def read_table(spec: TableSpec, path: Path) -> pd.DataFrame:
    """Read ``path`` as ``spec`` says, or raise :class:`DataError` naming each bad cell."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"data file for table '{spec.name}' not found: {path}")
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is read, not taken for part of the first column
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        bad = raw[err.start:err.start + 1].hex()
        raise DataError(path, [Problem(path, line, "<file>", f"0x{bad}", "is not UTF-8 text: save the file as "
                                       "UTF-8")]) from None
    import io

    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(path, [Problem(path, 1, "<header>", "", "file is empty")]) from None
        expected = spec.column_names
        if header != expected:
            missing = [c for c in expected if c not in header]
            unknown = [c for c in header if c not in expected]
            detail = []
            if missing:
                detail.append("missing columns " + ", ".join(missing))
            if unknown:
                detail.append("unknown columns " + ", ".join(unknown))
            if not detail:
                detail.append("columns out of order; expected " + ",".join(expected))
            raise DataError(path, [Problem(path, 1, "<header>", ",".join(header), "; ".join(detail))])
        seen: dict[tuple[Any, ...], int] = {}
        line_start = reader.line_num + 1
        for row in reader:
            line = line_start
            line_start = reader.line_num + 1
            if not row:
                problems.append(Problem(path, line, "<row>", "", "blank line"))
                continue
            if len(row) != len(expected):
                problems.append(
                    Problem(path, line, "<row>", ",".join(row),
                            f"has {len(row)} cells, expected {len(expected)}")
                )
                continue
            record: dict[str, Any] = {}
            for col, text in zip(spec.columns, row):
                value, problem = _parse_cell(col, text)
                if problem:
                    problems.append(Problem(path, line, col.name, text, problem))
                record[col.name] = value
            key = tuple(record[k] for k in spec.key)
            if key in seen:
                problems.append(
                    Problem(path, line, "+".join(spec.key), " | ".join(map(str, key)),
                            f"duplicates the key of line {seen[key]}")
                )
            else:
                seen[key] = line
            records.append(record)
            lines.append(line)
    if not records and not problems:
        problems.append(Problem(path, 2, "<row>", "", "the file has a header but no data rows"))
    if problems:
        raise DataError(path, problems)
    frame = pd.DataFrame.from_records(records, columns=expected)
    for col in spec.columns:
        if col.kind == "float":
            frame[col.name] = frame[col.name].astype("float64")
        elif col.kind == "int":
            frame[col.name] = frame[col.name].astype("float64" if frame[col.name].isna().any() else "int64")
        elif col.kind == "date":
            frame[col.name] = pd.to_datetime(frame[col.name])
        else:
            frame[col.name] = frame[col.name].astype(object)
    problems = [Problem(path, line, rule.column, _text(row[rule.column]), rule.message)
                for rule in spec.rules for line, (_, row) in zip(lines, frame.iterrows()) if not rule.holds(row)]
    if problems:
        raise DataError(path, problems)
    frame.attrs["source_file"] = str(path)
    frame.attrs["source_lines"] = lines
    return frame


def _text(value: Any) -> str:
    """A parsed cell as it reads in the file: ``41``, not pandas' ``41.0`` of an integer column with gaps."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def data_dictionary(spec: TableSpec) -> str:
    """Markdown table documenting the columns of ``spec`` (kept in ``data/README.md``)."""
    rows = ["| column | unit | meaning | allowed values |", "|---|---|---|---|"]
    for c in spec.columns:
        rows.append(f"| `{c.name}` | {c.unit or '-'} | {c.description} | {c.allowed_text()} |")
    return "\n".join(rows)
