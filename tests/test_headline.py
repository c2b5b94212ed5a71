"""The headline test, power, interval-jitter randomization, max-T grid and a tiny calibration (local and Dask)."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dprk_launches import config
from dprk_launches.analysis import headline, inference, model, shift, tables
from dprk_launches.windows import union_window_mask

CALENDAR = pd.date_range("2009-01-01", "2022-12-31", freq="D", name="date_local")
EVENTS = CALENDAR[np.arange(150, len(CALENDAR) - 60, 131)]


def _daily(effect: float, seed: int) -> pd.DataFrame:
    """Launch days with a seasonal, trending background, self-excitation and an effect after EVENTS."""
    pos = CALENDAR.get_indexer(EVENTS)
    design = model.Design.build(
        CALENDAR, union_window_mask(len(CALENDAR), pos, 1, 30).astype(float)
    )
    x = model.start_values(np.zeros(len(CALENDAR)), design)
    e, q, s = model.sizes(design)
    x[:e] = np.log(0.015)
    x[e : e + q] = 0.4 * np.sin(np.arange(q))
    x[e + q] = 0.4
    x[e + q + s], x[e + q + s + 1] = 0.3, 0.9
    truth = model.IntensityFit(x, design, 0.0, len(CALENDAR), 0)
    y = model.simulate(truth, np.random.default_rng(seed), effect=effect).astype(int)
    salvo = np.random.default_rng(seed + 1).integers(1, 5, len(y))
    return pd.DataFrame({"launch_days": y, "missiles": y * salvo}, index=CALENDAR)


@pytest.fixture(scope="module")
def with_effect() -> pd.DataFrame:
    return _daily(2.5, 1)


@pytest.fixture(scope="module")
def without_effect() -> pd.DataFrame:
    return _daily(1.0, 2)


def test_headline_detects_effect_and_states_direction(with_effect: pd.DataFrame) -> None:
    r = inference.headline_test(with_effect, EVENTS, (1, 30), n_draws=500)
    assert r.p_value < 0.01 and r.direction == "more"
    assert r.ci[0] < 2.5 < r.ci[1] and r.ci[0] > 1
    assert r.n_events == len(EVENTS) and r.method.startswith("intensity model")
    frame = r.to_frame()
    assert list(frame[["ci_low", "ci_high"]].iloc[0]) == list(r.ci)
    assert "rate ratio" in r.summary() and len(r.headline("Test").split(". ")) <= 3


def test_headline_reports_a_dip_as_fewer() -> None:
    r = inference.headline_test(_daily(0.15, 3), EVENTS, (1, 30), n_draws=500)
    assert r.direction == "fewer" and r.rate_ratio < 1 and r.ci[1] < 1 and r.p_value < 0.05


def test_headline_accepts_index_series_and_frame(without_effect: pd.DataFrame) -> None:
    frame = pd.DataFrame({"start_local": EVENTS})
    results = [
        inference.headline_test(without_effect, dates, (1, 30), n_draws=200, interval=False)
        for dates in (EVENTS, pd.Series(EVENTS), frame)
    ]
    assert len({(r.p_value, r.observed) for r in results}) == 1


def test_same_day_events_count_once(without_effect: pd.DataFrame) -> None:
    doubled = EVENTS.append(EVENTS).sort_values()
    a = inference.headline_test(without_effect, EVENTS, n_draws=200, interval=False)
    b = inference.headline_test(without_effect, doubled, n_draws=200, interval=False)
    assert (a.p_value, a.n_events) == (b.p_value, b.n_events)


def test_missiles_unit_uses_randomization(without_effect: pd.DataFrame) -> None:
    r = inference.headline_test(without_effect, EVENTS, unit="missiles", n_draws=300)
    assert r.method == "interval-jitter randomization" and r.ci[0] <= r.rate_ratio <= r.ci[1]


@pytest.mark.parametrize(
    ("window", "message"), [((5, 1), "a <= b"), ((1, 400), "too long"), ((1, 30), "unit")]
)
def test_headline_refuses_bad_input(without_effect: pd.DataFrame, window, message) -> None:
    unit = "rockets" if message == "unit" else "launch_days"
    with pytest.raises(ValueError, match=message):
        inference.headline_test(without_effect, EVENTS, window, unit=unit)


def test_headline_refuses_events_outside_calendar(without_effect: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="no event falls inside"):
        inference.headline_test(without_effect, pd.DatetimeIndex(["1990-01-01"]))


def test_power_grows_with_effect_and_events(without_effect: pd.DataFrame) -> None:
    few = inference.power(without_effect, EVENTS[:8], effects=(1.5, 2.0, 3.0))
    many = inference.power(without_effect, EVENTS, effects=(1.5, 2.0, 3.0))
    assert few.table.is_monotonic_increasing and many.table[2.0] > few.table[2.0]
    assert many.mde < few.mde and 1 < many.mde
    assert f"With {many.n_events} events" in many.sentence()


def test_asymptotic_power_agrees_with_simulation(without_effect: pd.DataFrame) -> None:
    analytic = inference.power(without_effect, EVENTS, effects=(2.5,))
    simulated = inference.power(without_effect, EVENTS, effects=(2.5,), n_sims=40, seed=4)
    assert abs(analytic.table[2.5] - simulated.table[2.5]) < 0.25


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    gaps=st.lists(st.integers(1, 40), min_size=1, max_size=12),
    seed=st.integers(0, 1000),
)
def test_clumps_move_together_inside_their_interval(gaps: list[int], seed: int) -> None:
    pos = 400 + np.cumsum(gaps)
    moves = shift.shift_draws(pos, (1, 30), 5000, 50, seed)
    blocks = shift.clump_blocks(pos)
    for k in np.unique(blocks):
        members = moves[:, blocks == k]
        assert (members == members[:, :1]).all()
        first = pos[blocks == k][0]
        moved = first + members[:, 0]
        assert ((moved // shift.JITTER_DAYS) == (first // shift.JITTER_DAYS)).all()


def test_two_sided_p_is_symmetric() -> None:
    null = np.arange(-50, 51, dtype=float)
    assert shift.two_sided_p(null, 45) == pytest.approx(shift.two_sided_p(null, -45))
    assert shift.two_sided_p(null, 0) == 1.0


def test_window_grid_adjusted_p_not_below_raw(with_effect: pd.DataFrame) -> None:
    r = inference.headline_test(with_effect, EVENTS, n_draws=200, interval=False)
    grid = inference.window_grid(with_effect, EVENTS, [1, 8], [7, 30], fit=r.alt_fit, n_draws=300)
    assert len(grid) == 3 and (grid["p_value"] >= grid["p_raw"] - 1e-9).all()
    assert grid.loc[(grid["start"] == 1) & (grid["end"] == 30), "rate_ratio"].iloc[0] > 1.5


def _calibration():
    """The benchmarks/calibration.py module."""
    path = config.PROJECT_ROOT / "benchmarks" / "calibration.py"
    spec = importlib.util.spec_from_file_location("calibration_bench", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibration_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_small_calibration_smoke(mirror) -> None:
    cal = _calibration()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = cal.run(n_sims=12, names=("null", "year_tempo", "power_3x"), processes=2)
    assert out["type1_headline_null"] <= 0.34 and out["power_headline_3x"] >= 0.5
    assert {"seconds", "sims_per_second", "worlds", "type1_headline_max"} <= set(out)


def test_tiny_calibration_on_a_dask_cluster(mirror) -> None:
    from dask.distributed import LocalCluster

    cal = _calibration()
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        out = cal.run(n_sims=3, names=("single",), dask=cluster.scheduler_address)
    assert out["settings"]["dask"] and out["worlds"]["single"]["series_too_quiet_to_test"] == 0


def test_power_reuses_the_headline_fit(without_effect: pd.DataFrame) -> None:
    r = inference.headline_test(without_effect, EVENTS, n_draws=100, interval=False)
    assert inference.power(without_effect, EVENTS, fit=r.fit).mde == pytest.approx(
        inference.power(without_effect, EVENTS).mde, rel=0.02
    )


def test_forecast_table_rows_are_each_horizons_totals(without_effect: pd.DataFrame) -> None:
    fit = inference.fit_intensity(without_effect)
    y = model.launch_days(without_effect)
    table = shift.forecast_table(fit, y, 12)
    assert table.shape == (12, len(y))
    for horizon in (1, 5, 12):
        np.testing.assert_allclose(table[horizon - 1], shift.forecast_totals(fit, y, horizon))
    assert (np.diff(table, axis=0) >= 0).all()
    one_day = -np.expm1(-fit.intensity(y))
    np.testing.assert_allclose(table[0][:-1], one_day[1:], rtol=1e-9)


def test_pre_window_is_described_over_the_span_asked_for(without_effect: pd.DataFrame) -> None:
    dates = without_effect.index[[400, 900, 1400]]
    short = inference.headline_test(without_effect, dates, (1, 30), n_draws=200, interval=False)
    longer = inference.headline_test(
        without_effect, dates, (1, 30), n_draws=200, interval=False, pre_window=(-60, -1)
    )
    assert short.pre_window == (-30, -1) and longer.pre_window == (-60, -1)
    assert longer.expected_pre > short.expected_pre
    assert "[-60, -1]" in longer.summary()
    with pytest.raises(ValueError, match="pre-window"):
        inference.headline_test(without_effect, dates, (1, 30), pre_window=(-5, 3))


@settings(max_examples=25, deadline=None)
@given(
    starts=st.lists(st.integers(0, len(CALENDAR) - 1), min_size=1, max_size=30),
    length=st.integers(1, 120),
)
def test_year_share_matches_a_brute_force_between_year_variance(
    starts: list[int], length: int
) -> None:
    pos = np.array(sorted(set(starts)))
    w = union_window_mask(len(CALENDAR), pos, 1, length).astype(float)
    years = CALENDAR.year.to_numpy()
    between = sum(
        (years == y).sum() * (w[years == y].mean() - w.mean()) ** 2 for y in np.unique(years)
    ) / len(w)
    expected = between / w.var() if w.var() > 0 else 0.0
    got = headline.year_share(CALENDAR, pos, (1, length))
    assert got == pytest.approx(expected, abs=1e-9) and 0 <= got <= 1 + 1e-12


def test_windows_that_fill_their_years_need_both_tests_to_reject(with_effect: pd.DataFrame) -> None:
    busy = CALENDAR[(CALENDAR.year % 3 == 0) & (CALENDAR.day % 20 == 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one event too near the calendar's end
        r = inference.headline_test(with_effect, busy, (1, 30), n_draws=400)
    assert r.year_share > headline.YEAR_SHARE_LIMIT and r.needs_both_tests
    assert r.method == headline.BOTH_METHOD
    assert r.p_value == max(r.p_lr, r.p_randomization)
    rand_lo, rand_hi = r.randomization.ratio_interval()
    assert r.ci[0] <= rand_lo and r.ci[1] >= rand_hi and r.ci[0] <= r.rate_ratio <= r.ci[1]
    assert "Caution" in r.summary() and r.to_frame()["year_share"].iloc[0] == r.year_share
    significant = dataclasses.replace(r, p_value=0.001)
    assert "by both tests" in significant.headline("Busy years")
    side = tables.tests_side_by_side(r, r)
    assert side.loc["intensity model alone, likelihood ratio"].iloc[-1] == r.p_lr
    row = side.loc["interval-jitter randomization, launch days"]
    assert row.iloc[-1] == r.p_randomization and row.iloc[3:5].tolist() == [rand_lo, rand_hi]
    power = inference.power(with_effect, busy, (1, 30))
    assert power.needs_both_tests and "at most" in power.sentence()
    assert "upper bound" in power.method
    long = inference.headline_test(with_effect, EVENTS, (1, 45), n_draws=200, interval=False)
    assert long.year_share < headline.YEAR_SHARE_LIMIT and long.needs_both_tests
    assert "longer than 31 days" in long.summary()
    plain = inference.headline_test(with_effect, EVENTS, (1, 30), n_draws=200, interval=False)
    assert not inference.power(with_effect, EVENTS, (1, 30), fit=plain.fit).needs_both_tests
    assert not plain.needs_both_tests and "Caution" not in plain.summary()
    assert plain.p_value == plain.p_lr


def test_randomization_interval_inverts_its_test(with_effect: pd.DataFrame) -> None:
    y = model.launch_days(with_effect)
    pos = CALENDAR.get_indexer(EVENTS)
    design = model.Design.build(CALENDAR, union_window_mask(len(y), pos, 1, 30).astype(float))
    with np.errstate(all="ignore"):
        alt = model.fit(y, design)
    r = shift.shift_test(with_effect, pos, (1, 30), alt, n_draws=2000, seed=3)
    assert r.p_at(1.0) == r.p_value
    lo, hi = r.ratio_interval(0.95)
    assert lo < 2.5 < hi  # the simulated effect
    assert r.p_at(lo * 0.99) <= 0.05 < r.p_at(lo * 1.01)
    assert r.p_at(hi * 1.01) <= 0.05 < r.p_at(hi * 0.99)


def test_window_overlap_matches_a_brute_force_count() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(900) < 0.05).astype(int)
    daily = pd.DataFrame({"launch_days": y, "missiles": y}, index=CALENDAR[:900])
    design = model.Design.build(daily.index, np.zeros(900))
    fit_ = model.IntensityFit(model.start_values(y.astype(float), design), design, 0.0, 900, 0)
    pos = np.array([100, 104, 300, 520, 700])
    r = shift.shift_test(daily, pos, (2, 20), fit_, n_draws=50, seed=1)
    moves = shift.shift_draws(pos, (2, 20), 900, 50, 1, shift.recency_class(y.astype(float)))
    forecast = shift.forecast_totals(fit_, y.astype(float), 19)
    real = set().union(*(range(p + 2, p + 21) for p in pos))
    brute = [
        sum(forecast[q + 1] * len(real & set(range(q + 2, q + 21))) / 19 for q in pos + move)
        for move in moves
    ]
    assert np.allclose(r.null_overlap, brute)


@settings(max_examples=400, deadline=None)
@given(
    observed=st.integers(min_value=1, max_value=2000),
    expected=st.floats(min_value=0.05, max_value=2000, allow_nan=False),
)
def test_a_reader_dividing_the_printed_counts_gets_the_printed_ratio(
    observed: int, expected: float
) -> None:
    assume(observed <= 50 * expected)  # ratios beyond the model's bounds print as unbounded
    shown = headline.fmt_expected(observed, expected)
    printed_ratio = float(f"{observed / expected:.2f}")
    assert abs(observed / float(shown) - printed_ratio) <= 0.01
    assert len(shown.split(".")[1]) <= 4
    if f"{observed / float(f'{expected:.1f}'):.2f}" == f"{printed_ratio:.2f}":
        assert shown == f"{expected:.1f}"  # one decimal whenever it is enough


def test_small_expected_counts_print_the_decimals_the_ratio_needs() -> None:
    assert headline.fmt_expected(2, 1.538) == "1.54"  # 2 / 1.5 would read 1.33, not 1.30
    assert headline.fmt_expected(65, 49.2) == "49.2"
    assert headline.fmt_expected(0, 3.0) == "3.0"


def test_the_printed_rate_ratio_is_observed_over_expected() -> None:
    from dprk_launches.analysis.headline import fmt_interval

    rng = np.random.default_rng(3)
    y = (rng.random(len(CALENDAR)) < 0.03).astype(int)
    daily = pd.DataFrame({"launch_days": y, "missiles": y}, index=CALENDAR)
    events = CALENDAR[[200, 500, 800, 1100, 1400]]
    r = headline.headline_test(daily, events, (1, 30), n_draws=200)
    assert r.rate_ratio == pytest.approx(r.observed / r.expected)
    assert f"{r.observed:.0f}" in r.summary() and f"{r.rate_ratio:.2f}" in r.summary()
    assert fmt_interval((0.0, np.inf)).endswith("cannot bound the ratio")
    assert fmt_interval((1.2, np.inf)) == "95% CI above 1.20 (no upper bound)"
    assert fmt_interval((0.0, 0.5)) == "95% CI below 0.50 (no lower bound)"


def test_identifiability_notes_name_recurring_phases_and_launch_day_events() -> None:
    from dprk_launches.analysis import identifiability

    index = pd.date_range("2010-01-01", "2019-12-31", freq="D")
    y = np.zeros(len(index))
    scheduled = index.get_indexer(
        pd.DatetimeIndex([f"{year}-03-{10 + year % 3}" for year in range(2010, 2020)])
    )
    rng = np.random.default_rng(3)
    scattered = np.sort(rng.choice(np.arange(40, len(index) - 40), 10, replace=False))
    assert identifiability.recurring_share(pd.DatetimeIndex(index[scheduled])) == 1.0
    phase = identifiability.notes(index, y, scheduled, (1, 30))
    assert len(phase) == 1 and "time of year" in phase[0]
    assert identifiability.notes(index, y, scattered, (1, 30)) == ()
    y[scattered[:3]] = 1
    day0 = identifiability.notes(index, y, scattered, (0, 30))
    assert len(day0) == 1 and day0[0].startswith("3 of the 10 event days are launch days")
    assert identifiability.notes(index, y, scattered, (1, 30)) == ()
