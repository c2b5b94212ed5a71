"""Project-level contracts: dependency lists agree, the data dictionary is fresh, the CLI answers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from dprk_launches import config
from dprk_launches.__main__ import main
from dprk_launches.records import dictionary, table_schemas


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_packages() -> None:
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pyproject = {
        _name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    }
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == pyproject


def test_data_readme_is_generated_from_the_schemas() -> None:
    committed = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert committed == dictionary.data_readme_text(), (
        "data/README.md is stale: run `python -m dprk_launches dictionary`"
    )


def test_every_schema_column_is_described() -> None:
    for schema in table_schemas.ALL_SCHEMAS:
        for name, column in schema.columns.items():
            assert column.description and len(column.description) > 10, f"{schema.name}.{name}"


def test_summary_json_has_both_units_events_and_sources(
    mirror, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"missiles_per_year", "launch_days_per_year", "events_per_category", "sources"} <= set(
        out
    )
    assert out["missiles_per_year"]["2022"] == 69
    assert out["launch_days_per_year"]["2017"] == 15
    assert all(re.fullmatch(r"\d{4}", y) for y in out["launch_days_per_year"])
    assert out["month_precision_rows_excluded"] == 8
    assert len(out["sources"]["nagix_tests"]) == 64
    assert out["events_per_category"]["political_calendar"] > 200


def test_data_command_builds_processed_tables(mirror) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dprk_launches", "data", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in (
        "missiles.csv",
        "launches.csv",
        "provocations.csv",
        "cross_check_nagix_vs_cns.csv",
    ):
        assert (config.PROCESSED_DIR / name).stat().st_size > 0
    launches_csv = (config.PROCESSED_DIR / "launches.csv").read_text().splitlines()
    assert launches_csv[0].startswith("launch_id,date_local,n_missiles")


def test_make_help_lists_the_documented_targets() -> None:
    out = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for target in (
        "setup",
        "data",
        "lab",
        "reports",
        "test",
        "bench",
        "calibration",
        "lint",
        "clean",
    ):
        assert f"make {target}" in out


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (config.PROJECT_ROOT / "README.md").read_text()
    assert "make reports" in readme and "make test" in readme
    assert "make test" in (config.PROJECT_ROOT / ".ci" / "run").read_text()


def test_make_calibration_passes_a_dask_address_only_when_given() -> None:
    def dry_run(*args: str) -> str:
        return subprocess.run(
            ["make", "--no-print-directory", "-n", *args],
            cwd=config.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[-1]

    assert dry_run("calibration", "DASK=tcp://10.0.0.5:8786").endswith(
        "benchmarks/calibration.py --dask tcp://10.0.0.5:8786"
    )
    assert "--dask" not in dry_run("calibration")


def test_make_lab_opens_the_your_events_notebook() -> None:
    line = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab"],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    root = "--allow-root " if os.geteuid() == 0 else ""
    assert line.endswith(
        f"jupyter lab --notebook-dir=notebooks {root}notebooks/06_your_events.ipynb"
    ), line


def test_summary_json_counts_events_per_year_and_category(
    mirror, capsys: pytest.CaptureFixture[str]
) -> None:
    from dprk_launches.events import load_events

    assert main(["summary", "--json"]) == 0
    per_year = json.loads(capsys.readouterr().out)["events_per_year_category"]
    ours = load_events(include_generated=False)
    in_2024 = ours[ours["start_local"].dt.year == 2024]
    assert per_year["2024"] == {
        k: int(v) for k, v in in_2024["category"].value_counts().sort_index().items()
    }
    assert all(
        re.fullmatch(r"\d{4}", y) and all(n > 0 for n in c.values()) for y, c in per_year.items()
    )
