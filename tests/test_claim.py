"""`claim`: the seed claim on the Pyongyang clock, the verdict's limits, and one-line answers to bad input."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from cli_run import run
from dprk_launches import cli as analyst_cli
from dprk_launches import config
from dprk_launches.__main__ import main
from dprk_launches.analysis import forecaster, model
from dprk_launches.questions.claim import check as claim
from dprk_launches.questions.claim import report as claimreport
from dprk_launches.questions.claim import verdict as claimverdict
from dprk_launches.reports import build as reports

pytestmark = pytest.mark.usefixtures("mirror")

SEED = ["--event-date", "2022-01-12", "--event-tz", "America/New_York"]
KEYS = {
    "event_local_date",
    "launch_local_dates",
    "days_after",
    "p_model",
    "p_placebo",
    "prob_launch_within",
    "launch_days_before_30",
    "verdict",
    "report",
}


@pytest.fixture(scope="module")
def seed() -> dict:
    """The seed claim's JSON, computed once for the module (the real headline test)."""
    from contextlib import redirect_stdout
    from io import StringIO

    buffer = StringIO()
    with redirect_stdout(buffer):
        assert main(["claim", *SEED, "--launch-date", "2022-01-14", "--json", "--no-report"]) == 0
    return json.loads(buffer.getvalue())


def test_seed_claim_json(seed: dict) -> None:
    assert KEYS <= set(seed)
    assert seed["event_local_date"] == "2022-01-13"
    assert seed["launch_local_dates"] == ["2022-01-14"]
    assert seed["days_after"] == [1]
    assert seed["within"] == 1
    assert seed["launch_days_before_30"] == 2
    assert seed["launch_dates_before_30"] == ["2022-01-05", "2022-01-11"]
    assert 0 < seed["prob_launch_within"] < 0.2
    assert seed["p_model"] == pytest.approx(seed["prob_launch_within"], abs=1e-3)
    assert 0 < seed["p_placebo"] <= 1
    assert seed["report"] is None
    assert seed["model"].startswith("the launch forecaster")
    assert "2022-01-12-ofac-state-sans-procurement" in seed["catalogue_events_same_day"]
    assert "the forecaster gave" in seed["verdict"]
    assert f"a {claim.fmt_chance(seed['prob_launch_within'])} chance" in seed["verdict"]
    low = [p <= claim.ALPHA for p in (seed["p_placebo"], seed["p_randomization"])]
    said = {
        "timing that the base rate explains": not any(low),
        "borderline timing": any(low) and not all(low),
        "unusual timing for a single event": all(low),
    }
    assert said == {phrase: phrase in seed["verdict"] for phrase in said}


def test_seed_claim_finds_the_foreign_ministry_statement(seed: dict) -> None:
    if not seed["statements_available"]:
        pytest.skip("the catalogue has no dprk_statement rows yet")
    first = seed["dprk_statements"][0]
    assert first["responds_to"] == "2022-01-12-ofac-state-sans-procurement"
    assert first["date_local"] == "2022-01-14"
    assert "DPRK statement in our catalogue" in seed["verdict"]


@pytest.mark.parametrize(
    ("date", "time", "zone", "local"),
    [
        ("2022-01-12", dt.time(12), "America/New_York", "2022-01-13"),
        ("2022-01-12", dt.time(9), "America/New_York", "2022-01-12"),
        ("2022-01-12", dt.time(23, 50), "Asia/Seoul", "2022-01-12"),
        ("2016-01-01", dt.time(0, 15), "Asia/Seoul", "2015-12-31"),
    ],
)
def test_event_lands_on_the_pyongyang_day(date: str, time: dt.time, zone: str, local: str) -> None:
    day = claim.pyongyang_day(dt.date.fromisoformat(date), time, ZoneInfo(zone))
    assert day == pd.Timestamp(local)


def test_without_a_named_launch_the_window_is_a_week(capsys: pytest.CaptureFixture[str]) -> None:
    result = claim.check_claim("2022-01-12", "America/New_York", n_draws=500)
    assert result.within == claim.DEFAULT_WITHIN
    assert result.launch_local_dates == ["2022-01-14", "2022-01-17"]
    assert result.days_after == [1, 4]
    assert result.p_model <= result.prob_launch_within


def test_a_stated_time_moves_the_event_day() -> None:
    late = claim.check_claim("2022-01-12", "Asia/Seoul", event_time="23:00", n_draws=500)
    assert late.event_local_date == "2022-01-12"
    assert late.days_after[0] == 2


def test_verdict_never_claims_a_cause(seed: dict) -> None:
    base = claim.claim_from_json(seed)
    quiet = replace(base, launch_local_dates=[], days_after=[], prob_launch_within=0.3)
    common = replace(base, p_model=0.4, p_placebo=0.6, dprk_statements=[])
    texts = [claim.verdict(r) for r in (base, quiet, common)]
    assert "no support" in texts[1]
    assert "no evidence of retaliation" in texts[2]
    for text in texts:
        assert text.count(".") >= 1 and text.endswith(".")
        for word in ("proves", "caused", "was retaliation", "in retaliation"):
            assert word not in text


def test_report_parameters_match_the_template(
    seed: dict, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = {}

    def fake(
        name: str, notebook: str, title: str, parameters: dict, out_dir: Path, kernel: object
    ) -> Path:
        seen.update(name=name, notebook=notebook, parameters=parameters, out_dir=out_dir)
        return out_dir / f"{name}.html"

    monkeypatch.setattr(analyst_cli, "build_page", fake)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["claim", *SEED, "--launch-date", "2022-01-14", "--out", "pages"], capsys)
    assert code == 0
    declared = reports.notebook_parameters(config.NOTEBOOKS_DIR / analyst_cli.CLAIM_NOTEBOOK)
    assert set(seen["parameters"]) <= set(declared)
    assert seen["out_dir"] == (tmp_path / "pages").resolve()
    assert seen["parameters"]["precomputed"]["event_local_date"] == "2022-01-13"
    assert out.splitlines()[0] == seed["verdict"]
    assert out.splitlines()[1].startswith("report: ")


def test_claim_writes_an_offline_html_report(
    seed: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["claim", *SEED, "--launch-date", "2022-01-14", "--out", str(tmp_path)], capsys
    )
    assert code == 0, err
    page = Path(out.strip().splitlines()[-1].removeprefix("report: "))
    if not page.is_absolute():
        page = Path.cwd() / page
    page_html = page.read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", page_html).split())
    assert "12 January 2022 at 12:00 on the America/New_York clock" in text
    assert "13 January 2022 in Pyongyang" in text
    judgement = seed["verdict"].split(": ", 1)[1].split(";")[0]
    assert judgement in text
    assert "intensity model" in text
    assert "data:image/png;base64" in page_html
    assert "<script src=" not in page_html


def test_chance_is_one_minus_exp_of_the_pooled_launch_free_intensities(seed: dict) -> None:
    _, daily = claim.launch_data()
    event = pd.Timestamp(seed["event_local_date"])
    pos = daily.index.get_loc(event)
    fit = model.extend(claim.fit_up_to(daily, event), daily.index)
    path = model.launch_days(daily)
    path[pos + 1 :] = 0.0
    w = forecaster.POOL_WEIGHT
    rate = forecaster.pool_rate(path, pos)
    lam = (1 - w) * fit.intensity(path)[pos + 1 : pos + 1 + 7] + w * rate
    assert lam[0] > 0
    assert seed["prob_launch_within"] == pytest.approx(1 - np.exp(-lam[0]), rel=1e-9)
    curve = claim.launch_free_chances(daily, event, 7)
    assert curve == pytest.approx(1 - np.exp(-np.cumsum(lam)), rel=1e-9)
    assert np.all(np.diff(curve) > 0)
    # the real launch on day +1 must not enter the launch-free path
    y = model.launch_days(daily)
    assert y[pos + 1] == 1.0 and path[pos + 1] == 0.0


def test_launches_after_the_event_do_not_move_the_chance() -> None:
    _, daily = claim.launch_data()
    event = pd.Timestamp("2022-01-13")
    before = claim.model_chances(daily, event, 7)
    busier = daily.copy()
    later = busier.index > event + pd.Timedelta(days=30)
    busier.loc[later, "launch_days"] = 1
    assert claim.model_chances(busier, event, 7) == pytest.approx(before, rel=1e-12)


def test_p_model_counts_at_least_the_launch_days_seen() -> None:
    _, daily = claim.launch_data()
    event = pd.Timestamp("2022-01-13")
    one, p_one = claim.model_chances(daily, event, 1)
    week, p_week = claim.model_chances(daily, event, 7)
    assert p_one == pytest.approx(one, rel=1e-9)
    assert 0 < p_week < week
    assert week > one


def test_report_helpers_compute_every_number(seed: dict) -> None:
    result = claim.claim_from_json(seed)
    curve = claimreport.forecast_curve(result)
    assert list(curve["days_after"]) == list(range(1, claimreport.HORIZON + 1))
    assert curve["chance"].iloc[0] == pytest.approx(result.prob_launch_within, rel=1e-9)
    text = claimreport.chance_text(result, curve)
    n, flat = claimreport.flat_chance(result)
    assert f"({n} launch days in 365)" in text
    assert claim.fmt_chance(flat) in text
    assert claim.fmt_chance(curve["chance"].iloc[6]) in text
    side = "lower" if result.prob_launch_within < flat else "higher"
    assert f"puts it {side}" in text
    assert "up to the event's Pyongyang day only" in text
    around = claimreport.launches_around(result)
    assert set(around["days_after_event"]) >= {-8, -2, 1}
    assert around["days_after_event"].abs().max() <= claimreport.TABLE_DAYS
    assert around["days_after_event"].is_monotonic_increasing
    assert claimreport.around_text(result, around).startswith(f"{len(around)} launch days")
    said = claimreport.claim_text(result)
    assert "**13 January 2022** in Pyongyang" in said and "1 day after the event" in said
    tests = claimreport.tests_table(result)
    assert tests["p"].tolist()[:2] == [result.p_model, result.p_placebo]
    bullets = claimreport.retaliation_text(result)
    assert "2 launch days in the 30 days before it" in bullets
    assert "sanctions_us" in bullets
    assert len(claimreport.statements_table(result)) == len(result.dprk_statements)
    assert list(claimreport.same_day_events(result).index) == result.catalogue_events_same_day


def test_notebook_stays_a_report() -> None:
    nb = json.loads((config.NOTEBOOKS_DIR / analyst_cli.CLAIM_NOTEBOOK).read_text(encoding="utf-8"))
    lines = [
        line
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(lines) <= 60
    prose = " ".join("".join(c["source"]) for c in nb["cells"][1:] if c["cell_type"] == "markdown")
    assert not re.search(r"\d", prose), "a number in the prose that is not computed"


# Four days before the last data day (whatever it is): a 7-day or 30-day window runs past the data.
NEAR_END = f"{claim.launch_data()[1].index[-1] - pd.Timedelta(days=4):%Y-%m-%d}"
BAD = [
    (["--event-date", "2022-13-01", "--event-tz", "Asia/Seoul"], "--event-date"),
    (["--event-date", "12/01/2022", "--event-tz", "Asia/Seoul"], "YYYY-MM-DD"),
    (["--event-date", "2022-01-12", "--event-tz", "Mars/Olympus"], "IANA time zone"),
    (["--event-date", "2022-01-12", "--event-tz", "../../etc/passwd"], "IANA time zone"),
    (["--event-date", "2022-01-12", "--event-tz", "Asia/Seoul", "--event-time", "25:00"], "HH:MM"),
    (["--event-date", "1984-01-01", "--event-tz", "Asia/Seoul"], "launch data start"),
    (["--event-date", "2031-01-01", "--event-tz", "Asia/Seoul"], "after the launch data end"),
    (["--event-date", NEAR_END, "--event-tz", "Asia/Seoul"], "--within 4 or less"),
    (["--event-date", NEAR_END, "--event-tz", "Asia/Seoul", "--within", "30"], "--within 4"),
    ([*SEED, "--launch-date", "2022-01-15"], "nearest launch days are 2022-01-14 or 2022-01-17"),
    (
        [
            "--event-date",
            "2022-01-14",
            "--event-tz",
            "Asia/Pyongyang",
            "--launch-date",
            "2022-01-14",
        ],
        "falls on the event's own Pyongyang day",
    ),
    ([*SEED, "--launch-date", "2031-01-01"], "outside the launch data"),
    ([*SEED, "--within", "0"], "--within 0"),
    ([*SEED, "--within", "999"], "--within 999"),
    ([*SEED, "--within", "two"], "invalid int value"),
    ([*SEED, "--launch-date", "2022-01-17", "--within", "1"], "does not reach the named launch"),
    (["--event-date", "2018-04-15", "--event-tz", "Asia/Seoul", "--within", "10"], "moratorium"),
    (["--event-tz", "Asia/Seoul"], "--event-date"),
]


@pytest.mark.parametrize(("args", "says"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["claim", *args, "--json", "--no-report"], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert says in lines[0]
    assert "Traceback" not in err


def test_a_launch_free_era_start_gives_a_nonzero_chance_and_one_set_of_numbers(capsys) -> None:
    code, out, _ = run(
        [
            "claim",
            "--event-date",
            "2021-03-18",
            "--event-tz",
            "America/New_York",
            "--json",
            "--no-report",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["prob_launch_within"] > 0.001
    assert data["placebo_rate_ratio"] == pytest.approx(
        data["placebo_observed"] / data["placebo_expected"]
    )
    if data["days_after"] and len(data["days_after"]) == 1:
        assert data["p_model"] == pytest.approx(data["prob_launch_within"])


def test_a_cruise_missile_day_names_its_kind_and_source(capsys) -> None:
    code, _, err = run(
        [
            "claim",
            "--event-date",
            "2023-03-10",
            "--event-tz",
            "Asia/Seoul",
            "--launch-date",
            "2023-03-12",
            "--no-report",
        ],
        capsys,
    )
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "cruise launch in CSIS" in err and "https://" in err


def test_launch_before_the_event_asks_the_reverse_question() -> None:
    r = claim.check_claim("2022-01-12", "America/New_York", launch_date="2022-01-11", n_draws=500)
    assert r.direction == "before" and r.within == 2
    assert r.launch_local_dates == ["2022-01-11"] and r.days_after == [-2]
    assert r.verdict.startswith("The launch on 2022-01-11 came 2 days before the event")
    assert "cannot have answered it" in r.verdict and "the other way round" in r.verdict
    assert 0 < r.prob_launch_within < 1 and r.placebo_observed == 1


def test_within_discusses_every_launch_day_in_the_window() -> None:
    r = claim.check_claim("2022-01-12", "America/New_York", within=20, n_draws=500)
    assert len(r.launch_local_dates) >= 3
    for d in r.launch_local_dates:
        assert d in r.verdict
    assert f"{len(r.launch_local_dates)} or more" in r.verdict


def test_claim_page_text_and_index_record_follow_the_reverse_question() -> None:
    r = claim.check_claim("2022-01-12", "America/New_York", launch_date="2022-01-11", n_draws=500)
    assert "2 days before the event" in claimreport.claim_text(r)
    assert "days -2 to -1 before the event" in claimreport.claim_text(r)
    assert claimreport.forecast_origin(r) == pd.Timestamp("2022-01-10")
    assert claimreport.days_from_origin(r) == [1]
    record = claimreport.verdict_record(r)
    assert (
        record["verdict_label"]
        == {
            "unusual": "more launches than usual before the event (fits a response)",
            "borderline": "borderline: the two tests disagree",
            "base_rate": "timing the base rate explains",
        }[claimverdict.outcome(r)]
    )
