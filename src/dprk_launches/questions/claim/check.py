"""Check a claim that a launch answered an event: both on the Pyongyang clock, against the base rate.

The public face of `python -m dprk_launches claim`: inputs are read by `claim.inputs`, the result is a
`claim.result.ClaimResult`, the template report's helpers live in `claim.report`. The model chance comes from the suite's intensity model
(`analysis.forecaster`, fitted to the launch days up to the event only).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd

from ... import events, series
from ...analysis import forecaster, inference, model
from ...records import launches, schemas
from .inputs import (
    MAX_WITHIN,
    PRE_DAYS,
    ClaimError,
    check_before,
    check_era,
    check_kinds,
    check_window,
    launch_sources,
    named_launch,
    parse_date,
    parse_time,
    parse_zone,
    pyongyang_day,
    resolve_within,
    unknown_launch,
)
from .result import ClaimResult, Statement, claim_from_json
from .verdict import ALPHA, fmt_chance, fmt_p, verdict

__all__ = [
    "ALPHA",
    "MAX_WITHIN",
    "MODEL",
    "PRE_DAYS",
    "ClaimError",
    "ClaimResult",
    "Statement",
    "check_claim",
    "claim_from_json",
    "launch_data",
    "launch_free_chances",
    "model_chances",
    "parse_date",
    "parse_time",
    "parse_zone",
    "fmt_chance",
    "fmt_p",
    "headline_fields",
    "pyongyang_day",
    "verdict",
]

DEFAULT_WITHIN = 7
SEED = 0
N_DRAWS = 10_000
MODEL = (
    "the launch forecaster (analysis.forecaster: monthly random-walk background, season, "
    "self-excitation, days since the last launch, recent activity; scored by `make backtest`) fitted "
    "to the launch days up to the event's Pyongyang day only, its last level carried forward"
)


@cache
def launch_data(
    kinds: tuple[str, ...] = schemas.DEFAULT_KINDS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Launch days (Pyongyang clock) of these launch kinds and the zero-filled daily calendar."""
    days = launches.load_launches(kinds=kinds)
    return days, series.daily_counts(days)


def headline_fields(
    daily: pd.DataFrame,
    event_dates: pd.DatetimeIndex | pd.Series | pd.DataFrame,
    window: tuple[int, int],
    pre_window: tuple[int, int] = (-PRE_DAYS, -1),
    seed: int = SEED,
    n_draws: int = N_DRAWS,
    interval: bool = True,
) -> dict:
    """The headline test (inference.headline_test) as plain fields."""
    r = inference.headline_test(
        daily,
        event_dates,
        window,
        seed=seed,
        n_draws=n_draws,
        interval=interval,
        pre_window=pre_window,
    )
    return {
        "n_events": int(r.n_events),
        "n_events_dropped": int(r.n_events_dropped),
        "observed": int(round(float(r.observed))),
        "expected": float(r.expected),
        "rate_ratio": float(r.rate_ratio),
        "ci": tuple(float(v) for v in r.ci),
        "p_value": float(r.p_value),
        "p_randomization": r.p_randomization,
        "observed_pre": int(round(float(r.observed_pre))),
        "expected_pre": float(r.expected_pre),
        "method": str(r.method),
        "direction": r.direction,
        "summary": r.summary(),
    }


def fit_up_to(daily: pd.DataFrame, event_local: pd.Timestamp) -> model.IntensityFit:
    """The model fitted to the launch days up to the event's day only (its last day is the event's).

    No launch after the event informs the chance (a year that turned busy later does not raise it).
    """
    pos = daily.index.get_loc(event_local)
    y, index = model.launch_days(daily), pd.DatetimeIndex(daily.index)
    try:
        return forecaster.fit_until(y, index, pos)
    except ValueError as exc:
        raise ClaimError(
            f"too little launch history before {event_local:%Y-%m-%d} to fit the model: {exc}"
        ) from exc


def launch_free_chances(daily: pd.DataFrame, event_local: pd.Timestamp, horizon: int) -> np.ndarray:
    """The forecaster's chance of a launch day within d days of the event, d = 1..horizon."""
    fit = fit_up_to(daily, event_local)
    return forecaster.chances_after(fit, model.launch_days(daily), daily.index, horizon)


def model_chances(
    daily: pd.DataFrame, event_local: pd.Timestamp, within: int, n_paths: int = N_DRAWS
) -> tuple[float, float]:
    """Chance of a launch day within `within` days (exact), and of at least as many as observed.

    The second is the share of `n_paths` launch-day paths simulated from the forecaster after the
    event (`forecaster.simulate_paths`, seeded) holding at least the observed number of launch days:
    the same forecaster, so one launch day gives the first number (up to simulation error).
    """
    fit = fit_up_to(daily, event_local)
    y = model.launch_days(daily)
    pos = daily.index.get_loc(event_local)
    prob = float(forecaster.chances_after(fit, y, daily.index, within)[-1])
    observed = int(y[pos + 1 : pos + 1 + within].sum())
    if observed <= 1:
        return prob, prob if observed == 1 else 1.0
    rng = np.random.default_rng(SEED)
    ahead = pd.date_range(daily.index[0], periods=pos + 1 + within, freq="D")
    paths = forecaster.simulate_paths(model.extend(fit, ahead), y, pos, within, n_paths, rng)
    hits = int((paths.sum(axis=1) >= observed).sum())
    return prob, (hits + 1) / (n_paths + 1)


def _statements(
    event_date: dt.date, event_local: pd.Timestamp
) -> tuple[list[str], list[str], list[Statement], bool]:
    """Catalogue events on the claim's date (ids, titles), the DPRK statements answering them, and whether there are any."""
    table = events.load_events(errors="collect")
    same_day = table[
        (table["start_local"] == event_local) | (table["start_date"] == pd.Timestamp(event_date))
    ]
    same_day = same_day[same_day["category"] != "dprk_statement"].sort_values("event_id")
    ids, titles = list(same_day["event_id"]), list(same_day["title"])
    if "responds_to" not in table.columns or "dprk_statement" not in set(table["category"]):
        return ids, titles, [], False
    rows = table[(table["category"] == "dprk_statement") & table["responds_to"].isin(ids)]
    found = [
        Statement(
            event_id=r["event_id"],
            date_local=f"{r['start_local']:%Y-%m-%d}",
            subcategory=str(r["subcategory"]),
            threat_level=str(r.get("threat_level") or ""),
            title=str(r["title"]),
            responds_to=str(r["responds_to"]),
            source_url=str(r["source_url"]),
            anticipates=bool(r.get("anticipates", False)),
        )
        for _, r in rows.sort_values(["start_local", "event_id"], kind="stable").iterrows()
    ]
    return ids, titles, found, True


def check_claim(
    event_date: str,
    event_tz: str,
    event_time: str | None = None,
    launch_date: str | None = None,
    within: int | None = None,
    title: str | None = None,
    n_draws: int = N_DRAWS,
    seed: int = SEED,
    kinds: tuple[str, ...] | list[str] = schemas.DEFAULT_KINDS,
) -> ClaimResult:
    """Check a retaliation claim: launches within `within` days of the event against the base rate.

    `kinds` chooses the launch series (default ballistic, CNS/NTI scope plus our supplement; with
    cruise or other, CSIS's and the supplement's launch days of those kinds are added).
    """
    date = parse_date(event_date, "--event-date")
    zone = parse_zone(event_tz)
    time = parse_time(event_time)
    kinds = check_kinds(kinds)
    event_local = pyongyang_day(date, time, zone)
    days_table, daily = launch_data(kinds)
    start, end = daily.index[0], daily.index[-1]
    launch_days = pd.DatetimeIndex(daily.index[daily["launch_days"] > 0])
    what = (
        "the CNS/NTI data"
        if kinds == schemas.DEFAULT_KINDS
        else f"the launch data ({', '.join(kinds)})"
    )
    try:
        named = (
            named_launch(launch_date, event_local, launch_days, end, what) if launch_date else None
        )
    except ClaimError as exc:
        raise unknown_launch(exc, launch_date, kinds, launch_days) from None
    within = resolve_within(within, named, event_local, DEFAULT_WITHIN)
    direction = "before" if named is not None and named < event_local else "after"
    if direction == "after":
        check_window(event_local, within, start, end)
        check_era(event_local, within)
    else:
        check_before(event_local, within, start)
    offsets = (launch_days - event_local).days
    lo, hi = (1, within) if direction == "after" else (-within, -1)
    in_window = launch_days[(offsets >= lo) & (offsets <= hi)]
    before = launch_days[(offsets >= -PRE_DAYS) & (offsets <= -1)]
    pos = daily.index.get_loc(event_local)
    # After: the forecast from the event's day. Before (the reverse question, did the event follow
    # launches?): the forecast from the day before the window, for the window's days.
    origin = event_local if direction == "after" else event_local - pd.Timedelta(days=within + 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prob, p_model = model_chances(daily, origin, within)
        # The headline test sees the launch days up to the window's last day (or the event's day),
        # nothing later.
        test = headline_fields(
            daily.iloc[: pos + max(hi, 0) + 1],
            pd.DatetimeIndex([event_local]),
            (lo, hi),
            pre_window=(-PRE_DAYS, -1) if direction == "after" else (lo - PRE_DAYS, lo - 1),
            seed=seed,
            n_draws=n_draws,
            interval=False,
        )
    same_day, titles, statements, available = _statements(date, event_local)
    result = ClaimResult(
        event_date=f"{date:%Y-%m-%d}",
        event_tz=event_tz,
        event_time=f"{time:%H:%M}",
        title=title or (titles[0] if titles else ""),
        event_local_date=f"{event_local:%Y-%m-%d}",
        within=within,
        launch_date=None if named is None else f"{named:%Y-%m-%d}",
        launch_local_dates=[f"{d:%Y-%m-%d}" for d in in_window],
        days_after=[int((d - event_local).days) for d in in_window],
        prob_launch_within=prob,
        p_model=p_model,
        model=MODEL,
        p_placebo=test["p_value"],
        placebo_method=test["method"],
        placebo_rate_ratio=test["rate_ratio"],
        placebo_expected=test["expected"],
        launch_days_before_30=len(before),
        launch_dates_before_30=[f"{d:%Y-%m-%d}" for d in before],
        p_randomization=test["p_randomization"] if len(in_window) else None,
        placebo_observed=test["observed"],
        expected_before_30=test["expected_pre"],
        catalogue_events_same_day=same_day,
        dprk_statements=statements,
        statements_available=available,
        data_start=f"{start:%Y-%m-%d}",
        data_end=f"{end:%Y-%m-%d}",
        verdict="",
        notes=sorted({str(w.message) for w in caught}),
        direction=direction,
        kinds=list(kinds),
        launch_sources=launch_sources(
            days_table, [*in_window, *([named] if named is not None else [])]
        ),
    )
    return replace(result, verdict=verdict(result))


def report_name(result: ClaimResult) -> str:
    """A stable file name for the claim's report: event date, zone and named launch (or window)."""
    zone = re.sub(r"[^a-z0-9]+", "-", result.event_tz.lower()).strip("-")
    tail = f"launch-{result.launch_date}" if result.launch_date else f"within-{result.within}"
    if tuple(result.kinds) != schemas.DEFAULT_KINDS:
        tail += "_kinds-" + "-".join(result.kinds)
    return f"claim_{result.event_date}_{zone}_{tail}"


def notebook_parameters(
    event_date: str,
    event_tz: str,
    event_time: str | None,
    launch_date: str | None,
    within: int | None,
    title: str | None,
    kinds: tuple[str, ...] | list[str] = schemas.DEFAULT_KINDS,
) -> dict:
    """Papermill parameters of the claim template notebook (03) for one claim."""
    return {
        "kinds": ",".join(kinds),
        "event_date": event_date,
        "event_tz": event_tz,
        "event_time": event_time or "",
        "launch_date": launch_date or "",
        "within": int(within or 0),
        "title": title or "",
    }
