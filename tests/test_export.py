"""Published tables: byte-stable CSV and numbered MyST tables."""

from __future__ import annotations

import pandas as pd
import pytest

import infertrends.export as export


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
