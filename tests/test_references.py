"""The build's execution of each chapter against its committed reference notebook (``tests/references/``).

The references are executions made on purpose (``make update-references``), each chapter in a kernel started
the usual way; the build forks its kernels from a warm process and runs chapters after one another.  Every
output of every code cell must be the same, character for character, once the masks of ``tests/sanitize.cfg``
(altair's random element ids) are applied: what nbval's re-execution compared, without executing every chapter
a second time, and stricter (nbval skips output metadata and execution counts).
"""

from __future__ import annotations

import configparser
import hashlib
import json
import re

import pytest

from infertrends.book import sources
from infertrends.book.execute import content_hash

CHAPTERS = sources.chapters()


def _masks(root) -> list[tuple[re.Pattern[str], str]]:
    cfg = configparser.ConfigParser()
    cfg.read(root / "tests" / "sanitize.cfg", encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _outputs(path, masks) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    out = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        text = json.dumps(cell.get("outputs", []), sort_keys=True, indent=1, ensure_ascii=False)
        for pattern, replace in masks:
            text = pattern.sub(replace, text)
        out.append(text)
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_build_reproduces_the_reference_outputs(root, chapter):
    built = sources.CACHE / chapter / f"{chapter}.ipynb"
    stamp = sources.CACHE / chapter / "hash.txt"
    assert built.exists() and stamp.exists(), f"{chapter} has not been executed: run `make book`"
    assert stamp.read_text(encoding="utf-8").split("\n")[0] == content_hash(chapter, {}), (
        f"the build's execution of {chapter} is older than its inputs: run `make book`")
    masks = _masks(root)
    ref = _outputs(root / "tests" / "references" / f"{chapter}.ipynb", masks)
    got = _outputs(built, masks)
    assert len(got) == len(ref), f"{chapter}: {len(got)} code cells, the reference has {len(ref)}"
    for i, (g, r) in enumerate(zip(got, ref)):
        if g != r:
            first = next((k for k, (a, b) in enumerate(zip(g, r)) if a != b), min(len(g), len(r)))
            pytest.fail(f"{chapter}, code cell {i}: outputs differ from tests/references/{chapter}.ipynb near "
                        f"character {first}:\n  built:     {g[max(0, first - 80):first + 120]!r}\n"
                        f"  reference: {r[max(0, first - 80):first + 120]!r}\n"
                        "(if the change is intended: `make update-references`, with the reason in the commit)")


def test_a_changed_output_is_caught(root, tmp_path):
    """The comparison can fail: one changed digit in a reference output is found."""
    masks = _masks(root)
    ref = root / "tests" / "references" / "flop-conventions.ipynb"
    nb = json.loads(ref.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and c.get("outputs"))
    text = json.dumps(cell["outputs"])
    digit = re.search(r"\d", text)
    assert digit is not None
    cell["outputs"] = json.loads(text[:digit.start()] + str((int(digit.group()) + 1) % 10) + text[digit.end():])
    changed = tmp_path / "changed.ipynb"
    changed.write_text(json.dumps(nb), encoding="utf-8")
    assert _outputs(changed, masks) != _outputs(ref, masks)
    assert _outputs(ref, masks) == _outputs(ref, masks)


def test_masks_hide_only_altair_ids(root):
    masks = _masks(root)
    assert [m[0].pattern for m in masks] == [r"altair-viz-[0-9a-f]{32}"]


def _table_hashes(root) -> dict[tuple[str, str], str]:
    path = root / "tests" / "references" / "tables.csv"
    assert path.exists(), "no tests/references/tables.csv: run `make update-references`"
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    return {(chapter, table): digest for chapter, table, digest in rows}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_build_writes_the_reference_tables_byte_for_byte(root, html, chapter):
    """Every table a chapter wrote in the build (in a kernel forked from a warm process, after other chapters),
    and its published copy, has the SHA-256 of the same table written by the reference execution (the chapter
    alone, in a kernel started the usual way): the tables are byte-identical from the same inputs, however the
    chapter was run."""
    want = {table: digest for (c, table), digest in _table_hashes(root).items() if c == chapter}
    data = sources.CACHE / chapter / "data"
    got = {t.name: hashlib.sha256(t.read_bytes()).hexdigest() for t in data.glob("*.csv")}
    assert sorted(got) == sorted(want), f"{chapter} wrote {sorted(got)}, the reference execution {sorted(want)}"
    changed = [t for t in got if got[t] != want[t]]
    assert not changed, (f"{chapter}: {changed} differ from the reference execution's "
                         "(if intended: `make update-references`, with the reason in the commit)")
    published = [t for t in got if hashlib.sha256((html / "data" / t).read_bytes()).hexdigest() != got[t]]
    assert not published, f"{chapter}: the published copies of {published} differ from the tables it wrote"


def test_every_chapter_has_reference_tables(root):
    assert {c for c, _ in _table_hashes(root)} == set(CHAPTERS)
