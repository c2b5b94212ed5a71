"""Tables, figures and sentences of the claim report (notebook 03), computed from a `ClaimResult`."""

from __future__ import annotations

import pandas as pd

from ... import events, windows
from ...records import supplement as launch_supplement
from ...reports import plots
from ...words import plural
from . import check as claim
from . import verdict as claimverdict
from .check import PRE_DAYS, ClaimResult, fmt_chance, fmt_p

AROUND_DAYS = 60
TABLE_DAYS = 30
HORIZON = 30
FLAT_YEAR = 365


def load_result(
    precomputed: dict,
    event_date: str,
    event_tz: str,
    event_time: str = "",
    launch_date: str = "",
    within: int = 0,
    title: str = "",
    fast: bool = False,
    kinds: str = "ballistic",
) -> ClaimResult:
    """The CLI's own answer when handed one (numbers computed once), else the claim checked afresh."""
    if precomputed:
        return claim.claim_from_json(precomputed)
    try:
        chosen = launch_supplement.parse_kinds(kinds or "ballistic")
    except ValueError as exc:
        raise claim.ClaimError(f"kinds: {exc}") from None
    return claim.check_claim(
        event_date,
        event_tz,
        event_time=event_time or None,
        launch_date=launch_date or None,
        within=within or None,
        title=title or None,
        n_draws=2000 if fast else claim.N_DRAWS,
        kinds=chosen,
    )


def event_name(result: ClaimResult) -> str:
    """The event as the report names it: the given or catalogue title, else its date."""
    return result.title or f"the event of {result.event_date}"


def claim_text(result: ClaimResult) -> str:
    """The claim in one paragraph: both clocks, the named launch and the launch days in the window."""
    event_local = pd.Timestamp(result.event_local_date)
    if result.launch_date:
        gap = result.days_after[result.launch_local_dates.index(result.launch_date)]
        side = "after" if gap > 0 else "before"
        launch = (
            f"the claim names the launch of **{pd.Timestamp(result.launch_date):%d %B %Y}** "
            f"(Pyongyang), {plural(abs(gap), 'day')} {side} the event on that clock"
        )
    else:
        launch = "no launch is named"
    fell = ", ".join(result.launch_local_dates) or "none"
    span = (
        f"days -{result.within} to -1 before the event (the reverse question: did the event "
        "follow launches?)"
        if result.direction == "before"
        else f"days +1 to +{result.within} after the event"
    )
    return (
        f"**The claim.** {event_name(result)}: **{pd.Timestamp(result.event_date):%d %B %Y}** at "
        f"{result.event_time} on the {result.event_tz} clock, which is **{event_local:%d %B %Y}** in "
        f"Pyongyang; {launch}. The window checked is {span}: "
        f"{plural(len(result.launch_local_dates), 'launch day')} fell in it ({fell})."
    )


def plot_around(result: ClaimResult, max_abs_days: int = AROUND_DAYS) -> object:
    """Peri-event raster and histogram of the launch days within max_abs_days of the event."""
    days, _ = claim.launch_data(tuple(result.kinds))
    event = pd.DataFrame(
        {"event_id": ["claim"], "start_local": [pd.Timestamp(result.event_local_date)]}
    )
    offsets = windows.event_offsets(days, event, max_abs_days=max_abs_days)
    rate = len(offsets) / (2 * max_abs_days + 1)
    rows = pd.Series({"claim": f"{result.event_local_date}"})
    return plots.plot_peri_event(
        offsets, n_events=1, daily_rate=rate, max_abs_days=max_abs_days, bin_days=3, rows=rows
    )


def launches_around(result: ClaimResult, days: int = TABLE_DAYS) -> pd.DataFrame:
    """The launch days within `days` either side of the event, with their offset from it."""
    launch_days, _ = claim.launch_data(tuple(result.kinds))
    event_local = pd.Timestamp(result.event_local_date)
    offset = (launch_days["date_local"] - event_local).dt.days
    around = launch_days[offset.abs() <= days].assign(days_after_event=offset)
    added = launch_days.attrs.get("added", {})
    rows = [added.get(f"{day:%Y-%m-%d}", {}) for day in around["date_local"]]
    around["source"] = [_day_source(row) for row in rows]
    around["source_url"] = [row.get("source_url", "") for row in rows]
    columns = ["date_local", "days_after_event", "n_missiles", "missile_types", "facilities"]
    around["date_local"] = around["date_local"].dt.strftime("%Y-%m-%d")
    return around[[*columns, "source", "source_url"]].reset_index(drop=True)


def _day_source(added: dict) -> str:
    """Where one launch day comes from: CNS/NTI, or the supplement or CSIS row that added it."""
    if not added:
        return "CNS/NTI"
    where = "our launch supplement" if added.get("source") == "supplement" else "CSIS"
    return f"{where} ({added['kinds']})"


def around_text(result: ClaimResult, around: pd.DataFrame, days: int = TABLE_DAYS) -> str:
    """One sentence introducing the table of launches around the event."""
    offsets = around["days_after_event"]
    return (
        f"{plural(len(around), 'launch day')} within {days} days either side of "
        f"{pd.Timestamp(result.event_local_date):%d %b %Y} ({(offsets < 0).sum()} before, "
        f"{(offsets > 0).sum()} after; launch days on the Pyongyang clock, each with its source):"
    )


def forecast_curve(result: ClaimResult, horizon: int = HORIZON) -> pd.DataFrame:
    """Model chance of at least one launch day within d days of the event, d = 1..horizon (or the data end)."""
    _, daily = claim.launch_data(tuple(result.kinds))
    origin = forecast_origin(result)
    horizon = max(1, min(max(horizon, result.within), (daily.index[-1] - origin).days))
    chances = claim.launch_free_chances(daily, origin, horizon)
    return pd.DataFrame({"days_after": range(1, horizon + 1), "chance": chances})


def forecast_origin(result: ClaimResult) -> pd.Timestamp:
    """The day the claim's forecast starts from: the event, or (asked in reverse) the day before
    the window of days before it."""
    event_local = pd.Timestamp(result.event_local_date)
    if result.direction == "before":
        return event_local - pd.Timedelta(days=result.within + 1)
    return event_local


def days_from_origin(result: ClaimResult) -> list[int]:
    """The window's launch days counted from the forecast's origin (what `plot_forecast` marks)."""
    shift = result.within + 1 if result.direction == "before" else 0
    return [d + shift for d in result.days_after]


def plot_forecast(curve: pd.DataFrame, result: ClaimResult) -> object:
    """Step plot of the model's chance of a launch within d days of the forecast's first day, with
    the window's launch days marked."""
    days_after = days_from_origin(result)
    start = _origin_words(result)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.step(
        curve["days_after"], curve["chance"], where="post", color="#2c5d8a", label="model chance"
    )
    shown = [d for d in days_after if 1 <= d <= curve["days_after"].max()]
    chance = curve.set_index("days_after")["chance"]
    ax.scatter(shown, [chance[d] for d in shown], color="#c0392b", zorder=3, label="launch day")
    ax.set_xlabel(f"days after {start} (Pyongyang clock)")
    ax.set_ylabel("P(a launch day within d days)")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return ax


def flat_chance(result: ClaimResult, year: int = FLAT_YEAR) -> tuple[int, float]:
    """Launch days in the `year` days before the event, and the chance of one within the window at that flat rate."""
    days, _ = claim.launch_data(tuple(result.kinds))
    event_local = pd.Timestamp(result.event_local_date)
    dates = days["date_local"]
    n = int(((dates < event_local) & (dates >= event_local - pd.Timedelta(days=year))).sum())
    return n, 1 - (1 - n / year) ** result.within


def chance_text(result: ClaimResult, curve: pd.DataFrame) -> str:
    """The model's chance of a launch that soon, beside the flat rate of the year before, and the model's caveat."""
    at = curve.set_index("days_after")["chance"]
    week, month = min(7, at.index.max()), min(HORIZON, at.index.max())
    n, flat = flat_chance(result)
    _, daily = claim.launch_data(tuple(result.kinds))
    known = int((daily.loc[: forecast_origin(result), "launch_days"] > 0).sum())
    recent = ", ".join(result.launch_dates_before_30) or "none"
    return (
        f"Given the launches up to {_origin_words(result)}, a launch day within "
        f"{plural(result.within, 'day')}{_window_words(result)} had "
        f"a **{fmt_chance(result.prob_launch_within)}** chance (within {plural(week, 'day')}: "
        f"{fmt_chance(at[week])}; within {plural(month, 'day')}: {fmt_chance(at[month])}). At the "
        f"flat rate of the year before ({n} launch days in {FLAT_YEAR}) it would be "
        f"{fmt_chance(flat)}; the model, which also weighs the recent launches "
        f"({result.launch_days_before_30} in the {PRE_DAYS} days before: {recent}), the days since the "
        f"last one, the season and the month-to-month tempo, puts it {_compared(result.prob_launch_within, flat)}.\n\n"
        f"*Caveat.* The model is fitted to the {known} launch days from "
        f"{result.data_start} up to {_origin_words(result, day=True)} only — what was known then — "
        "and its "
        "levels are carried forward: a year that turned busy later does not raise the chance. The "
        "headline test beside it uses the launch days up to the window's last day only."
    )


def _origin_words(result: ClaimResult, day: bool = False) -> str:
    """'the event' ('the event's Pyongyang day' with `day`), or the reverse question's origin day."""
    if result.direction == "after":
        return "the event's Pyongyang day" if day else "the event"
    return f"{forecast_origin(result):%Y-%m-%d}"


def _window_words(result: ClaimResult) -> str:
    """'' after the event; ' (the days before the event)' for the reverse question."""
    return "" if result.direction == "after" else " (the days just before the event)"


def _compared(model_chance: float, flat: float) -> str:
    """'higher', 'lower' or 'about the same' for the model's chance against the flat rate's."""
    if fmt_chance(model_chance) == fmt_chance(flat):
        return "about the same"
    return "higher" if model_chance > flat else "lower"


def tests_table(result: ClaimResult) -> pd.DataFrame:
    """The three p-values side by side (the randomization one empty when not run)."""
    return pd.DataFrame(
        {
            "p": {
                "intensity model: at least as many launch days this soon": result.p_model,
                "headline test (whole record, two-sided)": result.p_placebo,
                "interval-jitter randomization": result.p_randomization,
            }
        }
    )


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


def same_day_events(result: ClaimResult) -> pd.DataFrame:
    """Our catalogue's events on the claim's date, as the report lists them."""
    catalogue = events.load_events(errors="collect").set_index("event_id")
    columns = ["category", "title", "start_date", "timezone", "start_local", "source_url"]
    return catalogue.loc[result.catalogue_events_same_day, columns]


def statements_table(result: ClaimResult) -> pd.DataFrame:
    """The DPRK statements in our catalogue that respond to the event (empty when none)."""
    return pd.DataFrame([vars(s) for s in result.dprk_statements])


def retaliation_text(result: ClaimResult) -> str:
    """What it would take to call the launch retaliation: order of events, a pattern, a stated link."""
    if result.launch_days_before_30:
        before = (
            f"The event came after {plural(result.launch_days_before_30, 'launch day')} in the "
            f"{PRE_DAYS} days before it (the model expected {result.expected_before_30:.1f}), so it may "
            "itself have answered launches, and a launch soon after is what clustering alone predicts"
        )
    else:
        before = (
            f"No launch came in the {PRE_DAYS} days before the event, so it did not answer a "
            "campaign under way"
        )
    categories = sorted(set(same_day_events(result)["category"]))
    pattern = (
        f"the event studies of {', '.join(categories)} run the same comparison across every such "
        "event in our catalogue"
        if categories
        else "add events like this one to a CSV and run `python -m dprk_launches study` on it"
    )
    if result.dprk_statements:
        s = result.dprk_statements[0]
        ahead = [a.date_local for a in result.dprk_statements if a.anticipates]
        before_note = (
            f" ({claimverdict.listing(ahead)}: before the event, a warning in advance rather than "
            "a response to it)"
            if ahead
            else ""
        )
        stated = (
            f"Our catalogue has {plural(len(result.dprk_statements), 'DPRK statement')} about "
            f"the event{before_note}, the first on {s.date_local} (threat level "
            f"{s.threat_level or 'not recorded'}): a stated link, which timing cannot give, though a "
            "statement is not proof of motive either"
        )
    elif result.statements_available:
        stated = (
            "No DPRK statement in our catalogue responds to the event; a KCNA statement tying the "
            "launch to it would be evidence of motive that timing cannot give"
        )
    else:
        stated = "Our catalogue has no DPRK statements to check"
    return (
        f"- **The order of events.** {before}.\n"
        f"- **One event is not a test.** A pattern needs many events: {pattern}.\n"
        f"- **A stated link.** {stated}."
    )


def verdict_record(result: ClaimResult) -> dict:
    """The claim's verdict for the index, by the rule `claim.verdict` words (`claimverdict.outcome`):
    unusual timing only when the headline test and the randomization test (when run) both reject."""
    labels = {
        "no_launch": ("no launch day in the window", "none"),
        "unusual": ("unusual timing for one event (not evidence of motive)", "more"),
        "borderline": ("borderline: the two tests disagree", "none"),
        "base_rate": ("timing the base rate explains", "none"),
    }
    if result.direction == "before":
        labels["unusual"] = ("more launches than usual before the event (fits a response)", "more")
    label, kind = labels[claimverdict.outcome(result)]
    shift = (
        f", randomization p = {fmt_p(result.p_randomization)}"
        if result.p_randomization is not None
        else ""
    )
    return {
        "verdict": kind,
        "verdict_label": label,
        "p_text": f"headline p = {fmt_p(result.p_placebo)}{shift}",
    }
