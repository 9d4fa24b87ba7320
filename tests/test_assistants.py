"""One question to an assistant: the published figures as printed, converted to the chain's boundaries by hand, the
verdicts, the 2022-2026 bounds, and the chain's physics along tokens and batch."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import data_copy_with

import infertrends.data as data
import infertrends.model.assistants as assistants
from infertrends.data.schema import DataError

#: Each figure as its quote prints it, read off the quote by hand (Google's narrow figure is printed as 10,000
#: prompts per kWh: 1,000 Wh / 10,000 = 0.10 Wh).
PRINTED = {"Google 2025, comprehensive": ("0.24 Wh", 0.24),
           "Google 2025, existing approach": ("10,000 prompts per kWh", 0.10),
           "OpenAI 2025": ("0.34 watt-hours", 0.34), "Epoch AI 2025, typical query": ("0.3 watt-hours", 0.3),
           "Epoch AI 2025, 10k-token input": ("2.4 watt-hours", 2.4),
           "Jegham et al. 2025, GPT-4o, short": ("0.423", 0.423),
           "Jegham et al. 2025, GPT-4o, medium": ("1.215", 1.215),
           "Jegham et al. 2025, GPT-4o, long": ("2.875", 2.875)}


def test_every_figure_is_the_one_its_quote_prints():
    d = assistants.disclosures().set_index("disclosure")
    assert set(d.index) == set(PRINTED)
    for name, (words, value) in PRINTED.items():
        assert words in d.loc[name, "quote"], name
        assert d.loc[name, "wh_per_prompt"] == pytest.approx(value), name


def test_conversions_by_hand():
    side = assistants.side_by_side(64).set_index(["disclosure", "boundary"])["compared_wh"]
    # Google: 0.24 Wh x 58 / (58 + 25 + 10 + 8) and x (58 + 25) / 101 (the printed shares add to 101 %)
    assert side["Google 2025, comprehensive", "accelerator"] == pytest.approx(0.24 * 58 / 101)
    assert side["Google 2025, comprehensive", "node"] == pytest.approx(0.24 * 83 / 101)
    assert side["Google 2025, existing approach", "accelerator"] == pytest.approx(0.10)
    # a facility figure with its own PUE: Epoch 0.3 / 1.2, Jegham 0.423 / 1.12 (their 0.37 Wh without overhead)
    assert side["Epoch AI 2025, typical query", "node"] == pytest.approx(0.25)
    assert side["Jegham et al. 2025, GPT-4o, short", "node"] == pytest.approx(0.3777, abs=1e-4)
    # no boundary stated: beside all three, as printed; nothing is compared at the facility with the book's PUE
    assert [side["OpenAI 2025", b] for b in ("accelerator", "node", "facility")] == [0.34] * 3
    assert {b for (_, b) in side.index if _ != "OpenAI 2025"} <= {"accelerator", "node"}


def test_a_facility_figure_without_split_or_pue_is_not_compared():
    row = pd.Series({"wh_per_prompt": 1.0, "boundary": "facility", "pue": float("nan")})
    assert assistants.converted(row) == []


@pytest.mark.parametrize("value, expected", [(0.5, ("above", 1.25)), (0.05, ("below", 2.0)), (0.2, ("inside", 1.0)),
                                             (0.1, ("inside", 1.0)), (0.4, ("inside", 1.0))])
def test_verdict(value, expected):
    word, factor = assistants.verdict(value, 0.1, 0.4)
    assert word == expected[0] and factor == pytest.approx(expected[1])


def test_then_and_now_bounds_are_the_ends_of_both_intervals():
    est = assistants.estimates(64)
    node = est[est["boundary"] == "node"].set_index(["configuration", "question"])
    tn = assistants.then_and_now(64, "node").set_index(["question_2026", "against_2022"])
    first, last, short = assistants.CONFIGS[0].label, assistants.CONFIGS[-1].label, assistants.QUESTIONS[0].name
    for (q26, q22), r in tn.iterrows():
        now, then = node.loc[(last, q26)], node.loc[(first, q22)]
        assert r["ratio"] == pytest.approx(now["wh"] / then["wh"])
        assert r["ratio_low"] == pytest.approx(now["low"] / then["high"])
        assert r["ratio_high"] == pytest.approx(now["high"] / then["low"])
    assert (short, short) in tn.index


def test_more_output_tokens_cost_more_and_a_larger_batch_no_more():
    """Physics: every decode step adds energy; sharing a step's weight reads among more questions never costs more
    per question (until the batch no longer fits, where the batch used stops growing)."""
    tokens = assistants.sweep("output_tokens", [100, 1000, 10000], 64)
    for _, g in tokens.groupby("configuration"):
        # 100 times the output tokens: at least 10 times the energy (the decode steps outgrow the prefill)
        assert g["wh"].is_monotonic_increasing and g["wh"].iloc[-1] > 10 * g["wh"].iloc[0]
    batches = assistants.sweep("batch", [1, 8, 64], 64)
    for _, g in batches.groupby("configuration"):
        assert (g["wh"].diff().dropna() <= 1e-12).all(), g


def test_shares_that_do_not_add_up_are_refused_at_their_cell(tmp_path, monkeypatch):
    def more_host(rows):
        rows[0]["share_host"] = "45"  # 58 + 45 + 10 + 8 = 121 %

    monkeypatch.setenv("INFERTRENDS_DATA_DIR", str(data_copy_with(tmp_path, "extension/disclosures.csv", more_host)))
    with pytest.raises(DataError, match=re.escape("disclosures.csv:2: column 'share_accelerator'")):
        data.load_extension("disclosures")


def test_the_command_line_offers_the_questions_as_presets():
    import json

    from conftest import run_estimate

    import infertrends.book.cli as cli

    assert cli.QUESTION_PRESETS == tuple(q.key for q in assistants.QUESTIONS)
    case = ["--accelerator", "NVIDIA H200 SXM", "--count", "8", "--precision", "fp8", "--batch", "64",
            "--params-billions", "671", "--active-params-billions", "37", "--boundary", "node", "--json"]
    # the chapter's questions, written out by hand: 500 in and 400 out; 10,000 and 500; 500 and 5,000
    for key, (i, o) in {"short-chat": (500, 400), "long-context": (10000, 500), "reasoning": (500, 5000)}.items():
        preset = run_estimate("--question", key, *case)
        by_hand = run_estimate("--workload", "llm-query", "--input-tokens", str(i), "--output-tokens", str(o), *case)
        assert preset.returncode == by_hand.returncode == 0, preset.stderr
        assert json.loads(preset.stdout) == json.loads(by_hand.stdout)


@pytest.mark.parametrize("clash", [["--output-tokens", "9"], ["--workload", "vision"]])
def test_a_preset_with_its_own_tokens_or_another_workload_is_refused(clash):
    from conftest import run_estimate

    proc = run_estimate("--question", "reasoning", *clash, "--accelerator", "A100", "--precision", "fp16",
                        "--params-billions", "7", "--boundary", "node")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--question reasoning" in proc.stderr
    assert proc.stdout == ""


def test_the_calculator_offers_the_questions_as_presets(html):
    """The calculator's data has the per-query rows of each question, with its tokens (written here by hand), and
    every link of the chapter that opens the calculator on a question names one it offers."""
    calc = pd.read_csv(html / "data" / "calculator.csv")
    tokens = {"short-chat": "(500 in, 400 out)", "long-context": "(10,000 in, 500 out)",
              "reasoning": "(500 in, 5,000 out)"}
    for key, shown in tokens.items():
        units = set(calc.loc[calc["question"] == key, "unit"])
        assert units == {f"query {shown}"}, key
    page = (html / "chapters" / "assistants.html").read_text(encoding="utf-8")
    linked = re.findall(r'href="sensitivity\.html\?q=([^"#&]+)#fig-calculator"', page)
    assert sorted(linked) == sorted(tokens)
