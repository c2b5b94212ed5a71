"""The analyst's commands: `claim` (check a retaliation claim) and `study` (your own events)."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import config

if TYPE_CHECKING:
    from .reports.kernel import StartedKernel

CLAIM_NOTEBOOK = "03_case_january_2022.ipynb"
STUDY_NOTEBOOK = "06_your_events.ipynb"


class ReportError(RuntimeError):
    """A report page that could not be built."""


def _kinds(text: str) -> tuple[str, ...]:
    """The `--kinds` value as launch kinds (an argparse error naming the allowed ones)."""
    from .records.supplement import parse_kinds

    try:
        return parse_kinds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _kinds_option(parser: argparse.ArgumentParser) -> None:
    """The `--kinds` option: which launch kinds make the launch series."""
    parser.add_argument(
        "--kinds",
        type=_kinds,
        default=("ballistic",),
        metavar="KINDS",
        help="launch kinds of the series, comma-separated: ballistic (default, CNS/NTI scope plus "
        "our supplement), and cruise and/or other to add those launch days from CSIS and our "
        "supplement, e.g. ballistic,cruise; or all",
    )


def _one_line_error(parser: argparse.ArgumentParser) -> None:
    """Make argument errors one line on stderr with exit code 2 (no usage dump)."""

    def error(message: str) -> NoReturn:
        """Print the argparse message as one line and exit 2."""
        print(f"error: {parser.prog}: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)

    parser.error = error  # type: ignore[method-assign]


def to_json_text(data: dict) -> str:
    """JSON for stdout: non-ASCII text kept where stdout takes UTF-8, else \\u escapes (still JSON)."""
    try:
        utf8 = codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        utf8 = False
    return json.dumps(data, indent=2, ensure_ascii=not utf8)


def start_kernel(notebook: str) -> StartedKernel:
    """A kernel for NOTEBOOK started now, importing what the notebook imports, so that its start
    runs beside the command's own computation instead of after it."""
    from .reports.kernel import StartedKernel, notebook_imports

    path = config.NOTEBOOKS_DIR / notebook
    return StartedKernel(path.parent, notebook_imports(path))


@contextlib.contextmanager
def page_kernel(notebook: str, out_dir: Path, no_report: bool) -> Iterator[StartedKernel | None]:
    """The kernel for a command's page (None with --no-report), started first so that it boots
    while the command imports and runs its analysis, and always stopped; a bad --out is refused
    before the work (the page machinery, nbformat and nbconvert, loads only for a page)."""
    if no_report:
        yield None
        return
    kernel = start_kernel(notebook)
    try:
        from .reports import build as reports

        reports.check_out_dir(out_dir)
        yield kernel
    finally:
        kernel.stop()


def build_page(
    name: str,
    notebook: str,
    title: str,
    parameters: dict,
    out_dir: Path,
    kernel: StartedKernel | None = None,
) -> Path:
    """Run a template notebook with parameters into out_dir/name.html (skipped when its inputs are
    unchanged), in `kernel` when one was started for it."""
    from .reports import build as reports

    spec = reports.ReportSpec(
        name=name, notebook=config.NOTEBOOKS_DIR / notebook, title=title, parameters=parameters
    )
    result = reports.build_report(spec, out_dir, kernel=kernel)
    if result.error or result.html is None:
        raise ReportError(f"the report {name} could not be built: {result.error}")
    return Path(result.html)


def _shown(page: Path) -> str:
    """A report path as the user should type it: relative to the current directory when inside it."""
    try:
        return page.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(page.resolve())


def _out_dir(value: Path | None, default: Path) -> Path:
    """The output folder: --out resolved from the current directory, else the default under reports/."""
    return (Path.cwd() / value).resolve() if value is not None else default


def cmd_claim(args: argparse.Namespace) -> int:
    """Check a claim that a launch answered an event; print the verdict (or JSON) and the report path."""
    out_dir = _out_dir(args.out, config.REPORTS_DIR / "claims")
    with page_kernel(CLAIM_NOTEBOOK, out_dir, args.no_report) as kernel:
        from .questions.claim import check as claim

        result = claim.check_claim(
            args.event_date,
            args.event_tz,
            event_time=args.event_time,
            launch_date=args.launch_date,
            within=args.within,
            title=args.title,
            kinds=args.kinds,
        )
        report = None
        if kernel is not None:
            parameters = claim.notebook_parameters(
                args.event_date,
                args.event_tz,
                args.event_time,
                args.launch_date,
                args.within,
                args.title,
                args.kinds,
            ) | {"precomputed": result.to_json()}
            title = f"Claim check: {result.title or 'the event of ' + result.event_date}"
            name = claim.report_name(result)
            report = _shown(build_page(name, CLAIM_NOTEBOOK, title, parameters, out_dir, kernel))
    if args.json:
        print(to_json_text(result.to_json(report)))
    else:
        print(result.verdict)
        if report:
            print(f"report: {report}")
    return 0


def _count(text: str) -> int:
    """A whole number from 0 to 10,000 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"expected 0 to 10000, not {value}")
    return value


def cmd_study(args: argparse.Namespace) -> int:
    """Event study of the user's events; print the headline numbers (or JSON) and the report path."""
    out_dir = _out_dir(args.out, config.REPORTS_DIR / "studies")
    with page_kernel(STUDY_NOTEBOOK, out_dir, args.no_report) as kernel:
        from .questions import study

        name = study.check_name(args.name) if args.name else study.default_name(args.path)
        snapshot = study.take_snapshot(args.path)  # read once; the page uses these bytes
        result, _ = study.run_study(
            args.path,
            tuple(args.window),
            tuple(args.pre_window),
            args.only_mine,
            snapshot=snapshot,
            kinds=args.kinds,
            placebo_sets=args.placebo_sets,
        )
        report = None
        if kernel is not None:
            parameters = {
                "events_path": str(snapshot.root),
                "events_snapshot": snapshot.to_parameter(),
                "window": list(args.window),
                "pre_window": list(args.pre_window),
                "only_mine": bool(args.only_mine),
                "label": name,
                "kinds": ",".join(args.kinds),
                "precomputed": result.to_json(),
            }
            title = f"Event study: {name}"
            report = _shown(build_page(name, STUDY_NOTEBOOK, title, parameters, out_dir, kernel))
    if args.json:
        print(to_json_text(result.to_json(report)))
    else:
        print(study.sentence(result))
        if report:
            print(f"report: {report}")
    return 0


def _guarded(func: object) -> object:
    """Run a command: unusable input is one line on stderr and exit 2; Ctrl-C is one line and 130.
    The error classes are imported when the command runs, so that `--help` loads no analysis."""

    def run(args: argparse.Namespace) -> int:
        """The command with its errors turned into exit codes."""
        from .questions.claim.check import ClaimError
        from .questions.study import StudyError
        from .records.schemas import DataError
        from .records.sources import SourceError

        try:
            return func(args)  # type: ignore[operator]
        except (ClaimError, StudyError, DataError, SourceError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except ReportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130

    return run


def _window(parser: argparse.ArgumentParser, flag: str, default: list[int], what: str) -> None:
    """A two-integer window option (first and last day offset)."""
    parser.add_argument(
        flag,
        nargs=2,
        type=int,
        default=default,
        metavar=("FIRST", "LAST"),
        help=f"{what}, in days relative to each event (default {default[0]} {default[1]})",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `claim` and `study` sub-commands to the CLI."""
    cl = sub.add_parser(
        "claim",
        help="check a claim that a launch answered an event (Pyongyang clock, base rate)",
        description="Put an event and the launches after it on the Pyongyang clock and ask how "
        "likely a launch that soon was from the launch tempo before the event.",
    )
    cl.add_argument("--event-date", required=True, help="YYYY-MM-DD on the event's own calendar")
    cl.add_argument(
        "--event-tz", required=True, help="IANA zone of that calendar, e.g. America/New_York"
    )
    cl.add_argument("--event-time", help="HH:MM local time of the event (default 12:00)")
    cl.add_argument(
        "--launch-date", help="the launch the claim names, YYYY-MM-DD on the Pyongyang clock"
    )
    cl.add_argument(
        "--within",
        type=int,
        help="days after the event to look for launches (default: to the named launch, else 7)",
    )
    cl.add_argument("--title", help="a short name for the event, used in the report")
    _kinds_option(cl)
    cl.add_argument("--json", action="store_true", help="print one JSON object")
    cl.add_argument("--out", type=Path, help="folder for the HTML report (default reports/claims)")
    cl.add_argument("--no-report", action="store_true", help="skip the HTML report (faster)")
    cl.set_defaults(func=_guarded(cmd_claim))
    _one_line_error(cl)

    st = sub.add_parser(
        "study",
        help="event study of your own events CSV (or a folder of them)",
        description="The event-study report (headline test, raster with placebo band, "
        "sensitivity grid, power) for your events; your categories may be any lowercase name.",
    )
    st.add_argument("path", help="your events CSV or folder (relative to the current directory)")
    _window(st, "--window", [1, 30], "the window tested")
    _window(st, "--pre-window", [-30, -1], "the window before, described in the report")
    st.add_argument("--name", help="report name (default: the file's name)")
    st.add_argument(
        "--only-mine",
        action="store_true",
        help="study only your rows, not ours of the same category",
    )
    _kinds_option(st)
    st.add_argument(
        "--placebo-sets",
        type=_count,
        default=0,
        metavar="N",
        help="also run the test on N sets of placebo dates drawn within your events' years, "
        "with the real launches (how often it calls chance significant; about 100 is enough)",
    )
    st.add_argument("--json", action="store_true", help="print one JSON object")
    st.add_argument("--out", type=Path, help="folder for the HTML report (default reports/studies)")
    st.add_argument("--no-report", action="store_true", help="skip the HTML report (faster)")
    st.set_defaults(func=_guarded(cmd_study))
    _one_line_error(st)
