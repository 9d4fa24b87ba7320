"""The reproduction ledger: every number the thesis prints beside the book's recomputation.

Verdicts (documented on the intro page and in the README):

* ``match`` - the recomputed value, rounded to the digits the thesis prints,
  equals the printed value.
* ``rounding`` - it does not, but the relative difference is within what the
  rounding of the printed numbers explains: one unit in the last printed digit
  of the result, plus, for each rounded intermediate the thesis used, one unit
  in its last printed digit times the power it enters with (first-order error
  propagation).  A full unit, not half, because the thesis does not always
  round to nearest (it prints 800/600 = 1.33333 as 1.3334).
* ``discrepancy`` - anything larger.  The chapter explains each one.
* ``input`` - a printed number that only passes an input through (a Table B.1 peak copied into
  Table B.3, a speed-up of a baseline over itself): equal to the book's value, it proves nothing
  about the method and is kept out of the counts of matches, roundings and discrepancies.  A
  passed-through number that differs from its input is a ``discrepancy``.

Kinds (what a row is evidence of; the intro and the ledger page count them apart):

* ``reproduction`` - a number the thesis computed, recomputed by the book from the raw inputs;
* ``repeated`` - a number that repeats arithmetic already counted elsewhere in the ledger (Table B.3's
  unadapted GFLOPS per Watt are Table B.1's), so it adds no independent evidence;
* ``selection`` - whether a model appears in one of the thesis's tables, reproduced by a selection rule whose
  band the book chose with the thesis's table in view: the outcome of a tuned rule, not a match;
* ``claim`` - a sentence of the thesis (1 = it holds) judged by criteria the book wrote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Sequence

import pandas as pd

COLUMNS = ["source", "key", "quantity", "thesis", "recomputed", "rel_diff", "tolerance", "verdict", "note", "kind"]
VERDICTS = ("match", "rounding", "discrepancy", "input")
KINDS = ("reproduction", "repeated", "selection", "claim")


def default_kind(quantity: str) -> str:
    """The kind of a row from its quantity: a claim, a table listing (selection) or a recomputed number."""
    return "claim" if quantity == "claim_holds" else "selection" if quantity == "listed" else "reproduction"
#: The verdicts that judge a recomputation (``input`` rows are not counted).
JUDGED = ("match", "rounding", "discrepancy")


def decimals(printed: str) -> int:
    """Number of digits after the decimal point in a printed number (``"1.60"`` -> 2)."""
    exponent = Decimal(printed).as_tuple().exponent
    return max(0, -int(exponent))


def unit_in_last_place(printed: str) -> float:
    """One unit in the last printed digit (``"1.3334"`` -> 0.0001)."""
    return 10.0 ** -decimals(printed)


def tolerance(thesis: str, rounded_inputs: Sequence[tuple[str, float]] = ()) -> float:
    """Relative difference explained by rounding (see module docstring).

    ``rounded_inputs`` lists ``(printed value, exponent)`` for every rounded
    number the thesis's computation used, e.g. ``[("1.3334", 2)]`` for r**2.
    """
    value = abs(float(thesis))
    tol = unit_in_last_place(thesis) / value if value else math.inf
    for printed, power in rounded_inputs:
        x = abs(float(printed))
        tol += abs(power) * unit_in_last_place(printed) / x if x else math.inf
    return tol


def verdict(thesis: str, recomputed: float, tol: float) -> str:
    """``match``, ``rounding`` or ``discrepancy`` for one printed number."""
    printed = float(thesis)
    if tol == 0.0:
        return "match" if recomputed == printed else "discrepancy"
    if round(recomputed, decimals(thesis)) == round(printed, decimals(thesis)):
        return "match"
    rel = relative_difference(printed, recomputed)
    return "rounding" if rel <= tol else "discrepancy"


def relative_difference(thesis: float, recomputed: float) -> float:
    """|recomputed - thesis| / |thesis|."""
    if thesis == 0:
        return 0.0 if recomputed == 0 else math.inf
    return abs(recomputed - thesis) / abs(thesis)


@dataclass
class Ledger:
    """Rows of the reproduction ledger collected by one chapter."""

    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        source: str,
        key: str,
        quantity: str,
        thesis: str,
        recomputed: float,
        rounded_inputs: Sequence[tuple[str, float]] = (),
        note: str = "",
        exact: bool = False,
        significant: int | None = None,
        passthrough: bool = False,
        kind: str | None = None,
    ) -> str:
        """Record one comparison and return its verdict.

        ``exact`` is for counts and yes/no facts (e.g. "listed in Table 4.1" = 1): no rounding
        tolerance, so anything but equality is a discrepancy.  ``significant`` is for numbers
        the thesis calls approximate ("approximately 100"): the tolerance is half a unit in the
        last significant digit.  ``passthrough`` marks a printed number that only copies an input
        (verdict ``input`` if equal at the printed digits, else ``discrepancy``).  ``kind``: one of
        :data:`KINDS` (default from the quantity, :func:`default_kind`).
        """
        kind = kind or default_kind(quantity)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if not isinstance(thesis, str):
            raise TypeError("pass the thesis value as printed text (e.g. '1.3334') to keep its digits")
        if exact:
            tol = 0.0
        elif significant is not None:
            x = abs(float(thesis))
            tol = 0.5 * 10.0 ** (math.floor(math.log10(x)) - significant + 1) / x if x else math.inf
        else:
            tol = tolerance(thesis, rounded_inputs)
        v = verdict(thesis, float(recomputed), tol)
        if passthrough:
            v = "input" if v == "match" else "discrepancy"
        self.rows.append(
            dict(source=source, key=key, quantity=quantity, thesis=thesis, recomputed=float(recomputed),
                 rel_diff=relative_difference(float(thesis), float(recomputed)), tolerance=tol, verdict=v,
                 note=note, kind=kind)
        )
        return v

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the ledger's columns."""
        return pd.DataFrame(self.rows, columns=COLUMNS)


def combine(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate chapter ledgers in a stable order."""
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.concat(list(frames), ignore_index=True)
    return df[COLUMNS].reset_index(drop=True)


#: The ledger's quantities in words, for the page (the CSV keeps the short names).
QUANTITY_LABELS = {
    "claim_holds": "the claim holds (1 = yes)", "d_scaling": "depth scaling ratio", "w_scaling": "width scaling ratio",
    "r_scaling": "resolution scaling ratio", "r_scaling_squared": "resolution ratio squared",
    "gflops": "GFLOPs (estimate)", "gflops_rounded": "GFLOPs (estimate, rounded)",
    "gflops_ratio_384_224": "GFLOPs ratio, 384 px over 224 px", "gflops_per_watt": "GFLOPS per Watt",
    "energy_ratio": "times less energy than AlexNet", "human_watts": "human reference (W)",
    "joules": "Joules per forward pass", "listed": "listed in the table (1 = yes)",
    "mixed_speedup_vs_T4_FP32": "mixed-precision speed-up over the T4 at FP32",
    "mixed_speedup_vs_V100_FP32": "mixed-precision speed-up over the V100 at FP32",
    "tf32_speedup_vs_V100_FP32": "TF32 speed-up over the V100 at FP32",
    "pearson_params_gflops": "correlation of parameters and FLOPs", "speed_up": "speed-up over FP32",
    "tflops": "peak TFLOPS", "top1_accuracy": "top-1 accuracy (%)", "top1_improvement_percent": "top-1 gain (%)",
    "years": "years",
}


def label(quantity: str) -> str:
    """A ledger quantity in words."""
    return QUANTITY_LABELS.get(quantity, quantity.replace("_", " "))


def counts(table: pd.DataFrame) -> dict[str, int]:
    """Rows per verdict (every verdict of :data:`VERDICTS`, zero if absent)."""
    vc = table["verdict"].value_counts() if len(table) else pd.Series(dtype=int)
    return {v: int(vc.get(v, 0)) for v in VERDICTS}


def counts_by_kind(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Rows per verdict within each kind of :data:`KINDS` (``input`` rows are counted apart, under no kind)."""
    judged = table[table["verdict"] != "input"] if len(table) else table
    return {k: counts(judged[judged["kind"] == k]) for k in KINDS}


def read(path: Path) -> pd.DataFrame:
    """Read a ledger CSV written by :func:`infertrends.present.export.write_csv`."""
    return pd.read_csv(path, dtype={"thesis": str}, keep_default_na=False, na_values=[""])
