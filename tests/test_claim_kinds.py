"""`claim` and `study` with `--kinds`: cruise and other launch days from CSIS, and what a CSIS-only day is."""

from __future__ import annotations

import json

import pytest

from cli_run import run
from dprk_launches.questions.claim import check as claim
from dprk_launches.questions.claim import verdict as claimverdict

pytestmark = pytest.mark.usefixtures("mirror")

# 2023-03-12: strategic cruise missiles fired from a submarine, in CSIS only (CNS/NTI lists
# ballistic launches); the nearest CNS launch days are 2023-03-09 and 2023-03-14.
CRUISE = ["claim", "--event-date", "2023-03-10", "--event-tz", "Asia/Seoul"]
CRUISE_DAY = ["--launch-date", "2023-03-12", "--no-report"]


def test_a_cruise_day_names_its_kind_and_source_instead_of_no_launch(capsys) -> None:
    code, out, err = run([*CRUISE, *CRUISE_DAY], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no launch" not in err
    assert "2023-03-12 (Pyongyang clock) has a cruise launch in CSIS only" in err
    assert "Strategic cruise missile" in err and "https://" in err
    assert "rerun with --kinds ballistic,cruise" in err
    assert "the nearest are 2023-03-09 or 2023-03-14" in err


def test_kinds_count_the_cruise_day_and_say_where_it_comes_from(capsys) -> None:
    code, out, err = run([*CRUISE, *CRUISE_DAY, "--kinds", "ballistic,cruise", "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["kinds"] == ["ballistic", "cruise"]
    assert result["launch_local_dates"] == ["2023-03-12"] and result["days_after"] == [2]
    assert result["launch_sources"] == {"2023-03-12": "cruise, CSIS: Strategic cruise missile"}
    assert (
        "not in CNS/NTI: 2023-03-12 (cruise, CSIS: Strategic cruise missile)" in result["verdict"]
    )
    assert claim.report_name(claim.claim_from_json(result)).endswith("_kinds-ballistic-cruise")


def test_the_default_series_is_unchanged_by_the_option(capsys) -> None:
    code, out, _ = run([*CRUISE, "--within", "5", "--no-report", "--json"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["kinds"] == ["ballistic"] and result["launch_sources"] == {}
    assert "2023-03-12" not in result["launch_local_dates"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ballistic,drone", "unknown kind 'drone'"),
        ("cruise", "leaves out ballistic"),
        ("ballistic;cruise", "comma-separated"),
    ],
)
def test_a_bad_kinds_value_is_one_line_and_exit_2(capsys, value: str, reason: str) -> None:
    code, out, err = run([*CRUISE, *CRUISE_DAY, "--kinds", value], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--kinds" in err and reason in err


def test_claim_kinds_from_python_are_checked() -> None:
    with pytest.raises(claim.ClaimError, match="must include ballistic"):
        claim.check_claim("2023-03-10", "Asia/Seoul", within=5, kinds=("cruise",))


def test_study_kinds_reach_the_page(capsys, monkeypatch, tmp_path) -> None:
    from dprk_launches import cli as analyst_cli
    from dprk_launches.reports.specs import notebook_parameters

    seen = {}

    def fake(name, notebook, title, parameters, out_dir, kernel):
        seen.update(notebook=notebook, parameters=parameters)
        return out_dir / f"{name}.html"

    monkeypatch.setattr(analyst_cli, "build_page", fake)
    args = ["study", "examples/my_events.csv", "--kinds", "all", "--out", str(tmp_path)]
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert seen["parameters"]["kinds"] == ",".join(claim_kinds_all())
    assert "kinds" in notebook_parameters(analyst_cli.config.NOTEBOOKS_DIR / seen["notebook"])
    code, _, err = run(["study", "examples/my_events.csv", "--kinds", "nuclear"], capsys)
    assert code == 2 and "unknown kind 'nuclear'" in err


def test_study_kinds_widen_the_series_it_tests(capsys) -> None:
    counts = {}
    for kinds in ("ballistic", "all"):
        args = ["study", "examples/my_events.csv", "--kinds", kinds, "--no-report", "--json"]
        code, out, err = run(args, capsys)
        assert code == 0, err
        result = json.loads(out)
        counts[kinds] = result["observed"] + result["observed_pre"]
        assert result["kinds"] == (["ballistic"] if kinds == "ballistic" else claim_kinds_all())
    assert counts["all"] >= counts["ballistic"]


def claim_kinds_all() -> list[str]:
    """Every launch kind, in vocabulary order."""
    from dprk_launches.records import schemas

    return list(schemas.LAUNCH_KINDS)


def test_a_statement_before_the_event_is_named_as_such(capsys) -> None:
    # Freedom Shield 2023 began on 13 March (Seoul); Kim Yo Jong's warning of 7 March is in our
    # catalogue with responds_to = that exercise and anticipates = yes.
    args = ["claim", "--event-date", "2023-03-13", "--event-tz", "Asia/Seoul"]
    code, out, err = run([*args, "--launch-date", "2023-03-14", "--no-report", "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    ahead = [s for s in result["dprk_statements"] if s["anticipates"]]
    assert [s["event_id"] for s in ahead] == [
        "2023-03-07-kim-yo-jong-interception-declaration-of-war"
    ]
    said = "a DPRK statement on 2023-03-07 (before the event, threat level warning) warned of it"
    assert said in result["verdict"]
    statement = claim.claim_from_json(result).dprk_statements[0]
    assert statement.anticipates is True
    assert "responds to the event" not in claimverdict._statement(claim.claim_from_json(result))


def test_the_claim_notebook_takes_kinds_as_a_parameter() -> None:
    from dprk_launches import cli as analyst_cli
    from dprk_launches import config
    from dprk_launches.questions.claim import report as claimreport
    from dprk_launches.reports import build as reports

    declared = reports.notebook_parameters(config.NOTEBOOKS_DIR / analyst_cli.CLAIM_NOTEBOOK)
    assert declared["kinds"] == "ballistic"
    params = claim.notebook_parameters(
        "2023-03-10", "Asia/Seoul", None, "2023-03-12", None, None, ("ballistic", "cruise")
    )
    assert params["kinds"] == "ballistic,cruise" and set(params) <= set(declared)
    result = claimreport.load_result(
        {}, "2023-03-10", "Asia/Seoul", launch_date="2023-03-12", fast=True, kinds=params["kinds"]
    )
    assert result.kinds == ["ballistic", "cruise"] and result.launch_local_dates == ["2023-03-12"]
    assert "2023-03-12" in set(claimreport.launches_around(result)["date_local"].astype(str))
    with pytest.raises(claim.ClaimError, match="kinds: unknown kind 'drone'"):
        claimreport.load_result({}, "2023-03-10", "Asia/Seoul", kinds="ballistic,drone")


def test_the_report_says_which_statements_came_before_the_event() -> None:
    from dprk_launches.questions.claim import report as claimreport

    result = claim.check_claim("2023-03-13", "Asia/Seoul", launch_date="2023-03-14", n_draws=500)
    text = claimreport.retaliation_text(result)
    assert "2023-03-07: before the event, a warning in advance rather than a response" in text
    assert bool(claimreport.statements_table(result)["anticipates"].any())
