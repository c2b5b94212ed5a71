"""The hostile-input corpus (tests/hostile_corpus.py): every case gets its exit code and a message
naming file, row and column, and nothing prints a traceback."""

from __future__ import annotations

import inspect
import io
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from dprk_launches import __main__ as cli
from dprk_launches import config, events
from dprk_launches.records import launches
from dprk_launches.records.schemas import DataError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_corpus  # noqa: E402

T = TypeVar("T")
CORPUS = hostile_corpus.cases()
EVENT_KINDS = ("events_row", "events_file", "folder")


def of_kind(*kinds: str) -> list[hostile_corpus.Case]:
    return [c for c in CORPUS if c.kind in kinds]


def ids(cases: list[hostile_corpus.Case]) -> list[str]:
    return [c.name for c in cases]


def commands() -> set[str]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def needs_command(case: hostile_corpus.Case) -> None:
    if case.command is not None and case.command not in commands():
        pytest.skip(f"command '{case.command}' does not exist yet")


def assert_names(text: str, case: hostile_corpus.Case) -> None:
    assert "Traceback" not in text
    assert case.message in text, text
    if case.file is not None:
        assert case.file in text, text
    if case.row is not None:
        where = f"{case.file} row {case.row}"
        if case.column is not None:
            where += f", column '{case.column}'"
        assert where in text, text
    for phrase in case.also:
        assert phrase in text, text


def test_the_corpus_is_big_and_covers_every_class() -> None:
    counts = Counter(c.kind for c in CORPUS)
    assert len(CORPUS) >= 90
    assert set(counts) == {"events_row", "events_file", "folder", "third_party", "cli"}
    assert min(counts.values()) >= 10
    wanted = {"data", "summary", "reports", "events", "dictionary", "claim", "study", "sources"}
    assert wanted <= {c.command for c in of_kind("cli")}


def guarded(case: hostile_corpus.Case, tmp_path: Path, call: Callable[[], T]) -> T:
    """call(), under a watchdog when the case may block (a FIFO), so a regression fails, not hangs."""
    if not case.may_block:
        return call()
    return hostile_corpus.without_hanging(call, tmp_path, seconds=60)


@pytest.mark.parametrize("case", of_kind(*EVENT_KINDS), ids=ids(of_kind(*EVENT_KINDS)))
def test_events_input(case: hostile_corpus.Case, tmp_path: Path) -> None:
    target = case.make(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = guarded(case, tmp_path, lambda: events.run_check(target, out, err))
    assert_names(out.getvalue() + err.getvalue(), case)
    assert code == case.exit_code, out.getvalue() + err.getvalue()
    if case.check_only:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.exit_code == 0:
            guarded(case, tmp_path, lambda: events.load_events(extra=[target]))
            return
        with pytest.raises(DataError) as info:
            guarded(case, tmp_path, lambda: events.load_events(extra=[target]))
    error = info.value
    assert "Traceback" not in str(error)
    if case.kind == "folder":
        assert case.file is None or case.file in str(error)
        return
    assert case.message in str(error) and case.file in error.file
    assert (error.row, error.column) == (case.row, case.column)


def load(loader: str, path: Path) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if loader == "csis":
            return launches.load_provocations(path=path)
        return launches.load_missiles(loader, path=path)


@pytest.mark.usefixtures("mirror")
@pytest.mark.parametrize("case", of_kind("third_party"), ids=ids(of_kind("third_party")))
def test_third_party_file(case: hostile_corpus.Case, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    with pytest.raises(DataError) as info:
        load(case.loader, path)
    error = info.value
    assert case.message in str(error) and case.file in error.file, str(error)
    assert error.column == case.column, str(error)
    if case.row is not None:
        assert error.row == case.row, str(error)
    where = f"file {error.file}" + (f", row {error.row}" if error.row is not None else "")
    assert str(error).startswith(where)


@pytest.mark.parametrize("case", of_kind("cli"), ids=ids(of_kind("cli")))
def test_cli_arguments(
    case: hostile_corpus.Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    needs_command(case)
    argv = case.make(tmp_path)
    try:
        code = guarded(case, tmp_path, lambda: cli.main(argv))
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    assert case.message in text, text
    if case.file is not None:
        assert case.file in text, text
    assert code == case.exit_code, text
    if code == 2:
        assert captured.err.strip(), "an unusable argument must say what to fix on stderr"


SAMPLE = [c for c in of_kind("cli") if c.subprocess]


@pytest.mark.parametrize("case", SAMPLE, ids=ids(SAMPLE))
def test_cli_as_a_user_runs_it(case: hostile_corpus.Case, tmp_path: Path) -> None:
    needs_command(case)
    argv = case.make(tmp_path)
    env = os.environ | {"PYTHONPATH": str(config.PACKAGE_DIR.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "dprk_launches", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    text = done.stdout + done.stderr
    assert "Traceback" not in text
    assert case.message in text, text
    assert done.returncode == case.exit_code, text


def test_output_into_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    if "BrokenPipeError" not in inspect.getsource(cli.main):
        pytest.xfail("__main__.main must handle BrokenPipeError (`... | head`)")
    rows = [
        hostile_corpus.GOOD | {"event_id": f"2022-01-12-x{i}", "title": f"t{i}", "timezone": "X"}
        for i in range(3000)
    ]
    path = tmp_path / "many.csv"
    path.write_text(hostile_corpus.csv_text(rows), encoding="utf-8")
    env = os.environ | {"PYTHONPATH": str(config.PACKAGE_DIR.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dprk_launches", "events", "check", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err, err
