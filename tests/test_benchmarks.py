"""The benchmark and calibration scripts run and print the documented keys (figures are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dprk_launches import config
from dprk_launches.reports import build as reports

RATES = {
    "type1_headline_null",
    "type1_headline_reverse",
    "type1_headline_year_tempo",
    "type1_headline_clumps",
    "type1_headline_scheduled",
    "type1_headline_max",
    "power_headline_2x",
    "power_headline_3x",
    "ci_coverage_effect",
}


def test_calibration_prints_and_writes_one_json_object_with_the_documented_keys(
    mirror, tmp_path: Path
) -> None:
    script = config.PROJECT_ROOT / "benchmarks" / "calibration.py"
    target = tmp_path / "calibration.json"
    out = subprocess.run(
        [
            sys.executable,
            str(script),
            "--n-sims",
            "4",
            "--random-worlds",
            "3",
            "--random-series",
            "4",
            "--out",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert json.loads(target.read_text()) == result
    assert RATES | {"n_sims", "seconds", "sims_per_second"} <= set(result)
    assert result["n_sims"] == 4 and len(result["worlds"]) >= 10
    assert all(0 <= result[k] <= 1 for k in RATES)
    assert result["random_series_per_world"] == 4 and len(result["random_worlds"]) == 3


def test_committed_calibration_meets_its_shape_and_the_readme_shows_it() -> None:
    from dprk_launches.analysis import calibration_report as cr

    result = cr.load()
    assert result["n_sims"] >= 300 and len(result["worlds"]) >= 10
    drawn = result["random_worlds_tested"] + result["random_worlds_too_quiet"]
    assert drawn >= 200 and result["random_series_per_world"] >= 50
    assert RATES <= set(result)
    assert cr.readme_block(result) in (config.PROJECT_ROOT / "README.md").read_text()


def test_bench_prints_one_json_object_with_the_documented_keys() -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(config.PROJECT_ROOT / "benchmarks" / "run.py"),
            "--skip-suite-build",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert {"placebo_seconds", "placebo_speedup_vs_naive"} <= set(result)
    assert result["placebo_seconds"] > 0


def _suite_build():
    """The benchmarks/suite_build.py module."""
    sys.path.insert(0, str(config.PROJECT_ROOT / "benchmarks"))
    try:
        import suite_build
    finally:
        sys.path.pop(0)
    return suite_build


def test_suite_build_reports_the_documented_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    suite_build = _suite_build()
    times = iter([(30.0, {"a": 4.0, "b": 7.5}), (20.0, {})])
    monkeypatch.setattr(suite_build, "timed_build", lambda notebooks_dir, out_dir: next(times))
    result = suite_build.run()
    assert result["suite_build_seconds"] == 30.0 and result["floor_seconds"] == 20.0
    assert result["suite_build_ratio"] == 1.5 and result["slowest_report"] == "b"
    assert result["suite_reports"] == len(reports.discover())


def test_suite_build_floor_notebooks_are_discovered_python3_notebooks(tmp_path: Path) -> None:
    suite_build = _suite_build()
    paths = suite_build.write_floor_notebooks(tmp_path, 3)
    assert [s.notebook for s in reports.discover(tmp_path)] == paths
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert any("parameters" in c.metadata.get("tags", []) for c in code)
        assert suite_build.FLOOR_IMPORTS in [c.source for c in code]


def test_lr_scale_is_the_committed_bartlett_factor_and_the_test_uses_it(monkeypatch) -> None:
    from scipy import stats

    from dprk_launches.analysis import modeltest

    committed = json.loads(
        (config.PROJECT_ROOT / "benchmarks" / "results" / "bartlett.json").read_text()
    )
    assert modeltest.LR_SCALE == committed["bartlett_factor"] >= 1.0
    assert committed["n_sims"] >= 300 and len(committed["worlds"]) >= 10
    monkeypatch.setattr(modeltest, "LR_SCALE", 1.25)
    assert modeltest.lr_p_value(1.25 * 3.841459) == pytest.approx(0.05, abs=1e-6)
    assert modeltest.critical_value(0.95) == pytest.approx(1.25 * stats.chi2.ppf(0.95, 1))


def test_bartlett_script_prints_and_writes_one_json_object(mirror, tmp_path: Path) -> None:
    target = tmp_path / "bartlett.json"
    out = subprocess.run(
        [
            sys.executable,
            str(config.PROJECT_ROOT / "benchmarks" / "bartlett.py"),
            "--n-sims",
            "2",
            "--random-worlds",
            "2",
            "--out",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert json.loads(target.read_text()) == result
    assert result["bartlett_factor"] >= 1.0 and "null" in result["worlds"]
    assert all(v["mean_lr"] >= 0 for v in result["worlds"].values())
