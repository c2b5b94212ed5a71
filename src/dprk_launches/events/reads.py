"""Reading a user's file safely, and once: special files refused, never waited on; snapshots.

A `Snapshot` holds every byte a run reads, so a file that changes during a run cannot mix two versions
in one answer (or one page); `reading(snapshot)` makes every read inside the block return its bytes.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..records.schemas import DataError

SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """What a file that is neither a regular file nor a folder is ('a named pipe (FIFO)'), else None."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((kind for test, kind in SPECIAL_KINDS if test(mode)), "not a regular file")


@dataclass(frozen=True)
class Snapshot:
    """A user's events file or folder read once: its CSV files, the folder's problems, each file's bytes.

    Inside `reading(snapshot)` every read of these paths returns the snapshot's bytes, so a file that
    changes during a run cannot mix two versions in one answer (or one page).
    """

    root: Path
    files: tuple[Path, ...]
    problems: tuple[DataError, ...] = ()
    data: dict[Path, bytes | DataError] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Digest of the file names and bytes (what a page built from this snapshot read)."""
        digest = hashlib.sha256(str(self.root).encode())
        for path in self.files:
            value = self.data.get(path)
            digest.update(str(path).encode() + b"\0")
            digest.update(value if isinstance(value, bytes) else repr(value).encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def to_parameter(self) -> dict[str, object]:
        """The snapshot as JSON-able text for a report kernel (only a snapshot every file of which read)."""
        if self.problems or any(not isinstance(v, bytes) for v in self.data.values()):
            raise ValueError("only a snapshot whose files all read can be handed to a report")
        files = {str(p): self.data[p].decode("utf-8", "surrogateescape") for p in self.files}
        return {"root": str(self.root), "files": files, "sha256": self.sha256}

    @classmethod
    def from_parameter(cls, value: dict) -> Snapshot:
        """Rebuild a snapshot from `to_parameter()`; a digest that does not match raises ValueError."""
        files = {Path(k): v.encode("utf-8", "surrogateescape") for k, v in value["files"].items()}
        snap = cls(Path(value["root"]), tuple(files), (), files)
        if snap.sha256 != value.get("sha256"):
            raise ValueError("the events snapshot handed to this report does not match its digest")
        return snap


_ACTIVE: contextvars.ContextVar[Snapshot | None] = contextvars.ContextVar(
    "event_file_snapshot", default=None
)


@contextlib.contextmanager
def reading(snap: Snapshot) -> Iterator[Snapshot]:
    """Within the block, the snapshot's path lists its files and their reads return its bytes."""
    token = _ACTIVE.set(snap)
    try:
        yield snap
    finally:
        _ACTIVE.reset(token)


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a regular file (a snapshot's when one is active), with a clear DataError for
    anything that stops reading it; a FIFO or device is refused at once, never waited on."""
    snap = active_snapshot()
    if snap is not None and path in snap.data:
        value = snap.data[path]
        if isinstance(value, DataError):
            raise value
        return value
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        raise DataError(shown, "no such file") from exc
    except IsADirectoryError as exc:
        raise DataError(shown, "is a folder, not a CSV file") from exc
    except OSError as exc:
        raise DataError(shown, f"cannot be read ({exc.strerror or exc})") from exc
    with open(fd, "rb", closefd=True) as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise DataError(shown, "is a folder, not a CSV file")
        if kind := special_kind(mode):
            raise DataError(shown, f"is {kind}, not a CSV file; give a regular file")
        try:
            return fh.read()
        except OSError as exc:
            raise DataError(shown, f"cannot be read ({exc.strerror or exc})") from exc


def active_snapshot() -> Snapshot | None:
    """The snapshot of the enclosing `reading` block, or None outside one."""
    return _ACTIVE.get()
