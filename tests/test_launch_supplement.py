"""Our launch supplement: validation, CNS-wins precedence, duplicates against a newer CNS file, kinds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dprk_launches import config
from dprk_launches.__main__ import main
from dprk_launches.records import launches, schemas, sources
from dprk_launches.records import supplement as launch_supplement
from dprk_launches.records.schemas import DataError

HEADER = ",".join(schemas.SUPPLEMENT_COLUMNS)
GOOD = {
    "launch_id": "2026-09-01-test-srbm",
    "date": "2026-09-01",
    "time_local": "07:30",
    "timezone": "Asia/Seoul",
    "kind": "ballistic",
    "missile_type": "SRBM",
    "n_missiles": "2",
    "facility": "Wonsan",
    "description": "two SRBMs",
    "source_url": "https://en.yna.co.kr/view/AEN20260901000000315",
    "source_kind": "wire",
    "source_note": "a test row",
}
NEW_COMMIT = "c" * 40
GOOD_EMPTY = pd.DataFrame(columns=schemas.SUPPLEMENT_COLUMNS)


def write_supplement(path: Path, *rows: dict) -> Path:
    """A supplement CSV with the given rows (GOOD's values where a row leaves a column out)."""
    lines = [HEADER]
    for row in rows:
        full = GOOD | row
        lines.append(",".join(f'"{full[c]}"' for c in schemas.SUPPLEMENT_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cns_day(day: str) -> pd.DataFrame:
    """A one-row CNS launch-days table."""
    return pd.DataFrame(
        {
            "launch_id": [day],
            "date_local": pd.to_datetime([day]).astype("datetime64[ns]"),
            "n_missiles": [3],
            "missile_types": ["SRBM"],
            "outcomes": ["success:3"],
            "facilities": ["Wonsan"],
            "date_precision": ["day"],
        }
    )


def test_the_committed_supplement_validates_and_starts_after_the_cns_mirror(mirror: Path) -> None:
    table = launch_supplement.load_supplement()
    assert len(table) >= 1 and table["launch_id"].is_unique
    cns = launches.load_cns_launches()
    assert not set(table["date_local"]) & set(cns["date_local"])
    assert set(table["source_kind"]) <= {"primary", "wire"}
    assert (table.loc[table["kind"] == "ballistic", "date_local"] > cns["date_local"].max()).all()


def test_a_supplement_row_is_put_on_the_pyongyang_clock(tmp_path: Path) -> None:
    late = write_supplement(
        tmp_path / "s.csv",
        {"launch_id": "2015-09-01-late", "date": "2015-09-01", "time_local": "00:10"},
    )
    table = launch_supplement.load_supplement([late])
    # 00:10 KST on 1 Sep 2015 is 23:40 on 31 Aug on the UTC+8:30 Pyongyang clock
    assert table["date_local"].iloc[0] == pd.Timestamp("2015-08-31")
    assert table["n_missiles"].iloc[0] == 2


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ({"kind": "drone"}, "kind", "ballistic, cruise, other"),
        ({"missile_type": "srbm"}, "missile_type", "SRBM"),
        ({"n_missiles": "several"}, "n_missiles", "whole number"),
        ({"date": "2026-02-30", "launch_id": "2026-02-30-x"}, "date", "valid"),
        ({"launch_id": "2026-09-02-x"}, "launch_id", "does not start with date"),
        ({"source_kind": "secondary"}, "source_kind", "primary or wire"),
        ({"source_url": "https://someone.medium.com/x"}, "source_url", "blocklist"),
        ({"source_url": "https://www.dawn.com/x", "source_kind": "primary"}, "source_kind", "host"),
        ({"timezone": "Asia/Soul"}, "timezone", "IANA"),
    ],
)
def test_a_bad_supplement_row_is_refused_naming_its_column(
    tmp_path: Path, row: dict, column: str, reason: str
) -> None:
    path = write_supplement(tmp_path / "s.csv", row)
    with pytest.raises(DataError) as err:
        launch_supplement.load_supplement([path])
    assert err.value.column == column and reason in str(err.value) and err.value.row == 1


def test_duplicate_launch_ids_are_refused(tmp_path: Path) -> None:
    path = write_supplement(tmp_path / "s.csv", {}, {})
    with pytest.raises(DataError, match="duplicate launch_id"):
        launch_supplement.load_supplement([path])


def test_cns_wins_where_both_have_the_day(tmp_path: Path) -> None:
    both = write_supplement(
        tmp_path / "s.csv",
        {},
        {"launch_id": "2026-09-05-later", "date": "2026-09-05", "n_missiles": ""},
    )
    supplement = launch_supplement.load_supplement([both])
    merged = launch_supplement.merge_launch_days(cns_day("2026-09-01"), supplement)
    first = merged[merged["launch_id"] == "2026-09-01"].iloc[0]
    assert first["n_missiles"] == 3 and first["outcomes"] == "success:3"  # the CNS row, not ours
    later = merged[merged["launch_id"] == "2026-09-05"].iloc[0]
    assert later["n_missiles"] == 1 and later["outcomes"] == "unknown:1"  # no count: at least one
    assert merged.attrs["superseded"] == ["2026-09-01-test-srbm"]
    assert list(merged.attrs["added"]) == ["2026-09-05"]
    assert len(merged) == 2


def test_kinds_add_cruise_days_from_the_supplement_and_csis(tmp_path: Path) -> None:
    path = write_supplement(
        tmp_path / "s.csv",
        {"launch_id": "2026-09-03-cruise", "date": "2026-09-03", "kind": "cruise"},
    )
    supplement = launch_supplement.load_supplement([path])
    csis = pd.DataFrame(
        {
            "date_local": pd.to_datetime(["2026-09-07", "2026-09-08", "2026-09-09"]),
            "event": ["Strategic cruise missile", "Rocket Engine Test", "Artillery Fire"],
            "description": ["", "", ""],
            "resources": ["https://en.yna.co.kr/a", "", "https://en.yna.co.kr/b"],
            "is_missile": [True, True, True],
        }
    )
    ballistic = launch_supplement.merge_launch_days(cns_day("2026-09-01"), supplement, csis)
    assert list(ballistic["launch_id"]) == ["2026-09-01"]
    wide = launch_supplement.merge_launch_days(
        cns_day("2026-09-01"), supplement, csis, kinds=("ballistic", "cruise", "other")
    )
    assert list(wide["launch_id"]) == ["2026-09-01", "2026-09-03", "2026-09-07", "2026-09-09"]
    assert wide.attrs["added"]["2026-09-03"]["source"] == "supplement"
    assert wide.attrs["added"]["2026-09-07"]["kinds"] == "cruise"
    assert wide.attrs["added"]["2026-09-09"]["kinds"] == "other"
    with pytest.raises(ValueError, match="kinds must be some of"):
        launch_supplement.merge_launch_days(cns_day("2026-09-01"), supplement, csis, kinds=["x"])


def test_csis_labels_map_to_kinds() -> None:
    kind = launch_supplement.csis_kind
    assert kind("Short-range Ballistic Missile Launch") == "ballistic"
    assert kind("Satellite Launch") == "ballistic"
    assert kind("Anti-Ship Cruise Missile Launch") == "cruise"
    assert kind("Multiple Lanuch Rocket System (MLRS) Test") == "other"
    assert kind("Rocket Engine Test") is None
    assert kind("Nuclear Detonation Device") is None


def test_the_default_series_keeps_cns_and_adds_only_later_supplement_days(mirror: Path) -> None:
    cns = launches.load_cns_launches()
    days = launches.load_launches()
    before = days[days["date_local"] <= cns["date_local"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, cns.reset_index(drop=True))
    # the default series is ballistic: only the supplement's ballistic rows add days to it
    supplement = launch_supplement.load_supplement()
    ballistic = supplement[supplement["kind"] == "ballistic"]
    assert set(days.attrs["added"]) == {f"{d:%Y-%m-%d}" for d in ballistic["date_local"]}
    wide = launches.load_launches(kinds=("ballistic", "cruise", "other"))
    assert {f"{d:%Y-%m-%d}" for d in supplement["date_local"]} <= set(wide["launch_id"])
    assert launches.load_launches("cns").equals(launches.load_cns_launches("cns"))


def test_kinds_widen_the_pinned_series_with_csis_cruise_days(mirror: Path) -> None:
    wide = launches.load_launches(kinds=("ballistic", "cruise", "other"))
    assert "2023-03-12" in set(wide["launch_id"])  # cruise missiles from a submarine (CSIS only)
    assert wide.attrs["added"]["2023-03-12"] == wide.attrs["added"]["2023-03-12"] | {
        "source": "csis",
        "kinds": "cruise",
    }
    assert len(wide) > len(launches.load_launches())
    with pytest.raises(ValueError, match="pinned nagix"):
        launches.load_launches("cns", kinds=("ballistic", "cruise"))


def test_describe_launch_day_names_kind_and_source(mirror: Path) -> None:
    said = launches.describe_launch_day("2023-03-12")
    assert said.startswith("2023-03-12 (Pyongyang clock) has a cruise launch in CSIS only")
    assert said.endswith("rerun with --kinds ballistic,cruise")
    counted = launches.describe_launch_day("2023-03-12", kinds=("ballistic", "cruise"))
    assert counted.endswith("counted with --kinds ballistic,cruise")
    assert launches.describe_launch_day("2023-03-11") is None


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("ballistic", ("ballistic",)),
        ("cruise, ballistic", ("ballistic", "cruise")),
        ("all", ("ballistic", "cruise", "other")),
    ],
)
def test_parse_kinds_reads_a_comma_separated_list(text: str, kinds: tuple[str, ...]) -> None:
    assert launch_supplement.parse_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ballistic,drone", "unknown kind 'drone'"),
        ("", "unknown kind ''"),
        ("ballistic,ballistic", "named twice"),
        ("cruise", "leaves out ballistic"),
    ],
)
def test_parse_kinds_refuses_a_bad_list_naming_the_kinds(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as err:
        launch_supplement.parse_kinds(text)
    assert "ballistic, cruise, other" in str(err.value) or "ballistic,cruise" in str(err.value)


def test_kinds_without_ballistic_are_refused() -> None:
    with pytest.raises(ValueError, match="must include ballistic"):
        launch_supplement.merge_launch_days(cns_day("2026-09-01"), GOOD_EMPTY, kinds=["cruise"])


def test_sources_update_reports_supplement_rows_a_newer_cns_file_covers(
    mirror: Path, empty_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    toml = tmp_path / "sources.toml"
    shutil.copyfile(config.SOURCES_TOML, toml)
    monkeypatch.setattr(config, "SOURCES_TOML", toml)
    ours = launch_supplement.load_supplement()
    first = ours.iloc[0]
    doc = json.loads((mirror / sources.load_sources()["nagix_tests"].mirror_path).read_text())
    utc_day = first["date_local"].strftime("%Y-%m-%d")  # 04:00 UTC is 13:00 in Pyongyang
    doc["timeBins"][-1]["data"].append(
        {
            "date": utc_day,
            "time": "04:00 (UTC)",
            "missile": "unknown",
            "facility": "unknown",
            "landing": "unknown",
            "apogee": "unknown",
            "distance": "80",
            "outcome": "success",
            "description": "",
        }
    )
    new_file = tmp_path / "test.en.json"
    new_file.write_text(json.dumps(doc))
    assert (
        main(["sources", "update", "nagix_tests", "--ref", NEW_COMMIT, "--url", str(new_file)]) == 0
    )
    out = capsys.readouterr().out
    assert "launch supplement: 1 row(s) now on a CNS launch day" in out
    assert f"= {first['launch_id']} ({first['date_local']:%Y-%m-%d})" in out
