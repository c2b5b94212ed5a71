"""Hostile outputs and inputs of the commands (issue 21): a stdout that cannot take UTF-8, a full device,
a closed pipe, a FIFO or device as input, same-day events, counts that must equal their JSON fields,
and an events file that changes while a study runs. Each case runs the command as a user would."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_run import run
from dprk_launches import cli as analyst_cli
from dprk_launches import config
from dprk_launches.events import reads as event_reads
from dprk_launches.questions import study
from dprk_launches.records import schemas
from dprk_launches.records.schemas import DataError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_corpus  # noqa: E402

pytestmark = pytest.mark.usefixtures("mirror")

ENV = os.environ | {"PYTHONPATH": str(config.PACKAGE_DIR.parent)}
TIMEOUT = 300
ROW = {
    "category": "my_remarks",
    "actor": "Test",
    "date_precision": "day",
    "timezone": "America/New_York",
    "source_url": "https://example.org/remarks",
    "source_kind": "secondary",
    "source_note": "test row",
}
SPREAD = ["2017-08-08", "2019-05-01", "2022-03-01"]
SAME_DAY = ["2022-01-12"] * 50 + ["1950-06-25"]  # 50 on one day, one before the launch data


def write_events(path: Path, days: list[str], slug: str = "e") -> Path:
    """An events CSV of own-category rows, one per day given (days may repeat)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=schemas.EVENT_FILE_COLUMNS)
        writer.writeheader()
        for i, day in enumerate(days):
            row = dict.fromkeys(schemas.EVENT_FILE_COLUMNS, "") | ROW
            writer.writerow(
                row | {"event_id": f"{day}-{slug}{i}", "title": f"{slug} {i}", "start_date": day}
            )
    return path


def cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stdout: object = subprocess.PIPE
) -> subprocess.CompletedProcess:
    """`python -m dprk_launches ARGS` in a child process (bytes out), with a timeout."""
    return subprocess.run(
        [sys.executable, "-m", "dprk_launches", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=ENV | (env or {}),
        timeout=TIMEOUT,
    )


def one_error_line(err: bytes) -> str:
    """The single stderr line a refusal must be (no traceback, no 'Exception ignored')."""
    text = err.decode("utf-8", "replace")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    lines = [line for line in text.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith("error: "), text
    return lines[0]


# ---- stdout that cannot take the output ------------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_stdout_without_utf8_gets_ascii_fallbacks(tmp_path: Path, encoding: str) -> None:
    write_events(tmp_path / "ev.csv", SPREAD)
    done = cli(["study", "ev.csv", "--no-report"], tmp_path, {"PYTHONIOENCODING": encoding})
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and done.returncode == 0, err
    text = done.stdout.decode(encoding)
    assert text.startswith("No finding -- 3 events (3 yours;") and "95% CI" in text, text
    assert "\u2013" not in text and re.search(r"CI \d+\.\d\d-\d+\.\d\d", text), text


def test_json_on_an_ascii_stdout_is_still_json_with_the_same_text(tmp_path: Path) -> None:
    write_events(tmp_path / "ev.csv", SPREAD)
    done = cli(
        ["study", "ev.csv", "--no-report", "--json"], tmp_path, {"PYTHONIOENCODING": "ascii"}
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    data = json.loads(done.stdout.decode("ascii"))
    assert "\u2013" in data["summary"]  # escaped as \u2013 on the wire, the same text once read


def test_an_error_naming_a_non_ascii_file_on_an_ascii_stderr(tmp_path: Path) -> None:
    done = cli(
        ["study", "caf\u00e9-\u2013.csv", "--no-report"], tmp_path, {"PYTHONIOENCODING": "ascii"}
    )
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "no such file or folder" in line, line


def test_stdout_on_a_full_device_is_one_line_and_exit_2(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    write_events(tmp_path / "ev.csv", SPREAD)
    with open("/dev/full", "wb") as full:
        done = cli(["study", "ev.csv", "--no-report"], tmp_path, stdout=full)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "cannot write the output (No space left" in line, line


def many_problems(tmp_path: Path) -> Path:
    """An events file whose `events check` prints 3000 lines (stdout fails mid-command)."""
    rows = [
        hostile_corpus.GOOD | {"event_id": f"2022-01-12-x{i}", "title": f"t{i}", "timezone": "X"}
        for i in range(3000)
    ]
    path = tmp_path / "many.csv"
    path.write_text(hostile_corpus.csv_text(rows), encoding="utf-8")
    return path


def test_a_full_device_in_the_middle_of_the_output(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    path = many_problems(tmp_path)
    with open("/dev/full", "wb") as full:
        done = cli(["events", "check", str(path)], tmp_path, stdout=full)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "cannot write the output" in line, line


@pytest.mark.parametrize(
    "args",
    [["study", "ev.csv", "--no-report", "--json"], ["events", "check", "many.csv"]],
    ids=["study-json", "check-3000-lines"],
)
def test_a_closed_pipe_is_silent_with_exit_141(tmp_path: Path, args: list[str]) -> None:
    write_events(tmp_path / "ev.csv", SPREAD)
    many_problems(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dprk_launches", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=ENV,
    )
    proc.stdout.close()  # the reader is gone before the first byte (`... | head -0`)
    err = proc.stderr.read().decode(errors="replace")
    proc.wait(timeout=TIMEOUT)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert not [line for line in err.splitlines() if not line.startswith("warning: ")], err
    assert proc.returncode == 141, err


# ---- a FIFO or a device as input -------------------------------------------------------------


def test_a_fifo_is_refused_by_study_at_once(tmp_path: Path) -> None:
    fifo = hostile_corpus.fifo_of("pipe.csv")(tmp_path)
    with pytest.raises(study.StudyError, match=r"pipe\.csv is a named pipe \(FIFO\), not a file"):
        hostile_corpus.without_hanging(lambda: study.resolve_path(fifo), tmp_path, seconds=30)


def test_a_file_swapped_for_a_fifo_after_the_check_is_not_waited_on(tmp_path: Path) -> None:
    fifo = hostile_corpus.fifo_of("pipe.csv")(tmp_path)  # as if the check had seen a file here
    with pytest.raises(DataError, match=r"is a named pipe \(FIFO\), not a CSV file"):
        hostile_corpus.without_hanging(
            lambda: event_reads.read_bytes(fifo, "pipe.csv"), tmp_path, seconds=30
        )


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused_by_study(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"needs {device}")
    with pytest.raises(study.StudyError, match="is a character device, not a file"):
        study.resolve_path(device)


def test_a_fifo_given_to_study_exits_2_in_a_child_process(tmp_path: Path) -> None:
    hostile_corpus.fifo_of("pipe.csv")(tmp_path)
    done = cli(["study", "pipe.csv", "--no-report"], tmp_path)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "named pipe (FIFO)" in line, line


# ---- honest counts -----------------------------------------------------------------------------

OPENING = re.compile(
    r"^(?:No finding|Finding: (?:more|fewer) launch days) — (?P<n_events>\d+) event days? from (?P<n_event_rows>\d+) events \((?P<n_mine>\d+) yours; "
    r"(?P<n_events_merged>\d+) merged \(same day as another\)"
    r"(?:; (?P<n_events_dropped>\d+) left out \(windows outside the data\))?; categories [^)]+\): "
    r"(?P<observed>\d+) launch days? in days"
)
SUMMARY = re.compile(
    r"after (?P<n_events>\d+) events?: observed (?P<observed>\d+),.*"
    r"Before the events, days \[-?\d+, -?\d+\]: observed (?P<observed_pre>\d+)",
    re.DOTALL,
)


def test_same_day_events_are_merged_not_left_out_and_every_count_is_its_json_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_events(tmp_path / "same_day.csv", SAME_DAY)
    code, out, err = run(["study", str(path), "--json", "--no-report"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert (data["n_events"], data["n_events_merged"], data["n_events_dropped"]) == (1, 49, 1)
    assert data["n_event_rows"] == data["n_mine"] == 50
    code, text, err = run(["study", str(path), "--no-report"], capsys)
    assert code == 0, err
    line = text.strip()
    assert "49 merged (same day as another)" in line and "1 left out" in line, line
    assert "49 left out" not in line and "50 left out" not in line, line
    found = OPENING.match(line)
    assert found, line
    for key, value in found.groupdict().items():
        assert int(value) == data[key], (key, line, data[key])
    summary = SUMMARY.search(data["summary"])
    assert summary, data["summary"]
    for key, value in summary.groupdict().items():
        assert int(value) == data[key], (key, data["summary"], data[key])


def test_observed_pre_is_the_headline_tests_count_over_event_days(tmp_path: Path) -> None:
    one, _ = study.run_study(write_events(tmp_path / "one.csv", ["2022-01-12"]), n_draws=200)
    fifty, _ = study.run_study(
        write_events(tmp_path / "fifty.csv", ["2022-01-12"] * 50), n_draws=200
    )
    assert fifty.n_events == one.n_events == 1 and fifty.n_events_merged == 49
    assert fifty.observed_pre == one.observed_pre, "merged rows must not multiply the count"
    assert f"observed {fifty.observed_pre}," in fifty.summary
    assert fifty.to_json()["expected_pre"] is not None


def test_a_study_without_merges_keeps_its_plain_sentence(tmp_path: Path) -> None:
    result, _ = study.run_study(write_events(tmp_path / "ev.csv", SPREAD), n_draws=200)
    text = study.sentence(result)
    assert text.startswith("No finding — 3 events (3 yours; categories my_remarks): "), text
    assert "merged" not in text and "left out" not in text
    assert result.to_json()["n_events_merged"] == 0


# ---- one read per run --------------------------------------------------------------------------


def test_a_snapshot_is_all_a_study_reads(tmp_path: Path) -> None:
    path = write_events(tmp_path / "ev.csv", SPREAD[:2])
    snap = study.take_snapshot(path)
    write_events(path, SPREAD, slug="changed")  # the file changes after it was read
    result, used = study.run_study(path, n_draws=200, snapshot=snap)
    assert result.n_events == 2 and set(used["event_id"]) == {"2017-08-08-e0", "2019-05-01-e1"}
    path.unlink()  # and nothing reads it again
    again, _ = study.run_study(path, n_draws=200, snapshot=snap)
    assert again.to_json() == result.to_json()


def test_a_snapshot_handed_to_a_report_must_match_its_digest(tmp_path: Path) -> None:
    snap = study.take_snapshot(write_events(tmp_path / "ev.csv", SPREAD))
    value = snap.to_parameter()
    assert study.Snapshot.from_parameter(json.loads(json.dumps(value))).sha256 == snap.sha256
    name = next(iter(value["files"]))
    forged = value | {"files": {name: value["files"][name].replace("2017", "2018")}}
    with pytest.raises(ValueError, match="does not match"):
        study.Snapshot.from_parameter(forged)


def test_a_file_changing_mid_run_cannot_mix_two_versions_on_one_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_events(tmp_path / "mine.csv", SPREAD, slug="first")
    real_build = analyst_cli.build_page

    def build_after_an_edit(
        name: str, notebook: str, title: str, parameters: dict, out_dir: Path, kernel: object
    ) -> Path:
        write_events(path, ["2016-02-07", "2020-10-10"], slug="second")  # the user saves mid-run
        return real_build(name, notebook, title, parameters | {"fast": True}, out_dir, kernel)

    monkeypatch.setattr(analyst_cli, "build_page", build_after_an_edit)
    out = tmp_path / "out"
    code, text, err = run(["study", str(path), "--json", "--out", str(out)], capsys)
    assert code == 0, err
    data = json.loads(text)
    page = (out / "mine.html").read_text(encoding="utf-8")
    for day in SPREAD:
        assert f"{day}-first" in page, "the page must show the rows the numbers came from"
    assert "-second" not in page, "the page mixes the file's two versions"
    assert f"{data['n_events']} events (3 yours;" in page
    observed_pre = re.search(r"where (\d+) launch days? fell", page)
    assert observed_pre and int(observed_pre.group(1)) == data["observed_pre"]


# ---- a 50,000-row study ------------------------------------------------------------------------


def _bench() -> object:
    """benchmarks/run.py as a module."""
    sys.path.insert(0, str(config.PROJECT_ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    return bench


def test_the_study_memory_bench_measures_a_child_study(tmp_path: Path) -> None:
    bench = _bench()
    path = bench.synthetic_events(tmp_path / "ev.csv", rows=400)
    with open(path, encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 401
    found = bench.study_memory(rows=400)
    assert found["rows"] == 400 and 300 < found["event_days"] <= 400
    assert 50 < found["peak_mb"] < bench.STUDY_LIMIT_MB and found["seconds"] > 0


def test_a_50000_row_study_stays_within_1_gb() -> None:
    # analysis/shift.shift_test evaluates its draws in chunks (was about 4.6 GB, now about 0.55 GB)
    bench = _bench()
    found = bench.study_memory(rows=bench.STUDY_ROWS)
    assert found["event_days"] > 5000
    assert found["peak_mb"] <= bench.STUDY_LIMIT_MB, found
