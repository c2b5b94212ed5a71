"""`study`: a user's own events (own categories, --only-mine), edits that change the answer, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli_run import run
from dprk_launches import cli as analyst_cli
from dprk_launches import config
from dprk_launches.questions import study
from dprk_launches.records import schemas
from dprk_launches.reports import build as reports

pytestmark = pytest.mark.usefixtures("mirror")

ROW = {
    "event_id": "2017-08-08-test-remarks",
    "category": "my_remarks",
    "subcategory": "remarks",
    "actor": "Test",
    "title": "A test remark",
    "start_date": "2017-08-08",
    "end_date": "",
    "date_precision": "day",
    "timezone": "America/New_York",
    "time_local": "",
    "source_url": "https://example.org/remarks",
    "source_kind": "secondary",
    "source_note": "test row",
    "notes": "",
    "responds_to": "",
    "threat_level": "",
}
KEYS = {"n_events", "observed", "expected", "rate_ratio", "ci", "p_value", "window", "report"}


def row(day: str, slug: str, **changes: str) -> dict:
    return ROW | {"event_id": f"{day}-{slug}", "start_date": day, "title": f"Test {slug}"} | changes


def write(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or schemas.EVENT_FILE_COLUMNS
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


THREE = [row("2017-08-08", "a"), row("2019-05-01", "b"), row("2022-03-01", "c")]


def test_study_json_from_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "mine" / "my_events.csv", THREE)
    monkeypatch.chdir(tmp_path / "mine")
    code, out, err = run(["study", "my_events.csv", "--json", "--no-report"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert KEYS <= set(data)
    assert data["n_events"] == 3
    assert data["n_mine"] == 3
    assert data["categories"] == ["my_remarks"]
    assert data["window"] == [1, 30]
    assert data["report"] is None
    assert data["observed"] >= 0 and data["expected"] > 0
    lo, hi = data["ci"]
    assert lo is None or hi is None or lo <= data["rate_ratio"] <= hi
    assert 0 < data["p_value"] <= 1


def test_editing_the_file_changes_the_answer(tmp_path: Path) -> None:
    path = write(tmp_path / "ev.csv", THREE[:2])
    first, used = study.run_study(path, n_draws=500)
    write(path, [*THREE, row("2017-09-04", "d")])
    second, used2 = study.run_study(path, n_draws=500)
    assert (first.n_events, second.n_events) == (2, 4)
    assert set(used2["event_id"]) - set(used["event_id"]) == {"2022-03-01-c", "2017-09-04-d"}
    assert first.to_json() != second.to_json()


def test_own_rows_join_ours_of_the_same_category_unless_only_mine(tmp_path: Path) -> None:
    mine = row("2021-06-01", "mine", category="sanctions_us", subcategory="designation")
    path = write(tmp_path / "ev.csv", [mine])
    both, used = study.run_study(path, n_draws=200)
    alone, used_alone = study.run_study(path, only_mine=True, n_draws=200)
    assert alone.n_events == 1 and list(used_alone["event_id"]) == ["2021-06-01-mine"]
    assert both.n_events > 20
    assert set(used["category"]) == {"sanctions_us"}
    assert used["mine"].sum() == 1


def test_a_folder_of_files_and_categories_kept(tmp_path: Path) -> None:
    write(tmp_path / "f" / "a.csv", THREE[:2])
    write(tmp_path / "f" / "b.csv", [row("2022-03-01", "c", category="demarches")])
    result, used = study.run_study(tmp_path / "f", n_draws=200)
    assert result.categories == ["demarches", "my_remarks"]
    assert set(used["file"]) == {str(tmp_path / "f" / "a.csv"), str(tmp_path / "f" / "b.csv")}


def test_report_parameters_match_the_template(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = {}

    def fake(
        name: str, notebook: str, title: str, parameters: dict, out_dir: Path, kernel: object
    ) -> Path:
        seen.update(name=name, notebook=notebook, parameters=parameters, out_dir=out_dir)
        return out_dir / f"{name}.html"

    path = write(tmp_path / "my list.csv", THREE)
    monkeypatch.setattr(analyst_cli, "build_page", fake)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["study", "my list.csv", "--window", "1", "14", "--json"], capsys)
    assert code == 0, err
    declared = reports.notebook_parameters(config.NOTEBOOKS_DIR / analyst_cli.STUDY_NOTEBOOK)
    assert set(seen["parameters"]) <= set(declared)
    assert seen["name"] == "my-list"
    assert seen["parameters"]["events_path"] == str(path.resolve())
    assert seen["parameters"]["window"] == [1, 14]
    assert seen["out_dir"] == config.REPORTS_DIR / "studies"
    restored = study.StudyResult.from_json(seen["parameters"]["precomputed"])
    assert restored.n_events == json.loads(out)["n_events"] == 3
    assert json.loads(out)["report"].endswith("my-list.html")


def test_template_csv_loads_with_its_own_category() -> None:
    table, mine = study.load_user_events(config.PROJECT_ROOT / "examples" / "my_events.csv")
    assert len(mine) == 1
    assert (
        table.set_index("event_id").loc[next(iter(mine)), "category"]
        not in schemas.EVENT_CATEGORIES
    )


def bad_files(tmp: Path) -> list[tuple[list[str], str]]:
    """(arguments, text the one-line error must contain) for each broken input."""
    (tmp / "empty_dir").mkdir()
    (tmp / "latin1.csv").write_bytes(
        ",".join(schemas.EVENT_FILE_COLUMNS).encode() + b"\n" + "é".encode("latin-1")
    )
    (tmp / "header_only.csv").write_text(",".join(schemas.EVENT_FILE_COLUMNS) + "\n")
    write(tmp / "no_title.csv", THREE, [c for c in schemas.EVENT_FILE_COLUMNS if c != "title"])
    write(tmp / "caps.csv", [row("2017-08-08", "a", category="My Remarks")])
    write(tmp / "bad_date.csv", [THREE[0], row("2022-02-30", "x")])
    write(tmp / "bad_zone.csv", [row("2017-08-08", "a", timezone="Korea/Pyongyang")])
    write(tmp / "old.csv", [row("1950-06-25", "war")])
    write(tmp / "good.csv", THREE)
    return [
        (["study", str(tmp / "missing.csv")], "no such file or folder"),
        (["study", str(tmp / "empty_dir")], "has no .csv files"),
        (["study", str(tmp / "latin1.csv")], "not UTF-8"),
        (["study", str(tmp / "header_only.csv")], "no events"),
        (["study", str(tmp / "no_title.csv")], "missing column"),
        (["study", str(tmp / "caps.csv")], "row 2, column 'category'"),
        (["study", str(tmp / "bad_date.csv")], "row 3, column 'start_date'"),
        (["study", str(tmp / "bad_zone.csv")], "column 'timezone'"),
        (["study", str(tmp / "old.csv")], "inside the launch data"),
        (["study", str(tmp / "good.csv"), "--window", "30", "1"], "must not come after"),
        (
            ["study", str(tmp / "good.csv"), "--window", "1", "400"],
            "longer than the launch data allow",
        ),
        (["study", str(tmp / "good.csv"), "--pre-window", "-900", "-1"], "--pre-window"),
        (["study", str(tmp / "good.csv"), "--window", "1"], "expected 2 arguments"),
        (["study", str(tmp / "good.csv"), "--name", "../escape"], "--name"),
    ]


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args, says in bad_files(tmp_path):
        code, out, err = run([*args, "--json", "--no-report"], capsys)
        lines = err.strip().splitlines()
        assert code == 2, (args, err)
        assert out == "", args
        assert len(lines) == 1, (args, err)
        assert lines[0].startswith("error: ") and says in lines[0], (args, lines[0])
        assert "Traceback" not in err
        assert "dprk-study-" not in err, "temporary paths must not leak into messages"


def test_placebo_sets_check_the_test_on_the_real_launches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "ev.csv", THREE)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(
        ["study", "ev.csv", "--json", "--no-report", "--placebo-sets", "6"], capsys
    )
    assert code == 0, err
    checked = json.loads(out)["real_placebo"]
    assert checked["n_sets"] == 6 and 0 <= checked["type1_more"] <= checked["type1"] <= 1
    result, _ = study.run_study(tmp_path / "ev.csv", n_draws=200, placebo_sets=6)
    assert result.real_placebo == checked  # seeded: the same sets every time
    assert "Real-record check: with the real launches and 6 sets" in study.sentence(result)
    plain, _ = study.run_study(tmp_path / "ev.csv", n_draws=200)
    assert plain.real_placebo is None and "Real-record" not in study.sentence(plain)
    for bad in ("-1", "x", "10001"):
        code, out, err = run(["study", "ev.csv", "--no-report", "--placebo-sets", bad], capsys)
        assert code == 2 and "--placebo-sets" in err and len(err.strip().splitlines()) == 1
