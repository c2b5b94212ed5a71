"""Plots return figures with the expected content, from frames and result objects."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import StepPatch  # noqa: E402

from dprk_launches import changepoints, series, windows  # noqa: E402
from dprk_launches.analysis import (
    comparison,
    era_hawkes,  # noqa: E402
    simulate,
)
from dprk_launches.reports import plots  # noqa: E402


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    return simulate.simulate_days(n_days=2500, base_rate=0.03, excitation=0.3, seed=8)


def test_timeline_marks_point_and_range_events(daily: pd.DataFrame) -> None:
    events = pd.DataFrame(
        {
            "start_local": pd.to_datetime(["2013-03-01", "2014-08-01"]),
            "end_local": pd.to_datetime(["2013-03-01", "2014-08-20"]),
        }
    )
    fig = plots.plot_timeline(series.weekly_counts(daily), events)
    ax = fig.axes[0]
    steps = [p for p in ax.patches if isinstance(p, StepPatch)]
    assert len(steps) == 1 and steps[0].get_data().values.sum() == daily["launch_days"].sum()
    assert (
        len(ax.patches) == 2 and len(ax.lines) == 1
    )  # the counts, one range band, one point event
    plt.close(fig)


def test_peri_event_with_placebo_band_and_sensitivity(daily: pd.DataFrame) -> None:
    dates = daily.index[[300, 900, 1500, 2100]]
    launches = pd.DataFrame({"date_local": daily.index[daily["launch_days"] > 0]})
    events = pd.DataFrame({"event_id": ["a", "b", "c", "d"], "start_local": dates})
    offsets = windows.event_offsets(launches, events, max_abs_days=60)
    fit = era_hawkes.fit_hawkes(daily)
    band = comparison.placebo_band(daily, dates, n_draws=200, fit=fit)
    fig = plots.plot_peri_event(offsets, 4, daily["launch_days"].mean(), band=band)
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "matched placebo, 95% range" in labels
    plt.close(fig)
    grid = comparison.sensitivity_grid(daily, dates, [1, 8], [14, 30], n_draws=200, fit=fit)
    fig = plots.plot_sensitivity(grid)
    assert fig.axes[0].get_xlabel().startswith("window end")
    plt.close(fig)


def test_seasonality_rescaling_and_units(daily: pd.DataFrame) -> None:
    fig = plots.plot_seasonality(series.seasonality(daily))
    assert len(fig.axes[0].patches) == 12
    plt.close(fig)
    with pytest.raises(ValueError, match="no rows"):
        plots.plot_seasonality(series.seasonality(daily), period="week")
    fit = era_hawkes.fit_hawkes(daily)
    fig = plots.plot_rescaling(era_hawkes.time_rescaling_ks(fit, daily)[2])
    assert fig.axes[0].get_xlim() == (0, 1)
    plt.close(fig)
    per_year = pd.DataFrame({"missiles": [5, 9], "launch_days": [3, 4]}, index=[2020, 2021])
    fig = plots.plot_units_per_year(per_year)
    assert len(fig.axes[0].patches) == 4
    plt.close(fig)
    with pytest.raises(ValueError, match="no rescaled"):
        plots.plot_rescaling(np.array([]))


def test_tempo_plots_draw_their_content(daily: pd.DataFrame) -> None:
    weekly = series.weekly_counts(daily)
    breaks = changepoints.changepoints(weekly["launch_days"])
    fig = plots.plot_changepoints(weekly["launch_days"], breaks.to_frame(), "launch days")
    assert len(fig.axes[0].collections) == len(breaks.to_frame())
    intervals = series.inter_launch_intervals(daily)
    fig = plots.plot_intervals(intervals, rate=float(daily["launch_days"].mean()))
    assert fig.axes[0].get_xscale() == "log"
    with pytest.raises(ValueError):
        plots.plot_intervals(intervals.iloc[:0], rate=0.1)
    fig = plots.plot_timeline(weekly, eras=series.era_rates(daily))
    assert len(fig.axes[0].texts) == len(series.era_rates(daily))
    plt.close("all")


def test_ccf_and_range_phase_plots(daily: pd.DataFrame) -> None:
    frame = pd.DataFrame({"lag": [-1, 0, 1], "ccf": [0.1, 0.3, -0.05], "band": [0.06] * 3})
    fig = plots.plot_ccf(frame)
    assert len(fig.axes[0].patches) == 1  # the white-noise band
    summary = pd.DataFrame(
        {"launch_days_per_30d": [0.5, 1.0, 0.7], "low": [0.3, 0.6, 0.4], "high": [0.8, 1.5, 1.0]},
        index=pd.Index(["before", "during", "after"], name="phase"),
    )
    fig = plots.plot_range_phases(summary)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["before", "during", "after"]
    plt.close("all")


def test_event_coverage_heatmap_annotates_every_cell() -> None:
    coverage = pd.DataFrame(
        [[1, 0, 2], [0, 3, 0]],
        index=pd.Index(["diplomacy", "exercise"], name="category"),
        columns=pd.Index([2018, 2019, 2020], name="year"),
    )
    fig = plots.plot_event_coverage(coverage)
    labels = sorted(t.get_text() for t in fig.axes[0].texts)
    assert labels == sorted(str(v) for v in coverage.to_numpy().ravel())
    plt.close(fig)
