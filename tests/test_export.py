"""Published tables: byte-stable CSV and numbered MyST tables."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import infertrends.present.export as export


@pytest.fixture
def frame():
    return pd.DataFrame({"model": ["a|b", "c"], "gflops": [1.0 / 3, 2.5],
                         "date": pd.to_datetime(["2020-01-02", "2021-03-04"])})


def test_csv_is_byte_stable(tmp_path, frame):
    a = export.write_csv(frame, tmp_path / "a.csv").read_bytes()
    b = export.write_csv(frame.copy(), tmp_path / "b.csv").read_bytes()
    assert a == b
    assert a.decode() == "model,gflops,date\na|b,0.3333333333,2020-01-02\nc,2.5,2021-03-04\n"


def test_show_table_publishes_and_links(tmp_path, monkeypatch, frame):
    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))
    md = export.show_table(frame, "demo-table", "A caption.", formats={"gflops": ".2f"}).data
    assert (tmp_path / "demo-table.csv").exists()
    assert md.startswith("```{table} A caption.\n:name: tbl-demo-table\n")
    assert "| a\\|b | 0.33 | 2020-01-02 |" in md
    assert 'href="../data/demo-table.csv"' in md


def test_table_names_are_checked(tmp_path, monkeypatch, frame):
    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="lower-case"):
        export.publish(frame, "Bad Name")


def test_key_columns_are_marked_on_the_table_directive(tmp_path, monkeypatch):
    # the narrow-screen view: the first column always, the named ones by position; a wrong name is refused
    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))
    df = pd.DataFrame({"Model": ["a"], "x": [1.0], "(thesis)": [2.0], "y": [3.0], "(thesis) ": [4.0]})
    df.columns = ["Model", "x", "(thesis)", "y", "(thesis)"]  # two columns may share a header: then by position
    text = export.show_table(df, "keys", "Caption.", key=["y", 4]).data
    assert ":class: key-cols kc-0 kc-3 kc-4\n\n|" in text
    assert ":class:" not in export.show_table(df, "nokeys", "Caption.").data
    with pytest.raises(ValueError, match="not columns"):
        export.show_table(df, "bad", "Caption.", key=["z"])
    with pytest.raises(ValueError, match="not columns"):
        export.show_table(df, "bad", "Caption.", key=[5])


def test_a_long_collapsed_table_counts_its_rows_with_separators(tmp_path, monkeypatch):
    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))
    text = export.show_table(pd.DataFrame({"n": range(1368)}), "long", "Every row (all).", collapsed=True).data
    assert text.startswith("````{dropdown} Every row (1,368 rows)")


def test_a_caption_with_a_role_gets_a_colon_fence(tmp_path, monkeypatch):
    # CommonMark: the first line of a backtick fence cannot contain a backtick, so a {ref} in a caption would
    # end the table directive and lose its label (a build warning under -W)
    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))
    df = pd.DataFrame({"a": [1]})
    assert export.show_table(df, "plain", "A caption.").data.startswith("```{table} A caption.")
    text = export.show_table(df, "role", "From {ref}`[50] <x>`.").data
    assert text.startswith(":::{table} From {ref}`[50] <x>`.\n:name: tbl-role") and "\n:::\n" in text


# --- Long plain tables as HTML (book/_ext/html_table.py) --------------------------------------------------------

def _html_table():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "book" / "_ext" / "html_table.py"
    spec = importlib.util.spec_from_file_location("html_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _markdown_cell(text: str) -> str:
    """What MyST's parser (markdown-it with tables and dollar maths) makes of ``text`` in a table cell."""
    import re

    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
    out = md.render(f"| h |\n|:---|\n| {text} |\n")
    return re.search(r"<td[^>]*>(.*)</td>", out, re.S).group(1)


@given(st.text(alphabet="ab1 _-*[]()`<>&$~!\\|:.,#x%", max_size=12))
@example("_ab_")
@example("a *b* c")
@example("$x$ and a_b_c")
@example(r"a \| b")
@settings(max_examples=300, deadline=None)
def test_a_cell_called_plain_renders_in_markdown_as_itself(text):
    """The independent truth is markdown-it (the parser MyST uses): where export.plain says a cell is plain text,
    Markdown renders it as the escaped text the html-table directive writes."""
    import html

    cell = text.strip().replace("|", "\\|")
    if cell and export.plain(f"| {cell} |"):
        assert _markdown_cell(cell) == html.escape(cell.replace("\\|", "|"), quote=False)


def test_html_table_rows_by_hand():
    t = _html_table()
    assert t.cells(r"| a \| b | <c> |") == ["a | b", "<c>"]
    out = t.to_html(["| Name | J |", "|:---|---:|", "| a & b | 1,234 |", "| c | 5 |"])
    assert '<th class="head text-left">Name</th><th class="head text-right">J</th>' in out
    assert '<tr class="row-even"><td class="text-left">a &amp; b</td><td class="text-right">1,234</td></tr>' in out
    assert '<tr class="row-odd"><td class="text-left">c</td>' in out
    with pytest.raises(ValueError, match="row 0 has 1 cells, the header 2"):
        t.to_html(["| a | b |", "|:---|:---|", "| x |"])


def test_only_long_plain_tables_are_written_as_html(tmp_path, monkeypatch):
    monkeypatch.setenv("INFERTRENDS_EXPORT_DIR", str(tmp_path))
    n = export.HTML_TABLE_ROWS + 1  # 31 rows
    long = pd.DataFrame({"system": [f"x_{i}" for i in range(n)], "j": range(n)})
    assert "```{html-table} Long." in export.show_table(long, "long", "Long.").data
    marked = long.assign(system=[f"*x{i}*" for i in range(n)])  # emphasis: MyST must render it
    assert "```{table} Long." in export.show_table(marked, "marked", "Long.").data
    assert "```{table} Short." in export.show_table(long.head(n - 1), "short", "Short.").data
