"""Recount the FLOPs of one forward pass of Table A.3's models from their definitions.

``make recount`` runs this in its own environment (requirements-recount.txt: PyTorch, torchvision,
timm, fvcore) and writes ``data/recount/``:

- ``recount.csv``: one row per Table A.3 row, counted with PyTorch's ``FlopCounterMode`` (2 FLOPs per
  multiply-add) on the meta device, so no weights exist or are downloaded; unmatched rows say why.
- ``recount_language.csv``: Table A.4's transformers built with Hugging Face ``transformers`` from the
  papers' hyper-parameters (``models.LANGUAGE``) at each row's input length, counted the same way.
- ``tools.csv``: a subset counted again with fvcore (which counts multiply-adds: converted x2) beside
  the first count, to show how far two tools disagree and on which operations.
- ``recount.json``: the SHA-256 of this script and of ``models.py`` and the versions used, so a test
  (without PyTorch) can check that the committed files were written by the current script.

``make recount-check`` (``--check``) recounts a few models and compares them with the committed rows.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import platform
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "recount"
SCRIPTS = ("recount/models.py", "recount/count.py")
#: Models counted a second time with fvcore (small ones of each family: convolutions, depthwise,
#: attention), and the ones ``--check`` recounts.
SECOND_TOOL = ("AlexNet", "VGG-16", "ResNet-50", "Densenet-121", "MobileNetV2", "EfficientNet-B0", "DeiT-small",
               "Swin-B 224", "ShuffleNetV2 x1.0", "Inception V3")
CHECK = ("AlexNet", "ResNet-50", "MobileNetV2", "EfficientNet-B0", "DeiT-small", "BERT-Base")
FIELDS = ["model", "extra_data", "package", "package_model", "resolution", "gflops", "tool", "tool_version",
          "package_version", "device", "how_matched", "resolution_source", "operations_counted", "notes"]
LANG_FIELDS = ["model", "input_tokens", "family", "config", "gflops", "tool", "tool_version", "package_version",
               "device", "source", "notes"]
TOOL_FIELDS = ["model", "resolution", "flop_counter_gflops", "fvcore_gflops", "fvcore_over_flop_counter",
               "fvcore_operations_counted", "fvcore_operations_skipped"]


def script_hash(root: Path = ROOT) -> str:
    """SHA-256 over the recount's scripts (their paths and bytes), as recorded in ``recount.json``."""
    h = hashlib.sha256()
    for rel in SCRIPTS:
        h.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return h.hexdigest()


def read_rows(filename: str) -> list[dict[str, str]]:
    """The rows of ``data/<filename>`` as printed (Table A.3: ``vision.csv``, Table A.4: ``language.csv``)."""
    with open(ROOT / "data" / filename, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def build(m, device: str):
    """The model of ``m`` (a :class:`models.Match`), in eval mode, its parameters on ``device``."""
    import timm
    import torch
    import torchvision

    with torch.device(device):
        if m.package == "timm":
            model = timm.create_model(m.name, pretrained=False, **m.kwargs)
        else:
            model = getattr(torchvision.models, m.name)(weights=None, **m.kwargs)
    # no parameter needs a gradient: the counter's module tracker would hook a leaf such as a class token
    return model.eval().requires_grad_(False)


def flop_counter(forward) -> tuple[int, Counter]:
    """FLOPs of one call of ``forward`` (FlopCounterMode: 2 per multiply-add), and FLOPs by operation."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        forward()
    by_op = Counter()
    for op, n in counter.get_flop_counts().get("Global", {}).items():
        by_op[str(op).split(".")[1] if str(op).startswith("aten.") else str(op)] += int(n)
    return int(counter.get_total_flops()), by_op


def count_row(m) -> dict[str, object]:
    """Count one matched row: on the meta device, or on the CPU (random weights) if meta fails."""
    import timm
    import torch
    import torchvision

    notes = []
    for device in ("meta", "cpu"):
        try:
            model = build(m, device)
            x = torch.zeros(1, 3, m.resolution, m.resolution, device=device)  # one image
            flops, by_op = flop_counter(lambda: model(x))
            break
        except Exception as err:  # a definition that needs real tensors (data-dependent shapes)
            if device == "cpu":
                raise
            notes.append(f"meta device failed ({type(err).__name__}), counted on the CPU with random weights")
    ops = ", ".join(f"{op} {100 * n / flops:.1f}%" for op, n in by_op.most_common()) if flops else ""
    return dict(model=m.model, extra_data=m.extra_data or "", package=m.package, package_model=m.name,
                resolution=m.resolution, gflops=f"{flops / 1e9:.6f}", tool="torch.utils.flop_counter.FlopCounterMode",
                tool_version=torch.__version__,
                package_version=timm.__version__ if m.package == "timm" else torchvision.__version__,
                device=device, how_matched=m.how, resolution_source=m.source, operations_counted=ops,
                notes="; ".join(notes + ([f"constructor arguments {m.kwargs}"] if m.kwargs else [])))


def build_language(m, tokens: int, device: str):
    """The transformers model of ``m`` (a :class:`models.LanguageMatch`) with random weights on ``device``; eager
    attention, so the meta device never needs a tensor's value."""
    import torch
    import transformers

    config = dict(m.config)
    if m.family in ("GPT2Model", "OpenAIGPTModel"):
        config["n_positions"] = max(tokens, 512)  # the position table's size; no FLOPs
    else:
        config["max_position_embeddings"] = max(tokens, 512)
    cfg = getattr(transformers, m.family.replace("Model", "Config"))(attn_implementation="eager", **config)
    with torch.device(device):
        model = getattr(transformers, m.family)(cfg)
    return model.eval().requires_grad_(False)


def count_language_row(m, tokens: int) -> dict[str, object]:
    """Count one forward pass of ``tokens`` tokens of one sequence (FlopCounterMode, 2 per multiply-add)."""
    import torch
    import transformers

    model = build_language(m, tokens, "meta")
    x = torch.zeros(1, tokens, dtype=torch.long, device="meta")  # one sequence
    flops, _ = flop_counter(lambda: model(input_ids=x))
    return dict(model=m.model, input_tokens=tokens, family=m.family, config=json.dumps(m.config, sort_keys=True),
                gflops=f"{flops / 1e9:.6f}", tool="torch.utils.flop_counter.FlopCounterMode",
                tool_version=torch.__version__, package_version=f"transformers {transformers.__version__}",
                device="meta", source=m.source, notes=m.note)


def language_rows() -> list[tuple[dict[str, str], object, str]]:
    """Pair each Table A.4 row with its LanguageMatch (or its reason for having none)."""
    sys.path.insert(0, str(ROOT))
    from recount.models import LANGUAGE, LANGUAGE_UNMATCHED

    return pair_rows(read_rows("language.csv"), LANGUAGE, LANGUAGE_UNMATCHED, "Table A.4 (data/language.csv)")


def fvcore_count(m) -> tuple[float, str, str]:
    """GFLOPs by fvcore (its 'flops' are multiply-adds: x2 here), the operations it counted, and the ones
    it skipped (no FLOP formula), on the CPU with random weights."""
    import torch
    from fvcore.nn import FlopCountAnalysis

    model = build(m, "cpu")
    x = torch.zeros(1, 3, m.resolution, m.resolution)
    analysis = FlopCountAnalysis(model, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    with torch.no_grad():
        macs = analysis.total()
        by_op = analysis.by_operator()
        skipped = analysis.unsupported_ops()
    counted = ", ".join(f"{op} {100 * n / macs:.1f}%" for op, n in sorted(by_op.items(), key=lambda kv: -kv[1]) if n)
    return 2 * macs / 1e9, counted, ", ".join(sorted(f"{op} (x{n})" for op, n in skipped.items()))


def matched_rows(a3: list[dict[str, str]]):
    """Pair each Table A.3 row with its Match (or its reason for having none)."""
    sys.path.insert(0, str(ROOT))
    from recount.models import MATCHES, UNMATCHED

    return pair_rows(a3, MATCHES, UNMATCHED, "Table A.3 (data/vision.csv)")


def pair_rows(rows: list[dict[str, str]], matches: list, unmatched: dict[str, str], table: str):
    """``(row, match or None, reason)`` for each row of ``table``; refuse a mapping that names a model the table
    does not have, two matches for one row, or a row that is neither matched nor explained. A match with an
    ``extra_data`` is for the row of that training data only."""
    names = {r["model"] for r in rows}
    for m in matches:
        if m.model not in names:
            raise SystemExit(f"recount/models.py: {m.model!r} is not a model of {table}")
    pairs = []
    for row in rows:
        hits = [m for m in matches if m.model == row["model"]
                and getattr(m, "extra_data", None) in (None, row.get("extra_data"))]
        if len(hits) > 1:
            raise SystemExit(f"recount/models.py: {len(hits)} matches for {row['model']!r} of {table}")
        if not hits and row["model"] not in unmatched:
            raise SystemExit(f"recount/models.py: {table} row {row['model']!r} is neither matched nor explained")
        pairs.append((row, hits[0] if hits else None, unmatched.get(row["model"], "")))
    return pairs


def write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help=f"recount {', '.join(CHECK)} and compare with data/recount")
    args = ap.parse_args(argv)
    import fvcore
    import timm
    import torch
    import torchvision

    pairs = matched_rows(read_rows("vision.csv"))
    if args.check:
        with open(OUT / "recount.csv", encoding="utf-8", newline="") as fh:
            committed = {(r["model"], r["extra_data"]): r for r in csv.DictReader(fh)}
        bad = 0
        for row, m, _ in pairs:
            if m is None or m.model not in CHECK:
                continue
            got = count_row(m)
            want = committed[(m.model, row["extra_data"])]
            ok = got["gflops"] == want["gflops"]
            bad += not ok
            print(f"{'ok ' if ok else 'DIFFERS'} {m.model}: recounted {got['gflops']} GFLOPs, committed {want['gflops']}")
        with open(OUT / "recount_language.csv", encoding="utf-8", newline="") as fh:
            committed_lang = {r["model"]: r for r in csv.DictReader(fh)}
        for row, m, _ in language_rows():
            if m is None or m.model not in CHECK:
                continue
            got = count_language_row(m, int(row["input_tokens"]))
            ok = got["gflops"] == committed_lang[m.model]["gflops"]
            bad += not ok
            print(f"{'ok ' if ok else 'DIFFERS'} {m.model}: recounted {got['gflops']} GFLOPs, "
                  f"committed {committed_lang[m.model]['gflops']}")
        if json.loads((OUT / "recount.json").read_text())["script_sha256"] != script_hash():
            print("recount.json: written by another version of the scripts; run `make recount`")
            bad += 1
        return 1 if bad else 0

    OUT.mkdir(parents=True, exist_ok=True)
    rows, tools = [], []
    for i, (row, m, reason) in enumerate(pairs, 1):
        label = f"[{i}/{len(pairs)}] {row['model']} ({row['extra_data']})"
        if m is None:
            print(f"{label}: not matched: {reason}", flush=True)
            rows.append(dict({k: "" for k in FIELDS}, model=row["model"], extra_data=row["extra_data"],
                             how_matched="not matched", notes=reason))
            continue
        r = count_row(m)
        r["extra_data"] = row["extra_data"]
        rows.append(r)
        print(f"{label}: {m.package} {m.name} at {m.resolution} px: {float(r['gflops']):,.2f} GFLOPs", flush=True)
        if m.model in SECOND_TOOL and m.model not in {t["model"] for t in tools}:
            g, counted, skipped = fvcore_count(m)
            tools.append(dict(model=m.model, resolution=m.resolution, flop_counter_gflops=r["gflops"],
                              fvcore_gflops=f"{g:.6f}", fvcore_over_flop_counter=f"{g / float(r['gflops']):.6f}",
                              fvcore_operations_counted=counted, fvcore_operations_skipped=skipped))
            print(f"    fvcore: {g:,.2f} GFLOPs (x2 of its multiply-adds)", flush=True)
    lang = []
    for row, m, reason in language_rows():
        if m is None:
            print(f"{row['model']} (Table A.4): not matched: {reason}", flush=True)
            lang.append(dict({k: "" for k in LANG_FIELDS}, model=row["model"], input_tokens=row["input_tokens"],
                             notes=reason))
            continue
        r = count_language_row(m, int(row["input_tokens"]))
        lang.append(r)
        print(f"{m.model} (Table A.4): {m.family} at {row['input_tokens']} tokens: {float(r['gflops']):,.2f} GFLOPs",
              flush=True)
    write_csv(OUT / "recount.csv", FIELDS, rows)
    write_csv(OUT / "recount_language.csv", LANG_FIELDS, lang)
    write_csv(OUT / "tools.csv", TOOL_FIELDS, tools)
    meta = dict(script_sha256=script_hash(), scripts=list(SCRIPTS), python=platform.python_version(),
                torch=torch.__version__, torchvision=torchvision.__version__, timm=timm.__version__,
                transformers=__import__("transformers").__version__,
                fvcore=getattr(fvcore, "__version__", "unknown"),
                convention="2 FLOPs per multiply-add; one forward pass of one 3 x r x r image (batch 1)")
    (OUT / "recount.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT / 'recount.csv'} ({sum(1 for r in rows if r['gflops'])} of {len(rows)} rows counted), "
          f"{OUT / 'tools.csv'} and {OUT / 'recount.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
