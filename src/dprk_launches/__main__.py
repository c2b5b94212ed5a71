"""Command line: python -m dprk_launches {data, summary, reports, events check, sources update, dictionary, forecast, claim, study}."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import config


def cmd_data(args: argparse.Namespace) -> int:
    """Fetch and verify every source, then write the processed tables."""
    from .processed import build_processed

    for name, path in build_processed(progress=not args.quiet).items():
        print(f"{name}: {config.display_path(path)}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """Print counts per year in both units, events per category and data versions."""
    from .summary import summary

    result = summary()
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    """Build the HTML reports (papermill -> nbconvert), in parallel and incrementally."""
    from .reports import build_reports

    return build_reports(jobs=args.jobs, only=args.only, force=args.force)


def cmd_events_check(args: argparse.Namespace) -> int:
    """Validate a user's events file or folder against the catalogue rules."""
    from .events import run_check

    return run_check(args.path, own_categories=args.own_categories)


def cmd_dictionary(args: argparse.Namespace) -> int:
    """Regenerate data/README.md (data dictionary and provenance) from the schemas."""
    from .dictionary import write_data_readme

    print(config.display_path(write_data_readme()))
    return 0


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of at least 1, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def cmd_sources_update(args: argparse.Namespace) -> int:
    """Re-pin a source to a newer upstream commit and print what changed."""
    from .repin import update_source
    from .schemas import DataError

    try:
        change = update_source(args.name, args.ref, url=args.url, version=args.version)
    except DataError as exc:
        print(f"error: the new file fails validation, nothing was changed: {exc}", file=sys.stderr)
        return 2
    print(change.report())
    print(f"wrote {config.display_path(config.SOURCES_TOML)}")
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    """Print the chance of a launch day within 7 and 30 days after the last data day."""
    from .forecast import HORIZONS, forecast, to_json

    items = forecast(tuple(args.horizon) if args.horizon else HORIZONS)
    if args.json:
        print(json.dumps(to_json(items), indent=2, sort_keys=True))
    else:
        for item in items:
            print(item.sentence())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m dprk_launches", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="fetch + verify sources, build data/processed/")
    data.add_argument("--quiet", action="store_true", help="no progress bars")
    data.set_defaults(func=cmd_data)

    summ = sub.add_parser(
        "summary", help="counts per year (missiles and launch days), events, sources"
    )
    summ.add_argument("--json", action="store_true", help="print one JSON object")
    summ.set_defaults(func=cmd_summary)

    rep = sub.add_parser("reports", help="build reports/*.html and reports/index.html")
    rep.add_argument(
        "--jobs", type=positive_int, default=None, help="parallel notebooks (default: cores)"
    )
    rep.add_argument(
        "--only", action="append", default=None, help="build only this report (repeatable)"
    )
    rep.add_argument("--force", action="store_true", help="rebuild even when inputs are unchanged")
    rep.set_defaults(func=cmd_reports)

    ev = sub.add_parser("events", help="events catalogue tools")
    ev_sub = ev.add_subparsers(dest="events_command", required=True)
    check = ev_sub.add_parser("check", help="validate a user's events CSV (or a folder of them)")
    check.add_argument("path", type=Path)
    check.add_argument(
        "--own-categories",
        action="store_true",
        help="allow your own lowercase categories, as `study` does",
    )
    check.set_defaults(func=cmd_events_check)

    src = sub.add_parser("sources", help="third-party source files")
    src_sub = src.add_subparsers(dest="sources_command", required=True)
    upd = src_sub.add_parser(
        "update", help="re-pin a source to a newer upstream commit and show the rows that changed"
    )
    upd.add_argument("name", help="source name in data/sources.toml, e.g. nagix_tests")
    upd.add_argument("--ref", required=True, help="the upstream commit (40 hex characters)")
    upd.add_argument(
        "--url", default=None, help="take the file from here (http(s), file:// or a path)"
    )
    upd.add_argument("--version", default=None, help="version text to record (default: derived)")
    upd.set_defaults(func=cmd_sources_update)

    fc = sub.add_parser(
        "forecast", help="chance of a launch day in the next 7 and 30 days, with its track record"
    )
    fc.add_argument(
        "--horizon", type=int, choices=(7, 30), action="append", help="7 or 30 (default: both)"
    )
    fc.add_argument("--json", action="store_true", help="print one JSON object")
    fc.set_defaults(func=cmd_forecast)

    dic = sub.add_parser("dictionary", help="regenerate data/README.md from the schemas")
    dic.set_defaults(func=cmd_dictionary)

    from .analyst_cli import register

    register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    from .schemas import DataError
    from .sources import SourceError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SourceError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader closed early (`... | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
