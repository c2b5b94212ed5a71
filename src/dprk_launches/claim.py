"""Check a claim that a launch answered an event: both on the Pyongyang clock, against the base rate."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import warnings
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import numpy as np
import pandas as pd

from . import config, events, hawkes, inference, launches, series

DEFAULT_WITHIN = 7
MAX_WITHIN = 365
PRE_DAYS = 30
SEED = 0
N_DRAWS = 10_000
ALPHA = 0.05
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


class ClaimError(ValueError):
    """An unusable claim input; the message says what to fix, in one line."""


@dataclass(frozen=True)
class Statement:
    """A DPRK statement in our catalogue that responds to an event on the claim's date."""

    event_id: str
    date_local: str
    subcategory: str
    threat_level: str
    title: str
    responds_to: str
    source_url: str


@dataclass(frozen=True)
class ClaimResult:
    """Everything the claim check found; `to_json()` gives the command's JSON object."""

    event_date: str
    event_tz: str
    event_time: str
    title: str
    event_local_date: str
    within: int
    launch_date: str | None
    launch_local_dates: list[str]
    days_after: list[int]
    prob_launch_within: float
    p_model: float
    p_placebo: float
    placebo_method: str
    placebo_rate_ratio: float
    placebo_expected: float
    launch_days_before_30: int
    launch_dates_before_30: list[str]
    p_randomization: float | None
    placebo_observed: int
    expected_before_30: float
    catalogue_events_same_day: list[str]
    dprk_statements: list[Statement]
    statements_available: bool
    data_start: str
    data_end: str
    verdict: str
    notes: list[str] = field(default_factory=list)

    def to_json(self, report: str | None = None) -> dict:
        """The JSON object printed by `claim --json` (the contract keys plus extras)."""
        out = asdict(self)
        out["report"] = report
        for key in ("placebo_rate_ratio", "placebo_expected"):
            if out[key] is not None and not np.isfinite(out[key]):
                out[key] = None
        return out


def claim_from_json(data: dict) -> ClaimResult:
    """Rebuild a ClaimResult from `to_json()` output (how the CLI hands its numbers to the report)."""
    values = {k: data[k] for k in ClaimResult.__dataclass_fields__}
    values["dprk_statements"] = [Statement(**s) for s in values["dprk_statements"]]
    return ClaimResult(**values)


def parse_date(text: str, flag: str) -> dt.date:
    """An ISO date from the command line, or a ClaimError naming the flag."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ClaimError(f"{flag} {text!r} is not a calendar date YYYY-MM-DD") from None


def parse_zone(name: str, flag: str = "--event-tz") -> ZoneInfo:
    """An IANA time zone, or a ClaimError with examples."""
    if name not in _zones():
        raise ClaimError(
            f"{flag} {name!r} is not an IANA time zone; use e.g. America/New_York, Asia/Seoul, "
            "Europe/London, Asia/Pyongyang"
        )
    return ZoneInfo(name)


@cache
def _zones() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def parse_time(text: str | None) -> dt.time:
    """HH:MM (24 h) or, when absent, local noon as the catalogue assumes."""
    if not text:
        return events.DEFAULT_TIME
    if not TIME_RE.match(text.strip()):
        raise ClaimError(f"--event-time {text!r} is not a time HH:MM (24 h), e.g. 16:00")
    hours, minutes = text.strip().split(":")
    return dt.time(int(hours), int(minutes))


def pyongyang_day(date: dt.date, time: dt.time, zone: ZoneInfo) -> pd.Timestamp:
    """The Pyongyang calendar day of a local date and time in `zone`."""
    moment = dt.datetime.combine(date, time, tzinfo=zone)
    return pd.Timestamp(moment.astimezone(config.PYONGYANG).date())


@cache
def _launch_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Launch days (Pyongyang clock) and the zero-filled daily calendar of the whole record."""
    days = launches.load_launches()
    return days, series.daily_counts(days)


def placebo(
    daily: pd.DataFrame,
    event_dates: pd.DatetimeIndex | pd.Series | pd.DataFrame,
    window: tuple[int, int],
    pre_window: tuple[int, int] = (-PRE_DAYS, -1),
    seed: int = SEED,
    n_draws: int = N_DRAWS,
    interval: bool = True,
) -> dict:
    """The headline test (inference.headline_test, else the matched-placebo placebo_test) as plain fields."""
    headline = getattr(inference, "headline_test", None)
    if headline is not None:
        kwargs: dict = {"window": window, "seed": seed, "n_draws": n_draws}
        accepted = inspect.signature(headline).parameters
        if "pre_window" in accepted:
            kwargs["pre_window"] = pre_window
        if "interval" in accepted:
            kwargs["interval"] = interval
        r = headline(daily, event_dates, **kwargs)
        ci = tuple(float(v) for v in r.ci)
        expected = float(r.expected)
        method = str(r.method)
    else:
        r = inference.placebo_test(
            daily, event_dates, window, pre_window, n_draws=n_draws, seed=seed
        )
        ci = tuple(float(v) for v in r.rate_ratio_interval)
        expected = float(r.placebo_mean)
        method = f"matched placebo dates, {r.matching} matching"
    return {
        "n_events": int(r.n_events),
        "n_events_dropped": int(r.n_events_dropped),
        "observed": int(round(float(r.observed))),
        "expected": expected,
        "rate_ratio": float(r.rate_ratio),
        "ci": ci,
        "p_value": float(r.p_value),
        "p_randomization": getattr(r, "p_randomization", None),
        "observed_pre": int(round(float(r.observed_pre))),
        "expected_pre": float(getattr(r, "expected_pre", getattr(r, "placebo_mean_pre", np.nan))),
        "method": method,
        "direction": getattr(r, "direction", None),
        "summary": r.summary(),
    }


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
        )
        for _, r in rows.sort_values(["start_local", "event_id"], kind="stable").iterrows()
    ]
    return ids, titles, found, True


def fmt_chance(p: float) -> str:
    """A probability for prose: one decimal below 10%, whole percent above."""
    return f"{p:.1%}" if p < 0.1 else f"{p:.0%}"


def fmt_p(p: float) -> str:
    """A p-value for prose: three decimals, or '< 0.001'."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def plural(n: int, word: str) -> str:
    """'1 day' / '3 days'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def verdict(r: ClaimResult) -> str:
    """One sentence that says what the timing shows and never more."""
    if not r.launch_local_dates:
        return (
            f"No launch day fell within {plural(r.within, 'day')} after the event "
            f"({r.event_local_date} on the Pyongyang clock), although the tempo before it gave one a "
            f"{fmt_chance(r.prob_launch_within)} chance, so the timing gives the claim no support."
        )
    first = r.days_after[0]
    shift = (
        f", interval-jitter test against nearby days p = {fmt_p(r.p_randomization)}"
        if r.p_randomization is not None
        else ""
    )
    head = (
        f"A launch day followed {plural(first, 'day')} after the event on the Pyongyang clock "
        f"({r.launch_local_dates[0]}); given the launches before the event the model gave a launch "
        f"within {plural(r.within, 'day')} a {fmt_chance(r.prob_launch_within)} chance (model p = "
        f"{fmt_p(r.p_model)}, headline test p = {fmt_p(r.p_placebo)}{shift})"
    )
    ps = [r.p_model, r.p_placebo] + ([r.p_randomization] if r.p_randomization is not None else [])
    low = [p <= ALPHA for p in ps]
    if all(low):
        judgement = (
            "unusual timing for a single event, but one coincidence picked after the fact is weak "
            "evidence and timing alone cannot show that the launch answered the event"
        )
    elif any(low):
        judgement = (
            "borderline timing (the tests disagree), and timing alone cannot show that the "
            "launch answered the event"
        )
    else:
        judgement = "timing that the base rate explains, so it is no evidence of retaliation"
    before = (
        f"; the event itself came after {plural(r.launch_days_before_30, 'launch day')} in the "
        f"previous {PRE_DAYS} days"
        if r.launch_days_before_30
        else ""
    )
    if r.dprk_statements:
        s = r.dprk_statements[0]
        level = f", threat level {s.threat_level}" if s.threat_level else ""
        stated = (
            f"; a DPRK statement in our catalogue ({s.date_local}{level}) responds to the event, "
            "a stated link that timing cannot give"
        )
    elif r.statements_available:
        stated = "; no DPRK statement in our catalogue responds to it"
    else:
        stated = ""
    return f"{head}: {judgement}{before}{stated}."


def _check_window(
    event_local: pd.Timestamp, within: int, start: pd.Timestamp, end: pd.Timestamp
) -> None:
    """The event needs PRE_DAYS of history and its whole window inside the launch data."""
    first_ok = start + pd.Timedelta(days=PRE_DAYS)
    if event_local < first_ok:
        raise ClaimError(
            f"the event falls on {event_local:%Y-%m-%d} on the Pyongyang clock, but the launch data "
            f"start on {start:%Y-%m-%d}; give an event date from {first_ok:%Y-%m-%d} on"
        )
    if event_local >= end:
        raise ClaimError(
            f"the event falls on {event_local:%Y-%m-%d} on the Pyongyang clock, after the launch data "
            f"end ({end:%Y-%m-%d}); give an earlier --event-date (or update the data)"
        )
    last = event_local + pd.Timedelta(days=within)
    if last > end:
        room = (end - event_local).days
        raise ClaimError(
            f"the window of {within} days after {event_local:%Y-%m-%d} runs to {last:%Y-%m-%d}, past "
            f"the end of the launch data ({end:%Y-%m-%d}); use --within {room} or less"
        )


def _check_era(event_local: pd.Timestamp, within: int) -> None:
    """The window must not run into an era (series.ERAS) that begins after the event: no history forecasts it."""
    for name, first, _ in series.ERAS[1:]:
        begins = pd.Timestamp(first)
        if event_local < begins <= event_local + pd.Timedelta(days=within):
            room = (begins - event_local).days - 1
            fix = (
                f"use --within {room} or less"
                if room >= 1
                else "no window after this event can be checked"
            )
            raise ClaimError(
                f"the window runs into a new era ({name}, from {begins:%Y-%m-%d}) that the launches "
                f"before the event cannot forecast; {fix}"
            )


def _named_launch(
    launch_date: str, event_local: pd.Timestamp, launch_days: pd.DatetimeIndex, end: pd.Timestamp
) -> pd.Timestamp:
    """The named launch as a launch day of our data, after the event; else a ClaimError."""
    named = pd.Timestamp(parse_date(launch_date, "--launch-date"))
    if named > end or named < launch_days[0]:
        raise ClaimError(
            f"--launch-date {named:%Y-%m-%d} is outside the launch data ({launch_days[0]:%Y-%m-%d} "
            f"to {end:%Y-%m-%d}); name a launch inside it"
        )
    if named not in launch_days:
        near = launch_days[np.argsort(np.abs((launch_days - named).days), kind="stable")[:2]]
        names = " or ".join(f"{d:%Y-%m-%d}" for d in sorted(near))
        raise ClaimError(
            f"no launch on {named:%Y-%m-%d} (Pyongyang clock) in the CNS/NTI data; the nearest launch "
            f"days are {names}: give one of those as --launch-date"
        )
    if named <= event_local:
        raise ClaimError(
            f"the launch ({named:%Y-%m-%d}) is not after the event ({event_local:%Y-%m-%d}) on the "
            "Pyongyang clock; a launch cannot answer an event that came later or on the same day"
        )
    return named


def check_claim(
    event_date: str,
    event_tz: str,
    event_time: str | None = None,
    launch_date: str | None = None,
    within: int | None = None,
    title: str | None = None,
    n_draws: int = N_DRAWS,
    seed: int = SEED,
) -> ClaimResult:
    """Check a retaliation claim: launches within `within` days of the event against the base rate."""
    date = parse_date(event_date, "--event-date")
    zone = parse_zone(event_tz)
    time = parse_time(event_time)
    event_local = pyongyang_day(date, time, zone)
    days, daily = _launch_data()
    start, end = daily.index[0], daily.index[-1]
    launch_days = pd.DatetimeIndex(daily.index[daily["launch_days"] > 0])
    named = _named_launch(launch_date, event_local, launch_days, end) if launch_date else None
    if within is None:
        within = (named - event_local).days if named is not None else DEFAULT_WITHIN
    if not 1 <= within <= MAX_WITHIN:
        raise ClaimError(f"--within {within} must be a whole number of days from 1 to {MAX_WITHIN}")
    if named is not None and (named - event_local).days > within:
        raise ClaimError(
            f"--within {within} ends before the named launch ({(named - event_local).days} days after "
            "the event); drop --within or make it larger"
        )
    _check_window(event_local, within, start, end)
    _check_era(event_local, within)
    window = (1, within)
    offsets = (launch_days - event_local).days
    in_window = launch_days[(offsets >= 1) & (offsets <= within)]
    before = launch_days[(offsets >= -PRE_DAYS) & (offsets <= -1)]
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            history = daily.loc[:event_local]
            fit = hawkes.fit_hawkes(history)
            upto = daily.loc[: event_local + pd.Timedelta(days=within)]
            prob = hawkes.prob_launch_within(fit, daily, event_local, within)
            model = inference.conditional_test(
                upto,
                pd.DatetimeIndex([event_local]),
                window,
                (-PRE_DAYS, -1),
                fit=fit,
                interval=False,
            )
        except ValueError as exc:
            raise ClaimError(
                f"the model cannot forecast this window from the history before {event_local:%Y-%m-%d}"
                f" ({exc}); use a later event date or a shorter --within"
            ) from None
        test = placebo(
            daily,
            pd.DatetimeIndex([event_local]),
            window,
            seed=seed,
            n_draws=n_draws,
            interval=False,
        )
    notes += sorted({str(w.message) for w in caught})
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
        p_model=float(model.p_value),
        p_placebo=test["p_value"],
        placebo_method=test["method"],
        placebo_rate_ratio=test["rate_ratio"],
        placebo_expected=test["expected"],
        launch_days_before_30=len(before),
        launch_dates_before_30=[f"{d:%Y-%m-%d}" for d in before],
        p_randomization=test["p_randomization"],
        placebo_observed=test["observed"],
        expected_before_30=test["expected_pre"],
        catalogue_events_same_day=same_day,
        dprk_statements=statements,
        statements_available=available,
        data_start=f"{start:%Y-%m-%d}",
        data_end=f"{end:%Y-%m-%d}",
        verdict="",
        notes=notes,
    )
    return _with_verdict(result)


def _with_verdict(result: ClaimResult) -> ClaimResult:
    """The result with its one-sentence verdict filled in."""
    return replace(result, verdict=verdict(result))


def forecast_curve(result: ClaimResult, horizon: int = 30) -> pd.DataFrame:
    """Model chance of at least one launch day within d days of the event (d = 1..horizon), history before it."""
    _, daily = _launch_data()
    event_local = pd.Timestamp(result.event_local_date)
    end = daily.index[-1]
    horizon = max(1, min(horizon, (end - event_local).days))
    fit = hawkes.fit_hawkes(daily.loc[:event_local])
    rows = [
        {"days_after": d, "chance": hawkes.prob_launch_within(fit, daily, event_local, d)}
        for d in range(1, horizon + 1)
    ]
    return pd.DataFrame(rows)


def tests_text(r: ClaimResult) -> str:
    """The tests in two sentences for the report, with their units and what each conditions on."""
    shift = (
        f"; the interval-jitter randomization test gives p = {fmt_p(r.p_randomization)}"
        if r.p_randomization is not None
        else ""
    )
    return (
        f"Launch days in days +1 to +{r.within}: observed {r.placebo_observed}, expected "
        f"{r.placebo_expected:.2f} from the launch history (headline test: {r.placebo_method}): "
        f"p = {fmt_p(r.p_placebo)}{shift}. In the {PRE_DAYS} days before the event: observed "
        f"{r.launch_days_before_30}, expected {r.expected_before_30:.1f} (described, not tested)."
    )


def report_name(result: ClaimResult) -> str:
    """A stable file name for the claim's report: event date, zone and named launch (or window)."""
    zone = re.sub(r"[^a-z0-9]+", "-", result.event_tz.lower()).strip("-")
    tail = f"launch-{result.launch_date}" if result.launch_date else f"within-{result.within}"
    return f"claim_{result.event_date}_{zone}_{tail}"


def notebook_parameters(
    event_date: str,
    event_tz: str,
    event_time: str | None,
    launch_date: str | None,
    within: int | None,
    title: str | None,
) -> dict:
    """Papermill parameters of the claim template notebook (03) for one claim."""
    return {
        "event_date": event_date,
        "event_tz": event_tz,
        "event_time": event_time or "",
        "launch_date": launch_date or "",
        "within": int(within or 0),
        "title": title or "",
    }


def plot_forecast(curve: pd.DataFrame, days_after: list[int]) -> object:
    """Step plot of the model's chance of a launch within d days, with the launch days that followed."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.step(
        curve["days_after"], curve["chance"], where="post", color="#2c5d8a", label="model chance"
    )
    shown = [d for d in days_after if d <= curve["days_after"].max()]
    chance = curve.set_index("days_after")["chance"]
    ax.scatter(shown, [chance[d] for d in shown], color="#c0392b", zorder=3, label="launch day")
    ax.set_xlabel("days after the event (Pyongyang clock)")
    ax.set_ylabel("P(a launch day within d days)")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return ax
