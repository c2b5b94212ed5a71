"""The benchmark and calibration scripts run and print the documented keys (figures are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from dprk_launches import config

KEYS = {
    "n_sims",
    "alpha",
    "type1_headline_null",
    "type1_naive_null",
    "type1_headline_reverse",
    "type1_naive_reverse",
    "type1_headline_stress",
    "type1_naive_stress",
    "power_headline_2x",
    "power_headline_3x",
}


def test_calibration_prints_one_json_object_with_the_documented_keys(mirror) -> None:
    script = config.PROJECT_ROOT / "benchmarks" / "calibration.py"
    out = subprocess.run(
        [sys.executable, str(script), "--n-sims", "10"], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert KEYS <= set(result) and result["n_sims"] == 10
    assert all(0 <= result[k] <= 1 for k in KEYS - {"n_sims", "alpha"})


def test_bench_prints_one_json_object_with_the_documented_keys() -> None:
    out = subprocess.run(
        [sys.executable, str(config.PROJECT_ROOT / "benchmarks" / "run.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert {"placebo_seconds", "placebo_speedup_vs_naive"} <= set(result)
    assert result["placebo_seconds"] > 0
