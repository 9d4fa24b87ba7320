"""Chapter parameters: validated before any computation, with messages that say what is allowed."""

from __future__ import annotations

import ast
import subprocess
import sys

import jupytext
import pytest

import infertrends.book.params as params
import infertrends.book.sources as sources
import infertrends.core.parameter as parameter


def test_defaults_pass():
    for chapter in params.CHAPTERS:
        assert params.validate(chapter, params.defaults(chapter)) == params.defaults(chapter)


@pytest.mark.parametrize("values, message", [
    ({"crop": 10}, "unknown parameter 'crop' for chapter 'flop-conventions' (did you mean 'crops'?)"),
    ({"crops": 5}, "parameter 'crops' must be one of 1, 10, got 5"),
    ({"crops": "ten"}, "parameter 'crops' must be one of 1, 10, got 'ten' (str)"),
    ({"vit_g_resolution": 10}, "parameter 'vit_g_resolution' must be an integer >= 32 and <= 2048, got 10"),
    ({"vit_g_resolution": 518.5}, "must be an integer >= 32 and <= 2048, got 518.5 (float)"),
    ({"ratio_decimals": True}, "parameter 'ratio_decimals' must be an integer >= 0 and <= 10 or None"),
    ({"flops_per_multiply_add": None}, "parameter 'flops_per_multiply_add' must be one of 1, 2, got None"),
])
def test_bad_parameters_are_named(values, message):
    with pytest.raises(parameter.ParameterError) as info:
        params.validate("flop-conventions", values)
    assert message in str(info.value)


def test_unknown_chapter():
    with pytest.raises(parameter.ParameterError, match="unknown chapter 'nope'"):
        params.validate("nope", {})


@pytest.mark.parametrize("text, value", [("10", 10), ("2.5", 2.5), ("None", None), ("true", True),
                                         ("1-crop", "1-crop"), ("[1]", "[1]")])
def test_parse_value(text, value):
    assert params.parse_value(text) == value


def parameters_cell(chapter: str) -> dict[str, object]:
    nb = jupytext.read(sources.source(chapter))
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{chapter}: expected exactly one cell tagged 'parameters', found {len(cells)}"
    values = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign), f"{chapter}: the parameters cell may only hold assignments"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


@pytest.mark.parametrize("chapter", sources.chapters())
def test_parameters_cell_matches_spec(chapter):
    assert parameters_cell(chapter) == params.defaults(chapter)


@pytest.mark.parametrize("chapter", sources.chapters())
def test_chapter_checks_its_parameters(chapter):
    text = sources.source(chapter).read_text(encoding="utf-8")
    assert f'params.check("{chapter}", globals())' in text


def test_cli_rejects_bad_parameter_before_running(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "infertrends", "run", "flop-conventions", "-p", "crops", "3", "--out", str(out)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "error: parameter 'crops' must be one of 1, 10, got 3" in proc.stderr
    assert not out.exists(), "nothing may be computed or written for a bad parameter"


def test_cli_rejects_unknown_parameter(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "infertrends", "run", "flop-conventions", "-p", "resolution", "3",
         "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown parameter 'resolution'" in proc.stderr and "allowed: crops" in proc.stderr


def test_notebook_check_rejects_bad_values():
    with pytest.raises(parameter.ParameterError, match="'crops'"):
        params.check("flop-conventions", {**params.defaults("flop-conventions"), "crops": 2})


def test_cli_text_parameters_stay_text():
    assert params.parse_cli("hardware", [("exclude_fp32", "none"), ("start_year", "2014")]) == {
        "exclude_fp32": "none", "start_year": 2014}
    assert params.parse_cli("flop-conventions", [("ratio_decimals", "none")]) == {"ratio_decimals": None}


@pytest.mark.parametrize("chapter, values, message", [
    ("energy", {"utilisation": float("nan")}, "parameter 'utilisation' must be a finite number"),
    ("cv-compute", {"similar_flops_ratio": float("nan")}, "parameter 'similar_flops_ratio' must be a finite number"),
    ("energy", {"pue": float("inf")}, "parameter 'pue' must be a finite number"),
    ("hardware", {"start_year": 2018, "end_year": 2014}, "parameter 'start_year' (2018) must not be after 'end_year'"),
    ("energy", {"gpu": "T4"}, "parameter 'gpu' only applies with hardware_model 'named-gpu'"),
    ("energy", {"hardware_model": "named-gpu", "gpu": "A100", "precision": "fp32"},
     "parameter 'gpu' ('A100') has no fp32 point"),
])
def test_impossible_values_and_pairs_are_refused_before_running(chapter, values, message):
    with pytest.raises(parameter.ParameterError) as info:
        params.validate(chapter, values)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["100000", "1e5", "100000.0", "1E5"])
def test_integers_in_any_spelling(text):
    assert params.validate("sensitivity", {"draws": params.parse_value(text)}) == {"draws": 100000}


def test_cli_refuses_nan_before_any_kernel(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "infertrends", "run", "energy", "-p", "utilisation", "NaN",
                           "--out", str(tmp_path / "run"), "--no-html"], capture_output=True, text=True)
    assert proc.returncode == 2 and "must be a finite number" in proc.stderr
    assert not (tmp_path / "run").exists()  # nothing was started or written


def test_parameters_cells_have_no_equals_in_comments():
    """papermill's parameter inference stops at an '=' in a comment ('Unable to parse line ...')."""
    for chapter in sources.chapters():
        nb = jupytext.read(sources.source(chapter))
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        for line in cell.source.splitlines():
            assert "=" not in line.partition("#")[2], f"{chapter}: '=' in a comment of the parameters cell: {line}"


#: A chapter reads as prose with short cells: no code cell longer than this many non-blank lines.
MAX_CELL_LINES = 30


@pytest.mark.parametrize("chapter", sources.chapters())
def test_code_cells_are_short(chapter):
    nb = jupytext.read(sources.source(chapter))
    long = [(i, n) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for n in [sum(1 for line in c.source.splitlines() if line.strip())] if n > MAX_CELL_LINES]
    assert not long, f"{chapter}: code cells (index, non-blank lines) longer than {MAX_CELL_LINES}: {long}"
