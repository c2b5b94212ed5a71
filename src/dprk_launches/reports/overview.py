"""Tables and computed sentences of the data overview report (notebook 00): units, clock, sources."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..events import load_events, per_category_year
from ..records import launches
from ..words import plural
from .summary import clock_description, per_year_frame

SINCE = 2012
CSIS_TOLERANCE_DAYS = 1
COVERAGE_FROM = 2000


@dataclass(frozen=True)
class OverviewData:
    """Every table the overview reads: both CNS/NTI copies, the 2019 workbook, CSIS, our catalogue."""

    missiles: pd.DataFrame
    days: pd.DataFrame
    cns: pd.DataFrame
    cns2019: pd.DataFrame
    provocations: pd.DataFrame
    catalogue: pd.DataFrame
    series: pd.DataFrame | None = None

    @property
    def per_year(self) -> pd.DataFrame:
        """Missiles and launch days per local-clock year (see `summary.per_year_frame`)."""
        return per_year_frame(self.missiles)

    @property
    def dated(self) -> pd.DataFrame:
        """Missiles dated to the day (month-precision rows left out)."""
        return self.missiles[self.missiles["date_precision"] == "day"]


def load() -> OverviewData:
    """Load every table the overview report shows."""
    missiles = launches.load_missiles("nagix")
    return OverviewData(
        missiles=missiles,
        days=launches.launches_from_missiles(missiles),
        cns=launches.load_missiles("cns"),
        cns2019=launches.load_missiles("cns2019"),
        provocations=launches.load_provocations(),
        catalogue=load_events(),
        series=launches.load_launches(),
    )


def _day(value: pd.Timestamp) -> str:
    """A date for prose: '5 Jan 2022'."""
    return f"{pd.Timestamp(value).day} {pd.Timestamp(value):%b %Y}"


def headline_text(
    missiles: pd.DataFrame,
    days: pd.DataFrame,
    per_year: pd.DataFrame,
    series: pd.DataFrame | None = None,
) -> str:
    """The report's headline: size and span of the primary series, what our supplement adds to it
    (when the tests' `series` is given), and its busiest year in both units."""
    busiest = int(per_year["launch_days"].idxmax())
    added = (series.attrs.get("added", {}) if series is not None else {}) or {}
    supplement = ""
    if added:
        extra = series[series["date_local"].dt.strftime("%Y-%m-%d").isin(list(added))]
        supplement = (
            f" Our launch supplement adds {plural(len(extra), 'launch day')} ({int(extra['n_missiles'].sum())} "
            f"missiles as reported) that CNS/NTI lacks, so the series the tests use runs to "
            f"{_day(series['date_local'].max())}."
        )
    return (
        f"The primary series (CNS/NTI, via the nagix mirror) holds {len(missiles)} missiles on "
        f"{plural(days['launch_id'].nunique(), 'launch day')}, {missiles['date_local'].min():%Y} to "
        f"{_day(missiles['date_local'].max())} (Pyongyang clock).{supplement} The busiest year, "
        f"{busiest}, had {per_year.loc[busiest, 'missiles']} missiles on "
        f"{plural(int(per_year.loc[busiest, 'launch_days']), 'launch day')}: counting missiles instead of launch "
        "days inflates salvo-heavy years, so every number here names its unit."
    )


def salvo_sentence(days: pd.DataFrame) -> str:
    """The largest salvo as the example of why missiles and launch days differ."""
    top = days.loc[days["n_missiles"].idxmax()]
    n = int(top["n_missiles"])
    return (
        f"The largest salvo, {n} missiles ({top['missile_types']}) on {_day(top['date_local'])}, "
        f"is {n} rows in CNS/NTI and one launch day. We report both."
    )


def units_sentence(per_year: pd.DataFrame, missiles: pd.DataFrame, since: int = SINCE) -> str:
    """Missiles per launch day since `since`, and how many rows are dated only to a month."""
    recent = per_year[per_year.index >= since]
    ratio = recent["missiles"].sum() / recent["launch_days"].sum()
    month_rows = int((missiles["date_precision"] == "month").sum())
    return (
        f"Since {since} a launch day carries **{ratio:.2f} missiles** on average. "
        f"{month_rows} early rows dated only to a month are kept in the tables but left out of every "
        "daily series."
    )


def per_year_by(dated: pd.DataFrame, column: str, since: int = SINCE) -> pd.DataFrame:
    """Missiles per local-clock year (rows, from `since`) and value of `column` (columns)."""
    table = dated.pivot_table(
        index=dated["date_local"].dt.year.rename("year"),
        columns=column,
        values="launch_id",
        aggfunc="count",
        fill_value=0,
    )
    return table.loc[table.index >= since]


def clock_sentence(shifts: pd.DataFrame, since: int = SINCE) -> str:
    """Launch days since `since` whose Pyongyang date differs from the UTC date, and untimed ones."""
    recent = shifts[shifts.index >= since]
    return (
        f"The Pyongyang clock is {clock_description()}. Since {since}, "
        f"**{recent['local_date_differs_from_utc'].sum()} of {recent['launch_days'].sum()} launch "
        f"days** fall on a different calendar date in Pyongyang than in UTC; "
        f"{recent['time_unknown'].sum()} launch days have no launch time at all and keep their UTC date."
    )


def _rows_on(missiles: pd.DataFrame, dates: pd.Series) -> pd.DataFrame:
    """Missiles whose UTC date is one of `dates` (ISO strings)."""
    return missiles[missiles["date_utc"].dt.strftime("%Y-%m-%d").isin(set(dates))]


def _described(row: pd.Series, name: str) -> str:
    """One missile row for prose: where a copy dates it in UTC and on the Pyongyang clock."""
    time = f" at {row['datetime_utc']:%H:%M} UTC" if row["time_known"] else ""
    return (
        f"the {name} dates its {row['missile']} launch {row['date_utc']:%Y-%m-%d}{time}, "
        f"{_day(row['date_local'])} in Pyongyang"
    )


def cross_check_sentence(
    diff: pd.DataFrame,
    missiles: pd.DataFrame,
    cns: pd.DataFrame,
    provocations: pd.DataFrame,
) -> str:
    """How many UTC dates the two CNS/NTI copies disagree on, each copy's dating, and what CSIS says."""
    text = f"They differ on **{len(diff)} UTC dates**."
    ours = _rows_on(missiles, diff.loc[diff["difference"] > 0, "date_utc"])
    theirs = _rows_on(cns, diff.loc[diff["difference"] < 0, "date_utc"])
    if ours.empty or theirs.empty:
        return text
    mirror, export = ours.iloc[0], theirs.iloc[0]
    text += (
        f" The CNS export and the mirror disagree on one launch: {_described(export, 'export')}; "
    )
    text += f"{_described(mirror, 'mirror')}."
    csis = provocations.loc[provocations["is_missile"], "date_local"]
    on = {
        name: bool((csis == row["date_local"]).any())
        for name, row in (("mirror", mirror), ("export", export))
    }
    if on["mirror"] != on["export"]:
        name, row = ("mirror", mirror) if on["mirror"] else ("export", export)
        text += (
            f" CSIS, on Korean dates, records a missile launch on {_day(row['date_local'])} and none "
            f"on the other copy's date: it agrees with the {name}."
        )
    return text


def csis_gaps(days: pd.DataFrame, provocations: pd.DataFrame, since: int = SINCE) -> pd.DataFrame:
    """CNS launch days since `since` with no CSIS missile provocation within the tolerance."""
    recent = days[days["date_local"] >= pd.Timestamp(f"{since}-01-01")]
    return launches.csis_coverage(recent, provocations, tolerance_days=CSIS_TOLERANCE_DAYS)


def csis_gap_sentence(
    days: pd.DataFrame, missing: pd.DataFrame, missiles: pd.DataFrame, since: int = SINCE
) -> str:
    """How many recent CNS launch days CSIS misses, naming any ICBM launch day among them."""
    n_recent = int((days["date_local"] >= pd.Timestamp(f"{since}-01-01")).sum())
    text = (
        f"Of {n_recent} CNS launch days since {since}, **{len(missing)}** have no CSIS "
        f"*Missile Provocation* row within ±{CSIS_TOLERANCE_DAYS} day"
    )
    icbm_days = missing.loc[missing["missile_types"].str.contains("ICBM"), "launch_id"]
    icbm = missiles[missiles["launch_id"].isin(icbm_days) & (missiles["missile_type"] == "ICBM")]
    named = [f"the {_day(r.date_local)} {r.missile} ICBM" for r in icbm.itertuples()]
    return text + (", including " + " and ".join(named) if named else "") + "."


def coverage(catalogue: pd.DataFrame, first_year: int = COVERAGE_FROM) -> pd.DataFrame:
    """Catalogue rows per category and year from `first_year` to the catalogue's last year, zero-filled."""
    recent = catalogue[catalogue["start_local"] >= pd.Timestamp(f"{first_year}-01-01")]
    last = int(catalogue["start_local"].dt.year.max())
    return per_category_year(recent).reindex(columns=range(first_year, last + 1), fill_value=0)


def coverage_sentence(table: pd.DataFrame) -> str:
    """The years the coverage figure spans."""
    return (
        f"Rows per category and year on the Pyongyang clock, {table.columns.min()} to "
        f"{table.columns.max()} (DPRK anniversaries are generated from rules):"
    )


def subcategories(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Catalogue rows per category and subcategory."""
    return catalogue.groupby(["category", "subcategory"]).size().rename("rows").to_frame()


def source_kinds(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Catalogue rows per category and kind of source, with totals."""
    return pd.crosstab(catalogue["category"], catalogue["source_kind"], margins=True)


def source_kind_sentence(catalogue: pd.DataFrame) -> str:
    """Share of catalogue rows resting on a secondary source."""
    return (
        f"**{(catalogue['source_kind'] == 'secondary').mean():.0%}** of the {len(catalogue)} catalogue "
        "rows rest on a secondary source (other press, reference works); the rest cite the acting "
        "body's own release (primary) or a news agency (wire)."
    )


def last_agreed_un_text(catalogue: pd.DataFrame) -> int:
    """Year of the last UN Security Council presidential or press statement on the DPRK in the catalogue."""
    texts = catalogue[
        (catalogue["category"] == "un_statement")
        & catalogue["subcategory"].isin(["presidential_statement", "press_statement"])
    ]
    return int(texts["start_local"].dt.year.max())


def thin_sentence(catalogue: pd.DataFrame) -> str:
    """Where the catalogue is thinnest: its early years, and UN statements after the last agreed text."""
    return (
        "The catalogue is thinnest in its early years (see the figure) and for `un_statement` after "
        f"{last_agreed_un_text(catalogue)}, the last year in which our catalogue has a Council text agreed on the DPRK."
    )


def _missing_years(dates: pd.Series, since: int) -> list[int]:
    """Years from `since` to the last year of `dates` with no row."""
    years = set(dates.dt.year)
    return [y for y in range(since, max(years) + 1) if y not in years]


def caveats(data: OverviewData, since: int = SINCE) -> str:
    """The caveats list, every number computed from the tables."""
    month = data.missiles.loc[data.missiles["date_precision"] == "month", "date_local"].dt.year
    until = data.cns2019["date_utc"].max()
    revised = launches.cross_check(primary=data.cns, other=data.cns2019, until=f"{until:%Y-%m-%d}")
    only_later = ", ".join(revised.loc[revised["difference"] > 0, "date_utc"])
    lacking = (
        f"the 2019 workbook lacks rows on {only_later} that the later export has"
        if only_later
        else f"the 2019 workbook and the later export agree up to {until:%Y-%m-%d}"
    )
    after_export = data.missiles["date_utc"] > data.cns["date_utc"].max()
    gaps = ", ".join(str(y) for y in _missing_years(data.provocations["date_local"], since))
    lines = [
        "## Caveats",
        "",
        "- **Scope.** CNS/NTI covers missiles of Missile Technology Control Regime Category I range "
        "and payload, plus space launch vehicles. Most cruise missiles, multiple-rocket launchers "
        "and artillery are not in it.",
        f"- **Early dates.** Early dates are approximations by CNS's own account; {len(month)} rows, "
        f"from {month.min()} to {month.max()}, are dated only to the month.",
        f"- **Revisions.** CNS revises history ({lacking}); the {int(after_export.sum())} mirror "
        f"rows after the export ends ({data.cns['date_utc'].max():%Y-%m-%d}) have no second copy "
        "and may be preliminary.",
        f"- **CSIS** has no rows for {gaps or 'no year'} (counting from {since}), near-duplicates, and "
        "inconsistent labels; we use it as a wider, secondary series only.",
    ]
    return "\n".join(lines)
