"""One verdict rule for every page: a finding is a finding only on the adjusted p the report pre-registers.

The family the index adjusts for is pre-registered by the files in `notebooks/params/`: every variant
of the event-study notebook is one category, tested at its own window (fixed in its params file before
the data). Each event-study page runs the whole family (the headline tests are cheap once the null fit
is cached), so the page and the index state the same Holm-adjusted p. Within a page, a grid of windows
is read on its max-T adjusted p (`analysis.multiplicity.window_grid`), never on a raw cell.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import events, launches, report_specs, series
from .analysis import power as power_module
from .analysis.headline import PRE_WINDOW, HeadlineResult, headline_test
from .analysis.multiplicity import adjust_pvalues
from .analysis.tables import select_events

LEVEL = 0.05
EVENT_STUDY_NOTEBOOK = "02_event_study.ipynb"
HOLM = "Holm"
FINDING_MORE, FINDING_FEWER, NO_FINDING = "more", "fewer", "none"


@dataclass(frozen=True)
class StudyDesign:
    """One pre-registered event study: which events, which window, from which day."""

    name: str
    label: str
    category: str
    subcategories: tuple[str, ...] = ()
    window: tuple[int, int] = (1, 30)
    pre_window: tuple[int, int] = PRE_WINDOW
    study_start: str = "2006-01-01"
    extra_events: tuple[str, ...] = ()

    def key(self) -> tuple:
        """What makes two designs the same test (name and label aside)."""
        return (
            self.category,
            tuple(sorted(self.subcategories)),
            self.window,
            self.study_start,
            tuple(self.extra_events),
        )


def design_from_parameters(name: str, parameters: dict) -> StudyDesign:
    """A StudyDesign from the event-study notebook's parameters (as papermill passes them)."""
    return StudyDesign(
        name=name,
        label=str(parameters.get("label", name)),
        category=str(parameters["category"]),
        subcategories=tuple(parameters.get("subcategories") or ()),
        window=tuple(int(v) for v in parameters.get("window", (1, 30))),
        pre_window=tuple(int(v) for v in parameters.get("pre_window", PRE_WINDOW)),
        study_start=str(parameters.get("study_start", "2006-01-01")),
        extra_events=tuple(str(v) for v in parameters.get("extra_events") or ()),
    )


def designs(notebooks_dir: Path | None = None) -> list[StudyDesign]:
    """The pre-registered family: every params/*.yml variant of the event-study notebook, by name."""
    specs = [
        s for s in report_specs.discover(notebooks_dir) if s.notebook.name == EVENT_STUDY_NOTEBOOK
    ]
    found = []
    for spec in specs:
        defaults = report_specs.notebook_parameters(spec.notebook)
        found.append(design_from_parameters(spec.name, {**defaults, **spec.parameters}))
    return sorted(found, key=lambda d: d.name)


@dataclass(frozen=True)
class StudyRun:
    """One design run: the daily calendar, the events listed and inside it, and the headline result."""

    design: StudyDesign
    daily: pd.DataFrame
    listed: pd.DataFrame
    chosen: pd.DataFrame
    result: HeadlineResult


def study_events(design: StudyDesign) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The daily calendar from the study start, every catalogue event of the design, those inside it."""
    daily = series.daily_counts(launches.load_launches(), design.study_start)
    catalogue = events.load_events(
        categories=[design.category], extra=list(design.extra_events) or None
    )
    listed = select_events(catalogue, design.category, list(design.subcategories))
    listed = listed.sort_values(["start_local", "event_id"]).reset_index(drop=True)
    chosen = listed[listed["start_local"].between(daily.index[0], daily.index[-1])]
    return daily, listed, chosen


def run_design(design: StudyDesign, n_draws: int, seed: int = 0) -> StudyRun:
    """The headline test of one design, exactly as its event-study page runs it."""
    daily, listed, chosen = study_events(design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropped events are listed, with the reason, on the page
        result = headline_test(
            daily, chosen, design.window, seed=seed, n_draws=n_draws, pre_window=design.pre_window
        )
    return StudyRun(design, daily, listed, chosen, result)


@dataclass(frozen=True)
class Verdict:
    """The verdict of one test on its pre-registered adjusted p (and the raw p beside it)."""

    p_raw: float
    p_adjusted: float
    adjustment: str
    family: str
    family_size: int
    rate_ratio: float
    level: float = LEVEL

    @property
    def finding(self) -> bool:
        """A finding: the adjusted p is at or below the level."""
        return self.p_adjusted <= self.level

    @property
    def raw_only(self) -> bool:
        """Below the level before the adjustment, not after it."""
        return self.p_raw <= self.level < self.p_adjusted

    @property
    def direction(self) -> str:
        """'more' or 'fewer' for a finding, else 'none' (the sign alone is never a verdict)."""
        if not self.finding or np.isclose(self.rate_ratio, 1.0):
            return NO_FINDING
        return FINDING_MORE if self.rate_ratio > 1 else FINDING_FEWER

    def label(self) -> str:
        """A few words for the index's verdict column."""
        if self.direction == FINDING_MORE:
            return "finding: more launch days"
        if self.direction == FINDING_FEWER:
            return "finding: fewer launch days"
        if self.raw_only:
            return "no finding after adjustment"
        return "no finding"

    def p_text(self) -> str:
        """'Holm-adjusted p = 0.35 across the 8 ... (raw p = 0.037)', or 'p = 0.20' for one test."""
        if self.family_size <= 1:
            return f"p = {fmt_p(self.p_raw)}"
        return (
            f"{self.adjustment}-adjusted p = {fmt_p(self.p_adjusted)} across {self.family} "
            f"(raw p = {fmt_p(self.p_raw)})"
        )

    def record(self) -> dict:
        """The fields reportkit.effect stores for the index."""
        return {
            "p_adjusted": float(self.p_adjusted),
            "adjustment": self.adjustment,
            "family": self.family,
            "family_size": int(self.family_size),
            "verdict": self.direction,
            "verdict_label": self.label(),
        }


def fmt_p(p: float) -> str:
    """A p-value for prose: three decimals below 0.1, two above, '< 0.001' at the bottom."""
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.1 else f"{p:.2f}"


def single_verdict(p_value: float, rate_ratio: float) -> Verdict:
    """The verdict of a test that is its own family (one pre-registered test: nothing to adjust)."""
    return Verdict(float(p_value), float(p_value), "none", "this test alone", 1, float(rate_ratio))


@dataclass(frozen=True)
class Family:
    """Every pre-registered event study run once, with Holm (and BH) across them."""

    runs: dict[str, StudyRun] = field(default_factory=dict)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    def member(self, design: StudyDesign) -> str | None:
        """The family name of a design (None when the page runs a design outside the family)."""
        for name, run in self.runs.items():
            if run.design.key() == design.key():
                return name
        return None

    def verdict(self, design: StudyDesign, result: HeadlineResult) -> Verdict:
        """This design's verdict: Holm across the family (with it added when it is not a member)."""
        p = self.table["p"].copy()
        name = self.member(design)
        what = f"the {len(p)} event-study categories on the index"
        if name is None:
            name = f"this page ({design.label})"
            p.loc[name] = result.p_value
            what = f"the {len(p) - 1} event-study categories on the index and this test"
        adjusted = adjust_pvalues(p)["p_holm"]
        return Verdict(result.p_value, float(adjusted[name]), HOLM, what, len(p), result.rate_ratio)


def run_family(n_draws: int, seed: int = 0, notebooks_dir: Path | None = None) -> Family:
    """Run every pre-registered event study; the table has raw, Holm and BH p per category."""
    return _family(n_draws, seed, None if notebooks_dir is None else str(notebooks_dir))


@cache
def _family(n_draws: int, seed: int, notebooks_dir: str | None) -> Family:
    """run_family, once per process and set of arguments."""
    runs, rows = {}, {}
    for design in designs(None if notebooks_dir is None else Path(notebooks_dir)):
        run = run_design(design, n_draws, seed)
        runs[design.name] = run
        r = run.result
        rows[design.name] = {
            "category": design.label,
            "window": f"[{design.window[0]:+d}, {design.window[1]:+d}]",
            "events used": r.n_events,
            "observed": r.observed,
            "expected": r.expected,
            "rate ratio": r.rate_ratio,
            "p": r.p_value,
            "method": r.method,
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("report")
    if len(table):
        adjusted = adjust_pvalues(table["p"])
        table["p (Holm)"] = adjusted["p_holm"]
        table["p (BH)"] = adjusted["p_bh"]
        table["verdict"] = [
            Verdict(p, h, HOLM, "the family", len(table), rr).label()
            for p, h, rr in zip(table["p"], table["p (Holm)"], table["rate ratio"], strict=True)
        ]
    return Family(runs, table)


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
        return f"{n_events} events"
    return f"{n_rows} events on {n_events} distinct day{'' if n_events == 1 else 's'}"


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
        f"{result.observed:.0f} {days} against {result.expected:.1f} expected, rate ratio "
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
    from .analysis.headline import fmt_interval

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


def page_run(family: Family, design: StudyDesign, n_draws: int) -> StudyRun:
    """The family's run of this design when it is a member (same numbers as the index), else a new run."""
    name = family.member(design)
    return family.runs[name] if name is not None else run_design(design, n_draws)


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
