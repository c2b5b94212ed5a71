"""shift_test evaluates its draws in chunks: the same draws, bit for bit the same answer, as all at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_launches.analysis import model, shift
from dprk_launches.windows import union_window_mask, window_counts

CALENDAR = pd.date_range("2010-01-01", periods=2400, freq="D", name="date_local")


def _daily(seed: int) -> tuple[pd.DataFrame, model.IntensityFit]:
    """Random launch days (with salvo sizes) and an intensity fit at its start values."""
    rng = np.random.default_rng(seed)
    y = (rng.random(len(CALENDAR)) < 0.04).astype(int)
    daily = pd.DataFrame(
        {"launch_days": y, "missiles": y * rng.integers(1, 5, len(y))}, index=CALENDAR
    )
    design = model.Design.build(CALENDAR, np.zeros(len(CALENDAR)))
    fit = model.IntensityFit(
        model.start_values(y.astype(float), design), design, 0.0, len(CALENDAR), 0
    )
    return daily, fit


def _unchunked(
    daily: pd.DataFrame,
    pos: np.ndarray,
    window: tuple[int, int],
    fit: model.IntensityFit,
    unit: str,
    n_draws: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The null excess and overlap computed as before chunking: one (draws x events) array."""
    a, b = window
    pos = np.sort(pos)
    n = len(daily)
    y = model.launch_days(daily)
    counts = daily[unit].to_numpy().astype(float)
    scale = counts[y > 0].mean() if unit != "launch_days" and y.sum() else 1.0
    forecast = scale * shift.forecast_totals(fit, y, b - a + 1)
    placed = pos[None, :] + shift.shift_draws(pos, window, n, n_draws, seed, shift.recency_class(y))
    excess = shift.window_excess(counts, forecast, placed, window).sum(axis=1)
    share = window_counts(union_window_mask(n, pos, a, b), placed, a, b) / (b - a + 1)
    return excess, (forecast[placed + a - 1] * share).sum(axis=1)


def _same(x: np.ndarray, y: np.ndarray) -> bool:
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


@settings(max_examples=25, deadline=None)
@given(
    data_seed=st.integers(0, 3),
    seed=st.integers(0, 2**31),
    n_events=st.integers(1, 60),
    clumped=st.booleans(),
    window=st.sampled_from([(1, 30), (2, 20), (-10, 5), (0, 0), (-30, -1), (1, 45)]),
    unit=st.sampled_from(["launch_days", "missiles"]),
    n_draws=st.integers(1, 400),
    chunk_cells=st.integers(1, 5000),
)
def test_chunked_draws_give_bit_identical_results(
    data_seed: int,
    seed: int,
    n_events: int,
    clumped: bool,
    window: tuple[int, int],
    unit: str,
    n_draws: int,
    chunk_cells: int,
) -> None:
    daily, fit = _daily(data_seed)
    rng = np.random.default_rng(seed)
    if clumped:  # a few dense clumps, so blocks hold several events
        starts = rng.integers(100, len(CALENDAR) - 200, 3)
        pos = np.unique((starts[:, None] + rng.integers(0, 20, (3, n_events))).ravel())
    else:
        pos = np.unique(rng.integers(100, len(CALENDAR) - 100, n_events))
    chunked = shift.shift_test(daily, pos, window, fit, unit, n_draws, seed, chunk_cells)
    whole = shift.shift_test(daily, pos, window, fit, unit, n_draws, seed, 10**12)
    excess, overlap = _unchunked(daily, pos, window, fit, unit, n_draws, seed)
    for r in (chunked, whole):
        assert _same(r.null_excess, excess) and _same(r.null_overlap, overlap)
    assert (chunked.p_value, chunked.observed, chunked.expected, chunked.direction) == (
        whole.p_value,
        whole.observed,
        whole.expected,
        whole.direction,
    )
    assert chunked.ratio_interval() == whole.ratio_interval()


def test_shift_draws_are_the_block_moves_spread_over_events() -> None:
    pos = np.array([100, 103, 104, 300, 520, 525, 700])
    draws = shift.shift_draws(pos, (1, 30), 900, 64, 5)
    moves, blocks = shift.block_moves(pos, (1, 30), 900, 64, 5)
    assert draws.dtype == np.int64 and draws.flags.c_contiguous and draws.shape == (64, 7)
    assert moves.shape == (blocks.max() + 1, 64)
    assert _same(draws, shift.placed_events(pos, moves, blocks) - pos)
    assert _same(shift.placed_events(pos, moves, blocks, slice(10, 20)), (pos + draws)[10:20])
    # one random number per block and draw, block by block: as drawn before draws were chunked
    rng = np.random.default_rng(5)
    offsets = shift._offsets(pos, blocks, (1, 30), 900, None)
    for k, allowed in enumerate(offsets):
        assert (moves[k] == allowed[rng.integers(0, len(allowed), 64)]).all()


def test_a_chunk_is_about_chunk_cells_draws_times_events(monkeypatch) -> None:
    daily, fit = _daily(0)
    pos = np.unique(np.random.default_rng(1).integers(100, len(CALENDAR) - 100, 50))
    sizes = []
    real = shift.placed_events

    def spy(pos_, moves, blocks, draws=slice(None)):
        out = real(pos_, moves, blocks, draws)
        sizes.append(out.shape)
        return out

    monkeypatch.setattr(shift, "placed_events", spy)
    shift.shift_test(daily, pos, (1, 30), fit, n_draws=1000, seed=0, chunk_cells=len(pos) * 300)
    assert [rows for rows, _ in sizes] == [300, 300, 300, 100]
    assert all(cols == len(pos) for _, cols in sizes)
