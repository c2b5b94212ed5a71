"""The event-study page (notebook 02) assembled: its run, verdict, power and audit, and its sections.

`build` runs the page's design inside the index's family (`verdicts`) and gathers what every section
prints; the section functions draw or write one part of the page each, so the notebook reads as a
report: question, answer, figure, number, caveat.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown, display

from .. import windows
from ..analysis import calibration_report, comparison, inference, real_placebo
from ..analysis.headline import HeadlineResult
from ..records import launches
from . import event_table, plots, verdict_words, verdicts
from . import kit as reportkit


@dataclass(frozen=True)
class EventPage:
    """Everything the event-study page prints, computed once."""

    label: str
    design: verdicts.StudyDesign
    family: verdicts.Family
    run: verdicts.StudyRun
    verdict: verdicts.Verdict
    power: float
    power_adjusted: float
    audit: pd.DataFrame
    by_missiles: HeadlineResult
    fast: bool

    @property
    def result(self) -> HeadlineResult:
        """The headline test of the page's events."""
        return self.run.result

    @property
    def daily(self) -> pd.DataFrame:
        """The zero-filled daily launch calendar of the study period."""
        return self.run.daily

    @property
    def chosen(self) -> pd.DataFrame:
        """The events studied (inside the study period)."""
        return self.run.chosen

    @property
    def draws(self) -> int:
        """Randomization draws for the smaller figures (fewer in a fast build)."""
        return 500 if self.fast else 2000


def build(label: str, parameters: dict, fast: bool = False) -> EventPage:
    """Run the page's design in the index's family and gather its verdict, power and audit."""
    n_draws = 2000 if fast else 10000
    design = verdicts.design_from_parameters(label, {"label": label, **parameters})
    family = verdicts.run_family(n_draws)
    run = verdicts.page_run(family, design, n_draws)
    verdict = family.verdict(design, run.result)
    power, power_adjusted = verdict_words.power_pair(run, verdict.family_size)
    audit = event_table.audit(run.listed, run.daily, design.window, design.pre_window)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # events too near the calendar edges are listed with the reason
        by_missiles = inference.headline_test(
            run.daily,
            run.chosen,
            design.window,
            n_draws=n_draws,
            unit="missiles",
            interval=False,
            pre_window=design.pre_window,
        )
    return EventPage(
        label, design, family, run, verdict, power, power_adjusted, audit, by_missiles, fast
    )


def headline(page: EventPage) -> None:
    """The page's first words (question, adjusted verdict, power) and its record for the index."""
    r = page.result
    reportkit.headline(
        verdict_words.lead_sentence(page.label, r, page.verdict),
        verdict_words.power_sentence(
            r.n_events, page.power, page.power_adjusted, int(page.audit["used"].sum())
        ),
    )
    reportkit.effect(
        page.label,
        r.rate_ratio,
        r.ci,
        r.p_value,
        r.n_events,
        r.direction,
        verdict=page.verdict.record(),
    )
    checked = real_placebo.sentence(real_placebo.load(), page.family.member(page.design) or "")
    if checked:
        display(Markdown(checked))


def raster(page: EventPage) -> None:
    """Launch days around each used event, rows labelled by date, with a randomization band."""
    labelled_raster(
        page.audit, page.chosen, page.daily, launches.load_launches(), n_draws=page.draws
    )


def labelled_raster(
    audit: pd.DataFrame,
    chosen: pd.DataFrame,
    daily: pd.DataFrame,
    launch_days: pd.DataFrame,
    n_draws: int,
) -> None:
    """The raster of an events table's used events, one row per event labelled by its Pyongyang
    date ('(same day)' when it shares one), with the placebo band; event pages and study pages."""
    rows = reportkit.raster_rows(audit)
    used = chosen[chosen["event_id"].isin(rows.index)]
    offsets = windows.event_offsets(launch_days, used, max_abs_days=60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        band = comparison.placebo_band(daily, used, n_draws=n_draws)
    plots.plot_peri_event(
        offsets,
        n_events=len(rows),
        daily_rate=daily["launch_days"].mean(),
        band=band,
        rows=rows,
    )


def pre_window(page: EventPage) -> None:
    """The days before the events, observed against forecast (described, not tested)."""
    r, (a, b) = page.result, page.design.pre_window
    display(
        Markdown(
            f"In days {a} to {b} before the events: {r.observed_pre:.0f} launch days observed, "
            f"{r.expected_pre:.1f} forecast from the launches before that window."
        )
    )


def ranged_events(page: EventPage) -> None:
    """For events that span several days: launch days before, during and after (descriptive)."""
    chosen = page.chosen
    ranged = chosen[chosen["end_local"] > chosen["start_local"]]
    if not len(ranged):
        return
    display(
        Markdown(
            f"## Before, during and after\n\n{len(ranged)} of the {len(chosen)} events in the "
            "study period span several days. Launch days in the 30 days before each, on its own "
            "days, and in the 30 days after (exact Poisson intervals, which ignore clustering; "
            "descriptive):"
        )
    )
    phases = windows.range_phase_summary(windows.range_phase_counts(page.daily, ranged))
    plots.plot_range_phases(phases)
    display(reportkit.rounded(phases))


def window_grid(page: EventPage) -> None:
    """The max-T adjusted grid of windows, in a sentence and a figure."""
    starts, ends = ([1, 8], [7, 30]) if page.fast else ([0, 1, 4, 8, 15], [3, 7, 14, 30, 60])
    grid = inference.window_grid(
        page.daily, page.chosen, starts, ends, fit=page.result.alt_fit, n_draws=page.draws
    )
    display(Markdown(verdict_words.grid_sentence(grid)))
    plots.plot_sensitivity(grid)


def calibration_bullet() -> None:
    """The calibration's one-sentence summary, or why it is missing."""
    try:
        text = calibration_report.summary_sentence(calibration_report.load())
    except FileNotFoundError as exc:
        text = f"Not available in this checkout ({exc})."
    display(Markdown(f"- **Calibration.** {text}"))
