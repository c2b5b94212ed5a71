"""Figures: one theme, functions that take frames and return a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
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
) -> plt.Figure:
    """Raster (one row per event) and histogram of launch days around events, with the base-rate line."""
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    order = {e: i for i, e in enumerate(dict.fromkeys(offsets["event_id"]))}
    top.scatter(
        offsets["offset_days"],
        offsets["event_id"].map(order),
        s=8,
        color=UNIT_COLOURS["launch_days"],
    )
    top.axvline(0, color="#b33", lw=1)
    top.set(ylabel="event", title="Launch days around each event (Pyongyang clock)", yticks=[])
    bins = range(-max_abs_days, max_abs_days + bin_days + 1, bin_days)
    bottom.hist(
        offsets["offset_days"], bins=bins, color=UNIT_COLOURS["missiles"], edgecolor="white"
    )
    bottom.axhline(
        daily_rate * bin_days * n_events, color="#333", ls="--", lw=1, label="base rate (all days)"
    )
    bottom.axvline(0, color="#b33", lw=1)
    bottom.set(xlabel="days from event", ylabel=f"launch days per {bin_days} days")
    bottom.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_sensitivity(grid: pd.DataFrame) -> plt.Figure:
    """Heatmap of the rate ratio over window start × end, annotated with the placebo p-value."""
    ratio = grid.pivot(index="start", columns="end", values="rate_ratio")
    pvals = grid.pivot(index="start", columns="end", values="p_value")
    labels = ratio.round(2).astype(str) + "\np=" + pvals.round(2).astype(str)
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
        title="Sensitivity to the window",
    )
    fig.tight_layout()
    return fig


def plot_rate_ratios(table: pd.DataFrame) -> plt.Figure:
    """Rate ratio with its placebo interval per row (columns: rate ratio, rr low, rr high), line at 1."""
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.2))
    y = range(len(table))
    ax.errorbar(
        table["rate ratio"],
        y,
        xerr=[table["rate ratio"] - table["rr low"], table["rr high"] - table["rate ratio"]],
        fmt="o",
        color=UNIT_COLOURS["launch_days"],
        capsize=3,
    )
    ax.axvline(1, color="#b33", lw=1)
    ax.set_yticks(list(y), table.index)
    ax.invert_yaxis()
    ax.set(
        xlabel="rate ratio, observed / matched placebo (95% placebo interval)",
        title="Rate ratio by variant",
    )
    fig.tight_layout()
    return fig
