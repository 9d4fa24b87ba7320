"""Validated loaders of every data file, and the one validation of all of them before any chapter runs."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from infertrends.data.extension_tables import EXTENSION_SPECS
from infertrends.data.generated import MLPERF_SPECS, RECOUNT_SPECS
from infertrends.data.schema import TableSpec, read_table
from infertrends.data.tables import SPECS, data_dir


def load(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Load and validate the input table ``name`` (see :data:`SPECS`)."""
    if name not in SPECS:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(SPECS)}")
    spec = SPECS[name]
    return _load_cached(name, str(directory or data_dir()), _mtime(spec, directory)).copy()


def _mtime(spec: TableSpec, directory: Path | None) -> float:
    """The file's modification time in ns (0 if it is missing): one system call, no path objects, as
    :func:`version` asks it of every data file on every remembered call."""
    try:
        return os.stat(os.path.join(directory or data_dir(), spec.filename)).st_mtime_ns
    except FileNotFoundError:
        return 0


@cache
def _load_cached(name: str, directory: str, mtime: float) -> pd.DataFrame:
    """A table read once per version of its file (every file of :data:`ALL_SPECS`)."""
    spec = ALL_SPECS[name]
    return read_table(spec, Path(directory) / spec.filename)


def _read(name: str) -> pd.DataFrame:
    """A copy of the table ``name`` (any data file), read once per version of its file."""
    spec = ALL_SPECS[name]
    return _load_cached(name, str(data_dir()), _mtime(spec, None)).copy()


def vision() -> pd.DataFrame:
    """Table A.3 with a ``year`` column added."""
    df = load("vision")
    df["year"] = df["release_date"].dt.year
    return df


def language() -> pd.DataFrame:
    """Table A.4 with a ``year`` column added (without ``plausibility_exception``, a note for the schema's bounds)."""
    df = load("language").drop(columns=["plausibility_exception"])
    df["year"] = df["release_date"].dt.year
    return df


def gpus() -> pd.DataFrame:
    """Table B.1."""
    return load("gpus")


def ngc() -> pd.DataFrame:
    """Table B.2."""
    return load("ngc")


#: Names the thesis's result tables (4.1, 5.2, 5.3) print differently from Table A.3.
TABLE_A3_NAMES = {"GoogleLeNet": "Inception V1/GoogleLeNet"}


def table_a3_name(printed_name: str) -> str:
    """The Table A.3 name of a model as a later thesis table prints it."""
    return TABLE_A3_NAMES.get(printed_name, printed_name)


def printed(source: str | None = None) -> pd.DataFrame:
    """The thesis's printed derived numbers, optionally for one ``source`` (e.g. ``"Eq. A.3"``)."""
    df = load("thesis_printed")
    if source is not None:
        df = df[df["source"] == source]
    return df.reset_index(drop=True)


def printed_value(source: str, key: str, quantity: str) -> str:
    """One printed number, as text (to keep its printed digits)."""
    df = load("thesis_printed")
    hit = df[(df["source"] == source) & (df["key"] == key) & (df["quantity"] == quantity)]
    if len(hit) != 1:
        raise KeyError(f"no printed value for source={source!r} key={key!r} quantity={quantity!r}")
    return str(hit["thesis"].iloc[0])


def external(key: str) -> pd.Series:
    """One sourced value from outside the thesis (``value``, ``low``, ``high``, ``source_url``, ...)."""
    rows = _external_rows(str(data_dir()), _mtime(SPECS["external_values"], None))
    if key not in rows:
        raise KeyError(f"no external value {key!r}; known: {', '.join(rows)}")
    return rows[key].copy()


@cache
def _external_rows(directory: str, mtime: float) -> dict[str, pd.Series]:
    """The rows of ``external_values.csv`` by key, indexed once per version of the file (the energy chain asks
    for them about a hundred thousand times in a build; indexing the table each time took minutes)."""
    df = _load_cached("external_values", directory, mtime).set_index("key")
    return {key: df.loc[key] for key in df.index}

def version() -> tuple[str, tuple[int, ...]]:
    """The version of the data: its folder and every data file's modification time (0 for a missing file)."""
    root = data_dir()
    return str(root), tuple(_mtime(spec, root) for spec in ALL_SPECS.values())


F = TypeVar("F", bound=Callable[..., Any])


def _copy(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value.copy() if isinstance(value, (pd.DataFrame, pd.Series, dict, list)) else value


def per_data_version(fn: F) -> F:
    """Remember ``fn``'s results per version of the data (:func:`version`) and arguments, for pure functions of
    the data that the energy chain asks for thousands of times.  Frames, series, lists and dicts (also inside a
    tuple) are returned as copies, so a caller changing one changes nothing for the next; unhashable arguments
    are not remembered."""
    store: dict[tuple, Any] = {}

    @functools.wraps(fn)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = (version(), args, tuple(sorted(kwargs.items())))
        try:
            hit = key in store
        except TypeError:  # an unhashable argument (a list, a dict): computed each time
            return fn(*args, **kwargs)
        if not hit:
            store[key] = fn(*args, **kwargs)
        return _copy(store[key])

    remembered.cache_clear = store.clear  # type: ignore[attr-defined]
    return remembered  # type: ignore[return-value]


#: Every data file: the thesis's tables, the extension's, the recount, then the MLPerf import.
ALL_SPECS: dict[str, TableSpec] = {**SPECS, **EXTENSION_SPECS, **RECOUNT_SPECS, **MLPERF_SPECS}


def validate_all() -> None:
    """Validate every data file once, before any chapter runs; raise one :class:`DataError` listing each
    problem once as ``file:line: column 'c': value 'v': problem``.

    First the book's own reader, :func:`infertrends.data.schema.read_table`, reads every file completely: UTF-8
    text, the exact header, the CSV structure, each cell's type, range, pattern and plausibility bound,
    unique keys and the rules between the cells of a row (:mod:`infertrends.data.plausibility`).  A structural
    fault is one line, never a flood, and the count of problems is exact.  Only when every file is clean
    does ``frictionless`` check the data package (:mod:`infertrends.data.package`), adding what needs several
    files (foreign keys) and anything its standard reading finds beside.
    """
    import infertrends.data.package as package
    from infertrends.data.schema import DataError, Problem

    root = data_dir()
    missing = [root / s.filename for s in ALL_SPECS.values() if not (root / s.filename).exists()]
    if missing:
        raise DataError(root, [Problem(p, 1, "<file>", "", "file not found") for p in missing])
    problems = []
    for spec in ALL_SPECS.values():
        try:
            read_table(spec, root / spec.filename)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(root, problems)
    package.validate(root, ALL_SPECS)


def load_extension(name: str) -> pd.DataFrame:
    """Load and validate an extension table, with ``origin = "extension"``."""
    if name not in EXTENSION_SPECS:
        raise KeyError(f"unknown extension table {name!r}; known: {', '.join(EXTENSION_SPECS)}")
    df = _read(name)
    df["origin"] = "extension"
    return df


def load_recount(name: str = "recount") -> pd.DataFrame:
    """Load and validate a file of the committed recount (``data/recount/``; no PyTorch needed)."""
    if name not in RECOUNT_SPECS:
        raise KeyError(f"unknown recount table {name!r}; known: {', '.join(RECOUNT_SPECS)}")
    return _read(name)


def load_mlperf(name: str = "mlperf_power") -> pd.DataFrame:
    """Load and validate a file of the committed MLPerf import (``data/mlperf/``; no snapshot needed)."""
    if name not in MLPERF_SPECS:
        raise KeyError(f"unknown MLPerf table {name!r}; known: {', '.join(MLPERF_SPECS)}")
    return _read(name)


def load_any(name: str) -> pd.DataFrame:
    """Load and validate any data file by its table name (thesis, extension, recount or MLPerf import)."""
    if name in SPECS:
        return load(name)
    if name in EXTENSION_SPECS:
        return load_extension(name)
    if name not in ALL_SPECS:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(ALL_SPECS)}")
    spec = ALL_SPECS[name]
    return read_table(spec, data_dir() / spec.filename)
