"""Synthetic launch series (season, era, self-excitation) fitted to the real data, and event placements."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..series import daily_counts, era_of
from . import era_hawkes


def kappa_for_delay(days: float) -> float:
    """Daily decay kappa of the excitation whose mean trigger delay is `days` (1 / (1 - kappa))."""
    if days <= 1:
        raise ValueError("the mean trigger delay must exceed 1 day")
    return 1 - 1 / days


@dataclass(frozen=True)
class SimulationParams:
    """Everything needed to simulate a launch calendar from the discrete-time Hawkes model."""

    start: pd.Timestamp
    end: pd.Timestamp
    log_mu: tuple[float, ...]
    era_names: tuple[str, ...]
    season: tuple[float, float]
    alpha: float
    kappa: float
    alpha_interval: tuple[float, float] | None
    salvo_sizes: tuple[int, ...]

    def with_alpha(self, alpha: float) -> SimulationParams:
        """Same parameters with another branching ratio (for the stress scenario)."""
        return replace(self, alpha=float(alpha))

    def with_delay(self, days: float) -> SimulationParams:
        """Same parameters with another mean trigger delay in days (kappa = 1 - 1 / days)."""
        return replace(self, kappa=kappa_for_delay(days))

    @property
    def calendar(self) -> pd.DatetimeIndex:
        """The simulated days."""
        return pd.date_range(self.start, self.end, freq="D", name="date_local")


def fit_simulation_params(
    launches: pd.DataFrame,
    start: str | pd.Timestamp = "2006-01-01",
    end: str | pd.Timestamp | None = None,
) -> SimulationParams:
    """Fit the Hawkes model to a launches table (day-dated rows) and keep what simulation needs."""
    daily = daily_counts(launches, start, end)
    fit = era_hawkes.fit_hawkes(daily, intervals=True)
    sizes = daily.loc[daily["missiles"] > 0, "missiles"].to_numpy()
    return SimulationParams(
        start=pd.Timestamp(daily.index[0]),
        end=pd.Timestamp(daily.index[-1]),
        log_mu=tuple(float(v) for v in fit.log_mu),
        era_names=fit.era_names,
        season=fit.season,
        alpha=fit.alpha,
        kappa=fit.kappa,
        alpha_interval=fit.alpha_interval,
        salvo_sizes=tuple(int(v) for v in sizes) or (1,),
    )


def simulate_daily(params: SimulationParams, seed: int) -> pd.DataFrame:
    """Simulated zero-filled daily calendar (launch_days 0/1; missiles drawn from the real salvo sizes)."""
    rng = np.random.default_rng(seed)
    calendar = params.calendar
    days = era_hawkes.simulate_hawkes(
        calendar,
        np.asarray(params.log_mu),
        params.season,
        params.alpha,
        params.kappa,
        params.era_names,
        rng,
    )
    salvo = rng.choice(np.asarray(params.salvo_sizes), size=len(days))
    return pd.DataFrame({"launch_days": days, "missiles": days * salvo}, index=calendar)


def simulate_days(
    n_days: int = 3650,
    base_rate: float = 0.02,
    seasonal_amplitude: float = 0.6,
    excitation: float = 0.25,
    decay_days: float = 7.0,
    start: str = "2012-01-01",
    seed: int = 0,
) -> pd.DataFrame:
    """Generic synthetic calendar: one background rate times exp(amplitude cos(season)), self-excitation."""
    calendar = pd.date_range(start, periods=n_days, freq="D", name="date_local")
    era_names = tuple(dict.fromkeys(str(e) for e in era_of(calendar)))
    params = SimulationParams(
        start=calendar[0],
        end=calendar[-1],
        log_mu=(float(np.log(base_rate)),) * len(era_names),
        era_names=era_names,
        season=(seasonal_amplitude, 0.0),
        alpha=excitation,
        kappa=kappa_for_delay(decay_days),
        alpha_interval=None,
        salvo_sizes=(1,),
    )
    return simulate_daily(params, seed)


def reverse_causal_events(
    daily: pd.DataFrame, n_events: int, seed: int = 0, lags: tuple[int, int] = (1, 3)
) -> pd.DatetimeIndex:
    """Event dates placed 1–3 days after randomly chosen simulated launches (events answer launches)."""
    rng = np.random.default_rng(seed)
    launch_pos = np.flatnonzero(daily["launch_days"].to_numpy())
    chosen = rng.choice(launch_pos, size=min(n_events, len(launch_pos)), replace=False)
    pos = np.clip(chosen + rng.integers(lags[0], lags[1] + 1, size=len(chosen)), 0, len(daily) - 1)
    return pd.DatetimeIndex(np.sort(daily.index[pos]))


def inject_effect(
    daily: pd.DataFrame,
    event_dates: pd.DatetimeIndex,
    factor: float,
    window: tuple[int, int],
    seed: int,
) -> pd.DataFrame:
    """Add launch days after events so the window's launch-day rate is `factor` times the series' mean."""
    rng = np.random.default_rng(seed)
    counts = daily["launch_days"].to_numpy().copy()
    rate = counts.mean()
    extra = min((factor - 1) * rate / max(1 - rate, 1e-9), 1.0)
    pos = pd.DatetimeIndex(daily.index).get_indexer(event_dates)
    for p in pos[pos >= 0]:
        span = np.arange(p + window[0], min(p + window[1] + 1, len(counts)))
        span = span[span >= 0]
        counts[span] = np.maximum(counts[span], rng.random(len(span)) < extra)
    missiles = np.where(counts > 0, np.maximum(daily["missiles"].to_numpy(), 1), 0)
    return daily.assign(launch_days=counts, missiles=missiles)


def simulate_campaigns(
    calendar: pd.DatetimeIndex,
    seed: int,
    quiet_rate: float = 0.004,
    campaign_rate: float = 0.105,
    mean_quiet_days: float = 200.0,
    mean_campaign_days: float = 40.0,
) -> pd.DataFrame:
    """Launch days from a two-state (quiet / campaign) Markov-switching background, no self-excitation.

    A deliberately misspecified world for the Hawkes-based tests: clustering comes from hidden
    campaigns, not from launches triggering launches.
    """
    rng = np.random.default_rng(seed)
    n = len(calendar)
    state = np.zeros(n, dtype=bool)
    t, campaign = (
        0,
        bool(rng.random() < mean_campaign_days / (mean_quiet_days + mean_campaign_days)),
    )
    while t < n:
        length = int(rng.geometric(1 / (mean_campaign_days if campaign else mean_quiet_days)))
        state[t : t + length] = campaign
        t, campaign = t + length, not campaign
    days = (rng.random(n) < np.where(state, campaign_rate, quiet_rate)).astype(np.int64)
    return pd.DataFrame({"launch_days": days, "missiles": days}, index=calendar)
