"""Property-based tests (hypothesis): whatever a user types or a data file holds, the book answers with a
result or one clear error; never a traceback, never a non-finite number printed, never a write outside the
folders a command may use. Seeded (``derandomize``), so a failure is reproducible."""

from __future__ import annotations

import csv
import io
import math
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infertrends.book.cli as cli
import infertrends.book.outputs as outputs
import infertrends.book.params as params
import infertrends.core.parameter as parameter
import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.chain as chain
from infertrends.data.schema import DataError, read_table

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Numbers as a user might type them: ordinary, huge, tiny, zero, negative, non-finite, not a number.
NUMBER_TEXT = st.one_of(
    st.floats(min_value=1e-3, max_value=1e5).map(repr), st.integers(min_value=1, max_value=4096).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10, max_value=10**6).map(str),
    st.sampled_from(["1e300", "1e-300", "1e308", "0", "-1", "nan", "inf", "-inf", "NaN", "1,5", "", "two", "1e999"]),
)
NON_FINITE = re.compile(r"(?<![\w.])-?(?:nan|inf|infinity)(?![\w])", re.I)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 2
    return code, out.getvalue(), err.getvalue()


OPTIONS = ["--gflops", "--params-billions", "--active-params-billions", "--input-tokens", "--output-tokens",
           "--batch", "--count", "--tensor-parallel", "--peak-tflops", "--bandwidth-gbs", "--memory-gb",
           "--tdp-watts", "--idle-watts", "--power-cap-watts", "--layers", "--kv-heads", "--head-dim"]


@st.composite
def estimate_args(draw) -> list[str]:
    argv = ["estimate", "--workload", draw(st.sampled_from(chain.WORKLOADS)),
            "--accelerator",
            draw(st.sampled_from([*accelerators.accelerator_names()[:6], "custom", "H100 SXM", "nope"])),
            "--precision", draw(st.sampled_from(chain.PRECISIONS)),
            "--boundary", draw(st.sampled_from(chain.BOUNDARIES)),
            "--method", draw(st.sampled_from(["sourced", "calibrated"]))]
    for option in draw(st.lists(st.sampled_from(OPTIONS), max_size=5, unique=True)):
        argv += [f"{option}={draw(NUMBER_TEXT)}"]
    if draw(st.booleans()):
        argv.append("--json")
    return argv


@SETTINGS
@given(argv=estimate_args())
def test_estimate_answers_or_refuses_in_one_line(argv):
    code, out, err = run_cli(argv)
    assert code in (0, 2), (argv, code, err)
    echoed = re.sub(r"'[^']*'", "", err)  # an error may quote what was typed ('nan'); nothing else is non-finite
    assert "Traceback" not in err and NON_FINITE.findall(out + echoed) == [], (argv, out, err)
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)
    else:
        assert err == "" and out.strip(), argv


@SETTINGS
@given(chapter=st.sampled_from(sorted(params.CHAPTERS)), data_=st.data())
def test_chapter_parameters_are_accepted_or_refused_in_one_line(chapter, data_):
    names = sorted(params.CHAPTERS[chapter]) + ["crop", "start-year", ""]
    pairs = data_.draw(st.lists(st.tuples(st.sampled_from(names), st.one_of(NUMBER_TEXT, st.text(max_size=12))),
                                max_size=3))
    try:
        checked = params.validate(chapter, params.parse_cli(chapter, [list(p) for p in pairs]))
    except parameter.ParameterError as err:
        assert "\n" not in str(err) and str(err)
        return
    for value in checked.values():  # what a kernel would receive: never a non-finite number
        assert not (isinstance(value, float) and not math.isfinite(value)), (pairs, checked)


#: Cell texts a hand-edited CSV might hold.
CELL = st.one_of(NUMBER_TEXT, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
                 st.sampled_from(["2099-01-01", "1900-01-01", "2013-02-30", "2020-06-01", " 5", "1e21", "Yes"]))


@SETTINGS
@given(cells=st.lists(CELL, min_size=len(data.VISION.columns), max_size=len(data.VISION.columns)),
       keep=st.lists(st.integers(0, len(data.VISION.columns) - 1), max_size=len(data.VISION.columns)))
def test_a_data_row_is_read_right_or_named_in_errors(tmp_path_factory, cells, keep):
    """A row of vision.csv whose cells are random (some kept from a real row): either the file is read and every
    number in it is finite and plausible, or each problem names file, line, column and value."""
    src = data.data_dir() / data.VISION.filename
    rows = list(csv.reader(src.open(encoding="utf-8", newline="")))
    row = list(rows[1])
    for i in set(range(len(row))) - set(keep):
        row[i] = cells[i]
    row[0] = row[0] + " (new)"  # a new key
    path = tmp_path_factory.mktemp("d") / "vision.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([*rows, row])
    try:
        frame = read_table(data.VISION, path)
    except DataError as err:
        for problem in err.problems:
            # (>=: a bare carriage return in a cell ends a line of the file)
            assert problem.path == path and problem.line >= len(rows) + 1 and problem.message, problem
        return
    new = frame.iloc[-1]
    for column in ("top1_accuracy", "params_millions", "gflops"):
        assert math.isfinite(new[column]) and new[column] > 0
    assert 2 <= new["gflops"] * 1e3 / new["params_millions"] <= 2e6  # the physical bounds of a vision model
    assert new["release_date"].year >= 2009 and new["release_date"] <= __import__("pandas").Timestamp.now()


@SETTINGS
@given(parts=st.lists(st.sampled_from(["a", "b", "link-to-site", "link-to-data", "link-out", "..", "."]),
                      min_size=1, max_size=4))
def test_an_output_folder_never_lands_in_the_book_or_outside_what_was_asked(tmp_path_factory, parts):
    sandbox = tmp_path_factory.mktemp("out")
    root = data.ROOT
    (sandbox / "link-to-site").symlink_to(root / "book", target_is_directory=True)
    (sandbox / "link-to-data").symlink_to(root / "data", target_is_directory=True)
    (sandbox / "link-out").symlink_to(sandbox.parent, target_is_directory=True)
    before = sorted(p.name for p in (root / "book").iterdir()), sorted(p.name for p in (root / "data").iterdir())
    target = Path(sandbox, *parts)
    try:
        owned = outputs.claim(target, "a test")
    except outputs.OutputError as err:
        assert "\n" not in str(err)
    else:
        assert owned.path == target.resolve()
        assert not any(owned.path == p or p in owned.path.parents for p in outputs.protected())
    after = sorted(p.name for p in (root / "book").iterdir()), sorted(p.name for p in (root / "data").iterdir())
    assert after == before
