"""What notebooks call to write report parts: set-up, the headline, effects for the index, the events
table, the sources footer."""

from __future__ import annotations

import html
import math

import pandas as pd
from IPython.display import HTML, Markdown, display

from .. import __version__
from ..records import sources
from . import event_table

HEADLINE_KEY = "dprk_headline"
EFFECT_KEY = "dprk_effect"
VERDICT_KEY = "dprk_verdict"
DIRECTIONS = ("more", "fewer", "no difference")


def setup_notebook() -> None:
    """Deterministic, readable notebook output: PNG figures, pandas display limits, one plot theme."""
    import matplotlib
    from IPython import get_ipython

    from . import plots

    matplotlib.rcParams["figure.dpi"] = 100
    shell = get_ipython()
    if shell is not None and hasattr(shell, "kernel"):
        if "inline" not in matplotlib.get_backend():  # e.g. MPLBACKEND=Agg: figures would vanish
            shell.run_line_magic("matplotlib", "inline")
        # figures are laid out by tight_layout: skip the second, "tight" render
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
    # every row, column and character: a page never cuts a table to its head and tail
    pd.set_option("display.max_rows", None)
    pd.set_option("display.max_columns", None)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", 120)
    plots.set_theme()


def headline(text: str, more: str = "") -> None:
    """Show the report's opening sentences (the verdict in plain words, then `more`, e.g. the power);
    the build copies both into reports/index.html and puts the page's links right after them."""
    full = f"{text} {more}".strip()
    extra = f" {html.escape(more)}" if more else ""
    body = f'<div class="dprk-headline"><p>{html.escape(text)}{extra}</p></div>'
    display(HTML(body), metadata={HEADLINE_KEY: full})


def effect(
    label: str,
    rate_ratio: float,
    ci: tuple[float, float],
    p_value: float,
    n_events: int,
    direction: str,
    verdict: dict | None = None,
) -> None:
    """Record one effect (rate ratio with its CI) for the forest plot that opens reports/index.html.

    `verdict` is `verdicts.Verdict.record()`: the adjusted p the index colours by (without it the
    effect is its own family: a finding only when p <= 0.05).
    """
    low, high = (float(v) for v in ci)
    rate_ratio, p_value = float(rate_ratio), float(p_value)
    if not label or not isinstance(label, str):
        raise ValueError("effect label must be a non-empty text")
    if not (math.isfinite(rate_ratio) and rate_ratio >= 0):
        raise ValueError(f"rate_ratio must be a finite number >= 0, got {rate_ratio}")
    if not (0 <= low <= rate_ratio <= high) or math.isnan(high):
        raise ValueError(
            f"ci must satisfy 0 <= low <= rate_ratio <= high, got {ci} for {rate_ratio}"
        )
    if not 0 <= p_value <= 1:
        raise ValueError(f"p_value must be in [0, 1], got {p_value}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    record = {
        "label": label,
        "rate_ratio": rate_ratio,
        "ci": [low, None if math.isinf(high) else high],
        "p_value": p_value,
        "n_events": int(n_events),
        "direction": direction,
    }
    if verdict is None:
        from .verdicts import single_verdict

        verdict = single_verdict(p_value, rate_ratio).record()
    record.update(verdict)
    display(HTML('<div class="dprk-effect" hidden></div>'), metadata={EFFECT_KEY: record})


def verdict(record: dict) -> None:
    """Record the page's verdict for the index's verdict column when it records no effect (or its
    verdict is not its first effect's): `verdict` ('more', 'fewer', 'none'), `verdict_label`, `p_text`."""
    if record.get("verdict") not in ("more", "fewer", "none") or not record.get("verdict_label"):
        raise ValueError(f"a verdict needs verdict in more/fewer/none and a label, got {record}")
    display(HTML('<div class="dprk-verdict" hidden></div>'), metadata={VERDICT_KEY: dict(record)})


def sources_footer(names: list[str] | None = None) -> Markdown:
    """Markdown block: data versions, citations and licences of the pinned sources used."""
    pinned = sources.load_sources()
    chosen = [pinned[n] for n in (names or list(pinned))]
    lines = [
        "### Data versions and sources",
        "",
        f"Built with `dprk_launches` {__version__}. Every third-party file is checked against the sha256 below.",
        "",
        "| source | version | pinned file | sha256 | licence |",
        "|---|---|---|---|---|",
    ]
    for s in chosen:
        lines.append(
            f"| {s.title} | {s.version} | [{s.repository}@{s.commit[:12]}]({s.url}) | `{s.sha256[:16]}…` | {s.licence} |"
        )
    lines += ["", "**Cite:**", ""]
    lines += [f"- {s.citation}" for s in chosen]
    lines += [
        "",
        "Events come from our own catalogue (`data/events/`), each row with a source URL confirming its date.",
    ]
    return Markdown("\n".join(lines))


def fmt_p(p: float) -> str:
    """A p-value for prose: three decimals, or '< 0.001'."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


COUNT_COLUMNS = {"observed", "events", "events used", "launch days", "missiles", "n_events"}


def rounded(frame: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """The frame with its float columns rounded for display and its whole counts shown as integers."""
    floats = frame.select_dtypes("float").columns
    shown = frame.round(dict.fromkeys(floats, digits))
    for column in floats.intersection(list(COUNT_COLUMNS)):
        values = shown[column].dropna()
        if (values == values.round()).all():
            shown[column] = shown[column].astype("Int64")
    return shown


def fmt_interval(low: float, high: float) -> str:
    """An interval for prose: 'low–high' with two decimals, an unbounded end as '∞'."""
    return "–".join("∞" if v == float("inf") else f"{v:.2f}" for v in (low, high))


def sources_frame() -> pd.DataFrame:
    """The pinned sources as a small table for a report."""
    rows = [
        {
            "source": s.name,
            "what": s.title,
            "role": s.role,
            "version": s.version,
            "sha256": s.sha256[:12] + "…",
        }
        for s in sources.load_sources().values()
    ]
    return pd.DataFrame(rows).set_index("source")


def events_table(
    listed: pd.DataFrame,
    daily: pd.DataFrame,
    window: tuple[int, int],
    n_events: int,
    name: str,
    pre_window: tuple[int, int] = (-30, -1),
    extra: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Show every listed event with why it was used or left out (counts that add up to the test's
    number of events), searchable, with a CSV download; returns the table.

    `listed` is every event the page considered (e.g. the whole category or the user's file),
    `daily` and `window` what the headline test ran on, `n_events` its `result.n_events`; `extra`
    names more columns of `listed` to show (e.g. ("category", "mine")).
    """
    table = event_table.audit(listed, daily, window, pre_window, extra)
    event_table.check(table, n_events)
    display(Markdown(event_table.counts_sentence(table)))
    display(HTML(event_table.html_table(table, name)))
    return table


def show_table(table: pd.DataFrame, name: str, what: str = "events") -> None:
    """Show an already-built events table (event_table columns) with its search box and CSV link."""
    display(HTML(event_table.html_table(table, name, what)))


def raster_rows(table: pd.DataFrame) -> pd.Series:
    """Row labels for plots.plot_peri_event: each used event's Pyongyang date, in date order."""
    used = table[table["used"]]
    same = used["status"] != event_table.USED
    labels = used["date (Pyongyang)"].where(~same, used["date (Pyongyang)"] + " (same day)")
    return pd.Series(labels.to_numpy(), index=used["event_id"].to_numpy(), name="label")
