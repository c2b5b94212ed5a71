"""Report tables built from headline results: the tests side by side, robustness variants, categories."""

from __future__ import annotations

import warnings

import pandas as pd

from .. import events, series
from ..records import launches
from .calibration_report import worst_type1
from .headline import HeadlineResult, headline_test
from .multiplicity import adjust_pvalues

TEST_COLUMNS = ["observed", "expected", "rate ratio", "CI low", "CI high", "p (two-sided)"]
NAN = float("nan")
CATEGORY_GROUPS: dict[str, tuple[str, list[str]]] = {
    "UN sanctions resolutions": ("sanctions_un", ["resolution"]),
    "UNSC statements": ("un_statement", []),
    "US designation actions": ("sanctions_us", ["designation"]),
    "other sanctions (EU, ROK, Japan, Australia, UK)": ("sanctions_other", []),
    "nuclear tests": ("nuclear_test", []),
    "summits, talks, agreements, envoys": (
        "diplomacy",
        ["summit", "talks", "agreement", "envoy_visit"],
    ),
    "US–ROK exercises": ("exercise", []),
    "DPRK statements": ("dprk_statement", []),
    "DPRK anniversaries": ("political_calendar", ["anniversary"]),
}

# HeadlineResult.to_frame() column -> robustness_variants column
VARIANT_COLUMNS = {
    "n_events": "events",
    "observed": "observed",
    "expected": "expected",
    "rate_ratio": "rate ratio",
    "ci_low": "rr low",
    "ci_high": "rr high",
    "p_value": "p",
    "method": "method",
}


def select_events(table: pd.DataFrame, category: str, subcategories: list[str]) -> pd.DataFrame:
    """Rows of one category, restricted to the given subcategories (all when none are given)."""
    chosen = table[table["category"] == category]
    return chosen[chosen["subcategory"].isin(subcategories)] if subcategories else chosen


def tests_side_by_side(result: HeadlineResult, by_missiles: HeadlineResult) -> pd.DataFrame:
    """The headline, the model alone when the headline needs both tests, the randomization test in
    both units (with the interval of ratios it does not reject) and the naive test, one row each."""
    rand = result.randomization
    rows = {
        f"{result.method}, launch days (headline)": [
            result.observed,
            result.expected,
            result.rate_ratio,
            *result.ci,
            result.p_value,
        ],
    }
    if result.needs_both_tests:
        rows["intensity model alone, likelihood ratio"] = [
            result.observed,
            result.expected,
            result.rate_ratio,
            NAN,
            NAN,
            result.p_lr,
        ]
    if rand is not None:
        rows["interval-jitter randomization, launch days"] = [
            rand.observed,
            rand.expected,
            rand.rate_ratio,
            *rand.ratio_interval(),
            rand.p_value,
        ]
    rows["interval-jitter randomization, missiles"] = [
        by_missiles.observed,
        by_missiles.expected,
        by_missiles.rate_ratio,
        *by_missiles.ci,
        by_missiles.p_value,
    ]
    rows["naive Poisson, launch days"] = [
        result.observed,
        result.naive_expected,
        result.observed / result.naive_expected,
        NAN,
        NAN,
        result.naive_p_value,
    ]
    return pd.DataFrame(rows, index=TEST_COLUMNS).T


CALIBRATED_COLUMN = "type-I in calibration (same window)"


def robustness_verdict(table: pd.DataFrame, target: float = 0.07) -> str:
    """How many variants survive Holm, naming those whose window calibration shows is not to be trusted."""
    adjusted = table["p (Holm across variants)"]
    survive = table[adjusted <= 0.05]
    if survive.empty:
        return "no variant survives the adjustment for looking at all of them"
    text = f"{len(survive)} of {len(table)} variants stay below 5% after adjustment"
    if CALIBRATED_COLUMN in table:
        fooled = survive[survive[CALIBRATED_COLUMN] > target]
        if len(fooled):
            names = "; ".join(
                f"{name}, whose test rejected a true null {rate:.0%} of the time in calibration"
                for name, rate in fooled[CALIBRATED_COLUMN].items()
            )
            text += f" ({names}: not evidence)"
    return text


def robustness_variants(
    chosen: pd.DataFrame, study_start: str, n_draws: int, calibration: dict | None = None
) -> pd.DataFrame:
    """The headline test across unit, clock, data version and window, with Holm across the variants.

    With `calibration` (the committed calibration JSON) each variant also shows the worst type-I error
    of the calibration worlds that used its window (NaN where none did).
    """
    nagix_days, cns_days = launches.load_launches("nagix"), launches.load_launches("cns")
    utc_days = launches.launches_from_missiles(
        launches.on_utc_clock(launches.load_missiles("nagix"))
    )
    variants = {
        "launch days, Pyongyang clock, nagix (headline)": (
            nagix_days,
            "launch_days",
            (1, 30),
            None,
        ),
        "missiles, Pyongyang clock, nagix": (nagix_days, "missiles", (1, 30), None),
        "launch days, UTC dates, nagix": (utc_days, "launch_days", (1, 30), None),
        "launch days, CNS export (to 2023-04-12)": (cns_days, "launch_days", (1, 30), "2023-04-12"),
        "launch days, window +1 to +7": (nagix_days, "launch_days", (1, 7), None),
        "launch days, window +1 to +14": (nagix_days, "launch_days", (1, 14), None),
        "launch days, window +1 to +60": (nagix_days, "launch_days", (1, 60), None),
    }
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (days, unit, window, end) in variants.items():
            daily = series.daily_counts(days, study_start, end)
            r = headline_test(daily, chosen, window, n_draws=n_draws, unit=unit)
            row = r.to_frame().iloc[0][list(VARIANT_COLUMNS)].rename(VARIANT_COLUMNS)
            rows.append({"variant": name, **row.to_dict()})
            if calibration is not None:
                rows[-1][CALIBRATED_COLUMN] = worst_type1(calibration, window, unit)
    table = pd.DataFrame(rows).set_index("variant")
    table["p (Holm across variants)"] = adjust_pvalues(table["p"])["p_holm"]
    return table


def grouped_events(groups: dict[str, tuple[str, list[str]]] = CATEGORY_GROUPS) -> pd.DataFrame:
    """The whole catalogue's rows for each named group, with a `group` column."""
    everything = events.load_events()
    return pd.concat(
        [
            select_events(everything, category, subs).assign(group=name)
            for name, (category, subs) in groups.items()
        ]
    )
