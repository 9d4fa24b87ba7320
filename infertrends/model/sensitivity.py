"""Sensitivity of the chain's Joules: one factor at a time, Monte Carlo, and the in-page calculator.

Everything runs :func:`infertrends.model.chain.energy` on the steps of the reference workloads under a
base scenario, so the tornado, the Monte Carlo and the calculator use the same arithmetic as every
other number of the book beyond the thesis.  In each draw the accelerator's power follows its
activity through the chain: a draw with a higher achieved fraction also draws more power.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

import infertrends.model.accelerators as accelerators
import infertrends.model.chain as chain
import infertrends.model.factors as factors
import infertrends.model.scenarios as scenarios

#: The factors varied, with a reader's name for each.
FACTORS: dict[str, str] = {
    "compute_fraction": "achieved fraction of the peak",
    "memory_fraction": "achieved fraction of the bandwidth",
    "idle_fraction": "idle power (share of TDP)",
    "decode_power": "measured decode power (share of TDP), which sets k",
    "host_overhead": "host overhead (node / accelerator)",
    "pue": "PUE (facility / IT)",
}


def ranges(precision: str, accelerator: str | None = None) -> pd.DataFrame:
    """Each factor's low, central and high value and where they come from (sourced, checked).

    With ``accelerator``, the central idle power is that accelerator's own where it is sourced
    (``accelerator_specs.csv``), as the chain uses it."""
    rows = []
    for slot in factors.FACTOR_SOURCES:
        vals = {end: factors.value_of(slot, end, precision) for end in ("low", "value", "high")}
        if slot == "idle_fraction" and accelerator:
            hw = accelerators.hardware(accelerator, precision)
            if hw.idle_watts is not None:
                vals["value"] = (hw.idle_watts / hw.tdp_watts, f"the {accelerator}'s own (accelerator_specs.csv)")
        rows.append(dict(factor=slot, name=FACTORS[slot], low=vals["low"][0], central=vals["value"][0],
                         high=vals["high"][0], boundary=chain.SLOTS[slot][0],
                         baseline=chain.PEAK_BASELINE[precision] if slot == "compute_fraction" else chain.SLOTS[slot][1],
                         sources="; ".join(dict.fromkeys(v[1] for v in vals.values()))))
    p = {end: chain.sourced(key, "power_fraction", which=col)
         for end, (key, col) in factors.MEMORY_POWER_SOURCES.items()}
    p_src = [factors.MEMORY_POWER_SOURCES[end] for end in ("low", "value", "high")]
    rows.append(dict(factor="decode_power", name=FACTORS["decode_power"], low=p["low"], central=p["value"],
                     high=p["high"], boundary="accelerator", baseline="TDP",
                     sources="; ".join(dict.fromkeys(f"{k} ({c})" if c != "value" else k for k, c in p_src))))
    return pd.DataFrame(rows)


def _kappa(decode_power, idle, memory_fraction):
    """k from a decode power, as :func:`infertrends.model.factors.memory_power` (vectorised)."""
    return np.clip((decode_power - idle) / ((1.0 - idle) * memory_fraction), 0.0, 1.0)


def workload_steps(sc: scenarios.Scenario, refs: list[scenarios.Reference] | None = None,
                   batch: int | None = None, precision: str | None = None):
    """(reference, hardware, [(step, n)], batch) for every reference the scenario applies to.

    The hardware's sourced idle power is dropped so that the idle factor can vary; its central value
    is the accelerator's own (:func:`ranges`), so the central Joules are the scenario's.
    """
    sc = replace(sc, precision=precision or sc.precision,
                 batch={k: batch for k in sc.batch} if batch else sc.batch)
    out = []
    for ref in refs or scenarios.references():
        if ref.workload not in sc.workloads:
            continue
        hw = replace(accelerators.hardware(sc.accelerator, sc.precision, scenarios.accelerators(ref, sc)),
                     idle_watts=None)
        steps, used = scenarios._request_steps(ref, sc, hw)
        out.append((ref, hw, steps, used))
    return out


def joules(items, values: dict[str, np.ndarray | float]) -> dict[str, np.ndarray]:
    """Facility Joules per unit of each reference for factor ``values`` (scalars or arrays)."""
    k = _kappa(values["decode_power"], values["idle_fraction"], values["memory_fraction"])
    out = {}
    for ref, hw, steps, _ in items:
        total = 0.0
        for step, n in steps:
            e = chain.energy(step, hw, values["compute_fraction"], values["memory_fraction"],
                             values["idle_fraction"], k, values["host_overhead"], values["pue"])
            total = total + n * e["facility"]
        out[ref.label] = total
    return out


def tornado(sc: scenarios.Scenario) -> pd.DataFrame:
    """Each factor at the low and high end of its range, the others central; plus batch and precision."""
    r = ranges(sc.precision, sc.accelerator).set_index("factor")
    central = {f: float(r.loc[f, "central"]) for f in r.index}
    items = workload_steps(sc)
    base = joules(items, central)
    rows = []

    def add(name: str, end: str, setting: str, j: dict[str, float]) -> None:
        for ref, *_ in items:
            rows.append(dict(reference=ref.label, factor=name, end=end, setting=setting, joules=float(j[ref.label]),
                             ratio=float(j[ref.label] / base[ref.label]), base_joules=float(base[ref.label])))

    for f in r.index:
        for end in ("low", "high"):
            v = float(r.loc[f, end])
            add(FACTORS[f], end, f"{v:.3g}", joules(items, {**central, f: v}))
    largest = max(sc.batch.values())
    add("batch", "low", "1", joules(workload_steps(sc, batch=1), central))
    add("batch", "high", f"{4 * largest}", joules(workload_steps(sc, batch=4 * largest), central))
    try:
        add("precision", "high", "fp8", joules(workload_steps(sc, precision="fp8"), central))
    except chain.ChainError:
        pass
    return pd.DataFrame(rows)


def monte_carlo(sc: scenarios.Scenario, draws: int, seed: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Uniform draws of every factor over its sourced range; Joules per reference and the draws.

    Returns percentiles per reference and the drawn factors with the power fraction each draw gives
    for the first vision reference (to show that power follows activity)."""
    r = ranges(sc.precision, sc.accelerator).set_index("factor")
    rng = np.random.default_rng(seed)
    values = {f: rng.uniform(float(r.loc[f, "low"]), float(r.loc[f, "high"]), draws) for f in r.index}
    items = workload_steps(sc)
    central = {f: float(r.loc[f, "central"]) for f in r.index}
    base = joules(items, central)
    samples = joules(items, values)
    q = [5, 25, 50, 75, 95]
    rows = []
    for ref, *_ in items:
        s = samples[ref.label]
        pct = np.percentile(s, q)
        rows.append(dict(reference=ref.label, unit=ref.unit, central=float(base[ref.label]),
                         **{f"p{k}": float(v) for k, v in zip(q, pct)},
                         share_above_central=float((s > base[ref.label]).mean())))
    ref0, hw0, steps0, _ = items[0]
    k = _kappa(values["decode_power"], values["idle_fraction"], values["memory_fraction"])
    e = chain.energy(steps0[0][0], hw0, values["compute_fraction"], values["memory_fraction"],
                     values["idle_fraction"], k, values["host_overhead"], values["pue"])
    values["power_fraction"] = e["power_fraction"]
    return pd.DataFrame(rows), values


#: The calculator's choices (each must have sourced peaks at every precision offered).
CALC_ACCELERATORS = ("NVIDIA H100 SXM", "NVIDIA H200 SXM", "NVIDIA B200 (HGX B200)", "AMD Instinct MI300X",
                     "NVIDIA L40S", "NVIDIA L4")
CALC_PRECISIONS = ("bf16", "fp8", "int8")
CALC_BATCHES = (1, 8, 64, 256)


def _central_joules(items, r: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Joules per unit of each reference at each boundary with the central factors of ``r`` (:func:`ranges`)."""
    c = {f: float(r.loc[f, "central"]) for f in r.index}
    k = _kappa(c["decode_power"], c["idle_fraction"], c["memory_fraction"])
    out = {}
    for ref, hw, steps, _ in items:
        e = [(n, chain.energy(step, hw, c["compute_fraction"], c["memory_fraction"], c["idle_fraction"], k,
                              c["host_overhead"], c["pue"])) for step, n in steps]
        out[ref.label] = {b: float(sum(n * x[b] for n, x in e)) for b in chain.BOUNDARIES}
    return out


def calculator_rows(sc: scenarios.Scenario, accelerators: tuple[str, ...] = CALC_ACCELERATORS,
                    precisions: tuple[str, ...] = CALC_PRECISIONS,
                    batches: tuple[int, ...] = CALC_BATCHES) -> pd.DataFrame:
    """One row per reference (vision, encoder, per output token, and per query for each of
    :data:`~infertrends.model.scenarios.QUESTIONS`, named in ``question``), accelerator, precision and batch, with
    what the in-page calculator needs to redo :func:`infertrends.model.chain.energy` in the browser: each step's two
    operators (``f1``/``b1``, ``f2``/``b2``: FLOPs and bytes; a single-operator step has ``f2 = b2 = 0``), the
    seconds of its tensor-parallel all-reduces (``comm``) and the step's units per unit of work (``units``); a query's
    decode steps in the same columns prefixed ``s2_`` (zero for one-step work), the hardware, the batch the memory
    allows (``batch_used``), the central sourced estimate at each boundary and the thesis's method (ghost marks).
    A combination whose weights do not fit the largest server is left out."""
    rows = []
    refs = [ref for ref in scenarios.references() if ref.workload in sc.workloads]
    refs = [(ref, "") for ref in refs if ref.workload != "llm-query"] + [
        (replace(ref, input_tokens=q.input_tokens, output_tokens=q.output_tokens), q.key)
        for q in scenarios.QUESTIONS for ref in refs if ref.workload == "llm-query"]
    thesis = {(ref.label, q): scenarios.thesis_joules(ref) for ref, q in refs}
    for acc, prec in ((a, p) for a in accelerators for p in precisions):
        r = ranges(prec, acc).set_index("factor")
        for batch in batches:
            rows += _calculator_rows(replace(sc, accelerator=acc), refs, prec, batch, r, thesis)
    return pd.DataFrame(rows)


def _step_columns(step: chain.Step, n: float, prefix: str = "") -> dict[str, float]:
    (f1, b1), (f2, b2) = step.parts or ((step.flops, step.bytes), (0.0, 0.0))
    return {f"{prefix}{k}": v for k, v in dict(f1=f1, b1=b1, f2=f2, b2=b2, comm=step.comm_seconds,
                                                units=step.units / n).items()}


#: The columns of a second step for work of one step: none (the browser skips a step of zero units).
_NO_STEP = {f"s2_{k}": 0.0 for k in ("f1", "b1", "f2", "b2", "comm", "units")}


def _calculator_rows(sc: scenarios.Scenario, refs: list, prec: str, batch: int, r: pd.DataFrame,
                     thesis: dict[tuple[str, str], float]) -> list[dict]:
    rows = []
    for one, question in refs:
        try:
            items = workload_steps(sc, [one], batch=batch, precision=prec)
        except chain.ChainError:  # the weights do not fit: no bar
            continue
        central = _central_joules(items, r)
        for ref, hw, steps, used in items:
            second = _step_columns(*steps[1], "s2_") if len(steps) == 2 else _NO_STEP
            rows.append(dict(reference=ref.label, question=question, unit=ref.unit, accelerator=sc.accelerator,
                             precision=prec, batch=batch, batch_used=used, **_step_columns(*steps[0]), **second,
                             peak=hw.peak_tflops * 1e12 * hw.count, bandwidth=hw.bandwidth_gb_s * 1e9 * hw.count,
                             watts=hw.tdp_watts * hw.count, thesis=thesis[ref.label, question],
                             **{f"central_{b}": v for b, v in central[ref.label].items()}))
    return rows


def _vega_step(prefix: str) -> str:
    """Joules per unit of work of one step at the accelerator, as a Vega expression over a calculator row."""
    op = "max(datum.{p}f{i} / (fc * datum.peak), datum.{p}b{i} / (fm * datum.bandwidth))"
    t = f"({op.format(p=prefix, i=1)} + {op.format(p=prefix, i=2)} + datum.{prefix}comm)"
    return (f"min(1, idle + (1 - idle) * ((datum.{prefix}f1 + datum.{prefix}f2) / ({t} * datum.peak)"
            f" + k * (datum.{prefix}b1 + datum.{prefix}b2) / ({t} * datum.bandwidth))) * datum.watts * {t}"
            f" / datum.{prefix}units")


#: The chain of :func:`infertrends.model.chain.energy` as a Vega expression over a calculator row (``datum``) and the
#: sliders fc, fm, idle, k, host, pue and the boundary chosen: each operator its own roofline, their times added,
#: then the step's tensor-parallel all-reduces (``comm`` seconds), power from the step's activity; a query adds its
#: decode steps (``s2_``) to its prefill.  Tested against the Python chain in a browser.
VEGA_JOULES = (f"({_vega_step('')} + (datum.s2_units > 0 ? {_vega_step('s2_')} : 0))"
               " * (boundary == 'accelerator' ? 1 : boundary == 'node' ? host : host * pue)")
#: The central sourced estimate at the boundary chosen (a column of :func:`calculator_rows`).
VEGA_CENTRAL = ("boundary == 'accelerator' ? datum.central_accelerator : boundary == 'node' ? datum.central_node"
                " : datum.central_facility")

