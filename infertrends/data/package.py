"""The data as a Frictionless data package: one Table Schema per CSV, generated from the book's schemas.

``descriptor()`` writes what the tables' schemas declare (types, units, required, keys, enums,
ranges, patterns, foreign keys) in the Data Package v2 vocabulary, so a reader can validate a
download with standard tools (``frictionless validate datapackage.json``).  ``validate()`` runs the
``frictionless`` library over the data and reports each problem once as
``file:line: column 'c': value 'v': problem``.  ``infertrends.data.loaders.validate_all`` runs it only after the
book's own reader (:mod:`infertrends.data.schema`) found every file clean, so it adds what needs several
files (foreign keys); rules the vocabulary cannot express (no leading or trailing spaces, the exact
column order, the plausibility bounds between cells and the latest date) stay in the schema module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infertrends.data.schema import Column, DataError, Problem, TableSpec

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

TYPES = {"str": "string", "float": "number", "int": "integer", "date": "date", "enum": "string"}

#: Errors frictionless reports before it stops (its default is 1000): every one, so counts are exact.
LIMIT_ERRORS = 10**9

#: Columns whose every value must be a row of another table: (table, column) -> (table, column).
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("measurements", "accelerator"): ("accelerator_specs", "accelerator"),
    ("vit_g_gflops", "model"): ("vision", "model"),
}


def field(col: Column) -> dict[str, Any]:
    """One Table Schema field for a column."""
    desc = col.description + (f" (unit: {col.unit})" if col.unit and col.unit != "-" else "")
    out: dict[str, Any] = {"name": col.name, "type": TYPES[col.kind], "description": desc}
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.kind == "enum":
        constraints["enum"] = [a for a in col.allowed if a]  # an empty cell is a missing value, not an enum value
    if col.positive:
        constraints["exclusiveMinimum"] = 0
    if col.minimum is not None:
        constraints["minimum"] = col.minimum
    if col.maximum is not None:
        constraints["maximum"] = col.maximum
    if col.kind == "date" and col.earliest:
        constraints["minimum"] = col.earliest[0]
    if col.pattern:
        constraints["pattern"] = col.pattern
    if constraints:
        out["constraints"] = constraints
    return out


def resource(spec: TableSpec, path: str, foreign: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """One resource: the CSV at ``path`` with its schema."""
    schema: dict[str, Any] = {"$schema": SCHEMA_PROFILE, "fields": [field(c) for c in spec.columns],
                              "primaryKey": list(spec.key), "missingValues": [""]}
    fks = [{"fields": col, "reference": {"resource": ref, "fields": ref_col}}
           for col, (ref, ref_col) in foreign.items() if ref != spec.name]
    if fks:
        schema["foreignKeys"] = fks
    return {"$schema": RESOURCE_PROFILE, "name": spec.name.replace("_", "-"), "path": path, "title": spec.title,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            # stated, not sniffed: a sample of long quoted notes can make a reader guess another delimiter
            "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}, "schema": schema}


def descriptor(specs: dict[str, TableSpec], path_of=lambda spec: spec.filename) -> dict[str, Any]:
    """The data package of ``specs``, each resource at ``path_of(spec)`` relative to the descriptor."""
    resources = []
    for spec in specs.values():
        foreign = {col: (ref.replace("_", "-"), ref_col) for (table, col), (ref, ref_col) in FOREIGN_KEYS.items()
                   if table == spec.name and ref in specs}
        resources.append(resource(spec, path_of(spec), foreign))
    return {"$schema": PACKAGE_PROFILE, "name": "infertrends-data",
            "title": "Compute and energy trends of deep-learning inference: the book's input data",
            "description": "The thesis's tables as printed and the sourced extension, each column typed, with "
                           "units in its description. See data/README.md for provenance.",
            "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
            "resources": resources}


def write(target: Path, specs: dict[str, TableSpec], path_of=lambda spec: spec.filename) -> Path:
    """Write ``datapackage.json`` into ``target`` (a folder)."""
    target.mkdir(parents=True, exist_ok=True)
    out = target / "datapackage.json"
    out.write_text(json.dumps(descriptor(specs, path_of), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def problems(package: dict[str, Any], basepath: Path) -> list[Problem]:
    """Every problem ``frictionless`` finds in ``package`` (paths relative to ``basepath``), as the book
    reports problems: ``file:line: column 'c': value 'v': problem``, each once."""
    import frictionless

    report = frictionless.Package(package, basepath=str(basepath)).validate(limit_errors=LIMIT_ERRORS)
    paths = {r["name"]: basepath / r["path"] for r in package["resources"]}
    out: list[Problem] = []
    for task in report.tasks:
        path = paths.get(task.name, basepath)
        for err in task.errors:
            line = getattr(err, "row_number", None) or 1
            column = getattr(err, "field_name", None) or "<row>"
            cell = getattr(err, "cell", None)
            out.append(Problem(path, int(line), str(column), "" if cell is None else str(cell), _message(err)))
    for err in report.errors:
        out.append(Problem(basepath, 1, "<package>", "", f"{err.title.lower()}: {err.note}"))
    return list(dict.fromkeys(out))  # each once


def _message(err: Any) -> str:
    """A frictionless error in the book's words (the schema module's), falling back to its own."""
    import re

    note = str(err.note)
    if err.type == "constraint-error":
        m = re.match(r'constraint "(\w+)" is "(.*)"$', note)
        if m:
            name, bound = m.groups()
            return {"exclusiveMinimum": f"must be > {bound}", "minimum": f"must be >= {bound}",
                    "maximum": f"must be <= {bound}", "exclusiveMaximum": f"must be < {bound}",
                    "required": "is missing (the column is required)", "pattern": f"does not match the pattern {bound}",
                    "enum": f"is not allowed; expected one of {bound}"}.get(name, note)
    if err.type == "type-error":
        return f"is not a valid {getattr(err, 'field_type', 'value')} ({note})"
    if err.type == "primary-key":
        return "duplicates the key of another row"
    return f"{err.title.lower()}: {note}"


def validate(data_dir: Path, specs: dict[str, TableSpec]) -> None:
    """Validate the data files with ``frictionless``; raise one :class:`DataError` listing every problem."""
    found = problems(descriptor(specs), data_dir)
    if found:
        raise DataError(data_dir, found)
