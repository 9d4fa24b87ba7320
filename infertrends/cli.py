"""Command line: ``python -m infertrends {build,run,references,params,datadict}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import infertrends.build as build
import infertrends.params as params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infertrends", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p_build = sub.add_parser("build", help="execute every chapter (cached) and build the HTML book")
    p_build.add_argument("--jobs", type=int, default=2, help="chapters executed in parallel (default 2)")
    p_build.add_argument("--force", action="store_true", help="re-execute even unchanged chapters")

    p_run = sub.add_parser("run", help="rerun one chapter with other parameters into its own folder")
    p_run.add_argument("chapter", help="chapter name, e.g. flop-conventions")
    p_run.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                       help="set a parameter (repeatable); see 'infertrends params CHAPTER'")
    p_run.add_argument("--out", type=Path, default=None, help="output folder (default runs/<chapter>/<params>)")
    p_run.add_argument("--no-html", action="store_true", help="skip the HTML page (notebook and tables only)")

    p_ref = sub.add_parser("references", help="re-execute chapters and overwrite the nbval reference notebooks")
    p_ref.add_argument("--jobs", type=int, default=2)

    p_sw = sub.add_parser("scenarios", help="run the energy chapter under every named scenario (papermill)")
    p_sw.add_argument("--out", type=Path, default=None, help="output folder (default runs/scenarios)")
    p_sw.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    p_sw.add_argument("--jobs", type=int, default=2)

    p_par = sub.add_parser("params", help="list a chapter's parameters, defaults and allowed values")
    p_par.add_argument("chapter", nargs="?", default=None)

    sub.add_parser("datadict", help="print the data dictionary generated from the schemas")
    sub.add_parser("chapters", help="list the chapters in book order")

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build.build(jobs=args.jobs, force=args.force)
        elif args.command == "run":
            build.rerun(args.chapter, params.parse_cli(args.chapter, args.param), out=args.out,
                        html=not args.no_html)
        elif args.command == "scenarios":
            build.sweep(args.out, html=not args.no_html, jobs=args.jobs)
        elif args.command == "references":
            build.update_references(jobs=args.jobs)
        elif args.command == "params":
            names = [args.chapter] if args.chapter else sorted(params.CHAPTERS)
            print("\n\n".join(params.describe(n) for n in names))
        elif args.command == "datadict":
            from infertrends.data import ALL_SPECS
            from infertrends.schema import data_dictionary

            for spec in ALL_SPECS.values():
                print(f"### `{spec.filename}` - {spec.title}\n\nKey: {', '.join(spec.key)}\n")
                print(data_dictionary(spec) + "\n")
        elif args.command == "chapters":
            print("\n".join(build.chapters()))
    except (params.ParameterError, build.BuildError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
