"""What a test of event timing cannot separate, said plainly: recurring calendar phases and same-day events.

Two designs leave the headline test unable to tell an event effect from something else, whatever its
p-value. Events that recur at the same time of year (scheduled exercises) sit where the model's season
is estimated from the same days, so the season and an effect at that phase trade off. Events dated on
launch days (same-day responses, or dates that may be a day off) make "after the event" ambiguous:
a window that starts on day 0 counts those launches as following the event. `notes` returns one
sentence per problem found (none when the design is clear of both).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

PHASE_DAYS = 14
PHASE_SHARE = 0.6
MIN_YEARS = 3
CHANCE_DRAWS = 200


def recurring_share(dates: pd.DatetimeIndex) -> float:
    """Share of events inside the two PHASE_DAYS-wide times of year that hold the most of them.

    Two spans of +-PHASE_DAYS days cover 16% of a year: events at random dates put about that share
    in them; events at one or two recurring dates (spring and summer drills) put most.
    """
    if len(dates) == 0:
        return 0.0
    doy = np.minimum(dates.day_of_year.to_numpy(), 365) - 1
    centres = np.arange(365)
    gap = np.abs(centres[:, None] - doy[None, :]) % 365
    near = np.minimum(gap, 365 - gap) <= PHASE_DAYS
    first = near[np.argmax(near.sum(axis=1))]
    rest = near[:, ~first]
    second = rest.sum(axis=1).max() if rest.shape[1] else 0
    return float((first.sum() + second) / len(dates))


@cache
def chance_share(n: int, level: float = 0.95) -> float:
    """The `level` quantile of `recurring_share` for n events on uniformly random days (seeded)."""
    rng = np.random.default_rng(n)
    day = pd.Timestamp("2001-01-01")
    draws = [
        recurring_share(pd.DatetimeIndex(day + pd.to_timedelta(rng.integers(0, 365, n), "D")))
        for _ in range(CHANCE_DRAWS)
    ]
    return float(np.quantile(draws, level))


def launch_day_events(y: np.ndarray, pos: np.ndarray) -> int:
    """Number of event days that are launch days themselves."""
    return int((np.asarray(y)[np.asarray(pos, dtype=np.int64)] > 0).sum())


def notes(
    index: pd.DatetimeIndex, y: np.ndarray, pos: np.ndarray, window: tuple[int, int]
) -> tuple[str, ...]:
    """Plain sentences on what this design cannot separate (empty when nothing applies)."""
    out = []
    dates = pd.DatetimeIndex(index[np.asarray(pos, dtype=np.int64)])
    n = len(dates)
    share = recurring_share(dates)
    enough = n >= 4 and dates.year.nunique() >= MIN_YEARS
    if enough and share >= PHASE_SHARE and share > chance_share(n):
        out.append(
            f"{share:.0%} of these {n} events fall within {PHASE_DAYS} days of one or two dates "
            "that recur every year (as scheduled exercises do): the model's "
            "seasonal pattern is estimated from the same days, so an effect at that time of year "
            "and the season itself cannot be fully told apart; read a difference as 'at this time "
            "of year', not necessarily 'because of the events'."
        )
    on_launch = launch_day_events(y, pos)
    if window[0] <= 0 and on_launch:
        out.append(
            f"{on_launch} of the {n} event days "
            f"{'is a launch day itself' if on_launch == 1 else 'are launch days themselves'}: "
            "a window starting on "
            "day 0 counts those launches as following the event, although the event may answer "
            "them (same-day responses) or its date may be a day off; start the window at day 1 "
            "to leave them out."
        )
    return tuple(out)
