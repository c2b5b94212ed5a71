"""Compiled day loops of the self-exciting launch models: the likelihood with its gradient, and simulation.

Both loops visit every day once and carry the self-excitation as a running state, so numba compiles
them to one pass over memory (the numpy version made a dozen passes and two filters per evaluation,
and the fit calls it some 400 times per test; this is what lets `make calibration` refit 18,000
series in minutes). `tests/test_model.py` checks the likelihood against a plain numpy reference and
its gradient against finite differences.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def loglik_and_grad(
    y: np.ndarray,
    era: np.ndarray,
    year: np.ndarray,
    doy: np.ndarray,
    window: np.ndarray,
    recency: np.ndarray,
    counts: np.ndarray,
    harmonic_table: np.ndarray,
    mu: np.ndarray,
    r: np.ndarray,
    season: np.ndarray,
    gamma: np.ndarray,
    slopes: np.ndarray,
    alpha: float,
    kappa: float,
    beta: float,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Log-likelihood and its gradient blocks (mu, r, season, gamma, slopes, [alpha, kappa, beta]).

    lambda_t = exp(beta w_t + gamma[k_t] + slopes . log1p(counts_t)) (b_t + alpha g_t) and
    P(launch on day t) = 1 - exp(-lambda_t), with b_t = exp(mu[era] + r[year] + season . h[doy]).
    Every factor takes few distinct values (era x year, day of year, recency class, launch-day count
    in the last 30 / 90 days), so the exponentials are computed once per value, not once per day.
    `gamma` has one entry per recency class, the reference class last (its entry must be 0);
    `harmonic_table[j, d]` is harmonic j on day of year d; `counts[j, t]` is a launch-day count.
    """
    n = y.shape[0]
    n_season, n_slopes = harmonic_table.shape[0], counts.shape[0]
    n_doy = harmonic_table.shape[1]
    top = 0
    for j in range(n_slopes):
        for t in range(n):
            top = max(top, counts[j, t])
    level = np.empty((mu.shape[0], r.shape[0]))
    for e in range(mu.shape[0]):
        for q in range(r.shape[0]):
            level[e, q] = math.exp(mu[e] + r[q])
    seasonal = np.empty(n_doy)
    for d in range(n_doy):
        acc = 0.0
        for j in range(n_season):
            acc += season[j] * harmonic_table[j, d]
        seasonal[d] = math.exp(acc)
    by_class = np.exp(gamma)
    busy = np.empty((n_slopes, top + 1))
    for j in range(n_slopes):
        for m in range(top + 1):
            busy[j, m] = math.exp(slopes[j] * math.log1p(m))
    in_window = math.exp(beta)
    d_mu, d_r = np.zeros(mu.shape[0]), np.zeros(r.shape[0])
    d_doy, d_gamma = np.zeros(n_doy), np.zeros(gamma.shape[0])
    d_count = np.zeros((n_slopes, top + 1))
    d_last = np.zeros(3)
    ll, g, h = 0.0, 0.0, 0.0
    for t in range(n):
        if t > 0:
            h = kappa * h + (g - y[t - 1])
            g = kappa * g + (1.0 - kappa) * y[t - 1]
        base = level[era[t], year[t]] * seasonal[doy[t]]
        k = recency[t]
        mult = by_class[k]
        if window[t] > 0:
            mult *= in_window
        for j in range(n_slopes):
            mult *= busy[j, counts[j, t]]
        lam = max(mult * (base + alpha * g), 1e-12)
        if y[t] > 0:
            ll += math.log(-math.expm1(-lam))
            dl = 1.0 / math.expm1(min(lam, 700.0))
        else:
            ll -= lam
            dl = -1.0
        db = dl * mult * base
        dlam = dl * lam
        d_mu[era[t]] += db
        d_r[year[t]] += db
        d_doy[doy[t]] += db
        d_gamma[k] += dlam
        for j in range(n_slopes):
            d_count[j, counts[j, t]] += dlam
        d_last[0] += dl * mult * g
        d_last[1] += alpha * dl * mult * h
        d_last[2] += dlam * window[t]
    d_season = harmonic_table @ d_doy
    d_slopes = np.zeros(n_slopes)
    for j in range(n_slopes):
        for m in range(top + 1):
            d_slopes[j] += math.log1p(m) * d_count[j, m]
    return ll, d_mu, d_r, d_season, d_gamma, d_slopes, d_last


@njit(cache=True)
def simulate_days(
    base: np.ndarray,
    mult: np.ndarray,
    recency: np.ndarray,
    busy_short: np.ndarray,
    busy_long: np.ndarray,
    threshold: np.ndarray,
    alpha: float,
    kappa: float,
) -> np.ndarray:
    """0/1 launch days: day t is a launch day when its intensity exceeds an Exp(1) threshold.

    `recency[d]` multiplies the intensity d days after the last launch (the last entry for longer or
    none); `busy_short[m]` / `busy_long[m]` multiply it when m launch days fell in the previous
    len(busy_short) - 1 / len(busy_long) - 1 days.
    """
    n = base.shape[0]
    short, long_ = busy_short.shape[0] - 1, busy_long.shape[0] - 1
    horizon = recency.shape[0] - 1
    out = np.zeros(n)
    excite, gain, since, n_short, n_long = 0.0, alpha * (1.0 - kappa), horizon, 0, 0
    for t in range(n):
        level = mult[t] * recency[since] * busy_short[n_short] * busy_long[n_long]
        hit = level * (base[t] + excite) > threshold[t]
        out[t] = 1.0 if hit else 0.0
        excite = kappa * excite + gain * out[t]
        since = 1 if hit else min(since + 1, horizon)
        n_short += int(out[t]) - (int(out[t - short]) if t >= short else 0)
        n_long += int(out[t]) - (int(out[t - long_]) if t >= long_ else 0)
    return out
