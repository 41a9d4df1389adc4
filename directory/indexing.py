"""The only bridge from the database to the search index.

- ``document_for`` turns a center into its search document (a pure function).
- Session events write a ``search_changes`` row, in the same transaction, for every flush that
  alters a center's document; ``record_changes`` does it for bulk statements.
- ``IndexSync`` applies logged changes to this node's index (after each commit, on demand,
  and before a search when the last check is stale) and rebuilds the index from scratch.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from directory.logs import describe_exception, private_traceback
from directory.models import Center, Location, SearchChange, TaxonomyTerm, center_terms, utcnow
from directory.schemas.geography import US_STATES
from search_index import IndexBusy, IndexCorrupt, SearchIndex, SyncState

log = logging.getLogger(__name__)

#: How long a missing change id may stay unseen (an open transaction) before it is given up as rolled back.
GAP_GRACE_SECONDS = 120.0
#: How far below the newest change a rebuild looks for ids still in flight.
REBUILD_LOOKBACK = 1000
BATCH_SIZE = 500
PENDING_KEY = "search_changes_recorded"
#: Set in ``session.info`` by bulk work (imports) that syncs the index once at the end itself.
DEFER_KEY = "defer_search_sync"


def document_for(center: Center) -> dict[str, Any]:
    """Return the search document of a center (every status: staff search sees them all)."""
    location = center.primary_location
    return {
        "id": str(center.id),
        "name": center.name,
        "description": center.description or "",
        "city": location.city if location else None,
        "state": location.state if location else None,
        "state_name": US_STATES.get(location.state) if location else None,
        "zip": location.postal_code if location else None,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "status": center.status.value,
        "verification_status": center.verification_status.value,
        "verified_at": center.verified_at.timestamp() if center.verified_at else None,
        "reverify_due_on": center.reverify_due_on.isoformat() if center.reverify_due_on else None,
        "advertiser": bool(center.is_advertiser),
        "accepting_new_clients": center.accepting_new_clients,
        "terms": {scheme: sorted(codes) for scheme, codes in sorted(center.term_codes().items())},
    }


# -- recording changes ----------------------------------------------------------------------


def record_changes(session: Session, center_ids: Iterable[uuid.UUID]) -> int:
    """Log changes for centers altered by bulk statements the ORM did not see; return how many."""
    return _insert_changes(session, dict.fromkeys(center_ids))


def _insert_changes(session: Session, center_ids: Iterable[uuid.UUID]) -> int:
    """Write one change-log row per center on the session's connection (inside its transaction)."""
    now = utcnow()
    rows = [{"center_id": center_id, "changed_at": now} for center_id in center_ids]
    if rows:
        session.connection().execute(insert(SearchChange), rows)
        session.info[PENDING_KEY] = True
    return len(rows)


def _changed_center_ids(session: Session) -> set[uuid.UUID]:
    """Return the centers whose documents this flush alters."""
    ids: set[uuid.UUID] = set()
    changed_terms: list[int] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Center):
            ids.add(obj.id)
        elif isinstance(obj, Location):
            center_id = obj.center_id or (obj.center.id if obj.center is not None else None)
            if center_id is not None:
                ids.add(center_id)
        elif isinstance(obj, TaxonomyTerm) and obj in session.dirty:
            changed_terms.append(obj.id)
    if changed_terms:
        ids.update(
            session.connection().scalars(
                select(center_terms.c.center_id).where(center_terms.c.term_id.in_(changed_terms))
            )
        )
    return ids


@event.listens_for(Session, "after_flush")
def _log_flushed_changes(session: Session, _context: Any) -> None:
    """Write the change-log rows of a flush inside its transaction."""
    _insert_changes(session, _changed_center_ids(session))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    """A rollback leaves nothing to apply."""
    session.info.pop(PENDING_KEY, None)


def install_after_commit_sync(sessions: sessionmaker[Session], sync: Callable[[], None]) -> None:
    """Call ``sync`` after every commit of these sessions that recorded search changes."""

    @event.listens_for(sessions, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.get(DEFER_KEY):
            return  # the bulk job syncs once when it is done; the changes wait in the log
        if session.info.pop(PENDING_KEY, False):
            sync()


# -- applying changes -----------------------------------------------------------------------


class IndexNotBuilt(RuntimeError):
    """The node has no usable index; ``flask index rebuild`` makes one."""


@dataclass
class SyncReport:
    """What one sync did."""

    applied_through: int = 0
    upserted: int = 0
    deleted: int = 0
    gaps: int = 0
    busy: bool = False


class IndexSync:
    """Keeps one node's index in step with the database's change log."""

    def __init__(
        self,
        index: SearchIndex,
        sessions: sessionmaker[Session],
        *,
        check_interval: float = 2.0,
        gap_grace: float = GAP_GRACE_SECONDS,
    ) -> None:
        self.index = index
        self.sessions = sessions
        self.check_interval = check_interval
        self.gap_grace = gap_grace
        self._last_check = float("-inf")
        self._check_lock = threading.Lock()

    def sync(self, timeout: float | None = None) -> SyncReport:
        """Apply every pending change; raise :class:`IndexBusy` if another writer holds the index.

        Raise :class:`IndexCorrupt` if the current generation is damaged: the changes wait in the
        log for the rebuild that replaces it.
        """
        fault = self.index.fault
        if fault is not None:
            raise IndexCorrupt(fault)
        with self.index.sync_lock(timeout):
            state = self.index.state()
            if state is None or self.index.rebuild_reason():
                raise IndexNotBuilt(self.index.rebuild_reason() or "there is no search index yet")
            with self.sessions() as session:
                changes = session.execute(
                    select(SearchChange.id, SearchChange.center_id).where(
                        or_(SearchChange.id > state.applied_through, SearchChange.id.in_(list(state.gaps)))
                    )
                ).all()
                new_state = self._advance(state, [change_id for change_id, _ in changes])
                center_ids = list(dict.fromkeys(center_id for _, center_id in changes))
                documents = list(load_documents(session, center_ids))
            found = {doc["id"] for doc in documents}
            deletes = [str(center_id) for center_id in center_ids if str(center_id) not in found]
            if changes or new_state.gaps != state.gaps:
                self.index.apply(documents, deletes, new_state)
        self._last_check = time.monotonic()
        return SyncReport(
            applied_through=new_state.applied_through,
            upserted=len(documents),
            deleted=len(deletes),
            gaps=len(new_state.gaps),
        )

    def _advance(self, state: SyncState, seen: list[int]) -> SyncState:
        """Return the state after applying ``seen``: a new watermark, and the ids still missing below it."""
        now = time.time()
        seen_set = set(seen)
        top = max([state.applied_through, *seen])
        gaps = {i: t for i, t in state.gaps.items() if i not in seen_set and now - t < self.gap_grace}
        for missing in range(state.applied_through + 1, top + 1):
            if missing not in seen_set:
                gaps.setdefault(missing, now)
        return SyncState(
            schema_version=state.schema_version,
            applied_through=top,
            gaps=gaps,
            built_at=state.built_at,
        )

    def sync_quietly(self, timeout: float = 0.5) -> SyncReport | None:
        """Sync, but never raise: a busy or missing index leaves the changes in the log for later."""
        try:
            return self.sync(timeout=timeout)
        except IndexBusy:
            log.info("search index busy; changes stay in the log for the next sync")
        except IndexNotBuilt as error:
            log.warning("search index not built (%s); run 'flask index rebuild'", error)
        except IndexCorrupt:
            log.debug("search index damaged; changes stay in the log for the rebuild")
        except Exception as error:
            # The message may quote a listing's text: log the error's kind and frames only.
            log.error(
                "search index sync failed (%s); changes stay in the log for the next sync\n%s",
                describe_exception(error),
                private_traceback(error),
            )
        return None

    def catch_up_if_due(self) -> None:
        """Before a search: if the last check is older than the interval, apply any pending changes."""
        if time.monotonic() - self._last_check < self.check_interval:
            return
        if not self._check_lock.acquire(blocking=False):
            return
        try:
            self._last_check = time.monotonic()
            state = self.index.state()
            if state is None or self.index.rebuild_reason() or self.index.fault is not None:
                return
            with self.sessions() as session:
                newest = session.scalar(select(func.max(SearchChange.id))) or 0
            if newest > state.applied_through or state.gaps:
                self.sync_quietly()
        finally:
            self._check_lock.release()

    def rebuild(self, progress: Callable[[int, int], None] | None = None, *, wait: float = 0.0) -> int:
        """Build a complete new index from the database, switch to it, and return its size.

        One process at a time rebuilds an index folder: raise :class:`IndexBusy` if another
        still holds it after ``wait`` seconds.
        """
        with self.index.rebuild_lock(wait):
            return self._rebuild(progress)

    def rebuild_if_needed(self, wait: float = 0.0) -> None:
        """Rebuild unless the index is usable (checked again under the lock); raise :class:`IndexBusy`."""
        with self.index.rebuild_lock(wait):
            if self.index.rebuild_reason():
                self._rebuild(None)

    def _rebuild(self, progress: Callable[[int, int], None] | None) -> int:
        with self.sessions() as session:
            newest = session.scalar(select(func.max(SearchChange.id))) or 0
            recent = set(
                session.scalars(select(SearchChange.id).where(SearchChange.id > newest - REBUILD_LOOKBACK))
            )
            now = time.time()
            gaps = {
                i: now for i in range(max(1, newest - REBUILD_LOOKBACK + 1), newest + 1) if i not in recent
            }
            total = session.scalar(select(func.count()).select_from(Center)) or 0
            state = SyncState(schema_version=0, applied_through=newest, gaps=gaps)
            count = 0

            def tick(done: int) -> None:
                nonlocal count
                count = done
                if progress is not None:
                    progress(done, total)

            self.index.rebuild(iter_all_documents(session), state, expected_count=total, progress=tick)
        self._last_check = time.monotonic()
        return count


def load_documents(session: Session, center_ids: list[uuid.UUID]) -> Iterator[dict[str, Any]]:
    """Yield the documents of the given centers that still exist."""
    for start in range(0, len(center_ids), BATCH_SIZE):
        batch = center_ids[start : start + BATCH_SIZE]
        query = select(Center).where(Center.id.in_(batch)).options(*_document_loads())
        for center in session.scalars(query):
            yield document_for(center)


def iter_all_documents(session: Session) -> Iterator[dict[str, Any]]:
    """Yield every center's document, in batches."""
    last: uuid.UUID | None = None
    while True:
        query = select(Center).order_by(Center.id).limit(BATCH_SIZE).options(*_document_loads())
        if last is not None:
            query = query.where(Center.id > last)
        centers = session.scalars(query).all()
        if not centers:
            return
        for center in centers:
            yield document_for(center)
        last = centers[-1].id
        session.expunge_all()


def _document_loads() -> tuple[Any, ...]:
    return (selectinload(Center.locations), selectinload(Center.terms))


@dataclass
class Drift:
    """Differences between the database and an index, by listing."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def total(self) -> int:
        """How many listings differ."""
        return len(self.missing) + len(self.stale) + len(self.extra)


def check_drift(sync: IndexSync) -> Drift:
    """Compare every center's document with the index's fingerprint of it."""
    from search_index import document_digest

    indexed = sync.index.digests()
    drift = Drift()
    with sync.sessions() as session:
        for doc in iter_all_documents(session):
            drift.checked += 1
            label = f"{doc['name']} ({doc['id']})"
            digest = indexed.pop(doc["id"], None)
            if digest is None:
                drift.missing.append(label)
            elif digest != document_digest(doc):
                drift.stale.append(label)
    drift.extra.extend(f"unknown listing ({listing_id})" for listing_id in sorted(indexed))
    return drift
