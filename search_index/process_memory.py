"""The memory a piece of work holds across its process and its worker processes, sampled (Linux).

``ru_maxrss`` gives one process's peak; a build that forks workers holds memory in several
processes at once, and the children's ``ru_maxrss`` mixes in every other child ever waited for.
:class:`TreeMemory` samples ``/proc`` while the work runs and keeps the peak of the whole tree.
Each process counts its proportional set size (PSS): pages a forked worker still shares with
its parent count once between them, not once in each.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")


def resident_mb(pid: int) -> float:
    """Return a process's resident set size in MB (0.0 if it is gone or unreadable)."""
    try:
        pages = int((PROC / str(pid) / "statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def proportional_mb(pid: int) -> float:
    """Return a process's proportional set size in MB (its RSS where the kernel does not report PSS)."""
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, IndexError, ValueError):
        pass
    return resident_mb(pid)


def descendants(pid: int) -> list[int]:
    """Return the ids of every live process below ``pid``."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


class TreeMemory:
    """Sample the resident memory of this process and its descendants while the block runs."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        #: The largest PSS sum over the tree seen at one sample, and the largest single RSS.
        self.peak_total_mb = 0.0
        self.peak_process_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        """Take one sample now."""
        me = os.getpid()
        tree = (me, *descendants(me))
        self.peak_total_mb = max(self.peak_total_mb, sum(proportional_mb(pid) for pid in tree))
        self.peak_process_mb = max(self.peak_process_mb, max(resident_mb(pid) for pid in tree))

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()
