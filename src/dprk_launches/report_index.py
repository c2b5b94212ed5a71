"""The reports index page: each report with its headline, and a forest plot of every effect."""

from __future__ import annotations

import base64
import html

from . import freshness, sources


def forest_plot_png(effects: list[dict]) -> bytes:
    """One forest plot of every effect (rate ratio, CI) on a log axis with a line at 1; deterministic PNG."""
    import io

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter

    finite = [
        v
        for e in effects
        for v in (e["rate_ratio"], *e["ci"])
        if v is not None and 0 < v < float("inf")
    ]
    lo = min([0.5, *finite]) / 1.5
    hi = max([2.0, *finite]) * 1.5
    defaults = {k: v for k, v in matplotlib.rcParamsDefault.items() if k != "backend"}
    with matplotlib.rc_context(defaults):
        height = 0.42 * len(effects) + 0.9
        fig = Figure(figsize=(8, height), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for y, e in enumerate(reversed(effects)):
            low = max(e["ci"][0], lo)
            high = hi if e["ci"][1] is None else min(e["ci"][1], hi)
            colour = {"more": "#b2442c", "fewer": "#2c5d8a"}.get(e["direction"], "#555555")
            ax.plot([low, high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
            ax.plot([max(e["rate_ratio"], lo)], [y], "o", color=colour, markersize=6)
            if e["ci"][1] is None or e["ci"][1] > hi:
                ax.plot([hi], [y], ">", color=colour, markersize=6)
            ax.annotate(
                f"p={e['p_value']:.3f}, n={e['n_events']}",
                xy=(1.01, y),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=8,
            )
        ax.axvline(1, color="black", linewidth=1, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50) if lo <= t <= hi]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(-0.7, len(effects) - 0.3)
        ax.set_yticks(range(len(effects)), [e["label"] for e in reversed(effects)], fontsize=8)
        ax.set_xlabel("rate ratio: launch days in the window vs expected (log scale; 95% CI)")
        ax.spines[["top", "right"]].set_visible(False)
        fig.subplots_adjust(left=0.38, right=0.84, top=1 - 0.1 / height, bottom=0.6 / height)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _forest_html(entries: list[dict]) -> str:
    """The index's opening figure: every recorded effect as one forest plot, or '' when none."""
    effects = [e for entry in entries for e in entry.get("effects", [])]
    if not effects:
        return ""
    data = base64.b64encode(forest_plot_png(effects)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" '
        'alt="Forest plot: every effect with its 95% interval on a log axis" style="max-width:100%">'
        "<figcaption>Every event study's effect: the rate of launch days in the window against "
        "what the tempo before each event predicts. Dots are rate ratios, bars 95% intervals, "
        "the dashed line is no change; an arrow means the interval has no upper bound.</figcaption>"
        "</figure>"
    )


def _freshness_line() -> str:
    """The data-through sentence, or why it is missing (the index is written even when data fail)."""
    from .schemas import DataError

    try:
        return freshness.data_through_sentence()
    except (DataError, sources.SourceError, OSError, ValueError) as exc:
        return f"Data-through dates unavailable: {exc}"


def _index_html(entries: list[dict]) -> str:
    """reports/index.html: a table of every report with its headline finding (failures marked)."""
    rows = []
    for e in entries:
        name, title = html.escape(e["name"]), html.escape(e["title"])
        link = f'<a href="{name}.html">{title}</a>' if e["page"] else title
        mark = (
            f'<p class="failed">last build failed: {html.escape(e["error"])}</p>'
            if e.get("error")
            else ""
        )
        rows.append(f"<tr><td>{link}</td><td>{mark}{html.escape(e['headline'] or '—')}</td></tr>")
    body = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>DPRK launch tempo: reports</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; max-width: 60rem; margin: 0 auto; padding: 2rem 1rem; color: #1d2733; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.5rem; border-bottom: 1px solid #d9e0e8; }}
th {{ background: #f3f7fb; }}
a {{ color: #2c5d8a; }}
.failed {{ color: #a61b1b; font-weight: 600; margin: 0 0 0.3rem; }}
.freshness {{ color: #4a5a6a; font-style: italic; }}
figcaption {{ color: #4a5a6a; font-size: 0.85rem; }}
</style>
</head>
<body>
<h1>DPRK launch tempo around sanctions, diplomacy and exercises</h1>
<p>Each report answers one question from CNS/NTI launch data on the Pyongyang clock and our sourced events
catalogue. Numbers say their unit (missiles or launch days). Reports state their data versions at the end.</p>
<p class="freshness">{html.escape(_freshness_line())}</p>
{_forest_html(entries)}
<table>
<thead><tr><th>Report</th><th>Headline finding</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""
