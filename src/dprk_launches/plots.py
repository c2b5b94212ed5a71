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
