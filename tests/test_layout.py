"""The package's layout shows its architecture: parts (subpackages) stacked in one order, imports only going down.

Read from the sources with ``ast`` (every import, at the top of a module or inside a function), so the checks hold
for code that only runs sometimes:

* every module belongs to one of the parts :data:`infertrends.LAYERS` names, and the parts on disk are those;
* a module imports only from its own part and the parts below it, never from one above; the package's
  ``__init__`` imports nothing, ``__main__`` only the command line (and the start-up every process does first);
* no import circle between modules, and no module imports the ``__init__`` of its own part;
* no module is longer than :data:`MAX_LINES` lines, and each opens with a docstring saying what it is for;
* the chapters import only public modules (and public names of them) that exist.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import jupytext
import pytest

import infertrends

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "infertrends"
CHAPTERS = ROOT / "book" / "chapters"
MAX_LINES = 400
#: The parts, from the bottom (none in a package without them: every check below then says what is missing).
LAYERS: tuple[str, ...] = tuple(getattr(infertrends, "LAYERS", ()))


def module_name(path: Path) -> str:
    """``infertrends/core/fits.py`` -> ``infertrends.core.fits``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str) -> str | None:
    """The package's module an import names: itself if it is one, else the module that holds the name."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> dict[str, int]:
    """Every module of the package that ``module`` imports, with the first line that imports it."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1 packages
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            # ``from infertrends.model import mlperf`` imports the module; ``from infertrends.data import ROOT``
            # a name of the module (here the part's __init__)
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for name in names:
            target = resolve(name) if name.split(".")[0] == "infertrends" else None
            if target and target != module:
                out.setdefault(target, node.lineno)
    return out


GRAPH = {m: imports(m) for m in MODULES}


def layer(module: str) -> str | None:
    """The part a module belongs to (``infertrends.model.chain`` -> ``model``); None for the package's top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else None


def test_every_module_belongs_to_a_declared_part():
    on_disk = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert sorted(LAYERS) == on_disk, "infertrends.LAYERS must name exactly the subpackages"
    loose = [m for m in MODULES if layer(m) is None and m not in ("infertrends", "infertrends.__main__")]
    assert not loose, f"modules outside every part (move each into one of {LAYERS}): {loose}"


def test_the_package_docstring_draws_the_parts_in_order():
    drawn = re.findall(r"^    ([a-z]+) {2,}\S", infertrends.__doc__ or "", flags=re.M)
    assert drawn == list(reversed(LAYERS)), f"the diagram lists {drawn}, LAYERS is {LAYERS}"


def test_imports_only_go_down():
    order = {name: i for i, name in enumerate(LAYERS)}
    upward = []
    for module, targets in GRAPH.items():
        if module == "infertrends.__main__":
            upward += [f"{module} imports {t}" for t in targets
                       if t not in ("infertrends.book.cli", "infertrends.book.startup")]
            continue
        if module == "infertrends":
            upward += [f"infertrends/__init__.py imports {t}" for t in targets]
            continue
        for target, line in targets.items():
            if layer(target) not in order or layer(module) not in order or order[layer(target)] > order[layer(module)]:
                upward.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {module} ({layer(module)}) imports "
                              f"{target} ({layer(target)})")
    assert not upward, "imports that go up:\n" + "\n".join(upward)


def test_no_module_imports_the_init_of_its_own_part():
    inward = [f"{m} imports {t}" for m, targets in GRAPH.items() for t in targets
              if MODULES[t].name == "__init__.py" and m.startswith(t + ".")]
    assert not inward, "a part's __init__ gathers its modules; they import each other directly:\n" + "\n".join(inward)


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle():
    assert not cycles(GRAPH), f"modules that import each other, directly or around a circle: {cycles(GRAPH)}"


def test_the_circle_check_finds_a_circle():
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_is_short_and_says_what_it_is_for(module):
    text = MODULES[module].read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines; split it by what its parts do (at most {MAX_LINES})"
    doc = ast.get_docstring(ast.parse(text))
    assert doc and doc.strip(), f"{module} opens with no docstring saying what it is for"


def chapter_imports(chapter: Path) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) of every ``infertrends`` import in the chapter's code cells."""
    out = []
    for cell in jupytext.read(chapter).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                out += [(a.name, []) for a in node.names if a.name.split(".")[0] == "infertrends"]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "infertrends":
                out.append((node.module, [a.name for a in node.names]))
    return out


@pytest.mark.parametrize("chapter", sorted(p.stem for p in CHAPTERS.glob("*.md")))
def test_chapters_import_public_modules_that_exist(chapter):
    found = chapter_imports(CHAPTERS / f"{chapter}.md")
    assert found, f"{chapter}: imports nothing of infertrends"
    for module, names in found:
        assert not any(part.startswith("_") for part in module.split(".")), f"{chapter}: private module {module}"
        assert importlib.util.find_spec(module) is not None, f"{chapter}: no module {module}"
        loaded = importlib.import_module(module)
        for name in names:
            assert not name.startswith("_"), f"{chapter}: private name {module}.{name}"
            assert hasattr(loaded, name) or importlib.util.find_spec(f"{module}.{name}"), \
                f"{chapter}: {module} has no {name}"
