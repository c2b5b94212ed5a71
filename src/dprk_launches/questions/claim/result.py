"""What a claim check found (`ClaimResult`, the statements it cites), and back from its JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ...records import schemas


@dataclass(frozen=True)
class Statement:
    """A DPRK statement in our catalogue that responds to an event on the claim's date."""

    event_id: str
    date_local: str
    subcategory: str
    threat_level: str
    title: str
    responds_to: str
    source_url: str
    anticipates: bool = False


@dataclass(frozen=True)
class ClaimResult:
    """Everything the claim check found; `to_json()` gives the command's JSON object."""

    event_date: str
    event_tz: str
    event_time: str
    title: str
    event_local_date: str
    within: int
    launch_date: str | None
    launch_local_dates: list[str]
    days_after: list[int]
    prob_launch_within: float
    p_model: float
    model: str
    p_placebo: float
    placebo_method: str
    placebo_rate_ratio: float
    placebo_expected: float
    launch_days_before_30: int
    launch_dates_before_30: list[str]
    p_randomization: float | None
    placebo_observed: int
    expected_before_30: float
    catalogue_events_same_day: list[str]
    dprk_statements: list[Statement]
    statements_available: bool
    data_start: str
    data_end: str
    verdict: str
    notes: list[str] = field(default_factory=list)
    direction: str = "after"
    kinds: list[str] = field(default_factory=lambda: list(schemas.DEFAULT_KINDS))
    launch_sources: dict[str, str] = field(default_factory=dict)

    def to_json(self, report: str | None = None) -> dict:
        """The JSON object printed by `claim --json` (the contract keys plus extras)."""
        out = asdict(self)
        out["report"] = report
        for key in ("placebo_rate_ratio", "placebo_expected"):
            if out[key] is not None and not np.isfinite(out[key]):
                out[key] = None
        return out


def claim_from_json(data: dict) -> ClaimResult:
    """Rebuild a ClaimResult from `to_json()` output (how the CLI hands its numbers to the report)."""
    values = {k: data[k] for k in ClaimResult.__dataclass_fields__}
    values["dprk_statements"] = [Statement(**s) for s in values["dprk_statements"]]
    return ClaimResult(**values)
