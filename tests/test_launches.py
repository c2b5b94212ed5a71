"""The launch tables from the real pinned files: counts, units, the clock, and the cross-check."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dprk_launches import config
from dprk_launches.records import launch_files, launches, table_schemas
from dprk_launches.reports import summary

pytestmark = pytest.mark.usefixtures("mirror")

NAGIX_PER_YEAR_UTC = {
    1984: 6,
    1986: 1,
    1990: 2,
    1991: 1,
    1992: 1,
    1993: 4,
    1998: 1,
    2006: 7,
    2009: 8,
    2012: 2,
    2013: 6,
    2014: 19,
    2015: 15,
    2016: 24,
    2017: 21,
    2019: 27,
    2020: 9,
    2021: 6,
    2022: 69,
    2023: 33,
    2024: 41,
    2025: 11,
    2026: 25,
}


@pytest.fixture(scope="module")
def nagix() -> pd.DataFrame:
    return launches.load_missiles("nagix")


@pytest.fixture(scope="module")
def cns() -> pd.DataFrame:
    return launches.load_missiles("cns")


def test_nagix_rows_match_provenance(nagix: pd.DataFrame) -> None:
    assert len(nagix) == 339
    assert nagix.groupby(nagix["date_utc"].dt.year).size().to_dict() == NAGIX_PER_YEAR_UTC
    assert (nagix["date_precision"] == "month").sum() == 8
    assert nagix.attrs["rejected"] == []
    assert list(nagix.columns) == list(table_schemas.MISSILES.columns)


def test_cns_exports_load_in_full(cns: pd.DataFrame) -> None:
    old = launches.load_missiles("cns2019")
    assert (len(cns), len(old)) == (245, 122)
    assert cns["confirmed"].sum() == 236
    assert cns["outcome"].value_counts().to_dict() == {"success": 187, "failure": 33, "unknown": 25}
    assert (old["date_precision"] == "month").sum() == 8
    assert old["date_utc"].max() == pd.Timestamp("2019-05-09")


def test_distances_are_parsed_from_messy_text(cns: pd.DataFrame) -> None:
    assert cns["apogee_km"].notna().sum() > 150
    assert cns["apogee_km"].max() > 6000
    assert launch_files._number("1,380 km") == 1380.0
    assert launch_files._number("between 25 and 90 km") == 57.5
    assert launch_files._number("330 lm") == 330.0
    assert pd.isna(launch_files._number("N/A"))
    with pytest.raises(ValueError):
        launch_files._number("far away")


def test_cross_check_pins_the_known_differences(nagix: pd.DataFrame, cns: pd.DataFrame) -> None:
    diff = launches.cross_check(nagix, cns)
    assert diff.to_dict("records") == [
        {"date_utc": "2022-01-04", "nagix": 1, "cns": 0, "difference": 1},
        {"date_utc": "2022-01-05", "nagix": 0, "cns": 1, "difference": -1},
    ]
    assert set(nagix.loc[nagix["date_precision"] == "month", "launch_id"]) == set(
        cns.loc[cns["date_precision"] == "month", "launch_id"]
    )


def test_hwasong15_lands_on_the_local_date_in_the_utc_plus_830_period(nagix: pd.DataFrame) -> None:
    row = nagix[(nagix["date_utc"] == "2017-11-28") & (nagix["missile_type"] == "ICBM")].iloc[0]
    assert row["time_known"]
    assert row["date_local"] == pd.Timestamp("2017-11-29")
    assert row["datetime_utc"].tz_convert(config.PYONGYANG).utcoffset() == pd.Timedelta(
        hours=8, minutes=30
    )


def test_pyongyang_clock_offsets() -> None:
    utc = pd.Series(pd.to_datetime(["2016-06-01 15:10:00", "2019-06-01 15:10:00"], utc=True))
    local = config.to_pyongyang(utc)
    assert list(local) == [pd.Timestamp("2016-06-01 23:40"), pd.Timestamp("2019-06-02 00:10")]


def _nagix_file(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "test.en.json"
    path.write_text(json.dumps({"timeBins": [{"year": 2019, "data": records}]}), encoding="utf-8")
    return path


def _record(**kw: object) -> dict:
    base = {
        "date": "2019-09-09",
        "time": "unknown",
        "missile": "kn-25",
        "facility": "kaechon",
        "landing": "sea-of-japan",
        "apogee": "50",
        "distance": "330",
        "outcome": "success",
        "description": "",
    }
    return {**base, **kw}


def test_salvo_member_without_time_takes_the_salvos_local_date(tmp_path: Path) -> None:
    path = _nagix_file(tmp_path, [_record(time="21:53 (UTC)", series=1), _record(series=2)])
    with pytest.warns(UserWarning, match="not the pinned"):
        table = launches.load_missiles("nagix", path=path)
    assert list(table["date_local"]) == [pd.Timestamp("2019-09-10")] * 2
    assert table["time_known"].all()
    assert list(table["missile_seq"]) == [1, 2]


def test_lone_missile_without_time_keeps_its_utc_date(tmp_path: Path) -> None:
    path = _nagix_file(tmp_path, [_record(facility="sinpo")])
    with pytest.warns(UserWarning):
        table = launches.load_missiles("nagix", path=path)
    assert table.loc[0, "date_local"] == pd.Timestamp("2019-09-09")
    assert not table.loc[0, "time_known"]


def test_launch_days_account_for_every_missile(nagix: pd.DataFrame) -> None:
    days = launches.launches_from_missiles(nagix)
    assert days["n_missiles"].sum() == len(nagix)
    assert days["launch_id"].is_unique
    jan_2022 = days[(days["date_local"] >= "2022-01-01") & (days["date_local"] < "2022-02-01")]
    assert len(jan_2022) == 6 and "2022-01-14" in set(jan_2022["launch_id"])


def test_summary_agrees_with_the_cns_export_on_shared_dates(
    nagix: pd.DataFrame, cns: pd.DataFrame
) -> None:
    ours = summary.per_year(nagix)
    theirs = summary.per_year(cns)
    for unit in ("missiles_per_year", "launch_days_per_year"):
        shared_years = {y for y in theirs[unit] if int(y) <= 2022}
        assert {y: ours[unit][y] for y in shared_years} == {
            y: theirs[unit][y] for y in shared_years
        }
    early_2023 = nagix[(nagix["date_local"] >= "2023-01-01") & (nagix["date_utc"] <= "2023-04-12")]
    assert len(early_2023) == theirs["missiles_per_year"]["2023"]


def test_provocations_are_events_on_korean_dates() -> None:
    table = launches.load_provocations()
    assert len(table) == 493 and table["is_missile"].sum() == 246
    assert table["date_local"].min() == pd.Timestamp("1958-02-16")
    assert not (table["date_local"].dt.year == 2018).any()


def test_csis_misses_the_hwasong15_launch_day(nagix: pd.DataFrame) -> None:
    days = launches.launches_from_missiles(nagix)
    missing = launches.csis_coverage(
        days[days["date_local"] >= "2012-01-01"], launches.load_provocations()
    )
    assert "2017-11-29" in set(missing["launch_id"])
    assert len(missing) < 10
