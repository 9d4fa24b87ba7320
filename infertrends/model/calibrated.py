"""The calibrated estimate for a reader's own case: what ``python -m infertrends estimate`` prints.

The chain with its sourced factors (:func:`infertrends.model.estimate.estimate`) gives the seconds and Joules of the
case; the calibration of :mod:`infertrends.model.validation`, fitted on *every* measurement the book holds, turns them
into measured-like Joules:

* at the node: (host Watts per server + Watts per Watt of TDP x the accelerators' summed TDP) x the chain's
  seconds x the workload's speed factor;
* at the facility: that times the sourced central PUE;
* at the accelerator: the chain times the accelerator factor.

``low`` and ``high`` are a central 80 % interval (:data:`validation.INTERVAL`): the estimate times the central
quantiles of the calibration's out-of-study errors (each study predicted by a fit without it), combined at the
facility with the sourced PUE range.  The same construction, nested, covers the held-out measurements as often
as :func:`validated` reports.  The user's case is not among the measurements, so its error is out of study too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

import infertrends.model.chain as chain
import infertrends.model.estimate as estimate
import infertrends.model.factors as factors
import infertrends.model.mlperf as mlperf
import infertrends.model.validation as validation
import infertrends.model.workloads as workloads

#: The workload whose speed factor a workload without measurements of its own takes, and why: a query's seconds
#: are its prefill and its decode steps, and the measured queries (per output token) are served in decode.
SPEED_PROXY: dict[str, str] = {"llm-decode": "llm-query"}

#: The PUE the facility boundary multiplies by: (key of external_values.csv), central with its low-high.
PUE_KEYS = {"value": ("pue_industry_average", "value"), "low": ("pue_hyperscale", "value"),
            "high": ("pue_industry_average", "high")}


@dataclass(frozen=True)
class Fitted:
    """The calibration on every measurement, its out-of-study log errors and what it was fitted on."""

    calibration: validation.Calibration
    errors: np.ndarray  # log(measured / estimate), each study predicted by a fit without it
    cases: int
    studies: int


@cache
def server_sizes() -> tuple[dict[str, int], int]:
    """The most accelerators one server held in MLPerf's power results, per accelerator, and the median of those
    over the accelerators (a server's size where an accelerator's own is smaller or unknown)."""
    pr = mlperf.power_results()
    pr = pr[pr["accelerator"] != ""]
    most = pr.groupby("accelerator")["accelerators_per_node"].apply(lambda x: int(x.astype(int).max()))
    return {str(a): int(n) for a, n in most.items()}, int(np.median(most.to_numpy()))


def servers(count: int, accelerator: str) -> int:
    """Servers (one host each) that ``count`` of ``accelerator`` fill: per server, as many as the largest server
    of that accelerator in MLPerf's power results held, and at least the median over accelerators (a card
    measured only alone, such as the L4, still fills a server of that size)."""
    per_type, typical = server_sizes()
    return math.ceil(count / max(per_type.get(accelerator, 0), typical))


@cache
def _loso() -> pd.DataFrame:
    return validation.leave_one_study_out(validation.chain_central())


@cache
def fitted() -> Fitted:
    """The calibration fitted on every case of :func:`validation.chain_central` (about a second)."""
    e = validation.chain_central()
    loso = _loso()
    ok = loso["chain_calibrated"].notna()
    err = np.log(loso.loc[ok, "measured"] / loso.loc[ok, "chain_calibrated"]).to_numpy()
    used = e[e["chain"].notna()]
    return Fitted(calibration=validation.fit(e), errors=np.sort(err), cases=len(used),
                  studies=used["group"].nunique())


@cache
def validated() -> dict[str, float]:
    """How the calibrated chain does out of study on every case (nested leave-one-study-out): median factor,
    bias and the share of held-out measurements inside their 80 % interval."""
    s = validation.scores(_loso(), methods=("chain_calibrated",))
    row = s.iloc[0]
    return dict(median_factor=float(row["median_factor"]), bias=float(row["bias"]), coverage=float(row["coverage"]),
                cases=int(row["cases"]), studies=int(row["studies"]))


def idle_watts(hw: chain.Hardware, precision: str) -> float:
    """An idle accelerator's power: its own where sourced, else the sourced central idle share of its TDP."""
    if hw.idle_watts is not None:
        return float(hw.idle_watts)
    return factors.value_of("idle_fraction", "value", precision)[0] * hw.tdp_watts


def _pue(end: str) -> float:
    key, col = PUE_KEYS[end]
    return chain.sourced(key, "pue", which=col)


def _capped_seconds(r: estimate.Request, node_r: estimate.Request, base: dict[str, Any], hw: chain.Hardware,
                    model: workloads.LLM | None) -> float:
    """The chain's seconds per unit under ``r``'s power limit, as the calibrated node power sees it: the fitted
    node power treats busy accelerators as drawing in proportion to their TDP, so a compute-bound step under a
    limit below TDP takes (TDP / limit) ** a longer (the exponent of MLPerf's capped runs); a memory-bound step
    keeps the chain's own time (it slows only where its modelled draw exceeds the limit)."""
    if hw.power_cap_watts is None:
        return float(base["seconds_per_unit"])
    free = estimate.estimate(replace(node_r, power_cap_watts=None), model, spread=False)
    if free["bound"] != "compute":
        return float(base["seconds_per_unit"])
    return float(free["seconds_per_unit"]) * (hw.tdp_watts / hw.power_cap_watts) ** hw.cap_exponent


def calibrated(r: estimate.Request, model: workloads.LLM | None = None) -> dict[str, Any]:
    """The calibrated Joules per unit of ``r`` with its central 80 % interval; the chain with sourced factors
    alone under ``sourced_chain``; what the calibration was fitted on under ``calibration``."""
    node_r = replace(r, boundary="node" if r.boundary == "facility" else r.boundary)
    src = estimate.estimate(r, model)
    base = src if node_r == r else estimate.estimate(node_r, model, spread=False)
    f = fitted()
    hw = estimate.hardware_for(r)
    nodes = servers(r.count, hw.name)
    speed_from = r.workload if r.workload in f.calibration.speed else SPEED_PROXY.get(r.workload, "*")
    framework = src["bound"] == "framework"
    seconds = float(src["seconds_per_unit"])
    limit = min(hw.tdp_watts, hw.power_cap_watts or hw.tdp_watts)  # the fitted W per W of TDP applies to the limit
    host = 0.0 if hw.name in validation.SYSTEM_ON_MODULE else f.calibration.host_watts * nodes
    if framework:
        # outside what the calibration was fitted on (serving engines): the accelerators' energy of the chain's
        # activity model with the measured framework floor, plus the fitted host at the node
        acc = estimate.estimate(replace(r, boundary="accelerator"), model, spread=False)
        j = acc["joules_per_unit"] + (host * acc["seconds_per_unit"] if node_r.boundary == "node" else 0.0)
    else:
        seconds = _capped_seconds(r, node_r, base, hw, model)
        case = pd.DataFrame([dict(workload=speed_from, accelerator=hw.name, tdp_sum=limit * hw.count, nodes=nodes,
                                  chain_seconds=seconds, boundary=node_r.boundary,
                                  chain=base["joules_per_unit"])])
        j = float(validation.predict(f.calibration, case).iloc[0])
        if node_r.boundary == "node" and hw.idle_count:
            # accelerators with nothing in the batch: their sourced idle power for the fitted step time (the
            # fitted Watts per Watt of TDP are busy accelerators'; at the accelerator the chain counts them)
            j += idle_watts(hw, r.precision) * hw.idle_count * seconds * f.calibration.speed.get(
                speed_from, f.calibration.speed["*"])
    errors = f.errors
    if r.boundary == "facility":
        j *= _pue("value")
        errors = (errors[:, None] + np.log([_pue(e) / _pue("value") for e in ("low", "value", "high")])).ravel()
    lo_q, hi_q = (1 - validation.INTERVAL) / 2, 1 - (1 - validation.INTERVAL) / 2
    low, high = (j * float(np.exp(np.quantile(errors, q))) for q in (lo_q, hi_q))
    if not all(math.isfinite(x) and x > 0 for x in (j, low, high)):
        raise chain.ChainError("the estimate is not a finite number: an input is out of range")
    cal = f.calibration
    k = 1.0 if framework else cal.speed.get(speed_from, cal.speed["*"])
    own = ("joules_per_unit", "low", "high", "seconds_per_unit", "accelerator_power_fraction_of_tdp", "factors")
    return {**{key: v for key, v in src.items() if key not in own}, "method": "calibrated", "joules_per_unit": j,
            "low": low, "high": high, "interval": validation.INTERVAL, "seconds_per_unit": seconds * k,
            "sourced_chain": {**{key: src[key] for key in own},
                              "range": "low-high: every corner of the sourced factors' ranges"},
            "calibration": {
                "fitted_on": f"{f.cases} measurements from {f.studies} studies (MLPerf Inference power rounds, "
                             "ML.ENERGY leaderboards)",
                "speed_factor": k,
                "speed_fitted_on": ("not applied: the step is framework-bound, outside the measurements (serving "
                                    "engines); the chain's activity model and measured eager overhead instead"
                                    if framework else speed_from if speed_from != "*"
                                    else "every workload (none of its own)"),
                "host_watts_per_server": host / nodes,
                "servers": nodes, "watts_per_watt_of_tdp": cal.watts_per_tdp, "accelerator_factor": cal.accelerator,
                "pue": _pue("value") if r.boundary == "facility" else 1.0,
                "power_cap_exponent": hw.cap_exponent if hw.power_cap_watts is not None else None,
                "out_of_study": validated()}}


def sourced(r: estimate.Request, model: workloads.LLM | None = None) -> dict[str, Any]:
    """The chain with its sourced factors alone: ``low`` and ``high`` span every corner of the sourced ranges
    (not a probability interval: ``interval`` is None)."""
    return {**estimate.estimate(r, model), "method": "sourced", "interval": None,
            "range": "every corner of the sourced factors' ranges"}

