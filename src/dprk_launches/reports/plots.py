"""Figures: one theme, functions that take frames and return a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

UNIT_COLOURS = {"missiles": "#9bb7d4", "launch_days": "#2c5d8a"}


def set_theme() -> None:
    """The suite's one plotting theme."""
    sns.set_theme(
        style="whitegrid",
        context="notebook",
        rc={"figure.figsize": (9, 4), "axes.titleweight": "bold"},
    )


def plot_units_per_year(per_year: pd.DataFrame) -> plt.Figure:
    """Side-by-side bars per year: missiles and launch days (the two units)."""
    fig, ax = plt.subplots(figsize=(10, 4))
    years = per_year.index.to_numpy()
    width = 0.42
    ax.bar(
        years - width / 2,
        per_year["missiles"],
        width,
        label="missiles",
        color=UNIT_COLOURS["missiles"],
    )
    ax.bar(
        years + width / 2,
        per_year["launch_days"],
        width,
        label="launch days",
        color=UNIT_COLOURS["launch_days"],
    )
    ax.set(
        xlabel="year (Pyongyang clock)",
        ylabel="count",
        title="Missiles and launch days per year (CNS/NTI)",
    )
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_peri_event(
    offsets: pd.DataFrame,
    n_events: int,
    daily_rate: float,
    max_abs_days: int = 60,
    bin_days: int = 5,
    band: pd.DataFrame | None = None,
    rows: pd.Series | None = None,
) -> plt.Figure:
    """Raster (one row per event) and histogram of launch days around events, base rate and placebo band.

    `band` (from `comparison.placebo_band`, same max_abs_days and bin_days) shades the 95% range of
    matched placebo dates per bin. `rows` (event_id -> label, in order, first at the top) gives every
    event its own labelled row, also those without a launch nearby; without it, rows are unlabelled.
    """
    top_height = 4.0 if rows is None else max(1.6, 0.13 * len(rows) + 0.6)
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(10, top_height + 2.6),
        sharex=True,
        gridspec_kw={"height_ratios": [top_height, 2.0]},
    )
    if rows is None:
        order = {e: i for i, e in enumerate(dict.fromkeys(offsets["event_id"]))}
    else:
        order = {e: i for i, e in enumerate(rows.index)}
    shown = offsets[offsets["event_id"].isin(list(order))]
    top.scatter(
        shown["offset_days"],
        shown["event_id"].map(order),
        s=8,
        color=UNIT_COLOURS["launch_days"],
    )
    top.axvline(0, color="#b33", lw=1)
    top.set(title="Launch days around each event (Pyongyang clock)")
    if rows is None:
        top.set(ylabel="event", yticks=[])
    else:
        top.set_yticks(range(len(rows)), [str(v) for v in rows.to_numpy()], fontsize=6)
        top.set_ylim(len(rows) - 0.5, -0.5)
        top.set_ylabel("event (Pyongyang date)" if len(rows) > 6 else "event")
        top.grid(axis="y", linewidth=0.3)
    bins = range(-max_abs_days, max_abs_days + bin_days + 1, bin_days)
    bottom.hist(
        offsets["offset_days"], bins=bins, color=UNIT_COLOURS["missiles"], edgecolor="white"
    )
    bottom.axhline(
        daily_rate * bin_days * n_events, color="#333", ls="--", lw=1, label="base rate (all days)"
    )
    if band is not None:
        edges = np.append(band["start"].to_numpy(), band["start"].to_numpy()[-1] + bin_days)
        bottom.stairs(
            band["high"].to_numpy(),
            edges,
            baseline=band["low"].to_numpy(),
            fill=True,
            color="#888",
            alpha=0.3,
            label="matched placebo, 95% range",
        )
    bottom.axvline(0, color="#b33", lw=1)
    bottom.set(xlabel="days from event", ylabel=f"launch days per {bin_days} days")
    # below the axis, never over the bars
    bottom.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=2)
    fig.tight_layout()
    return fig


def plot_sensitivity(grid: pd.DataFrame) -> plt.Figure:
    """Heatmap of the rate ratio over window start × end, annotated with the placebo p-value."""
    ratio = grid.pivot(index="start", columns="end", values="rate_ratio")
    pvals = grid.pivot(index="start", columns="end", values="p_value")
    adjusted = "p_raw" in grid.columns  # a max-T grid: its p_value is the adjusted one
    labels = (
        ratio.round(2).astype(str)
        + ("\nadj. p=" if adjusted else "\np=")
        + pvals.round(2).astype(str)
    )
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.heatmap(
        ratio,
        annot=labels.fillna(""),
        fmt="",
        cmap="RdBu_r",
        center=1.0,
        ax=ax,
        cbar_kws={"label": "rate ratio"},
    )
    ax.set(
        xlabel="window end (days after event)",
        ylabel="window start",
        title="Sensitivity to the window" + (" (max-T adjusted p)" if adjusted else ""),
    )
    fig.tight_layout()
    return fig


def plot_rate_ratios(table: pd.DataFrame) -> plt.Figure:
    """Rate ratio with its 95% interval per row (columns: rate ratio, rr low, rr high), line at 1."""
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.2))
    y = range(len(table))
    ax.errorbar(
        table["rate ratio"],
        y,
        xerr=[
            (table["rate ratio"] - table["rr low"]).clip(lower=0),
            (table["rr high"] - table["rate ratio"]).clip(lower=0),
        ],
        fmt="o",
        color=UNIT_COLOURS["launch_days"],
        capsize=3,
    )
    ax.axvline(1, color="#b33", lw=1)
    ax.set_yticks(list(y), table.index)
    ax.invert_yaxis()
    ax.set(
        xlabel="rate ratio with its 95% interval",
        title="Rate ratio by variant",
    )
    fig.tight_layout()
    return fig


def _period_edges(index: pd.Index) -> pd.DatetimeIndex:
    """Edges of periods labelled by their last day (resample output): one more edge than periods."""
    index = pd.DatetimeIndex(index)
    width = index[1] - index[0] if len(index) > 1 else pd.Timedelta(days=1)
    return index.insert(0, index[0] - width)


def plot_timeline(
    counts: pd.DataFrame,
    events: pd.DataFrame | None = None,
    unit: str = "launch_days",
    title: str = "Launch tempo",
    eras: pd.DataFrame | None = None,
) -> plt.Figure:
    """Bars of counts per period with event lines, range-event bands and labelled era starts.

    `eras` is `series.era_rates` output (its index names the eras, `first_day` their starts).
    """
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.stairs(
        counts[unit].to_numpy(), _period_edges(counts.index), fill=True, color=UNIT_COLOURS[unit]
    )
    if events is not None and len(events):
        ranged = events["end_local"] > events["start_local"]
        for row in events[ranged].itertuples():
            ax.axvspan(row.start_local, row.end_local, color="#e8a33d", alpha=0.25, lw=0)
        for when in events.loc[~ranged, "start_local"]:
            ax.axvline(when, color="#b33", lw=0.8, alpha=0.7)
    if eras is not None:
        top = float(counts[unit].max()) if len(counts) else 1.0
        for name, first in zip(eras.index, eras["first_day"], strict=True):
            ax.axvline(first, color="#555", ls="--", lw=0.8)
            ax.text(first, top, f" {name}", rotation=90, va="top", fontsize=8, color="#555")
    label = unit.replace("_", " ")
    ax.set(xlabel="Pyongyang clock", ylabel=f"{label} per period", title=title)
    fig.tight_layout()
    return fig


def _rate_bars(
    ax: plt.Axes, x: np.ndarray, rate: pd.Series, low: pd.Series, high: pd.Series
) -> None:
    """Bars of rates with their interval as error bars."""
    rate = rate.to_numpy()
    ax.bar(x, rate, color=UNIT_COLOURS["launch_days"])
    yerr = [rate - low.to_numpy(), high.to_numpy() - rate]
    ax.errorbar(x, rate, yerr=yerr, fmt="none", color="#333", capsize=3)


def plot_seasonality(table: pd.DataFrame, period: str = "month") -> plt.Figure:
    """Bars of launch rate per 30 days by month (or quarter) with their exact Poisson intervals."""
    rows = table[table["period"] == period]
    if rows.empty:
        raise ValueError(f"no rows for period {period!r}")
    fig, ax = plt.subplots(figsize=(8, 3.5))
    x = rows["value"].to_numpy()
    _rate_bars(ax, x, rows["rate_per_30d"], rows["low"], rows["high"])
    ax.set_xticks(x)
    ax.set(xlabel=period, ylabel="rate per 30 days (95% exact interval)", title="Seasonality")
    fig.tight_layout()
    return fig


def plot_rescaling(z: np.ndarray) -> plt.Figure:
    """Time-rescaling check of the Hawkes fit: sorted rescaled intervals against uniform quantiles."""
    z = np.sort(np.asarray(z))
    n = len(z)
    if n == 0:
        raise ValueError("no rescaled intervals to plot")
    expected = (np.arange(1, n + 1) - 0.5) / n
    band = 1.36 / np.sqrt(n)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot(expected, z, "o", ms=3, color=UNIT_COLOURS["launch_days"])
    ax.plot([0, 1], [0, 1], color="#333", lw=1)
    ax.fill_between([0, 1], [-band, 1 - band], [band, 1 + band], color="#888", alpha=0.2)
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel="uniform quantile",
        ylabel="rescaled interval",
        title="Hawkes goodness of fit (95% KS band)",
    )
    fig.tight_layout()
    return fig


def plot_changepoints(counts: pd.Series, segments: pd.DataFrame, unit_label: str) -> plt.Figure:
    """Counts per period with the constant-rate segments of `changepoints.changepoints` drawn as steps."""
    fig, ax = plt.subplots(figsize=(12, 4))
    edges = _period_edges(counts.index)
    ax.stairs(counts.to_numpy(), edges, fill=True, color="#9bb7d4")
    width = edges[1] - edges[0]
    for row in segments.itertuples():
        ax.hlines(row.rate, row.start - width, row.end, color="#b33", lw=2)
    ax.plot([], [], color="#b33", lw=2, label="segment rate (Poisson PELT)")
    ax.set(xlabel="Pyongyang clock", ylabel=f"{unit_label} per period", title="Changepoints")
    ax.legend(frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def plot_intervals(intervals: pd.Series, rate: float) -> plt.Figure:
    """Histogram of days between launch days on a log axis, against independent days at `rate`."""
    values = intervals.to_numpy()
    if len(values) == 0:
        raise ValueError("no intervals to plot")
    edges = np.unique(np.geomspace(1, max(values.max(), 2) + 1, 25).astype(int))
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.hist(values, bins=edges, color=UNIT_COLOURS["launch_days"], label="observed")
    geometric = len(values) * ((1 - rate) ** (edges[:-1] - 1) - (1 - rate) ** (edges[1:] - 1))
    ax.stairs(geometric, edges, color="#b33", lw=1.5, label="if days were independent")
    ax.set_xscale("log")
    ax.set(xlabel="days to the next launch day", ylabel="intervals", title="Inter-launch intervals")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_ccf(frame: pd.DataFrame, period: str = "week") -> plt.Figure:
    """Lead-lag cross-correlation (from `models.cross_correlation`) with its ±1.96/sqrt(n) band."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.vlines(frame["lag"], 0, frame["ccf"], color=UNIT_COLOURS["launch_days"], lw=2)
    ax.plot(frame["lag"], frame["ccf"], "o", color=UNIT_COLOURS["launch_days"])
    band = float(frame["band"].iloc[0])
    ax.axhspan(-band, band, color="#888", alpha=0.25, lw=0, label="95% band (white noise)")
    ax.axhline(0, color="#333", lw=0.8)
    ax.set(
        xlabel=f"lag k in {period}s (k > 0: events lead launches; k < 0: launches lead events)",
        ylabel="correlation",
        title="Who follows whom",
    )
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_range_phases(summary: pd.DataFrame) -> plt.Figure:
    """Launch days per 30 days before, during and after range events, with exact intervals."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(len(summary))
    _rate_bars(ax, x, summary["launch_days_per_30d"], summary["low"], summary["high"])
    ax.set_xticks(x, [str(v) for v in summary.index])
    ax.set(ylabel="launch days per 30 days (95% exact)", title="Before, during and after")
    fig.tight_layout()
    return fig


def plot_event_coverage(coverage: pd.DataFrame) -> plt.Figure:
    """Heatmap of events per category (rows) per year (columns), from `events.per_category_year`."""
    fig, ax = plt.subplots(figsize=(12, 0.45 * len(coverage) + 1.5))
    sns.heatmap(
        coverage,
        ax=ax,
        cmap="Blues",
        annot=True,
        fmt="d",
        cbar=False,
        linewidths=0.5,
        annot_kws={"fontsize": 7},
    )
    ax.set(xlabel="year (Pyongyang clock)", ylabel="", title="Events catalogue: rows per year")
    fig.tight_layout()
    return fig
