"""The reports index page: each report with its headline, and a forest plot of every effect."""

from __future__ import annotations

import base64
import html

from .. import freshness
from ..records import sources
from . import html_page
from .glossary import PAGE as GLOSSARY_PAGE

LEVEL = 0.05
VERDICT_COLOURS = {"more": "#b2442c", "fewer": "#2c5d8a", "none": "#8a8f96"}

INDEX_CSS = """\
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem; border-bottom: 1px solid #d9e0e8; }
th { background: #f3f7fb; }
a { color: #2c5d8a; }
.failed { color: #a61b1b; font-weight: 600; margin: 0 0 0.3rem; }
.freshness { color: #4a5a6a; font-style: italic; }
td.verdict { min-width: 11rem; font-size: 0.9rem; border-left: 6px solid transparent; }
tr.verdict-more td.verdict { border-left-color: #b2442c; color: #8a2a16; font-weight: 600; }
tr.verdict-fewer td.verdict { border-left-color: #2c5d8a; color: #1f4a73; font-weight: 600; }
tr.verdict-none td.verdict { border-left-color: #8a8f96; color: #4a5a6a; }
tr.verdict-descriptive td.verdict { color: #4a5a6a; font-style: italic; }
figcaption { color: #4a5a6a; font-size: 0.85rem; }
"""


def verdict_of(effect: dict) -> str:
    """'more', 'fewer' or 'none' on the effect's adjusted p (its raw p when it recorded no family)."""
    if "verdict" in effect:
        return effect["verdict"]
    finding = effect.get("p_adjusted", effect["p_value"]) <= LEVEL
    return effect["direction"] if finding and effect["direction"] in ("more", "fewer") else "none"


def _p_label(effect: dict) -> str:
    """'p=0.045 (Holm 0.36)' or 'p=0.200' for the forest plot's right margin."""
    text = f"p={effect['p_value']:.3f}"
    if effect.get("family_size", 1) > 1:
        text += f" ({effect.get('adjustment', 'adj.')} {effect['p_adjusted']:.2f})"
    return text


def _wrapped(label: str, width: int = 42) -> str:
    """A forest-plot label on at most three lines, never cut."""
    import textwrap

    lines = textwrap.wrap(label, width) or [label]
    return "\n".join(lines)


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
        lines = [_wrapped(e["label"]).count("\n") + 1 for e in effects]
        height = 0.42 * len(effects) + 0.14 * (sum(lines) - len(lines)) + 0.9
        fig = Figure(figsize=(8, height), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for y, e in enumerate(reversed(effects)):
            low = max(e["ci"][0], lo)
            high = hi if e["ci"][1] is None else min(e["ci"][1], hi)
            colour = VERDICT_COLOURS[verdict_of(e)]
            ax.plot([low, high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
            ax.plot([max(e["rate_ratio"], lo)], [y], "o", color=colour, markersize=6)
            if e["ci"][1] is None or e["ci"][1] > hi:
                ax.plot([hi], [y], ">", color=colour, markersize=6)
            ax.annotate(
                f"{_p_label(e)}, n={e['n_events']}",
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
        ax.set_yticks(
            range(len(effects)), [_wrapped(e["label"]) for e in reversed(effects)], fontsize=8
        )
        ax.set_xlabel("rate ratio: launch days in the window vs expected (log scale; 95% CI)")
        ax.spines[["top", "right"]].set_visible(False)
        fig.subplots_adjust(left=0.38, right=0.78, top=1 - 0.1 / height, bottom=0.6 / height)
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
        "the dashed line is no change; an arrow means the interval has no upper bound. Colour is "
        "the verdict on the adjusted p (red: a finding of more launch days, blue: of fewer, grey: "
        "no finding), never the direction of the estimate alone.</figcaption>"
        "</figure>"
    )


def _freshness_line() -> str:
    """The data-through sentence, or why it is missing (the index is written even when data fail)."""
    from ..records.schemas import DataError

    try:
        return freshness.data_through_sentence()
    except (DataError, sources.SourceError, OSError, ValueError) as exc:
        return f"Data-through dates unavailable: {exc}"


def _verdict_cell(entry: dict) -> tuple[str, str]:
    """The verdict column of one report (text, CSS class): from its first effect, else descriptive."""
    page = entry.get("verdict")
    if page:
        text = page["verdict_label"] + (f"; {page['p_text']}" if page.get("p_text") else "")
        return text, f"verdict-{page['verdict']}"
    effects = entry.get("effects", [])
    if not effects:
        return "descriptive (no test)", "verdict-descriptive"
    e = effects[0]
    verdict = verdict_of(e)
    label = e.get("verdict_label") or (
        "no finding" if verdict == "none" else f"finding: {verdict} launch days"
    )
    if e.get("family_size", 1) > 1:
        p = f"{e.get('adjustment', 'adjusted')} p = {e['p_adjusted']:.2f} (raw {e['p_value']:.3f})"
    else:
        p = f"p = {e['p_value']:.3f}"
    return f"{label}; {p}", f"verdict-{verdict}"


def _rule_line(entries: list[dict]) -> str:
    """The verdict rule in one sentence, with the family size the pages adjusted for."""
    sizes = {e.get("family_size", 1) for x in entries for e in x.get("effects", [])}
    family = max(sizes, default=1)
    across = f" (Holm across the {family} event-study categories)" if family > 1 else ""
    return (
        "A result is a finding only when its adjusted p is at or below 0.05"
        f"{across}; rows and dots are coloured by that verdict, not by the direction of the "
        f'estimate. Terms are explained in the <a href="{GLOSSARY_PAGE}">glossary</a>.'
    )


def _index_html(entries: list[dict]) -> str:
    """reports/index.html: a table of every report with its verdict and headline (failures marked)."""
    rows = []
    for e in entries:
        name, title = html.escape(e["name"]), html.escape(e["title"])
        link = f'<a href="{name}.html">{title}</a>' if e["page"] else title
        mark = (
            f'<p class="failed">last build failed: {html.escape(e["error"])}</p>'
            if e.get("error")
            else ""
        )
        verdict, css = _verdict_cell(e)
        rows.append(
            f'<tr class="{css}"><td>{link}</td><td class="verdict">{html.escape(verdict)}</td>'
            f"<td>{mark}{html.escape(e['headline'] or '—')}</td></tr>"
        )
    body = "\n".join(rows)
    return (
        html_page.head("DPRK launch tempo: reports", 60, INDEX_CSS)
        + f"""<h1>DPRK launch tempo around sanctions, diplomacy and exercises</h1>
<p>Each report answers one question from CNS/NTI launch data on the Pyongyang clock and our sourced events
catalogue. Numbers say their unit (missiles or launch days). Reports state their data versions at the end.</p>
<p class="rule">{_rule_line(entries)}</p>
<p class="freshness">{html.escape(_freshness_line())}</p>
{_forest_html(entries)}
<table>
<thead><tr><th>Report</th><th>Verdict</th><th>In plain words</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""
    )
