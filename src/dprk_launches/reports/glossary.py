"""The glossary page (reports/glossary.html): the suite's jargon in a sentence or two each."""

from __future__ import annotations

import html

from . import html_page

PAGE = "glossary.html"

# term -> (anchor, explanation); kept short, in the words the pages use
TERMS: dict[str, tuple[str, str]] = {
    "launch day": (
        "launch-day",
        "A day with at least one launch on the Pyongyang clock, however many missiles flew. The "
        "tests count launch days, so a salvo of eight missiles is one launch day.",
    ),
    "Pyongyang clock": (
        "pyongyang-clock",
        "Every launch and event is put on the date it was in Pyongyang (Asia/Pyongyang, including "
        "the UTC+8:30 period of 2015–2018). A Washington announcement on the evening of 12 January "
        "is 13 January in Pyongyang.",
    ),
    "rate ratio": (
        "rate-ratio",
        "Launch days observed in the windows divided by the launch days the model expects there from "
        "the launch history outside them. 1 means no change, 2 a doubling.",
    ),
    "expected (forecast)": (
        "expected",
        "What the intensity model predicts for the window days given the era, the calendar-year "
        "tempo, the season and the launches before each day: the base rate an event is measured "
        "against.",
    ),
    "p-value (raw)": (
        "p-value",
        "How often a difference at least this large would arise if the events had no effect. Below "
        "0.05 is the usual bar — for one test chosen in advance.",
    ),
    "adjusted p-value": (
        "adjusted-p",
        "A p-value corrected for having run several tests: with eight categories, one raw p below "
        "0.05 turns up by chance about one time in three. The suite calls a result a finding only when "
        "its adjusted p is at or below 0.05.",
    ),
    "Holm adjustment": (
        "holm",
        "The correction the index uses across the event-study categories (Holm 1979): sort the k "
        "p-values, multiply the smallest by k, the next by k − 1, and so on (never decreasing). It "
        "keeps the chance of any false finding among the k at 5%.",
    ),
    "Benjamini–Hochberg (BH)": (
        "bh",
        "A milder correction shown beside Holm: it controls the expected share of false findings "
        "among the findings, not the chance of any.",
    ),
    "max-T adjustment": (
        "max-t",
        "The correction within a page's grid of windows: every window is scored on the same "
        "randomized event dates, and a window's adjusted p is the share of those draws whose best "
        "window (largest standardised difference) beats it. Looking at the whole grid is then paid "
        "for (Westfall & Young 1993).",
    ),
    "randomization test (interval jitter)": (
        "randomization",
        "The events' dates are moved, clumps together, to other days of the same 90-day interval "
        "with the same time since the last launch, thousands of times; p is the share of moved sets "
        "with a difference at least as large as the real one. It keeps the slow changes of tempo "
        "that a plain comparison gets wrong.",
    ),
    "intensity model": (
        "intensity-model",
        "The suite's one model of the chance of a launch day on each day: a background that follows "
        "the era, the calendar-year tempo and the season, raised after recent launches "
        "(self-excitation), with a multiplier on the days after the events — that multiplier is the "
        "rate ratio it estimates.",
    ),
    "likelihood ratio (LR) test": (
        "lr-test",
        "The intensity model's test: how much better the model fits with the event multiplier than "
        "without it.",
    ),
    "Bartlett factor": (
        "bartlett",
        "With some forty nuisance parameters, the likelihood-ratio statistic of a true null "
        "averages a little more than the 1 the chi-square table assumes; the Bartlett factor is that "
        "excess, measured by simulation (make bartlett), and the statistic is divided by it before "
        "it is read, so the test keeps its 5% error rate.",
    ),
    "year share": (
        "year-share",
        "The share of the variation in which days are window days that lies between calendar years. "
        "When it is high (events bunched in a few years) the model alone can be fooled by "
        "year-to-year tempo, so the model and the randomization test must both reject.",
    ),
    "both must reject": (
        "both-must-reject",
        "For long windows or a high year share, p is the larger of the model's and the "
        "randomization test's p-values: weaker, but it keeps the error rate where either test "
        "alone would not.",
    ),
    "power": (
        "power",
        "How often the test would detect an effect of a given size (for example a doubling of the "
        "launch rate) with these events. After an adjustment for k tests the power is lower: the "
        "pages give a lower bound at the 5%/k level.",
    ),
    "minimum detectable effect": (
        "mde",
        "The rate ratio the test would detect 80% of the time with these events.",
    ),
    "95% CI": (
        "ci",
        "The range of rate ratios the data are consistent with (profile likelihood). An end the "
        "data cannot bound is printed as unbounded.",
    ),
    "branching ratio": (
        "branching-ratio",
        "In the self-exciting model, the average number of launch days one launch day triggers; a "
        "measure of clustering.",
    ),
    "naive Poisson test": (
        "naive",
        "A comparison with the average daily rate that treats days as independent; shown for "
        "contrast only, because launches cluster.",
    ),
    "matched placebo band": (
        "placebo-band",
        "The grey band on the launch-day histograms: the 95% range of the same sum on placebo "
        "dates. A picture of the base rate, not a confidence interval.",
    ),
    "events used, merged, left out": (
        "events-used",
        "Events on the same Pyongyang day count once in the test (merged); an event with fewer than "
        "30 days of launch data before it, or whose window runs past the last data day, is left out. "
        "Every page's table of events says which, and why.",
    ),
}


def glossary_html() -> str:
    """The glossary as one self-contained page (no script, no external request)."""
    items = "\n".join(
        f'<dt id="{anchor}">{html.escape(term)}</dt><dd>{html.escape(text)}</dd>'
        for term, (anchor, text) in TERMS.items()
    )
    css = "dt { font-weight: 700; margin-top: 1rem; }\ndd { margin: 0.2rem 0 0 1.2rem; }\na { color: #2c5d8a; }\n"
    return (
        html_page.head("DPRK launch tempo: glossary", 50, css, line_height=1.5)
        + f"""<p><a href="index.html">← All reports</a></p>
<h1>Glossary</h1>
<p>The words the reports use, in a sentence or two each.</p>
<dl>
{items}
</dl>
</body>
</html>
"""
    )
