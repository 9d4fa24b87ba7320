"""Command line: python -m infertrends {build,pdf,run,references,scenarios,estimate,params,datadict,chapters}."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import infertrends.book.build as build
import infertrends.book.outputs as outputs
import infertrends.book.params as params
import infertrends.book.printing as printing
import infertrends.book.sources as sources
import infertrends.core.parameter as parameter
from infertrends.data.schema import DataError


def _jobs(text: str) -> int:
    """``--jobs``: a whole number of parallel chapters, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _param_text(text: str) -> list[list[str]]:
    """``--params '-p crops 10 -p x y'`` as pairs; a malformed string is a :class:`parameter.ParameterError`."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError as err:
        raise parameter.ParameterError(f"cannot read PARAMS {text!r}: {err}") from None
    pairs = []
    while words:
        if words[0] not in ("-p", "--param") or len(words) < 3:
            raise parameter.ParameterError(f"PARAMS must be pairs '-p NAME VALUE', got {text!r}")
        pairs.append(words[1:3])
        words = words[3:]
    return pairs


DESCRIPTION = """\
Build, rerun and query the book on compute and energy trends of deep-learning inference.

commands:
  build       execute every chapter (cached) and build the HTML book into book/_build/html
  pdf         print the whole built book into one PDF (book/_build/html/infertrends-book.pdf)
  run         rerun one chapter with other parameters into runs/<chapter>/<parameters>
  params      list a chapter's parameters, defaults and allowed values
  chapters    list the chapters in book order
  scenarios   every reference workload under every named energy scenario (CSV files)
  estimate    Joules per image, sequence, token or query for your own case
  references  re-execute chapters and overwrite the nbval reference notebooks
  datadict    print the data dictionary generated from the schemas

'python -m infertrends COMMAND --help' describes each command's options."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infertrends", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p_build = sub.add_parser("build", help="execute every chapter (cached) and build the HTML book",
                             description="Execute every chapter with papermill (reusing a cached execution when its "
                             "source, code, data and parameters are unchanged), then build the HTML book and "
                             "replace book/_build/html in one step; a failed build leaves the site as it was.")
    p_build.add_argument("--jobs", type=_jobs, default=2, help="chapters executed in parallel (default 2)")
    p_build.add_argument("--force", action="store_true", help="re-execute even unchanged chapters")

    sub.add_parser("pdf", help="print the whole built book into one PDF",
                   description="Build the book as one HTML page (jupyter-book's singlehtml builder, from the sources "
                   "'build' laid out), wait until every chart is drawn, and print it with the system Chromium "
                   "(offline) into book/_build/html/infertrends-book.pdf. Run 'build' first.")

    p_run = sub.add_parser("run", help="rerun one chapter with other parameters into its own folder",
                           description="Rerun one chapter with other parameters; every parameter is checked before "
                           "a kernel starts, and nothing is written inside the book.")
    p_run.add_argument("chapter", help="chapter name, e.g. flop-conventions")
    p_run.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                       help="set a parameter (repeatable); see 'infertrends params CHAPTER'")
    p_run.add_argument("--params", default="", metavar="TEXT",
                       help="-p NAME VALUE pairs as one string, split like a shell would (what make chapter passes)")
    p_run.add_argument("--out", type=Path, default=None,
                       help="output folder (default runs/<chapter>/<params>): a new or empty folder, or one an "
                       "earlier rerun wrote (never inside the book, the data or the build)")
    p_run.add_argument("--no-html", action="store_true", help="skip the HTML page (notebook and tables only)")

    p_ref = sub.add_parser("references", help="re-execute chapters and overwrite the nbval reference notebooks",
                           description="Re-execute every chapter and overwrite tests/references/ (only on purpose: "
                           "say why the numbers changed in the commit).")
    p_ref.add_argument("--jobs", type=_jobs, default=2, help="chapters executed in parallel (default 2)")

    p_sw = sub.add_parser("scenarios", help="every reference workload under every named scenario, through the "
                          "energy chain (CSV files)")
    p_sw.add_argument("--out", type=Path, default=None, help="output folder (default runs/scenarios): a new or empty "
                      "folder, or one this command wrote")

    p_par = sub.add_parser("params", help="list a chapter's parameters, defaults and allowed values",
                           description="List a chapter's parameters (all chapters without an argument).")
    p_par.add_argument("chapter", nargs="?", default=None, help="chapter name (see 'chapters')")

    add_estimate_parser(sub)

    sub.add_parser("datadict", help="print the data dictionary generated from the schemas",
                   description="Print the data dictionary of every data file, generated from the schemas.")
    sub.add_parser("chapters", help="list the chapters in book order", description="List the chapters in book order.")

    args = parser.parse_args(argv)
    if args.command == "estimate":
        return run_estimate(args, p_est_error=parser)
    try:
        if args.command == "build":
            build.build(jobs=args.jobs, force=args.force)
        elif args.command == "pdf":
            printing.pdf()
        elif args.command == "run":
            pairs = args.param + _param_text(args.params)
            build.rerun(args.chapter, params.parse_cli(args.chapter, pairs), out=args.out,
                        html=not args.no_html)
        elif args.command == "scenarios":
            build.sweep(args.out)
        elif args.command == "references":
            build.update_references(jobs=args.jobs)
        elif args.command == "params":
            names = [args.chapter] if args.chapter else sorted(params.CHAPTERS)
            print("\n\n".join(params.describe(n) for n in names))
        elif args.command == "datadict":
            from infertrends.data import ALL_SPECS
            from infertrends.data.schema import data_dictionary

            for spec in ALL_SPECS.values():
                print(f"### `{spec.filename}` - {spec.title}\n\nKey: {', '.join(spec.key)}\n")
                print(data_dictionary(spec) + "\n")
        elif args.command == "chapters":
            print("\n".join(sources.chapters()))
    except (parameter.ParameterError, sources.BuildError, DataError, outputs.OutputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


ESTIMATE_HELP = """\
Joules per unit of inference work for your own case, through the book's one energy chain:
time per step from a roofline (FLOPs / (achieved fraction x peak at the precision) against
bytes / (achieved fraction x memory bandwidth)), accelerator power from idle to TDP following
activity, then host overhead (node) and PUE (facility), each factor at its sourced central value
(data/external_values.csv).

--method calibrated (the default) then calibrates the chain on every measurement the book holds
(MLPerf Inference power results, ML.ENERGY leaderboards): its speed per workload, node power as a
fixed part per server plus Watts per Watt of the accelerators' TDP, an accelerator-boundary factor,
and PUE at the facility. low and high are a central 80 % interval ("interval": 0.8 in --json) from
the calibration's out-of-study errors; out of study it is within the factor, bias and coverage that
--json prints under calibration.out_of_study. --method sourced prints the chain with its sourced
factors alone; its low and high span every corner of their sourced ranges (not a probability).

Compute fractions: BF16, FP16, FP8 and INT8 from sourced utilisation studies; FP32 (on the FP32
peak) and TF32 (on the dense TF32 tensor peak) from published ResNet-50 inference throughputs
(NVIDIA DeepLearningExamples). --runtime eager adds plain PyTorch's framework floor per step; such
a framework-bound step is outside the calibration's measurements, so --method calibrated prices it
with the chain's activity model and the fitted host instead (the JSON says so).

Units: vision = image; encoder = sequence; llm-prefill = input token; llm-decode = output token;
llm-query = one query (prefill of the input + decode of the output).
Architecture defaults (when --layers/--kv-heads/--head-dim are absent): layers and attention width
from log-log fits on the models of data/extension/llm_architecture.csv, KV elements per token and
layer their median. An accelerator not in the list: --accelerator custom with its dense peak at the
precision (--peak-tflops), --bandwidth-gbs, --tdp-watts and, for language models, --memory-gb
(--idle-watts optional). Errors (exit status 2): unknown accelerator, a precision the accelerator
lacks, a non-positive or non-finite number, a missing option the workload needs, a batch whose KV
cache does not fit beside the weights (the message names the largest that fits; --cap-batch
runs at it)."""


def _positive(kind: type):
    def parse(text: str):
        try:
            value = kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {'integer' if kind is int else 'number'}, "
                                             f"got {text!r}") from None
        if not (value == value and value not in (float("inf"),) and value > 0):
            raise argparse.ArgumentTypeError(f"expected a positive {'integer' if kind is int else 'number'}, "
                                             f"got {text!r}")
        return value
    return parse


def _one_line_error(message: str) -> None:
    """A bad option of ``estimate``: one line naming it, exit status 2 (no usage dump)."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


#: The named questions of :data:`infertrends.model.scenarios.QUESTIONS` (kept here so that ``--help`` needs no
#: model import; tests/test_assistants.py checks the two agree).
QUESTION_PRESETS = ("short-chat", "long-context", "reasoning")


def add_estimate_parser(sub: Any) -> None:
    """The ``estimate`` subcommand and its options (see :data:`ESTIMATE_HELP`)."""
    import infertrends.model.chain as chain

    p = sub.add_parser("estimate", help="Joules per image, sequence, token or query for your own case",
                       description=ESTIMATE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.error = _one_line_error  # type: ignore[method-assign]
    p.add_argument("--list-accelerators", action="store_true", help="print the accepted accelerator names, one a line")
    p.add_argument("--workload", choices=chain.WORKLOADS, help="kind of work (required)")
    p.add_argument("--accelerator", help="accelerator name (see --list-accelerators), or 'custom' with "
                   "--peak-tflops, --bandwidth-gbs, --tdp-watts (and --memory-gb, --idle-watts) (required)")
    p.add_argument("--count", type=_positive(int), default=1, help="accelerators serving together (default 1)")
    p.add_argument("--precision", choices=chain.PRECISIONS, help="numeric precision of the matrix work (required)")
    p.add_argument("--batch", type=_positive(int), default=1,
                   help="images or sequences in flight across all --count accelerators (default 1); "
                        "for vision and encoders, one image or sequence is not split: with fewer than --count, "
                        "the other accelerators idle and their idle power is counted")
    p.add_argument("--gflops", type=_positive(float), help="GFLOPs per image (vision) or per sequence (encoder)")
    p.add_argument("--params-billions", type=_positive(float), help="total parameters, billions")
    p.add_argument("--active-params-billions", type=_positive(float),
                   help="parameters active per token (mixture of experts; default: all)")
    p.add_argument("--question", choices=QUESTION_PRESETS,
                   help="a question to an assistant as the book names it: --workload llm-query with its input and "
                        "output tokens (short-chat 500/400, long-context 10,000/500, reasoning 500/5,000; chapter "
                        "'One question to an assistant')")
    p.add_argument("--input-tokens", type=_positive(int), help="input tokens per sequence or query")
    p.add_argument("--output-tokens", type=_positive(int), help="output tokens per query")
    p.add_argument("--cap-batch", action="store_true",
                   help="if the batch's KV cache does not fit beside the weights, run at the largest batch that fits")
    p.add_argument("--layers", type=_positive(int), help="transformer layers (default: see above)")
    p.add_argument("--kv-heads", type=_positive(int), help="key/value heads (default: see above)")
    p.add_argument("--head-dim", type=_positive(int), help="size of one attention head (default: see above)")
    p.add_argument("--tensor-parallel", type=_positive(int),
                   help="accelerators per copy of the model; the other --count / N copies are replicas, each "
                        "serving --batch / copies. The accelerators of a copy all-reduce twice per layer "
                        "(Megatron-LM) at NCCL's measured latency and bandwidth (A100, H100, H200 SXM; none "
                        "counted elsewhere, and the estimate says so). Default for language models: the fewest "
                        "that hold the weights and the KV cache of their share of the batch; otherwise all")
    p.add_argument("--peak-tflops", type=_positive(float),
                   help="with --accelerator custom: dense peak at --precision, TFLOPS (TOPS for int8)")
    p.add_argument("--bandwidth-gbs", type=_positive(float), help="with --accelerator custom: memory bandwidth, GB/s")
    p.add_argument("--memory-gb", type=_positive(float),
                   help="with --accelerator custom: memory per accelerator, GB (needed for language models)")
    p.add_argument("--tdp-watts", type=_positive(float), help="with --accelerator custom: TDP (board power), W")
    p.add_argument("--idle-watts", type=_positive(float),
                   help="with --accelerator custom: idle power, W (default: the sourced generic share of TDP)")
    p.add_argument("--boundary", choices=chain.BOUNDARIES,
                   help="accelerator (board), node (server) or facility (with PUE) (required)")
    p.add_argument("--power-cap-watts", type=_positive(float),
                   help="power limit per accelerator, W, at most its TDP (nvidia-smi -pl; MLPerf MaxQ): a step that "
                        "would draw more runs at the limit and slower, by the exponent fitted on MLPerf v4.1's "
                        "capped and uncapped H200 server")
    p.add_argument("--runtime", choices=("optimized", "eager"), default="optimized",
                   help="optimized: a serving engine (TensorRT, vLLM), no framework floor (default); eager: plain "
                        "PyTorch/transformers, a step takes at least its layers x the seconds per layer measured "
                        "where PyTorch's overhead binds (needs --layers for vision and for an encoder given by FLOPs)")
    p.add_argument("--method", choices=("calibrated", "sourced"), default="calibrated",
                   help="calibrated on the book's measurements, with a central 80%% interval (default), or the "
                        "chain with its sourced factors alone, with their range")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _finite(value: Any) -> bool:
    """Whether every number in ``value`` (nested dicts and lists) is finite."""
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)


def run_estimate(args: argparse.Namespace, p_est_error: argparse.ArgumentParser) -> int:
    """Run ``estimate``; a bad request prints one line naming the option and returns 2."""
    import json

    import infertrends.model.accelerators as accelerators
    import infertrends.model.calibrated as calibrated
    import infertrends.model.chain as chain
    import infertrends.model.estimate as estimate

    if args.list_accelerators:
        print("\n".join(accelerators.accelerator_names()))
        return 0
    if args.question is not None:  # a preset: the workload and tokens of a named question, never mixed with others
        import infertrends.model.scenarios as scenarios

        given = [f"--{o.replace('_', '-')}" for o in ("input_tokens", "output_tokens") if getattr(args, o) is not None]
        if given or args.workload not in (None, "llm-query"):
            clash = given[0] if given else f"--workload {args.workload}"
            print(f"error: --question {args.question} sets the workload (llm-query) and its tokens; drop {clash}",
                  file=sys.stderr)
            return 2
        q = next(q for q in scenarios.QUESTIONS if q.key == args.question)
        args.workload, args.input_tokens, args.output_tokens = "llm-query", q.input_tokens, q.output_tokens
    missing = [o for o in ("workload", "accelerator", "precision", "boundary") if getattr(args, o) is None]
    if missing:
        print(f"error: estimate needs --{missing[0]}", file=sys.stderr)
        return 2
    req = estimate.Request(workload=args.workload, accelerator=args.accelerator, count=args.count,
                           precision=args.precision, batch=args.batch, boundary=args.boundary, gflops=args.gflops,
                           params_billions=args.params_billions, active_params_billions=args.active_params_billions,
                           input_tokens=args.input_tokens, output_tokens=args.output_tokens, cap_batch=args.cap_batch,
                           n_layers=args.layers, kv_heads=args.kv_heads, head_dim=args.head_dim,
                           peak_tflops=args.peak_tflops, bandwidth_gb_s=args.bandwidth_gbs, memory_gb=args.memory_gb,
                           tdp_watts=args.tdp_watts, idle_watts=args.idle_watts, tensor_parallel=args.tensor_parallel,
                           runtime=args.runtime, power_cap_watts=args.power_cap_watts)
    try:
        out = (calibrated.calibrated if args.method == "calibrated" else calibrated.sourced)(req)
    except chain.ChainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not _finite(out):  # a last guard: the chain refuses overflows itself; nothing non-finite is ever printed
        print("error: the estimate is not a finite number: an input is out of range", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True, allow_nan=False))
    else:
        capped = f" (capped from {out['batch_requested']})" if out["batch_used"] != out["batch_requested"] else ""
        if out["replicas"] > 1:
            capped += f", {out['replicas']} copies of the model on {out['tensor_parallel']} accelerators each"
        if out["idle_accelerators"]:
            n = out["idle_accelerators"]
            capped += (f", {n} of the {out['count']} accelerators idle (one {out['unit']} each; their idle power "
                       "counted)")
        if out["communication"].startswith("not counted"):
            capped += f" (all-reduces {out['communication'].split(' (')[0]})"
        src = out.get("sourced_chain", out)
        spread = (f"80 % interval {out['low']:.3g} to {out['high']:.3g}; calibrated on "
                  f"{out['calibration']['fitted_on'].split(' (')[0]}" if out["method"] == "calibrated"
                  else f"range of the sourced factors {out['low']:.3g} to {out['high']:.3g}")
        if out["bound"] == "framework" and out["method"] == "calibrated":
            spread += ("; framework-bound, which none of them is: the chain's activity model with the measured "
                       "eager overhead, and the fitted host")
        print(f"{out['joules_per_unit']:.4g} J per {out['unit']} at the {out['boundary']} boundary ({spread}); "
              f"{out['bound']}-bound; batch {out['batch_used']}{capped}; {out['count']} x {out['accelerator']} at "
              f"{out['precision']}, {100 * src['accelerator_power_fraction_of_tdp']:.0f} % of TDP in the chain")
    return 0


if __name__ == "__main__":
    sys.exit(main())
