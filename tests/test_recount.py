"""The committed recount (data/recount, written by `make recount` with PyTorch) checked without PyTorch:
written by the current scripts, one row per row of Table A.3, and counts that agree with hand
calculations from the papers' architecture tables."""

from __future__ import annotations

import csv
import json

import pytest

import infertrends.data as data
import infertrends.thesis.recount as recount
import infertrends.thesis.scaling as scaling
from recount.count import script_hash
from recount.models import MATCHES, UNMATCHED


def rows() -> dict[tuple[str, str], dict[str, str]]:
    with open(data.data_dir() / "recount" / "recount.csv", encoding="utf-8", newline="") as fh:
        return {(r["model"], r["extra_data"]): r for r in csv.DictReader(fh)}


def test_committed_recount_was_written_by_the_current_scripts():
    meta = json.loads((data.data_dir() / "recount" / "recount.json").read_text(encoding="utf-8"))
    assert meta["script_sha256"] == script_hash(), (
        "recount/models.py or recount/count.py changed since data/recount was written: run `make recount`")


def test_every_row_of_table_a3_is_recounted_or_explained():
    a3 = data.vision()
    rc = rows()
    assert len(rc) == len(a3)
    for model, extra in zip(a3["model"], a3["extra_data"]):
        r = rc[(model, extra)]
        if model in UNMATCHED:
            assert r["gflops"] == "" and r["notes"] == UNMATCHED[model]
        else:
            assert float(r["gflops"]) > 0 and r["device"] == "meta"
    counted = sum(1 for r in rc.values() if r["gflops"])
    assert counted == int((~a3["model"].isin(list(UNMATCHED))).sum())
    assert counted >= 75  # most of Table A.3's 94 rows (timm and torchvision implement most of its models)
    assert {m.model for m in MATCHES}.isdisjoint(UNMATCHED)


def _conv(h: int, c_in: int, c_out: int, k: int, groups: int = 1) -> int:
    """Multiply-adds of a k x k convolution producing an h x h map."""
    return h * h * c_out * (c_in // groups) * k * k


def resnet50_macs() -> int:
    """ResNet-50 (He et al. 2016, Table 1; torchvision's v1.5: stride in the 3x3) at 224 px, by hand."""
    macs = _conv(112, 3, 64, 7)  # stem
    c_in, h = 64, 56  # after the 3x3 max pool
    for blocks, width, stride in ((3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)):
        out = 4 * width
        for b in range(blocks):
            s = stride if b == 0 else 1
            h_out = h // s
            macs += _conv(h, c_in, width, 1) + _conv(h_out, width, width, 3) + _conv(h_out, width, out, 1)
            if b == 0:
                macs += _conv(h_out, c_in, out, 1)  # projection shortcut
            c_in, h = out, h_out
    return macs + 2048 * 1000  # classifier


def vgg16_macs() -> int:
    """VGG-16 (configuration D of Simonyan & Zisserman 2015, Table 1) at 224 px, by hand."""
    macs, c_in, h = 0, 3, 224
    for n, c in ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)):
        for _ in range(n):
            macs += _conv(h, c_in, c, 3)
            c_in = c
        h //= 2
    return macs + 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000


@pytest.mark.parametrize("model, macs", [("ResNet-50", resnet50_macs()), ("VGG-16", vgg16_macs())])
def test_recount_equals_a_hand_count_of_the_architecture(model, macs):
    assert float(rows()[(model, "No")]["gflops"]) == pytest.approx(2 * macs / 1e9, abs=1e-6)


def test_hand_counts_match_the_papers():
    # ResNet-50 "3.8 x 10^9 FLOPs" (multiply-adds, He et al. Table 1) and VGG-16's 15.5 G multiply-adds
    # (a widely reproduced count): the hand counts above are the same architectures
    assert resnet50_macs() / 1e9 == pytest.approx(4.09, abs=0.01)  # v1.5 has ~0.3 G more than the paper's 3.8
    assert vgg16_macs() / 1e9 == pytest.approx(15.47, abs=0.01)


def test_flops_source_recounted_takes_the_recount_for_matched_rows_only():
    thesis = scaling.vision_models().set_index(["model", "extra_data"])
    rec = scaling.vision_models(flops_source="recounted").set_index(["model", "extra_data"])
    assert rec.loc[("ResNet-50", "No"), "gflops"] == pytest.approx(2 * resnet50_macs() / 1e9, abs=1e-6)
    assert rec.loc[("ZFNet", "No"), "gflops"] == thesis.loc[("ZFNet", "No"), "gflops"]  # no definition: kept
    assert rec.loc[("ResNet-50", "No"), "gflops_source"] == "recounted: torchvision resnet50 at 224 px"
    with pytest.raises(ValueError, match="flops_source"):
        scaling.vision_models(flops_source="papers")


def test_agreement_helpers_by_hand():
    import pandas as pd

    r = pd.Series([1.0, 1.04, 1 / 1.04, 1.2, 2.1, 0.48])
    assert recount.within(r, 0.05).tolist() == [True, True, True, False, False, False]
    assert recount.near_factor(r, 2.0, 0.15).tolist() == [False, False, False, False, True, True]


def bert_macs(layers: int, width: int, ffn: int, tokens: int) -> int:
    """Multiply-adds of a BERT encoder for one sequence, by hand (Devlin et al. 2019, §3; Vaswani et al. 2017):
    per layer Q, K, V and output projections (4 T H^2), the feed-forward (2 T H F), and attention's
    scores and weighted sum (2 T^2 H); plus the pooler (H^2). Embedding lookups multiply nothing."""
    per_layer = tokens * (4 * width * width + 2 * width * ffn) + 2 * tokens * tokens * width
    return layers * per_layer + width * width


def test_language_recount_equals_a_hand_count_of_bert():
    with open(data.data_dir() / "recount" / "recount_language.csv", encoding="utf-8", newline="") as fh:
        rc = {r["model"]: r for r in csv.DictReader(fh)}
    assert float(rc["BERT-Base"]["gflops"]) == pytest.approx(2 * bert_macs(12, 768, 3072, 128) / 1e9, abs=1e-6)
    assert float(rc["BERT Large"]["gflops"]) == pytest.approx(2 * bert_macs(24, 1024, 4096, 128) / 1e9, abs=1e-6)
    from recount.models import LANGUAGE, LANGUAGE_UNMATCHED

    a4 = data.language()
    assert set(rc) == set(a4["model"])
    assert {m.model for m in LANGUAGE} | set(LANGUAGE_UNMATCHED) == set(a4["model"])


def test_flops_source_recounted_reaches_the_language_models():
    rec = scaling.language_models("recounted").set_index("model")
    thesis = scaling.language_models().set_index("model")
    assert rec.loc["BERT-Base", "gflops"] == pytest.approx(2 * bert_macs(12, 768, 3072, 128) / 1e9, abs=1e-6)
    assert rec.loc["ELMo", "gflops"] == thesis.loc["ELMo", "gflops"]  # no configuration: the thesis's value kept
    assert rec.loc["BERT-Base", "gflops_source"] == "recounted: transformers BertModel"
