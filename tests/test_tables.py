"""Robustness table helpers: the calibration column and the verdict that reads it."""

from __future__ import annotations

import math

import pandas as pd

from dprk_launches.analysis import calibration_report, tables

CALIBRATION = {
    "worlds": {
        "a": {"effect": 1.0, "unit": "launch_days", "window": [1, 30], "reject_headline": 0.05},
        "b": {"effect": 1.0, "unit": "launch_days", "window": [1, 30], "reject_headline": 0.06},
        "c": {"effect": 1.0, "unit": "launch_days", "window": [1, 60], "reject_headline": 0.11},
        "d": {"effect": 2.0, "unit": "launch_days", "window": [1, 60], "reject_headline": 0.5},
        "e": {"effect": 1.0, "unit": "missiles", "window": [1, 30], "reject_headline": 0.03},
    }
}


def test_calibrated_type1_is_the_worst_null_world_with_the_same_window_and_unit() -> None:
    assert calibration_report.worst_type1(CALIBRATION, (1, 30), "launch_days") == 0.06
    assert calibration_report.worst_type1(CALIBRATION, (1, 60), "launch_days") == 0.11
    assert calibration_report.worst_type1(CALIBRATION, (1, 30), "missiles") == 0.03
    assert math.isnan(calibration_report.worst_type1(CALIBRATION, (1, 7), "launch_days"))
    assert math.isnan(calibration_report.worst_type1(None, (1, 30), "launch_days"))


def _table(holm: list[float], type1: list[float]) -> pd.DataFrame:
    """A variants table with the columns the verdict reads."""
    names = [f"variant {i}" for i in range(len(holm))]
    return pd.DataFrame(
        {"p (Holm across variants)": holm, tables.CALIBRATED_COLUMN: type1}, index=names
    )


def test_verdict_names_a_surviving_variant_that_calibration_distrusts() -> None:
    verdict = tables.robustness_verdict(_table([1.0, 0.03, 0.2], [0.06, 0.11, float("nan")]))
    assert verdict.startswith("1 of 3 variants stay below 5% after adjustment")
    assert "variant 1, whose test rejected a true null 11% of the time" in verdict
    assert "not evidence" in verdict


def test_verdict_without_survivors_or_without_doubts() -> None:
    assert tables.robustness_verdict(_table([0.4, 0.9], [0.06, 0.11])).startswith("no variant")
    trusted = tables.robustness_verdict(_table([0.01, 0.9], [0.06, 0.11]))
    assert trusted == "1 of 2 variants stay below 5% after adjustment"
