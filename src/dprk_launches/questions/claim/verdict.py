"""The claim checker's one-sentence verdict, for a launch after the event or (the reverse question) before it.

After the event: did launches follow it sooner or more often than the forecaster expected from the
launches up to it? Before the event: the launch cannot have answered it, so the question turns
round: did the event follow a run of launches (a response to them) rather than cause them? Both
rest on the headline test (the reports' test, on data up to the window's end) with the interval-
jitter randomization test as confirmation; the model chance describes and does not vote.
"""

from __future__ import annotations

from ...words import plural
from .inputs import PRE_DAYS
from .result import ClaimResult

ALPHA = 0.05


def fmt_chance(p: float) -> str:
    """A probability for prose: one decimal below 10%, whole percent above."""
    return f"{p:.1%}" if p < 0.1 else f"{p:.0%}"


def fmt_p(p: float) -> str:
    """A p-value for prose: three decimals, or '< 0.001'."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _votes(r: ClaimResult) -> list[bool]:
    """Whether the headline test and (when computed) the randomization test reject at ALPHA."""
    ps = [r.p_placebo] + ([r.p_randomization] if r.p_randomization is not None else [])
    return [p <= ALPHA for p in ps]


def outcome(r: ClaimResult) -> str:
    """'no_launch', 'unusual' (both tests reject), 'borderline' (they disagree) or 'base_rate'."""
    if not r.launch_local_dates:
        return "no_launch"
    low = _votes(r)
    return "unusual" if all(low) else "borderline" if any(low) else "base_rate"


def _tests(r: ClaimResult) -> str:
    """'model p = 0.024, headline test p = 0.054, interval-jitter test against nearby days p = 0.507'."""
    shift = (
        f", interval-jitter test against nearby days p = {fmt_p(r.p_randomization)}"
        if r.p_randomization is not None
        else ""
    )
    return f"model p = {fmt_p(r.p_model)}, headline test p = {fmt_p(r.p_placebo)}{shift}"


def _level(s: object) -> str:
    """', threat level warning' for a statement with a recorded level, else ''."""
    return f", threat level {s.threat_level}" if s.threat_level else ""  # type: ignore[attr-defined]


def _ahead(r: ClaimResult) -> str:
    """The catalogue's DPRK statements dated before the event (anticipates) as a clause, or ''."""
    ahead = [s for s in r.dprk_statements if s.anticipates]
    if not ahead:
        return ""
    s = ahead[0]
    said = "spoke of it" if s.threat_level in ("", "none") else "warned of it"
    more = f" (and {plural(len(ahead) - 1, 'more')})" if len(ahead) > 1 else ""
    return (
        f"a DPRK statement on {s.date_local} (before the event{_level(s)}){more} {said} in advance"
    )


def _statement(r: ClaimResult) -> str:
    """The catalogue's DPRK statements about the event, as a closing clause ('' when unknown)."""
    after = [s for s in r.dprk_statements if not s.anticipates]
    ahead = _ahead(r)
    if after:
        s = after[0]
        said = (
            f"a DPRK statement in our catalogue ({s.date_local}{_level(s)}) responds to the event"
        )
        return f"; {said}{' and ' + ahead if ahead else ''}, a stated link that timing cannot give"
    if ahead:
        return f"; in our catalogue {ahead}, a stated link that timing cannot give"
    if r.statements_available:
        return "; no DPRK statement in our catalogue responds to it"
    return ""


def _outside(r: ClaimResult) -> str:
    """Launch days of the claim that CNS/NTI does not list, with kind and source, as a clause."""
    if not r.launch_sources:
        return ""
    days = [f"{day} ({what.rstrip('. ')})" for day, what in sorted(r.launch_sources.items())]
    return f"; not in CNS/NTI: {listing(days)}"


def _after(r: ClaimResult) -> str:
    """The verdict for launches after the event."""
    if not r.launch_local_dates:
        return (
            f"No launch day fell within {plural(r.within, 'day')} after the event "
            f"({r.event_local_date} on the Pyongyang clock), although the forecaster gave one a "
            f"{fmt_chance(r.prob_launch_within)} chance given the launches up to it, so the timing "
            "gives the claim no support."
        )
    n = len(r.launch_local_dates)
    if n == 1:
        fell = (
            f"A launch day followed {plural(r.days_after[0], 'day')} after the event on the "
            f"Pyongyang clock ({r.launch_local_dates[0]})"
        )
        chance = (
            f"the forecaster gave a launch within {plural(r.within, 'day')} a "
            f"{fmt_chance(r.prob_launch_within)} chance"
        )
    else:
        days = listing([str(d) for d in r.days_after])
        fell = (
            f"{n} launch days followed the event within {plural(r.within, 'day')} on the Pyongyang "
            f"clock, {days} days after it ({listing(r.launch_local_dates)}), against "
            f"{r.placebo_expected:.1f} expected"
        )
        chance = (
            f"the forecaster gave at least one launch day in that time a "
            f"{fmt_chance(r.prob_launch_within)} chance and {n} or more a {fmt_chance(r.p_model)} "
            "chance"
        )
    head = f"{fell}; given the launches up to the event {chance} ({_tests(r)})"
    found = outcome(r)
    what = "launch" if n == 1 else "launches"
    if found == "unusual":
        judgement = (
            "unusual timing for a single event, but one coincidence picked after the fact is weak "
            f"evidence and timing alone cannot show that the {what} answered the event"
        )
    elif found == "borderline":
        judgement = (
            "borderline timing (the headline and randomization tests disagree), and timing alone "
            f"cannot show that the {what} answered the event"
        )
    else:
        judgement = "timing that the base rate explains, so it is no evidence of retaliation"
    before = (
        f"; the event itself came after {plural(r.launch_days_before_30, 'launch day')} in the "
        f"previous {PRE_DAYS} days"
        if r.launch_days_before_30
        else ""
    )
    return f"{head}: {judgement}{before}{_outside(r)}{_statement(r)}."


def _before(r: ClaimResult) -> str:
    """The verdict for a named launch before the event: the reverse question."""
    named = r.launch_date
    gap = (
        -r.days_after[r.launch_local_dates.index(named)] if named in r.launch_local_dates else None
    )
    came = (
        f"The launch on {named} came {plural(gap, 'day')} before the event "
        f"({r.event_local_date} on the Pyongyang clock), so it cannot have answered it"
        if gap is not None
        else f"The event fell on {r.event_local_date} on the Pyongyang clock"
    )
    n = len(r.launch_local_dates)
    asked = (
        f"asked the other way round (did the event follow launches, as a response would?), "
        f"{plural(n, 'launch day')} fell in the {plural(r.within, 'day')} before it"
        + (f" ({listing(r.launch_local_dates)})" if n else "")
        + f" against {r.placebo_expected:.1f} that the forecaster expected from the launches "
        f"before them (chance of {n} or more: {fmt_chance(r.p_model)}; {_tests(r)})"
    )
    found = outcome(r)
    if found == "unusual":
        judgement = (
            "more launches than usual came before the event, so its timing fits a response to "
            "them (timing, not proof: a scheduled event would have come anyway)"
        )
    elif found == "borderline":
        judgement = (
            "borderline (the headline and randomization tests disagree) on whether launches ran "
            "above their usual rate before the event"
        )
    else:
        judgement = (
            "launches before it ran at about their usual rate, so the timing suggests neither a "
            "response to them nor anything the launch could answer"
        )
    return f"{came}; {asked}: {judgement}{_outside(r)}{_statement(r)}."


def verdict(r: ClaimResult) -> str:
    """One sentence that says what the timing shows and never more."""
    return _before(r) if r.direction == "before" else _after(r)
