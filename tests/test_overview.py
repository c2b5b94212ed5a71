"""The data overview's tables and computed sentences (overview.py) and the clock description (summary.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dprk_launches.records import launches
from dprk_launches.reports import overview, summary


def _missile(
    launch_id: str,
    utc: str,
    local: str,
    missile: str = "Scud-B",
    missile_type: str = "SRBM",
    outcome: str = "success",
    precision: str = "day",
    time_known: bool = True,
) -> dict:
    """One row shaped like `launches.load_missiles`, with only the columns the overview reads."""
    return {
        "launch_id": launch_id,
        "datetime_utc": pd.Timestamp(utc, tz="UTC"),
        "date_utc": pd.Timestamp(utc).normalize(),
        "date_local": pd.Timestamp(local),
        "date_precision": precision,
        "time_known": time_known,
        "missile": missile,
        "missile_type": missile_type,
        "outcome": outcome,
        "facility": "Sohae",
    }


@pytest.fixture
def missiles() -> pd.DataFrame:
    """Five missiles: a 3-missile salvo in 2013, an ICBM in 2017, a month-dated row in 1990."""
    return pd.DataFrame(
        [
            _missile("1990-05", "1990-05-01", "1990-05-01", precision="month", time_known=False),
            _missile("2013-03-02", "2013-03-01 23:00", "2013-03-02"),
            _missile("2013-03-02", "2013-03-01 23:00", "2013-03-02", outcome="failure"),
            _missile("2013-03-02", "2013-03-01 23:05", "2013-03-02"),
            _missile("2017-11-29", "2017-11-28 18:17", "2017-11-29", "Hwasong-15", "ICBM"),
        ]
    )


@pytest.fixture
def days(missiles: pd.DataFrame) -> pd.DataFrame:
    """Launch days of the fixture missiles."""
    return launches.launches_from_missiles(missiles)


def test_headline_and_units_sentences_count_both_units(
    missiles: pd.DataFrame, days: pd.DataFrame
) -> None:
    per_year = summary.per_year_frame(missiles)
    text = overview.headline_text(missiles, days, per_year)
    assert "holds 5 missiles on 3 launch days, 1990 to 29 Nov 2017" in text
    assert "The busiest year, 2013, had 3 missiles on 1 launch day:" in text
    assert "supplement" not in text  # no series given: CNS/NTI alone
    units = overview.units_sentence(per_year, missiles, since=2012)
    assert units.startswith("Since 2012 a launch day carries **2.00 missiles**")
    assert "1 early rows dated only to a month" in units


def test_salvo_sentence_names_the_largest_salvo(days: pd.DataFrame) -> None:
    assert overview.salvo_sentence(days) == (
        "The largest salvo, 3 missiles (SRBM) on 2 Mar 2013, is 3 rows in CNS/NTI and one launch day. "
        "We report both."
    )


def test_per_year_by_counts_missiles_from_the_start_year(missiles: pd.DataFrame) -> None:
    dated = missiles[missiles["date_precision"] == "day"]
    outcomes = overview.per_year_by(dated, "outcome", since=2014)
    assert list(outcomes.index) == [2017]
    types = overview.per_year_by(dated, "missile_type", since=2012)
    assert types.loc[2013, "SRBM"] == 3 and types.loc[2013, "ICBM"] == 0
    assert types.loc[2017, "ICBM"] == 1


def test_clock_description_finds_the_half_hour_period_in_zoneinfo() -> None:
    periods = summary.offset_periods("2010-01-01", "2020-12-31")
    assert len(periods) == 3
    assert periods.loc[1, "offset"] == pd.Timedelta(hours=8, minutes=30)
    assert summary.clock_description(periods) == "UTC+9; UTC+8:30 from 2015-08-15 to 2018-05-04"
    assert summary.clock_description(periods.iloc[:1]) == "UTC+9"


def test_clock_sentence_uses_the_start_year() -> None:
    shifts = pd.DataFrame(
        {"launch_days": [5, 4], "local_date_differs_from_utc": [5, 1], "time_unknown": [0, 2]},
        index=pd.Index([2011, 2012], name="year"),
    )
    text = overview.clock_sentence(shifts, since=2012)
    assert "Since 2012, **1 of 4 launch days**" in text and "; 2 launch days have no" in text


def test_cross_check_sentence_sides_with_the_copy_csis_confirms() -> None:
    mirror = pd.DataFrame([_missile("2022-01-05", "2022-01-04 23:10", "2022-01-05", "Hwasong-8")])
    export = pd.DataFrame([_missile("2022-01-06", "2022-01-05 23:10", "2022-01-06", "Hwasong-8")])
    diff = launches.cross_check(primary=mirror, other=export, until="2023-04-12")
    csis = pd.DataFrame({"date_local": [pd.Timestamp("2022-01-05")], "is_missile": [True]})
    text = overview.cross_check_sentence(diff, mirror, export, csis)
    assert text.startswith("They differ on **2 UTC dates**.")
    assert "the export dates its Hwasong-8 launch 2022-01-05 at 23:10 UTC, 6 Jan 2022" in text
    assert text.endswith("it agrees with the mirror.")
    both = pd.concat([csis, csis.assign(date_local=pd.Timestamp("2022-01-06"))])
    assert "agrees" not in overview.cross_check_sentence(diff, mirror, export, both)
    assert overview.cross_check_sentence(diff.iloc[:0], mirror, export, csis) == (
        "They differ on **0 UTC dates**."
    )


def test_csis_gaps_name_a_missed_icbm(missiles: pd.DataFrame, days: pd.DataFrame) -> None:
    csis = pd.DataFrame(
        {"date_local": pd.to_datetime(["2013-03-03", "2017-12-05"]), "is_missile": [True, True]}
    )
    missing = overview.csis_gaps(days, csis, since=2012)
    assert list(missing["launch_id"]) == ["2017-11-29"]
    text = overview.csis_gap_sentence(days, missing, missiles, since=2012)
    assert text == (
        "Of 2 CNS launch days since 2012, **1** have no CSIS *Missile Provocation* row within "
        "±1 day, including the 29 Nov 2017 Hwasong-15 ICBM."
    )
    assert overview.csis_gap_sentence(days, missing.iloc[:0], missiles, since=2012).endswith("day.")


@pytest.fixture
def catalogue() -> pd.DataFrame:
    """Four catalogue rows: UN texts in 1999 and 2017, a meeting in 2025, a secondary-sourced summit."""
    return pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "category": ["un_statement", "un_statement", "un_statement", "diplomacy"],
            "subcategory": ["press_statement", "presidential_statement", "meeting", "summit"],
            "start_local": pd.to_datetime(["1999-01-01", "2017-06-01", "2025-03-01", "2003-05-05"]),
            "source_kind": ["primary", "primary", "wire", "secondary"],
        }
    )


def test_catalogue_tables_and_sentences(catalogue: pd.DataFrame) -> None:
    table = overview.coverage(catalogue, first_year=2000)
    assert list(table.columns) == list(range(2000, 2026))
    assert table.loc["un_statement"].sum() == 2 and table.loc["diplomacy", 2003] == 1
    assert "2000 to 2025" in overview.coverage_sentence(table)
    assert overview.subcategories(catalogue).loc[("un_statement", "meeting"), "rows"] == 1
    kinds = overview.source_kinds(catalogue)
    assert kinds.loc["All", "All"] == 4 and kinds.loc["un_statement", "primary"] == 2
    assert overview.source_kind_sentence(catalogue).startswith("**25%** of the 4 catalogue rows")
    assert overview.last_agreed_un_text(catalogue) == 2017
    assert "after 2017" in overview.thin_sentence(catalogue)


def test_caveats_compute_every_number(missiles: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    cns = missiles[missiles["date_local"] < "2017-01-01"]
    cns2019 = cns.iloc[:3]
    csis = pd.DataFrame(
        {"date_local": pd.to_datetime(["2012-02-01", "2014-02-01"]), "is_missile": [True, True]}
    )
    data = overview.OverviewData(
        missiles=missiles,
        days=launches.launches_from_missiles(missiles),
        cns=cns,
        cns2019=cns2019,
        provocations=csis,
        catalogue=catalogue,
    )
    text = overview.caveats(data, since=2012)
    assert "1 rows, from 1990 to 1990, are dated only to the month" in text
    assert "the 2019 workbook lacks rows on 2013-03-01 that the later export has" in text
    assert "the 1 mirror rows after the export ends (2013-03-01)" in text
    agreeing = overview.caveats(dataclasses.replace(data, cns2019=cns), since=2012)
    assert "the 2019 workbook and the later export agree up to 2013-03-01" in agreeing
    assert "has no rows for 2013 (counting from 2012)" in text


def test_headline_says_what_the_launch_supplement_adds(
    missiles: pd.DataFrame, days: pd.DataFrame
) -> None:
    per_year = summary.per_year_frame(missiles)
    extra = pd.DataFrame(
        {"date_local": pd.to_datetime(["2018-03-01", "2018-04-02"]), "n_missiles": [2, 1]}
    )
    series = pd.concat([days[["date_local", "n_missiles"]], extra], ignore_index=True)
    series.attrs["added"] = {"2018-03-01": {"kinds": "ballistic"}, "2018-04-02": {}}
    text = overview.headline_text(missiles, days, per_year, series)
    assert "adds 2 launch days (3 missiles as reported)" in text
    assert "runs to 2 Apr 2018." in text
