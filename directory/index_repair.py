"""Repairing a damaged search index: log it once, rebuild in the background, say how the index is.

A node that finds its current generation damaged (on opening it, on a failed read, or in a
health check) keeps answering from the last good generation, or with a 503 page when there is
none, while one background thread rebuilds the index from the database. The index folder's
rebuild lock keeps other processes on the same folder from building a second one meanwhile.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from directory.logs import describe_exception, private_traceback
from search_index import Fault, IndexBusy, SearchIndex, storage

log = logging.getLogger(__name__)

#: Seconds before a rebuild that failed (database down, disk full) is tried again.
RETRY_FAILED_REBUILD_AFTER = 60.0


class IndexHealth(enum.Enum):
    """How a node's index is, as ``/healthz`` reports it."""

    OK = "ok"
    REBUILDING = "rebuilding"
    MISSING = "missing"
    OUTDATED = "outdated"
    CORRUPT = "corrupt"


class IndexRepair:
    """Rebuilds one node's damaged index in a background thread, one rebuild at a time."""

    def __init__(self, index: SearchIndex, rebuild: Callable[[], int]) -> None:
        self.index = index
        self._rebuild = rebuild
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._reported: set[Path] = set()
        self._failed_at = float("-inf")

    @property
    def running(self) -> bool:
        """Whether this node's rebuild thread is at work."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def start(self, fault: Fault) -> None:
        """Log ``fault`` (once per generation) and start a background rebuild unless one is running."""
        with self._lock:
            if fault.generation not in self._reported:
                self._reported.add(fault.generation)
                serving = self.index.serving
                log.error(
                    "search index damaged: %s; %s; rebuilding it from the database in the background",
                    fault.describe(),
                    f"searches use generation {serving.name} meanwhile"
                    if serving is not None and serving != fault.generation
                    else "searches answer 503 meanwhile",
                )
            if self.running or time.monotonic() - self._failed_at < RETRY_FAILED_REBUILD_AFTER:
                return
            self._thread = threading.Thread(target=self._run, name="search-index-repair", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for this node's rebuild to finish; return False if it still runs after ``timeout`` seconds."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def health(self) -> IndexHealth:
        """Check the index's files quickly and say how it is (starting a repair if it is damaged)."""
        fault = self.index.check_files()
        if fault is not None:
            self.start(fault)
        if self.running or storage.is_rebuilding(self.index.root):
            return IndexHealth.REBUILDING
        if fault is not None:
            return IndexHealth.CORRUPT
        if self.index.state() is None:
            return IndexHealth.MISSING
        if self.index.rebuild_reason():
            return IndexHealth.OUTDATED
        return IndexHealth.OK

    def _run(self) -> None:
        try:
            count = self._rebuild()
        except IndexBusy:
            log.info("another process is rebuilding the search index; this node uses its result")
        except Exception as error:
            self._failed_at = time.monotonic()
            log.error(
                "rebuilding the damaged search index failed (%s); trying again in %d seconds\n%s",
                describe_exception(error),
                RETRY_FAILED_REBUILD_AFTER,
                private_traceback(error),
            )
        else:
            log.info("search index rebuilt from the database: %d listings", count)
