"""Index generations on disk: a pointer to the current one, its sync state, and a sync lock.

Layout of an index root::

    CURRENT            name of the generation searches use (replaced atomically)
    sync.lock          held while changes are applied, so one writer reads the database at a time
    rebuild.lock       held while a new generation is built, so one process builds at a time
    gen-<n>/           a complete Whoosh index, with ``state.json``: schema version and the
                       last change from the database's change log that it contains
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

POINTER = "CURRENT"
STATE_FILE = "state.json"
LOCK_FILE = "sync.lock"
REBUILD_LOCK_FILE = "rebuild.lock"
GENERATION_PREFIX = "gen-"


class IndexBusy(RuntimeError):
    """Another process holds the index's lock; changes stay in the log for the next sync."""


@dataclass
class SyncState:
    """What a generation contains: its schema version and the change-log position it reflects."""

    schema_version: int
    #: Every change with an id up to this one is applied, except those in ``gaps``.
    applied_through: int = 0
    #: Change ids above a gap that were not seen yet (a transaction still open, or rolled back),
    #: with the time they were first missed; they are dropped after a grace period.
    gaps: dict[int, float] = field(default_factory=dict)
    built_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        """Serialise for ``state.json``."""
        data = asdict(self)
        data["gaps"] = {str(key): value for key, value in self.gaps.items()}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SyncState:
        """Read ``state.json``."""
        data = json.loads(text)
        data["gaps"] = {int(key): float(value) for key, value in data.get("gaps", {}).items()}
        return cls(**data)


def current_generation(root: Path) -> Path | None:
    """Return the directory of the current generation, or None if there is none."""
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = root / name
    return path if name.startswith(GENERATION_PREFIX) and path.is_dir() else None


def pointer_stamp(root: Path) -> tuple[int, int] | None:
    """Return a cheap fingerprint of the pointer file, to notice a switch without reading it."""
    try:
        stat = (root / POINTER).stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_ino


def generations(root: Path) -> list[Path]:
    """Return every generation directory, newest first (finished or not)."""
    return sorted((p for p in root.glob(f"{GENERATION_PREFIX}*") if p.is_dir()), reverse=True)


def remove_generation(generation: Path) -> None:
    """Delete a generation directory (one found damaged; never the current one)."""
    if current_generation(generation.parent) != generation:
        shutil.rmtree(generation, ignore_errors=True)


def new_generation(root: Path) -> Path:
    """Create and return an empty directory for a new generation."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{GENERATION_PREFIX}{time.time_ns():020d}-{os.getpid()}"
    path.mkdir()
    return path


def switch_to(root: Path, generation: Path) -> None:
    """Make ``generation`` current, atomically."""
    temporary = root / f".{POINTER}.{os.getpid()}.tmp"
    temporary.write_text(generation.name + "\n", encoding="utf-8")
    os.replace(temporary, root / POINTER)


def prune(root: Path, keep: int = 2) -> None:
    """Delete all but the newest ``keep`` generations (never the current one)."""
    current = current_generation(root)
    generations = sorted(p for p in root.glob(f"{GENERATION_PREFIX}*") if p.is_dir())
    for old in generations[:-keep]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def read_state(generation: Path) -> SyncState | None:
    """Return a generation's sync state, or None if it has none (an unfinished build)."""
    try:
        return SyncState.from_json((generation / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, TypeError):
        return None


def write_state(generation: Path, state: SyncState) -> None:
    """Replace a generation's sync state atomically."""
    temporary = generation / f".{STATE_FILE}.{os.getpid()}.tmp"
    temporary.write_text(state.to_json(), encoding="utf-8")
    os.replace(temporary, generation / STATE_FILE)


@contextlib.contextmanager
def sync_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the root's sync lock, waiting at most ``timeout`` seconds; raise :class:`IndexBusy`."""
    with _file_lock(root, LOCK_FILE, timeout, "is locked by another writer"):
        yield


@contextlib.contextmanager
def rebuild_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the root's rebuild lock, waiting at most ``timeout`` seconds; raise :class:`IndexBusy`."""
    with _file_lock(root, REBUILD_LOCK_FILE, timeout, "is being rebuilt by another process"):
        yield


def is_rebuilding(root: Path) -> bool:
    """Whether any process (this one included) holds the root's rebuild lock now."""
    try:
        with rebuild_lock(root, timeout=0):
            return False
    except IndexBusy:
        return True


@contextlib.contextmanager
def _file_lock(root: Path, name: str, timeout: float, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on ``root/name`` (shared by every process on this folder)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / name, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    raise IndexBusy(f"the search index at {root} {busy}") from error
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
