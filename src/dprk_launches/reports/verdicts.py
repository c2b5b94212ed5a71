"""One verdict rule for every page: a finding is a finding only on the adjusted p the report pre-registers.

The family the index adjusts for is pre-registered by the files in `notebooks/params/`: every variant
of the event-study notebook is one category, tested at its own window (fixed in its params file before
the data). Each event-study page runs the whole family (the headline tests are cheap once the null fit
is cached), so the page and the index state the same Holm-adjusted p. Within a page, a grid of windows
is read on its max-T adjusted p (`analysis.multiplicity.window_grid`), never on a raw cell. The
sentences pages open with are in `verdict_words`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import events, series
from ..analysis.headline import PRE_WINDOW, HeadlineResult, headline_test
from ..analysis.multiplicity import adjust_pvalues
from ..analysis.tables import select_events
from ..records import launches
from . import specs as report_specs

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


def page_run(family: Family, design: StudyDesign, n_draws: int) -> StudyRun:
    """The family's run of this design when it is a member (same numbers as the index), else a new run."""
    name = family.member(design)
    return family.runs[name] if name is not None else run_design(design, n_draws)
