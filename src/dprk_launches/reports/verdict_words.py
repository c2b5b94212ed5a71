"""The verdicts in words: each page's lead, power, grid and robustness sentences, and the family's.

Built on the one verdict rule of `verdicts` (a finding only on the pre-registered adjusted p); every
sentence a page opens with comes from here, so the index, the pages and `study` say the same thing.
"""

from __future__ import annotations

import warnings

import pandas as pd

from ..analysis import power as power_module
from ..analysis.headline import HeadlineResult, fmt_expected
from ..words import plural
from .verdicts import (
    FINDING_FEWER,
    FINDING_MORE,
    HOLM,
    LEVEL,
    Family,
    StudyRun,
    Verdict,
    fmt_p,
)


def family_sentence(family: Family) -> str:
    """How many of the family's categories are findings after Holm, and which were below 5% raw."""
    table = family.table
    holm = table["p (Holm)"] <= LEVEL
    raw = (table["p"] <= LEVEL) & ~holm
    text = (
        f"{int(holm.sum())} of {len(table)} event-study categories "
        f"{'is a finding' if holm.sum() == 1 else 'are findings'} after the Holm adjustment"
    )
    if holm.any():
        text += " (" + ", ".join(table.loc[holm, "category"]) + ")"
    if raw.any():
        names = "; ".join(
            f"{row['category']}: raw p = {fmt_p(row['p'])}, Holm p = {fmt_p(row['p (Holm)'])}"
            for _, row in table[raw].iterrows()
        )
        text += f". Below 0.05 before the adjustment only: {names}"
    return text + "."


def power_pair(
    run: StudyRun, family_size: int
) -> tuple[power_module.PowerResult, power_module.PowerResult]:
    """Power at the 5% level and at 5%/k, the level Holm needs at worst (a lower bound for it)."""
    r = run.result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = power_module.power(run.daily, run.chosen, run.design.window, fit=r.fit)
        adjusted = power_module.power(
            run.daily, run.chosen, run.design.window, fit=r.fit, alpha=LEVEL / max(family_size, 1)
        )
    return plain, adjusted


def power_sentence(
    n_events: int,
    plain: power_module.PowerResult,
    adjusted: power_module.PowerResult,
    n_rows: int | None = None,
) -> str:
    """'With 8 events, a doubling would be seen 63% of the time (at least 30% after the adjustment).'

    `n_rows` is the number of event rows used when several share a day (the test counts days).
    """
    effect = 2.0 if 2.0 in plain.table.index else float(plain.table.index[len(plain.table) // 2])
    what = "a doubling of the launch rate" if effect == 2.0 else f"a {effect:g}-fold launch rate"
    bound = "at most " if plain.needs_both_tests else ""
    text = (
        f"With {_events_words(n_events, n_rows)}, {what} in the window would be seen {bound}"
        f"{_share(plain.table[effect])} of the time at the 5% level"
    )
    if adjusted.table[effect] != plain.table[effect]:
        text += f" and {bound or 'at least '}{_share(adjusted.table[effect])} after the adjustment"
    return text + "."


def _events_words(n_events: int, n_rows: int | None) -> str:
    """'54 events', or '56 events on 54 distinct days' when rows share a day."""
    if n_rows is None or n_rows == n_events:
        return plural(n_events, "event")
    return f"{n_rows} events on {plural(n_events, 'distinct day')}"


def _share(value: float) -> str:
    """A power as a percentage that never rounds to certainty: '63%', 'over 99%'."""
    return "over 99%" if value >= 0.995 else f"{value:.0%}"


def _lower_first(label: str) -> str:
    """'Summits, talks' -> 'summits, talks'; acronyms ('DPRK', 'UN', 'US–ROK') stay as they are."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def window_words(window: tuple[int, int]) -> str:
    """'the 30 days after' for [1, 30]; 'days -3 to +3 around' otherwise."""
    a, b = window
    if a == 1:
        return f"the {b} days after"
    if a == 0:
        return f"the day of and the {b} days after"
    return f"days {a:+d} to {b:+d} around"


def lead_sentence(label: str, result: HeadlineResult, verdict: Verdict) -> str:
    """What was asked and the answer on the adjusted verdict, in one sentence."""
    asked = (
        f"Asked whether launch days were more or less frequent in {window_words(result.window)} "
        f"{_lower_first(label)} than the launch history predicts"
    )
    days = "launch day" if result.observed == 1 else "launch days"
    numbers = (
        f"{result.observed:.0f} {days} against {fmt_expected(result.observed, result.expected)} "
        "expected, rate ratio "
        f"{result.rate_ratio:.2f}, {_interval(result.ci)}"
    )
    if verdict.direction in (FINDING_MORE, FINDING_FEWER):
        which = "more" if verdict.direction == FINDING_MORE else "fewer"
        return (
            f"{asked}: yes, {which} than predicted, and it survives the adjustment — {numbers}; "
            f"{verdict.p_text()} (timing, not proof of cause)."
        )
    if verdict.raw_only:
        return (
            f"{asked}: no finding — the raw p = {fmt_p(verdict.p_raw)} is below 0.05, but the "
            f"{verdict.adjustment}-adjusted p across {verdict.family} is "
            f"{fmt_p(verdict.p_adjusted)}, not below it ({numbers})."
        )
    return (
        f"{asked}: no finding — {numbers}; {verdict.p_text()}, not distinguishable from what the "
        "launch history predicts."
    )


def _interval(ci: tuple[float, float]) -> str:
    """'95% CI 1.03–2.37', or its unbounded forms."""
    from ..analysis.headline import fmt_interval

    return fmt_interval(ci)


def grid_sentence(grid: pd.DataFrame) -> str:
    """How many windows of a max-T grid are findings, and how many only before the adjustment."""
    adjusted = grid["p_value"] <= LEVEL
    raw = (grid["p_raw"] <= LEVEL) & ~adjusted
    best = grid.loc[grid["p_value"].idxmin()]
    text = (
        f"{int(adjusted.sum())} of {len(grid)} windows {'has' if adjusted.sum() == 1 else 'have'} "
        f"a max-T adjusted p at or below 0.05 (smallest: {fmt_p(best['p_value'])}, days "
        f"{int(best['start']):+d} to {int(best['end']):+d})"
    )
    if raw.any():
        text += (
            f"; {int(raw.sum())} more {'is' if raw.sum() == 1 else 'are'} below 0.05 only before "
            "the adjustment, which is what looking at many windows produces by chance"
        )
    return text + ". The cells show the adjusted p."


def robustness_lead(label: str, table: pd.DataFrame, verdict_text: str) -> str:
    """Page 04's opening sentence: what was asked, the verdict on the Holm-adjusted variants, the
    headline variant's numbers (saying so when its raw p is below 0.05 and its adjusted p is not)."""
    head = table.iloc[0]
    p, holm = float(head["p"]), float(head["p (Holm across variants)"])
    n = len(table)
    note = (
        f"; its raw p = {fmt_p(p)} is below 0.05 but its Holm-adjusted p across the {n} variants "
        f"is {fmt_p(holm)}, not below it"
        if p <= LEVEL < holm
        else ""
    )
    return (
        f"Asked whether the {label} result changes with the unit, the clock, the data version or "
        f"the window: {verdict_text} — the headline variant has rate ratio {head['rate ratio']:.2f} "
        f"({_interval((head['rr low'], head['rr high']))}), p = {fmt_p(p)}{note}; across the {n} "
        f"variants the ratio ranges {table['rate ratio'].min():.2f}–{table['rate ratio'].max():.2f}."
    )


def robustness_record(table: pd.DataFrame) -> dict:
    """Page 04's verdict for the index: the headline variant on its Holm p across the variants."""
    head = table.iloc[0]
    verdict = Verdict(
        float(head["p"]),
        float(head["p (Holm across variants)"]),
        HOLM,
        f"the {len(table)} variants",
        len(table),
        float(head["rate ratio"]),
    )
    survive = int((table["p (Holm across variants)"] <= LEVEL).sum())
    label = (
        "no variant survives the adjustment"
        if survive == 0
        else f"{survive} of {len(table)} variants survive the adjustment"
    )
    return {
        "verdict": verdict.direction,
        "verdict_label": label,
        "p_text": f"headline variant Holm p = {fmt_p(verdict.p_adjusted)} (raw {fmt_p(verdict.p_raw)})",
    }
