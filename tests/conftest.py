"""Shared fixtures: the offline mirror (when present) and small file-writing helpers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dprk_launches import config

SHARED_MIRROR = config.PROJECT_ROOT.parent / "shared" / "data" / "reference"
if not os.environ.get(config.MIRROR_ENV) and SHARED_MIRROR.is_dir():
    os.environ[config.MIRROR_ENV] = str(SHARED_MIRROR)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror folder laid out like shared/data/reference (skips if none is set)."""
    value = os.environ.get(config.MIRROR_ENV, "")
    if not value or not Path(value).is_dir():
        message = (
            f"needs {config.MIRROR_ENV} pointing at a folder laid out like shared/data/reference"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"in CI every test must run: {message}")
        pytest.skip(message)
    return Path(value)


@pytest.fixture
def mirror_copy(mirror: Path, tmp_path: Path) -> Path:
    """A writable copy of the mirror, for tampering with."""
    dest = tmp_path / "mirror"
    shutil.copytree(mirror, dest)
    return dest


@pytest.fixture
def empty_raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data/raw cache for this test only."""
    raw = tmp_path / "raw"
    monkeypatch.setenv(config.RAW_DIR_ENV, str(raw))
    return raw


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Path:
    """Every report built once, with fast parameters, into a temporary folder."""
    from dprk_launches.reports.build import build_reports

    out = tmp_path_factory.mktemp("reports")
    assert build_reports(out_dir=out, parameters={"fast": True}, jobs=2) == 0
    return out
