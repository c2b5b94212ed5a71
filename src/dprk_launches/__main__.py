"""Command line: python -m dprk_launches {data, summary, reports, events check, sources update, dictionary, forecast, claim, study}."""

from __future__ import annotations

import argparse
import codecs
import errno
import json
import os
import sys
from pathlib import Path

from . import config

ASCII_FALLBACKS = {
    "\u2013": "-",  # en dash, as in 0.81–1.62
    "\u2014": "--",
    "\u2212": "-",
    "\u2026": "...",
    "\u221e": "inf",
    "\u00b1": "+/-",
    "\u00d7": "x",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2248": "~",
    "\u2192": "->",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
}
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that closed early
EXIT_NO_OUTPUT = 2


def _ascii_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: ASCII look-alikes for our typography ('–' -> '-'), else \\u escapes."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(
        ASCII_FALLBACKS.get(ch) or ch.encode("ascii", "backslashreplace").decode() for ch in text
    ), exc.end


codecs.register_error("dprk_ascii", _ascii_fallback)


def plain_streams() -> None:
    """Give a stdout or stderr that cannot take UTF-8 (PYTHONIOENCODING=ascii, a Latin-1 terminal)
    ASCII fallbacks instead of a UnicodeEncodeError in the middle of the output."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if not encoding or reconfigure is None:
            continue
        try:
            if codecs.lookup(encoding).name.startswith("utf-"):
                continue
        except LookupError:
            pass
        try:
            reconfigure(errors="dprk_ascii")
        except (OSError, ValueError):  # a closed or unusual stream: leave it as it is
            continue


def _say(line: str) -> None:
    """One line on stderr, if stderr can take it (it may be full or closed too)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


def _silence_stdout() -> None:
    """Point stdout's descriptor at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured or replaced stdout: nothing to point
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _stdout_failed(exc: OSError) -> bool:
    """Whether an OSError came from writing stdout: flushing it fails again, or a write error
    (no space, quota, file too large, I/O) with no file name attached."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError:
        return True
    except ValueError:  # stdout closed
        return True
    return exc.filename is None and exc.errno in WRITE_ERRNOS


def _output_failure(exc: OSError) -> int:
    """Stop after stdout failed: silence for a closed pipe, else one line; the exit code."""
    _silence_stdout()
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return EXIT_BROKEN_PIPE  # the reader closed early (`... | head`): stop quietly
    _say(
        f"error: cannot write the output ({exc.strerror or exc}); free space on that device "
        "or send the output elsewhere"
    )
    return EXIT_NO_OUTPUT


def flush_output() -> int | None:
    """Flush stdout now, not at exit (where a failure is a traceback); the exit code if it failed."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:
        return _output_failure(exc)
    except ValueError:  # stdout was closed under us
        return None
    return None


def cmd_data(args: argparse.Namespace) -> int:
    """Fetch and verify every source, then write the processed tables."""
    from .records.processed import build_processed

    for name, path in build_processed(progress=not args.quiet).items():
        print(f"{name}: {config.display_path(path)}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """Print counts per year in both units, events per category and data versions."""
    from .reports.summary import summary

    result = summary()
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    """Build the HTML reports (papermill -> nbconvert), in parallel and incrementally."""
    from .reports.build import build_reports

    return build_reports(jobs=args.jobs, only=args.only, force=args.force)


def cmd_events_check(args: argparse.Namespace) -> int:
    """Validate a user's events file or folder against the catalogue rules."""
    from .events import run_check

    return run_check(args.path, own_categories=args.own_categories)


def cmd_dictionary(args: argparse.Namespace) -> int:
    """Regenerate data/README.md (data dictionary and provenance) from the schemas."""
    from .records.dictionary import write_data_readme

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
    from .records.repin import update_source
    from .records.schemas import DataError

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
    from .questions.forecast import HORIZONS, forecast, to_json

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

    from .cli import register

    register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    from .records.schemas import DataError
    from .records.sources import SourceError

    plain_streams()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help or a refused argument: its text must reach stdout too
        failed = flush_output()
        raise SystemExit(failed if failed is not None else stop.code) from None
    try:
        code = args.func(args)
    except (SourceError, DataError) as exc:
        _say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("interrupted (Ctrl-C)")
        return 130
    except BrokenPipeError as exc:
        return _output_failure(exc)
    except OSError as exc:
        if not _stdout_failed(exc):
            raise
        return _output_failure(exc)
    failed = flush_output()
    return code if failed is None else failed


if __name__ == "__main__":
    sys.exit(main())
