"""The null intensity fit, made once per launch calendar and model version and shared across reports.

The fit without an event term does not depend on the events tested, so every headline test, power
sentence and sensitivity grid on the same launch calendar can start from one fit instead of refitting
from scratch. Fits are kept in memory and on disk (`data/processed/fits/`, or the folder named by
DPRK_FIT_CACHE; an empty value turns the disk cache off), keyed by the sha256 of the launch days, the
calendar, the model's spec and the source of the model code, so a new data version or a changed model
never reuses an old fit. An entry is a NumPy `.npy` file of float64 parameters (read with
allow_pickle=False: no object arrays, nothing runs on load) and a manifest (`<key>.npy.json`) with the sha256 of the file's
bytes and of the inputs; an entry whose manifest does not verify, of the wrong shape or with a value
that is not finite is refitted with a one-line note, never used. Files are written atomically, so
reports built in parallel can share the folder.
"""

from __future__ import annotations

import hashlib
import inspect
import io
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from . import era_hawkes, history, kernels, model, spec

CACHE_ENV = "DPRK_FIT_CACHE"
_MEMORY: dict[str, np.ndarray] = {}
_MEMORY_SIZE = 16


def cache_dir() -> Path | None:
    """Folder of cached fits: env DPRK_FIT_CACHE (empty turns it off), else data/processed/fits."""
    return config.cache_folder(CACHE_ENV, config.PROCESSED_DIR / "fits")


@cache
def _code_digest(*modules: object) -> str:
    """sha256 of a fit's source code (by default the intensity model's): a changed model never reads
    an old fit."""
    chosen = modules or (model, spec, history, kernels)
    return hashlib.sha256("".join(inspect.getsource(m) for m in chosen).encode()).hexdigest()


def _inputs(
    y: np.ndarray, index: pd.DatetimeIndex, spec_: object, code: str | None = None
) -> dict[str, str]:
    """What a fit is made from: its code (the model's by default) and spec, the calendar, the sha256
    of the launch days."""
    days = np.ascontiguousarray(y, dtype=np.uint8).tobytes()
    return {
        "code": code or _code_digest(),
        "spec": spec_ if isinstance(spec_, str) else repr(spec_),
        "calendar": f"{index[0]:%Y-%m-%d}/{len(index)}",
        "launch_days": hashlib.sha256(days).hexdigest(),
    }


def _key(inputs: dict[str, str]) -> str:
    """Cache key of a fit's inputs."""
    return hashlib.sha256(repr(sorted(inputs.items())).encode()).hexdigest()[:32]


def fit_key(y: np.ndarray, index: pd.DatetimeIndex, spec_: spec.Spec = spec.FORECAST) -> str:
    """Cache key of a launch-day series on a calendar, fitted with a spec."""
    return _key(_inputs(y, index, spec_))


def _load(key: str, folder: Path | None, inputs: dict[str, str], size: int) -> np.ndarray | None:
    """Verified parameters stored under key, from memory or disk (None when absent or refused)."""
    if key in _MEMORY:
        return _MEMORY[key]
    if folder is None:
        return None
    path = folder / f"{key}.npy"
    entry = config.load_from_cache(path, inputs)
    if entry is None:
        return None
    try:
        x = np.load(io.BytesIO(entry[0]), allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        config.cache_note(path, f"is not a NumPy array ({type(exc).__name__})")
        return None
    if x.dtype != np.float64 or x.shape != (size,) or not np.isfinite(x).all():
        config.cache_note(path, f"is not {size} finite float64 parameters")
        return None
    return x


def _store(key: str, x: np.ndarray, folder: Path | None, inputs: dict[str, str]) -> None:
    """Keep parameters in memory and, when a folder is set, on disk with their manifest."""
    if len(_MEMORY) >= _MEMORY_SIZE:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[key] = x
    if folder is not None and np.isfinite(x).all():
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(x, dtype=np.float64), allow_pickle=False)
        config.store_in_cache(folder / f"{key}.npy", buffer.getvalue(), inputs, {"shape": [len(x)]})


def null_fit(y: np.ndarray, index: pd.DatetimeIndex, design: model.Design) -> model.IntensityFit:
    """The fit without an event term (beta = 0) of launch days y on a calendar, cached."""
    inputs = _inputs(y, index, design.spec)
    key = _key(inputs)
    folder = cache_dir()
    x = _load(key, folder, inputs, model.n_params(design))
    if x is not None:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return model.fit_at(y, design, x)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        fitted = model.fit(y, design, beta=0.0)
    _store(key, fitted.x, folder, inputs)
    return fitted


def fit_intensity(daily: pd.DataFrame) -> model.IntensityFit:
    """The model without event terms, fitted to a zero-filled daily calendar (`series.daily_counts`)."""
    index = pd.DatetimeIndex(daily.index)
    return null_fit(model.launch_days(daily), index, model.Design.build(index))


def hawkes_fit(daily: pd.DataFrame) -> era_hawkes.HawkesFit:
    """The era-level Hawkes fit on launch days that matched placebo dates use, cached like the null fit."""
    index = pd.DatetimeIndex(daily.index)
    y = (daily["launch_days"].to_numpy() > 0).astype(np.uint8)
    code = _code_digest(era_hawkes, history, kernels)
    inputs = _inputs(y, index, "era_hawkes.fit_hawkes(launch_days)", code)
    key = _key(inputs)
    eras = era_hawkes.Design.from_index(index).era_names
    folder = cache_dir()
    x = _load(key, folder, inputs, len(eras) + 5)
    if x is None:
        fitted = era_hawkes.fit_hawkes(daily)
        x = np.concatenate([fitted.params, [fitted.loglik]])
        _store(key, x, folder, inputs)
    n = len(eras)
    return era_hawkes.HawkesFit(
        log_mu=x[:n].copy(),
        season=(float(x[n]), float(x[n + 1])),
        alpha=float(x[n + 2]),
        kappa=float(x[n + 3]),
        era_names=eras,
        loglik=float(x[n + 4]),
        n_days=len(y),
        n_launch_days=int(y.sum()),
    )
